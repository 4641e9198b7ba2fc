//! Android apps' token stores and backups: Authy, Battle.net, FreeOTP 1 and 2,
//! FreeOTP+ (export and internal), TOTP Authenticator (backup and internal),
//! against the shared fixtures and their INDEX.txt vectors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::num::NonZeroU32;

use common::{Case, Vector, case, check, same};
use twofold_formats::{ImportError, by_name};
use twofold_otp::{Algorithm, Kind};

/// Every fixture of these formats: file, format, password.
const MINE: [(&str, &str, Option<&str>); 13] = [
    ("authy_plain.xml", "authy", None),
    ("authy_encrypted.xml", "authy", Some("testtest")),
    ("battle_net_authenticator.xml", "battle-net", None),
    ("freeotp.xml", "freeotp", None),
    ("freeotp_v2_api23.xml", "freeotp2", Some("test")),
    ("freeotp_v2_api25.xml", "freeotp2", Some("test")),
    ("freeotp_v2_api27.xml", "freeotp2", Some("test")),
    ("freeotp_v2_api34.xml", "freeotp2", Some("test")),
    ("freeotp_v2_null_algo.xml", "freeotp2", Some("test")),
    ("freeotp_plus.json", "freeotp-plus", None),
    ("freeotp_plus_internal.xml", "freeotp-plus-internal", None),
    ("totp_authenticator.bin", "totp-authenticator", Some("Testtest1")),
    ("totp_authenticator_internal.xml", "totp-authenticator-internal", None),
];

/// The formats of this file's fixtures.
const FORMATS: [&str; 8] = [
    "authy",
    "battle-net",
    "freeotp",
    "freeotp2",
    "freeotp-plus",
    "freeotp-plus-internal",
    "totp-authenticator",
    "totp-authenticator-internal",
];

/// Authy stores neither algorithm nor period: its tokens are SHA-1 and 30 s.
fn authy(vector: &mut Vector) {
    vector.algorithm = Algorithm::Sha1;
    if let Kind::Totp { .. } = vector.kind {
        vector.kind = Kind::Totp {
            period: NonZeroU32::new(30).unwrap(),
        };
    }
}

/// TOTP Authenticator stores no algorithm (SHA-1 only) and lowercases account names.
fn totp_authenticator(vector: &mut Vector) {
    vector.algorithm = Algorithm::Sha1;
    vector.name = vector.name.to_lowercase();
}

#[test]
fn authy_plain() {
    case("authy_plain.xml", "authy", None, 3, authy);
}

#[test]
fn authy_encrypted() {
    case("authy_encrypted.xml", "authy", Some("testtest"), 3, authy);
}

#[test]
fn battle_net() {
    case("battle_net_authenticator.xml", "battle-net", None, 1, same);
}

#[test]
fn freeotp_v1() {
    // FreeOTP 1.x stores one below the next HOTP counter; the import adds it
    // back, so the counters equal the vectors' (Aegis's test instead lowers the
    // expected counters and keeps the off-by-one).
    let imported = check(&Case {
        file: "freeotp.xml",
        format: "freeotp",
        password: None,
        count: 4,
        fixup: same,
    });
    // The app's display order (tokenOrder), not the file's.
    let order: Vec<&str> = imported.accounts.iter().map(|a| a.issuer.as_str()).collect();
    assert_eq!(order, ["WWE", "Issuu", "Airbnb", "Deno"]);
    let wwe = imported.accounts.iter().find(|a| a.issuer == "WWE").unwrap();
    assert_eq!(wwe.kind, Kind::Hotp { counter: 10300 });
}

#[test]
fn freeotp_v2_api23() {
    case("freeotp_v2_api23.xml", "freeotp2", Some("test"), 6, same);
}

#[test]
fn freeotp_v2_api25() {
    case("freeotp_v2_api25.xml", "freeotp2", Some("test"), 6, same);
}

#[test]
fn freeotp_v2_api27() {
    case("freeotp_v2_api27.xml", "freeotp2", Some("test"), 6, same);
}

#[test]
fn freeotp_v2_api34() {
    case("freeotp_v2_api34.xml", "freeotp2", Some("test"), 6, same);
}

#[test]
fn freeotp_v2_null_algo() {
    case("freeotp_v2_null_algo.xml", "freeotp2", Some("test"), 1, same);
}

#[test]
fn freeotp_plus_json() {
    // Same counter correction as FreeOTP 1.x.
    case("freeotp_plus.json", "freeotp-plus", None, 6, same);
}

#[test]
fn freeotp_plus_internal() {
    case("freeotp_plus_internal.xml", "freeotp-plus-internal", None, 6, same);
}

#[test]
fn totp_authenticator_backup() {
    case(
        "totp_authenticator.bin",
        "totp-authenticator",
        Some("Testtest1"),
        3,
        totp_authenticator,
    );
}

#[test]
fn totp_authenticator_internal() {
    case(
        "totp_authenticator_internal.xml",
        "totp-authenticator-internal",
        None,
        3,
        totp_authenticator,
    );
}

/// A backup made without a password is sealed with the app's built-in
/// password, and imports without asking for one.
#[test]
fn totp_authenticator_built_in_password() {
    use aes::cipher::block_padding::Pkcs7;
    use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use sha2_010::Digest as _;

    let sealed = STANDARD.decode(common::fixture("totp_authenticator.bin")).unwrap();
    let key = sha2_010::Sha256::digest(b"Testtest1");
    let plain = cbc::Decryptor::<aes::Aes256>::new_from_slices(&key, &[0; 16])
        .unwrap()
        .decrypt_padded_vec_mut::<Pkcs7>(&sealed)
        .unwrap();
    let key = sha2_010::Sha256::digest(b"TotpAuthenticator");
    let resealed = cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &[0; 16])
        .unwrap()
        .encrypt_padded_vec_mut::<Pkcs7>(&plain);
    let file = STANDARD.encode(resealed);

    let format = by_name("totp-authenticator").unwrap();
    assert!(format.detect(file.as_bytes()));
    assert_eq!(format.import(file.as_bytes(), None).unwrap().accounts.len(), 3);
    // A password given for such a file is not needed; the built-in one still opens it.
    assert_eq!(
        format.import(file.as_bytes(), Some("whatever")).unwrap().accounts.len(),
        3
    );
}

/// FreeOTP+ and FreeOTP 1.x keep identical tokens.xml files; only a
/// 7-digit token (which FreeOTP 1.x refuses) marks the file as FreeOTP+'s.
/// Either importer reads either file the same way.
#[test]
fn freeotp_and_freeotp_plus_files_read_alike() {
    for file in ["freeotp.xml", "freeotp_plus_internal.xml"] {
        let bytes = common::fixture(file);
        let one = by_name("freeotp").unwrap().import(&bytes, None).unwrap();
        let plus = by_name("freeotp-plus-internal").unwrap().import(&bytes, None).unwrap();
        assert_eq!(one.accounts.len(), plus.accounts.len());
        for (a, b) in one.accounts.iter().zip(&plus.accounts) {
            assert!(a.same_otp(b), "{file}: {} differs", a.name);
            assert_eq!((&a.issuer, &a.name), (&b.issuer, &b.name));
        }
    }
}

/// No format of this file claims a fixture of another format, and each
/// claims only its own files (FreeOTP+'s internal detector also accepts
/// FreeOTP 1.x's identical file, which the registry gives to FreeOTP first).
#[test]
fn detect_claims_only_own_files() {
    let dir = common::shared_dir().join("fixtures/import");
    let mut others = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        if file == "INDEX.txt" {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let own = MINE.iter().find(|(f, _, _)| *f == file).map(|(_, format, _)| *format);
        if own.is_none() {
            others += 1;
        }
        for format in FORMATS {
            let claims = by_name(format).unwrap().detect(&bytes);
            let expected = own == Some(format) || (format == "freeotp-plus-internal" && file == "freeotp.xml");
            assert_eq!(claims, expected, "{format} detect on {file}");
        }
    }
    assert_eq!(others, 28, "fixtures of other formats");
}

/// The accounts a fixture holds (INDEX.txt's "entries" column).
fn count(file: &str) -> usize {
    match file {
        "battle_net_authenticator.xml" | "freeotp_v2_null_algo.xml" => 1,
        "authy_plain.xml" | "authy_encrypted.xml" | "totp_authenticator.bin" | "totp_authenticator_internal.xml" => 3,
        "freeotp.xml" => 4,
        _ => 6,
    }
}

/// Whether `rest` is only white space (cutting it loses nothing).
fn blank(rest: &[u8]) -> bool {
    rest.iter().all(u8::is_ascii_whitespace)
}

/// Truncated, garbled and empty inputs give errors or fewer accounts, never a panic.
#[test]
fn damaged_files_never_panic() {
    for (file, format_name, password) in MINE {
        let bytes = common::fixture(file);
        let format = by_name(format_name).unwrap();
        let full = count(file);
        for input in [&b""[..], b" ", b"\0", b"<map>", b"{}", b"[]"] {
            for pw in [None, password, Some("")] {
                let _ = format.import(input, pw);
            }
        }
        // Every prefix (these files are small).
        for len in 0..bytes.len() {
            if blank(&bytes[len..]) {
                continue;
            }
            for pw in [None, password] {
                if let Ok(imported) = format.import(&bytes[..len], pw) {
                    assert!(
                        imported.accounts.len() < full,
                        "{file} cut to {len} bytes still gives every account"
                    );
                }
            }
        }
        // Flipped bytes at spread-out places; with the password only for some,
        // as FreeOTP 2's 100,000-round key derivation is slow in a debug build.
        for i in 1..=6 {
            let at = bytes.len() * i / 7;
            for flip in [0xFF, 0x01, 0x80] {
                let mut garbled = bytes.clone();
                garbled[at] ^= flip;
                let _ = format.import(&garbled, None);
                if flip == 0xFF && (i == 4 || format_name != "freeotp2") {
                    let _ = format.import(&garbled, password);
                }
            }
        }
    }
}

/// Many random mutations of the Java-serialised and XML files, imported
/// without a password so that only the parsers run (no key derivation).
#[test]
fn random_mutations_never_panic() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let files = [
        ("freeotp_v2_api23.xml", "freeotp2"),
        ("freeotp_v2_api34.xml", "freeotp2"),
        ("authy_encrypted.xml", "authy"),
        ("freeotp.xml", "freeotp"),
        ("battle_net_authenticator.xml", "battle-net"),
        ("totp_authenticator_internal.xml", "totp-authenticator-internal"),
    ];
    for (file, format_name) in files {
        let bytes = common::fixture(file);
        let format = by_name(format_name).unwrap();
        for _ in 0..400 {
            let mut mutated = bytes.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() % mutated.len() as u64) as usize;
                match next() % 3 {
                    0 => mutated[at] = next() as u8,
                    1 => {
                        mutated.remove(at);
                    }
                    _ => mutated.insert(at, next() as u8),
                }
            }
            let _ = format.import(&mutated, None);
        }
    }
    // Hostile Java streams: deep nesting, self references, huge sizes.
    let freeotp2 = by_name("freeotp2").unwrap();
    let magic = [0xAC, 0xED, 0x00, 0x05];
    let mut hostile: Vec<Vec<u8>> = vec![
        [&magic[..], &[0x73; 5000]].concat(),
        [&magic[..], &[0x71, 0x00, 0x7E, 0x00, 0x00]].concat(),
        [&magic[..], &[0x74, 0xFF, 0xFF]].concat(),
        [&magic[..], &[0x7C, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]].concat(),
    ];
    // A HashMap claiming two billion entries.
    let mut header = common::fixture("freeotp_v2_api25.xml");
    let at = header.windows(2).position(|w| w == [0x77, 0x08]).unwrap();
    header[at + 6..at + 10].copy_from_slice(&0x7FFF_FFFFu32.to_be_bytes());
    hostile.push(header.clone());
    let class_end = at;
    let fields = &header[class_end - 8..class_end];
    let map_header = |size: u32| [&[0x77, 0x08, 0, 0, 0, 16][..], &size.to_be_bytes()].concat();
    // Maps nested ten thousand deep: the stack must not overflow.
    let mut deep = header[..class_end].to_vec();
    deep.extend(map_header(1));
    for _ in 0..10_000 {
        deep.push(0x70);
        deep.extend([0x73, 0x71, 0x00, 0x7E, 0x00, 0x00]);
        deep.extend(fields);
        deep.extend(map_header(1));
    }
    match freeotp2.import(&deep, Some("test")) {
        Err(ImportError::Malformed { reason, .. }) => assert!(reason.contains("deep"), "{reason}"),
        other => panic!("deep nesting: {other:?}"),
    }
    // A map whose values all refer back to one large map: copies must be
    // bounded (both maps within the 40,000 entries a map may have).
    let inner_size = 30_000u32;
    let refs = 30_000u32;
    let mut bomb = header[..class_end].to_vec();
    assert_eq!(bomb[4], 0x73);
    bomb.extend(map_header(1 + refs));
    bomb.extend([0x74, 0x00, 0x01, b'a']);
    bomb.extend([0x73, 0x71, 0x00, 0x7E, 0x00, 0x00]);
    bomb.extend(fields);
    bomb.extend(map_header(inner_size));
    bomb.extend([0x70, 0x70].repeat(inner_size as usize));
    bomb.push(0x78);
    bomb.extend([0x70, 0x71, 0x00, 0x7E, 0x00, 0x03].repeat(refs as usize));
    bomb.push(0x78);
    match freeotp2.import(&bomb, Some("test")) {
        Err(ImportError::Malformed { reason, .. }) => assert!(reason.contains("repeated"), "{reason}"),
        other => panic!("reference bomb: {other:?}"),
    }
    for _ in 0..2000 {
        let len = (next() % 64) as usize;
        let tail: Vec<u8> = (0..len)
            .map(|_| [0x70, 0x71, 0x72, 0x73, 0x74, 0x77, 0x78, 0x00, 0x7E][(next() % 9) as usize])
            .collect();
        hostile.push([&magic[..], &tail].concat());
    }
    for input in &hostile {
        let result = freeotp2.import(input, Some("test"));
        assert!(!matches!(result, Ok(ref imported) if !imported.accounts.is_empty()));
    }
}

/// Encrypted formats refuse an empty password like any wrong one.
#[test]
fn empty_password_is_wrong() {
    for (file, format_name, password) in MINE {
        if password.is_none() {
            continue;
        }
        let format = by_name(format_name).unwrap();
        let result = format.import(&common::fixture(file), Some(""));
        assert_eq!(
            result.err(),
            Some(ImportError::WrongPassword { format: format.name() }),
            "{file}"
        );
    }
}
