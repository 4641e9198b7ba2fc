//! Accounts from what a person types or pastes: the fields of a form, or a
//! URI of any kind we read (one account, or a Google Authenticator export).

use crate::migration::{self, MigrationError};
use crate::{Account, Algorithm, Kind, Secret, UriError};

/// The fields of an "add account" form, as typed. Empty optional fields take
/// the defaults: TOTP, SHA-1, 6 digits, 30 s, counter 0.
#[derive(Default, Clone)]
pub struct AccountForm {
    /// Who issued the account.
    pub issuer: String,
    /// Which login at the issuer.
    pub name: String,
    /// The setup key, in base32 (any case, spaces or dashes allowed); wiped when dropped.
    pub secret: zeroize::Zeroizing<String>,
    /// `totp`, `hotp` or `steam`.
    pub kind: String,
    /// `SHA1`, `SHA256` or `SHA512`.
    pub algorithm: String,
    /// 5 to 10.
    pub digits: String,
    /// Seconds per code, for TOTP.
    pub period: String,
    /// The counter of the next code, for HOTP.
    pub counter: String,
}

// The form holds a secret: it is never printed.
impl std::fmt::Debug for AccountForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountForm")
            .field("issuer", &self.issuer)
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// What is wrong with one field of an [`AccountForm`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name in [`AccountForm`]: `issuer`, `secret`, `digits` ...
    pub field: &'static str,
    /// What is wrong and what to do, without the field's value.
    pub message: String,
}

impl AccountForm {
    /// The account the form describes, or every field at fault (not just the first).
    pub fn build(&self) -> Result<Account, Vec<FieldError>> {
        let mut problems = Problems(Vec::new());
        let (issuer, name) = (self.issuer.trim(), self.name.trim());
        if issuer.is_empty() && name.is_empty() {
            let _: Option<()> = problems.add("issuer", "give the issuer, the account name, or both");
        }
        let kind_name = self.kind.trim().to_ascii_lowercase();
        // Steam fixes its own hash and length: those fields are not asked.
        let steam = kind_name == "steam";
        let secret = Secret::from_base32(&self.secret)
            .map_err(|e| e.to_string())
            .map_or_else(|e| problems.add("secret", &e), Some);
        let algorithm = field(if steam { "" } else { &self.algorithm }, Algorithm::Sha1, |t| {
            t.parse().ok()
        })
        .or_else(|| problems.add("algorithm", "choose SHA1, SHA256 or SHA512"));
        let digits = field(if steam { "" } else { &self.digits }, 6, |t| {
            t.parse()
                .ok()
                .filter(|d| (crate::account::MIN_DIGITS..=crate::account::MAX_DIGITS).contains(d))
        })
        .or_else(|| problems.add("digits", "a whole number from 5 to 10 (most sites use 6)"));
        let kind = match kind_name.as_str() {
            "" | "totp" => field(&self.period, crate::account::DEFAULT_PERIOD, |t| t.parse().ok())
                .map(|period| Kind::Totp { period })
                .or_else(|| problems.add("period", "a whole number of seconds, at least 1 (most sites use 30)")),
            "hotp" => field(&self.counter, 0, |t| t.parse().ok())
                .map(|counter| Kind::Hotp { counter })
                .or_else(|| problems.add("counter", "a whole number, 0 or more (a new account starts at 0)")),
            "steam" => Some(Kind::Steam),
            _ => problems.add("kind", "choose totp, hotp or steam"),
        };
        match (secret, algorithm, digits, kind) {
            (Some(secret), Some(algorithm), Some(digits), Some(kind)) if problems.0.is_empty() => {
                let account = Account::new(issuer, name, secret, kind).with_algorithm(algorithm);
                if kind == Kind::Steam {
                    return Ok(account);
                }
                account.with_digits(digits).map_err(|e| {
                    vec![FieldError {
                        field: "digits",
                        message: e.to_string(),
                    }]
                })
            }
            _ => Err(problems.0),
        }
    }
}

/// The fields at fault so far.
struct Problems(Vec<FieldError>);

impl Problems {
    /// Records what is wrong with `field`; `None` stands for its value.
    fn add<T>(&mut self, field: &'static str, message: &str) -> Option<T> {
        self.0.push(FieldError {
            field,
            message: message.to_owned(),
        });
        None
    }
}

/// A form field's value: `default` when left empty, else what `parse` makes of it.
fn field<T>(text: &str, default: T, parse: impl FnOnce(&str) -> Option<T>) -> Option<T> {
    match text.trim() {
        "" => Some(default),
        text => parse(text),
    }
}

/// Why text holds no account we can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// An `otpauth://` or `steam://` URI that is not valid.
    #[error(transparent)]
    Uri(#[from] UriError),
    /// A Google Authenticator export that is not valid.
    #[error(transparent)]
    Migration(#[from] MigrationError),
}

impl PayloadError {
    /// The text is no account link at all (a web address, say), as
    /// opposed to an account link that is broken.
    pub fn is_not_an_account(&self) -> bool {
        matches!(
            self,
            Self::Uri(UriError::Empty | UriError::NoScheme | UriError::Scheme { .. })
        )
    }
}

/// What the texts of several QR codes held.
#[derive(Debug, Default)]
pub struct Payloads {
    /// Every account found, in order.
    pub accounts: Vec<Account>,
    /// Why each of the other texts holds none.
    pub refused: Vec<PayloadError>,
}

/// The accounts in the texts of QR codes (as a scanner returns them): each
/// text one URI of any kind [`accounts_from_uri`] reads.
pub fn accounts_in_payloads<'a>(texts: impl IntoIterator<Item = &'a str>) -> Payloads {
    let mut found = Payloads::default();
    for text in texts {
        match accounts_from_uri(text) {
            Ok(accounts) => found.accounts.extend(accounts),
            Err(e) => found.refused.push(e),
        }
    }
    found
}

/// The accounts in one URI of any kind we read: `otpauth://`, `steam://`,
/// or a Google Authenticator export (`otpauth-migration://`, several accounts).
pub fn accounts_from_uri(text: &str) -> Result<Vec<Account>, PayloadError> {
    let text = text.trim();
    if text
        .get(..18)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("otpauth-migration:"))
    {
        return Ok(migration::decode(text)?.accounts);
    }
    Ok(vec![text.parse::<Account>()?])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use std::num::NonZeroU32;

    use super::*;

    fn form(secret: &str) -> AccountForm {
        AccountForm {
            issuer: "ACME".into(),
            name: "alice".into(),
            secret: secret.to_owned().into(),
            ..AccountForm::default()
        }
    }

    #[test]
    fn an_empty_form_with_a_key_is_totp_sha1_six_digits_thirty_seconds() {
        let account = form("jbsw y3dp ehpk 3pxp").build().unwrap();
        assert_eq!(
            account.kind,
            Kind::Totp {
                period: NonZeroU32::new(30).unwrap()
            }
        );
        assert_eq!((account.algorithm, account.digits()), (Algorithm::Sha1, 6));
        assert_eq!(account.code_at(59).as_str(), "996554");
    }

    #[test]
    fn an_issuer_or_a_name_alone_is_enough() {
        let mut issuer_only = form("JBSWY3DPEHPK3PXP");
        issuer_only.name.clear();
        assert_eq!(issuer_only.build().unwrap().issuer, "ACME");
        let mut name_only = form("JBSWY3DPEHPK3PXP");
        name_only.issuer = " ".into();
        assert_eq!(name_only.build().unwrap().name, "alice");
    }

    #[test]
    fn a_form_without_issuer_and_name_is_refused_even_when_the_rest_is_right() {
        let mut unnamed = form("JBSWY3DPEHPK3PXP");
        unnamed.issuer.clear();
        unnamed.name = " ".into();
        let fields: Vec<&str> = unnamed.build().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["issuer"]);
    }

    #[test]
    fn a_form_prints_its_labels_but_never_its_secret() {
        let printed = format!("{:?}", form("JBSWY3DPEHPK3PXP"));
        assert!(printed.contains("ACME") && printed.contains("alice"), "{printed}");
        assert!(!printed.contains("JBSWY3DP"), "{printed}");
    }

    #[test]
    fn every_field_at_fault_is_named() {
        let mut bad = form("not base32!");
        bad.issuer.clear();
        bad.name = "  ".into();
        bad.algorithm = "MD5".into();
        bad.digits = "12".into();
        bad.period = "0".into();
        let fields: Vec<&str> = bad.build().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["issuer", "secret", "algorithm", "digits", "period"]);
        let mut bad = form("JBSWY3DPEHPK3PXP");
        bad.kind = "hotp".into();
        bad.counter = "-1".into();
        assert_eq!(bad.build().unwrap_err()[0].field, "counter");
        bad.kind = "motp".into();
        assert_eq!(bad.build().unwrap_err()[0].field, "kind");
    }

    #[test]
    fn no_message_repeats_the_secret() {
        let errors = form("JBSWY3DPEHPK3PX1").build().unwrap_err();
        assert!(
            errors.iter().all(|e| !e.message.contains("JBSWY3DPEHPK3PX")),
            "{errors:?}"
        );
        assert!(!format!("{:?}", form("JBSWY3DPEHPK3PXP")).contains("JBSW"));
    }

    #[test]
    fn hotp_and_steam_and_other_hashes() {
        let mut hotp = form("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        hotp.kind = "HOTP".into();
        hotp.counter = "1".into();
        let mut account = hotp.build().unwrap();
        // RFC 4226 appendix D, counts 1 and 2.
        assert_eq!(account.code_at(0).as_str(), "287082");
        assert_eq!(account.advance_counter().unwrap().as_str(), "359152");
        assert_eq!(account.kind, Kind::Hotp { counter: 2 });
        account.kind = Kind::Hotp { counter: u64::MAX };
        assert!(account.advance_counter().is_err());
        assert_eq!(account.kind, Kind::Hotp { counter: u64::MAX });
        let mut steam = form("JBSWY3DPEHPK3PXP");
        steam.kind = "steam".into();
        // Fields a Steam account does not use are not checked.
        steam.digits = "99".into();
        steam.algorithm = "MD5".into();
        let mut steam = steam.build().unwrap();
        assert_eq!(steam.digits(), 5);
        assert!(steam.advance_counter().is_err());
        let mut sha256 = form("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA");
        sha256.algorithm = "sha256".into();
        sha256.digits = "8".into();
        // RFC 6238 appendix B, T = 59.
        assert_eq!(sha256.build().unwrap().code_at(59).as_str(), "46119246");
    }

    #[test]
    fn uris_of_every_kind() {
        assert_eq!(
            accounts_from_uri(" otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP ")
                .unwrap()
                .len(),
            1
        );
        let two = [
            form("JBSWY3DPEHPK3PXP").build().unwrap(),
            form("GEZDGNBVGY3TQOJQ").build().unwrap(),
        ];
        let export = migration::encode(&two).unwrap();
        assert_eq!(accounts_from_uri(&export[0]).unwrap().len(), 2);
        assert!(matches!(
            accounts_from_uri("OTPAUTH-MIGRATION://offline?data=%%"),
            Err(PayloadError::Migration(_))
        ));
        assert!(matches!(
            accounts_from_uri("https://example.com"),
            Err(PayloadError::Uri(_))
        ));
        assert!(accounts_from_uri("").is_err());
    }

    #[test]
    fn payloads_keep_accounts_and_say_why_others_are_not() {
        let found = accounts_in_payloads([
            "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP",
            "https://example.com",
            "otpauth://totp/A:c?secret=1",
        ]);
        assert_eq!(found.accounts.len(), 1);
        assert_eq!(found.refused.len(), 2);
        assert!(found.refused[0].is_not_an_account());
        assert!(!found.refused[1].is_not_an_account());
    }

    #[test]
    fn labels_are_trimmed_and_never_both_empty() {
        let mut account = form("JBSWY3DPEHPK3PXP").build().unwrap();
        account.set_labels(" ACME ", " bob ", Some("  ")).unwrap();
        assert_eq!(
            (account.issuer.as_str(), account.name.as_str(), account.group.as_deref()),
            ("ACME", "bob", None)
        );
        assert!(account.set_labels(" ", "", Some("Work")).is_err());
        assert_eq!((account.issuer.as_str(), account.group.as_deref()), ("ACME", None));
        account.set_labels("", "bob", Some(" Work ")).unwrap();
        assert_eq!(account.group.as_deref(), Some("Work"));
    }
}
