//! Crash-safe file replacement and the advisory lock.
//!
//! A save writes a temp file in the vault's folder, fsyncs it, renames it
//! over the vault and fsyncs the folder: at every instant the vault's path
//! holds either the old file or the new one, whole.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::crypto::fill_random;
use crate::error::{VaultError, io_error};

/// How long to wait for another process to release the vault.
const LOCK_WAIT: Duration = Duration::from_secs(3);

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The prefix of temp files for `path`: `.<name>.tmp-`.
fn temp_prefix(path: &Path) -> String {
    format!(
        ".{}.tmp-",
        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
    )
}

fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Makes the folder that will hold a vault, private to the user where the OS allows.
pub(crate) fn create_folder(path: &Path) -> Result<(), VaultError> {
    let folder = folder_of(path);
    if folder.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(&folder).map_err(io_error(&folder))
}

fn sync_folder(folder: &Path) -> Result<(), VaultError> {
    #[cfg(unix)]
    File::open(folder)
        .and_then(|dir| dir.sync_all())
        .map_err(io_error(folder))?;
    #[cfg(not(unix))]
    let _ = folder;
    Ok(())
}

/// Replaces `path` with `bytes` atomically and durably.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), VaultError> {
    let folder = folder_of(path);
    let mut suffix = [0u8; 8];
    fill_random(&mut suffix)?;
    let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    let temp = folder.join(format!("{}{suffix}", temp_prefix(path)));

    let written = (|| {
        let mut file = create_private(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(source) = written {
        let _ = fs::remove_file(&temp);
        return Err(VaultError::Io { path: temp, source });
    }
    if let Err(source) = fs::rename(&temp, path) {
        let _ = fs::remove_file(&temp);
        return Err(VaultError::Io {
            path: path.to_path_buf(),
            source,
        });
    }
    sync_folder(&folder)
}

/// Removes temp files that a killed save left behind. They hold only
/// ciphertext, but they are clutter. Called under the lock, so no other
/// save is writing one.
pub(crate) fn remove_stale_temps(path: &Path) {
    let prefix = temp_prefix(path);
    let Ok(entries) = fs::read_dir(folder_of(path)) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// An exclusive advisory lock on `<vault>.lock`, held while a vault is open.
#[derive(Debug)]
pub(crate) struct VaultLock {
    _file: File,
}

/// The lock file beside a vault.
pub(crate) fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".lock");
    path.with_file_name(name)
}

impl VaultLock {
    /// Takes the lock, waiting a few seconds for another process to let go.
    pub(crate) fn acquire(vault: &Path) -> Result<Self, VaultError> {
        let path = lock_path(vault);
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&path).map_err(io_error(&path))?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self { _file: file }),
                Err(fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(fs::TryLockError::WouldBlock) => return Err(VaultError::Locked(vault.to_path_buf())),
                Err(fs::TryLockError::Error(source)) => return Err(VaultError::Io { path, source }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("twofold-fsio-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = scratch("atomic");
        let path = dir.join("vault.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("vault.json")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stale_temps_are_removed() {
        let dir = scratch("stale");
        let path = dir.join("vault.json");
        fs::write(dir.join(".vault.json.tmp-deadbeef"), b"x").unwrap();
        fs::write(dir.join("other.txt"), b"x").unwrap();
        remove_stale_temps(&path);
        assert!(!dir.join(".vault.json.tmp-deadbeef").exists());
        assert!(dir.join("other.txt").exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn lock_is_exclusive_within_and_across_handles() {
        let dir = scratch("lock");
        let path = dir.join("vault.json");
        let held = VaultLock::acquire(&path).unwrap();
        assert!(matches!(VaultLock::acquire(&path), Err(VaultError::Locked(_))));
        drop(held);
        VaultLock::acquire(&path).unwrap();
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_lock_let_go_within_the_wait_is_taken() {
        let dir = scratch("lock-wait");
        let path = dir.join("vault.json");
        let held = VaultLock::acquire(&path).unwrap();
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            drop(held);
        });
        VaultLock::acquire(&path).unwrap();
        releaser.join().unwrap();
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_bare_file_name_lives_in_the_current_folder() {
        assert_eq!(folder_of(Path::new("vault.json")), Path::new("."));
        assert_eq!(folder_of(Path::new("/data/vault.json")), Path::new("/data"));
        assert_eq!(folder_of(Path::new("sub/vault.json")), Path::new("sub"));
    }
}
