//! What the URI parser accepts from real issuers, and what it refuses, each
//! refusal with the field it names and the words it must say.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::num::NonZeroU32;

use twofold_otp::{Account, Algorithm, Kind, SecretError, UriError};

const KEY: &str = "JBSWY3DPEHPK3PXP";

fn period(seconds: u32) -> Kind {
    Kind::Totp {
        period: NonZeroU32::new(seconds).unwrap(),
    }
}

#[test]
fn malformed_uris_give_the_error_that_names_the_field() {
    let long = format!("otpauth://totp/{}?secret={KEY}", "a".repeat(70_000));
    // (uri, field, words the message must contain)
    let table: Vec<(&str, &str, &str)> = vec![
        ("", "uri", "empty"),
        ("   \n", "uri", "empty"),
        (&long, "uri", "longer than"),
        (
            "http://example.com/totp?secret=JBSWY3DPEHPK3PXP",
            "scheme",
            "\"http\" is not otpauth://",
        ),
        (
            "otpauth:/totp/I:n?secret=JBSWY3DPEHPK3PXP",
            "scheme",
            "missing; paste the link that starts with otpauth://",
        ),
        ("JBSWY3DPEHPK3PXP", "scheme", "missing"),
        (
            "otpauth-migration://offline?data=CgA",
            "scheme",
            "twofold migration decode",
        ),
        (
            "otpauth://xotp/I:n?secret=JBSWY3DPEHPK3PXP",
            "type",
            "\"xotp\" is not totp, hotp or steam",
        ),
        ("otpauth://?secret=JBSWY3DPEHPK3PXP", "type", "\"\" is not totp"),
        ("otpauth://motp/I:n?secret=JBSWY3DPEHPK3PXP", "type", "\"motp\""),
        ("otpauth://totp/I:n", "secret", "missing"),
        ("otpauth://totp/I:n?issuer=I&digits=6", "secret", "missing"),
        ("otpauth://totp/I:n?secret=", "secret", "empty"),
        ("otpauth://totp/I:n?secret====", "secret", "empty"),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PX1",
            "secret",
            "character 16 is not",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PX0",
            "secret",
            "such as 0, 1 or 8",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DP%3DEHPK",
            "secret",
            "after its '=' padding",
        ),
        ("otpauth://totp/I:n?secret=%C3%84BCDEFG", "secret", "character 1 is not"),
        ("otpauth://totp/I:n?secret=%FF%FE", "secret", "percent-encoding"),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PXP&digits=4",
            "digits",
            "\"4\" is not a whole number from 5 to 10",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PXP&digits=11",
            "digits",
            "\"11\"",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PXP&digits=six",
            "digits",
            "\"six\"",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PXP&digits=-6",
            "digits",
            "\"-6\"",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PXP&digits=6.0",
            "digits",
            "\"6.0\"",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PXP&digits=300",
            "digits",
            "\"300\"",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PXP&period=0",
            "period",
            "\"0\" is not a whole number of seconds",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PXP&period=-30",
            "period",
            "\"-30\"",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PXP&period=30s",
            "period",
            "\"30s\"",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PXP&period=4294967296",
            "period",
            "\"4294967296\"",
        ),
        (
            "otpauth://hotp/I:n?secret=JBSWY3DPEHPK3PXP&counter=-1",
            "counter",
            "\"-1\" is not a whole number",
        ),
        (
            "otpauth://hotp/I:n?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551616",
            "counter",
            "\"18446744073709551616\"",
        ),
        (
            "otpauth://hotp/I:n?secret=JBSWY3DPEHPK3PXP&counter=ten",
            "counter",
            "\"ten\"",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
            "algorithm",
            "\"MD5\" is not SHA1, SHA256 or SHA512",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PXP&algorithm=SHA3-256",
            "algorithm",
            "\"SHA3-256\"",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PXP&secret=GEZDGNBVGY3TQOJQ",
            "secret",
            "more than once",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PXP&digits=6&digits=8",
            "digits",
            "more than once",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PXP&issuer=A&Issuer=B",
            "issuer",
            "more than once",
        ),
        (
            "otpauth://totp/I:%FF?secret=JBSWY3DPEHPK3PXP",
            "label",
            "percent-encoding",
        ),
        (
            "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PXP&issuer=%C3",
            "issuer",
            "percent-encoding",
        ),
        ("steam://", "secret", "empty"),
        ("steam://JBSW!Y3DP", "secret", "character 5"),
    ];
    assert!(table.len() >= 25);
    for (uri, field, words) in &table {
        let shown: String = uri.chars().take(80).collect();
        let error = uri
            .parse::<Account>()
            .err()
            .unwrap_or_else(|| panic!("{shown:?} parsed"));
        assert_eq!(error.field(), *field, "{shown:?}: {error}");
        let message = error.to_string();
        assert!(message.contains(words), "{shown:?}: {message:?} lacks {words:?}");
        assert!(
            message.starts_with(&format!("{field}: ")),
            "{shown:?}: {message:?} must start with the field"
        );
        assert!(!message.contains(KEY), "{shown:?}: the message quotes the secret");
    }
}

#[test]
fn secret_errors_are_typed() {
    let error = "otpauth://totp/I:n?secret=JBSWY3DPEHPK3PX1"
        .parse::<Account>()
        .unwrap_err();
    assert_eq!(error, UriError::Secret(SecretError::InvalidCharacter { position: 16 }));
    assert!(error.to_string().starts_with("secret: "), "{error}");
}

struct Expect {
    issuer: &'static str,
    name: &'static str,
    kind: Kind,
    algorithm: Algorithm,
    digits: u8,
}

fn expect(issuer: &'static str, name: &'static str) -> Expect {
    Expect {
        issuer,
        name,
        kind: period(30),
        algorithm: Algorithm::Sha1,
        digits: 6,
    }
}

#[test]
fn lenient_forms_that_real_issuers_print() {
    let table: Vec<(&str, Expect)> = vec![
        (
            "otpauth://totp/ACME:alice?secret=jbswy3dpehpk3pxp",
            expect("ACME", "alice"),
        ),
        (
            "otpauth://totp/ACME:alice?secret=JBSW%20Y3DP%20EHPK%203PXP",
            expect("ACME", "alice"),
        ),
        (
            "otpauth://totp/ACME:alice?secret=jbsw+y3dp+ehpk+3pxp",
            expect("ACME", "alice"),
        ),
        (
            "otpauth://totp/ACME:alice?secret=JBSW-Y3DP-EHPK-3PXP",
            expect("ACME", "alice"),
        ),
        (
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP%3D%3D%3D%3D",
            expect("ACME", "alice"),
        ),
        (
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP====",
            expect("ACME", "alice"),
        ),
        (
            "otpauth://totp/ACME%3Aalice?secret=JBSWY3DPEHPK3PXP",
            expect("ACME", "alice"),
        ),
        (
            "otpauth://totp/ACME%3aalice?secret=JBSWY3DPEHPK3PXP",
            expect("ACME", "alice"),
        ),
        (
            "otpauth://totp/ACME:%20%20alice?secret=JBSWY3DPEHPK3PXP",
            expect("ACME", "alice"),
        ),
        (
            "otpauth://totp/ACME%3A%20alice?secret=JBSWY3DPEHPK3PXP",
            expect("ACME", "alice"),
        ),
        (
            "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME",
            expect("ACME", "alice"),
        ),
        (
            "otpauth://totp/Old%20Name:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME",
            expect("ACME", "alice"),
        ),
        (
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=",
            expect("ACME", "alice"),
        ),
        (
            "otpauth://totp/Air%20Canada:bob?secret=JBSWY3DPEHPK3PXP&issuer=Air+Canada",
            expect("Air Canada", "bob"),
        ),
        (
            "otpauth://totp/alice@example.com?secret=JBSWY3DPEHPK3PXP",
            expect("", "alice@example.com"),
        ),
        ("otpauth://totp/?secret=JBSWY3DPEHPK3PXP", expect("", "")),
        ("otpauth://totp?secret=JBSWY3DPEHPK3PXP&issuer=ACME", expect("ACME", "")),
        (
            "OTPAUTH://TOTP/ACME:alice?SECRET=JBSWY3DPEHPK3PXP&ISSUER=ACME",
            expect("ACME", "alice"),
        ),
        (
            "  otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP\n",
            expect("ACME", "alice"),
        ),
        (
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&image=https%3A%2F%2Fx.example%2Fa.png&color=red&foo",
            expect("ACME", "alice"),
        ),
        (
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&&",
            expect("ACME", "alice"),
        ),
        (
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&algorithm=sha256",
            Expect {
                algorithm: Algorithm::Sha256,
                ..expect("ACME", "alice")
            },
        ),
        (
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&algorithm=HmacSHA256",
            Expect {
                algorithm: Algorithm::Sha256,
                ..expect("ACME", "alice")
            },
        ),
        (
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&algorithm=SHA-512",
            Expect {
                algorithm: Algorithm::Sha512,
                ..expect("ACME", "alice")
            },
        ),
        (
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&digits=5",
            Expect {
                digits: 5,
                ..expect("ACME", "alice")
            },
        ),
        (
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&digits=10",
            Expect {
                digits: 10,
                ..expect("ACME", "alice")
            },
        ),
        (
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&period=1",
            Expect {
                kind: period(1),
                ..expect("ACME", "alice")
            },
        ),
        (
            "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&period=86400",
            Expect {
                kind: period(86400),
                ..expect("ACME", "alice")
            },
        ),
        (
            "otpauth://hotp/ACME:alice?secret=JBSWY3DPEHPK3PXP",
            Expect {
                kind: Kind::Hotp { counter: 0 },
                ..expect("ACME", "alice")
            },
        ),
        (
            "otpauth://hotp/ACME:alice?secret=JBSWY3DPEHPK3PXP&counter=42&period=60",
            Expect {
                kind: Kind::Hotp { counter: 42 },
                ..expect("ACME", "alice")
            },
        ),
        (
            "otpauth://steam/Steam:gaben?secret=JBSWY3DPEHPK3PXP",
            Expect {
                kind: Kind::Steam,
                digits: 5,
                ..expect("Steam", "gaben")
            },
        ),
        (
            "otpauth://totp/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam",
            Expect {
                kind: Kind::Steam,
                digits: 5,
                ..expect("Steam", "gaben")
            },
        ),
        (
            "otpauth://totp/gaben?secret=JBSWY3DPEHPK3PXP&issuer=steam&digits=5",
            Expect {
                kind: Kind::Steam,
                digits: 5,
                ..expect("steam", "gaben")
            },
        ),
        (
            "steam://JBSWY3DPEHPK3PXP",
            Expect {
                kind: Kind::Steam,
                digits: 5,
                ..expect("Steam", "")
            },
        ),
        (
            "steam://jbswy3dpehpk3pxp/",
            Expect {
                kind: Kind::Steam,
                digits: 5,
                ..expect("Steam", "")
            },
        ),
    ];
    for (uri, expected) in table {
        let account: Account = uri.parse().unwrap_or_else(|e| panic!("{uri:?}: {e}"));
        assert_eq!(account.issuer, expected.issuer, "{uri}");
        assert_eq!(account.name, expected.name, "{uri}");
        assert_eq!(account.kind, expected.kind, "{uri}");
        assert_eq!(account.algorithm, expected.algorithm, "{uri}");
        assert_eq!(account.digits(), expected.digits, "{uri}");
        assert_eq!(account.secret.to_base32().as_str(), KEY, "{uri}");
    }
}

#[test]
fn eighty_bit_secrets_make_codes() {
    // GitHub and Okta print 16-character (80-bit) keys; totp-rs's checked
    // builder refuses them.
    let account: Account = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP".parse().unwrap();
    assert_eq!(account.secret.len(), 10);
    assert_eq!(account.code_at(59).as_str(), "996554");
}
