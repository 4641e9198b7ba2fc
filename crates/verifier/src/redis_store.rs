//! A [`Store`] in Redis, for a fleet of servers sharing one state (the
//! `redis` feature).
//!
//! Each device is a hash of two fields, its version and its record as JSON;
//! a write is one Lua script, which Redis runs atomically: it compares the
//! version, takes a fresh one from the user's counter, which never goes
//! back (so a deleted and re-created record never repeats a version), and
//! writes. A user's two keys share a hash tag (`{user}`), so they live in
//! one slot of a Redis Cluster.

use std::sync::Mutex;
use std::time::Duration;

use redis::{Client, Connection, Script};

use crate::error::StoreError;
use crate::store::{Device, Mode, Store, Versioned};

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

/// A store in Redis. Holds one connection (with 5-second timeouts), opened
/// again after an error; calls on one store take turns on it, so a server
/// with many threads opens several stores, or one per worker.
pub struct RedisStore {
    client: Client,
    connection: Mutex<Option<Connection>>,
    prefix: String,
    replace: Script,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// How long a connection, a read or a write may take.
const TIMEOUT: Duration = Duration::from_secs(5);

fn connect(client: &Client) -> Result<Connection, StoreError> {
    let connection = client.get_connection_with_timeout(TIMEOUT).map_err(backend)?;
    connection.set_read_timeout(Some(TIMEOUT)).map_err(backend)?;
    connection.set_write_timeout(Some(TIMEOUT)).map_err(backend)?;
    Ok(connection)
}

fn backend(error: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("Redis: {error}"))
}

impl RedisStore {
    /// Connects to Redis at `url` (`redis://host:port/db`, or
    /// `redis+unix:///path/to/socket`), keeping keys under `prefix`
    /// (`twofold:`, say).
    pub fn open(url: &str, prefix: &str) -> Result<Self, StoreError> {
        let client = Client::open(url).map_err(backend)?;
        let connection = connect(&client)?;
        Ok(Self {
            client,
            connection: Mutex::new(Some(connection)),
            prefix: prefix.to_owned(),
            replace: Script::new(REPLACE),
        })
    }

    /// Runs `f` on the connection, opening a new one first if the last
    /// call failed.
    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> redis::RedisResult<T>) -> Result<T, StoreError> {
        let mut slot = self
            .connection
            .lock()
            .map_err(|_| backend("a thread panicked while holding the connection"))?;
        let mut connection = match slot.take() {
            Some(connection) => connection,
            None => connect(&self.client)?,
        };
        let result = f(&mut connection).map_err(backend);
        if result.is_ok() {
            *slot = Some(connection);
        }
        result
    }

    fn device_key(&self, user: &str) -> String {
        format!("{}{{{user}}}:device", self.prefix)
    }

    fn version_key(&self, user: &str) -> String {
        format!("{}{{{user}}}:version", self.prefix)
    }
}

impl Store for RedisStore {
    fn device(&self, user: &str) -> Result<Option<Versioned<Device>>, StoreError> {
        let key = self.device_key(user);
        let (version, record): (Option<u64>, Option<String>) =
            self.with(|c| redis::cmd("HMGET").arg(&key).arg("v").arg("r").query(c))?;
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
        let written: i64 = self.with(|c| {
            self.replace
                .key(self.device_key(user))
                .key(self.version_key(user))
                .arg(&expected)
                .arg(&record)
                .invoke(c)
        })?;
        Ok(written == 1)
    }

    fn mode(&self, company: &str) -> Result<Option<Mode>, StoreError> {
        let key = format!("{}mode:{company}", self.prefix);
        let mode: Option<String> = self.with(|c| redis::cmd("GET").arg(&key).query(c))?;
        match mode.as_deref() {
            None => Ok(None),
            Some("forced") => Ok(Some(Mode::Forced)),
            Some("opt-in") => Ok(Some(Mode::OptIn)),
            Some(other) => Err(StoreError::Corrupt(format!("{key} is {other:?}, not forced or opt-in"))),
        }
    }

    fn set_mode(&self, company: &str, mode: Mode) -> Result<(), StoreError> {
        let key = format!("{}mode:{company}", self.prefix);
        let value = match mode {
            Mode::Forced => "forced",
            Mode::OptIn => "opt-in",
        };
        self.with(|c| redis::cmd("SET").arg(&key).arg(value).query::<()>(c))
    }
}
