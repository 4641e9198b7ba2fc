//! The session: the unlocked vault and everything that guards it: the lock
//! epoch, one opening at a time, the idle clock, and the hooks that run on
//! lock (the clipboard, the camera, a pending screen scan, the page).

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use twofold_vault::{KeychainError, SystemKeychain, Unlock, Vault, VaultError};
use zeroize::Zeroizing;

use crate::error::AppError;
use crate::view::Status;

/// Something to end when the vault locks; runs with the vault's mutex held,
/// so it must not use the session's vault.
type LockHook = Box<dyn Fn() + Send + Sync>;

/// The vault file, the vault when unlocked, and what locking needs.
pub(crate) struct Session {
    path: PathBuf,
    vault: Mutex<Option<Vault>>,
    /// The user's last input in the window, as the page reports it; wall
    /// clock time, which (unlike `Instant`) runs on while the machine sleeps.
    last_input: Mutex<SystemTime>,
    /// Locked during this run (by the user or when idle): the keychain is
    /// not used to reopen the vault until the user asks.
    locked_this_run: AtomicBool,
    /// Counts locks: an unlock that began before a lock must not finish
    /// after it, and work begun in one epoch must not land in the next.
    epoch: AtomicU64,
    /// Held while a vault is being opened or created: one at a time.
    opening: Mutex<()>,
    on_lock: Mutex<Vec<LockHook>>,
}

impl Session {
    /// A locked session on the vault at `path`.
    pub(crate) fn new(path: PathBuf) -> Self {
        Self {
            path,
            vault: Mutex::new(None),
            last_input: Mutex::new(SystemTime::now()),
            locked_this_run: AtomicBool::new(false),
            epoch: AtomicU64::new(0),
            opening: Mutex::new(()),
            on_lock: Mutex::new(Vec::new()),
        }
    }

    /// Runs `hook` at every lock, after the vault is closed.
    pub(crate) fn on_lock(&self, hook: impl Fn() + Send + Sync + 'static) {
        if let Ok(mut hooks) = self.on_lock.lock() {
            hooks.push(Box::new(hook));
        }
    }

    /// The app's preferences (they apply while locked too).
    pub(crate) fn preferences(&self) -> Result<twofold_app::Preferences, AppError> {
        Ok(twofold_app::load_preferences(&twofold_app::preferences_path(
            &self.path,
        ))?)
    }

    /// Whether the keychain may open the vault: not after a lock when the
    /// user asked for the password then (this run, or a lock kept on disk),
    /// nor while the preferences are unreadable (they may have asked), unless
    /// the vault has no password to ask for.
    fn keychain_refused(&self, has_password: bool) -> Option<AppError> {
        if !has_password {
            return None;
        }
        match self.preferences() {
            Ok(p)
                if p.keychain_allowed()
                    && !(p.ask_password_after_lock && self.locked_this_run.load(Ordering::Relaxed)) =>
            {
                None
            }
            Ok(_) => Some(AppError::new(
                "password_required",
                "After a lock this vault opens with its password only (Settings: after a lock, ask for the \
                 password); type it",
            )),
            Err(e) => Some(AppError::new(
                "password_required",
                format!("{}; until then the vault opens with its password", e.message),
            )),
        }
    }

    /// Keeps `preferences`.
    pub(crate) fn set_preferences(&self, preferences: &twofold_app::Preferences) -> Result<(), AppError> {
        Ok(twofold_app::save_preferences(
            &twofold_app::preferences_path(&self.path),
            preferences,
        )?)
    }

    /// The number of locks so far: work that began in an earlier epoch is stale.
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    /// Whether a vault exists, is open, and how it can be opened.
    pub(crate) fn status(&self) -> Status {
        let unlocked = self.vault.lock().map(|v| v.is_some()).unwrap_or(false);
        let mut status = Status {
            exists: true,
            unlocked,
            has_keychain: false,
            has_password: false,
            auto_open: false,
            keychain_allowed: false,
            problem: None,
            links_waiting: 0,
        };
        match twofold_vault::inspect(&self.path) {
            Ok(info) => {
                status.has_keychain = info.has_keychain;
                status.has_password = info.has_password;
                status.keychain_allowed = info.has_keychain && self.keychain_refused(info.has_password).is_none();
                status.auto_open = status.keychain_allowed && !self.locked_this_run.load(Ordering::Relaxed);
            }
            Err(_) if !self.path.exists() => status.exists = false,
            Err(e) => {
                status.unlocked = false;
                status.problem = Some(e.to_string());
            }
        }
        status
    }

    /// Creates the vault: a keychain slot (when `keychain`), a password slot
    /// (when a password is given), and keeps it open.
    pub(crate) fn create(&self, password: Option<&str>, keychain: bool) -> Result<(), AppError> {
        let _one_at_a_time = self.opening.lock()?;
        let epoch = self.epoch();
        let vault = twofold_app::create(
            &self.path,
            password,
            keychain.then_some(&SystemKeychain as &dyn twofold_vault::KeyStore),
        )
        .map_err(|e| match e {
            // The library's advice names the CLI; here the answer is on screen.
            twofold_app::Error::Vault(VaultError::Keychain(KeychainError::Unavailable { detail })) => AppError::new(
                "keychain",
                format!("{}, so the vault's key cannot be kept there", no_keychain(&detail)),
            ),
            e => e.into(),
        })?;
        self.opened(vault, epoch)
    }

    /// Opens the vault with the keychain, or with `password`.
    pub(crate) fn unlock(&self, password: Option<&str>) -> Result<(), AppError> {
        let _one_at_a_time = self.opening.lock()?;
        let epoch = self.epoch();
        // Open already (a double click): opening again would wait on our own lock.
        if self.vault.lock()?.is_some() {
            return Ok(());
        }
        let unlock = match password {
            Some(password) => Unlock::Password(password),
            None => {
                let has_password = twofold_vault::inspect(&self.path).is_ok_and(|info| info.has_password);
                if let Some(refused) = self.keychain_refused(has_password) {
                    return Err(refused);
                }
                Unlock::Keychain(&SystemKeychain)
            }
        };
        let by_password = matches!(unlock, Unlock::Password(_));
        let vault = twofold_app::open(&self.path, unlock).map_err(|e| {
            unlock_error(e, || {
                twofold_vault::inspect(&self.path).is_ok_and(|info| info.has_password)
            })
        })?;
        // The password was given: the keychain may open the vault again
        // until the next lock. Left as it is if it cannot be written (the
        // safe way round: the password is asked once more).
        if let Some(mut preferences) = self.preferences().ok().filter(|p| by_password && p.password_needed) {
            preferences.password_needed = false;
            let _ = self.set_preferences(&preferences);
        }
        self.opened(vault, epoch)
    }

    /// Keeps the vault just opened, unless a lock came while it was opening;
    /// the idle clock starts now.
    fn opened(&self, vault: Vault, epoch: u64) -> Result<(), AppError> {
        let mut slot = self.vault.lock()?;
        if self.epoch() != epoch {
            return Err(AppError::new(
                "locked",
                "the app was locked while the vault was opening; unlock again",
            ));
        }
        *self.last_input.lock()? = SystemTime::now();
        *slot = Some(vault);
        Ok(())
    }

    /// Locks now: the vault is closed and the lock hooks run, all under the
    /// vault's mutex (as a copy holds it), so that nothing lands after.
    pub(crate) fn lock(&self) {
        let mut vault = match self.vault.lock() {
            Ok(vault) => vault,
            Err(poisoned) => poisoned.into_inner(),
        };
        self.locked_this_run.store(true, Ordering::Relaxed);
        self.epoch.fetch_add(1, Ordering::SeqCst);
        if vault.take().is_some() {
            // Kept on disk, so that a restart does not reopen with the keychain.
            if let Some(mut preferences) = self.preferences().ok().filter(|p| p.ask_password_after_lock) {
                preferences.password_needed = true;
                let _ = self.set_preferences(&preferences);
            }
        }
        if let Ok(hooks) = self.on_lock.lock() {
            for hook in hooks.iter() {
                hook();
            }
        }
    }

    /// The user did something in the window: the idle clock starts again.
    pub(crate) fn touch(&self) {
        if let Ok(mut last) = self.last_input.lock() {
            *last = SystemTime::now();
        }
    }

    /// Locks if the vault is open and the user has been idle for its
    /// auto-lock minutes; true when it locked.
    pub(crate) fn lock_if_idle(&self) -> bool {
        let minutes = match self.vault.lock() {
            Ok(vault) => vault.as_ref().map_or(0, |v| v.data.settings.auto_lock_minutes),
            Err(_) => 0,
        };
        // Wall clock: a machine that slept past the idle time locks on waking.
        let idle = self
            .last_input
            .lock()
            .map_or(Duration::ZERO, |t| t.elapsed().unwrap_or(Duration::ZERO));
        if minutes > 0 && idle >= Duration::from_secs(u64::from(minutes) * 60) {
            self.lock();
            return true;
        }
        false
    }

    /// Runs `work` on the unlocked vault, holding it throughout.
    pub(crate) fn with_vault<T>(&self, work: impl FnOnce(&Vault) -> Result<T, AppError>) -> Result<T, AppError> {
        let guard = self.vault.lock()?;
        work(guard.as_ref().ok_or_else(AppError::locked)?)
    }

    /// Runs `work` on the unlocked vault to change it; `work` saves what it
    /// changes (through `twofold_app`, or `Vault::save`).
    pub(crate) fn with_vault_mut<T>(
        &self,
        work: impl FnOnce(&mut Vault) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut guard = self.vault.lock()?;
        work(guard.as_mut().ok_or_else(AppError::locked)?)
    }
}

/// A password from the page, wiped when dropped; empty means none.
pub(crate) fn given(password: &Option<Zeroizing<String>>) -> Option<&str> {
    password.as_deref().map(String::as_str).filter(|p| !p.is_empty())
}

/// Why the vault did not open, in the app's words: the library's keychain
/// advice names CLI commands, and here the way out is the password field,
/// when the vault has a password (`has_password` reads the file, so only
/// keychain failures ask).
fn unlock_error(e: twofold_app::Error, has_password: impl FnOnce() -> bool) -> AppError {
    let twofold_app::Error::Vault(VaultError::Keychain(
        failure @ (KeychainError::Missing | KeychainError::Unavailable { .. }),
    )) = e
    else {
        return e.into();
    };
    let has_password = has_password();
    let message = match failure {
        KeychainError::Unavailable { detail } if has_password => format!(
            "{}. Unlock the vault with its password, or start a Secret Service such as gnome-keyring and try \
             the keychain again.",
            no_keychain(&detail)
        ),
        KeychainError::Unavailable { detail } => format!(
            "{}. Start a Secret Service such as gnome-keyring (in a desktop session it usually runs already) \
             and try the keychain again.",
            no_keychain(&detail)
        ),
        _ if has_password => "The keychain has no key for this vault (was the entry deleted, or is the vault \
            from another computer?). Unlock it with its password."
            .to_owned(),
        _ => "The keychain has no key for this vault (was the entry deleted, or is the vault from another \
              computer?). It has no password, so it cannot be opened here; restore your accounts from an \
              export or backup into a new vault."
            .to_owned(),
    };
    AppError::new("keychain", message)
}

/// The start of every message about a keychain that did not answer.
fn no_keychain(detail: &str) -> String {
    format!("No system keychain answered ({detail})")
}

#[cfg(test)]
mod tests {
    use twofold_vault::{KeychainError, VaultError};

    use super::unlock_error;

    fn vault(error: VaultError) -> twofold_app::Error {
        twofold_app::Error::Vault(error)
    }

    #[test]
    fn keychain_failures_point_to_what_the_vault_has_and_name_no_cli_command() {
        let missing = || vault(VaultError::Keychain(KeychainError::Missing));
        let unavailable = || {
            vault(VaultError::Keychain(KeychainError::Unavailable {
                detail: "no session bus".to_owned(),
            }))
        };
        let with_password = unlock_error(missing(), || true).message;
        assert!(with_password.contains("Unlock it with its password"), "{with_password}");
        let without = unlock_error(missing(), || false).message;
        assert!(
            without.contains("has no password") && !without.contains("Unlock it with"),
            "{without}"
        );
        let no_service = unlock_error(unavailable(), || true).message;
        assert!(
            no_service.contains("no session bus") && no_service.contains("with its password"),
            "{no_service}"
        );
        let no_service = unlock_error(unavailable(), || false).message;
        assert!(!no_service.contains("password"), "{no_service}");
        for error in [
            unlock_error(missing(), || true),
            unlock_error(missing(), || false),
            unlock_error(unavailable(), || true),
            unlock_error(unavailable(), || false),
        ] {
            assert!(!error.message.contains("twofold "), "{}", error.message);
            assert_eq!(error.kind, "keychain");
        }
        // Everything else keeps the library's words and kind.
        let wrong = unlock_error(vault(VaultError::WrongPassword), || true);
        assert_eq!(wrong.message, VaultError::WrongPassword.to_string());
        assert_eq!(wrong.kind, "wrong_password");
    }
}
