//! Which Redis to reach (one server, a Cluster, a primary behind Sentinel),
//! read from a URL, and how to open a connection to it.

use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use redis::cluster::ClusterClient;
use redis::cluster_routing::{RoutingInfo, SingleNodeRoutingInfo};
use redis::{Client, ConnectionInfo, IntoConnectionInfo, RedisConnectionInfo};

use super::link::{Link, failure};
use super::{REPLACE, RedisStore, Script, TIMEOUT};
use crate::error::StoreError;

/// Wait after each write until this many replicas have it, for at most
/// `timeout` (Redis's `WAIT`); fewer in time fails the write with
/// [`StoreError::NotEnoughReplicas`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplicaWait {
    /// Replicas that must confirm each write (at least 1).
    pub replicas: u32,
    /// How long to wait for them (more than zero, less than the store's
    /// timeout).
    pub timeout: Duration,
}

impl ReplicaWait {
    /// The default for Cluster and Sentinel: one replica, within 500 ms.
    pub const ONE: Self = Self {
        replicas: 1,
        timeout: Duration::from_millis(500),
    };
}

/// The deployment a URL names, before connecting.
#[derive(Clone)]
pub(super) enum Deployment {
    Single(ConnectionInfo),
    Cluster(Vec<ConnectionInfo>),
    Sentinel {
        sentinels: Vec<ConnectionInfo>,
        service: String,
        primary: RedisConnectionInfo,
    },
}

/// Addresses only: a `ConnectionInfo`'s own `Debug` shows the password.
impl std::fmt::Debug for Deployment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let addresses = |nodes: &[ConnectionInfo]| nodes.iter().map(|n| n.addr.to_string()).collect::<Vec<_>>();
        match self {
            Self::Single(info) => f.debug_tuple("Single").field(&info.addr.to_string()).finish(),
            Self::Cluster(nodes) => f.debug_tuple("Cluster").field(&addresses(nodes)).finish(),
            Self::Sentinel { sentinels, service, .. } => f
                .debug_struct("Sentinel")
                .field("sentinels", &addresses(sentinels))
                .field("service", service)
                .finish_non_exhaustive(),
        }
    }
}

const CLUSTER: &str = "redis+cluster://";
const SENTINEL: &str = "redis+sentinel://";

fn bad_url(why: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!(
        "bad Redis URL: {why}; write redis://host:port/db, redis+unix:///path, redis+cluster://host:port,host:port or redis+sentinel://host:port,host:port/service"
    ))
}

/// Splits `[user:password@]host:port,host:port[/rest]` into the part
/// before `@` (with it), the addresses, and what follows the first `/`.
fn split_hosts(text: &str) -> (&str, Vec<&str>, Option<&str>) {
    let (hosts, rest) = match text.split_once('/') {
        Some((hosts, rest)) => (hosts, Some(rest)),
        None => (text, None),
    };
    let (auth, hosts) = match hosts.rfind('@') {
        Some(at) => hosts.split_at(at + 1),
        None => ("", hosts),
    };
    (auth, hosts.split(',').filter(|h| !h.is_empty()).collect(), rest)
}

fn node(auth: &str, host: &str, db: &str) -> Result<ConnectionInfo, StoreError> {
    format!("redis://{auth}{host}/{db}")
        .into_connection_info()
        .map_err(bad_url)
}

impl FromStr for Deployment {
    type Err = StoreError;

    fn from_str(url: &str) -> Result<Self, StoreError> {
        if let Some(text) = url.strip_prefix(CLUSTER) {
            let (auth, hosts, rest) = split_hosts(text);
            if rest.is_some_and(|r| !r.is_empty()) {
                return Err(bad_url("a Cluster has no databases or paths"));
            }
            if hosts.is_empty() {
                return Err(bad_url("no Cluster node given"));
            }
            let nodes = hosts.iter().map(|h| node(auth, h, "")).collect::<Result<_, _>>()?;
            return Ok(Self::Cluster(nodes));
        }
        if let Some(text) = url.strip_prefix(SENTINEL) {
            let (auth, hosts, rest) = split_hosts(text);
            let (service, db) = match rest.map(|r| r.split_once('/').unwrap_or((r, ""))) {
                Some((service, db)) if !service.is_empty() => (service, db),
                _ => return Err(bad_url("no Sentinel service name after the hosts")),
            };
            let Some(first) = hosts.first() else {
                return Err(bad_url("no sentinel given"));
            };
            // The password is the primary's; the sentinels are asked
            // without one.
            let sentinels = hosts.iter().map(|h| node("", h, "")).collect::<Result<_, _>>()?;
            let primary = node(auth, first, db)?.redis;
            return Ok(Self::Sentinel {
                sentinels,
                service: service.to_owned(),
                primary,
            });
        }
        url.into_connection_info().map(Self::Single).map_err(bad_url)
    }
}

/// A [`RedisStore`] being set up: its deployment (from the URL), key
/// prefix, timeout and replica wait; [`RedisBuilder::build`] connects.
#[derive(Debug)]
pub struct RedisBuilder {
    deployment: Deployment,
    prefix: String,
    timeout: Duration,
    wait: Option<ReplicaWait>,
}

impl RedisBuilder {
    pub(super) fn new(deployment: Deployment) -> Self {
        let wait = match deployment {
            Deployment::Single(_) => None,
            Deployment::Cluster(_) | Deployment::Sentinel { .. } => Some(ReplicaWait::ONE),
        };
        Self {
            deployment,
            prefix: String::new(),
            timeout: TIMEOUT,
            wait,
        }
    }

    /// Keeps every key under `prefix` (`twofold:`, say).
    #[must_use]
    pub fn prefix(mut self, prefix: &str) -> Self {
        prefix.clone_into(&mut self.prefix);
        self
    }

    /// How long connecting, and each reply, may take (5 s by default).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Waits after each write for `wait.replicas` replicas (on by default
    /// for Cluster and Sentinel, one replica within 500 ms; off for one
    /// server, which has none to wait for).
    #[must_use]
    pub fn wait_for_replicas(mut self, wait: ReplicaWait) -> Self {
        self.wait = Some(wait);
        self
    }

    /// Answers as soon as the primary has a write: faster, but a failover
    /// right after can lose a code's use, and the code is then accepted
    /// again.
    #[must_use]
    pub fn no_replica_wait(mut self) -> Self {
        self.wait = None;
        self
    }

    /// Checks the settings and connects.
    pub fn build(self) -> Result<RedisStore, StoreError> {
        if self.timeout.is_zero() {
            return Err(StoreError::Backend("the Redis timeout must be more than zero".into()));
        }
        // WAIT counts whole milliseconds and takes 0 for "for ever"; the
        // reply must come well within the read timeout.
        if let Some(wait) = self.wait
            && (wait.replicas == 0 || wait.timeout.as_millis() == 0 || wait.timeout * 2 > self.timeout)
        {
            return Err(StoreError::Backend(format!(
                "the replica wait must be for at least 1 replica, for at least 1 ms and at most half the store's timeout ({} ms), not {} replicas for {} ms",
                self.timeout.as_millis(),
                wait.replicas,
                wait.timeout.as_millis()
            )));
        }
        let target = Target::new(self.deployment, self.timeout)?;
        let mut link = target.connect()?;
        target.is_a_cluster_if_named_so(&mut link)?;
        Ok(RedisStore {
            target,
            link: Mutex::new(Some(link)),
            prefix: self.prefix,
            wait: self.wait,
            replace: Script::new(REPLACE),
        })
    }
}

/// A deployment with its clients made, ready to open connections.
pub(super) struct Target {
    kind: Kind,
    timeout: Duration,
}

enum Kind {
    Single(Client),
    Cluster {
        client: ClusterClient,
        /// Each node alone, to tell a node without Cluster support.
        nodes: Vec<Client>,
    },
    Sentinel {
        sentinels: Vec<Client>,
        service: String,
        primary: RedisConnectionInfo,
    },
}

impl Target {
    fn new(deployment: Deployment, timeout: Duration) -> Result<Self, StoreError> {
        let kind = match deployment {
            Deployment::Single(info) => Kind::Single(Client::open(info).map_err(bad_url)?),
            Deployment::Cluster(nodes) => Kind::Cluster {
                client: ClusterClient::builder(nodes.clone())
                    .connection_timeout(timeout)
                    .response_timeout(timeout)
                    // No retries: the client would follow a redirection for
                    // a write and then route its WAIT by the slot map, to
                    // another node; and it would resend a write that timed
                    // out. The link follows ASK and the store MOVED.
                    .retries(0)
                    .build()
                    .map_err(bad_url)?,
                nodes: nodes
                    .into_iter()
                    .map(Client::open)
                    .collect::<Result<_, _>>()
                    .map_err(bad_url)?,
            },
            Deployment::Sentinel {
                sentinels,
                service,
                primary,
            } => Kind::Sentinel {
                sentinels: sentinels
                    .into_iter()
                    .map(Client::open)
                    .collect::<Result<_, _>>()
                    .map_err(bad_url)?,
                service,
                primary,
            },
        };
        Ok(Self { kind, timeout })
    }

    /// Whether keys must share a slot (a Redis Cluster).
    pub(super) fn is_cluster(&self) -> bool {
        matches!(self.kind, Kind::Cluster { .. })
    }

    /// Opens a connection: to the server; to the Cluster (its slot map read
    /// afresh); or to the primary a majority of the Sentinels name.
    pub(super) fn connect(&self) -> Result<Link, StoreError> {
        match &self.kind {
            Kind::Single(client) => self.node(client).map(Link::Node),
            Kind::Cluster { client, .. } => {
                let error = |e: redis::RedisError| failure(&e, true).error;
                let connection = client.get_connection().map_err(error)?;
                connection.set_write_timeout(Some(self.timeout)).map_err(error)?;
                // A command that fails on a dropped connection is not sent
                // again on a new one: a WAIT there would count replicas of
                // nothing. The store drops the whole connection instead.
                connection.set_auto_reconnect(false);
                Ok(Link::Cluster(connection))
            }
            Kind::Sentinel {
                sentinels,
                service,
                primary,
            } => self.primary_behind(sentinels, service, primary),
        }
    }

    /// On the first connection only (later, during a failover, a PING to
    /// some primary could hit the dead one): a node without Cluster support
    /// gives an empty slot map, not an error, and a PING to some primary
    /// finds it out.
    fn is_a_cluster_if_named_so(&self, link: &mut Link) -> Result<(), StoreError> {
        let (Kind::Cluster { nodes, .. }, Link::Cluster(connection)) = (&self.kind, link) else {
            return Ok(());
        };
        let ping = RoutingInfo::SingleNode(SingleNodeRoutingInfo::RandomPrimary);
        match connection.route_command(&redis::cmd("PING"), ping) {
            Ok(_) => Ok(()),
            Err(e) => Err(self.not_a_cluster(nodes).unwrap_or_else(|| failure(&e, true).error)),
        }
    }

    /// When the Cluster cannot be reached: a node that answers but has no
    /// Cluster support, which a retry will not change.
    fn not_a_cluster(&self, nodes: &[Client]) -> Option<StoreError> {
        nodes.iter().find_map(|node| {
            let mut connection = self.node(node).ok()?;
            let info: String = redis::cmd("INFO").arg("cluster").query(&mut connection).ok()?;
            info.contains("cluster_enabled:0").then(|| {
                StoreError::Backend(format!(
                    "{} is not a Redis Cluster node; open one server with a redis:// URL",
                    node.get_connection_info().addr
                ))
            })
        })
    }

    fn node(&self, client: &Client) -> Result<redis::Connection, StoreError> {
        let error = |e: redis::RedisError| failure(&e, false).error;
        let connection = client.get_connection_with_timeout(self.timeout).map_err(error)?;
        connection.set_read_timeout(Some(self.timeout)).map_err(error)?;
        connection.set_write_timeout(Some(self.timeout)).map_err(error)?;
        Ok(connection)
    }

    /// Asks every Sentinel for the service's primary, connects to the one
    /// a majority of them name, and checks that it is a primary. One
    /// Sentinel alone may be on the wrong side of a network split, naming
    /// a primary that the others have replaced.
    fn primary_behind(
        &self,
        sentinels: &[Client],
        service: &str,
        primary: &RedisConnectionInfo,
    ) -> Result<Link, StoreError> {
        let mut votes: Vec<((String, u16), usize)> = Vec::new();
        let mut failures = Vec::new();
        for sentinel in sentinels {
            let answer = self.node(sentinel).and_then(|mut asking| {
                redis::cmd("SENTINEL")
                    .arg("get-master-addr-by-name")
                    .arg(service)
                    .query::<Option<(String, u16)>>(&mut asking)
                    .map_err(|e| failure(&e, false).error)
            });
            match answer {
                Ok(Some(address)) => match votes.iter_mut().find(|(a, _)| *a == address) {
                    Some((_, count)) => *count += 1,
                    None => votes.push((address, 1)),
                },
                Ok(None) => failures.push(StoreError::Backend(format!(
                    "the Sentinel at {} does not watch a service named {service:?}; check the name at the URL's end",
                    sentinel.get_connection_info().addr
                ))),
                Err(error) => failures.push(error),
            }
        }
        let majority = sentinels.len() / 2 + 1;
        let Some(((host, port), _)) = votes.into_iter().find(|(_, count)| *count >= majority) else {
            let text = failures.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
            // Every Sentinel answered, and not one named a primary: a
            // setting is wrong, not the network.
            if failures.len() == sentinels.len() && failures.iter().all(|f| !f.retry_later()) {
                return Err(StoreError::Backend(text));
            }
            return Err(StoreError::Unreachable(format!(
                "no majority of the {} Sentinels named one primary for {service:?}; {text}",
                sentinels.len()
            )));
        };
        let info = ConnectionInfo {
            addr: redis::ConnectionAddr::Tcp(host.clone(), port),
            redis: primary.clone(),
        };
        let mut connection = self.node(&Client::open(info).map_err(bad_url)?)?;
        let role: Vec<redis::Value> = redis::cmd("ROLE")
            .query(&mut connection)
            .map_err(|e| failure(&e, false).error)?;
        match role.first() {
            Some(redis::Value::BulkString(role)) if role == b"master" => Ok(Link::Node(connection)),
            _ => Err(StoreError::Unreachable(format!(
                "{host}:{port}, named by the Sentinels, is not a primary yet"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Deployment, RedisBuilder, ReplicaWait};

    fn parse(url: &str) -> Deployment {
        url.parse().unwrap_or_else(|e| panic!("{url}: {e}"))
    }

    fn refused(url: &str) -> String {
        match url.parse::<Deployment>() {
            Ok(deployment) => panic!("{url} was taken as {deployment:?}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn urls_name_the_deployment() {
        let Deployment::Single(info) = parse("redis://:pw@127.0.0.1:6380/2") else {
            panic!()
        };
        assert_eq!((info.addr.to_string(), info.redis.db), ("127.0.0.1:6380".to_owned(), 2));
        assert!(matches!(parse("redis+unix:///run/redis.sock"), Deployment::Single(_)));

        let Deployment::Cluster(nodes) = parse("redis+cluster://:secret@10.0.0.1:7000,10.0.0.2:7001") else {
            panic!()
        };
        let addresses: Vec<String> = nodes.iter().map(|n| n.addr.to_string()).collect();
        assert_eq!(addresses, ["10.0.0.1:7000", "10.0.0.2:7001"]);
        // The password is every node's.
        assert!(nodes.iter().all(|n| n.redis.password.as_deref() == Some("secret")));

        let Deployment::Sentinel {
            sentinels,
            service,
            primary,
        } = parse("redis+sentinel://user:pw@s1:26379,s2:26380/logins/3")
        else {
            panic!()
        };
        let addresses: Vec<String> = sentinels.iter().map(|n| n.addr.to_string()).collect();
        assert_eq!(addresses, ["s1:26379", "s2:26380"]);
        assert_eq!(service, "logins");
        // The password and database are the primary's; the sentinels are
        // asked without them.
        assert_eq!(
            (primary.username.as_deref(), primary.password.as_deref(), primary.db),
            (Some("user"), Some("pw"), 3)
        );
        assert!(sentinels.iter().all(|n| n.redis.password.is_none()));
    }

    #[test]
    fn passwords_stay_out_of_debug_and_errors() {
        for url in [
            "redis://:hunter2@127.0.0.1:1/0",
            "redis+cluster://u:hunter2@127.0.0.1:1,127.0.0.1:2",
            "redis+sentinel://u:hunter2@127.0.0.1:1/service",
        ] {
            let builder = RedisBuilder::new(parse(url));
            assert!(!format!("{builder:?}").contains("hunter2"), "{builder:?}");
            // Nothing listens on ports 1 and 2: connecting fails.
            let error = builder.build().unwrap_err();
            assert!(!format!("{error} {error:?}").contains("hunter2"));
        }
        let error = refused("redis+cluster://u:hunter2@h:notaport");
        assert!(!error.contains("hunter2"), "{error}");
    }

    #[test]
    fn bad_urls_say_what_to_write() {
        for url in [
            "redis+cluster://",
            "redis+cluster://h:1/0",
            "redis+sentinel://h:1",
            "redis+sentinel://h:1/",
            "redis+sentinel:///service",
            "http://h:1",
            "redis+cluster://h:notaport",
        ] {
            let error = refused(url);
            assert!(error.contains("redis+cluster://host:port,host:port"), "{url}: {error}");
        }
    }

    #[test]
    fn the_wait_is_on_for_fleets_and_checked() {
        assert_eq!(RedisBuilder::new(parse("redis://h")).wait, None);
        assert_eq!(
            RedisBuilder::new(parse("redis+cluster://h:1")).wait,
            Some(ReplicaWait::ONE)
        );
        assert_eq!(
            RedisBuilder::new(parse("redis+sentinel://h:1/s")).wait,
            Some(ReplicaWait::ONE)
        );
        assert_eq!(
            RedisBuilder::new(parse("redis+cluster://h:1")).no_replica_wait().wait,
            None
        );
        // Settings that would block for ever, or resend a WAIT that the
        // timeout cut, are refused before connecting.
        for (replicas, us, timeout) in [
            (0, 100_000, 5_000),
            (1, 0, 5_000),
            (1, 500, 5_000),
            (1, 2_600_000, 5_000),
            (1, 100_000, 0),
        ] {
            let builder = RedisBuilder::new(parse("redis+cluster://127.0.0.1:1"))
                .wait_for_replicas(ReplicaWait {
                    replicas,
                    timeout: Duration::from_micros(us),
                })
                .timeout(Duration::from_millis(timeout));
            let error = builder.build().unwrap_err().to_string();
            assert!(error.contains("must be"), "{replicas} {us} {timeout}: {error}");
        }
    }
}
