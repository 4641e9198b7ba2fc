//! Google Authenticator payloads built byte by byte from the protobuf wire
//! format (not through our own message types), with every field set.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use base64::Engine as _;
use twofold_otp::migration::{self, MigrationError, MissingParts};
use twofold_otp::{Algorithm, Kind};

fn varint(mut value: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Field `number` with wire type 0 (varint).
fn int(number: u8, value: i64, out: &mut Vec<u8>) {
    out.push(number << 3);
    varint(value as u64, out); // negative int32/int64 take ten bytes, sign-extended
}

/// Field `number` with wire type 2 (length-delimited).
fn bytes(number: u8, value: &[u8], out: &mut Vec<u8>) {
    out.push((number << 3) | 2);
    varint(value.len() as u64, out);
    out.extend_from_slice(value);
}

struct Parameters<'a> {
    secret: &'a [u8],
    name: &'a str,
    issuer: &'a str,
    algorithm: i64,
    digits: i64,
    otp_type: i64,
    counter: i64,
}

fn otp_parameters(p: &Parameters<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    bytes(1, p.secret, &mut out);
    bytes(2, p.name.as_bytes(), &mut out);
    bytes(3, p.issuer.as_bytes(), &mut out);
    int(4, p.algorithm, &mut out);
    int(5, p.digits, &mut out);
    int(6, p.otp_type, &mut out);
    int(7, p.counter, &mut out);
    out
}

fn payload(accounts: &[Parameters<'_>], batch_size: i64, batch_index: i64, batch_id: i64) -> Vec<u8> {
    let mut out = Vec::new();
    for account in accounts {
        bytes(1, &otp_parameters(account), &mut out);
    }
    int(2, 1, &mut out);
    int(3, batch_size, &mut out);
    int(4, batch_index, &mut out);
    int(5, batch_id, &mut out);
    out
}

fn uri_of(payload: &[u8]) -> String {
    let data = base64::engine::general_purpose::STANDARD.encode(payload);
    let data = data.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D");
    format!("otpauth-migration://offline?data={data}")
}

const HELLO: &[u8] = b"Hello!\xde\xad\xbe\xef"; // JBSWY3DPEHPK3PXP

fn every_field() -> Vec<u8> {
    payload(
        &[
            Parameters {
                secret: HELLO,
                name: "alice@example.com",
                issuer: "Example",
                algorithm: 2,
                digits: 2,
                otp_type: 1,
                counter: 300,
            },
            // Empty issuer: the issuer is inside the name.
            Parameters {
                secret: b"12345678901234567890",
                name: "Acme Co: bob",
                issuer: "",
                algorithm: 3,
                digits: 1,
                otp_type: 2,
                counter: 0,
            },
            // Issuer repeated inside the name; everything unspecified (zero) takes the defaults.
            Parameters {
                secret: b"\x01",
                name: "Corp:carol",
                issuer: "Corp",
                algorithm: 0,
                digits: 0,
                otp_type: 0,
                counter: 0,
            },
        ],
        3,
        1,
        -5,
    )
}

#[test]
fn every_field_decodes() {
    let batch = migration::decode(&uri_of(&every_field())).unwrap();
    assert_eq!(
        (batch.version, batch.batch_size, batch.batch_index, batch.batch_id),
        (1, 3, 1, -5)
    );
    let [alice, bob, carol] = &batch.accounts[..] else {
        panic!("3 accounts expected")
    };

    assert_eq!(
        (alice.issuer.as_str(), alice.name.as_str()),
        ("Example", "alice@example.com")
    );
    assert_eq!(alice.secret.to_base32().as_str(), "JBSWY3DPEHPK3PXP");
    assert_eq!(
        (alice.algorithm, alice.digits(), alice.kind),
        (Algorithm::Sha256, 8, Kind::Hotp { counter: 300 })
    );

    assert_eq!((bob.issuer.as_str(), bob.name.as_str()), ("Acme Co", "bob"));
    assert_eq!(bob.secret.expose(), b"12345678901234567890");
    assert_eq!(
        (bob.algorithm, bob.digits(), bob.kind.period().map(|p| p.get())),
        (Algorithm::Sha512, 6, Some(30))
    );

    assert_eq!((carol.issuer.as_str(), carol.name.as_str()), ("Corp", "carol"));
    assert_eq!(
        (carol.algorithm, carol.digits(), carol.kind.period().map(|p| p.get())),
        (Algorithm::Sha1, 6, Some(30))
    );
}

#[test]
fn data_in_every_spelling_decodes_alike() {
    let bytes = every_field();
    let standard = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let unpadded = standard.trim_end_matches('=').to_owned();
    let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
    let spellings = [
        uri_of(&bytes),
        format!("otpauth-migration://offline?data={standard}"),
        format!("otpauth-migration://offline?data={unpadded}"),
        format!("otpauth-migration://offline?data={url_safe}"),
        // a form decoder turned '+' into ' '
        format!("otpauth-migration://offline?data={}", standard.replace('+', " ")),
        format!("OTPAUTH-MIGRATION://offline?data={}&ignored=1\n", standard),
    ];
    assert!(
        standard.contains('+') || standard.contains('/'),
        "the payload should exercise the alphabet"
    );
    for uri in spellings {
        let batch = migration::decode(&uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
        assert_eq!(batch.accounts.len(), 3, "{uri}");
        assert_eq!(batch.accounts[0].secret.expose(), HELLO, "{uri}");
    }
}

#[test]
fn bad_payloads_say_what_is_wrong() {
    // One TOTP account, valid but for the field each case changes.
    let valid = || Parameters {
        secret: HELLO,
        name: "n",
        issuer: "i",
        algorithm: 1,
        digits: 1,
        otp_type: 2,
        counter: 0,
    };
    let alone = |parameters: Parameters<'_>| payload(&[parameters], 1, 0, 1);
    let md5 = alone(Parameters {
        algorithm: 4,
        ..valid()
    });
    let no_secret = alone(Parameters { secret: b"", ..valid() });
    let seven = alone(Parameters { digits: 3, ..valid() });
    let kind = alone(Parameters { otp_type: 9, ..valid() });
    let negative = alone(Parameters {
        otp_type: 1,
        counter: -1,
        ..valid()
    });
    let cases: Vec<(String, &str)> = vec![
        (uri_of(&md5), "account 1: algorithm: MD5"),
        (uri_of(&no_secret), "account 1: the secret is empty"),
        (uri_of(&seven), "account 1: digits: unknown value 3"),
        (uri_of(&kind), "account 1: type: unknown value 9"),
        (uri_of(&negative), "account 1: counter: -1 is negative"),
        (uri_of(&every_field()[..40]), "data: not a Google Authenticator payload"),
        ("otpauth-migration://offline?data=!!!!".to_owned(), "data: not base64"),
        ("otpauth-migration://offline?data=".to_owned(), "data: missing"),
        ("otpauth-migration://offline".to_owned(), "data: missing"),
        (
            "otpauth-migration://online?data=CgA".to_owned(),
            "scheme: not an otpauth-migration://offline link",
        ),
        ("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP".to_owned(), "scheme:"),
        ("".to_owned(), "scheme:"),
    ];
    for (uri, words) in cases {
        let error = migration::decode(&uri).err().unwrap_or_else(|| panic!("{uri} decoded"));
        assert!(error.to_string().starts_with(words), "{uri}: {error}");
    }
}

#[test]
fn unsupported_accounts_are_named_on_export() {
    let account = |uri: &str| uri.parse::<twofold_otp::Account>().unwrap();
    let cases = [
        (
            "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&period=60",
            "A: a: a period of 60 s",
        ),
        ("otpauth://totp/B:b?secret=JBSWY3DPEHPK3PXP&digits=7", "B: b: 7 digits"),
        ("otpauth://steam/C:c?secret=JBSWY3DPEHPK3PXP", "C: c: Steam accounts"),
        (
            "otpauth://hotp/D:d?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551615",
            "D: d: the counter is too large",
        ),
    ];
    for (uri, words) in cases {
        let good = account("otpauth://totp/Good:g?secret=JBSWY3DPEHPK3PXP");
        let error = migration::encode(&[good, account(uri)]).unwrap_err();
        assert!(matches!(error, MigrationError::Unsupported { .. }), "{uri}");
        assert!(error.to_string().starts_with(words), "{uri}: {error}");
    }
}

#[test]
fn missing_parts_are_reported() {
    let part = |index| migration::decode(&uri_of(&payload(&[], 3, index, 77))).unwrap();
    let other = migration::decode(&uri_of(&payload(&[], 1, 0, 78))).unwrap();
    assert_eq!(
        migration::missing_parts(&[part(0), part(2), other.clone()]),
        vec![MissingParts {
            batch_id: 77,
            batch_size: 3,
            missing: vec![1]
        }]
    );
    assert!(migration::missing_parts(&[part(1), part(0), part(2), other]).is_empty());
}

#[test]
fn large_exports_are_split_into_scannable_parts() {
    let accounts: Vec<_> = (0..25)
        .map(|i| {
            format!("otpauth://totp/Issuer{i}:user{i}@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
                .parse()
                .unwrap()
        })
        .collect();
    let uris = migration::encode(&accounts).unwrap();
    let mut names = Vec::new();
    for uri in &uris {
        let batch = migration::decode(uri).unwrap();
        assert!(uri.len() <= migration::MAX_URI_CHARS, "{} chars", uri.len());
        assert!(batch.accounts.len() <= migration::MAX_ACCOUNTS_PER_URI);
        names.extend(batch.accounts.iter().map(|a| a.name.clone()));
    }
    let expected: Vec<String> = (0..25).map(|i| format!("user{i}@example.com")).collect();
    assert_eq!(names, expected);
    assert!(uris.len() >= 3, "{} parts", uris.len());
}

/// The longest URI read is 64 KiB: one byte more is refused as too long
/// before any decoding, one byte fewer is decoded (and fails as base64).
#[test]
fn a_uri_over_64_kib_is_refused_before_decoding() {
    const LIMIT: usize = 64 * 1024;
    let prefix = "otpauth-migration://offline?data=";
    let at = |length: usize| format!("{prefix}{}", "A".repeat(length - prefix.len() - 1) + "!");
    assert_eq!(migration::decode(&at(LIMIT + 1)).unwrap_err(), MigrationError::TooLong);
    assert_ne!(migration::decode(&at(LIMIT)).unwrap_err(), MigrationError::TooLong);
}

/// Google's format has only 30-second TOTP, HOTP, 6 or 8 digits and no
/// Steam: each account is checked before any code is drawn.
#[test]
fn only_accounts_google_can_hold_are_exportable() {
    let secret = || twofold_otp::Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
    let period = |seconds| Kind::Totp {
        period: std::num::NonZeroU32::new(seconds).unwrap(),
    };
    let fits = [
        twofold_otp::Account::new("A", "a", secret(), period(30)),
        twofold_otp::Account::new("A", "a", secret(), Kind::Hotp { counter: 4 }),
        twofold_otp::Account::new("A", "a", secret(), period(30))
            .with_digits(8)
            .unwrap(),
    ];
    for account in &fits {
        assert_eq!(migration::check_exportable(account), Ok(()), "{account:?}");
    }
    let refused = [
        twofold_otp::Account::new("A", "a", secret(), period(60)),
        twofold_otp::Account::new("Steam", "a", secret(), Kind::Steam),
        twofold_otp::Account::new("A", "a", secret(), period(30))
            .with_digits(7)
            .unwrap(),
    ];
    for account in &refused {
        assert!(
            matches!(
                migration::check_exportable(account),
                Err(MigrationError::Unsupported { .. })
            ),
            "{account:?}"
        );
    }
}

/// Each export draws a random, non-negative batch id (negative int32 ids
/// cost ten bytes each and some readers refuse them).
#[test]
fn each_export_has_its_own_non_negative_batch_id() {
    let account = twofold_otp::Account::new(
        "A",
        "a",
        twofold_otp::Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap(),
        Kind::Hotp { counter: 0 },
    );
    let ids: Vec<i32> = (0..32)
        .map(|_| {
            let uris = migration::encode(std::slice::from_ref(&account)).unwrap();
            migration::decode(&uris[0]).unwrap().batch_id
        })
        .collect();
    assert!(ids.iter().all(|&id| id >= 0), "{ids:?}");
    assert!(ids.iter().any(|&id| id != ids[0]), "{ids:?}");
}
