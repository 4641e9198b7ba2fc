//! One open connection (to a node, or to a Cluster), the commands the store
//! sends on it, and Redis's errors sorted into the store's.
//!
//! On a Cluster every command is routed by the store itself to one node,
//! and a write's `WAIT` goes to the node the write went to, on the same
//! connection: the cluster client makes no retries (it would follow a
//! redirect for the write and then send `WAIT` by its slot map, to a node
//! that may not be the one that wrote). An `ASK` is followed here, with
//! `ASKING` before the command on the named node; a `MOVED` is reported to
//! the store, which reads the slot map afresh and runs the call again (a
//! redirected command was not run).

use redis::cluster::ClusterConnection;
use redis::cluster_routing::{Route, RoutingInfo, SingleNodeRoutingInfo, SlotAddr};
use redis::{Cmd, Connection, ErrorKind, FromRedisValue, RedisError, Script, Value};

use super::ReplicaWait;
use crate::error::StoreError;

/// A connection the store holds between calls.
pub(super) enum Link {
    /// To one server, or to the primary Sentinel named.
    Node(Connection),
    /// To a Cluster's nodes.
    Cluster(ClusterConnection),
}

/// A failed call: the store's error, and whether it was a `MOVED` (the
/// command was not run; the slot map is stale).
pub(super) struct LinkError {
    pub(super) error: StoreError,
    pub(super) moved: bool,
}

impl From<StoreError> for LinkError {
    fn from(error: StoreError) -> Self {
        Self { error, moved: false }
    }
}

/// A write: the compare-and-swap script, or one command.
pub(super) enum Write<'a> {
    Script {
        script: &'a Script,
        code: &'a str,
        keys: [&'a str; 2],
        args: [&'a str; 2],
    },
    Command(&'a Cmd),
}

/// What a write did: whether it changed anything (the script's
/// compare-and-swap may refuse), and, if it did and a wait was asked for,
/// how many replicas confirmed it.
pub(super) struct Written {
    pub(super) applied: bool,
    pub(super) acknowledged: Option<u32>,
}

/// Where a Cluster command goes: the primary of a slot by the slot map, or
/// the node an `ASK` named.
enum Hop {
    Slot(u16),
    Asked { host: String, port: u16 },
}

impl Link {
    /// Reads `key` with `command`.
    pub(super) fn read<T: FromRedisValue>(&mut self, key: &str, command: &Cmd) -> Result<T, LinkError> {
        match self {
            Self::Node(connection) => command.query(connection).map_err(|e| failure(&e, false)),
            Self::Cluster(connection) => {
                let value = on_cluster(connection, key, |connection, hop| send(connection, hop, command))?;
                T::from_redis_value(&value).map_err(|e| failure(&e, true))
            }
        }
    }

    /// Writes `key`, then, if the write changed anything and `wait` is set,
    /// sends `WAIT` on the same connection to the same node.
    pub(super) fn write(
        &mut self,
        key: &str,
        write: &Write<'_>,
        wait: Option<ReplicaWait>,
    ) -> Result<Written, LinkError> {
        match self {
            Self::Node(connection) => {
                let applied = match write {
                    Write::Script { script, keys, args, .. } => {
                        let mut invocation = script.prepare_invoke();
                        invocation.key(keys[0]).key(keys[1]).arg(args[0]).arg(args[1]);
                        invocation.invoke::<i64>(connection).map_err(|e| failure(&e, false))? == 1
                    }
                    Write::Command(command) => {
                        command.query::<Value>(connection).map_err(|e| failure(&e, false))?;
                        true
                    }
                };
                let acknowledged = match wait {
                    Some(wait) if applied => {
                        let count: i64 = wait_command(wait).query(connection).map_err(|e| failure(&e, false))?;
                        Some(u32::try_from(count).unwrap_or(0))
                    }
                    _ => None,
                };
                Ok(Written { applied, acknowledged })
            }
            Self::Cluster(connection) => on_cluster(connection, key, |connection, hop| {
                let applied = match write {
                    Write::Script {
                        script,
                        code,
                        keys,
                        args,
                    } => {
                        let mut evalsha = redis::cmd("EVALSHA");
                        evalsha.arg(script.get_hash()).arg(keys.len()).arg(keys).arg(args);
                        let written = match send(connection, hop, &evalsha) {
                            Err(e) if e.kind() == ErrorKind::NoScriptError => {
                                send(connection, hop, redis::cmd("SCRIPT").arg("LOAD").arg(*code))?;
                                send(connection, hop, &evalsha)?
                            }
                            other => other?,
                        };
                        i64::from_redis_value(&written)? == 1
                    }
                    Write::Command(command) => {
                        send(connection, hop, command)?;
                        true
                    }
                };
                let acknowledged = match wait {
                    Some(wait) if applied => {
                        let count = i64::from_redis_value(&send(connection, hop, &wait_command(wait))?)?;
                        Some(u32::try_from(count).unwrap_or(0))
                    }
                    _ => None,
                };
                Ok(Written { applied, acknowledged })
            }),
        }
    }
}

fn wait_command(wait: ReplicaWait) -> Cmd {
    let mut command = redis::cmd("WAIT");
    command
        .arg(wait.replicas)
        .arg(u64::try_from(wait.timeout.as_millis()).unwrap_or(u64::MAX));
    command
}

/// Runs `f` on the primary of `key`'s slot; on an `ASK`, once more on the
/// node it names. An `ASK` or `MOVED` comes only from a command the node
/// did not run, so running `f` again repeats nothing.
fn on_cluster<T>(
    connection: &mut ClusterConnection,
    key: &str,
    mut f: impl FnMut(&mut ClusterConnection, &Hop) -> redis::RedisResult<T>,
) -> Result<T, LinkError> {
    match f(connection, &Hop::Slot(slot(key))) {
        Err(error) if error.kind() == ErrorKind::Ask => {
            let Some((host, port)) = error
                .redirect_node()
                .and_then(|(address, _)| address.rsplit_once(':'))
                .and_then(|(host, port)| Some((host.to_owned(), port.parse().ok()?)))
            else {
                return Err(failure(&error, true));
            };
            f(connection, &Hop::Asked { host, port }).map_err(|e| failure(&e, true))
        }
        other => other.map_err(|e| failure(&e, true)),
    }
}

fn send(connection: &mut ClusterConnection, hop: &Hop, command: &Cmd) -> redis::RedisResult<Value> {
    match hop {
        Hop::Slot(slot) => connection.route_command(
            command,
            RoutingInfo::SingleNode(SingleNodeRoutingInfo::SpecificNode(Route::new(*slot, SlotAddr::Master))),
        ),
        Hop::Asked { host, port } => {
            let node = || {
                RoutingInfo::SingleNode(SingleNodeRoutingInfo::ByAddress {
                    host: host.clone(),
                    port: *port,
                })
            };
            // ASKING lets the next command on this connection, and only
            // that one, into a slot the node is still importing.
            connection.route_command(&redis::cmd("ASKING"), node())?;
            connection.route_command(command, node())
        }
    }
}

/// The Redis Cluster slot of `key`: CRC16 (XMODEM) of its hash tag (the
/// text between the first `{` and the next `}`, when not empty), or of the
/// whole key, modulo 16384.
pub(super) fn slot(key: &str) -> u16 {
    let bytes = key.as_bytes();
    let hashed = bytes
        .iter()
        .position(|&b| b == b'{')
        .and_then(|open| {
            let rest = bytes.get(open + 1..)?;
            let close = rest.iter().position(|&b| b == b'}')?;
            rest.get(..close).filter(|tag| !tag.is_empty())
        })
        .unwrap_or(bytes);
    crc16::State::<crc16::XMODEM>::calculate(hashed) % 16384
}

/// Error codes of a failover or a node starting, which pass. The redis
/// crate gives most of them a kind of its own (matched below too); the
/// codes also catch them when they come as bare codes.
const PASSING: [&str; 7] = [
    "UNBLOCKED",
    "NOREPLICAS",
    "LOADING",
    "MASTERDOWN",
    "TRYAGAIN",
    "CLUSTERDOWN",
    "READONLY",
];

/// Sorts a Redis error into the store's: what a retry may cure, and what
/// needs an administrator. `cluster`: whether the connection is to a
/// Cluster (a redirection on a plain connection means a wrong URL).
pub(super) fn failure(error: &RedisError, cluster: bool) -> LinkError {
    let text = format!("Redis: {error}");
    let moved = cluster && error.kind() == ErrorKind::Moved;
    let backend = |hint: &str| StoreError::Backend(format!("{text}; {hint}"));
    let refused_login = error.kind() == ErrorKind::AuthenticationFailed
        || ["WRONGPASS", "NOAUTH", "NOPERM"].iter().any(|code| text.contains(code));
    let error = if refused_login {
        backend("check the user name and password in the Redis URL")
    } else if error.is_timeout() {
        StoreError::Timeout(text)
    } else if !cluster
        && matches!(
            error.kind(),
            ErrorKind::Moved | ErrorKind::Ask | ErrorKind::CrossSlot | ErrorKind::ClusterDown
        )
    {
        backend("this is a Redis Cluster node: open the store with a redis+cluster:// URL")
    } else if error.is_connection_refusal()
        || error.is_connection_dropped()
        || error.is_io_error()
        || error.code().is_some_and(|code| PASSING.contains(&code))
        || matches!(
            error.kind(),
            ErrorKind::ClusterDown
                | ErrorKind::MasterDown
                | ErrorKind::TryAgain
                | ErrorKind::ReadOnly
                | ErrorKind::BusyLoadingError
                | ErrorKind::ClusterConnectionNotFound
                | ErrorKind::Moved
                | ErrorKind::Ask
        )
    {
        StoreError::Unreachable(text)
    } else {
        backend("check the Redis server's log and the store's settings")
    };
    LinkError { error, moved }
}

#[cfg(test)]
mod tests {
    use redis::{ErrorKind, RedisError};

    use super::{failure, slot};
    use crate::error::StoreError;

    #[test]
    fn slots_follow_the_cluster_spec() {
        // The spec's CRC16 check value, and its examples of hash tags.
        assert_eq!(crc16::State::<crc16::XMODEM>::calculate(b"123456789"), 0x31c3);
        assert_eq!(slot("{user1000}.following"), slot("{user1000}.followers"));
        // An empty tag does not count: the whole key is hashed.
        let whole = crc16::State::<crc16::XMODEM>::calculate(b"foo{}{bar}") % 16384;
        assert_eq!(slot("foo{}{bar}"), whole);
        assert_ne!(slot("foo{}{bar}"), slot("bar"));
        assert_eq!(slot("foo{{bar}}zap"), slot("{bar"));
        assert_eq!(slot("foo{bar}{zap}"), slot("bar"));
        assert_eq!(slot("twofold:{alice}:device"), slot("twofold:{alice}:version"));
        assert_eq!(slot("twofold:{alice}:device"), slot("alice"));
        // Known slots (CLUSTER KEYSLOT on Redis 7).
        assert_eq!(slot("foo"), 12182);
        assert_eq!(slot("bar"), 5061);
    }

    fn sorted(kind: ErrorKind, text: &'static str, detail: &str, cluster: bool) -> (StoreError, bool) {
        let error = failure(&RedisError::from((kind, text, detail.to_owned())), cluster);
        (error.error, error.moved)
    }

    #[test]
    fn errors_are_sorted_by_what_helps() {
        use ErrorKind::{AuthenticationFailed, IoError, Moved, ResponseError};
        let passing = |e: &StoreError| e.retry_later();
        // A refused password needs the administrator, also when the
        // Cluster client wraps it in its I/O error.
        let (e, _) = sorted(AuthenticationFailed, "Password authentication failed", "", false);
        assert!(!passing(&e) && e.to_string().contains("password"), "{e}");
        let (e, _) = sorted(IoError, "It failed to check startup nodes", "WRONGPASS invalid", true);
        assert!(!passing(&e), "{e}");
        // A redirection: on a Cluster, the map is stale and the store reads
        // it again; on a plain connection, the URL is wrong.
        let (e, moved) = sorted(
            Moved,
            "An error was signalled by the server",
            "3999 127.0.0.1:6381",
            true,
        );
        assert!(moved && passing(&e));
        let (e, moved) = sorted(
            Moved,
            "An error was signalled by the server",
            "3999 127.0.0.1:6381",
            false,
        );
        assert!(
            !moved && !passing(&e) && e.to_string().contains("redis+cluster://"),
            "{e}"
        );
        // A WAIT ended by a failover, or a node loading: try again.
        for code in ["UNBLOCKED", "NOREPLICAS", "MASTERDOWN"] {
            let error = failure(&redis::make_extension_error(code.to_owned(), None), false);
            assert!(passing(&error.error), "{code}: {}", error.error);
        }
        let (e, _) = sorted(
            ResponseError,
            "An error was signalled by the server",
            "ERR unknown command",
            true,
        );
        assert!(!passing(&e));
    }
}
