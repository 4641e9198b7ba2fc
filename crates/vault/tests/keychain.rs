//! The keychain slot against a real Secret Service (gnome-keyring on a
//! private D-Bus session, started by scripts/with-keyring.sh), checked from
//! outside with `secret-tool`, libsecret's own client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::process::Command;

use common::{CHEAP, Scratch, file_hash, random_account};
use twofold_vault::{KeyStore, KeychainError, NewVault, SystemKeychain, Unlock, Vault, VaultError};

fn secret_tool(args: &[&str]) -> std::process::Output {
    Command::new("secret-tool")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run secret-tool ({e}); install libsecret-tools"))
}

fn entry_user(vault: &Vault) -> String {
    vault.keychain_entry().expect("a keychain slot")
}

#[test]
fn keychain_vault_stores_its_key_in_the_secret_service_and_reopens() {
    let scratch = Scratch::new("keychain");
    let path = scratch.path("vault.json");
    let mut vault = Vault::create(
        &path,
        NewVault {
            keychain: Some(&SystemKeychain),
            password: None,
            kdf: CHEAP,
        },
    )
    .unwrap();
    assert!(vault.has_keychain() && !vault.has_password());
    vault.data.accounts.push(random_account("GitHub", "alice"));
    let secret = vault.data.accounts[0].secret.clone();
    vault.save().unwrap();
    let user = entry_user(&vault);
    drop(vault);

    // The Secret Service itself holds a 32-byte entry for this vault.
    let lookup = secret_tool(&["lookup", "service", "twofold", "username", &user]);
    assert!(
        lookup.status.success(),
        "secret-tool lookup: {}",
        String::from_utf8_lossy(&lookup.stderr)
    );
    assert_eq!(lookup.stdout.len(), 32, "the slot key is 32 raw bytes");

    let vault = Vault::open(&path, Unlock::Keychain(&SystemKeychain)).unwrap();
    assert_eq!(vault.data.accounts.len(), 1);
    assert_eq!(vault.data.accounts[0].secret, secret);
    assert_eq!(vault.data.accounts[0].issuer, "GitHub");
    drop(vault);

    // Deleted behind our back: a clear error, and nothing on disk changes.
    let clear = secret_tool(&["clear", "service", "twofold", "username", &user]);
    assert!(clear.status.success());
    let before = file_hash(&path);
    let error = Vault::open(&path, Unlock::Keychain(&SystemKeychain)).unwrap_err();
    assert!(matches!(error, VaultError::Keychain(KeychainError::Missing)), "{error}");
    assert!(error.to_string().contains("unlock it with its password"), "{error}");
    assert_eq!(file_hash(&path), before);
}

#[test]
fn a_foreign_key_in_the_keychain_is_refused_without_damage() {
    let scratch = Scratch::new("mismatch");
    let path = scratch.path("vault.json");
    let vault = Vault::create(
        &path,
        NewVault {
            keychain: Some(&SystemKeychain),
            password: None,
            kdf: CHEAP,
        },
    )
    .unwrap();
    let entry = entry_user(&vault).trim_start_matches("vault-").to_owned();
    drop(vault);
    // The keychain never overwrites an entry: a foreign key must replace it by hand.
    assert!(matches!(
        SystemKeychain.store(&entry, &[7u8; 32]),
        Err(KeychainError::Exists(_))
    ));
    SystemKeychain.delete(&entry).unwrap();
    SystemKeychain.store(&entry, &[7u8; 32]).unwrap();
    let before = file_hash(&path);
    let error = Vault::open(&path, Unlock::Keychain(&SystemKeychain)).unwrap_err();
    assert!(matches!(error, VaultError::KeychainKeyMismatch), "{error}");
    assert_eq!(file_hash(&path), before);
    SystemKeychain.delete(&entry).unwrap();
}

#[test]
fn both_slots_each_open_the_vault_and_slots_can_change() {
    let scratch = Scratch::new("both");
    let path = scratch.path("vault.json");
    let mut vault = Vault::create(
        &path,
        NewVault {
            keychain: Some(&SystemKeychain),
            password: Some("correct horse"),
            kdf: CHEAP,
        },
    )
    .unwrap();
    vault.data.accounts.push(random_account("Okta", "bob"));
    vault.save().unwrap();
    let user = entry_user(&vault);
    drop(vault);

    for unlock in [Unlock::Keychain(&SystemKeychain), Unlock::Password("correct horse")] {
        let vault = Vault::open(&path, unlock).unwrap();
        assert_eq!(vault.data.accounts[0].name, "bob");
    }

    // Keychain off: its entry goes, the password still opens.
    let mut vault = Vault::open(&path, Unlock::Password("correct horse")).unwrap();
    vault.disable_keychain(&SystemKeychain).unwrap();
    assert!(
        !secret_tool(&["lookup", "service", "twofold", "username", &user])
            .status
            .success()
    );
    assert!(matches!(
        vault.remove_password(&SystemKeychain),
        Err(VaultError::LastSlot)
    ));
    assert!(matches!(
        vault.disable_keychain(&SystemKeychain),
        Err(VaultError::NoKeychainSlot)
    ));
    drop(vault);
    assert!(matches!(
        Vault::open(&path, Unlock::Keychain(&SystemKeychain)),
        Err(VaultError::NoKeychainSlot)
    ));

    // Keychain back on, password off: only the keychain opens it.
    let mut vault = Vault::open(&path, Unlock::Password("correct horse")).unwrap();
    vault.enable_keychain(&SystemKeychain).unwrap();
    assert!(matches!(
        vault.enable_keychain(&SystemKeychain),
        Err(VaultError::SlotExists("keychain"))
    ));
    vault.remove_password(&SystemKeychain).unwrap();
    drop(vault);
    assert!(matches!(
        Vault::open(&path, Unlock::Password("correct horse")),
        Err(VaultError::NoPasswordSlot)
    ));
    let mut vault = Vault::open(&path, Unlock::Keychain(&SystemKeychain)).unwrap();
    assert_eq!(vault.data.accounts[0].name, "bob");

    // A password added back, then changed: the old one stops working.
    vault.set_password("first", CHEAP, &SystemKeychain).unwrap();
    vault.set_password("second", CHEAP, &SystemKeychain).unwrap();
    drop(vault);
    assert!(matches!(
        Vault::open(&path, Unlock::Password("first")),
        Err(VaultError::WrongPassword)
    ));
    assert_eq!(
        Vault::open(&path, Unlock::Password("second"))
            .unwrap()
            .data
            .accounts
            .len(),
        1
    );
    // Opened with the keychain: the password is asked before its slot is sealed again.
    let mut vault = Vault::open(&path, Unlock::Keychain(&SystemKeychain)).unwrap();
    assert!(matches!(
        vault.disable_keychain(&SystemKeychain),
        Err(VaultError::PasswordNeeded)
    ));
    vault.check_password("second").unwrap();
    vault.disable_keychain(&SystemKeychain).unwrap();
}

#[test]
fn two_copies_of_a_vault_keep_their_own_entries_in_the_secret_service() {
    let scratch = Scratch::new("copies");
    let path = scratch.path("vault.json");
    let copy = scratch.path("copy.json");
    let mut vault = Vault::create(
        &path,
        NewVault {
            keychain: None,
            password: Some("pw"),
            kdf: CHEAP,
        },
    )
    .unwrap();
    vault.data.accounts.push(random_account("GitLab", "carol"));
    vault.save().unwrap();
    drop(vault);
    std::fs::copy(&path, &copy).unwrap();

    let mut one = Vault::open(&path, Unlock::Password("pw")).unwrap();
    one.enable_keychain(&SystemKeychain).unwrap();
    let mut two = Vault::open(&copy, Unlock::Password("pw")).unwrap();
    two.enable_keychain(&SystemKeychain).unwrap();
    let (entry_one, entry_two) = (entry_user(&one), entry_user(&two));
    assert_ne!(entry_one, entry_two, "the copies share a keychain entry");
    two.disable_keychain(&SystemKeychain).unwrap();
    drop((one, two));

    let lookup = |user: &str| {
        secret_tool(&["lookup", "service", "twofold", "username", user])
            .status
            .success()
    };
    assert!(lookup(&entry_one) && !lookup(&entry_two));
    let mut one = Vault::open(&path, Unlock::Keychain(&SystemKeychain)).unwrap();
    assert_eq!(one.data.accounts[0].name, "carol");
    one.check_password("pw").unwrap();
    one.disable_keychain(&SystemKeychain).unwrap();
    assert!(!lookup(&entry_one));
    drop(Vault::open(&copy, Unlock::Password("pw")).unwrap());
}
