//! WinAuth's export: otpauth URIs, one per line (`.txt`), or the same text
//! in a ZIP under a password (ZipCrypto). WinAuth writes the issuer part
//! of a label unencoded (raw spaces) and the rest form-encoded (`+` for a
//! space), and adds `icon=`, `serial=`, `deviceid=` and `data=` (a Steam
//! account's whole steamguard file) parameters, which are dropped. Read
//! from winauth/winauth (`WinAuthAuthenticator.ToUrl`, `WinAuthHelper`
//! export and import).

use twofold_otp::Account;

use crate::common::{MAX_ENTRIES, Problem, collect, content_lines, malformed, too_many_entries, uri_account};
use crate::error::ImportError;
use crate::format::{Format, Imported};
use crate::zipped;

/// WinAuth's export.
pub(crate) struct WinAuth;

const NAME: &str = "winauth";
const MAX_TEXT: u64 = 4 << 20;
/// Parameters only WinAuth writes; `data=` holds Steam secrets.
const WINAUTH_ONLY: [&str; 4] = ["icon", "serial", "deviceid", "data"];

/// One line as a standard URI: the label percent-encoded again after
/// WinAuth's `+` and raw spaces, and WinAuth's own parameters dropped.
fn account(line: &str) -> Result<Account, Problem> {
    let invalid = || Problem::Invalid("not an otpauth:// link".to_owned());
    let (scheme, rest) = line.split_once("://").ok_or_else(invalid)?;
    let (kind, rest) = rest.split_once('/').ok_or_else(invalid)?;
    let (label, query) = rest.split_once('?').unwrap_or((rest, ""));
    let label = label.replace('+', " ");
    let label = percent_encoding::percent_decode_str(&label).decode_utf8_lossy();
    let label = percent_encoding::utf8_percent_encode(&label, percent_encoding::NON_ALPHANUMERIC)
        // The issuer separator stays a separator.
        .to_string()
        .replacen("%3A", ":", 1);
    let query: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            !WINAUTH_ONLY.iter().any(|only| key.eq_ignore_ascii_case(only))
        })
        .collect();
    uri_account(&format!("{scheme}://{kind}/{label}?{}", query.join("&")))
}

/// Whether every line is an otpauth URI, one of them carries a parameter
/// only WinAuth writes, and none carries Ente's `codeDisplay` (whose lists
/// are `uri-list`'s).
fn looks_like_winauth(text: &str) -> bool {
    let mut lines = content_lines(text).peekable();
    let mut winauth = false;
    lines.peek().is_some()
        && lines.all(|(_, line)| {
            let query = line.split_once('?').map_or("", |(_, query)| query);
            let keys = || query.split('&').map(|pair| pair.split('=').next().unwrap_or_default());
            winauth |= keys().any(|key| WINAUTH_ONLY.contains(&key));
            line.get(..10)
                .is_some_and(|head| head.eq_ignore_ascii_case("otpauth://"))
                && !keys().any(|key| key == "codeDisplay")
        })
        && winauth
}

impl Format for WinAuth {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "WinAuth export (text of otpauth URIs, or the password-protected ZIP)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        if bytes.starts_with(zipped::LOCAL_HEADER) {
            return zipped::names_member(bytes, b"winauth-");
        }
        std::str::from_utf8(bytes).is_ok_and(looks_like_winauth)
    }

    fn can_encrypt(&self) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        let text = if bytes.starts_with(zipped::LOCAL_HEADER) {
            zipped::read_member(NAME, bytes, |name| name.ends_with(".txt"), password, MAX_TEXT)?
        } else {
            zeroize::Zeroizing::new(bytes.to_vec())
        };
        let text = std::str::from_utf8(&text).map_err(|_| malformed(NAME, "not UTF-8 text"))?;
        if content_lines(text).nth(MAX_ENTRIES).is_some() {
            return Err(too_many_entries(NAME));
        }
        let entries: Vec<(String, Result<Account, Problem>)> = content_lines(text)
            .map(|(number, line)| (format!("line {}", number + 1), account(line)))
            .collect();
        if entries.is_empty() {
            return Err(malformed(NAME, "no otpauth:// URIs in the file"));
        }
        Ok(collect(entries))
    }
}
