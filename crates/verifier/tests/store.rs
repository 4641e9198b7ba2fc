//! The compare-and-swap every store must provide, checked on both: a write
//! naming a stale version is refused, "no record" is a version of its own,
//! a delete is a write, and versions never repeat, even after a delete and
//! a new record.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use twofold_verifier::{Config, MemoryStore, Store};

fn compare_and_swap<S: Store>(store: &S) {
    // A real record to write, taken from an enrollment in a scratch store.
    let scratch = common::memory(Config::new("Example"));
    let _ = scratch.enroll("x", "x@example.com", 0).unwrap();
    let record = scratch.store().device("x").unwrap().unwrap().value;

    assert!(store.device("u").unwrap().is_none());
    // Creating needs "no record".
    assert!(!store.replace_device("u", Some(1), Some(record.clone())).unwrap());
    assert!(store.replace_device("u", None, Some(record.clone())).unwrap());
    assert!(!store.replace_device("u", None, Some(record.clone())).unwrap());
    let first = store.device("u").unwrap().unwrap();
    assert_eq!(first.value, record);
    // Updating needs the current version; an old one is refused.
    assert!(
        store
            .replace_device("u", Some(first.version), Some(record.clone()))
            .unwrap()
    );
    let second = store.device("u").unwrap().unwrap();
    assert_ne!(second.version, first.version);
    assert!(
        !store
            .replace_device("u", Some(first.version), Some(record.clone()))
            .unwrap()
    );
    assert!(!store.replace_device("u", Some(first.version), None).unwrap());
    // Deleting is a write too; then a new record gets a version never seen.
    assert!(store.replace_device("u", Some(second.version), None).unwrap());
    assert!(store.device("u").unwrap().is_none());
    assert!(store.replace_device("u", None, Some(record.clone())).unwrap());
    let third = store.device("u").unwrap().unwrap();
    assert!(third.version != first.version && third.version != second.version);
    assert!(!store.replace_device("u", Some(second.version), Some(record)).unwrap());
    // Other users are other records.
    assert!(store.device("v").unwrap().is_none());
}

#[test]
fn compare_and_swap_memory() {
    compare_and_swap(&MemoryStore::new());
}

#[test]
fn compare_and_swap_redis() {
    let redis = common::RedisServer::start();
    let store = twofold_verifier::RedisStore::open(&redis.url(), "cas:").unwrap();
    compare_and_swap(&store);
    // Both of a user's keys sit under the prefix with the user as hash
    // tag, so that a Redis Cluster keeps them in one slot (the script
    // touches both at once), and nothing else is written.
    let socket = redis.url().trim_start_matches("redis+unix://").to_owned();
    let output = std::process::Command::new("redis-cli")
        .args(["-s", &socket, "--raw", "KEYS", "*"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let mut keys: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    keys.sort();
    assert_eq!(keys, ["cas:{u}:device", "cas:{u}:version"]);
    assert_eq!(format!("{store:?}"), r#"RedisStore { prefix: "cas:", .. }"#);
}

/// The sealed key is bound to the code's parameters: a record edited in
/// the store (more digits, another hash, another period, HOTP for TOTP)
/// no longer opens, so that write access to the store cannot change how a
/// device's codes are checked.
#[test]
fn a_record_with_edited_code_parameters_does_not_open() {
    let secret = twofold_otp::Secret::from_bytes(b"12345678901234567890").unwrap();
    let edits = [
        ("digits", serde_json::json!(8)),
        ("algorithm", serde_json::json!("Sha256")),
        ("period", serde_json::json!(60)),
        ("hotp_counter", serde_json::json!(0)),
    ];
    for (field, value) in edits {
        let verifier = common::memory(Config::new("Example"));
        verifier.import("alice", &secret, 0).unwrap();
        let record = verifier.store().device("alice").unwrap().unwrap();
        let mut json = serde_json::to_value(&record.value).unwrap();
        json[field] = value;
        let edited: twofold_verifier::Device = serde_json::from_value(json).unwrap();
        assert!(
            verifier
                .store()
                .replace_device("alice", Some(record.version), Some(edited))
                .unwrap()
        );
        // A code of the edited length: one of the old length is refused
        // before the key is needed.
        let code = if field == "digits" { "12345678" } else { "123456" };
        let refused = verifier.verify("alice", code, 3000);
        assert!(
            matches!(
                refused,
                Err(twofold_verifier::VerifyError::Store(
                    twofold_verifier::StoreError::Unseal
                ))
            ),
            "{field}: {refused:?}"
        );
    }
}

/// Device keys stay opened in memory between checks (`Config::key_cache`);
/// a record copied to another user must still not verify there, though
/// the same sealed bytes sit in the cache for their own user.
#[test]
fn a_record_copied_to_another_user_does_not_verify_even_with_its_key_cached() {
    let verifier = common::memory(Config::new("Example"));
    let secret = twofold_otp::Secret::from_bytes(b"12345678901234567890").unwrap();
    let generator = twofold_otp::Generator::new(&secret, twofold_otp::Algorithm::Sha1, 6).unwrap();
    let code = |step: u64| format!("{:06}", generator.number(step));
    verifier.import("alice", &secret, 0).unwrap();
    // Alice's check opens her key and keeps it.
    assert_eq!(verifier.verify("alice", &code(100), 3000).unwrap().step, 100);
    let record = verifier.store().device("alice").unwrap().unwrap().value;
    assert!(verifier.store().replace_device("mallory", None, Some(record)).unwrap());
    let refused = verifier.verify("mallory", &code(101), 3030);
    assert!(
        matches!(
            refused,
            Err(twofold_verifier::VerifyError::Store(
                twofold_verifier::StoreError::Unseal
            ))
        ),
        "{refused:?}"
    );
    // Alice's own next code still works, from the cache.
    assert_eq!(verifier.verify("alice", &code(101), 3030).unwrap().step, 101);
}
