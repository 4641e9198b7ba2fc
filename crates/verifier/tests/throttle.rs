//! Throttling and the lock: growing delays, the cap, a success resetting
//! the count, wrong confirmation and recovery codes counting too, and the
//! lock surviving a restart of the server process (state in a real Redis).
//! Each rule is checked on two verifiers ("servers") taking turns over one
//! store: in memory, and in a real Redis.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::process::Command;
use std::sync::Arc;

use twofold_verifier::{Config, EnrollError, MemoryStore, Store, Throttle, Verifier, VerifyError};

/// A code of the same length that is not the code of any step from 2
/// before `now` to 2 after (so never right within the window).
fn wrong_at(app: &twofold_otp::Account, now: u64) -> String {
    let taken: Vec<String> = (0..5)
        .map(|i| app.code_at(now + 30 * i - 60).as_str().to_owned())
        .collect();
    let mut candidate: u32 = taken[2].parse().unwrap();
    loop {
        candidate = (candidate + 1) % 1_000_000;
        let code = format!("{candidate:06}");
        if !taken.contains(&code) {
            return code;
        }
    }
}

/// The default configuration with a lock after `lock_after` failures, the
/// first `free_failures` of them without delay.
fn locking_at(lock_after: u32, free_failures: u32) -> Config {
    Config {
        throttle: Throttle {
            lock_after,
            free_failures,
            ..Throttle::default()
        },
        ..Config::new("Example")
    }
}

/// Two verifiers over one memory store.
fn memory_pair(config: Config) -> [Verifier<Arc<MemoryStore>>; 2] {
    let store = Arc::new(MemoryStore::new());
    [0, 1].map(|_| Verifier::new(Arc::clone(&store), common::key(), config.clone()).unwrap())
}

/// Two verifiers over one Redis (with their own connections).
fn redis_pair(
    redis: &common::RedisServer,
    prefix: &str,
    config: Config,
) -> [Verifier<twofold_verifier::RedisStore>; 2] {
    [0, 1].map(|_| redis.verifier(prefix, config.clone()))
}

/// Runs `rule` on a pair over memory and a pair over Redis.
macro_rules! on_both_stores {
    ($memory:ident, $redis:ident, $rule:ident, $config:expr) => {
        #[test]
        fn $memory() {
            $rule(&memory_pair($config));
        }

        #[test]
        fn $redis() {
            let redis = common::RedisServer::start();
            $rule(&redis_pair(&redis, concat!(stringify!($rule), ":"), $config));
        }
    };
}

on_both_stores!(
    delays_and_lock_memory,
    delays_and_lock_redis,
    delays_grow_then_the_cap_locks_until_an_admin_removes_the_device,
    Config::new("Example")
);
on_both_stores!(
    success_resets_memory,
    success_resets_redis,
    a_success_resets_the_count,
    locking_at(5, 3)
);
on_both_stores!(
    confirmation_counts_memory,
    confirmation_counts_redis,
    wrong_confirmation_codes_count_too,
    locking_at(2, 1)
);
on_both_stores!(
    recovery_memory,
    recovery_redis,
    recovery_codes_work_once_and_wrong_ones_count,
    locking_at(4, 3)
);

fn delays_grow_then_the_cap_locks_until_an_admin_removes_the_device<S: Store>(servers: &[Verifier<S>; 2]) {
    let mut now = 10_000;
    let app = common::enrolled(&servers[0], "u", now);
    let Throttle { lock_after, .. } = Throttle::default();
    for failure in 1..lock_after {
        now += 1_000;
        let right = app.code_at(now);
        // The servers take turns: the count is shared.
        let verifier = &servers[failure as usize % 2];
        let result = verifier.verify("u", &wrong_at(&app, now), now);
        assert!(
            matches!(result, Err(VerifyError::Wrong { attempts_left }) if attempts_left == lock_after - failure),
            "failure {failure}: {result:?}"
        );
        let delay = Throttle::default().delay(failure);
        if delay > 0 {
            // Right after the failure the whole delay is left to wait.
            let waiting = verifier.verify("u", right.as_str(), now);
            assert!(
                matches!(waiting, Err(VerifyError::Throttled { retry_after }) if retry_after == delay),
                "failure {failure}: {waiting:?}"
            );
            // Even the right code is not checked while the delay runs.
            assert!(
                matches!(
                    verifier.verify("u", right.as_str(), now + delay - 1),
                    Err(VerifyError::Throttled { retry_after: 1 })
                ),
                "failure {failure}"
            );
        }
    }
    now += 1_000;
    let right = app.code_at(now);
    let verifier = &servers[0];
    assert!(matches!(
        verifier.verify("u", &wrong_at(&app, now), now),
        Err(VerifyError::Locked)
    ));
    // Locked: the right code, later, and a new enrollment are all refused.
    for later in [now + 1, now + 86_400 * 365] {
        assert!(matches!(
            verifier.verify("u", app.code_at(later).as_str(), later),
            Err(VerifyError::Locked)
        ));
    }
    assert!(matches!(
        verifier.enroll("u", "u@example.com", now),
        Err(EnrollError::Locked)
    ));
    assert!(verifier.status("u").unwrap().locked);
    // The admin removes the device; the user enrolls a new one.
    assert!(verifier.remove_device("u").unwrap());
    assert!(matches!(
        verifier.verify("u", right.as_str(), now),
        Err(VerifyError::NotEnrolled)
    ));
    let new_app = common::enrolled(verifier, "u", now);
    assert_ne!(new_app.secret, app.secret);
}

fn a_success_resets_the_count<S: Store>(servers: &[Verifier<S>; 2]) {
    let mut now = 10_000;
    let app = common::enrolled(&servers[0], "u", now);
    for _ in 0..3 {
        // Three free failures, then the right code: never throttled, never
        // locked, though 9 failures in all would pass the lock at 5.
        for turn in 0..3u32 {
            now += 30;
            let result = servers[turn as usize % 2].verify("u", &wrong_at(&app, now), now);
            assert!(
                matches!(result, Err(VerifyError::Wrong { attempts_left }) if attempts_left == 4 - turn),
                "{result:?}"
            );
        }
        assert!(servers[1].verify("u", app.code_at(now).as_str(), now).is_ok());
    }
    assert!(!servers[0].status("u").unwrap().locked);
}

fn wrong_confirmation_codes_count_too<S: Store>(servers: &[Verifier<S>; 2]) {
    let verifier = &servers[0];
    let enrollment = verifier.enroll("u", "u@example.com", 100).unwrap();
    let app: twofold_otp::Account = enrollment.uri().parse().unwrap();
    let bad = wrong_at(&app, 100);
    assert!(matches!(
        verifier.confirm("u", &bad, 100),
        Err(VerifyError::Wrong { attempts_left: 1 })
    ));
    assert!(matches!(servers[1].confirm("u", &bad, 100), Err(VerifyError::Locked)));
    // A locked pending enrollment cannot be replaced to reset the count.
    assert!(matches!(
        verifier.enroll("u", "u@example.com", 100),
        Err(EnrollError::Locked)
    ));
    // Login before confirmation: not enrolled.
    assert!(verifier.remove_device("u").unwrap());
    let enrollment = verifier.enroll("u", "u@example.com", 100).unwrap();
    let app: twofold_otp::Account = enrollment.uri().parse().unwrap();
    assert!(matches!(
        verifier.verify("u", app.code_at(100).as_str(), 100),
        Err(VerifyError::NotEnrolled)
    ));
}

fn recovery_codes_work_once_and_wrong_ones_count<S: Store>(servers: &[Verifier<S>; 2]) {
    // Under a lock at 4 failures.
    let verifier = &servers[0];
    let enrollment = verifier.enroll("u", "u@example.com", 100).unwrap();
    let app: twofold_otp::Account = enrollment.uri().parse().unwrap();
    let confirmed = verifier.confirm("u", app.code_at(100).as_str(), 100).unwrap();
    assert_eq!(confirmed.recovery_codes.len(), 10);
    let first = confirmed.recovery_codes[0].to_uppercase();
    assert_eq!(verifier.verify_recovery_code("u", &first, 200).unwrap(), 9);
    // Used: wrong now, on either server; each wrong one counts.
    assert!(matches!(
        servers[1].verify_recovery_code("u", &first, 200),
        Err(VerifyError::Wrong { attempts_left: 3 })
    ));
    assert!(matches!(
        verifier.verify_recovery_code("u", "not a code", 200),
        Err(VerifyError::Wrong { attempts_left: 2 })
    ));
    // Another user's code is not this user's.
    let other = verifier.enroll("v", "v@example.com", 100).unwrap();
    let other_app: twofold_otp::Account = other.uri().parse().unwrap();
    let theirs = verifier.confirm("v", other_app.code_at(100).as_str(), 100).unwrap();
    assert!(matches!(
        verifier.verify_recovery_code("u", &theirs.recovery_codes[0], 200),
        Err(VerifyError::Wrong { attempts_left: 1 })
    ));
    // A right one resets the count.
    assert_eq!(
        verifier
            .verify_recovery_code("u", &confirmed.recovery_codes[9], 200)
            .unwrap(),
        8
    );
    assert_eq!(verifier.status("u").unwrap().recovery_codes_left, 8);
    // Wrong recovery codes alone lock the device, and then even a good one is refused.
    for left in (1..4).rev() {
        assert!(matches!(
            servers[left as usize % 2].verify_recovery_code("u", "0000000000", 200),
            Err(VerifyError::Wrong { attempts_left }) if attempts_left == left
        ));
    }
    assert!(matches!(
        verifier.verify_recovery_code("u", "0000000000", 200),
        Err(VerifyError::Locked)
    ));
    assert!(matches!(
        verifier.verify_recovery_code("u", &confirmed.recovery_codes[1], 200),
        Err(VerifyError::Locked)
    ));
}

/// The parent starts this same test binary as a child process, which locks
/// the device in Redis and exits; the parent (a "restarted server") finds
/// it locked. The child is the same test run with TWOFOLD_LOCK_CHILD set.
#[test]
fn the_lock_outlives_a_server_restart_redis() {
    let config = || locking_at(3, 2);
    if let Ok(url) = std::env::var("TWOFOLD_LOCK_CHILD") {
        let store = twofold_verifier::RedisStore::open(&url, "restart:").unwrap();
        let verifier = twofold_verifier::Verifier::new(store, common::key(), config()).unwrap();
        let app = common::enrolled(&verifier, "u", 5_000);
        std::fs::write(std::env::var("TWOFOLD_LOCK_APP").unwrap(), app.to_uri().as_bytes()).unwrap();
        for now in [5_030, 5_060, 5_090] {
            let _ = verifier.verify("u", &wrong_at(&app, now), now);
        }
        assert!(verifier.status("u").unwrap().locked);
        return;
    }
    let redis = common::RedisServer::start();
    let uri_file = std::env::temp_dir().join(format!("twofold-lock-{}.uri", std::process::id()));
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "the_lock_outlives_a_server_restart_redis",
            "--test-threads=1",
        ])
        .env("TWOFOLD_LOCK_CHILD", redis.url())
        .env("TWOFOLD_LOCK_APP", &uri_file)
        .output()
        .unwrap();
    assert!(
        child.status.success(),
        "child: {}",
        String::from_utf8_lossy(&child.stdout)
    );
    let app: twofold_otp::Account = std::fs::read_to_string(&uri_file).unwrap().parse().unwrap();
    let _ = std::fs::remove_file(&uri_file);
    // A new process, a new verifier: still locked, whatever the code or time.
    let verifier = redis.verifier("restart:", config());
    assert!(verifier.status("u").unwrap().locked);
    let later = 5_000 + 86_400;
    assert!(matches!(
        verifier.verify("u", app.code_at(later).as_str(), later),
        Err(VerifyError::Locked)
    ));
    assert!(verifier.remove_device("u").unwrap());
    assert!(!verifier.status("u").unwrap().locked);
}
