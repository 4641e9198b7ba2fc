//! One running app per vault. The first launch takes a file lock and
//! listens on a Unix socket in the user's runtime folder; a later launch
//! (an `otpauth://` link clicked in a browser, or the launcher again) finds
//! the lock taken, hands its links over the socket and exits, before any
//! window is made.
//!
//! Why not tauri-plugin-single-instance: on Linux it needs a session bus,
//! a newer Tauri and a second zbus, for what a lock and a socket do here.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

/// The most one launch may send: a few links of at most 64 KiB each (the
/// otp crate's bound on a URI).
const MAX_MESSAGE: u64 = 1024 * 1024;
/// How long either side waits for the other.
const TIMEOUT: Duration = Duration::from_secs(5);

/// What a launch found.
pub(crate) enum Claim {
    /// No other app runs on this vault: this one listens.
    First(Instance),
    /// Another app runs on this vault and has taken the links.
    Handed,
}

/// The running app's side: the lock, held for the process's life, and the
/// socket later launches write to.
pub(crate) struct Instance {
    lock: File,
    listener: UnixListener,
}

/// The socket's and the lock's paths for the vault at `vault`: in
/// `$XDG_RUNTIME_DIR` (the user's own, mode 0700), else beside the vault.
/// The name carries a hash of the vault's absolute path, so that two vaults
/// are two apps.
fn place(vault: &Path) -> (PathBuf, PathBuf) {
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
    let runtime = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute() && dir.is_dir());
    let (dir, name) = match runtime {
        Some(dir) => (dir, format!("twofold-{tag:016x}")),
        None => (
            absolute.parent().map_or_else(|| PathBuf::from("."), Path::to_owned),
            format!(".twofold-instance-{tag:016x}"),
        ),
    };
    (dir.join(format!("{name}.sock")), dir.join(format!("{name}.lock")))
}

/// Becomes the vault's running app, or hands `links` to the one running.
pub(crate) fn claim(vault: &Path, links: &[Zeroizing<String>]) -> std::io::Result<Claim> {
    let (socket, lock) = place(vault);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&lock)?;
    match file.try_lock() {
        Ok(()) => {
            // A socket left by an app that was killed: nobody listens on it.
            let _ = std::fs::remove_file(&socket);
            let listener = UnixListener::bind(&socket)?;
            std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o600))?;
            Ok(Claim::First(Instance { lock: file, listener }))
        }
        Err(TryLockError::WouldBlock) => {
            hand(&socket, links)?;
            Ok(Claim::Handed)
        }
        Err(TryLockError::Error(e)) => Err(e),
    }
}

/// Sends `links` to the running app, one per line, and waits for its "ok".
fn hand(socket: &Path, links: &[Zeroizing<String>]) -> std::io::Result<()> {
    let started = Instant::now();
    // The running app may have the lock but not be listening yet.
    let mut stream = loop {
        match UnixStream::connect(socket) {
            Ok(stream) => break stream,
            Err(_) if started.elapsed() < TIMEOUT => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(e),
        }
    };
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let mut message = Zeroizing::new(String::new());
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
    /// Serves later launches until the process ends: each one's links (maybe
    /// none, for a plain second launch) go to `arrived`.
    pub(crate) fn serve(self, arrived: impl Fn(Vec<Zeroizing<String>>) + Send + 'static) {
        std::thread::spawn(move || {
            // Held until the process ends: later launches see it taken.
            let _held = self.lock;
            for stream in self.listener.incoming() {
                let Ok(stream) = stream else { continue };
                if let Some(links) = receive(stream) {
                    arrived(links);
                }
            }
        });
    }
}

/// The links one launch sent, after answering it; `None` if it sent too
/// much or stalled.
fn receive(stream: UnixStream) -> Option<Vec<Zeroizing<String>>> {
    stream.set_read_timeout(Some(TIMEOUT)).ok()?;
    stream.set_write_timeout(Some(TIMEOUT)).ok()?;
    let mut links = Vec::new();
    let mut reader = BufReader::new((&stream).take(MAX_MESSAGE + 1));
    let mut read = 0u64;
    loop {
        let mut line = Zeroizing::new(Vec::new());
        let n = reader.read_until(b'\n', &mut line).ok()?;
        if n == 0 {
            break;
        }
        read += n as u64;
        if read > MAX_MESSAGE {
            return None;
        }
        let text = std::str::from_utf8(line.strip_suffix(b"\n").unwrap_or(&line)).ok()?;
        links.push(Zeroizing::new(text.to_owned()));
    }
    (&stream).write_all(b"ok\n").ok()?;
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
        let Claim::First(first) = claim(&vault, &[]).unwrap() else {
            panic!("the first launch did not get the lock")
        };
        let (sent, received) = mpsc::channel();
        first.serve(move |links| {
            let texts: Vec<String> = links.iter().map(|l| l.to_string()).collect();
            let _ = sent.send(texts);
        });
        let link = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME";
        assert!(matches!(
            claim(&vault, &links(&[link, "otpauth-migration://offline?data=AA"])).unwrap(),
            Claim::Handed
        ));
        assert_eq!(
            received.recv_timeout(TIMEOUT).unwrap(),
            [link, "otpauth-migration://offline?data=AA"]
        );
        // A plain second launch: no links, but the running app hears of it.
        assert!(matches!(claim(&vault, &[]).unwrap(), Claim::Handed));
        assert!(received.recv_timeout(TIMEOUT).unwrap().is_empty());
        // Too much is refused without an answer.
        let (socket, _) = place(&vault);
        let huge = links(&[&"x".repeat(usize::try_from(MAX_MESSAGE).unwrap() + 10)]);
        assert!(hand(&socket, &huge).is_err());
        // Another vault in the same folder has its own app.
        assert!(matches!(claim(&dir.join("other.json"), &[]).unwrap(), Claim::First(_)));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
