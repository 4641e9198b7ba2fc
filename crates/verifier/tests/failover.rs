//! "A code is accepted once" through a failover, on a real Redis Cluster
//! and a real primary behind Sentinel: the primary holding a user's keys is
//! SIGKILLed while two servers verify that user's codes (and, on the
//! Cluster, other users' on the other primaries); a replica takes over.
//!
//! Every round ends only when a server answers "already used" for the
//! round's code, so a use that a failover lost would show as a second
//! acceptance of the same (user, step). A second pair of tests stops the
//! replica before the kill, so that it surely misses a write: with the
//! replica wait the write fails and the code is accepted once; without it
//! the code is accepted twice, which is why the wait is on by default.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic, clippy::print_stderr)]

mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use common::fleet::{Fleet, RedisCluster, RedisSentinel};
use twofold_otp::Account;
use twofold_verifier::{Config, RedisStore, Verifier, VerifyError};

const START: u64 = 1_700_000_000;
const PREFIX: &str = "failover:";

/// Where `user`'s record lives.
fn device_key(user: &str) -> String {
    format!("{PREFIX}{{{user}}}:device")
}

/// Replays count as failures; these tests are about replays, not locks.
fn config() -> Config {
    let mut config = Config::new("Example");
    config.throttle.free_failures = 99;
    config.throttle.lock_after = 100;
    config
}

fn server(url: &str, wait: bool) -> Verifier<RedisStore> {
    let builder = RedisStore::builder(url).unwrap().prefix(PREFIX);
    let builder = if wait { builder } else { builder.no_replica_wait() };
    Verifier::new(builder.build().unwrap(), common::key(), config()).unwrap()
}

#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Accepted,
    Replayed,
    /// A store error, by its Debug form, and whether it says "try again".
    Store(String, bool),
    Other(String),
}

#[derive(Clone, Debug)]
struct Attempt {
    user: String,
    step: u64,
    at: Instant,
    outcome: Outcome,
}

fn attempt(server: &Verifier<RedisStore>, user: &str, code: &str, now: u64) -> Attempt {
    let outcome = match server.verify(user, code, now) {
        Ok(accepted) => {
            assert_eq!(accepted.step, now / 30);
            Outcome::Accepted
        }
        Err(VerifyError::Replayed { .. }) => Outcome::Replayed,
        Err(VerifyError::Store(error)) => Outcome::Store(format!("{error:?}"), error.retry_later()),
        Err(other) => Outcome::Other(format!("{other:?}")),
    };
    Attempt {
        user: user.to_owned(),
        step: now / 30,
        at: Instant::now(),
        outcome,
    }
}

/// One user's rounds until `stop`: each round's code goes to both servers
/// at once, then to each in turn (after a store error, 20 ms later) until
/// one answers "already used".
fn drive(url: &str, user: &str, app: &Account, stop: &AtomicBool, log: &Mutex<Vec<Attempt>>) {
    let servers = [server(url, true), server(url, true)];
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut round = 0;
    while !stop.load(Ordering::SeqCst) {
        round += 1;
        let now = START + 30 * round;
        let code = app.code_at(now);
        let barrier = Barrier::new(2);
        let first: Vec<Attempt> = std::thread::scope(|scope| {
            let racers = servers.each_ref().map(|server| {
                let (barrier, code) = (&barrier, code.as_str());
                scope.spawn(move || {
                    barrier.wait();
                    attempt(server, user, code, now)
                })
            });
            racers.map(|racer| racer.join().unwrap()).to_vec()
        });
        let mut settled = first.iter().any(|a| a.outcome == Outcome::Replayed);
        log.lock().unwrap().extend(first);
        let mut turn = 0;
        while !settled {
            assert!(
                Instant::now() < deadline,
                "{user}'s round {round} never settled; last: {:?}",
                log.lock().unwrap().last()
            );
            let next = attempt(&servers[turn % 2], user, code.as_str(), now);
            turn += 1;
            settled = next.outcome == Outcome::Replayed;
            if matches!(next.outcome, Outcome::Store(..)) {
                std::thread::sleep(Duration::from_millis(20));
            }
            log.lock().unwrap().push(next);
        }
    }
}

/// Drives `users` (the first is the victim), kills the victim's primary
/// one second in, adds a replica to the replica that took over, and goes on
/// until a second after the victim's first acceptance after that. Returns the log, the kill's and the
/// takeover's instants.
fn run<F: Fleet>(fleet: &mut F, users: &[String]) -> (Vec<Attempt>, Instant, Instant) {
    let url = fleet.url();
    let enrolling = server(&url, true);
    let apps: Vec<Account> = users.iter().map(|u| common::enrolled(&enrolling, u, START)).collect();
    let victim_primary = fleet.primary_for(&device_key(&users[0]));
    let victim_replica = fleet.replica_of(victim_primary);
    let (stop, log) = (AtomicBool::new(false), Mutex::new(Vec::new()));
    let (killed, taken_over) = std::thread::scope(|scope| {
        for (user, app) in users.iter().zip(&apps) {
            let (url, stop, log) = (&url, &stop, &log);
            scope.spawn(move || drive(url, user, app, stop, log));
        }
        // A failed check below must stop the drivers, or the scope waits
        // for them for ever.
        let _stop = StopOnDrop(&stop);
        std::thread::sleep(Duration::from_secs(1));
        let killed = Instant::now();
        fleet.kill(victim_primary);
        fleet.wait_taken_over(victim_primary);
        let taken_over = Instant::now();
        // The promoted replica has no replica of its own until one is
        // added (as an operator replaces the dead node), and the wait
        // refuses writes until then.
        fleet.add_replica(victim_replica);
        common::fleet::until(
            Duration::from_secs(30),
            "the victim's first code after the takeover",
            || {
                log.lock()
                    .unwrap()
                    .iter()
                    .any(|a| a.user == users[0] && a.outcome == Outcome::Accepted && a.at > taken_over)
            },
        );
        std::thread::sleep(Duration::from_secs(1));
        stop.store(true, Ordering::SeqCst);
        (killed, taken_over)
    });
    (log.into_inner().unwrap(), killed, taken_over)
}

/// Sets the flag when dropped, a panic's unwinding included.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// The checks every failover run must pass; prints what happened.
fn check(log: &[Attempt], victim: &str, killed: Instant, taken_over: Instant) {
    let mut accepted: HashMap<(&str, u64), usize> = HashMap::new();
    for a in log {
        match &a.outcome {
            Outcome::Accepted => *accepted.entry((&a.user, a.step)).or_default() += 1,
            Outcome::Replayed => {}
            Outcome::Store(error, retry_later) => {
                assert_eq!(a.user, victim, "a user on another primary failed: {error}");
                assert!(a.at > killed, "a store error before the kill: {error}");
                assert!(retry_later, "a store error that is not 'try again': {error}");
            }
            Outcome::Other(error) => panic!("{} step {}: {error}", a.user, a.step),
        }
    }
    // Each round ended on "already used" (the drivers see to it), so a
    // use lost in the failover shows here as a second acceptance.
    let twice: Vec<_> = accepted.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "codes accepted more than once: {twice:?}");

    let victims: Vec<&Attempt> = log.iter().filter(|a| a.user == victim).collect();
    let errors: Vec<&&Attempt> = victims
        .iter()
        .filter(|a| matches!(a.outcome, Outcome::Store(..)))
        .collect();
    assert!(!errors.is_empty(), "the kill never reached the victim's verifications");
    assert!(
        victims
            .iter()
            .any(|a| a.outcome == Outcome::Accepted && a.at > taken_over),
        "the victim's codes were not accepted after the takeover"
    );
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for error in &errors {
        if let Outcome::Store(text, _) = &error.outcome {
            let kind = text.split(['(', ' ', '{']).next().unwrap_or_default().to_owned();
            *kinds.entry(kind).or_default() += 1;
        }
    }
    let first = errors.first().map_or(Duration::ZERO, |e| e.at - killed);
    let last = errors.last().map_or(Duration::ZERO, |e| e.at - killed);
    let users: BTreeMap<&str, (usize, usize)> = log.iter().fold(BTreeMap::new(), |mut m, a| {
        let entry = m.entry(a.user.as_str()).or_insert((0, 0));
        entry.0 += usize::from(a.outcome == Outcome::Accepted);
        entry.1 += usize::from(a.outcome == Outcome::Accepted && a.at > killed && a.at < taken_over);
        m
    });
    eprintln!(
        "takeover {:.1} s after the kill; the victim's store errors from {:.2} s to {:.2} s: {kinds:?}; \
         codes accepted per user (all, between kill and takeover): {users:?}; none twice in {} attempts",
        (taken_over - killed).as_secs_f64(),
        first.as_secs_f64(),
        last.as_secs_f64(),
        log.len()
    );
    for (user, (_, during)) in &users {
        if *user != victim {
            assert!(*during > 0, "{user}, on another primary, stopped during the failover");
        }
    }
}

#[test]
fn no_code_is_accepted_twice_across_a_cluster_failover() {
    let mut cluster = RedisCluster::start();
    let per_primary = cluster.user_per_primary("user", PREFIX);
    let victim_primary = cluster.primaries()[0];
    let mut users = vec![per_primary[&victim_primary].clone()];
    users.extend(
        per_primary
            .iter()
            .filter(|(p, _)| **p != victim_primary)
            .map(|(_, u)| u.clone()),
    );
    let (log, killed, taken_over) = run(&mut cluster, &users);
    check(&log, &users[0], killed, taken_over);
}

#[test]
fn no_code_is_accepted_twice_across_a_sentinel_failover() {
    let mut fleet = RedisSentinel::start();
    let (log, killed, taken_over) = run(&mut fleet, &["victim".to_owned()]);
    check(&log, "victim", killed, taken_over);
}

/// Makes `user`'s replica miss a write: stops the replica (SIGSTOP), cuts
/// its link on the primary (`CLIENT KILL TYPE replica`), verifies a code,
/// kills the primary, wakes the replica and waits for its takeover,
/// gives the new primary a replica, then sends
/// the same code again (after store errors, every 50 ms). Returns both
/// answers. (Stopping alone is not enough: the replica would find the
/// write waiting in its socket when woken.)
fn lagging_replica<F: Fleet>(fleet: &mut F, user: &str, wait: bool) -> [Result<u64, String>; 2] {
    let url = fleet.url();
    let before = server(&url, wait);
    let app = common::enrolled(&before, user, START);
    let now = START + 60;
    assert!(
        before
            .verify(user, app.code_at(START + 30).as_str(), START + 30)
            .is_ok()
    );
    let primary = fleet.primary_for(&device_key(user));
    let replica = fleet.replica_of(primary);
    let code = app.code_at(now);
    fleet.signal(replica, "-STOP");
    assert_eq!(
        common::fleet::cli(primary, &["CLIENT", "KILL", "TYPE", "replica"]).trim(),
        "1"
    );
    let first = before.verify(user, code.as_str(), now);
    fleet.kill(primary);
    fleet.signal(replica, "-CONT");
    fleet.wait_taken_over(primary);
    fleet.add_replica(replica);
    let after = server(&url, wait);
    let deadline = Instant::now() + Duration::from_secs(30);
    let second = loop {
        match after.verify(user, code.as_str(), now) {
            Err(VerifyError::Store(error)) if Instant::now() < deadline => {
                assert!(error.retry_later(), "{error}");
                std::thread::sleep(Duration::from_millis(50));
            }
            other => break other,
        }
    };
    if second.is_ok() {
        assert!(matches!(
            after.verify(user, code.as_str(), now),
            Err(VerifyError::Replayed { .. })
        ));
    }
    [first, second].map(|r| r.map(|a| a.step).map_err(|e| format!("{e:?}")))
}

fn waits_or_not<F: Fleet>(start: impl Fn() -> F) {
    // With the wait: the write the replica missed is refused, so the code
    // is accepted once, after the takeover; and only once.
    let mut fleet = start();
    let [first, second] = lagging_replica(&mut fleet, "lag", true);
    assert_eq!(
        first,
        Err("Store(NotEnoughReplicas { acknowledged: 0, required: 1 })".to_owned())
    );
    assert_eq!(second, Ok((START + 60) / 30));
    drop(fleet);
    // Without it: the code is accepted before the kill and again after.
    let mut fleet = start();
    let [first, second] = lagging_replica(&mut fleet, "lag", false);
    assert_eq!(first, Ok((START + 60) / 30));
    assert_eq!(
        second,
        Ok((START + 60) / 30),
        "without the wait, the lost use lets the code in again"
    );
}

#[test]
fn a_write_the_replica_missed_is_refused_with_the_wait_and_accepted_twice_without_cluster() {
    waits_or_not(RedisCluster::start);
}

#[test]
fn a_write_the_replica_missed_is_refused_with_the_wait_and_accepted_twice_without_sentinel() {
    waits_or_not(RedisSentinel::start);
}
