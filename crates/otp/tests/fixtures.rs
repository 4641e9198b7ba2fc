//! The otpauth URIs exported by real apps (Aegis's fixtures, in
//! ../shared/fixtures/import) parse to the accounts INDEX.txt lists, and
//! format back to URIs that parse to the same accounts.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::collections::BTreeSet;

use twofold_otp::Account;

fn check_file(file: &str, expected_accounts: usize) {
    let vectors = common::index_vectors();
    let text = common::shared_file(&format!("fixtures/import/{file}"));
    let mut matched = BTreeSet::new();
    let mut lines = 0;
    for (number, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        lines += 1;
        let context = format!("{file} line {}", number + 1);
        let account: Account = line.parse().unwrap_or_else(|e| panic!("{context}: {e}"));
        let secret = account.secret.to_base32();
        let (index, vector) = vectors
            .iter()
            .enumerate()
            .find(|(_, v)| v.secret == secret.as_str())
            .unwrap_or_else(|| panic!("{context}: no vector has this secret"));
        vector.assert_matches(&account, &context);
        assert!(matched.insert(index), "{context}: vector {index} twice");

        let again: Account = account
            .to_uri()
            .parse()
            .unwrap_or_else(|e| panic!("{context} reformatted: {e}"));
        vector.assert_matches(&again, &format!("{context} reformatted"));
        assert!(again.same_otp(&account), "{context}");
        assert_eq!(again.to_uri(), account.to_uri(), "{context}: formatting is canonical");
    }
    assert_eq!(lines, expected_accounts, "{file}");
}

#[test]
fn plain_uri_list() {
    check_file("plain.txt", 7);
}

#[test]
fn ente_auth_export() {
    // Ente adds codeDisplay={json}; one line has lowercase sha512 and a period on an HOTP.
    check_file("ente_auth.txt", 7);
}
