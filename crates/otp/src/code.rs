//! One-time codes: RFC 4226 HOTP, RFC 6238 TOTP and Steam Guard.
//!
//! The HMAC of the moving factor comes from `totp-rs` through its
//! non-compliant builder, which takes secrets of any length (80-bit keys are
//! common: GitHub, Okta). The truncation to digits is ours, in 64-bit
//! arithmetic: `totp-rs` computes `10^digits` in 32 bits and panics at 10
//! digits, and knows no 5-digit codes.

use std::fmt;

use crate::account::{Account, Algorithm, Kind};

/// Steam Guard's alphabet: digits and consonants that cannot be misread.
const STEAM_ALPHABET: &[u8; 26] = b"23456789BCDFGHJKMNPQRTVWXY";

/// A one-time code as the user types it: `"287082"`, or `"2N7GM"` for Steam.
#[derive(Clone, PartialEq, Eq)]
pub struct Code(String);

impl Code {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A code is valid for seconds and short enough to show in full.
        write!(f, "Code({:?})", self.0)
    }
}

impl Account {
    /// The moving factor at `unix_seconds`: the time step for TOTP and Steam,
    /// the stored counter for HOTP.
    pub fn counter_at(&self, unix_seconds: u64) -> u64 {
        match self.kind {
            Kind::Hotp { counter } => counter,
            Kind::Totp { .. } | Kind::Steam => {
                let period = self.kind.period().map_or(1, |p| u64::from(p.get()));
                unix_seconds / period
            }
        }
    }

    /// The code shown at `unix_seconds` (for HOTP: the code of the stored counter).
    pub fn code_at(&self, unix_seconds: u64) -> Code {
        self.code_for_counter(self.counter_at(unix_seconds))
    }

    /// The code for an explicit moving factor (a time step or an HOTP counter).
    pub fn code_for_counter(&self, counter: u64) -> Code {
        let value = truncated_hmac(self.secret.expose(), self.effective_algorithm(), counter);
        match self.kind {
            Kind::Steam => Code(steam_characters(value)),
            Kind::Totp { .. } | Kind::Hotp { .. } => Code(decimal_digits(value, self.digits())),
        }
    }

    /// Seconds until the code changes, from 1 to the period; `None` for HOTP,
    /// whose code changes only when the counter does.
    pub fn remaining_seconds(&self, unix_seconds: u64) -> Option<u32> {
        let period = self.kind.period()?.get();
        let elapsed = unix_seconds % u64::from(period);
        // elapsed < period <= u32::MAX
        Some(period - u32::try_from(elapsed).unwrap_or(0))
    }
}

/// RFC 4226 section 5.3: HMAC of the 8-byte big-endian counter, then the
/// 31-bit "dynamic truncation".
fn truncated_hmac(secret: &[u8], algorithm: Algorithm, counter: u64) -> u32 {
    let algorithm = match algorithm {
        Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
        Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
        Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
    };
    // A step of 1 second makes `sign(counter)` the HMAC of the counter itself.
    let hmac = totp_rs::Builder::new()
        .with_algorithm(algorithm)
        .with_secret(secret)
        .with_step_duration(1)
        .build_noncompliant();
    let mac = hmac.sign(counter);
    let mac = mac.as_ref();
    let offset = mac.last().map_or(0, |last| usize::from(last & 0x0f));
    // SHA-1, the shortest, gives 20 bytes; offset + 4 <= 19.
    let window = mac
        .get(offset..offset + 4)
        .and_then(|w| <[u8; 4]>::try_from(w).ok())
        .unwrap_or_default();
    u32::from_be_bytes(window) & 0x7fff_ffff
}

fn decimal_digits(value: u32, digits: u8) -> String {
    let modulus = 10u64.pow(u32::from(digits));
    format!("{:0width$}", u64::from(value) % modulus, width = usize::from(digits))
}

fn steam_characters(mut value: u32) -> String {
    let base = STEAM_ALPHABET.len() as u32;
    (0..crate::account::STEAM_DIGITS)
        .map(|_| {
            let index = (value % base) as usize;
            value /= base;
            STEAM_ALPHABET.get(index).map_or('2', |&c| char::from(c))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use super::*;
    use crate::Secret;

    fn totp(secret: &[u8], algorithm: Algorithm, digits: u8, period: u32) -> Account {
        Account::new(
            "",
            "",
            Secret::from_bytes(secret).unwrap(),
            Kind::Totp {
                period: NonZeroU32::new(period).unwrap(),
            },
        )
        .with_algorithm(algorithm)
        .with_digits(digits)
        .unwrap()
    }

    #[test]
    fn ten_digits_are_the_zero_padded_31_bit_value() {
        // RFC 4226 Appendix D, count 0: truncated decimal 1284755224.
        let account = totp(b"12345678901234567890", Algorithm::Sha1, 10, 30);
        assert_eq!(account.code_for_counter(0).as_str(), "1284755224");
        // count 2: 137359152, which 10 digits pad with a zero.
        assert_eq!(account.code_for_counter(2).as_str(), "0137359152");
        let five = totp(b"12345678901234567890", Algorithm::Sha1, 5, 30);
        assert_eq!(five.code_for_counter(0).as_str(), "55224");
    }

    #[test]
    fn steam_code_known_value() {
        // steamguard-cli's test vector: shared_secret "zvIayp3JPvtvX/QGHqsqKBk/44s="
        // (base64) at 1616374841 gives 2F9J5; rechecked with Python's hmac.
        let secret = Secret::from_base32("Z3ZBVSU5ZE7PW3276QDB5KZKFAMT7Y4L").unwrap();
        let account = Account::new("Steam", "", secret, Kind::Steam);
        assert_eq!(account.code_at(1_616_374_841).as_str(), "2F9J5");
        assert_eq!(account.remaining_seconds(1_616_374_841), Some(19));
    }

    #[test]
    fn remaining_seconds_edges() {
        let account = totp(b"k", Algorithm::Sha1, 6, 30);
        assert_eq!(account.remaining_seconds(0), Some(30));
        assert_eq!(account.remaining_seconds(29), Some(1));
        assert_eq!(account.remaining_seconds(30), Some(30));
        assert_eq!(account.remaining_seconds(u64::MAX), Some(30 - (u64::MAX % 30) as u32));
        let one = totp(b"k", Algorithm::Sha1, 6, 1);
        assert_eq!(one.remaining_seconds(12345), Some(1));
        let huge = totp(b"k", Algorithm::Sha1, 6, u32::MAX);
        assert_eq!(huge.remaining_seconds(0), Some(u32::MAX));
        let _ = huge.code_at(u64::MAX);
        let hotp = Account::new(
            "",
            "",
            Secret::from_bytes(b"k").unwrap(),
            Kind::Hotp { counter: u64::MAX },
        );
        assert_eq!(hotp.remaining_seconds(10), None);
        let _ = hotp.code_at(0);
    }
}
