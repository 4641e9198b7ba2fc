//! One-time codes: RFC 4226 HOTP, RFC 6238 TOTP and Steam Guard.
//!
//! The HMAC is keyed once per [`Generator`] (see `keyed.rs`, over the
//! compression functions of RustCrypto's `sha1` and `sha2`, the crates
//! `totp-rs` builds on): a verifier checking a window of steps, or a list
//! drawing this code and the next, pays for the key once, not per code.
//! `totp-rs` cannot keep a keyed HMAC between steps; its codes are the
//! cross-check in the tests. The truncation to
//! digits is ours, in 64-bit arithmetic: `totp-rs` computes `10^digits` in
//! 32 bits and panics at 10 digits, and knows no 5-digit codes.

use std::array;
use std::fmt;
use std::iter::{Take, Zip};

use crate::Secret;
use crate::account::{Account, AccountError, Algorithm, Kind, checked_digits};
use crate::keyed::Keyed;
use zeroize::Zeroizing;

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
        self.generator().code(counter)
    }

    /// This account's HMAC, keyed once, for computing many codes.
    pub fn generator(&self) -> Generator {
        let mut generator = Generator::keyed(&self.secret, self.effective_algorithm(), self.digits());
        generator.steam = self.kind == Kind::Steam;
        generator
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

/// An account's codes from an HMAC keyed once: [`Account::generator`].
/// Holds the keyed HMAC state, which is as secret as the key: it prints as
/// `Generator { .. }` and is wiped when dropped.
#[derive(Clone)]
pub struct Generator {
    mac: Keyed,
    digits: u8,
    steam: bool,
}

impl fmt::Debug for Generator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Generator { .. }")
    }
}

impl Generator {
    /// Decimal codes of `digits` digits (5 to 10) from `secret` with
    /// `algorithm`, without an [`Account`] around them (as a verifier keeps them).
    pub fn new(secret: &Secret, algorithm: Algorithm, digits: u8) -> Result<Self, AccountError> {
        Ok(Self::keyed(secret, algorithm, checked_digits(digits)?))
    }

    /// The keyed HMAC state, for storing instead of the secret where codes
    /// are checked often (a verifier): with it, each code costs two runs of
    /// the hash's compression function instead of four. It is as secret as
    /// the key itself: store it encrypted, and wipe it (the value returned
    /// wipes itself when dropped).
    pub fn keyed_state(&self) -> Zeroizing<Vec<u8>> {
        self.mac.to_bytes()
    }

    /// A generator from [`Generator::keyed_state`]'s bytes. Refused if the
    /// length is not `algorithm`'s, or `digits` is outside 5 to 10.
    pub fn from_keyed_state(algorithm: Algorithm, state: &[u8], digits: u8) -> Result<Self, AccountError> {
        let digits = checked_digits(digits)?;
        let mac = Keyed::from_bytes(algorithm, state).ok_or(AccountError::KeyedState {
            algorithm,
            length: state.len(),
        })?;
        Ok(Self {
            mac,
            digits,
            steam: false,
        })
    }

    fn keyed(secret: &Secret, algorithm: Algorithm, digits: u8) -> Self {
        Self {
            mac: Keyed::new(algorithm, secret.expose()),
            digits,
            steam: false,
        }
    }

    /// The code for a moving factor (a time step or an HOTP counter).
    pub fn code(&self, counter: u64) -> Code {
        let value = self.truncated(counter);
        if self.steam {
            Code(steam_characters(value))
        } else {
            Code(decimal_digits(value, self.digits))
        }
    }

    /// The code for a moving factor as the number its digits spell
    /// (`"012345"` is 12345): what a verifier compares, without formatting
    /// text. For Steam codes, the value their characters are drawn from.
    pub fn number(&self, counter: u64) -> u32 {
        self.reduced(self.truncated(counter))
    }

    /// Every counter from `first` to `last` (inclusive) with its
    /// [`Generator::number`], in order: a verifier's window. SHA-1 windows
    /// are computed three counters at a time, side by side, which is
    /// faster than one by one.
    pub fn numbers(&self, first: u64, last: u64) -> Numbers<'_> {
        Numbers {
            generator: self,
            next: (first <= last).then_some(first),
            last,
            pending: [0; 3].into_iter().zip([0; 3]).take(0),
        }
    }

    /// The numbers of three counters at once, of which the first `needed`
    /// are wanted. SHA-1 with the SHA extensions computes all three (side
    /// by side, they cost no more); otherwise, one at a time, only those wanted.
    fn numbers3(&self, counters: [u64; 3], needed: usize) -> [u32; 3] {
        let all = needed == 3 || twofold_sha1x3::accelerated();
        if let Some(macs) = all.then(|| self.mac.sha1_macs3(counters)).flatten() {
            return macs.map(|mac| self.reduced(truncate(mac.get(..20).unwrap_or_default())));
        }
        let mut numbers = [0; 3];
        for (slot, counter) in numbers.iter_mut().zip(counters).take(needed) {
            *slot = self.number(counter);
        }
        numbers
    }

    fn reduced(&self, truncated: u32) -> u32 {
        if self.steam {
            truncated
        } else {
            (u64::from(truncated) % 10u64.pow(u32::from(self.digits))) as u32
        }
    }

    /// The code length.
    pub fn digits(&self) -> u8 {
        self.digits
    }

    /// RFC 4226 section 5.3: HMAC of the 8-byte big-endian counter, then the
    /// 31-bit "dynamic truncation".
    fn truncated(&self, counter: u64) -> u32 {
        let mut mac = [0u8; 64];
        let length = self.mac.mac(counter, &mut mac);
        truncate(mac.get(..length).unwrap_or_default())
    }
}

/// The counters of a window with their numbers: [`Generator::numbers`].
/// It holds valid codes, so it prints as `Numbers { .. }`.
pub struct Numbers<'a> {
    generator: &'a Generator,
    /// The next counter to compute; `None` once `last` is computed.
    next: Option<u64>,
    last: u64,
    /// Computed and not yet given out.
    pending: Take<Zip<array::IntoIter<u64, 3>, array::IntoIter<u32, 3>>>,
}

impl fmt::Debug for Numbers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Numbers { .. }")
    }
}

impl Iterator for Numbers<'_> {
    type Item = (u64, u32);

    fn next(&mut self) -> Option<(u64, u32)> {
        if let Some(pair) = self.pending.next() {
            return Some(pair);
        }
        let first = self.next?;
        // Fewer than three left: the spare slots repeat the last, and are not given out.
        let counters = [0, 1, 2].map(|offset| first.saturating_add(offset).min(self.last));
        let len = (self.last - first).min(2) as usize + 1;
        let numbers = self.generator.numbers3(counters, len);
        self.pending = counters.into_iter().zip(numbers).take(len);
        self.next = first.checked_add(3).filter(|next| *next <= self.last);
        self.pending.next()
    }
}

fn truncate(mac: &[u8]) -> u32 {
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
    fn a_code_prints_its_digits() {
        let code = totp(b"12345678901234567890", Algorithm::Sha1, 6, 30).code_for_counter(0);
        assert_eq!(code.as_str(), "755224");
        assert_eq!(code.to_string(), "755224");
        assert_eq!(format!("{code:?}"), "Code(\"755224\")");
    }

    #[test]
    fn a_generator_knows_its_code_length() {
        for digits in [5, 6, 8, 10] {
            let account = totp(b"12345678901234567890", Algorithm::Sha1, digits, 30);
            assert_eq!(account.generator().digits(), digits);
        }
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

    #[test]
    fn same_codes_as_totp_rs_and_numbers_spell_the_codes() {
        // Secrets of 1 to 200 bytes (longer than a block, 64 or 128, are hashed first),
        // each algorithm, counters up to the largest.
        for length in 1..=200usize {
            let secret: Vec<u8> = (0..length).map(|i| (i * 37 + length) as u8).collect();
            for (algorithm, theirs) in [
                (Algorithm::Sha1, totp_rs::Algorithm::SHA1),
                (Algorithm::Sha256, totp_rs::Algorithm::SHA256),
                (Algorithm::Sha512, totp_rs::Algorithm::SHA512),
            ] {
                let account = totp(&secret, algorithm, 8, 30);
                let generator = account.generator();
                let peer = totp_rs::Builder::new()
                    .with_algorithm(theirs)
                    .with_secret(secret.clone())
                    .with_digits(8)
                    .with_step_duration(1)
                    .build_noncompliant();
                for counter in [0, 1, length as u64 * 1_000_003, u64::MAX] {
                    let code = generator.code(counter);
                    assert_eq!(
                        code.as_str(),
                        peer.generate(counter).to_string(),
                        "{length} bytes, {algorithm:?}, {counter}"
                    );
                    assert_eq!(generator.number(counter), code.as_str().parse::<u32>().unwrap());
                }
            }
        }
    }

    #[test]
    fn numbers_of_a_window_are_the_numbers_one_by_one() {
        // Every window length from 1 to 10 (and an empty one), at counter 0, in the middle
        // and at the end of the counter space, for each hash (SHA-1 takes
        // the three-at-once path, the others one by one).
        for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
            let generator = totp(b"12345678901234567890", algorithm, 6, 30).generator();
            for start in [0, 1_700_000_000 / 30, u64::MAX - 9] {
                for length in 1..=10u64 {
                    let last = start + (length - 1);
                    let window: Vec<(u64, u32)> = generator.numbers(start, last).collect();
                    let one_by_one: Vec<(u64, u32)> = (start..=last).map(|c| (c, generator.number(c))).collect();
                    assert_eq!(window, one_by_one, "{algorithm:?} from {start}, {length} counters");
                }
            }
            assert_eq!(generator.numbers(5, 4).count(), 0);
        }
        // RFC 4226 Appendix D, counters 0 to 9, through the window.
        let generator = totp(b"12345678901234567890", Algorithm::Sha1, 6, 30).generator();
        let expected = [
            755_224, 287_082, 359_152, 969_429, 338_314, 254_676, 287_922, 162_583, 399_871, 520_489,
        ];
        let numbers: Vec<u32> = generator.numbers(0, 9).map(|(_, n)| n).collect();
        assert_eq!(numbers, expected);
    }

    #[test]
    fn a_window_prints_none_of_its_codes() {
        let generator = totp(b"12345678901234567890", Algorithm::Sha1, 6, 30).generator();
        let mut window = generator.numbers(0, 2);
        assert_eq!(window.next(), Some((0, 755_224)));
        assert_eq!(format!("{window:?}"), "Numbers { .. }");
    }

    #[test]
    fn generator_prints_nothing_of_the_key() {
        let account = totp(b"12345678901234567890", Algorithm::Sha1, 6, 30);
        assert_eq!(format!("{:?}", account.generator()), "Generator { .. }");
    }

    #[test]
    fn keyed_state_round_trips_and_checks_its_length() {
        for (algorithm, length) in [(Algorithm::Sha1, 40), (Algorithm::Sha256, 64), (Algorithm::Sha512, 128)] {
            let account = totp(b"12345678901234567890", algorithm, 8, 30);
            let generator = account.generator();
            let state = generator.keyed_state();
            assert_eq!(state.len(), length);
            let back = Generator::from_keyed_state(algorithm, &state, 8).unwrap();
            for counter in [0, 1, 59 / 30, u64::MAX] {
                assert_eq!(back.code(counter), generator.code(counter));
            }
            assert!(Generator::from_keyed_state(algorithm, &state[1..], 8).is_err());
            assert!(Generator::from_keyed_state(algorithm, &state, 11).is_err());
        }
        let sha1 = totp(b"k", Algorithm::Sha1, 6, 30).generator().keyed_state();
        assert!(Generator::from_keyed_state(Algorithm::Sha256, &sha1, 6).is_err());
    }
}
