//! The vault steps on a real vault file (password slot; the keychain slot
//! is exercised through the real Secret Service by the CLI's and the app's tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::PathBuf;

use twofold_app::{ErrorKind, Opening};
use twofold_vault::{SystemKeychain, Unlock};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("twofold-app-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("vault.json")
}

#[test]
fn an_add_that_adds_nothing_leaves_the_vault_and_its_backup_as_they_were() {
    let path = scratch("add");
    let mut vault = twofold_app::create(&path, Some("pw"), None).unwrap();
    let accounts = twofold_app::accounts_in_uris(&["otpauth://totp/A:alice?secret=JBSWY3DPEHPK3PXP&issuer=A"]).unwrap();
    let added = twofold_app::add(&mut vault, accounts.clone()).unwrap();
    assert_eq!((added.added.len(), added.skipped.len()), (1, 0));
    let backup = twofold_vault::backup_path(&path);
    let (file, bak) = (std::fs::read(&path).unwrap(), std::fs::read(&backup).unwrap());
    let again = twofold_app::add(&mut vault, accounts).unwrap();
    assert_eq!((again.added.len(), again.skipped.len()), (0, 1));
    assert_eq!(std::fs::read(&path).unwrap(), file, "the vault was rewritten");
    assert_eq!(std::fs::read(&backup).unwrap(), bak, "the backup was rotated");
    drop(vault);
    let vault = twofold_app::open(&path, Unlock::Password("pw")).unwrap();
    assert_eq!(vault.data.accounts.len(), 1);
}

#[test]
fn opening_uses_a_given_password_or_says_to_ask_for_one() {
    let path = scratch("open");
    drop(twofold_app::create(&path, Some("pw"), None).unwrap());
    // No keychain slot and no password given: ask, with no keychain failure to report.
    match twofold_app::open_with(&path, None, &SystemKeychain).unwrap() {
        Opening::AskPassword { keychain_failed: None } => {}
        _ => panic!("expected to be told to ask for the password"),
    }
    match twofold_app::open_with(&path, Some("pw"), &SystemKeychain).unwrap() {
        Opening::Open(vault) => assert_eq!(vault.path(), path),
        _ => panic!("the given password did not open it"),
    }
    let wrong = twofold_app::open_with(&path, Some("nope"), &SystemKeychain)
        .err()
        .unwrap();
    assert_eq!(wrong.kind(), ErrorKind::WrongPassword);
    let missing = twofold_app::open(&path.with_file_name("none.json"), Unlock::Password("pw")).unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::Io);
    std::fs::write(&path, b"{\"format\": \"twofold-vault\", truncated").unwrap();
    let damaged = twofold_app::open_with(&path, Some("pw"), &SystemKeychain)
        .err()
        .unwrap();
    assert_eq!(damaged.kind(), ErrorKind::VaultDamaged);
}

/// A key store in memory: the keychain slot's steps without the Secret Service.
#[derive(Default)]
struct MemoryKeychain(std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>);

impl twofold_vault::KeyStore for MemoryKeychain {
    fn store(&self, vault_id: &str, key: &[u8]) -> Result<(), twofold_vault::KeychainError> {
        self.0.lock().unwrap().insert(vault_id.to_owned(), key.to_vec());
        Ok(())
    }
    fn load(&self, vault_id: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, twofold_vault::KeychainError> {
        let keys = self.0.lock().unwrap();
        let key = keys.get(vault_id).ok_or(twofold_vault::KeychainError::Missing)?;
        Ok(zeroize::Zeroizing::new(key.clone()))
    }
    fn delete(&self, vault_id: &str) -> Result<(), twofold_vault::KeychainError> {
        self.0.lock().unwrap().remove(vault_id);
        Ok(())
    }
}

#[test]
fn a_key_change_needs_the_present_password_and_never_leaves_the_vault_without_a_way_in() {
    use twofold_app::KeyChange;
    let path = scratch("keys");
    let keychain = MemoryKeychain::default();
    let mut vault = twofold_app::create(&path, Some("old"), None).unwrap();
    let kind = |r: Result<(), twofold_app::Error>| r.err().unwrap().kind();

    assert_eq!(
        kind(twofold_app::change_keys(
            &mut vault,
            None,
            KeyChange::SetPassword("new"),
            &keychain
        )),
        ErrorKind::PasswordRequired
    );
    assert_eq!(
        kind(twofold_app::change_keys(
            &mut vault,
            Some("wrong"),
            KeyChange::RemovePassword,
            &keychain
        )),
        ErrorKind::WrongPassword
    );
    assert_eq!(
        kind(twofold_app::change_keys(
            &mut vault,
            Some("old"),
            KeyChange::RemovePassword,
            &keychain
        )),
        ErrorKind::LastSlot,
        "the password was the only way in"
    );
    assert_eq!(
        kind(twofold_app::change_keys(
            &mut vault,
            Some("old"),
            KeyChange::SetPassword(""),
            &keychain
        )),
        ErrorKind::Invalid
    );
    twofold_app::change_keys(&mut vault, Some("old"), KeyChange::SetPassword("new"), &keychain).unwrap();
    drop(vault);
    let refused = twofold_app::open(&path, Unlock::Password("old")).err().unwrap();
    assert_eq!(refused.kind(), ErrorKind::WrongPassword);
    let mut vault = twofold_app::open(&path, Unlock::Password("new")).unwrap();

    twofold_app::change_keys(&mut vault, Some("new"), KeyChange::Keychain(true), &keychain).unwrap();
    twofold_app::change_keys(&mut vault, Some("new"), KeyChange::RemovePassword, &keychain).unwrap();
    assert!(!vault.has_password() && vault.has_keychain());
    // Keychain only: turning it off would leave no way in; no password is asked for.
    assert_eq!(
        kind(twofold_app::change_keys(
            &mut vault,
            None,
            KeyChange::Keychain(false),
            &keychain
        )),
        ErrorKind::LastSlot
    );
    twofold_app::change_keys(&mut vault, None, KeyChange::SetPassword("again"), &keychain).unwrap();
    drop(vault);
    drop(twofold_app::open(&path, Unlock::Keychain(&keychain)).unwrap());
    drop(twofold_app::open(&path, Unlock::Password("again")).unwrap());
}
