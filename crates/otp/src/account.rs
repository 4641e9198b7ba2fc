//! What an authenticator stores per login: who issued it, for whom, the
//! secret, and how codes are made from it.

use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;

use crate::secret::Secret;

/// Steam Guard codes are always this many characters long.
pub const STEAM_DIGITS: u8 = 5;
/// Steam Guard codes always change every 30 seconds.
#[allow(clippy::expect_used)] // evaluated at compile time: a failure cannot reach run time
pub const STEAM_PERIOD: NonZeroU32 = NonZeroU32::new(30).expect("30 is not zero");
/// The period that otpauth URIs imply when they name none.
#[allow(clippy::expect_used)] // evaluated at compile time: a failure cannot reach run time
pub(crate) const DEFAULT_PERIOD: NonZeroU32 = NonZeroU32::new(30).expect("30 is not zero");
/// The fewest digits a code may have: some banks print 5.
pub(crate) const MIN_DIGITS: u8 = 5;
/// The most digits a code may have: a 31-bit value has at most 10.
pub(crate) const MAX_DIGITS: u8 = 10;

/// A stable identity for an account, so that two accounts with the same
/// label (two GitHub logins, say) stay apart in lists, edits and merges.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(uuid::Uuid);

impl AccountId {
    /// A fresh random identity (UUID v4).
    pub fn random() -> Self {
        Self(uuid::Uuid::new_v4())
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountId({})", self.0.hyphenated())
    }
}

impl FromStr for AccountId {
    type Err = AccountError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        uuid::Uuid::parse_str(text.trim())
            .map(Self)
            .map_err(|_| AccountError::Id {
                value: crate::uri::quote(text),
            })
    }
}

/// The hash inside the HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// HMAC-SHA-1: the default, and all that most issuers use.
    #[default]
    Sha1,
    /// HMAC-SHA-256.
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
}

impl Algorithm {
    /// The name as otpauth URIs spell it: `SHA1`, `SHA256`, `SHA512`.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Algorithm {
    type Err = AccountError;

    /// Reads `SHA1`, `sha256`, `SHA-512`, `HmacSHA256`, `HMAC-SHA1` and the like.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut name: String = text
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if let Some(rest) = name.strip_prefix("HMAC") {
            name = rest.to_owned();
        }
        match name.as_str() {
            "SHA1" => Ok(Algorithm::Sha1),
            "SHA256" => Ok(Algorithm::Sha256),
            "SHA512" => Ok(Algorithm::Sha512),
            _ => Err(AccountError::Algorithm {
                value: crate::uri::quote(text),
            }),
        }
    }
}

/// How the moving factor of the HMAC is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Time-based (RFC 6238): the factor is the Unix time divided by `period` seconds.
    Totp {
        /// Seconds each code lasts.
        period: NonZeroU32,
    },
    /// Counter-based (RFC 4226): the factor is a counter the user advances.
    Hotp {
        /// The counter of the next code to show.
        counter: u64,
    },
    /// Steam Guard: TOTP with SHA-1, 30 s, and 5 characters from Steam's alphabet.
    Steam,
}

impl Kind {
    /// The name as otpauth URIs spell it: `totp`, `hotp`, `steam`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Totp { .. } => "totp",
            Kind::Hotp { .. } => "hotp",
            Kind::Steam => "steam",
        }
    }

    /// Seconds each code lasts, for the time-based kinds.
    pub fn period(&self) -> Option<NonZeroU32> {
        match *self {
            Kind::Totp { period } => Some(period),
            Kind::Steam => Some(STEAM_PERIOD),
            Kind::Hotp { .. } => None,
        }
    }

    /// The counter, for HOTP.
    pub fn counter(&self) -> Option<u64> {
        match *self {
            Kind::Hotp { counter } => Some(counter),
            _ => None,
        }
    }
}

/// Why a value cannot be part of an account. Each names its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    /// Digits outside 5 to 10.
    #[error("digits: {value} is not a whole number from 5 to 10")]
    Digits {
        /// The value given, quoted and shortened.
        value: String,
    },
    /// A hash other than SHA-1, SHA-256 or SHA-512.
    #[error("algorithm: {value} is not SHA1, SHA256 or SHA512")]
    Algorithm {
        /// The value given, quoted and shortened.
        value: String,
    },
    /// Not a UUID.
    #[error("id: {value} is not an account id (a UUID such as 67e55044-10b1-426f-9247-bb680e5fe0c8)")]
    Id {
        /// The value given, quoted and shortened.
        value: String,
    },
    /// Both labels empty: the account could not be told apart in a list.
    #[error("labels: give the issuer, the account name, or both")]
    NoLabel,
    /// A counter step asked of an account that has no counter.
    #[error("counter: this is a {kind} account; only HOTP (counter) accounts have a next code")]
    NotHotp {
        /// The account's kind, as [`Kind::as_str`] names it.
        kind: &'static str,
    },
    /// The counter cannot grow any more.
    #[error("counter: at its maximum; add the account again with a new secret")]
    CounterAtMax,
    /// A keyed HMAC state of the wrong length for its hash.
    #[error("keyed state: {length} bytes is not a keyed {algorithm} state; it was stored for another hash, or damaged")]
    KeyedState {
        /// The hash it was read as.
        algorithm: Algorithm,
        /// Its length in bytes.
        length: usize,
    },
}

/// `digits` if it is a code length codes can have (5 to 10).
pub(crate) fn checked_digits(digits: u8) -> Result<u8, AccountError> {
    if (MIN_DIGITS..=MAX_DIGITS).contains(&digits) {
        Ok(digits)
    } else {
        Err(AccountError::Digits {
            value: digits.to_string(),
        })
    }
}

/// One login's second factor: labels for people, the secret and the code
/// parameters for the generator, and a few fields for organising a list.
///
/// For [`Kind::Steam`] the `algorithm` and `digits` fields are ignored: Steam
/// codes are always SHA-1 and [`STEAM_DIGITS`] long.
#[derive(Debug, Clone)]
pub struct Account {
    /// Stable identity; not part of any URI.
    pub id: AccountId,
    /// Who issued the account ("GitHub"); may be empty.
    pub issuer: String,
    /// Which login at the issuer ("alice@example.com"); may be empty.
    pub name: String,
    /// The HMAC key.
    pub secret: Secret,
    /// Time-based, counter-based or Steam.
    pub kind: Kind,
    /// The hash inside the HMAC.
    pub algorithm: Algorithm,
    /// Code length, 5 to 10; see [`Account::set_digits`].
    digits: u8,
    /// The group the user filed it under, if any.
    pub group: Option<String>,
    /// Free-form tags.
    pub tags: Vec<String>,
    /// A note the user keeps with it.
    pub note: String,
    /// Shown first in lists.
    pub favourite: bool,
    /// The name of a bundled icon, if one was chosen.
    pub icon: Option<String>,
}

impl Account {
    /// A new account with a fresh id, SHA-1, 6 digits (5 for Steam) and no group, tags or note.
    pub fn new(issuer: impl Into<String>, name: impl Into<String>, secret: Secret, kind: Kind) -> Self {
        let digits = if kind == Kind::Steam { STEAM_DIGITS } else { 6 };
        Self {
            id: AccountId::random(),
            issuer: issuer.into(),
            name: name.into(),
            secret,
            kind,
            algorithm: Algorithm::Sha1,
            digits,
            group: None,
            tags: Vec::new(),
            note: String::new(),
            favourite: false,
            icon: None,
        }
    }

    /// The code length: [`STEAM_DIGITS`] for Steam, else what was set.
    pub fn digits(&self) -> u8 {
        if self.kind == Kind::Steam {
            STEAM_DIGITS
        } else {
            self.digits
        }
    }

    /// Sets the code length; refused outside 5 to 10, which no issuer uses and
    /// a 31-bit truncated HMAC cannot fill.
    pub fn set_digits(&mut self, digits: u8) -> Result<(), AccountError> {
        self.digits = checked_digits(digits)?;
        Ok(())
    }

    /// How people name the account in a sentence: `Issuer: name`, or
    /// whichever of the two is not empty.
    pub fn label(&self) -> String {
        match (self.issuer.is_empty(), self.name.is_empty()) {
            (false, false) => format!("{}: {}", self.issuer, self.name),
            (false, true) => self.issuer.clone(),
            _ => self.name.clone(),
        }
    }

    /// Sets the labels people see, trimmed; an empty group means none.
    /// Refused, changing nothing, when issuer and name are both empty.
    pub fn set_labels(&mut self, issuer: &str, name: &str, group: Option<&str>) -> Result<(), AccountError> {
        let (issuer, name) = (issuer.trim(), name.trim());
        if issuer.is_empty() && name.is_empty() {
            return Err(AccountError::NoLabel);
        }
        self.issuer = issuer.to_owned();
        self.name = name.to_owned();
        self.group = group.map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned);
        Ok(())
    }

    /// For HOTP: moves the counter on by one, and returns the code it now shows.
    pub fn advance_counter(&mut self) -> Result<crate::Code, AccountError> {
        let Kind::Hotp { counter } = self.kind else {
            return Err(AccountError::NotHotp {
                kind: self.kind.as_str(),
            });
        };
        let counter = counter.checked_add(1).ok_or(AccountError::CounterAtMax)?;
        self.kind = Kind::Hotp { counter };
        Ok(self.code_at(0))
    }

    /// Builder form of [`Account::set_digits`].
    pub fn with_digits(mut self, digits: u8) -> Result<Self, AccountError> {
        self.set_digits(digits)?;
        Ok(self)
    }

    /// Builder form for the algorithm.
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// True when both make the same codes under the same labels: everything
    /// but the id and the organising fields (group, tags, note, favourite, icon).
    pub fn same_otp(&self, other: &Account) -> bool {
        self.issuer == other.issuer
            && self.name == other.name
            && self.kind == other.kind
            && self.effective_algorithm() == other.effective_algorithm()
            && self.digits() == other.digits()
            && self.secret == other.secret
    }

    /// The algorithm codes are made with: SHA-1 for Steam, else what was set.
    pub fn effective_algorithm(&self) -> Algorithm {
        if self.kind == Kind::Steam {
            Algorithm::Sha1
        } else {
            self.algorithm
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_names_in_any_spelling() {
        for (text, expected) in [
            ("SHA1", Algorithm::Sha1),
            ("sha1", Algorithm::Sha1),
            ("SHA-1", Algorithm::Sha1),
            ("HmacSHA1", Algorithm::Sha1),
            ("sha256", Algorithm::Sha256),
            ("HmacSHA256", Algorithm::Sha256),
            ("HMAC-SHA256", Algorithm::Sha256),
            ("Sha512", Algorithm::Sha512),
            ("hmac_sha512", Algorithm::Sha512),
        ] {
            assert_eq!(text.parse::<Algorithm>(), Ok(expected), "{text}");
        }
        assert!(matches!(
            "MD5".parse::<Algorithm>(),
            Err(AccountError::Algorithm { .. })
        ));
        assert!(matches!("".parse::<Algorithm>(), Err(AccountError::Algorithm { .. })));
    }

    #[test]
    fn digits_are_bounded() {
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let mut account = Account::new("I", "n", secret, Kind::Hotp { counter: 0 });
        for ok in 5..=10 {
            account.set_digits(ok).unwrap();
            assert_eq!(account.digits(), ok);
        }
        for bad in [0, 4, 11, 255] {
            assert!(account.set_digits(bad).is_err(), "{bad}");
        }
        assert_eq!(account.digits(), 10);
    }

    #[test]
    fn steam_digits_are_fixed() {
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let mut account = Account::new("Steam", "n", secret, Kind::Steam);
        account.set_digits(8).unwrap();
        assert_eq!(account.digits(), STEAM_DIGITS);
    }

    fn account(issuer: &str, name: &str, kind: Kind) -> Account {
        Account::new(issuer, name, Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(), kind)
    }

    #[test]
    fn only_hotp_has_a_counter() {
        assert_eq!(Kind::Hotp { counter: 7 }.counter(), Some(7));
        assert_eq!(Kind::Hotp { counter: 0 }.counter(), Some(0));
        assert_eq!(Kind::Steam.counter(), None);
        let period = NonZeroU32::new(30).unwrap();
        assert_eq!(Kind::Totp { period }.counter(), None);
    }

    #[test]
    fn a_label_names_whichever_of_issuer_and_name_there_is() {
        let steam = Kind::Steam;
        assert_eq!(account("GitHub", "ana", steam).label(), "GitHub: ana");
        assert_eq!(account("GitHub", "", steam).label(), "GitHub");
        assert_eq!(account("", "ana", steam).label(), "ana");
    }

    #[test]
    fn same_otp_compares_every_field_that_changes_a_code_or_its_label() {
        let period = NonZeroU32::new(30).unwrap();
        let base = account("GitHub", "ana", Kind::Totp { period });
        let mut organised = base.clone();
        organised.id = AccountId::random();
        organised.group = Some("Work".into());
        assert!(base.same_otp(&organised), "the id and group do not change codes");

        let other_secret = Account {
            secret: Secret::from_base32("GEZDGNBVGY3TQOJQ").unwrap(),
            ..base.clone()
        };
        let differing = [
            account("GitLab", "ana", Kind::Totp { period }),
            account("GitHub", "bob", Kind::Totp { period }),
            account("GitHub", "ana", Kind::Hotp { counter: 0 }),
            base.clone().with_algorithm(Algorithm::Sha256),
            base.clone().with_digits(8).unwrap(),
            other_secret,
        ];
        for other in &differing {
            assert!(!base.same_otp(other), "{other:?} is not the same as {base:?}");
            assert!(!other.same_otp(&base), "{base:?} is not the same as {other:?}");
        }
    }

    #[test]
    fn an_id_prints_as_its_uuid() {
        let id = AccountId::random();
        assert_eq!(format!("{id:?}"), format!("AccountId({id})"));
        assert_eq!(id.to_string().len(), 36);
    }

    #[test]
    fn ids_are_unique_and_round_trip() {
        let a = AccountId::random();
        assert_ne!(a, AccountId::random());
        assert_eq!(a.to_string().parse::<AccountId>(), Ok(a));
        assert!("nope".parse::<AccountId>().is_err());
    }
}
