//! What the enrollment page gets: a fresh 160-bit secret, its otpauth URI
//! with the issuer and account, and QR codes (PNG read back by twofold-scan
//! here; the SVG is read back from a browser screenshot in portal.rs); and
//! nothing secret in any Debug output.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use twofold_otp::{Account, Algorithm, Kind};
use twofold_verifier::{Config, Store};

#[test]
fn the_uri_names_the_service_and_holds_a_fresh_160_bit_secret() {
    // The clock the portal passes as `now`.
    let now = twofold_verifier::unix_now();
    let system = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(now.abs_diff(system) <= 1, "{now} against {system}");
    let verifier = common::memory(Config::new("Example Corp"));
    let one = verifier.enroll("u1", "alice@example.com", 0).unwrap();
    let account: Account = one.uri().parse().unwrap();
    assert_eq!(account.issuer, "Example Corp");
    assert_eq!(account.name, "alice@example.com");
    assert_eq!(account.secret.len(), 20);
    assert_eq!(account.algorithm, Algorithm::Sha1);
    assert_eq!(account.digits(), 6);
    assert!(matches!(account.kind, Kind::Totp { period } if period.get() == 30));
    assert_eq!(one.label(), ("Example Corp", "alice@example.com"));
    assert_eq!(one.secret_text().replace(' ', ""), *account.secret.to_base32());
    // Groups of four, as the user types them: 32 characters, 8 groups.
    let text = one.secret_text();
    let groups: Vec<&str> = text.split(' ').collect();
    assert_eq!(groups.len(), 8, "{}", text.as_str());
    assert!(groups.iter().all(|g| g.len() == 4), "{}", text.as_str());
    // Another user, or the same user again, gets another secret.
    let two: Account = verifier
        .enroll("u2", "bob@example.com", 0)
        .unwrap()
        .uri()
        .parse()
        .unwrap();
    let again: Account = verifier
        .enroll("u1", "alice@example.com", 0)
        .unwrap()
        .uri()
        .parse()
        .unwrap();
    assert_ne!(account.secret, two.secret);
    assert_ne!(account.secret, again.secret);
    // The replaced pending enrollment's codes do not confirm.
    assert!(verifier.confirm("u1", account.code_at(0).as_str(), 0).is_err());
    assert!(verifier.confirm("u1", again.code_at(0).as_str(), 0).is_ok());
}

#[test]
fn the_png_qr_code_scans_back_to_the_uri() {
    let verifier = common::memory(Config::new("Example Corp"));
    let enrollment = verifier.enroll("u1", "alice@example.com", 0).unwrap();
    for scale in [2, 4, 8] {
        let png = enrollment.qr_png(scale).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // The side is the code's modules and a quiet zone of 4 on each
        // side, times the scale; a code has 21 to 177 modules, 4k + 17.
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        assert_eq!(width % scale, 0);
        let modules = width / scale - 8;
        assert!(
            (21..=177).contains(&modules) && (modules - 17) % 4 == 0,
            "{width} at scale {scale}"
        );
        let found = twofold_scan::scan_bytes(&png).unwrap();
        assert_eq!(found.len(), 1, "scale {scale}");
        assert_eq!(found[0].text, *enrollment.uri(), "scale {scale}");
    }
    let svg = enrollment.qr_svg().unwrap();
    assert!(svg.contains("<svg") && svg.contains("</svg>"));
}

#[test]
fn hotp_enrollment_and_other_parameters() {
    let mut config = Config::new("Example");
    config.hotp = true;
    config.algorithm = Algorithm::Sha256;
    config.digits = 8;
    let verifier = common::memory(config);
    let enrollment = verifier.enroll("u", "u@example.com", 0).unwrap();
    let mut app: Account = enrollment.uri().parse().unwrap();
    assert!(matches!(app.kind, Kind::Hotp { counter: 0 }));
    assert_eq!((app.algorithm, app.digits()), (Algorithm::Sha256, 8));
    assert_eq!(verifier.confirm("u", app.code_at(0).as_str(), 0).unwrap().step, 0);
    app.kind = Kind::Hotp { counter: 1 };
    assert_eq!(verifier.verify("u", app.code_at(0).as_str(), 99).unwrap().step, 1);
}

#[test]
fn nothing_secret_in_debug_output() {
    let verifier = common::memory(Config::new("Example"));
    let enrollment = verifier.enroll("u", "u@example.com", 0).unwrap();
    let account: Account = enrollment.uri().parse().unwrap();
    let secret = account.secret.to_base32().to_string();
    let app = account.code_at(0);
    let confirmed = verifier.confirm("u", app.as_str(), 0).unwrap();
    let record = format!("{:?}", verifier.store().device("u").unwrap());
    let keyed: String = account
        .generator()
        .keyed_state()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let keyed_decimal = account
        .generator()
        .keyed_state()
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    // Each Debug output says what it is, with its harmless fields only.
    assert_eq!(format!("{enrollment:?}"), "Enrollment { .. }");
    assert!(
        record.starts_with("Some(Versioned { version: ")
            && record.contains("value: Device { hotp: false, confirmed_at: Some(0), failures: 0, locked: false, .. }"),
        "{record}"
    );
    let verifier_debug = format!("{verifier:?}");
    assert!(
        verifier_debug.contains("keys: KeyCache { capacity: "),
        "{verifier_debug}"
    );
    let confirmed_debug = format!("{confirmed:?}");
    assert!(confirmed_debug.contains("recovery_codes: 10"), "{confirmed_debug}");
    assert!(
        confirmed
            .recovery_codes
            .iter()
            .all(|c| !confirmed_debug.contains(c.as_str()))
    );
    for debug in [
        confirmed_debug,
        format!("{enrollment:?}"),
        format!("{verifier:?}"),
        format!("{:?}", common::key()),
        record,
        format!("{:?}", account.generator()),
    ] {
        assert!(!debug.contains(&secret), "{debug}");
        assert!(!debug.contains(&secret.to_lowercase()), "{debug}");
        assert!(
            !debug.contains(&keyed) && !debug.contains(&keyed_decimal[..20]),
            "{debug}"
        );
    }
    // Recovery codes are shown once to the user; they are not in the record.
    let stored = format!("{:?}", verifier.store().device("u").unwrap());
    assert!(confirmed.recovery_codes.iter().all(|c| !stored.contains(c.as_str())));
}
