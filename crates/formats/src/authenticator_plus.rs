//! Authenticator Plus "Export as Text and HTML": a ZIP, encrypted with the
//! legacy ZipCrypto cipher under the export password, whose `Accounts.txt`
//! lists one otpauth URI per line.

use zeroize::Zeroizing;

use crate::error::ImportError;
use crate::format::{Format, Imported};
use crate::{common, zipped};

/// The format's name.
const NAME: &str = "authenticator-plus";
/// The member holding the URIs.
const ACCOUNTS: &str = "Accounts.txt";
/// The largest `Accounts.txt` read; real ones are a few KiB.
const MAX_TEXT: u64 = 4 << 20;

/// Authenticator Plus "Export as Text and HTML" (password-protected ZIP of otpauth URIs).
pub(crate) struct AuthenticatorPlus;

impl Format for AuthenticatorPlus {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "Authenticator Plus 'Export as Text and HTML' (password-protected ZIP of otpauth URIs)"
    }

    /// A ZIP that names an `Accounts.txt` member in its first header or its
    /// central directory.
    fn detect(&self, bytes: &[u8]) -> bool {
        zipped::names_member(bytes, ACCOUNTS.as_bytes())
    }

    fn can_encrypt(&self) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&str>) -> Result<Imported, ImportError> {
        let text = read_accounts(bytes, password)?;
        let text =
            std::str::from_utf8(&text).map_err(|_| common::malformed(NAME, format!("{ACCOUNTS} is not UTF-8 text")))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Ok(common::collect(
            text.lines()
                .enumerate()
                .filter(|(_, line)| !line.trim().is_empty())
                .map(|(number, line)| {
                    let parsed = crate::common::uri_account(line);
                    let label = match &parsed {
                        Ok(account) if !(account.issuer.is_empty() && account.name.is_empty()) => {
                            common::label(&account.issuer, &account.name, number)
                        }
                        _ => format!("line {}", number + 1),
                    };
                    (label, parsed)
                }),
        ))
    }
}

/// The decrypted bytes of `Accounts.txt`.
fn read_accounts(bytes: &[u8], password: Option<&str>) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    zipped::read_member(
        NAME,
        bytes,
        |name| name.rsplit(['/', '\\']).next() == Some(ACCOUNTS),
        password,
        MAX_TEXT,
    )
}
