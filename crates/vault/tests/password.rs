//! Password slots: the real Argon2id defaults, wrong passwords, and what a
//! failed unlock leaves on disk (nothing changed).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{CHEAP, Scratch, file_hash, password_vault, random_account};
use twofold_vault::{KdfParams, NewVault, Unlock, Vault, VaultError, backup_path, inspect};

#[test]
fn default_argon2id_parameters_round_trip() {
    let scratch = Scratch::new("default-kdf");
    let path = scratch.path("vault.json");
    let mut vault = Vault::create(
        &path,
        NewVault {
            keychain: None,
            password: Some("pässwörd ✓"),
            kdf: KdfParams::default(),
        },
    )
    .unwrap();
    vault.data.accounts.push(random_account("Bank", "carol"));
    vault.save().unwrap();
    drop(vault);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("\"memory_kib\":65536") && text.contains("\"iterations\":3"),
        "{text}"
    );
    let vault = Vault::open(&path, Unlock::Password("pässwörd ✓")).unwrap();
    assert_eq!(vault.data.accounts[0].name, "carol");
}

#[test]
fn a_wrong_password_changes_nothing() {
    let scratch = Scratch::new("wrong");
    let path = scratch.path("vault.json");
    let mut vault = password_vault(&path, "right");
    vault.data.accounts.push(random_account("A", "a"));
    vault.save().unwrap();
    drop(vault);
    let files = |dir: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = (file_hash(&path), file_hash(&backup_path(&path)), files(&scratch.0));
    for wrong in ["wrong", "Right", "right ", "", "rightright"] {
        let error = Vault::open(&path, Unlock::Password(wrong)).unwrap_err();
        assert!(matches!(error, VaultError::WrongPassword), "{wrong:?}: {error}");
        assert!(error.to_string().starts_with("wrong password"), "{error}");
    }
    assert_eq!(
        (file_hash(&path), file_hash(&backup_path(&path)), files(&scratch.0)),
        before
    );
    assert_eq!(
        Vault::open(&path, Unlock::Password("right"))
            .unwrap()
            .data
            .accounts
            .len(),
        1
    );
}

#[test]
fn inspect_tells_the_slots_without_unlocking() {
    let scratch = Scratch::new("inspect");
    let path = scratch.path("vault.json");
    let vault = password_vault(&path, "pw");
    let info = inspect(&path).unwrap();
    assert_eq!(info.uuid, vault.uuid());
    assert!(info.has_password && !info.has_keychain);
    assert_eq!(info.version, 1);
}

#[test]
fn create_refuses_a_missing_vault_whose_backup_is_there() {
    let scratch = Scratch::new("backup-left");
    let path = scratch.path("vault.json");
    std::fs::write(backup_path(&path), b"the only copy").unwrap();
    let error = Vault::create(
        &path,
        NewVault {
            keychain: None,
            password: Some("pw"),
            kdf: CHEAP,
        },
    )
    .unwrap_err();
    assert!(matches!(error, VaultError::BackupInTheWay(_)), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("vault.json.bak") && message.contains("rename it to vault.json"),
        "{message}"
    );
    assert!(!path.exists(), "a vault was created");
    assert_eq!(std::fs::read(backup_path(&path)).unwrap(), b"the only copy");
}

#[test]
fn create_never_replaces_a_file_and_needs_a_slot() {
    let scratch = Scratch::new("exists");
    let path = scratch.path("vault.json");
    std::fs::write(&path, b"precious").unwrap();
    let error = Vault::create(
        &path,
        NewVault {
            keychain: None,
            password: Some("pw"),
            kdf: CHEAP,
        },
    )
    .unwrap_err();
    assert!(matches!(error, VaultError::AlreadyExists(_)), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), b"precious");
    let other = scratch.path("other.json");
    assert!(matches!(
        Vault::create(
            &other,
            NewVault {
                keychain: None,
                password: None,
                kdf: CHEAP
            }
        ),
        Err(VaultError::LastSlot)
    ));
    assert!(!other.exists());
}

#[test]
fn a_second_opener_is_turned_away_while_the_vault_is_open() {
    let scratch = Scratch::new("locked");
    let path = scratch.path("vault.json");
    let vault = password_vault(&path, "pw");
    let error = Vault::open(&path, Unlock::Password("pw")).unwrap_err();
    assert!(matches!(error, VaultError::Locked(_)), "{error}");
    assert!(error.to_string().contains("another Twofold process is using the vault"));
    drop(vault);
    Vault::open(&path, Unlock::Password("pw")).unwrap();
}

#[test]
fn every_account_field_survives_a_save() {
    let scratch = Scratch::new("fields");
    let path = scratch.path("vault.json");
    let mut vault = password_vault(&path, "pw");
    let uris = [
        "otpauth://totp/SPDX:James?secret=5OM4WOOGPLQEF6UGN3CPEOOLWU&algorithm=SHA256&digits=7&period=20",
        "otpauth://hotp/WWE:Mason?secret=5VAML3X35THCEBVRLV24CGBKOY&algorithm=SHA512&digits=8&counter=10300",
        "otpauth://steam/Boeing:Sophia?secret=JRZCL47CMXVOQMNPZR2F7J4RGI",
    ];
    for uri in uris {
        let mut account: twofold_otp::Account = uri.parse().unwrap();
        account.group = Some("Work".to_owned());
        account.tags = vec!["a".to_owned(), "b".to_owned()];
        account.note = "recovery codes in the safe".to_owned();
        account.favourite = true;
        account.icon = Some("spdx".to_owned());
        vault.data.accounts.push(account);
    }
    vault.data.groups = vec!["Work".to_owned(), "Home".to_owned()];
    vault.data.settings.clipboard_clear_seconds = 45;
    vault.save().unwrap();
    let saved = vault.data.clone();
    drop(vault);
    let vault = Vault::open(&path, Unlock::Password("pw")).unwrap();
    assert_eq!(vault.data.groups, saved.groups);
    assert_eq!(vault.data.settings, saved.settings);
    for (after, before) in vault.data.accounts.iter().zip(&saved.accounts) {
        assert!(after.same_otp(before));
        assert_eq!(after.id, before.id);
        assert_eq!(
            (&after.group, &after.tags, &after.note, after.favourite, &after.icon),
            (
                &before.group,
                &before.tags,
                &before.note,
                before.favourite,
                &before.icon
            )
        );
    }
    assert_eq!(vault.data.accounts.len(), 3);
}

#[test]
fn an_edited_file_cannot_make_an_unlock_take_minutes() {
    let scratch = Scratch::new("kdf-max");
    let path = scratch.path("vault.json");
    drop(password_vault(&path, "pw"));
    let text = std::fs::read_to_string(&path).unwrap();
    let cheap = format!("\"memory_kib\":{}", CHEAP.memory_kib);
    assert!(text.contains(&cheap), "{text}");
    // The checksum is no MAC: whoever edits the header can mend it, as here.
    let mended = |text: &str| {
        use sha2::Digest as _;
        let header = &text[text.find("{\"header\":").unwrap() + 10..text.find(",\"payload\":\"").unwrap()];
        let payload_start = text.find(",\"payload\":\"").unwrap() + 12;
        let payload = &text[payload_start..text.find("\",\"checksum\":\"").unwrap()];
        let mut hasher = sha2::Sha256::new();
        hasher.update(header.as_bytes());
        hasher.update(b".");
        hasher.update(payload.as_bytes());
        let sum: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let old = &text[text.find("\"checksum\":\"").unwrap() + 12..text.rfind('"').unwrap()];
        text.replace(old, &sum)
    };
    // 4 GiB and 1,000 passes: refused before any work, and nothing written.
    for (from, to) in [
        (cheap.clone(), "\"memory_kib\":4194304".to_owned()),
        (
            format!("\"iterations\":{}", CHEAP.iterations),
            "\"iterations\":1000".to_owned(),
        ),
    ] {
        std::fs::write(&path, mended(&text.replacen(&from, &to, 1))).unwrap();
        let before = file_hash(&path);
        let started = std::time::Instant::now();
        let error = Vault::open(&path, Unlock::Password("pw")).unwrap_err();
        assert!(matches!(error, VaultError::KdfParameters(_)), "{error}");
        assert!(error.to_string().contains("at most"), "{error}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "the KDF ran");
        assert_eq!(file_hash(&path), before);
    }
}

/// The payload nonce of the vault file at `path` (its header's `nonce`).
fn payload_nonce(path: &std::path::Path) -> String {
    let file: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    file["header"]["nonce"].as_str().unwrap().to_owned()
}

/// Guard: every save seals the accounts with a fresh nonce. Under one key
/// a repeated AES-GCM nonce leaks the XOR of two versions of the file (the
/// vault and its backup, say) and allows forgeries.
#[test]
fn every_save_seals_with_a_nonce_never_used_before() {
    let scratch = Scratch::new("nonces");
    let path = scratch.path("vault.json");
    let mut vault = password_vault(&path, "pw");
    vault.data.accounts.push(random_account("A", "a"));
    let mut seen = std::collections::HashSet::new();
    for save in 0..1000 {
        vault.save().unwrap();
        let nonce = payload_nonce(&path);
        assert!(seen.insert(nonce.clone()), "save {save} reused the nonce {nonce}");
        assert_ne!(
            payload_nonce(&backup_path(&path)),
            nonce,
            "save {save}: the backup has the same nonce"
        );
    }
}

/// Guard: the backup is the version before the last save, not a copy of the new one.
#[test]
fn after_saves_a_then_b_the_backup_opens_to_a() {
    let scratch = Scratch::new("backup-a-b");
    let path = scratch.path("vault.json");
    let mut vault = password_vault(&path, "pw");
    vault.data.accounts.push(random_account("A", "first"));
    vault.save().unwrap();
    vault.data.accounts.push(random_account("B", "second"));
    vault.save().unwrap();
    drop(vault);
    let backup = twofold_vault::open_backup(&std::fs::read(backup_path(&path)).unwrap(), "pw").unwrap();
    let names: Vec<&str> = backup.accounts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["first"]);
    let vault = Vault::open(&path, Unlock::Password("pw")).unwrap();
    assert_eq!(vault.data.accounts.len(), 2);
}
