//! The harness every fixture test uses: import a file from
//! ../shared/fixtures/import with its password, and check each account
//! against the vector of INDEX.txt that has its secret.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../../../otp/tests/common/mod.rs"]
mod otp_common;

pub use otp_common::{Vector, index_vectors, shared_dir};
use twofold_formats::{ImportError, Imported};

/// One fixture file and what importing it must give.
pub struct Case {
    /// File name under fixtures/import.
    pub file: &'static str,
    /// The format `detect` must name.
    pub format: &'static str,
    /// The password, for encrypted files.
    pub password: Option<&'static str>,
    /// How many accounts it holds (INDEX.txt's "entries" column).
    pub count: usize,
    /// Adjusts the expected vector where the format cannot hold a field
    /// (as Aegis's own importer tests do), e.g. Google's database has no digits.
    pub fixup: fn(&mut Vector),
}

/// Checks one fixture: a shorthand for [`check`] with a [`Case`].
pub fn case(
    file: &'static str,
    format: &'static str,
    password: Option<&'static str>,
    count: usize,
    fixup: fn(&mut Vector),
) {
    check(&Case {
        file,
        format,
        password,
        count,
        fixup,
    });
}

/// No adjustment.
pub fn same(_: &mut Vector) {}

pub fn fixture(file: &str) -> Vec<u8> {
    let path = shared_dir().join("fixtures/import").join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Imports the case's file and checks everything the case promises.
pub fn check(case: &Case) -> Imported {
    let bytes = fixture(case.file);
    let detected = twofold_formats::detect(&bytes).unwrap_or_else(|| panic!("{}: no format detected", case.file));
    assert_eq!(
        detected.name(),
        case.format,
        "{}: detected as {}",
        case.file,
        detected.name()
    );
    import_and_match(case, &bytes)
}

/// For a file that `detect` cannot claim (no structure to recognise): the
/// same checks as [`check`], with the format named and `detect` required to say no.
pub fn check_named(case: &Case) -> Imported {
    let bytes = fixture(case.file);
    let format = twofold_formats::by_name(case.format).unwrap();
    assert!(!format.detect(&bytes), "{}: unexpectedly detected", case.file);
    import_and_match(case, &bytes)
}

/// Imports with the case's format (checking the password behaviour of
/// encrypted files) and matches every account to its INDEX.txt vector.
fn import_and_match(case: &Case, bytes: &[u8]) -> Imported {
    let bytes = bytes.to_vec();
    let format = twofold_formats::by_name(case.format).unwrap();

    let imported = match case.password {
        Some(password) => {
            assert!(
                format.can_encrypt(),
                "{}: an encrypted file of a format that says it cannot be",
                case.file
            );
            assert_eq!(
                format.import(&bytes, None).err(),
                Some(ImportError::PasswordRequired { format: case.format }),
                "{}: without a password",
                case.file
            );
            let wrong = format.import(&bytes, Some("not the password")).err();
            assert_eq!(
                wrong,
                Some(ImportError::WrongPassword { format: case.format }),
                "{}: wrong password",
                case.file
            );
            format
                .import(&bytes, Some(password))
                .unwrap_or_else(|e| panic!("{}: {e}", case.file))
        }
        None => format
            .import(&bytes, None)
            .unwrap_or_else(|e| panic!("{}: {e}", case.file)),
    };
    assert!(
        imported.failures.is_empty(),
        "{}: failures {:?}",
        case.file,
        imported.failures
    );
    assert_eq!(imported.accounts.len(), case.count, "{}: account count", case.file);

    let vectors = index_vectors();
    let mut seen = std::collections::BTreeSet::new();
    for account in &imported.accounts {
        let secret = account.secret.to_base32();
        let mut vector = vectors
            .iter()
            .find(|v| v.secret == secret.as_str())
            .unwrap_or_else(|| {
                panic!(
                    "{}: an account whose secret no vector has ({}: {})",
                    case.file, account.issuer, account.name
                )
            })
            .clone();
        (case.fixup)(&mut vector);
        vector.assert_matches(account, &format!("{} {}", case.file, vector.name));
        assert!(
            seen.insert(vector.secret.clone()),
            "{}: {} twice",
            case.file,
            vector.name
        );
    }
    imported
}
