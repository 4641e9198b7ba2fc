//! The RFC 4226 and RFC 6238 vectors of ../shared/fixtures/vectors, checked
//! through the verifier (window 0, so each code is accepted only at its own
//! step), and the edges of time: step 0, time 0, windows wider than the
//! time, the end of the clock.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::shared::{read_vectors, seed};
use twofold_otp::{Algorithm, Secret};
use twofold_verifier::{Config, VerifyError};

fn config(algorithm: Algorithm, digits: u8, window: u32) -> Config {
    let mut config = Config::new("RFC");
    config.algorithm = algorithm;
    config.digits = digits;
    config.window = window;
    config
}

#[test]
fn rfc6238_totp_vectors_are_accepted_at_their_step_only() {
    let file = read_vectors();
    for (time, step, code, algorithm) in &file.totp {
        let verifier = common::memory(config(*algorithm, 8, 0));
        let secret = Secret::from_bytes(seed(&file, *algorithm)).unwrap();
        verifier.import("rfc", &secret, 0).unwrap();
        // One step early (where there is one): wrong, with window 0.
        if *step > 0 {
            assert!(
                matches!(verifier.verify("rfc", code, time - 30), Err(VerifyError::Wrong { .. })),
                "{algorithm} {time}"
            );
        }
        assert_eq!(
            verifier.verify("rfc", code, *time).unwrap().step,
            *step,
            "{algorithm} at {time}"
        );
        // And never again.
        assert!(matches!(
            verifier.verify("rfc", code, *time),
            Err(VerifyError::Replayed { .. })
        ));
    }
    for (time, code) in &file.six_digit {
        let verifier = common::memory(config(Algorithm::Sha1, 6, 1));
        verifier
            .import("rfc", &Secret::from_bytes(seed(&file, Algorithm::Sha1)).unwrap(), 0)
            .unwrap();
        // Within the window: accepted one step late.
        assert_eq!(verifier.verify("rfc", code, time + 30).unwrap().step, time / 30);
    }
}

#[test]
fn rfc4226_hotp_vectors_in_order_and_with_look_ahead() {
    let file = read_vectors();
    let mut hotp = config(Algorithm::Sha1, 6, 1);
    hotp.hotp = true;
    hotp.look_ahead = 3;
    let secret = Secret::from_bytes(seed(&file, Algorithm::Sha1)).unwrap();
    let verifier = common::memory(hotp.clone());
    verifier.import("rfc", &secret, 0).unwrap();
    for (counter, _, code) in &file.hotp {
        assert_eq!(verifier.verify("rfc", code, 0).unwrap().step, *counter);
    }
    // Resynchronisation: counters 0-2 pressed but never sent; 3 is within
    // the look-ahead, and 4 then follows; 0 is used up.
    let verifier = common::memory(hotp);
    verifier.import("rfc", &secret, 0).unwrap();
    let code = |n: usize| file.hotp[n].2.as_str();
    assert!(matches!(
        verifier.verify("rfc", code(4), 0),
        Err(VerifyError::Wrong { .. })
    ));
    assert_eq!(verifier.verify("rfc", code(3), 0).unwrap().step, 3);
    assert_eq!(verifier.verify("rfc", code(4), 0).unwrap().step, 4);
    assert!(matches!(
        verifier.verify("rfc", code(0), 0),
        Err(VerifyError::Wrong { .. })
    ));
}

#[test]
fn edges_of_time_never_panic() {
    let file = read_vectors();
    let secret = Secret::from_bytes(seed(&file, Algorithm::Sha1)).unwrap();
    let app = |time: u64| {
        twofold_otp::Account::new(
            "",
            "",
            secret.clone(),
            twofold_otp::Kind::Totp {
                period: std::num::NonZeroU32::new(30).unwrap(),
            },
        )
        .code_at(time)
    };
    // Time 0 is step 0; the window cannot reach below it.
    let verifier = common::memory(config(Algorithm::Sha1, 6, 1));
    verifier.import("u", &secret, 0).unwrap();
    assert_eq!(verifier.verify("u", app(0).as_str(), 0).unwrap().step, 0);
    assert_eq!(verifier.verify("u", app(30).as_str(), 0).unwrap().step, 1);
    // A window wider than the time since the epoch.
    let verifier = common::memory(config(Algorithm::Sha1, 6, 10));
    verifier.import("u", &secret, 0).unwrap();
    assert_eq!(verifier.verify("u", app(0).as_str(), 45).unwrap().step, 0);
    // The end of the clock: the last steps, and a code from the far past.
    for window in [0, 1, 10] {
        let verifier = common::memory(config(Algorithm::Sha1, 6, window));
        verifier.import("u", &secret, 0).unwrap();
        assert_eq!(
            verifier.verify("u", app(u64::MAX).as_str(), u64::MAX).unwrap().step,
            u64::MAX / 30
        );
        assert!(verifier.verify("u", app(0).as_str(), u64::MAX).is_err());
    }
    // A huge skew: a code from a year ago, or from next year, is wrong.
    let verifier = common::memory(config(Algorithm::Sha1, 6, 1));
    verifier.import("u", &secret, 0).unwrap();
    let now = 1_700_000_000;
    assert!(verifier.verify("u", app(now - 30).as_str(), now).is_ok());
    assert!(matches!(
        verifier.verify("u", app(now - 31_536_000).as_str(), now),
        Err(VerifyError::Wrong { .. })
    ));
    assert!(matches!(
        verifier.verify("u", app(now + 31_536_000).as_str(), now),
        Err(VerifyError::Wrong { .. })
    ));
    // Just outside the window, on both sides.
    assert!(matches!(
        verifier.verify("u", app(now - 60).as_str(), now),
        Err(VerifyError::Wrong { .. })
    ));
    assert!(matches!(
        verifier.verify("u", app(now + 60).as_str(), now),
        Err(VerifyError::Wrong { .. })
    ));
}

#[test]
fn malformed_codes_are_wrong_codes_not_panics() {
    // No delays in this test: it is about parsing, not throttling.
    let mut config = Config::new("Example");
    config.throttle.free_failures = 50;
    config.throttle.lock_after = 100;
    let verifier = common::memory(config);
    let app = common::enrolled(&verifier, "u", 1_000);
    let good = app.code_at(1_030);
    for bad in [
        "",
        " ",
        "12345",
        "1234567",
        "abcdef",
        "12345\u{0}",
        "１２３４５６",
        &"9".repeat(10_000),
    ] {
        assert!(
            matches!(verifier.verify("u", bad, 1_030), Err(VerifyError::Wrong { .. })),
            "{bad:?}"
        );
    }
    // Spaces are allowed, as people type them.
    let spaced = format!(" {} {} ", &good.as_str()[..3], &good.as_str()[3..]);
    assert_eq!(verifier.verify("u", &spaced, 1_030).unwrap().step, 1_030 / 30);
}

/// Guard: after a use, an HOTP device's counter is one past the code used,
/// so the whole look-ahead stays open: the code at its far edge is accepted
/// right after a use (a counter left at the used value shrinks the window
/// by one, and refuses it).
#[test]
fn an_hotp_device_accepts_the_far_edge_of_its_window_right_after_a_use() {
    let file = read_vectors();
    let mut hotp = config(Algorithm::Sha1, 6, 1);
    hotp.hotp = true;
    hotp.look_ahead = 3;
    let secret = Secret::from_bytes(seed(&file, Algorithm::Sha1)).unwrap();
    let code = |n: usize| file.hotp[n].2.as_str();
    for used in 0..3 {
        let verifier = common::memory(hotp.clone());
        verifier.import("rfc", &secret, 0).unwrap();
        for n in 0..=used {
            assert_eq!(verifier.verify("rfc", code(n), 0).unwrap().step, n as u64);
        }
        // The next counter is used + 1; look_ahead 3 reaches used + 1 + 3.
        let edge = used + 1 + 3;
        assert!(
            matches!(
                verifier.verify("rfc", code(edge + 1), 0),
                Err(VerifyError::Wrong { .. })
            ),
            "past the edge accepted after using {used}"
        );
        assert_eq!(
            verifier.verify("rfc", code(edge), 0).unwrap().step,
            edge as u64,
            "the far edge refused after using {used}"
        );
    }
}

/// Guard: a device keeps the period it was enrolled with. A verifier whose
/// configuration changed (30 s to 60 s, and back) still checks each
/// device's codes by the device's own period.
#[test]
fn a_devices_period_outlives_a_change_of_the_configuration() {
    use std::sync::Arc;
    use twofold_verifier::{MemoryStore, Verifier};
    let store = Arc::new(MemoryStore::new());
    let with_period = |period: u32| {
        let mut config = Config::new("Example");
        config.period = period;
        Verifier::new(Arc::clone(&store), common::key(), config).unwrap()
    };
    let now = 1_800_000_000;
    let (thirty, sixty) = (with_period(30), with_period(60));
    let app_30 = common::enrolled(&thirty, "thirty", now);
    let app_60 = common::enrolled(&sixty, "sixty", now);
    // Each app's code two periods on, checked by the verifier of the other period.
    let later = now + 120;
    assert_eq!(
        sixty
            .verify("thirty", app_30.code_at(later).as_str(), later)
            .unwrap()
            .step,
        later / 30
    );
    assert_eq!(
        thirty
            .verify("sixty", app_60.code_at(later).as_str(), later)
            .unwrap()
            .step,
        later / 60
    );
    // The 30 s device's secret stepped by 60 s (what a verifier using its
    // own configured period would compute) is refused.
    let stepped_by_sixty = twofold_otp::Account::new(
        "",
        "",
        app_30.secret.clone(),
        twofold_otp::Kind::Totp {
            period: std::num::NonZeroU32::new(60).unwrap(),
        },
    );
    let at = later + 600;
    let wrong = stepped_by_sixty.code_at(at);
    let right: Vec<String> = (0..3)
        .map(|i| app_30.code_at(at + 30 * i - 30).as_str().to_owned())
        .collect();
    if !right.contains(&wrong.as_str().to_owned()) {
        assert!(
            matches!(
                sixty.verify("thirty", wrong.as_str(), at),
                Err(VerifyError::Wrong { .. })
            ),
            "the 30 s device was checked with 60 s steps"
        );
    }
}
