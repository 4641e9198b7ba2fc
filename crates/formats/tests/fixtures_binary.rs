//! Fixture tests for the importers of binary, encrypted and database files:
//! andOTP, Stratum, the Google / Microsoft / Stratum SQLite databases and
//! Authenticator Plus, against the files of Aegis's importer tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::num::NonZeroU32;

use common::{Case, Vector, check, check_named, same};
use twofold_formats::by_name;
use twofold_otp::{Algorithm, Kind};

/// Google Authenticator's database keeps no digits, period or algorithm:
/// the app made 6-digit SHA-1 codes (every 30 s for TOTP), and so do the imports.
fn google_defaults(vector: &mut Vector) {
    vector.digits = 6;
    vector.algorithm = Algorithm::Sha1;
    if let Kind::Totp { period } = &mut vector.kind {
        *period = NonZeroU32::new(30).unwrap();
    }
}

/// Microsoft Authenticator only makes TOTP codes (SHA-1, 6 digits, 30 s):
/// each vector was stored that way, whatever it was.
fn microsoft_totp(vector: &mut Vector) {
    vector.kind = Kind::Totp {
        period: NonZeroU32::new(30).unwrap(),
    };
    vector.algorithm = Algorithm::Sha1;
    vector.digits = 6;
}

#[test]
fn andotp_plain() {
    check(&Case {
        file: "andotp_plain.json",
        format: "andotp",
        password: None,
        count: 7,
        fixup: same,
    });
}

#[test]
fn andotp_encrypted() {
    check(&Case {
        file: "andotp_encrypted.bin",
        format: "andotp",
        password: Some("test"),
        count: 7,
        fixup: same,
    });
}

/// The old layout has no header to detect, so this case names its format.
/// Its labels are `Issuer - Issuer:Name`; the importer drops the repeated
/// `Issuer:`, so the accounts match the vectors as they are (Aegis's test
/// instead expects the name `Issuer:Name`).
#[test]
fn andotp_encrypted_old() {
    check_named(&Case {
        file: "andotp_encrypted_old.bin",
        format: "andotp",
        password: Some("test"),
        count: 6,
        fixup: same,
    });
}

#[test]
fn stratum_plain() {
    check(&Case {
        file: "stratum_plain.json",
        format: "stratum",
        password: None,
        count: 7,
        fixup: same,
    });
}

#[test]
fn stratum_encrypted() {
    check(&Case {
        file: "stratum_encrypted.bin",
        format: "stratum",
        password: Some("test"),
        count: 7,
        fixup: same,
    });
}

#[test]
fn stratum_encrypted_legacy() {
    check(&Case {
        file: "stratum_encrypted_legacy.bin",
        format: "stratum",
        password: Some("test"),
        count: 7,
        fixup: same,
    });
}

#[test]
fn stratum_internal_db() {
    check(&Case {
        file: "stratum_internal.db",
        format: "stratum-db",
        password: None,
        count: 7,
        fixup: same,
    });
}

#[test]
fn google_authenticator_db() {
    check(&Case {
        file: "google_authenticator.sqlite",
        format: "google-authenticator-db",
        password: None,
        count: 6,
        fixup: google_defaults,
    });
}

#[test]
fn microsoft_authenticator_db() {
    check(&Case {
        file: "microsoft_authenticator.sqlite",
        format: "microsoft-authenticator-db",
        password: None,
        count: 7,
        fixup: microsoft_totp,
    });
}

#[test]
fn authenticator_plus() {
    check(&Case {
        file: "authenticator_plus.zip",
        format: "authenticator-plus",
        password: Some("testtesttest"),
        count: 7,
        fixup: same,
    });
}

/// This file's formats, each with the fixtures it must claim.
const CLAIMS: &[(&str, &[&str])] = &[
    ("andotp", &["andotp_plain.json", "andotp_encrypted.bin"]),
    (
        "stratum",
        &[
            "stratum_plain.json",
            "stratum_encrypted.bin",
            "stratum_encrypted_legacy.bin",
        ],
    ),
    ("google-authenticator-db", &["google_authenticator.sqlite"]),
    ("microsoft-authenticator-db", &["microsoft_authenticator.sqlite"]),
    ("stratum-db", &["stratum_internal.db"]),
    ("authenticator-plus", &["authenticator_plus.zip"]),
];

/// The fixtures of this file, with the format that reads each and its password.
const FIXTURES: &[(&str, &str, Option<&str>)] = &[
    ("andotp_plain.json", "andotp", None),
    ("andotp_encrypted.bin", "andotp", Some("test")),
    ("andotp_encrypted_old.bin", "andotp", Some("test")),
    ("stratum_plain.json", "stratum", None),
    ("stratum_encrypted.bin", "stratum", Some("test")),
    ("stratum_encrypted_legacy.bin", "stratum", Some("test")),
    ("stratum_internal.db", "stratum-db", None),
    ("google_authenticator.sqlite", "google-authenticator-db", None),
    ("microsoft_authenticator.sqlite", "microsoft-authenticator-db", None),
    ("authenticator_plus.zip", "authenticator-plus", Some("testtesttest")),
];

/// Each format claims its own fixtures and none of the others in the folder
/// (41 fixtures and INDEX.txt); andotp_encrypted_old.bin is claimed by none.
#[test]
fn detect_claims_only_own_fixtures() {
    let dir = common::shared_dir().join("fixtures/import");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(files.len(), 42, "41 fixtures and INDEX.txt");
    for (name, own) in CLAIMS {
        let format = by_name(name).unwrap();
        for file in &files {
            let bytes = common::fixture(file);
            assert_eq!(
                format.detect(&bytes),
                own.contains(&file.as_str()),
                "{name}.detect({file})"
            );
        }
    }
}

/// A cheap deterministic byte stream (xorshift) for picking positions.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Truncated, garbled and empty versions of every fixture go through
/// `import` with and without the password; all that is asked is an answer.
/// The key derivations of the encrypted files are slow, so those see the
/// password on a handful of versions only.
#[test]
fn hostile_input_never_panics() {
    let mut rng = Xorshift(0x2f0d_4a1c_9e37_b5a3);
    for &(file, name, password) in FIXTURES {
        let format = by_name(name).unwrap();
        let bytes = common::fixture(file);
        let slow = password.is_some() && name != "authenticator-plus";
        let attempt = |input: &[u8], with_passwords: bool| {
            let _ = format.import(input, None);
            if with_passwords {
                let _ = format.import(input, Some("not the password"));
                if let Some(password) = password {
                    let _ = format.import(input, Some(password));
                }
            }
        };

        attempt(&[], true);
        // Prefixes: every length up to 128, then about 60 more up to the whole file.
        let step = (bytes.len() / 60).max(1);
        let lengths = (0..bytes.len().min(128)).chain((128..bytes.len()).step_by(step));
        for (i, length) in lengths.enumerate() {
            attempt(&bytes[..length], !slow || i % 50 == 7);
        }
        // Garbled: a few bytes flipped at random places, and in the header.
        for round in 0..12 {
            let mut garbled = bytes.clone();
            for _ in 0..=round % 4 {
                let at = if round % 3 == 0 {
                    rng.next() as usize % bytes.len().min(100)
                } else {
                    rng.next() as usize % bytes.len()
                };
                garbled[at] ^= 1 << (rng.next() % 8);
            }
            attempt(&garbled, !slow || round < 2);
        }
        // Trailing garbage after the whole file.
        let mut longer = bytes.clone();
        longer.extend_from_slice(&[0xff; 37]);
        attempt(&longer, !slow);
    }
    // Every other fixture of the folder, read as each of these formats.
    let dir = common::shared_dir().join("fixtures/import");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for (name, _) in CLAIMS {
            let format = by_name(name).unwrap();
            let _ = format.import(&bytes, None);
            let _ = format.import(&bytes, Some("not the password"));
        }
    }
}
