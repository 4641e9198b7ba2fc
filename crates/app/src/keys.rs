//! Changing how the vault opens: its password slot and its keychain slot.
//! The vault crate refuses to remove the last slot; here a change also needs
//! the present password when the vault has one, so that a window left
//! unlocked cannot be given a password, or lose one, by someone passing by.

use twofold_vault::{KdfParams, KeyStore, Vault};

use crate::Error;

/// A change of the vault's slots.
#[derive(Clone, Copy)]
pub enum KeyChange<'a> {
    /// Set the password, or change it.
    SetPassword(&'a str),
    /// Remove the password slot (refused if it is the only one).
    RemovePassword,
    /// Add (true) or remove (false) the keychain slot.
    Keychain(bool),
}

/// Makes `change`, after checking `current` against the password slot when
/// the vault has one; saves. A wrong or missing present password changes nothing.
pub fn change_keys(
    vault: &mut Vault,
    current: Option<&str>,
    change: KeyChange<'_>,
    keychain: &dyn KeyStore,
) -> Result<(), Error> {
    if vault.has_password() {
        let current = current.filter(|p| !p.is_empty()).ok_or(Error::CurrentPasswordNeeded)?;
        vault.check_password(current)?;
    }
    match change {
        KeyChange::SetPassword("") => Err(Error::EmptyPassword),
        KeyChange::SetPassword(password) => Ok(vault.set_password(password, KdfParams::default(), keychain)?),
        KeyChange::RemovePassword => Ok(vault.remove_password(keychain)?),
        KeyChange::Keychain(true) if vault.has_keychain() => Ok(()),
        KeyChange::Keychain(true) => Ok(vault.enable_keychain(keychain)?),
        KeyChange::Keychain(false) if !vault.has_keychain() => Ok(()),
        KeyChange::Keychain(false) => Ok(vault.disable_keychain(keychain)?),
    }
}
