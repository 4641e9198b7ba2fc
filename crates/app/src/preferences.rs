//! Preferences that apply before the vault is unlocked (the theme of the
//! unlock screen, whether the keychain may reopen it), so they live in a
//! small plain file beside the vault, not inside it. None is a secret; a
//! person who can edit the file can read the keychain too, so it guards
//! against someone at the screen, not against the user's own account.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Error;

/// The colours of the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the desktop's light or dark setting.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// The app's preferences, as kept in `preferences.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Preferences {
    /// The window's colours.
    pub theme: Theme,
    /// After a lock, only the password reopens the vault (not the keychain).
    pub ask_password_after_lock: bool,
    /// Codes show as dots until clicked.
    pub hide_codes: bool,
    /// Set when the vault locked with `ask_password_after_lock` on; cleared
    /// by an unlock with the password. Kept in the file so that restarting
    /// the app does not turn a lock into a one-click keychain open.
    pub password_needed: bool,
    /// Closing the window keeps the app in the tray (where there is one).
    pub close_to_tray: bool,
    /// The global shortcut that opens the quick-copy box, as the user wrote
    /// it (`Ctrl+Alt+K`); none: no shortcut.
    pub quick_shortcut: Option<String>,
}

impl Preferences {
    /// Whether the keychain may open the vault now.
    pub fn keychain_allowed(&self) -> bool {
        !(self.ask_password_after_lock && self.password_needed)
    }
}

/// Where the preferences of the vault at `vault` are kept: beside it.
pub fn preferences_path(vault: &Path) -> PathBuf {
    vault.with_file_name("preferences.json")
}

/// The preferences at `path`; the defaults when there is no file yet. A
/// damaged file is an error, not silently the defaults: it may have asked
/// for the password after a lock.
pub fn load_preferences(path: &Path) -> Result<Preferences, Error> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Preferences {
            path: path.display().to_string(),
            reason: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Preferences::default()),
        Err(source) => Err(Error::File {
            action: "read",
            path: path.display().to_string(),
            source,
        }),
    }
}

/// Writes `preferences` to `path` (a new file renamed over the old one).
pub fn save_preferences(path: &Path, preferences: &Preferences) -> Result<(), Error> {
    let mut bytes = serde_json::to_vec_pretty(preferences).map_err(|e| Error::Preferences {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    bytes.push(b'\n');
    crate::write_private(path, &bytes, true)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_missing_file_is_the_defaults_and_a_damaged_one_is_an_error() {
        let dir = std::env::temp_dir().join(format!("twofold-prefs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = preferences_path(&dir.join("vault.json"));
        let _ = std::fs::remove_file(&path);
        assert_eq!(load_preferences(&path).unwrap(), Preferences::default());

        let chosen = Preferences {
            theme: Theme::Dark,
            ask_password_after_lock: true,
            hide_codes: true,
            password_needed: true,
            close_to_tray: true,
            quick_shortcut: Some("Ctrl+Alt+K".into()),
        };
        save_preferences(&path, &chosen).unwrap();
        assert_eq!(load_preferences(&path).unwrap(), chosen);
        // A file from before the tray and the shortcut reads with both off.
        std::fs::write(&path, b"{\"theme\": \"dark\", \"hideCodes\": true}").unwrap();
        let older = load_preferences(&path).unwrap();
        assert!(older.hide_codes && !older.close_to_tray && older.quick_shortcut.is_none());
        assert!(!chosen.keychain_allowed());

        std::fs::write(&path, b"{\"theme\": \"purple\"}").unwrap();
        assert!(matches!(load_preferences(&path), Err(Error::Preferences { .. })));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_keychain_is_refused_only_after_a_lock_with_the_preference_on() {
        let mut preferences = Preferences::default();
        assert!(preferences.keychain_allowed());
        preferences.password_needed = true;
        assert!(preferences.keychain_allowed(), "the preference is off");
        preferences.ask_password_after_lock = true;
        assert!(!preferences.keychain_allowed());
        preferences.password_needed = false;
        assert!(preferences.keychain_allowed(), "no lock since the last password");
    }
}
