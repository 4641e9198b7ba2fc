//! Fixture tests for the JSON, CSV and URI-list formats: every file imports
//! to the accounts INDEX.txt lists (with the fix-ups for what a format
//! cannot hold, as in Aegis's importer tests).
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::num::NonZeroU32;

use common::{Case, Vector, case, check, same};
use twofold_otp::{Algorithm, Kind};

/// 2FAS before schema 3 knew only TOTP: HOTP vectors come in as 30-second TOTP.
fn twofas_totp_only(vector: &mut Vector) {
    if let Kind::Hotp { .. } = vector.kind {
        vector.kind = Kind::Totp {
            period: NonZeroU32::new(30).unwrap(),
        };
    }
}

/// 2FAS schema 1 kept no algorithm, digits or period.
fn twofas_defaults(vector: &mut Vector) {
    vector.kind = Kind::Totp {
        period: NonZeroU32::new(30).unwrap(),
    };
    vector.algorithm = Algorithm::Sha1;
    vector.digits = 6;
}

#[test]
fn plain_uri_list() {
    case("plain.txt", "uri-list", None, 7, same);
}

#[test]
fn ente_auth() {
    case("ente_auth.txt", "uri-list", None, 7, same);
}

#[test]
fn aegis_plain() {
    case("aegis_plain.json", "aegis", None, 7, same);
}

#[test]
fn aegis_encrypted() {
    case("aegis_encrypted.json", "aegis", Some("test"), 7, same);
}

#[test]
fn aegis_grouped_v2() {
    let imported = check(&Case {
        file: "aegis_plain_grouped_v2.json",
        format: "aegis",
        password: None,
        count: 7,
        fixup: same,
    });
    let groups: Vec<Option<&str>> = imported.accounts.iter().map(|a| a.group.as_deref()).collect();
    assert_eq!(groups[0], Some("group1"));
    assert!(groups.contains(&Some("group2")), "{groups:?}");
    assert!(groups.contains(&None), "{groups:?}");
}

#[test]
fn twofas_schema_1() {
    case("2fas_authenticator.json", "2fas", None, 6, twofas_defaults);
}

#[test]
fn twofas_schema_2() {
    case("2fas_authenticator_plain.2fas", "2fas", None, 4, twofas_totp_only);
    case(
        "2fas_authenticator_encrypted.2fas",
        "2fas",
        Some("test"),
        4,
        twofas_totp_only,
    );
}

#[test]
fn twofas_schema_3() {
    case("2fas_authenticator_plain_v3.2fas", "2fas", None, 6, same);
    case("2fas_authenticator_encrypted_v3.2fas", "2fas", Some("test"), 6, same);
}

#[test]
fn twofas_schema_4() {
    case("2fas_authenticator_plain_v4.2fas", "2fas", None, 5, same);
    case("2fas_authenticator_encrypted_v4.2fas", "2fas", Some("test"), 5, same);
}

#[test]
fn bitwarden_json() {
    case("bitwarden.json", "bitwarden-json", None, 4, |vector| {
        steam_labels(vector, "Test Steam")
    });
}

#[test]
fn bitwarden_csv() {
    case("bitwarden.csv", "bitwarden-csv", None, 4, |vector| {
        steam_labels(vector, "Test 4")
    });
}

/// A steam:// URI carries only the key: the Bitwarden item's name is the
/// account's issuer (and its user name, none in these files, the name).
fn steam_labels(vector: &mut Vector, item: &str) {
    if vector.kind == Kind::Steam {
        vector.issuer = item.to_owned();
        vector.name = String::new();
    }
}

#[test]
fn proton() {
    case("proton_authenticator.json", "proton", None, 3, same);
}

#[test]
fn duo() {
    // Duo keeps no issuer; its HOTP counter in the file is 3.
    case("duo.json", "duo", None, 2, |vector| {
        vector.issuer = String::new();
        if let Kind::Hotp { .. } = vector.kind {
            vector.kind = Kind::Hotp { counter: 3 };
        }
    });
}

#[test]
fn steam_new_and_old() {
    let fixup = |vector: &mut Vector| vector.issuer = "Steam".to_owned();
    case("steam.json", "steam", None, 1, fixup);
    case("steam_old.json", "steam", None, 1, fixup);
}
