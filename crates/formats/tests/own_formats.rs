//! The formats read from the apps' own documentation and source (issue
//! 16's): LastPass, Ente's encrypted export, Proton Authenticator's
//! protected export, Bitwarden's password-protected JSON, Raivo, WinAuth
//! and Proton Pass. The fixtures in `own/` were made by the scripts in
//! `own/make/` the way each app writes its file (the same KDFs and ciphers,
//! from Python's cryptography and PyNaCl); each has an `.expected.json`
//! with its accounts and a code at a fixed time (checked with oathtool).
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing, clippy::expect_used)]

use std::path::PathBuf;

use serde_json::Value;
use twofold_formats::{ImportError, Imported};

fn own(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/own").join(file)
}

fn read(file: &str) -> Vec<u8> {
    std::fs::read(own(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

const PASSWORD: &str = "test-password";

/// Imports `file` as detection finds it, checks that it is `format`, that
/// an encrypted file asks for its password and refuses a wrong one, and
/// that every account matches `expected` (labels, kind, key, settings, the
/// code at the check time, the note).
fn check(file: &str, expected: &str, format: &str, encrypted: bool) -> Imported {
    let bytes = read(file);
    let found = twofold_formats::detect(&bytes).unwrap_or_else(|| panic!("{file}: not detected"));
    assert_eq!(found.name(), format, "{file}");
    let imported = if encrypted {
        assert!(found.can_encrypt(), "{format}");
        assert_eq!(
            found.import(&bytes, None).unwrap_err(),
            ImportError::PasswordRequired { format: found.name() },
            "{file}"
        );
        assert_eq!(
            found.import(&bytes, Some("not-the-password")).unwrap_err(),
            ImportError::WrongPassword { format: found.name() },
            "{file}"
        );
        found
            .import(&bytes, Some(PASSWORD))
            .unwrap_or_else(|e| panic!("{file}: {e}"))
    } else {
        found.import(&bytes, None).unwrap_or_else(|e| panic!("{file}: {e}"))
    };
    assert!(imported.failures.is_empty(), "{file}: {:?}", imported.failures);

    let expected: Value = serde_json::from_slice(&read(expected)).unwrap();
    let at = expected["check_time"].as_u64().unwrap();
    let accounts = expected["accounts"].as_array().unwrap();
    assert_eq!(
        imported.accounts.len(),
        accounts.len(),
        "{file}: {:?}",
        imported.accounts
    );
    for (account, want) in imported.accounts.iter().zip(accounts) {
        let context = format!("{file}: {account:?}");
        assert_eq!(account.issuer, want["issuer"].as_str().unwrap(), "{context}");
        assert_eq!(account.name, want["name"].as_str().unwrap(), "{context}");
        assert_eq!(account.kind.as_str(), want["kind"].as_str().unwrap(), "{context}");
        assert_eq!(
            account.secret.to_base32().as_str(),
            want["secret_base32"].as_str().unwrap().trim_end_matches('='),
            "{context}"
        );
        assert_eq!(
            account.effective_algorithm().to_string(),
            want["algorithm"].as_str().unwrap(),
            "{context}"
        );
        assert_eq!(
            u64::from(account.digits()),
            want["digits"].as_u64().unwrap(),
            "{context}"
        );
        if let Some(counter) = want["counter"].as_u64() {
            assert_eq!(account.kind.counter(), Some(counter), "{context}");
        } else {
            let period = account.kind.period().map(|p| u64::from(p.get()));
            assert_eq!(period, want["period"].as_u64(), "{context}");
        }
        assert_eq!(
            account.code_at(at).as_str(),
            want["code_at_check_time"].as_str().unwrap(),
            "{context}"
        );
        if let Some(note) = want.get("note").and_then(Value::as_str) {
            assert_eq!(account.note, note, "{context}");
        }
    }
    imported
}

#[test]
fn lastpass_android_and_ios() {
    let android = check(
        "lastpass-android.json",
        "lastpass-android.expected.json",
        "lastpass",
        false,
    );
    assert!(android.accounts[0].favourite);
    check("lastpass-ios.json", "lastpass-ios.expected.json", "lastpass", false);
}

#[test]
fn ente_encrypted_with_either_stream_tag() {
    check(
        "ente-encrypted-tagfinal.txt",
        "ente-encrypted-tagfinal.expected.json",
        "ente-encrypted",
        true,
    );
    check(
        "ente-encrypted-tagmessage.json",
        "ente-encrypted-tagmessage.expected.json",
        "ente-encrypted",
        true,
    );
}

#[test]
fn ente_plain_notes_with_spaces_quoted_lines_and_the_trash() {
    check("ente-plain.txt", "ente-plain.expected.json", "uri-list", false);
    let traps = twofold_formats::by_name("uri-list")
        .unwrap()
        .import(&read("ente-plain-traps.txt"), None)
        .unwrap();
    let labels: Vec<String> = traps.accounts.iter().map(twofold_otp::Account::label).collect();
    assert_eq!(labels, ["GitHub: alice@example.com", "Steam: gamer"]);
    assert_eq!(traps.left_out.len(), 1, "{:?}", traps.left_out);
    assert!(traps.left_out[0].reason.contains("trash"), "{:?}", traps.left_out);
    assert!(traps.failures.is_empty(), "{:?}", traps.failures);
}

#[test]
fn proton_authenticator_plain_and_protected() {
    check(
        "proton-authenticator-plain.json",
        "proton-authenticator-plain.expected.json",
        "proton",
        false,
    );
    check(
        "proton-authenticator-encrypted.json",
        "proton-authenticator-encrypted.expected.json",
        "proton",
        true,
    );
}

#[test]
fn bitwarden_password_protected_pbkdf2_and_argon2id() {
    check(
        "bitwarden-protected-pbkdf2.json",
        "bitwarden-protected-pbkdf2.expected.json",
        "bitwarden-json",
        true,
    );
    check(
        "bitwarden-protected-argon2id.json",
        "bitwarden-protected-argon2id.expected.json",
        "bitwarden-json",
        true,
    );
}

#[test]
fn raivo_new_and_old() {
    let new = check("raivo-otp-export.zip", "raivo-otp-export.expected.json", "raivo", true);
    assert!(new.accounts.iter().any(|a| a.favourite));
    check(
        "raivo-otp-export-old.zip",
        "raivo-otp-export-old.expected.json",
        "raivo",
        true,
    );
}

#[test]
fn winauth_text_and_zip() {
    check(
        "winauth-2025-01-30.txt",
        "winauth-2025-01-30.expected.json",
        "winauth",
        false,
    );
    check(
        "winauth-2025-01-30.zip",
        "winauth-2025-01-30-zip.expected.json",
        "winauth",
        true,
    );
}

#[test]
fn proton_pass_zip_and_its_pgp_exports_told_apart() {
    check(
        "proton-pass-export.zip",
        "proton-pass-export.expected.json",
        "proton-pass",
        false,
    );
    for file in ["proton-pass-export-old.pgp", "proton-pass-export-pgpinside.zip"] {
        let bytes = read(file);
        let format = twofold_formats::detect(&bytes).unwrap();
        assert_eq!(format.name(), "proton-pass", "{file}");
        let error = format.import(&bytes, Some(PASSWORD)).unwrap_err();
        assert!(
            matches!(&error, ImportError::Unsupported { reason, .. } if reason.contains("gpg --decrypt")),
            "{file}: {error}"
        );
    }
}
