//! Helpers for the verifier's integration tests: the shared fixtures (the
//! otp tests' helpers), a real redis-server started per test binary, and
//! verifiers over either store.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable
)]

#[path = "../../../otp/tests/common/mod.rs"]
pub mod shared;

pub mod fleet;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use twofold_verifier::{Config, MemoryStore, RedisStore, ServerKey, Store, Verifier};

/// A fixed server key, so that several verifiers (and processes) share it.
pub fn key() -> ServerKey {
    ServerKey::from_bytes(&[0x5a; 32])
}

/// A verifier with `config` over a fresh memory store.
pub fn memory(config: Config) -> Verifier<MemoryStore> {
    Verifier::new(MemoryStore::new(), key(), config).unwrap()
}

/// A redis-server of this machine, on a Unix socket in a temporary folder,
/// with persistence off; killed when dropped. The test fails, not skips,
/// when Redis is not installed.
pub struct RedisServer {
    child: Child,
    dir: PathBuf,
}

impl RedisServer {
    /// Starts one and waits until it answers.
    pub fn start() -> Self {
        let dir = fleet::scratch("redis");
        let socket = dir.join("redis.sock");
        let child = Command::new("redis-server")
            .args([
                "--port",
                "0",
                "--save",
                "",
                "--appendonly",
                "no",
                "--unixsocketperm",
                "700",
            ])
            .arg("--unixsocket")
            .arg(&socket)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start redis-server ({e}); install it with: apt-get install redis-server")
            });
        let server = Self { child, dir };
        fleet::until(Duration::from_secs(20), "redis-server to start", || {
            socket.exists() && RedisStore::open(&server.url(), "probe:").is_ok()
        });
        server
    }

    /// The URL of its socket.
    pub fn url(&self) -> String {
        format!("redis+unix://{}", self.dir.join("redis.sock").display())
    }

    /// A verifier over this Redis, keys under `prefix` (one per test).
    pub fn verifier(&self, prefix: &str, config: Config) -> Verifier<RedisStore> {
        verifier_at(&self.url(), prefix, config)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A verifier over the Redis at `url` (any deployment, its default
/// replica wait), keys under `prefix`.
pub fn verifier_at(url: &str, prefix: &str, config: Config) -> Verifier<RedisStore> {
    Verifier::new(RedisStore::open(url, prefix).unwrap(), key(), config).unwrap()
}

/// Enrolls and confirms `user` at `now`, returning the app's view of the
/// account (what scanning the QR code gives).
pub fn enrolled<S: Store>(verifier: &Verifier<S>, user: &str, now: u64) -> twofold_otp::Account {
    let enrollment = verifier.enroll(user, &format!("{user}@example.com"), now).unwrap();
    let app: twofold_otp::Account = enrollment.uri().parse().unwrap();
    verifier.confirm(user, app.code_at(now).as_str(), now).unwrap();
    app
}
