//! The compare-and-swap every store must provide, checked on both: a write
//! naming a stale version is refused, "no record" is a version of its own,
//! a delete is a write, and versions never repeat, even after a delete and
//! a new record.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::fleet::{Fleet, RedisCluster, RedisSentinel};

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

#[test]
fn compare_and_swap_cluster() {
    let cluster = RedisCluster::start();
    let store = twofold_verifier::RedisStore::open(&cluster.url(), "cas:").unwrap();
    compare_and_swap(&store);
    // Both keys sit in the slot Redis gives the user's hash tag, on the
    // primary serving it (the script would fail with CROSSSLOT otherwise).
    let primary = cluster.primary_of("cas:{u}:device");
    assert_eq!(cluster.slot_of("cas:{u}:device"), cluster.slot_of("cas:{u}:version"));
    let keys = common::fleet::cli(primary, &["KEYS", "cas:*"]);
    let mut keys: Vec<&str> = keys.lines().collect();
    keys.sort_unstable();
    assert_eq!(keys, ["cas:{u}:device", "cas:{u}:version"]);
    for other in cluster.primaries().into_iter().filter(|&p| p != primary) {
        assert_eq!(common::fleet::cli(other, &["DBSIZE"]).trim(), "0");
    }
}

#[test]
fn compare_and_swap_sentinel() {
    let fleet = RedisSentinel::start();
    let store = twofold_verifier::RedisStore::open(&fleet.url(), "cas:").unwrap();
    compare_and_swap(&store);
    // The writes went to the primary, and (the store waited for it) its
    // replica has them.
    let keys = common::fleet::cli(fleet.data[1], &["KEYS", "cas:*"]);
    let mut keys: Vec<&str> = keys.lines().collect();
    keys.sort_unstable();
    assert_eq!(keys, ["cas:{u}:device", "cas:{u}:version"]);
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

/// Each way Redis can fail reaches the caller as its own error, and each
/// says whether to try again: a server that does not answer in time, a
/// write no replica confirmed, a server gone.
#[test]
fn store_errors_are_typed() {
    use std::time::Duration;
    use twofold_verifier::{RedisStore, ReplicaWait, StoreError, Verifier, VerifyError};

    let redis = common::RedisServer::start();
    let socket = redis.url().trim_start_matches("redis+unix://").to_owned();
    let store = |wait: bool| {
        let builder = RedisStore::builder(&redis.url())
            .unwrap()
            .prefix("typed:")
            .timeout(Duration::from_millis(300));
        let builder = if wait {
            builder.wait_for_replicas(ReplicaWait {
                replicas: 1,
                timeout: Duration::from_millis(100),
            })
        } else {
            builder
        };
        Verifier::new(builder.build().unwrap(), common::key(), Config::new("Example")).unwrap()
    };
    let (plain, waiting) = (store(false), store(true));
    let app = common::enrolled(&plain, "alice", 1_000_000);

    // A lone server has no replica to confirm the write: the code is not
    // accepted, and its step is spent all the same (the write reached the
    // server), so it is not accepted later either.
    let code = app.code_at(1_000_030);
    match waiting.verify("alice", code.as_str(), 1_000_030) {
        Err(VerifyError::Store(
            error @ StoreError::NotEnoughReplicas {
                acknowledged: 0,
                required: 1,
            },
        )) => {
            assert!(error.retry_later());
            assert!(error.to_string().contains("try again"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        plain.verify("alice", code.as_str(), 1_000_030),
        Err(VerifyError::Replayed { .. })
    ));

    // A server that stops answering: a timeout, then, once it answers
    // again, the next call goes through on a new connection.
    let paused = std::process::Command::new("redis-cli")
        .args(["-s", &socket, "CLIENT", "PAUSE", "1000", "ALL"])
        .output()
        .unwrap();
    assert!(paused.status.success());
    match plain.status("alice") {
        Err(error @ StoreError::Timeout(_)) => assert!(error.retry_later()),
        other => panic!("{other:?}"),
    }
    std::thread::sleep(Duration::from_millis(1_000));
    assert!(plain.status("alice").unwrap().enrolled_since.is_some());

    // A server gone: unreachable, on the open connection and on a new one.
    drop(redis);
    for _ in 0..2 {
        match plain.status("alice") {
            Err(error @ StoreError::Unreachable(_)) => assert!(error.retry_later()),
            other => panic!("{other:?}"),
        }
    }
    assert!(!StoreError::Corrupt("x".into()).retry_later());
    assert!(!StoreError::Backend("x".into()).retry_later());
}

/// A Cluster moving a user's slot to another primary while a store holds
/// the old slot map: during the move the old primary answers `ASK` for the
/// moved keys, after it `MOVED`; the store follows both, and the record
/// written during the move is the one found after it.
#[test]
fn a_cluster_store_follows_its_users_slot_to_another_primary() {
    use common::fleet::cli;

    let cluster = RedisCluster::start();
    let verifier = common::verifier_at(&cluster.url(), "move:", Config::new("Example"));
    let start = 1_700_000_000;
    let app = common::enrolled(&verifier, "mover", start);
    let (device, version) = ("move:{mover}:device", "move:{mover}:version");
    let from = cluster.primary_of(device);
    let to = cluster.primaries().into_iter().find(|&p| p != from).unwrap();
    let slot = cluster.slot_of(device).to_string();
    let id = |port: u16| cli(port, &["CLUSTER", "MYID"]).trim().to_owned();
    let ok = |port: u16, args: &[&str]| assert_eq!(cli(port, args).trim(), "OK", "{port} {args:?}");

    ok(to, &["CLUSTER", "SETSLOT", &slot, "IMPORTING", &id(from)]);
    ok(from, &["CLUSTER", "SETSLOT", &slot, "MIGRATING", &id(to)]);
    let port = to.to_string();
    ok(
        from,
        &["MIGRATE", "127.0.0.1", &port, "", "0", "5000", "KEYS", device, version],
    );
    // The keys are gone from the old primary, which still owns the slot
    // and sends their askers on.
    assert!(cli(from, &["EXISTS", device]).starts_with(&format!("ASK {slot} ")));
    let code = |t: u64| app.code_at(t).as_str().to_owned();
    assert_eq!(
        verifier.verify("mover", &code(start + 30), start + 30).unwrap().step,
        (start + 30) / 30
    );

    for port in cluster.primaries() {
        ok(port, &["CLUSTER", "SETSLOT", &slot, "NODE", &id(to)]);
    }
    assert_eq!(cluster.primary_of(device), to);
    // The use written during the move is there after it.
    assert!(matches!(
        verifier.verify("mover", &code(start + 30), start + 30),
        Err(twofold_verifier::VerifyError::Replayed { .. })
    ));
    assert_eq!(
        verifier.verify("mover", &code(start + 60), start + 60).unwrap().step,
        (start + 60) / 30
    );
    assert_eq!(cli(to, &["EXISTS", device, version]).trim(), "2");
}

/// Settings that no retry cures are refused as such (`retry_later` false),
/// each saying what to change: a wrong password, a Cluster node opened as
/// one server, one server opened as a Cluster, a Sentinel service name
/// that no Sentinel watches.
#[test]
fn wrong_settings_say_so_and_are_not_retried() {
    use twofold_verifier::{RedisStore, StoreError};

    let refusal = |url: &str| -> StoreError {
        let store = RedisStore::open(url, "wrong:");
        let error = match store {
            Err(error) => error,
            Ok(store) => store.device("u").unwrap_err(),
        };
        assert!(!error.retry_later(), "{url}: {error}");
        error
    };
    let alone = common::fleet::RedisAlone::start();
    let with_password = alone.url().replace("redis://", "redis://:not-the-password@");
    let error = refusal(&with_password);
    assert!(!error.to_string().contains("not-the-password"), "{error}");
    let error = refusal(&alone.url().replace("redis://", "redis+cluster://"));
    assert!(error.to_string().contains("is not a Redis Cluster node"), "{error}");

    let cluster = RedisCluster::start();
    let one_node = cluster.url().replace("redis+cluster://", "redis://");
    let one_node = one_node.split(',').next().unwrap().to_owned();
    // Some key of the test lives on another node than the one named.
    let error = (0..20)
        .map(|n| RedisStore::open(&one_node, "wrong:").unwrap().device(&format!("u{n}")))
        .find_map(Result::err)
        .unwrap();
    assert!(!error.retry_later());
    assert!(error.to_string().contains("redis+cluster://"), "{error}");

    let sentinel = RedisSentinel::start();
    let error = refusal(
        &sentinel
            .url()
            .replace(&format!("/{}", common::fleet::SERVICE), "/no-such-service"),
    );
    assert!(error.to_string().contains("no-such-service"), "{error}");
}
