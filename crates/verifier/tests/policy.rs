//! The company's policy: forced or opt-in 2FA, who must enroll at login,
//! the users report, and an administrator removing a device; in memory and
//! in Redis.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use twofold_verifier::{Config, EnrollError, Mode, Store, UserReport, Verifier};

fn policy<S: Store>(verifier: &Verifier<S>) {
    let users = ["alice", "bob", "carol"];
    // Opt-in by default: nobody is forced.
    assert_eq!(verifier.mode("acme").unwrap(), Mode::OptIn);
    assert!(users.iter().all(|u| !verifier.must_enroll("acme", u).unwrap()));
    // Alice opts in.
    let _ = common::enrolled(verifier, "alice", 1_000);
    // Bob starts but does not confirm: pending is not enrolled.
    let _ = verifier.enroll("bob", "bob@example.com", 1_100).unwrap();
    verifier.set_mode("acme", Mode::Forced).unwrap();
    assert_eq!(verifier.mode("acme").unwrap(), Mode::Forced);
    // Another company is unaffected.
    assert_eq!(verifier.mode("globex").unwrap(), Mode::OptIn);
    assert!(!verifier.must_enroll("acme", "alice").unwrap());
    assert!(verifier.must_enroll("acme", "bob").unwrap());
    assert!(verifier.must_enroll("acme", "carol").unwrap());
    let report = verifier.report(users).unwrap();
    assert_eq!(
        report,
        [
            UserReport {
                user: "alice".into(),
                enrolled_since: Some(1_000),
                locked: false
            },
            UserReport {
                user: "bob".into(),
                enrolled_since: None,
                locked: false
            },
            UserReport {
                user: "carol".into(),
                enrolled_since: None,
                locked: false
            },
        ]
    );
    // Alice changes phones: enrolling again is refused until the admin removes the device.
    assert!(matches!(
        verifier.enroll("alice", "alice@example.com", 2_000),
        Err(EnrollError::AlreadyEnrolled)
    ));
    assert!(verifier.remove_device("alice").unwrap());
    assert!(!verifier.remove_device("alice").unwrap());
    assert!(verifier.must_enroll("acme", "alice").unwrap());
    let _ = common::enrolled(verifier, "alice", 3_000);
    assert_eq!(verifier.report(["alice"]).unwrap()[0].enrolled_since, Some(3_000));
    verifier.set_mode("acme", Mode::OptIn).unwrap();
    assert!(!verifier.must_enroll("acme", "carol").unwrap());
}

#[test]
fn forced_and_opt_in_report_and_removal_memory() {
    policy(&common::memory(Config::new("Example")));
}

/// A portal that shares one store between verifiers holds it in an `Arc`;
/// the policy must reach the store through it.
#[test]
fn forced_and_opt_in_report_and_removal_shared() {
    let shared = std::sync::Arc::new(twofold_verifier::MemoryStore::new());
    let verifier = Verifier::new(std::sync::Arc::clone(&shared), common::key(), Config::new("Example")).unwrap();
    policy(&verifier);
    // The policy ends by setting acme back to opt-in: written, not just the default.
    assert_eq!(shared.mode("acme").unwrap(), Some(Mode::OptIn));
    assert_eq!(shared.mode("globex").unwrap(), None);
}

#[test]
fn forced_and_opt_in_report_and_removal_redis() {
    let redis = common::RedisServer::start();
    policy(&redis.verifier("policy:", Config::new("Example")));
}

#[test]
fn secrets_in_the_store_are_sealed() {
    // What Redis holds (what an intruder in the store would see) never
    // contains the secret, nor the keyed HMAC state the verifier stores
    // sealed in its place: not their bytes, not as the record's JSON
    // numbers, not in base32. Nor does the record's Debug output.
    let redis = common::RedisServer::start();
    let verifier = redis.verifier("sealed:", Config::new("Example"));
    let app = common::enrolled(&verifier, "alice", 1_000);
    let secret = app.secret.expose().to_vec();
    let base32 = app.secret.to_base32().to_string();
    let as_json_numbers = secret.iter().map(u8::to_string).collect::<Vec<_>>().join(",");
    let keyed = app.generator().keyed_state();
    let keyed_json = keyed.iter().map(u8::to_string).collect::<Vec<_>>().join(",");
    let raw = redis_dump(&redis.url(), "sealed:{alice}:device");
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("sealed_key"), "{text}");
    assert!(!raw.windows(secret.len()).any(|w| w == secret.as_slice()));
    assert!(!text.contains(&as_json_numbers) && !text.contains(&base32));
    assert!(!raw.windows(keyed.len()).any(|w| w == keyed.as_slice()));
    assert!(!text.contains(&keyed_json[..keyed_json.len() / 2]), "{text}");
    let record = verifier.store().device("alice").unwrap().unwrap();
    let debug = format!("{:?}", record.value);
    assert!(
        !debug.contains(&as_json_numbers) && !debug.contains("sealed"),
        "{debug}"
    );
}

/// Every byte Redis keeps for `key`, read with redis-cli.
fn redis_dump(url: &str, key: &str) -> Vec<u8> {
    let socket = url.trim_start_matches("redis+unix://");
    let output = std::process::Command::new("redis-cli")
        .args(["-s", socket, "--raw", "HGETALL", key])
        .output()
        .unwrap();
    assert!(output.status.success());
    output.stdout
}
