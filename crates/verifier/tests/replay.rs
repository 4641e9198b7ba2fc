//! One-time use under concurrency: the same valid code submitted by two
//! threads at the same instant, 1,000 rounds, exactly one acceptance each;
//! through the memory store, and through a real Redis shared by two
//! verifier instances (two "servers"): one redis-server, a Cluster, and a
//! primary behind Sentinel.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::fleet::{Fleet, RedisCluster, RedisSentinel};

use std::sync::{Arc, Barrier};

use twofold_verifier::{Config, Store, Verifier, VerifyError};

const ROUNDS: u64 = 1_000;

/// One server's verification of a code, as a thread runs it.
type Attempt = Box<dyn Fn(&str) -> Result<u64, VerifyError> + Send>;

/// Runs the rounds: in each, the code of a new step, submitted by two
/// threads released together, one through each verifier.
fn race<A: Store + 'static, B: Store + 'static>(first: Arc<Verifier<A>>, second: Arc<Verifier<B>>) {
    let start = 1_700_000_000;
    let app = common::enrolled(&*first, "racer", start);
    let barrier = Arc::new(Barrier::new(2));
    for round in 1..=ROUNDS {
        let now = start + 30 * round;
        let code = app.code_at(now).as_str().to_owned();
        let spawn = |verify: Attempt| {
            let (barrier, code) = (Arc::clone(&barrier), code.clone());
            std::thread::spawn(move || {
                barrier.wait();
                verify(&code)
            })
        };
        let (a, b) = (Arc::clone(&first), Arc::clone(&second));
        let one = spawn(Box::new(move |code| a.verify("racer", code, now).map(|x| x.step)));
        let two = spawn(Box::new(move |code| b.verify("racer", code, now).map(|x| x.step)));
        let results = [one.join().unwrap(), two.join().unwrap()];
        let accepted: Vec<u64> = results.iter().filter_map(|r| r.as_ref().ok().copied()).collect();
        assert_eq!(accepted, [now / 30], "round {round}: {results:?}");
        assert!(
            results.iter().any(|r| matches!(r, Err(VerifyError::Replayed { .. }))),
            "round {round}: the loser must see a replay: {results:?}"
        );
    }
    // The replays were failures, but every success reset the count.
    let status = first.status("racer").unwrap();
    assert!(!status.locked);
}

#[test]
fn a_code_raced_by_two_threads_is_accepted_once_memory() {
    let verifier = Arc::new(common::memory(Config::new("Example")));
    race(Arc::clone(&verifier), verifier);
}

#[test]
fn a_code_raced_by_two_servers_is_accepted_once_redis() {
    let redis = common::RedisServer::start();
    let one = Arc::new(redis.verifier("replay:", Config::new("Example")));
    let two = Arc::new(redis.verifier("replay:", Config::new("Example")));
    race(one, two);
}

/// The race between two servers, each with its own store over `fleet`.
fn race_over(fleet: &impl Fleet) {
    let server = || Arc::new(common::verifier_at(&fleet.url(), "replay:", Config::new("Example")));
    race(server(), server());
}

/// Two servers over a 3-primary Redis Cluster, each with its own
/// connection to every node, waiting for a replica after each write.
#[test]
fn a_code_raced_by_two_servers_is_accepted_once_cluster() {
    race_over(&RedisCluster::start());
}

/// The same behind Sentinel: both servers on the primary it names.
#[test]
fn a_code_raced_by_two_servers_is_accepted_once_sentinel() {
    race_over(&RedisSentinel::start());
}

#[test]
fn a_used_code_is_refused_on_the_other_server_too() {
    let redis = common::RedisServer::start();
    let one = redis.verifier("used:", Config::new("Example"));
    let two = redis.verifier("used:", Config::new("Example"));
    let app = common::enrolled(&one, "alice", 1_000_000);
    // The confirming code's step is used up.
    let code = app.code_at(1_000_000);
    assert!(matches!(
        two.verify("alice", code.as_str(), 1_000_000),
        Err(VerifyError::Replayed { .. })
    ));
    let next = app.code_at(1_000_030);
    assert_eq!(
        two.verify("alice", next.as_str(), 1_000_030).unwrap().step,
        1_000_030 / 30
    );
    assert!(matches!(
        one.verify("alice", next.as_str(), 1_000_031),
        Err(VerifyError::Replayed { .. })
    ));
    // A step never used, but before the last one used, is refused as a
    // replay: step T+2 is used first, then T+1's code (in the window) comes.
    let t = 1_000_200;
    assert!(one.verify("alice", app.code_at(t + 60).as_str(), t + 30).is_ok());
    assert!(matches!(
        two.verify("alice", app.code_at(t + 30).as_str(), t + 30),
        Err(VerifyError::Replayed { .. })
    ));
}
