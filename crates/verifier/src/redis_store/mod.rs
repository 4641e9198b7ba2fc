//! A [`Store`] in Redis, for a fleet of servers sharing one state (the
//! `redis` feature): one Redis server, a Redis Cluster, or a primary with
//! replicas behind Sentinel.
//!
//! Each device is a hash of two fields, its version and its record as JSON;
//! a write is one Lua script, which Redis runs atomically: it compares the
//! version, takes a fresh one from the user's counter, which never goes
//! back (so a deleted and re-created record never repeats a version), and
//! writes. A user's two keys share a hash tag (`{user}`), so they live in
//! one slot of a Redis Cluster and the script runs the same there.
//!
//! Redis copies writes to replicas after answering, so a primary that dies
//! right after accepting a code can take the code's use with it, and the
//! promoted replica would accept the code again. With the replica wait on
//! (the default for Cluster and Sentinel), every write is followed by
//! `WAIT` on the same connection, and a write that too few replicas
//! confirmed fails with [`StoreError::NotEnoughReplicas`] instead of
//! being reported as done.

mod link;
mod target;

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use redis::Script;

use crate::error::StoreError;
use crate::store::{Device, Mode, Store, Versioned};

pub use target::{RedisBuilder, ReplicaWait};

use link::{Link, LinkError, Write, Written};
use target::Target;

/// The compare-and-swap: KEYS = device, version counter; ARGV = expected
/// version ("" for none), the record as JSON ("" to delete).
const REPLACE: &str = r"
local current = redis.call('HGET', KEYS[1], 'v')
if ARGV[1] == '' then
  if current then return 0 end
elseif current ~= ARGV[1] then
  return 0
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  return 1
end
local version = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'v', version, 'r', ARGV[2])
return 1
";

/// A store in Redis. Holds one connection (to a node, to the primary that
/// Sentinel names, or to every node of a Cluster), opened again after any
/// error; calls on one store take turns on it, so a server with many
/// threads opens several stores, or one per worker.
pub struct RedisStore {
    target: Target,
    link: Mutex<Option<Link>>,
    prefix: String,
    wait: Option<ReplicaWait>,
    replace: Script,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to Redis at `url`, keeping keys under `prefix` (`twofold:`,
    /// say). The URL names the deployment (see [`RedisStore::builder`]):
    /// `redis://host:port/db` or `redis+unix:///path/to/socket` for one
    /// server, `redis+cluster://host:port,host:port` for a Cluster,
    /// `redis+sentinel://host:port,host:port/service` for Sentinel.
    pub fn open(url: &str, prefix: &str) -> Result<Self, StoreError> {
        Self::builder(url)?.prefix(prefix).build()
    }

    /// A store to set up before connecting: the deployment from `url` (as
    /// in [`RedisStore::open`]; a password goes in the URL,
    /// `redis+cluster://:password@host:port,...`), then its prefix, its
    /// timeout and the replica wait.
    pub fn builder(url: &str) -> Result<RedisBuilder, StoreError> {
        Ok(RedisBuilder::new(url.parse()?))
    }

    /// Runs `f` on the connection, opening a new one first if the last
    /// call failed. An error drops the connection, so that the next call
    /// starts afresh (in a Cluster: from the nodes' current slot map; behind
    /// Sentinel: from the primary the Sentinels now name). A `MOVED` (the
    /// command was not run) reads the slot map again at once, and runs `f`
    /// once more.
    fn with<T>(&self, mut f: impl FnMut(&mut Link) -> Result<T, LinkError>) -> Result<T, StoreError> {
        // The link is taken out during a call, so a panic in one leaves
        // nothing half-done behind the lock.
        let mut slot = self.link.lock().unwrap_or_else(PoisonError::into_inner);
        let mut redirected = false;
        loop {
            let mut link = match slot.take() {
                Some(link) => link,
                None => self.target.connect()?,
            };
            match f(&mut link) {
                Ok(value) => {
                    *slot = Some(link);
                    return Ok(value);
                }
                Err(LinkError { moved: true, .. }) if !redirected => redirected = true,
                Err(failure) => return Err(failure.error),
            }
        }
    }

    /// Writes `key` (waiting for the replicas, if set to); whether the
    /// write changed anything.
    fn write(&self, key: &str, write: &Write<'_>) -> Result<bool, StoreError> {
        let Written { applied, acknowledged } = self.with(|link| link.write(key, write, self.wait))?;
        if let (Some(wait), Some(acknowledged)) = (self.wait, acknowledged)
            && acknowledged < wait.replicas
        {
            return Err(StoreError::NotEnoughReplicas {
                acknowledged,
                required: wait.replicas,
            });
        }
        Ok(applied)
    }

    fn device_key(&self, user: &str) -> String {
        format!("{}{{{user}}}:device", self.prefix)
    }

    fn version_key(&self, user: &str) -> String {
        format!("{}{{{user}}}:version", self.prefix)
    }

    fn mode_key(&self, company: &str) -> String {
        format!("{}mode:{company}", self.prefix)
    }
}

impl Store for RedisStore {
    fn device(&self, user: &str) -> Result<Option<Versioned<Device>>, StoreError> {
        let key = self.device_key(user);
        let (version, record): (Option<u64>, Option<String>) =
            self.with(|link| link.read(&key, redis::cmd("HMGET").arg(&key).arg("v").arg("r")))?;
        match (version, record) {
            (Some(version), Some(record)) => {
                let value = serde_json::from_str(&record).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok(Some(Versioned { version, value }))
            }
            (None, None) => Ok(None),
            _ => Err(StoreError::Corrupt(format!("{key} lacks its version or record"))),
        }
    }

    fn replace_device(&self, user: &str, expected: Option<u64>, device: Option<Device>) -> Result<bool, StoreError> {
        let record = match device {
            Some(device) => serde_json::to_string(&device).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            None => String::new(),
        };
        let expected = expected.map(|v| v.to_string()).unwrap_or_default();
        let (device_key, version_key) = (self.device_key(user), self.version_key(user));
        if self.target.is_cluster() && link::slot(&device_key) != link::slot(&version_key) {
            return Err(StoreError::Backend(format!(
                "the user name {user:?} cannot be kept in a Redis Cluster: its two keys fall in different slots (an empty name has no hash tag)"
            )));
        }
        self.write(
            &device_key,
            &Write::Script {
                script: &self.replace,
                code: REPLACE,
                keys: [&device_key, &version_key],
                args: [&expected, &record],
            },
        )
    }

    fn mode(&self, company: &str) -> Result<Option<Mode>, StoreError> {
        let key = self.mode_key(company);
        let mode: Option<String> = self.with(|link| link.read(&key, redis::cmd("GET").arg(&key)))?;
        match mode.as_deref() {
            None => Ok(None),
            Some("forced") => Ok(Some(Mode::Forced)),
            Some("opt-in") => Ok(Some(Mode::OptIn)),
            Some(other) => Err(StoreError::Corrupt(format!("{key} is {other:?}, not forced or opt-in"))),
        }
    }

    fn set_mode(&self, company: &str, mode: Mode) -> Result<(), StoreError> {
        let key = self.mode_key(company);
        let value = match mode {
            Mode::Forced => "forced",
            Mode::OptIn => "opt-in",
        };
        // A company's mode lost in a failover would quietly make 2FA
        // optional again, so it waits for the replicas as a device does.
        self.write(&key, &Write::Command(redis::cmd("SET").arg(&key).arg(value)))
            .map(drop)
    }
}

/// How long a connection, a read or a write may take, unless set.
const TIMEOUT: Duration = Duration::from_secs(5);
