//! `otpauth://` URIs, as in Google's Key Uri Format, and the variants real
//! issuers print.
//!
//! Lenient where a deviation cannot change the codes (case, spacing and
//! padding of the secret, how issuer and account name are separated, the
//! spelling of the algorithm, unknown parameters); strict where it could
//! (a missing or non-base32 secret, an unknown type, digits or period out of
//! range, a parameter given twice).

use std::borrow::Cow;
use std::num::NonZeroU32;
use std::str::FromStr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use zeroize::Zeroizing;

use crate::account::{Account, Algorithm, DEFAULT_PERIOD, Kind, MAX_DIGITS, MIN_DIGITS, STEAM_PERIOD};
use crate::secret::{Secret, SecretError};

/// Longest URI we read. Real ones are under 1 KiB; this bounds the work on
/// hostile input while leaving room for long labels.
pub(crate) const MAX_URI_LEN: usize = 64 * 1024;

/// Everything but RFC 3986 "unreserved" characters is percent-encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Why a text is not a usable otpauth URI. Each error names the field at
/// fault and says what to do; none quotes the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    /// The text is empty.
    #[error("uri: empty; paste the otpauth:// link from the QR code or setup page")]
    Empty,
    /// Longer than any real URI.
    #[error("uri: longer than {MAX_URI_LEN} bytes; this is not an otpauth:// link")]
    TooLong,
    /// No `scheme://` at all: perhaps a bare key pasted into the wrong field.
    #[error("scheme: missing; paste the link that starts with otpauth://")]
    NoScheme,
    /// Not `otpauth://`, `steam://` or a migration URI.
    #[error("scheme: {found} is not otpauth://; paste the link that starts with otpauth://")]
    Scheme {
        /// What stood where the scheme should be, quoted and shortened.
        found: String,
    },
    /// A Google Authenticator export was given where one account was expected.
    #[error(
        "scheme: this is a Google Authenticator export (otpauth-migration://), which holds several accounts; use `twofold migration decode`"
    )]
    Migration,
    /// A type other than totp, hotp or steam.
    #[error("type: {found} is not totp, hotp or steam")]
    Type {
        /// The type given, quoted and shortened.
        found: String,
    },
    /// No `secret=` parameter.
    #[error("secret: missing; the link must carry secret=<base32 key>")]
    MissingSecret,
    /// The secret is not base32 or is empty.
    #[error("secret: {0}")]
    Secret(#[from] SecretError),
    /// Digits outside 5 to 10, or not a number.
    #[error("digits: {value} is not a whole number from {MIN_DIGITS} to {MAX_DIGITS}")]
    Digits {
        /// The value given, quoted and shortened.
        value: String,
    },
    /// Period zero or not a number.
    #[error("period: {value} is not a whole number of seconds from 1 to {}", u32::MAX)]
    Period {
        /// The value given, quoted and shortened.
        value: String,
    },
    /// Counter negative or not a number.
    #[error("counter: {value} is not a whole number from 0 to {}", u64::MAX)]
    Counter {
        /// The value given, quoted and shortened.
        value: String,
    },
    /// A hash other than SHA-1, SHA-256 or SHA-512.
    #[error("algorithm: {value} is not SHA1, SHA256 or SHA512")]
    Algorithm {
        /// The value given, quoted and shortened.
        value: String,
    },
    /// A known parameter appears more than once, so which one counts is unclear.
    #[error("{field}: given more than once; keep one")]
    Repeated {
        /// The parameter's name.
        field: &'static str,
    },
    /// Percent-encoding that does not decode to UTF-8 text.
    #[error("{field}: percent-encoding does not decode to UTF-8 text")]
    Encoding {
        /// The part of the URI at fault.
        field: &'static str,
    },
}

impl UriError {
    /// The name of the field at fault, as the URI spells it (`secret`, `digits`, ...).
    pub fn field(&self) -> &'static str {
        match self {
            UriError::Empty | UriError::TooLong => "uri",
            UriError::NoScheme | UriError::Scheme { .. } | UriError::Migration => "scheme",
            UriError::Type { .. } => "type",
            UriError::MissingSecret | UriError::Secret(_) => "secret",
            UriError::Digits { .. } => "digits",
            UriError::Period { .. } => "period",
            UriError::Counter { .. } => "counter",
            UriError::Algorithm { .. } => "algorithm",
            UriError::Repeated { field } | UriError::Encoding { field } => field,
        }
    }
}

/// Quotes a user-supplied value for an error message, cut to 32 characters
/// so that a pasted blob does not flood the terminal.
pub(crate) fn quote(text: &str) -> String {
    const MAX: usize = 32;
    let mut shown: String = text.chars().take(MAX).collect();
    if text.chars().count() > MAX {
        shown.push('…');
    }
    format!("{shown:?}")
}

/// The query parameters that matter, each at most once.
#[derive(Default)]
struct Parameters<'a> {
    secret: Option<Zeroizing<String>>,
    issuer: Option<String>,
    algorithm: Option<Cow<'a, str>>,
    digits: Option<Cow<'a, str>>,
    period: Option<Cow<'a, str>>,
    counter: Option<Cow<'a, str>>,
}

impl<'a> Parameters<'a> {
    fn parse(query: &'a str) -> Result<Self, UriError> {
        let mut parameters = Parameters::default();
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = key.to_ascii_lowercase();
            match key.as_str() {
                "secret" => {
                    let value = Zeroizing::new(decode_query(value, "secret")?.into_owned());
                    set_once(&mut parameters.secret, value, "secret")?;
                }
                "issuer" => {
                    let value = decode_query(value, "issuer")?.into_owned();
                    set_once(&mut parameters.issuer, value, "issuer")?;
                }
                "algorithm" => set_once(
                    &mut parameters.algorithm,
                    decode_query(value, "algorithm")?,
                    "algorithm",
                )?,
                "digits" => set_once(&mut parameters.digits, decode_query(value, "digits")?, "digits")?,
                "period" => set_once(&mut parameters.period, decode_query(value, "period")?, "period")?,
                "counter" => set_once(&mut parameters.counter, decode_query(value, "counter")?, "counter")?,
                // image=, codeDisplay= (Ente), icon=, color= and the like: not ours to judge.
                _ => {}
            }
        }
        Ok(parameters)
    }
}

fn set_once<T>(slot: &mut Option<T>, value: T, field: &'static str) -> Result<(), UriError> {
    if slot.is_some() {
        return Err(UriError::Repeated { field });
    }
    *slot = Some(value);
    Ok(())
}

/// Query values: `+` means a space (HTML form encoding, as in `issuer=Air+Canada`).
fn decode_query<'a>(value: &'a str, field: &'static str) -> Result<Cow<'a, str>, UriError> {
    if value.contains('+') {
        // This may be the secret: the copy wipes itself.
        let spaced = Zeroizing::new(value.replace('+', " "));
        let decoded = percent_decode_str(&spaced)
            .decode_utf8()
            .map_err(|_| UriError::Encoding { field })?;
        return Ok(Cow::Owned(decoded.into_owned()));
    }
    percent_decode_str(value)
        .decode_utf8()
        .map_err(|_| UriError::Encoding { field })
}

/// Path segments: `+` is a literal plus.
fn decode_path(value: &str, field: &'static str) -> Result<String, UriError> {
    Ok(percent_decode_str(value)
        .decode_utf8()
        .map_err(|_| UriError::Encoding { field })?
        .into_owned())
}

/// Splits a raw label into issuer and account name at the first `:`, or at
/// the first `%3A` when there is no literal one.
fn split_label(raw: &str) -> Result<(Option<String>, String), UriError> {
    let split = raw.find(':').map(|at| (at, 1)).or_else(|| {
        let lower = raw.to_ascii_lowercase();
        lower.find("%3a").map(|at| (at, 3))
    });
    match split {
        Some((at, width)) => {
            let issuer = decode_path(raw.get(..at).unwrap_or_default(), "label")?;
            let name = decode_path(raw.get(at + width..).unwrap_or_default(), "label")?;
            Ok((Some(issuer.trim().to_owned()), name.trim().to_owned()))
        }
        None => Ok((None, decode_path(raw, "label")?.trim().to_owned())),
    }
}

/// Splits `scheme://rest`, lowercasing the scheme.
pub(crate) fn split_scheme(text: &str) -> Option<(String, &str)> {
    let (scheme, rest) = text.split_once("://")?;
    Some((scheme.to_ascii_lowercase(), rest))
}

fn parse_number<T: FromStr>(
    text: Option<&str>,
    default: T,
    error: impl FnOnce(String) -> UriError,
) -> Result<T, UriError> {
    match text.map(str::trim) {
        None => Ok(default),
        Some(text) => text.parse().map_err(|_| error(quote(text))),
    }
}

/// Reads one account from an `otpauth://` or `steam://` URI.
pub(crate) fn parse(text: &str) -> Result<Account, UriError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(UriError::Empty);
    }
    if text.len() > MAX_URI_LEN {
        return Err(UriError::TooLong);
    }
    // Without a scheme the text may be a bare key: it is not quoted back.
    let (scheme, rest) = split_scheme(text).ok_or(UriError::NoScheme)?;
    match scheme.as_str() {
        "otpauth" => {}
        "steam" => {
            // Bitwarden and others write Steam accounts as steam://SECRET.
            let secret = rest.trim_end_matches('/');
            let secret = Secret::from_base32(&decode_path(secret, "secret")?)?;
            return Ok(Account::new("Steam", "", secret, Kind::Steam));
        }
        "otpauth-migration" => return Err(UriError::Migration),
        other => return Err(UriError::Scheme { found: quote(other) }),
    }

    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (otp_type, raw_label) = path.split_once('/').unwrap_or((path, ""));
    let otp_type = otp_type.to_ascii_lowercase();
    if !matches!(otp_type.as_str(), "totp" | "hotp" | "steam") {
        return Err(UriError::Type {
            found: quote(&otp_type),
        });
    }

    let parameters = Parameters::parse(query)?;
    let (label_issuer, name) = split_label(raw_label)?;
    let issuer = match parameters.issuer.as_deref().map(str::trim) {
        Some(issuer) if !issuer.is_empty() => issuer.to_owned(),
        _ => label_issuer.unwrap_or_default(),
    };

    let secret = parameters.secret.as_deref().ok_or(UriError::MissingSecret)?;
    let secret = Secret::from_base32(secret)?;

    let algorithm = match parameters.algorithm.as_deref().map(str::trim) {
        None | Some("") => Algorithm::Sha1,
        Some(name) => name.parse().map_err(|_| UriError::Algorithm { value: quote(name) })?,
    };
    let digits_error = |value| UriError::Digits { value };
    let digits: u8 = parse_number(parameters.digits.as_deref(), 6, digits_error)?;
    let period: u32 = parse_number(parameters.period.as_deref(), DEFAULT_PERIOD.get(), |value| {
        UriError::Period { value }
    })?;
    let period = NonZeroU32::new(period).ok_or_else(|| UriError::Period { value: quote("0") })?;
    let counter: u64 = parse_number(parameters.counter.as_deref(), 0, |value| UriError::Counter { value })?;

    let is_steam = otp_type == "steam" || (otp_type == "totp" && issuer.eq_ignore_ascii_case("steam"));
    let kind = if is_steam {
        Kind::Steam
    } else if otp_type == "hotp" {
        Kind::Hotp { counter }
    } else {
        Kind::Totp { period }
    };
    let mut account = Account::new(issuer, name, secret, kind).with_algorithm(algorithm);
    if !is_steam {
        account.set_digits(digits).map_err(|_| UriError::Digits {
            value: quote(&digits.to_string()),
        })?;
    }
    Ok(account)
}

impl FromStr for Account {
    type Err = UriError;

    /// Parses an `otpauth://` (or `steam://`) URI; see [`UriError`] for what is refused.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse(text)
    }
}

impl Account {
    /// The canonical `otpauth://` URI of this account, which [`Account::from_str`]
    /// reads back to the same account. It carries the secret, so it comes in
    /// a string that wipes itself.
    pub fn to_uri(&self) -> Zeroizing<String> {
        let issuer = utf8_percent_encode(&self.issuer, COMPONENT);
        let name = utf8_percent_encode(&self.name, COMPONENT);
        let label = if !self.issuer.is_empty() {
            format!("{issuer}:{name}")
        } else if self.name.contains(':') {
            // An empty issuer before the first ':' keeps an encoded ':' in the
            // name from being read as the separator.
            format!(":{name}")
        } else {
            name.to_string()
        };
        let mut parameters = String::new();
        if !self.issuer.is_empty() {
            parameters.push_str(&format!("&issuer={issuer}"));
        }
        let (algorithm, digits) = (self.effective_algorithm(), self.digits());
        parameters.push_str(&match self.kind {
            Kind::Totp { period } => format!("&algorithm={algorithm}&digits={digits}&period={period}"),
            Kind::Hotp { counter } => format!("&algorithm={algorithm}&digits={digits}&counter={counter}"),
            Kind::Steam => format!("&algorithm={algorithm}&digits={digits}&period={STEAM_PERIOD}"),
        });

        let secret = self.secret.to_base32();
        let head = format!("otpauth://{}/{label}?secret=", self.kind.as_str());
        // Sized once, so that no reallocation leaves a copy of the secret behind.
        let mut uri = Zeroizing::new(String::with_capacity(head.len() + secret.len() + parameters.len()));
        uri.push_str(&head);
        uri.push_str(&secret);
        uri.push_str(&parameters);
        uri
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_value_is_cut_after_32_characters() {
        let exactly = "é".repeat(32);
        assert_eq!(quote(&exactly), format!("{exactly:?}"));
        assert_eq!(quote(&"é".repeat(33)), format!("\"{exactly}…\""));
        assert_eq!(quote(""), "\"\"");
    }

    #[test]
    fn the_canonical_uri_puts_the_issuer_in_the_label_and_the_query() {
        let secret = || crate::Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let period = std::num::NonZeroU32::new(30).unwrap();
        let both = Account::new("GitHub", "alice", secret(), crate::Kind::Totp { period });
        assert_eq!(
            both.to_uri().as_str(),
            "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&algorithm=SHA1&digits=6&period=30"
        );
        let name_only = Account::new("", "alice", secret(), crate::Kind::Hotp { counter: 3 });
        assert_eq!(
            name_only.to_uri().as_str(),
            "otpauth://hotp/alice?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&counter=3"
        );
    }

    #[test]
    fn a_uri_over_64_kib_is_refused_before_reading() {
        const HEAD: &str = "otpauth://totp/A?secret=JBSWY3DPEHPK3PXP&issuer=";
        let at = |length: usize| format!("{HEAD}{}", "x".repeat(length - HEAD.len()));
        assert_eq!(parse(&at(MAX_URI_LEN + 1)).unwrap_err(), UriError::TooLong);
        assert_eq!(parse(&at(MAX_URI_LEN)).unwrap().issuer.len(), MAX_URI_LEN - HEAD.len());
    }
}
