//! Real Redis fleets on loopback for the tests: a 3-primary, 3-replica
//! Cluster (`redis-cli --cluster create`), and a primary with a replica
//! watched by three Sentinels. Each node is a redis-server of this machine
//! in a temporary folder; all are killed when the fleet is dropped.

use std::collections::{BTreeSet, HashMap};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a node may take to be seen down (the Cluster's node timeout,
/// the Sentinels' down-after): short, so that a failover takes seconds.
pub const DOWN_AFTER_MS: u64 = 1_000;

/// The Sentinel service name.
pub const SERVICE: &str = "twofold";

/// Runs `redis-cli -p port args...` and returns what it printed (raw).
pub fn cli(port: u16, args: &[&str]) -> String {
    let output = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "--raw"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run redis-cli ({e}); install it with: apt-get install redis-tools"));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Polls `check` every 50 ms for up to `limit`, panicking with `what`.
pub fn until(limit: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(
            started.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Ports (and bus ports) this process has handed out: tests run side by
/// side, and a port the OS offers again after one test let go of its probe
/// may still be on its way to that test's redis-server.
static TAKEN: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());

/// `count` free loopback ports, each with port + 10000 free too (a
/// Cluster node's bus port), none handed out before in this process.
fn free_ports(count: usize) -> Vec<u16> {
    let mut taken = TAKEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut ports = Vec::new();
    let mut held = Vec::new();
    while ports.len() < count {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let Some(bus) = port.checked_add(10_000) else { continue };
        if taken.contains(&port) || taken.contains(&bus) {
            continue;
        }
        let Ok(bus_listener) = TcpListener::bind(("127.0.0.1", bus)) else {
            continue;
        };
        taken.extend([port, bus]);
        held.push(listener);
        held.push(bus_listener);
        ports.push(port);
    }
    ports
}

/// Whether a primary's `INFO replication` shows its replica in sync. (The
/// nodes sync from a file, so a replica online gets the stream at once; a
/// socket sync would hold it back until the replica's first
/// acknowledgement, and a WAIT before that fails.)
fn replica_in_sync(info: &str) -> bool {
    info.contains("role:master")
        && info
            .lines()
            .any(|line| line.starts_with("slave0:") && line.contains("state=online"))
}

/// A random number, for unique folder names.
pub fn rand_suffix() -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    u64::from_le_bytes(bytes)
}

/// A temporary folder of this process, for one server or fleet.
pub fn scratch(kind: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("twofold-{kind}-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts `redis-server` with `args`, logging into `dir`.
fn spawn(dir: &Path, name: &str, args: &[String]) -> Child {
    let log = std::fs::File::create(dir.join(format!("{name}.log"))).unwrap();
    Command::new("redis-server")
        .args(args)
        .stdout(log)
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start redis-server ({e}); install it with: apt-get install redis-server"))
}

fn node_args(dir: &Path, port: u16) -> Vec<String> {
    [
        "--port",
        &port.to_string(),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        // A replica synced over a socket (the default) gets the stream only
        // after its first acknowledgement, up to a second later, and WAIT
        // fails until then; from a file it gets it at once (and without the
        // socket sync's 5-second gathering delay).
        "--repl-diskless-sync",
        "no",
        "--dir",
        &dir.display().to_string(),
    ]
    .map(str::to_owned)
    .to_vec()
}

/// A Cluster node's arguments.
fn cluster_node_args(dir: &Path, port: u16) -> Vec<String> {
    let mut args = node_args(dir, port);
    for arg in [
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        &format!("nodes-{port}.conf"),
        "--cluster-node-timeout",
        &DOWN_AFTER_MS.to_string(),
        // The other primaries' users go on while one shard fails over (the
        // default stops the whole Cluster).
        "--cluster-require-full-coverage",
        "no",
    ] {
        args.push(arg.to_owned());
    }
    args
}

/// Nodes by port; killed, and their folder removed, on drop.
pub struct Nodes {
    children: HashMap<u16, Child>,
    dir: PathBuf,
}

impl Nodes {
    fn new(dir: PathBuf) -> Self {
        Self {
            children: HashMap::new(),
            dir,
        }
    }

    /// Starts a node and waits until it answers.
    fn start(&mut self, port: u16, name: &str, args: &[String]) {
        self.children.insert(port, spawn(&self.dir, name, args));
        until(Duration::from_secs(20), "a node to answer", || {
            cli(port, &["PING"]).trim() == "PONG"
        });
    }

    fn kill(&mut self, port: u16) {
        let mut child = self.children.remove(&port).expect("a node of this fleet");
        // Child::kill sends SIGKILL: no goodbye to the replicas.
        child.kill().unwrap();
        child.wait().unwrap();
    }

    fn signal(&self, port: u16, signal: &str) {
        let pid = self.children[&port].id().to_string();
        assert!(Command::new("kill").args([signal, &pid]).status().unwrap().success());
    }
}

impl Drop for Nodes {
    fn drop(&mut self) {
        for child in self.children.values_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            eprintln!("the fleet's logs are kept in {}", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// One redis-server on a loopback port: the single-node figure beside
/// the fleets' (the tests' own `RedisServer` listens on a Unix socket).
pub struct RedisAlone {
    _nodes: Nodes,
    port: u16,
}

impl RedisAlone {
    /// Starts it and waits until it answers.
    pub fn start() -> Self {
        let dir = scratch("alone");
        let port = free_ports(1)[0];
        let mut nodes = Nodes::new(dir.clone());
        nodes.start(port, "alone", &node_args(&dir, port));
        Self { _nodes: nodes, port }
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

/// A line of `CLUSTER NODES`: the node's port, whether it is a primary,
/// and the slot ranges it serves.
struct Shard {
    port: u16,
    primary: bool,
    ranges: Vec<(u16, u16)>,
}

/// A Redis Cluster of three primaries, each with one replica.
pub struct RedisCluster {
    nodes: Nodes,
    ports: Vec<u16>,
}

impl RedisCluster {
    /// Starts the six nodes, joins them, and waits until every slot is
    /// served and every replica is in sync.
    pub fn start() -> Self {
        let dir = scratch("cluster");
        let ports = free_ports(6);
        let mut nodes = Nodes::new(dir.clone());
        for &port in &ports {
            nodes.start(port, &format!("node-{port}"), &cluster_node_args(&dir, port));
        }
        let cluster = Self { nodes, ports };
        let addresses: Vec<String> = cluster.ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
        let created = Command::new("redis-cli")
            .arg("--cluster")
            .arg("create")
            .args(&addresses)
            .args(["--cluster-replicas", "1", "--cluster-yes"])
            .stdout(Stdio::null())
            .output()
            .unwrap();
        assert!(
            created.status.success(),
            "redis-cli --cluster create failed: {}",
            String::from_utf8_lossy(&created.stderr)
        );
        cluster.wait_healthy(true);
        cluster
    }

    /// Waits until the live nodes all say the Cluster is ok, with three
    /// primaries serving every slot, and, if `replicas`, every primary has a
    /// replica in sync.
    fn wait_healthy(&self, replicas: bool) {
        until(Duration::from_secs(30), "the Cluster to be ok", || {
            self.live().iter().all(|&port| {
                let info = cli(port, &["CLUSTER", "INFO"]);
                let role = cli(port, &["INFO", "replication"]);
                info.contains("cluster_state:ok")
                    && info.contains("cluster_slots_ok:16384")
                    && (!replicas || role.contains("master_link_status:up") || replica_in_sync(&role))
            }) && self.primaries().len() == 3
        });
    }

    /// Ports of the nodes still running.
    pub fn live(&self) -> Vec<u16> {
        self.ports
            .iter()
            .copied()
            .filter(|p| self.nodes.children.contains_key(p))
            .collect()
    }

    /// `CLUSTER NODES` as a live node sees it: (port, is primary, slot
    /// ranges) of the nodes not marked failed.
    fn table(&self) -> Vec<Shard> {
        let Some(&asked) = self.live().first() else {
            return Vec::new();
        };
        cli(asked, &["CLUSTER", "NODES"])
            .lines()
            .filter_map(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                let port = fields.get(1)?.split(['@', ':']).nth(1)?.parse().ok()?;
                let flags = fields.get(2)?;
                if flags.contains("fail") {
                    return None;
                }
                let ranges = fields
                    .iter()
                    .skip(8)
                    .filter(|r| !r.starts_with('['))
                    .filter_map(|r| match r.split_once('-') {
                        Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
                        None => r.parse().ok().map(|s| (s, s)),
                    })
                    .collect();
                Some(Shard {
                    port,
                    primary: flags.contains("master"),
                    ranges,
                })
            })
            .collect()
    }

    /// Ports of the primaries serving slots.
    pub fn primaries(&self) -> Vec<u16> {
        self.table()
            .into_iter()
            .filter(|shard| shard.primary && !shard.ranges.is_empty())
            .map(|shard| shard.port)
            .collect()
    }

    /// The slot Redis itself gives `key`.
    pub fn slot_of(&self, key: &str) -> u16 {
        cli(self.live()[0], &["CLUSTER", "KEYSLOT", key])
            .trim()
            .parse()
            .unwrap()
    }

    /// The port of the primary serving `key`'s slot.
    pub fn primary_of(&self, key: &str) -> u16 {
        let slot = self.slot_of(key);
        self.table()
            .into_iter()
            .find(|shard| shard.primary && shard.ranges.iter().any(|&(a, b)| (a..=b).contains(&slot)))
            .map(|shard| shard.port)
            .expect("a primary serves every slot")
    }

    /// The users named `{stem}-N` for N from 0, first one whose keys sit on
    /// each primary: one user per shard, in the primaries' order.
    pub fn user_per_primary(&self, stem: &str, prefix: &str) -> HashMap<u16, String> {
        let mut users = HashMap::new();
        for n in 0.. {
            let user = format!("{stem}-{n}");
            users
                .entry(self.primary_of(&format!("{prefix}{{{user}}}:device")))
                .or_insert(user);
            if users.len() == 3 {
                return users;
            }
        }
        unreachable!()
    }
}

/// A primary with one replica, watched by three Sentinels (quorum 2).
pub struct RedisSentinel {
    nodes: Nodes,
    /// The data nodes' ports: the first primary, then its replica.
    pub data: [u16; 2],
    sentinels: [u16; 3],
}

impl RedisSentinel {
    /// Starts the primary, its replica and the Sentinels, and waits until
    /// each Sentinel knows the replica and the two other Sentinels.
    pub fn start() -> Self {
        let dir = scratch("sentinel");
        let ports = free_ports(5);
        let (data, sentinels) = ([ports[0], ports[1]], [ports[2], ports[3], ports[4]]);
        let mut nodes = Nodes::new(dir.clone());
        nodes.start(data[0], "primary", &node_args(&dir, data[0]));
        let mut replica = node_args(&dir, data[1]);
        replica.extend(["--replicaof".to_owned(), "127.0.0.1".to_owned(), data[0].to_string()]);
        nodes.start(data[1], "replica", &replica);
        // The Sentinels find the replica in the primary's INFO, which they
        // read again only every 10 s: start them once it is there.
        until(Duration::from_secs(30), "the replica to sync", || {
            replica_in_sync(&cli(data[0], &["INFO", "replication"]))
        });
        for port in sentinels {
            // A Sentinel rewrites its file, so each has its own.
            let conf = dir.join(format!("sentinel-{port}.conf"));
            std::fs::write(
                &conf,
                format!(
                    "port {port}\nbind 127.0.0.1\ndir {dir}\n\
                     sentinel monitor {SERVICE} 127.0.0.1 {primary} 2\n\
                     sentinel down-after-milliseconds {SERVICE} {DOWN_AFTER_MS}\n\
                     sentinel failover-timeout {SERVICE} 5000\n",
                    dir = dir.display(),
                    primary = data[0],
                ),
            )
            .unwrap();
            let args = vec![conf.display().to_string(), "--sentinel".to_owned()];
            nodes.start(port, &format!("sentinel-{port}"), &args);
        }
        let fleet = Self { nodes, data, sentinels };
        fleet.wait_watched(data[0]);
        fleet
    }

    /// Waits until every Sentinel names `primary`, knows one replica and
    /// the two other Sentinels.
    fn wait_watched(&self, primary: u16) {
        until(Duration::from_secs(30), "the Sentinels to agree", || {
            self.sentinels.iter().all(|&port| {
                let lines: Vec<String> = cli(port, &["SENTINEL", "MASTER", SERVICE])
                    .lines()
                    .map(str::to_owned)
                    .collect();
                let field = |name: &str| {
                    lines
                        .iter()
                        .position(|l| l == name)
                        .and_then(|i| lines.get(i + 1).cloned())
                        .unwrap_or_default()
                };
                field("port") == primary.to_string()
                    && field("num-slaves") == "1"
                    && field("num-other-sentinels") == "2"
                    && field("flags") == "master"
            })
        });
    }
}

/// What the tests do to a fleet, whatever its shape.
pub trait Fleet {
    /// The URL a store opens.
    fn url(&self) -> String;
    /// The port of the primary holding `key`.
    fn primary_for(&self, key: &str) -> u16;
    /// The port of `primary`'s replica.
    fn replica_of(&self, primary: u16) -> u16;
    /// Waits until a replica has taken over from the killed `primary`.
    fn wait_taken_over(&self, primary: u16);
    /// Starts a new node as a replica of `primary`, and waits until it is
    /// in sync (as an operator replaces a dead node; a dead node restarted
    /// from its disk would, for a moment, believe it still served its old
    /// slots).
    fn add_replica(&mut self, primary: u16);
    /// The fleet's processes.
    fn nodes(&mut self) -> &mut Nodes;

    /// SIGKILLs the node on `port`.
    fn kill(&mut self, port: u16) {
        self.nodes().kill(port);
    }

    /// Sends `signal` (`-STOP`, `-CONT`) to the node on `port`.
    fn signal(&mut self, port: u16, signal: &str) {
        self.nodes().signal(port, signal);
    }
}

impl Fleet for RedisCluster {
    fn url(&self) -> String {
        let nodes: Vec<String> = self.ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
        format!("redis+cluster://{}", nodes.join(","))
    }

    fn primary_for(&self, key: &str) -> u16 {
        self.primary_of(key)
    }

    fn replica_of(&self, primary: u16) -> u16 {
        self.live()
            .into_iter()
            .find(|&port| {
                let info = cli(port, &["INFO", "replication"]);
                info.contains("role:slave") && info.contains(&format!("master_port:{primary}"))
            })
            .expect("every primary has a replica")
    }

    /// Every live node says another node serves the killed primary's
    /// slots, and all slots are served (the new primary has no replica
    /// yet).
    fn wait_taken_over(&self, primary: u16) {
        let owns = |line: &str| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields.get(1).is_some_and(|a| a.contains(&format!(":{primary}@"))) && fields.len() > 8
        };
        until(Duration::from_secs(30), "a replica to take over", || {
            self.live()
                .iter()
                .all(|&node| !cli(node, &["CLUSTER", "NODES"]).lines().any(owns))
        });
        self.wait_healthy(false);
    }

    fn add_replica(&mut self, primary: u16) {
        let port = free_ports(1)[0];
        let dir = self.nodes.dir.clone();
        self.nodes
            .start(port, &format!("node-{port}"), &cluster_node_args(&dir, port));
        self.ports.push(port);
        let ok = |args: &[&str]| cli(port, args).trim() == "OK";
        assert!(ok(&["CLUSTER", "MEET", "127.0.0.1", &primary.to_string()]));
        let id = cli(primary, &["CLUSTER", "MYID"]).trim().to_owned();
        // REPLICATE needs the primary known, which the meeting's gossip
        // brings in a moment.
        until(Duration::from_secs(30), "the new node to replicate", || {
            ok(&["CLUSTER", "REPLICATE", &id])
        });
        self.wait_healthy(true);
    }

    fn nodes(&mut self) -> &mut Nodes {
        &mut self.nodes
    }
}

impl Fleet for RedisSentinel {
    fn url(&self) -> String {
        let sentinels: Vec<String> = self.sentinels.iter().map(|p| format!("127.0.0.1:{p}")).collect();
        format!("redis+sentinel://{}/{SERVICE}", sentinels.join(","))
    }

    fn primary_for(&self, _: &str) -> u16 {
        self.data[0]
    }

    fn replica_of(&self, _: u16) -> u16 {
        self.data[1]
    }

    /// The Sentinels all name the replica as the primary, and it says it
    /// is one.
    fn wait_taken_over(&self, _: u16) {
        until(Duration::from_secs(30), "the Sentinels to promote the replica", || {
            self.sentinels.iter().all(|&port| {
                cli(port, &["SENTINEL", "GET-MASTER-ADDR-BY-NAME", SERVICE])
                    .lines()
                    .nth(1)
                    .is_some_and(|p| p == self.data[1].to_string())
            }) && cli(self.data[1], &["ROLE"]).starts_with("master")
        });
    }

    fn add_replica(&mut self, primary: u16) {
        let port = free_ports(1)[0];
        let mut args = node_args(&self.nodes.dir, port);
        args.extend(["--replicaof".to_owned(), "127.0.0.1".to_owned(), primary.to_string()]);
        self.nodes.start(port, &format!("replica-{port}"), &args);
        until(Duration::from_secs(30), "the new replica to sync", || {
            replica_in_sync(&cli(primary, &["INFO", "replication"]))
        });
    }

    fn nodes(&mut self) -> &mut Nodes {
        &mut self.nodes
    }
}
