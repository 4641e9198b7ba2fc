//! Verifications per second on one core: SHA-1, 6 digits, a window of one
//! step each way, a wrong code (the attacker's case, and the slowest: every
//! step of the window is computed). Prints one line per verifier, tab
//! separated: name, verifications per second. `scripts/bench-verify.sh`
//! runs this beside pyotp and prints the table.
//!
//! - `twofold-verifier verify`: the whole path: the record read from the
//!   memory store, the device's key taken from the key cache or opened
//!   (AES-256-GCM), the window checked in constant time, the failure
//!   counted and written back; over 1,000 users (their keys cached after
//!   the first check) and 100,000 users (each checked once per import, so
//!   every key is opened: the cache's cost when it never helps), each with
//!   the key cache on (`Config::key_cache`, default) and off.
//! - `twofold-otp window check`: the comparison alone (a keyed HMAC, three
//!   steps computed side by side by `Generator::numbers`, as the verifier
//!   does), what pyotp's and totp-rs's calls do.
//! - `totp-rs check`: `Totp::check(token, time)` with skew 1.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use twofold_otp::{Algorithm, Generator, Secret};
use twofold_verifier::{Config, MemoryStore, ServerKey, Verifier};

const SECRET: &[u8; 20] = b"12345678901234567890";
const NOW: u64 = 1_700_000_000;
/// A code that is not any of the window's (checked below).
const WRONG: &str = "000000";

/// Runs `f` for about `budget`, in batches; returns calls per second.
fn rate(budget: Duration, mut f: impl FnMut(u64)) -> f64 {
    let (started, mut calls) = (Instant::now(), 0u64);
    while started.elapsed() < budget {
        for _ in 0..1_000 {
            f(calls);
            calls += 1;
        }
    }
    calls as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let budget = Duration::from_secs(3);
    let secret = Secret::from_bytes(SECRET).unwrap();
    let generator = Generator::new(&secret, Algorithm::Sha1, 6).unwrap();
    let step = NOW / 30;
    assert!(
        (step - 1..=step + 1).all(|s| generator.number(s) != 0),
        "the wrong code must be wrong"
    );

    // The whole verifier, over a company's users (1,000: a warm cache) and
    // a big site's (100,000: each record a cache miss away). Every user
    // takes 50 wrong codes a round (the throttle allows them without
    // delays, below the lock at 100), then, untimed, the devices are
    // imported afresh; so every timed call does the full work.
    let mut config = Config::new("Bench");
    config.throttle.free_failures = 99;
    config.throttle.lock_after = 100;
    for (users, key_cache) in [
        (1_000usize, config.key_cache),
        (1_000, 0),
        (100_000, config.key_cache),
        (100_000, 0),
    ] {
        let config = Config {
            key_cache,
            ..config.clone()
        };
        let verifier = Verifier::new(MemoryStore::new(), ServerKey::from_bytes(&[1; 32]), config).unwrap();
        let names: Vec<String> = (0..users).map(|i| format!("user-{i}")).collect();
        let (mut timed, mut calls) = (Duration::ZERO, 0u64);
        while timed < budget {
            for name in &names {
                verifier.remove_device(name).unwrap();
                verifier.import(name, &secret, 0).unwrap();
            }
            let rounds = if users > 10_000 { 1 } else { 50 };
            let started = Instant::now();
            for _ in 0..rounds {
                for name in &names {
                    black_box(verifier.verify(name, black_box(WRONG), NOW).unwrap_err());
                }
            }
            timed += started.elapsed();
            calls += (rounds * users) as u64;
            let status = verifier.status(&names[0]).unwrap();
            assert!(
                !status.locked && status.enrolled_since.is_some(),
                "the bench must not reach the lock"
            );
        }
        let verify = calls as f64 / timed.as_secs_f64();
        let keys = if key_cache == 0 { "no key cache" } else { "key cache" };
        println!("twofold-verifier verify (memory store, {users} users, {keys})\t{verify:.0}");
    }

    // The comparison alone.
    let check = rate(budget, |_| {
        let submitted: u32 = black_box(WRONG).parse().unwrap();
        let hit = generator
            .numbers(step - 1, step + 1)
            .fold(0u8, |any, (_, number)| any | u8::from(number == submitted));
        black_box(hit);
    });
    println!("twofold-otp window check\t{check:.0}");

    // totp-rs.
    let totp = totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(SECRET.to_vec())
        .build()
        .unwrap();
    assert_eq!(totp.check(WRONG, NOW), None);
    let peer = rate(budget, |_| {
        black_box(totp.check(black_box(WRONG), NOW));
    });
    println!("totp-rs check\t{peer:.0}");
}
