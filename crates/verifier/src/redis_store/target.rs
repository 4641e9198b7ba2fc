//! Which Redis to reach (one server, a Cluster, a primary behind Sentinel),
//! read from a URL, and how to open a connection to it.

use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use redis::cluster::ClusterClient;
use redis::{Client, ConnectionInfo, IntoConnectionInfo, RedisConnectionInfo};

use super::link::{Link, store_error};
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
#[derive(Clone, Debug)]
pub(super) enum Deployment {
    Single(ConnectionInfo),
    Cluster(Vec<ConnectionInfo>),
    Sentinel {
        sentinels: Vec<ConnectionInfo>,
        service: String,
        primary: RedisConnectionInfo,
    },
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
        if let Some(wait) = self.wait
            && (wait.replicas == 0 || wait.timeout.is_zero() || wait.timeout >= self.timeout)
        {
            return Err(StoreError::Backend(format!(
                "the replica wait must be for at least 1 replica, for more than 0 ms and less than the store's timeout ({} ms), not {} replicas for {} ms",
                self.timeout.as_millis(),
                wait.replicas,
                wait.timeout.as_millis()
            )));
        }
        let target = Target::new(self.deployment, self.timeout)?;
        let link = target.connect()?;
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
    Cluster(ClusterClient),
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
            Deployment::Cluster(nodes) => Kind::Cluster(
                ClusterClient::builder(nodes)
                    .connection_timeout(timeout)
                    .response_timeout(timeout)
                    // Follow a MOVED or ASK, and ride out a TRYAGAIN, but
                    // let a failover show as an error within a second
                    // rather than the default's minutes of sleeping.
                    .retries(3)
                    .min_retry_wait(20)
                    .max_retry_wait(200)
                    .build()
                    .map_err(bad_url)?,
            ),
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
        matches!(self.kind, Kind::Cluster(_))
    }

    /// Opens a connection: to the server; to the Cluster (its slot map read
    /// afresh); or to the primary the first answering sentinel names.
    pub(super) fn connect(&self) -> Result<Link, StoreError> {
        match &self.kind {
            Kind::Single(client) => self.node(client).map(Link::Node),
            Kind::Cluster(client) => {
                let connection = client.get_connection().map_err(store_error)?;
                connection.set_write_timeout(Some(self.timeout)).map_err(store_error)?;
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
            } => {
                let mut failures = Vec::new();
                for sentinel in sentinels {
                    match self.primary_from(sentinel, service, primary) {
                        Ok(link) => return Ok(link),
                        Err(error) => failures.push(error.to_string()),
                    }
                }
                Err(StoreError::Unreachable(format!(
                    "no sentinel named a reachable primary for {service:?}: {}",
                    failures.join("; ")
                )))
            }
        }
    }

    fn node(&self, client: &Client) -> Result<redis::Connection, StoreError> {
        let connection = client.get_connection_with_timeout(self.timeout).map_err(store_error)?;
        connection.set_read_timeout(Some(self.timeout)).map_err(store_error)?;
        connection.set_write_timeout(Some(self.timeout)).map_err(store_error)?;
        Ok(connection)
    }

    /// Asks `sentinel` for the service's primary, connects to it, and
    /// checks that it is a primary (a demoted one that came back is not).
    fn primary_from(
        &self,
        sentinel: &Client,
        service: &str,
        primary: &RedisConnectionInfo,
    ) -> Result<Link, StoreError> {
        let mut asking = self.node(sentinel)?;
        let address: Option<(String, u16)> = redis::cmd("SENTINEL")
            .arg("get-master-addr-by-name")
            .arg(service)
            .query(&mut asking)
            .map_err(store_error)?;
        let Some((host, port)) = address else {
            return Err(StoreError::Backend(format!(
                "{} does not know the service {service:?}",
                sentinel.get_connection_info().addr
            )));
        };
        let info = ConnectionInfo {
            addr: redis::ConnectionAddr::Tcp(host.clone(), port),
            redis: primary.clone(),
        };
        let mut link = Link::Node(self.node(&Client::open(info).map_err(bad_url)?)?);
        let role: Vec<redis::Value> = link.query(&redis::cmd("ROLE"))?;
        match role.first() {
            Some(redis::Value::BulkString(role)) if role == b"master" => Ok(link),
            _ => Err(StoreError::Unreachable(format!(
                "{host}:{port}, named by the sentinels, is not a primary yet"
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
        for (replicas, ms, timeout) in [(0, 100, 5_000), (1, 0, 5_000), (1, 5_000, 5_000), (1, 100, 0)] {
            let builder = RedisBuilder::new(parse("redis+cluster://127.0.0.1:1"))
                .wait_for_replicas(ReplicaWait {
                    replicas,
                    timeout: Duration::from_millis(ms),
                })
                .timeout(Duration::from_millis(timeout));
            let error = builder.build().unwrap_err().to_string();
            assert!(error.contains("must be"), "{replicas} {ms} {timeout}: {error}");
        }
    }
}
