//! Every RFC 4226 and RFC 6238 vector in ../shared/fixtures/vectors, read
//! from the file itself, with the seeds it names.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::num::NonZeroU32;

use twofold_otp::{Account, Algorithm, Kind, Secret};

fn account(seed: &[u8], kind: Kind, algorithm: Algorithm, digits: u8) -> Account {
    Account::new("RFC", "vector", Secret::from_bytes(seed).unwrap(), kind)
        .with_algorithm(algorithm)
        .with_digits(digits)
        .unwrap()
}

use common::{read_vectors, seed};

#[test]
fn the_file_has_every_vector() {
    let file = read_vectors();
    assert_eq!(file.seeds.len(), 3);
    assert_eq!(file.hotp.len(), 10);
    assert_eq!(file.totp.len(), 18);
    assert_eq!(file.six_digit.len(), 6);
    assert_eq!(file.wrong_seed.len(), 6);
}

#[test]
fn rfc4226_hotp() {
    let file = read_vectors();
    for (counter, truncated, code) in &file.hotp {
        let six = account(
            seed(&file, Algorithm::Sha1),
            Kind::Hotp { counter: *counter },
            Algorithm::Sha1,
            6,
        );
        assert_eq!(six.code_at(0).as_str(), code, "count {counter}");
        // Ten digits show the whole 31-bit truncated value.
        let ten = account(
            seed(&file, Algorithm::Sha1),
            Kind::Hotp { counter: *counter },
            Algorithm::Sha1,
            10,
        );
        assert_eq!(ten.code_at(0).as_str(), format!("{truncated:0>10}"), "count {counter}");
    }
}

#[test]
fn rfc6238_totp_each_hash_with_its_own_seed() {
    let file = read_vectors();
    let period = Kind::Totp {
        period: NonZeroU32::new(30).unwrap(),
    };
    for (time, step, code, algorithm) in &file.totp {
        let account = account(seed(&file, *algorithm), period, *algorithm, 8);
        assert_eq!(account.counter_at(*time), *step, "{algorithm} at {time}");
        assert_eq!(account.code_at(*time).as_str(), code, "{algorithm} at {time}");
    }
    for (time, code) in &file.six_digit {
        let account = account(seed(&file, Algorithm::Sha1), period, Algorithm::Sha1, 6);
        assert_eq!(account.code_at(*time).as_str(), code, "SHA1 6 digits at {time}");
    }
}

#[test]
fn the_20_byte_seed_gives_the_pitfall_values_not_the_rfc_ones() {
    // Proves the seeds matter: with the SHA-1 seed, SHA-256/512 give the
    // values the file lists as wrong, so passing the RFC test is not luck.
    let file = read_vectors();
    let period = Kind::Totp {
        period: NonZeroU32::new(30).unwrap(),
    };
    for (time, sha256, sha512) in &file.wrong_seed {
        let short = seed(&file, Algorithm::Sha1);
        assert_eq!(
            account(short, period, Algorithm::Sha256, 8).code_at(*time).as_str(),
            sha256
        );
        assert_eq!(
            account(short, period, Algorithm::Sha512, 8).code_at(*time).as_str(),
            sha512
        );
    }
}
