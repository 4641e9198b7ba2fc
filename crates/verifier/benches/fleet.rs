//! What the replica wait costs: successful verifications per second and
//! their latency (median, p99) through a `RedisStore` on one redis-server,
//! a 3-primary Redis Cluster and a primary behind Sentinel (each replica
//! on the same machine, over loopback), with the wait for one replica on
//! and off; by 1 and by 8 client threads, each with its own connection and
//! its own user. Every call is the whole path: the record read, the code
//! checked, the compare-and-swap script, and (with the wait) `WAIT 1`.
//!
//! `cargo bench -p twofold-verifier --bench fleet` runs 3 s per row and
//! prints a table; without `--bench` (as `cargo test --all-targets` runs
//! it) each row runs 100 ms, to check that it works.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

#[path = "../tests/common/fleet.rs"]
#[allow(dead_code, unreachable_pub)]
mod fleet;

use std::time::{Duration, Instant};

use fleet::Fleet;

use twofold_verifier::{Config, RedisStore, ServerKey, Verifier};

const START: u64 = 1_700_000_000;

/// One row: `threads` clients verifying successive codes of their own
/// users for `budget`; returns (verifications per second, median, p99).
fn measure(url: &str, wait: bool, threads: usize, budget: Duration) -> (f64, Duration, Duration) {
    let key = ServerKey::from_bytes(&[7; 32]);
    let prefix = format!("bench{}:", fleet::rand_suffix());
    let started = Instant::now();
    let mut latencies: Vec<Duration> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (key, prefix) = (key.clone(), prefix.clone());
                scope.spawn(move || {
                    let builder = RedisStore::builder(url).unwrap().prefix(&prefix);
                    let builder = if wait { builder } else { builder.no_replica_wait() };
                    let verifier = Verifier::new(builder.build().unwrap(), key, Config::new("Bench")).unwrap();
                    let user = format!("user-{t}");
                    let enrollment = verifier.enroll(&user, "bench@example.com", START).unwrap();
                    let app: twofold_otp::Account = enrollment.uri().parse().unwrap();
                    verifier.confirm(&user, app.code_at(START).as_str(), START).unwrap();
                    let mut latencies = Vec::new();
                    let began = Instant::now();
                    for round in 1.. {
                        let now = START + 30 * round;
                        let code = app.code_at(now);
                        let call = Instant::now();
                        let accepted = verifier.verify(&user, code.as_str(), now).unwrap();
                        latencies.push(call.elapsed());
                        assert_eq!(accepted.step, now / 30);
                        if began.elapsed() >= budget {
                            break;
                        }
                    }
                    latencies
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    let elapsed = started.elapsed().min(budget + Duration::from_millis(50));
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1)];
    (latencies.len() as f64 / elapsed.as_secs_f64(), at(0.5), at(0.99))
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let budget = Duration::from_millis(if full { 3_000 } else { 100 });
    let alone = fleet::RedisAlone::start();
    let cluster = fleet::RedisCluster::start();
    let sentinel = fleet::RedisSentinel::start();
    let setups = [
        ("one redis-server", alone.url(), false),
        ("Cluster, no wait", cluster.url(), false),
        ("Cluster, WAIT 1", cluster.url(), true),
        ("Sentinel, no wait", sentinel.url(), false),
        ("Sentinel, WAIT 1", sentinel.url(), true),
    ];
    println!(
        "| store (loopback, replicas on this machine) | threads | verifications/s | vs one server | median | p99 |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for threads in [1, 8] {
        let mut single = None;
        for (name, url, wait) in &setups {
            let (rate, median, p99) = measure(url, *wait, threads, budget);
            let base = *single.get_or_insert(rate);
            println!(
                "| {name} | {threads} | {rate:.0} | {:.2}x | {} µs | {} µs |",
                rate / base,
                median.as_micros(),
                p99.as_micros()
            );
        }
    }
}
