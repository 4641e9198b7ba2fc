//! One open connection (to a node, or to a Cluster), the commands the store
//! sends on it, and Redis's errors sorted into the store's.

use redis::cluster::ClusterConnection;
use redis::cluster_routing::{Route, RoutingInfo, SingleNodeRoutingInfo, SlotAddr};
use redis::{Cmd, Connection, ConnectionLike, ErrorKind, FromRedisValue, RedisError, ScriptInvocation};

use super::ReplicaWait;
use crate::error::StoreError;

/// A connection the store holds between calls.
pub(super) enum Link {
    /// To one server, or to the primary Sentinel named.
    Node(Connection),
    /// To a Cluster's nodes, following its redirections.
    Cluster(ClusterConnection),
}

impl Link {
    fn connection(&mut self) -> &mut dyn ConnectionLike {
        match self {
            Self::Node(connection) => connection,
            Self::Cluster(connection) => connection,
        }
    }

    /// Sends `command` (in a Cluster, to its key's slot).
    pub(super) fn query<T: FromRedisValue>(&mut self, command: &Cmd) -> Result<T, StoreError> {
        command.query(self.connection()).map_err(store_error)
    }

    /// Runs a script (loading it where the node lacks it).
    pub(super) fn invoke<T: FromRedisValue>(&mut self, script: &ScriptInvocation<'_>) -> Result<T, StoreError> {
        script.invoke(self.connection()).map_err(store_error)
    }

    /// `WAIT` after a write to `key`, on the connection that wrote it: the
    /// number of replicas that have everything this connection wrote.
    pub(super) fn wait_for_replicas(&mut self, key: &str, wait: ReplicaWait) -> Result<u32, StoreError> {
        let mut command = redis::cmd("WAIT");
        command
            .arg(wait.replicas)
            .arg(u64::try_from(wait.timeout.as_millis()).unwrap_or(u64::MAX));
        let acknowledged: i64 = match self {
            Self::Node(connection) => command.query(connection).map_err(store_error)?,
            Self::Cluster(connection) => {
                // The cluster client would send WAIT to every primary and
                // keep the least; it belongs on the key's primary alone,
                // whose connection made the write.
                let route = Route::new(slot(key), SlotAddr::Master);
                let reply = connection
                    .route_command(
                        &command,
                        RoutingInfo::SingleNode(SingleNodeRoutingInfo::SpecificNode(route)),
                    )
                    .map_err(store_error)?;
                i64::from_redis_value(&reply).map_err(store_error)?
            }
        };
        Ok(u32::try_from(acknowledged).unwrap_or(0))
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

/// Sorts a Redis error into the store's: what a retry may cure, and what
/// needs an administrator.
pub(super) fn store_error(error: RedisError) -> StoreError {
    let text = format!("Redis: {error}");
    if error.is_timeout() {
        return StoreError::Timeout(text);
    }
    let unreachable = error.is_connection_refusal()
        || error.is_connection_dropped()
        || error.is_io_error()
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
        );
    if unreachable {
        StoreError::Unreachable(text)
    } else {
        StoreError::Backend(text)
    }
}

#[cfg(test)]
mod tests {
    use super::slot;

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
}
