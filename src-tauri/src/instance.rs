//! One running app per vault. The first launch takes a file lock and
//! listens on a Unix socket in the user's runtime folder; a later launch
//! (an `otpauth://` link clicked in a browser, or the launcher again) finds
//! the lock taken, hands its links over the socket and exits, before any
//! window is made.
//!
//! Why not tauri-plugin-single-instance: on Linux it needs a session bus,
//! a newer Tauri and a second zbus, for what a lock and a socket do here.
//! Both files live in `$XDG_RUNTIME_DIR` only when it is this user's own
//! (mode 0700): nobody else can take the lock or listen in its place. With
//! no such folder there is no single instance, and each launch is an app
//! of its own (the vault's lock still lets only one open the vault).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read as _, Write as _};
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use crate::links::Links;

/// The most one launch may send: a few links of at most 64 KiB each (the
/// otp crate's bound on a URI).
const MAX_MESSAGE: usize = 1024 * 1024;
/// How long one exchange may take, either side.
const TIMEOUT: Duration = Duration::from_secs(5);
/// How long a later launch keeps trying to reach the running app (which
/// may be starting, or closing) before it gives up.
const PATIENCE: Duration = Duration::from_secs(15);
/// Launches served at once; more wait in the socket's backlog.
const MAX_CLIENTS: usize = 8;

/// What a launch found.
pub(crate) enum Claim {
    /// No other app runs on this vault: this one listens.
    First(Instance),
    /// Another app runs on this vault and has taken the links.
    Handed,
    /// No private runtime folder: no single instance.
    Alone,
    /// Another app holds the lock but took no links in [`PATIENCE`].
    Unanswered(std::io::Error),
}

/// Becomes the vault's running app, serving later launches into the links
/// it returns (which start with `first`, this launch's); or hands `first`
/// (and [`crate::quick::ARG`] when `quick`: open the quick-copy box) to the
/// app running on the vault and exits. Returns too the switch that turns
/// later launches away while the app closes.
pub(crate) fn start(vault: &Path, first: Vec<Zeroizing<String>>, quick: bool) -> (Links, Option<Arc<AtomicBool>>) {
    let mut handed = first;
    if quick {
        handed.push(Zeroizing::new(crate::quick::ARG.to_owned()));
    }
    let claimed = claim(vault, &handed);
    // What stays is this launch's own links (the two arms that exit read
    // nothing more).
    crate::quick::take_arg(&mut handed);
    match claimed {
        Ok(Claim::First(instance)) => {
            let links = Links::new(handed);
            let arrivals = links.clone();
            let closing = instance.serve(move |more| arrivals.arrived(more));
            (links, Some(closing))
        }
        Ok(Claim::Handed) => std::process::exit(0),
        Ok(Claim::Unanswered(e)) => {
            eprintln!(
                "twofold: Twofold runs on this vault already but does not answer ({e}); close it (or end its process) and try again"
            );
            std::process::exit(1);
        }
        Ok(Claim::Alone) => (Links::new(handed), None),
        Err(e) => {
            // No lock or socket could be made: usable still, without the
            // handing over (the vault's own lock keeps a second app out of it).
            eprintln!("twofold: cannot set up the link to later launches ({e}); starting without it");
            (Links::new(handed), None)
        }
    }
}

/// The running app's side: the lock, held for the process's life, and the
/// socket later launches write to.
pub(crate) struct Instance {
    lock: File,
    listener: UnixListener,
    closing: Arc<AtomicBool>,
}

/// The user's own runtime folder: `$XDG_RUNTIME_DIR`, if it is private.
fn private_runtime_dir() -> Option<PathBuf> {
    private(PathBuf::from(std::env::var_os("XDG_RUNTIME_DIR")?))
}

/// `dir`, if it is a folder (not a link to one) that this user owns and
/// nobody else may enter.
fn private(dir: PathBuf) -> Option<PathBuf> {
    let meta = std::fs::symlink_metadata(&dir).ok()?;
    // /proc/self belongs to this process's user: getuid() without libc.
    let me = std::fs::metadata("/proc/self").ok()?.uid();
    (dir.is_absolute() && meta.is_dir() && meta.uid() == me && meta.mode() & 0o077 == 0).then_some(dir)
}

/// The socket's and the lock's paths for the vault at `vault`, in `dir`.
/// The name carries a hash of the vault's absolute path, so that two
/// vaults are two apps.
fn place(dir: &Path, vault: &Path) -> (PathBuf, PathBuf) {
    let absolute = std::path::absolute(vault).unwrap_or_else(|_| vault.to_owned());
    // FNV-1a: stable across Rust versions, so an upgraded app finds the
    // older one's socket.
    let tag = absolute
        .as_os_str()
        .as_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
        });
    let name = format!("twofold-{tag:016x}");
    (dir.join(format!("{name}.sock")), dir.join(format!("{name}.lock")))
}

/// Becomes the vault's running app, or hands `links` to the one running.
pub(crate) fn claim(vault: &Path, links: &[Zeroizing<String>]) -> std::io::Result<Claim> {
    match private_runtime_dir() {
        Some(dir) => claim_in(&dir, vault, links),
        None => Ok(Claim::Alone),
    }
}

/// [`claim`], with the runtime folder given.
fn claim_in(dir: &Path, vault: &Path, links: &[Zeroizing<String>]) -> std::io::Result<Claim> {
    let (socket, lock) = place(dir, vault);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&lock)?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => {
                // A socket left by an app that was killed: nobody listens on it.
                let _ = std::fs::remove_file(&socket);
                let listener = UnixListener::bind(&socket)?;
                return Ok(Claim::First(Instance {
                    lock: file,
                    listener,
                    closing: Arc::new(AtomicBool::new(false)),
                }));
            }
            Err(TryLockError::WouldBlock) => {
                // The running app may be starting (not listening yet) or
                // closing (refusing): try again until it answers or goes.
                match hand(&socket, links) {
                    Ok(()) => return Ok(Claim::Handed),
                    Err(e) if started.elapsed() >= PATIENCE => return Ok(Claim::Unanswered(e)),
                    Err(_) => std::thread::sleep(Duration::from_millis(100)),
                }
            }
            Err(TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// Sends `links` to the running app, one per line, and waits for its "ok".
fn hand(socket: &Path, links: &[Zeroizing<String>]) -> std::io::Result<()> {
    let mut stream = UnixStream::connect(socket)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    // Sized once, so that no reallocation leaves a copy of a secret behind.
    let mut message = Zeroizing::new(String::with_capacity(links.iter().map(|l| l.len() + 1).sum()));
    for link in links {
        message.push_str(link);
        message.push('\n');
    }
    stream.write_all(message.as_bytes())?;
    stream.shutdown(std::net::Shutdown::Write)?;
    let mut answer = String::new();
    stream.take(16).read_to_string(&mut answer)?;
    if answer == "ok\n" {
        Ok(())
    } else {
        Err(std::io::Error::other("the running Twofold did not take the links"))
    }
}

impl Instance {
    /// Serves later launches until the process ends: each one's links
    /// (maybe none, for a plain second launch) go to `arrived`. Returns the
    /// switch that makes it refuse launches while the app closes, so that
    /// they wait for the lock and start an app of their own.
    pub(crate) fn serve(self, arrived: impl Fn(Vec<Zeroizing<String>>) + Send + Sync + 'static) -> Arc<AtomicBool> {
        let closing = Arc::clone(&self.closing);
        let arrived = Arc::new(arrived);
        std::thread::spawn(move || {
            // Held until the process ends: later launches see it taken.
            let _held = self.lock;
            let busy = Arc::new(AtomicUsize::new(0));
            for stream in self.listener.incoming() {
                let Ok(stream) = stream else {
                    // Out of descriptors, say: not a reason to spin.
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                };
                if busy.fetch_add(1, Ordering::SeqCst) >= MAX_CLIENTS {
                    busy.fetch_sub(1, Ordering::SeqCst);
                    continue;
                }
                let (arrived, busy, closing) = (Arc::clone(&arrived), Arc::clone(&busy), Arc::clone(&self.closing));
                std::thread::spawn(move || {
                    if let Some(links) = receive(&stream, &closing) {
                        arrived(links);
                    }
                    busy.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        closing
    }
}

/// The links one launch sent, after answering it; `None` if it sent too
/// much, took longer than [`TIMEOUT`] in all, or the app is closing.
fn receive(stream: &UnixStream, closing: &AtomicBool) -> Option<Vec<Zeroizing<String>>> {
    let deadline = Instant::now() + TIMEOUT;
    stream.set_write_timeout(Some(TIMEOUT)).ok()?;
    // Room for the whole message at once: no reallocation copies a secret.
    let mut buffer = Zeroizing::new(Vec::with_capacity(MAX_MESSAGE));
    let mut chunk = Zeroizing::new([0u8; 4096]);
    loop {
        let left = deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())?;
        stream.set_read_timeout(Some(left)).ok()?;
        let n = (&*stream).read(&mut chunk[..]).ok()?;
        if n == 0 {
            break;
        }
        if buffer.len() + n > MAX_MESSAGE {
            return None;
        }
        buffer.extend_from_slice(chunk.get(..n)?);
    }
    if closing.load(Ordering::SeqCst) {
        return None;
    }
    let text = std::str::from_utf8(&buffer).ok()?;
    let links = text.lines().map(|line| Zeroizing::new(line.to_owned())).collect();
    (&*stream).write_all(b"ok\n").ok()?;
    Some(links)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use std::sync::mpsc;

    use super::*;

    fn links(texts: &[&str]) -> Vec<Zeroizing<String>> {
        texts.iter().map(|t| Zeroizing::new((*t).to_owned())).collect()
    }

    #[test]
    fn a_second_launch_hands_its_links_to_the_first_and_another_vault_is_its_own() {
        let dir = std::env::temp_dir().join(format!("twofold-instance-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let vault = dir.join("vault.json");
        let Claim::First(first) = claim_in(&dir, &vault, &[]).unwrap() else {
            panic!("the first launch did not get the lock")
        };
        let (sent, received) = mpsc::channel();
        let closing = first.serve(move |links| {
            let texts: Vec<String> = links.iter().map(|l| l.to_string()).collect();
            let _ = sent.send(texts);
        });
        // A client that connects and says nothing holds up nobody.
        let (socket, _) = place(&dir, &vault);
        let _silent = UnixStream::connect(&socket).unwrap();
        let link = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME";
        let migration = "otpauth-migration://offline?data=AA";
        let handed = Instant::now();
        assert!(matches!(
            claim_in(&dir, &vault, &links(&[link, migration])).unwrap(),
            Claim::Handed
        ));
        assert!(handed.elapsed() < TIMEOUT, "held up by the silent client");
        assert_eq!(received.recv_timeout(TIMEOUT).unwrap(), [link, migration]);
        // A plain second launch: no links, but the running app hears of it.
        assert!(matches!(claim_in(&dir, &vault, &[]).unwrap(), Claim::Handed));
        assert!(received.recv_timeout(TIMEOUT).unwrap().is_empty());
        // Too much is refused without an answer.
        assert!(hand(&socket, &links(&[&"x".repeat(MAX_MESSAGE + 10)])).is_err());
        // Another vault in the same folder has its own app.
        assert!(matches!(
            claim_in(&dir, &dir.join("other.json"), &[]).unwrap(),
            Claim::First(_)
        ));
        // While the app closes it takes no links: they are not lost to it.
        closing.store(true, Ordering::SeqCst);
        assert!(hand(&socket, &links(&[link])).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn only_a_runtime_folder_of_this_user_alone_is_used() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = std::env::temp_dir().join(format!("twofold-runtime-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let with_mode = |mode: u32| {
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).unwrap();
            private(dir.clone())
        };
        assert_eq!(with_mode(0o700), Some(dir.clone()));
        assert_eq!(with_mode(0o755), None);
        assert_eq!(with_mode(0o770), None);
        // A link to a private folder is not taken.
        let link = dir.with_extension("link");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        assert_eq!(with_mode(0o700), Some(dir.clone()));
        assert_eq!(private(link.clone()), None);
        assert_eq!(private(PathBuf::from("relative")), None);
        let _ = std::fs::remove_file(&link);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
