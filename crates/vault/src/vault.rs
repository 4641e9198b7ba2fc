//! The vault: create, open with a slot, change, save, and manage slots.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::crypto::{KdfParams, Key, fill_random, random_nonce};
use crate::error::{VaultError, backup_path, io_error};
use crate::format::{self, FORMAT_NAME, FORMAT_VERSION, Header, ParseError, ParsedFile, Slot, slot_aad};
use crate::fsio::{self, VaultLock};
use crate::keychain::{KeyStore, KeychainError};
use crate::record::{PayloadRecord, VaultData};

/// How to open a vault.
pub enum Unlock<'a> {
    /// With the key of its keychain slot, from this key store (normally [`crate::SystemKeychain`]).
    Keychain(&'a dyn KeyStore),
    /// With the password of its password slot.
    Password(&'a str),
}

/// The slots of a new vault: the keychain, a password, or both.
pub struct NewVault<'a> {
    /// Keep a slot key in this key store.
    pub keychain: Option<&'a dyn KeyStore>,
    /// Protect a slot with this password.
    pub password: Option<&'a str>,
    /// Argon2id costs for the password slot.
    pub kdf: KdfParams,
}

/// What can be learnt of a vault file without unlocking it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultInfo {
    /// The vault's UUID (names its keychain entry).
    pub uuid: String,
    /// Format version of the file.
    pub version: u32,
    /// Whether a keychain slot exists.
    pub has_keychain: bool,
    /// Whether a password slot exists.
    pub has_password: bool,
    /// The keychain slot's entry (its user name under the `twofold` service), if there is one.
    pub keychain_entry: Option<String>,
}

/// An open, unlocked vault. It holds the advisory lock until dropped, so
/// no other process writes the file meanwhile.
pub struct Vault {
    path: PathBuf,
    uuid: String,
    slots: Vec<Slot>,
    key: Key,
    /// The accounts, groups and settings; change them, then [`Vault::save`].
    pub data: VaultData,
    /// The bytes now on disk, written to the backup by the next save.
    on_disk: Option<Vec<u8>>,
    /// The password slot's key, once the password was given (opening with
    /// it, or [`Vault::check_password`]): a slot change seals it again.
    password_key: Option<Key>,
    _lock: VaultLock,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path)
            .field("uuid", &self.uuid)
            .finish_non_exhaustive()
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, VaultError> {
    let metadata = std::fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => VaultError::NotFound(path.to_path_buf()),
        _ => VaultError::Io {
            path: path.to_path_buf(),
            source,
        },
    })?;
    if metadata.len() > format::MAX_FILE_BYTES {
        return Err(VaultError::Foreign {
            path: path.to_path_buf(),
            reason: "far too large for a vault".to_owned(),
        });
    }
    std::fs::read(path).map_err(io_error(path))
}

fn parse_file(path: &Path, bytes: &[u8]) -> Result<ParsedFile, VaultError> {
    format::parse(bytes).map_err(|error| match error {
        ParseError::Foreign(reason) => VaultError::Foreign {
            path: path.to_path_buf(),
            reason,
        },
        ParseError::Corrupt(reason) => VaultError::Corrupt {
            path: path.to_path_buf(),
            reason,
        },
        ParseError::Newer(found) => VaultError::NewerVersion {
            path: path.to_path_buf(),
            found,
            supported: FORMAT_VERSION,
        },
    })
}

/// Reads what a vault file says of itself, without unlocking it.
pub fn inspect(path: &Path) -> Result<VaultInfo, VaultError> {
    let parsed = parse_file(path, &read_file(path)?)?;
    Ok(VaultInfo {
        uuid: parsed.header.uuid.clone(),
        version: parsed.header.version,
        has_keychain: parsed.header.slots.iter().any(|s| matches!(s, Slot::Keychain { .. })),
        has_password: parsed.header.slots.iter().any(|s| matches!(s, Slot::Password { .. })),
        keychain_entry: parsed
            .header
            .slots
            .iter()
            .find_map(|slot| slot.keychain_entry(&parsed.header.uuid))
            .map(|entry| crate::keychain::entry_user(&entry)),
    })
}

fn keychain_slot(uuid: &str, vault_key: &Key, store: &dyn KeyStore) -> Result<Slot, VaultError> {
    let mut id = [0u8; 8];
    fill_random(&mut id)?;
    let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
    let slot_key = Key::random()?;
    let nonce = random_nonce()?;
    let key = slot_key.seal(&nonce, vault_key.expose(), &slot_aad(uuid, "keychain"))?;
    let slot = Slot::Keychain {
        id: Some(id),
        nonce: nonce.to_vec(),
        key,
    };
    // A fresh id names a new entry: no other slot's (or copy's) key is replaced.
    store.store(&slot.keychain_entry(uuid).unwrap_or_default(), slot_key.expose())?;
    Ok(slot)
}

fn password_slot(uuid: &str, vault_key: &Key, password: &str, kdf: KdfParams) -> Result<(Slot, Key), VaultError> {
    let mut salt = vec![0u8; 32];
    fill_random(&mut salt)?;
    let slot_key = kdf.derive(password.as_bytes(), &salt)?;
    let slot = seal_password_slot(uuid, vault_key, &slot_key, kdf, salt)?;
    Ok((slot, slot_key))
}

/// A password slot holding `vault_key` under `slot_key` (derived with `kdf` from `salt`).
fn seal_password_slot(
    uuid: &str,
    vault_key: &Key,
    slot_key: &Key,
    kdf: KdfParams,
    salt: Vec<u8>,
) -> Result<Slot, VaultError> {
    let nonce = random_nonce()?;
    let key = slot_key.seal(&nonce, vault_key.expose(), &slot_aad(uuid, "password"))?;
    Ok(Slot::Password {
        kdf: "argon2id".to_owned(),
        params: kdf,
        salt,
        nonce: nonce.to_vec(),
        key,
    })
}

/// The keychain `slot` (same id, same entry) sealing `vault_key` under its key `slot_key`.
fn reseal_keychain_slot(uuid: &str, vault_key: &Key, slot: &Slot, slot_key: &[u8]) -> Result<Slot, VaultError> {
    let Slot::Keychain { id, .. } = slot else {
        return Err(VaultError::NoKeychainSlot);
    };
    let slot_key = Key::from_slice(slot_key).ok_or(VaultError::KeychainKeyMismatch)?;
    let nonce = random_nonce()?;
    let key = slot_key.seal(&nonce, vault_key.expose(), &slot_aad(uuid, "keychain"))?;
    Ok(Slot::Keychain {
        id: id.clone(),
        nonce: nonce.to_vec(),
        key,
    })
}

/// The vault key, if `slot_key` opens the keychain `slot` of vault `uuid`.
fn open_keychain_slot(uuid: &str, slot: &Slot, slot_key: &[u8]) -> Option<Key> {
    let Slot::Keychain { nonce, key, .. } = slot else {
        return None;
    };
    let slot_key = Key::from_slice(slot_key)?;
    Key::from_slice(&slot_key.open(nonce, key, &slot_aad(uuid, "keychain"))?)
}

/// Unwraps the vault key from the slot that `unlock` names; with a
/// password, the password slot's key too (kept to seal that slot again).
fn unwrap_key(path: &Path, uuid: &str, slots: &[Slot], unlock: &Unlock<'_>) -> Result<(Key, Option<Key>), VaultError> {
    let corrupt = |reason: &str| VaultError::Corrupt {
        path: path.to_path_buf(),
        reason: reason.to_owned(),
    };
    match unlock {
        Unlock::Keychain(store) => {
            let slot = slots
                .iter()
                .find(|slot| matches!(slot, Slot::Keychain { .. }))
                .ok_or(VaultError::NoKeychainSlot)?;
            let stored = store.load(&slot.keychain_entry(uuid).unwrap_or_default())?;
            let vault_key = open_keychain_slot(uuid, slot, &stored).ok_or(VaultError::KeychainKeyMismatch)?;
            Ok((vault_key, None))
        }
        Unlock::Password(password) => {
            let (kdf, params, salt, nonce, sealed) = slots
                .iter()
                .find_map(|slot| match slot {
                    Slot::Password {
                        kdf,
                        params,
                        salt,
                        nonce,
                        key,
                    } => Some((kdf, params, salt, nonce, key)),
                    Slot::Keychain { .. } => None,
                })
                .ok_or(VaultError::NoPasswordSlot)?;
            if kdf != "argon2id" {
                return Err(corrupt(&format!("unknown password KDF {kdf:?}")));
            }
            let slot_key = params.derive(password.as_bytes(), salt)?;
            let vault_key = slot_key
                .open(nonce, sealed, &slot_aad(uuid, "password"))
                .ok_or(VaultError::WrongPassword)?;
            let vault_key = Key::from_slice(&vault_key)
                .ok_or_else(|| corrupt("the password slot holds a key of the wrong size"))?;
            Ok((vault_key, Some(slot_key)))
        }
    }
}

/// The default vault path: `<data dir>/twofold/vault.json` (on Linux
/// `~/.local/share/twofold/vault.json`); `None` where the OS names no data dir.
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join("twofold").join("vault.json"))
}

impl Vault {
    /// Creates a new, empty vault at `path` with the slots asked for, and
    /// saves it. Refuses to replace any existing file.
    pub fn create(path: &Path, new: NewVault<'_>) -> Result<Self, VaultError> {
        if new.keychain.is_none() && new.password.is_none() {
            return Err(VaultError::LastSlot);
        }
        if path.exists() {
            return Err(VaultError::AlreadyExists(path.to_path_buf()));
        }
        // The first save of a new vault rotates whatever `.bak` is there.
        if backup_path(path).exists() {
            return Err(VaultError::BackupInTheWay(path.to_path_buf()));
        }
        fsio::create_folder(path)?;
        let lock = VaultLock::acquire(path)?;
        if path.exists() {
            return Err(VaultError::AlreadyExists(path.to_path_buf()));
        }
        let uuid = uuid::Uuid::new_v4().hyphenated().to_string();
        let key = Key::random()?;
        let mut slots = Vec::new();
        let mut password_key = None;
        if let Some(password) = new.password {
            let (slot, slot_key) = password_slot(&uuid, &key, password, new.kdf)?;
            slots.push(slot);
            password_key = Some(slot_key);
        }
        if let Some(store) = new.keychain {
            slots.push(keychain_slot(&uuid, &key, store)?);
        }
        let mut vault = Self {
            path: path.to_path_buf(),
            uuid,
            slots,
            key,
            data: VaultData::default(),
            on_disk: None,
            password_key,
            _lock: lock,
        };
        vault.save()?;
        Ok(vault)
    }

    /// Opens and decrypts the vault at `path`. A failure changes nothing on disk.
    pub fn open(path: &Path, unlock: Unlock<'_>) -> Result<Self, VaultError> {
        let lock = VaultLock::acquire(path)?;
        let bytes = read_file(path)?;
        let (header, (key, password_key), data) = unseal(path, &bytes, &unlock)?;
        Ok(Self {
            path: path.to_path_buf(),
            uuid: header.uuid,
            slots: header.slots,
            key,
            data,
            on_disk: Some(bytes),
            password_key,
            _lock: lock,
        })
    }

    /// Encrypts and writes the vault: the previous file becomes the backup
    /// (`<file>.bak`), then the new one replaces it atomically.
    pub fn save(&mut self) -> Result<(), VaultError> {
        fsio::remove_stale_temps(&self.path);
        let bytes = seal(&self.path, &self.uuid, &self.slots, &self.key, &self.data)?;
        if let Some(previous) = &self.on_disk {
            fsio::write_atomic(&backup_path(&self.path), previous)?;
        }
        fsio::write_atomic(&self.path, &bytes)?;
        self.on_disk = Some(bytes);
        Ok(())
    }

    /// Where the vault lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The vault's UUID.
    pub fn uuid(&self) -> &str {
        &self.uuid
    }

    /// Whether the vault opens with the keychain.
    pub fn has_keychain(&self) -> bool {
        self.slots.iter().any(|s| matches!(s, Slot::Keychain { .. }))
    }

    /// Whether the vault opens with a password.
    pub fn has_password(&self) -> bool {
        self.slots.iter().any(|s| matches!(s, Slot::Password { .. }))
    }

    /// Whether `password` opens this vault's password slot: asked again
    /// before a slot changes, so that an unlocked window left alone cannot
    /// be given a password of someone else's choosing. When it does, the
    /// slot's key is kept, to seal that slot again at the next key change.
    pub fn check_password(&mut self, password: &str) -> Result<(), VaultError> {
        let (_, slot_key) = unwrap_key(&self.path, &self.uuid, &self.slots, &Unlock::Password(password))?;
        self.password_key = slot_key;
        Ok(())
    }

    /// The keychain entry of the vault's keychain slot (the user name
    /// `secret-tool lookup service twofold username <this>` finds), if it has one.
    pub fn keychain_entry(&self) -> Option<String> {
        self.slots
            .iter()
            .find_map(|slot| slot.keychain_entry(&self.uuid))
            .map(|entry| crate::keychain::entry_user(&entry))
    }

    /// Sets the password, or changes it; the keys change ([`Vault::rekey`]).
    /// `store` keeps the keychain slot's new key, when the vault has one.
    pub fn set_password(&mut self, password: &str, kdf: KdfParams, store: &dyn KeyStore) -> Result<(), VaultError> {
        let keychain = self.has_keychain();
        self.rekey(store, keychain, PasswordSlot::New(password, kdf))
    }

    /// Removes the password slot; refused if it is the only way in. The keys change.
    pub fn remove_password(&mut self, store: &dyn KeyStore) -> Result<(), VaultError> {
        if !self.has_password() {
            return Err(VaultError::NoPasswordSlot);
        }
        if !self.has_keychain() {
            return Err(VaultError::LastSlot);
        }
        self.rekey(store, true, PasswordSlot::None)
    }

    /// Adds a keychain slot, its key a new entry in `store`. The keys change,
    /// so the password slot is sealed again: its password must have been given.
    pub fn enable_keychain(&mut self, store: &dyn KeyStore) -> Result<(), VaultError> {
        if self.has_keychain() {
            return Err(VaultError::SlotExists("keychain"));
        }
        self.rekey(store, true, PasswordSlot::Keep)
    }

    /// Removes the keychain slot and its entry; refused if it is the only
    /// way in. The keys change, as for [`Vault::enable_keychain`].
    pub fn disable_keychain(&mut self, store: &dyn KeyStore) -> Result<(), VaultError> {
        if !self.has_keychain() {
            return Err(VaultError::NoKeychainSlot);
        }
        if !self.has_password() {
            return Err(VaultError::LastSlot);
        }
        self.rekey(store, false, PasswordSlot::Keep)
    }

    /// Replaces the vault key: a fresh key, sealed in the keychain slot when
    /// `keychain` (the one there, under its key in `store`, or a new one
    /// with an entry of its own) and in the password slot `password` asks
    /// for; the accounts sealed again, and the backup rewritten under the new
    /// key, so that neither an old password nor the old vault key opens
    /// anything written from now on. A keychain slot dropped loses its entry,
    /// only if that entry opens it. Copies of the file made before still
    /// open with the secrets they had.
    pub fn rekey(
        &mut self,
        store: &dyn KeyStore,
        keychain: bool,
        password: PasswordSlot<'_>,
    ) -> Result<(), VaultError> {
        let old_password = self.slots.iter().find_map(|slot| match slot {
            Slot::Password { params, salt, .. } => Some((*params, salt.clone())),
            Slot::Keychain { .. } => None,
        });
        let old_keychain: Vec<Slot> = self
            .slots
            .iter()
            .filter(|s| matches!(s, Slot::Keychain { .. }))
            .cloned()
            .collect();
        if !keychain && matches!(password, PasswordSlot::None) {
            return Err(VaultError::LastSlot);
        }
        // Everything that can fail for want of a password, before anything changes.
        let kept_password = match (&password, &old_password, &self.password_key) {
            (PasswordSlot::Keep, Some(_), None) => return Err(VaultError::PasswordNeeded),
            (PasswordSlot::Keep, None, _) if !keychain => return Err(VaultError::LastSlot),
            (PasswordSlot::Keep, Some((params, salt)), Some(slot_key)) => Some((*params, salt.clone(), slot_key)),
            _ => None,
        };
        // The previous version, for the backup, read while the old key is at hand.
        let previous = match &self.on_disk {
            Some(bytes) => Some(open_payload(&self.path, &parse_file(&self.path, bytes)?, &self.key)?),
            None => None,
        };

        let key = Key::random()?;
        let mut slots = Vec::new();
        let mut password_key = None;
        match password {
            PasswordSlot::New(password, kdf) => {
                let (slot, slot_key) = password_slot(&self.uuid, &key, password, kdf)?;
                slots.push(slot);
                password_key = Some(slot_key);
            }
            PasswordSlot::Keep => {
                if let Some((params, salt, slot_key)) = kept_password {
                    slots.push(seal_password_slot(&self.uuid, &key, slot_key, params, salt)?);
                    password_key = Key::from_slice(slot_key.expose());
                }
            }
            PasswordSlot::None => {}
        }
        if keychain {
            // The keychain slot keeps its entry (a copy of the file made
            // before shares it, and must not lose it), sealing the new key;
            // a new slot, or one whose entry is gone, gets an entry of its own.
            let kept = match old_keychain.first() {
                Some(slot) => match store.load(&slot.keychain_entry(&self.uuid).unwrap_or_default()) {
                    Ok(stored) if open_keychain_slot(&self.uuid, slot, &stored).is_some() => {
                        Some(reseal_keychain_slot(&self.uuid, &key, slot, &stored)?)
                    }
                    Ok(_) => return Err(VaultError::KeychainKeyMismatch),
                    Err(KeychainError::Missing) => None,
                    Err(error) => return Err(error.into()),
                },
                None => None,
            };
            match kept {
                Some(slot) => slots.push(slot),
                None => slots.push(keychain_slot(&self.uuid, &key, store)?),
            }
        }

        fsio::remove_stale_temps(&self.path);
        let bytes = seal(&self.path, &self.uuid, &slots, &key, &self.data)?;
        if let Some(previous) = previous {
            let backup = seal(&self.path, &self.uuid, &slots, &key, &previous)?;
            fsio::write_atomic(&backup_path(&self.path), &backup)?;
        }
        fsio::write_atomic(&self.path, &bytes)?;
        self.key = key;
        self.slots = slots;
        self.password_key = password_key;
        self.on_disk = Some(bytes);

        // An entry whose slot is gone is deleted, but only if it opens that
        // slot: one that does not belongs to something else, and stays.
        if keychain {
            return Ok(());
        }
        for slot in old_keychain {
            let Some(entry) = slot.keychain_entry(&self.uuid) else {
                continue;
            };
            match store.load(&entry) {
                Ok(stored) if open_keychain_slot(&self.uuid, &slot, &stored).is_some() => {
                    store.delete(&entry)?;
                }
                Ok(_) | Err(KeychainError::Missing) => {}
                Err(error) => return Err(error.into()),
            }
        }
        Ok(())
    }
}

/// The password slot a key change makes.
#[derive(Clone, Copy)]
pub enum PasswordSlot<'a> {
    /// A new password (a fresh salt).
    New(&'a str, KdfParams),
    /// The same password, sealing the new key (needs it given: opened with
    /// it, or [`Vault::check_password`]); none if the vault has none.
    Keep,
    /// No password slot.
    None,
}

/// The whole file for these slots and data, sealed under `key` with a fresh nonce.
fn seal(path: &Path, uuid: &str, slots: &[Slot], key: &Key, data: &VaultData) -> Result<Vec<u8>, VaultError> {
    let nonce = random_nonce()?;
    let header = Header {
        format: FORMAT_NAME.to_owned(),
        version: FORMAT_VERSION,
        uuid: uuid.to_owned(),
        slots: slots.to_vec(),
        nonce: nonce.to_vec(),
    };
    let header_text = format::header_text(&header);
    let plaintext = serialize_payload(path, &PayloadRecord::from_data(data))?;
    let sealed = key.seal(&nonce, &plaintext, header_text.as_bytes())?;
    Ok(format::serialize(&header_text, &sealed))
}

/// Parses, unlocks and decrypts a vault file's bytes; `path` names it in errors.
#[allow(clippy::type_complexity)]
fn unseal(
    path: &Path,
    bytes: &[u8],
    unlock: &Unlock<'_>,
) -> Result<(Header, (Key, Option<Key>), VaultData), VaultError> {
    let parsed = parse_file(path, bytes)?;
    let keys = unwrap_key(path, &parsed.header.uuid, &parsed.header.slots, unlock)?;
    let data = open_payload(path, &parsed, &keys.0)?;
    Ok((parsed.header, keys, data))
}

/// The accounts of a parsed vault file, decrypted with the vault key `key`.
fn open_payload(path: &Path, parsed: &ParsedFile, key: &Key) -> Result<VaultData, VaultError> {
    let corrupt = |reason: String| VaultError::Corrupt {
        path: path.to_path_buf(),
        reason,
    };
    let plaintext = key
        .open(&parsed.header.nonce, &parsed.payload, parsed.header_text.as_bytes())
        .ok_or_else(|| corrupt("the encrypted accounts do not authenticate".to_owned()))?;
    let record: PayloadRecord =
        serde_json::from_slice(&plaintext).map_err(|e| corrupt(format!("the accounts do not parse: {e}")))?;
    record.into_data().map_err(corrupt)
}

/// A portable encrypted backup: a complete vault file, in memory, with only
/// a password slot, that [`open_backup`] (or `Vault::open` once written to
/// disk) reads with the same password.
pub fn seal_backup(data: &VaultData, password: &str, kdf: KdfParams) -> Result<Vec<u8>, VaultError> {
    let uuid = uuid::Uuid::new_v4().hyphenated().to_string();
    let key = Key::random()?;
    let slots = vec![password_slot(&uuid, &key, password, kdf)?.0];
    seal(Path::new("backup"), &uuid, &slots, &key, data)
}

/// Reads a backup made by [`seal_backup`] (or any vault file with a password slot).
pub fn open_backup(bytes: &[u8], password: &str) -> Result<VaultData, VaultError> {
    Ok(unseal(Path::new("backup"), bytes, &Unlock::Password(password))?.2)
}

/// Whether the bytes are a Twofold vault file (by its header; nothing is decrypted).
pub fn is_vault_file(bytes: &[u8]) -> bool {
    format::parse(bytes).is_ok()
}

/// Serialises the payload into one buffer of exactly the right size, so
/// that no reallocation leaves a copy of the secrets in freed memory.
fn serialize_payload(path: &Path, record: &PayloadRecord) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let failed = |e: serde_json::Error| VaultError::Io {
        path: path.to_path_buf(),
        source: e.into(),
    };
    let mut count = Count(0);
    serde_json::to_writer(&mut count, record).map_err(failed)?;
    let mut buffer = Zeroizing::new(Vec::with_capacity(count.0));
    serde_json::to_writer(&mut *buffer, record).map_err(failed)?;
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keychain::MemoryKeychain;

    const CHEAP: KdfParams = KdfParams {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
    };

    /// A new vault at `path` whose password slot (if any) derives cheaply.
    fn cheap_vault(path: &Path, keychain: Option<&dyn KeyStore>, password: Option<&str>) -> Vault {
        Vault::create(
            path,
            NewVault {
                keychain,
                password,
                kdf: CHEAP,
            },
        )
        .unwrap()
    }

    #[test]
    fn keeping_a_password_a_keychain_only_vault_lacks_needs_the_keychain() {
        let path = scratch("rekey-keep");
        let store = MemoryKeychain::default();
        let mut vault = cheap_vault(&path, Some(&store), None);
        // Without the keychain and with no password to keep, nothing would open it.
        assert!(matches!(
            vault.rekey(&store, false, PasswordSlot::Keep),
            Err(VaultError::LastSlot)
        ));
        // With the keychain it is a fresh key under the same slot.
        vault.rekey(&store, true, PasswordSlot::Keep).unwrap();
        drop(vault);
        Vault::open(&path, Unlock::Keychain(&store)).unwrap();
    }

    #[test]
    fn a_keychain_entry_that_does_not_open_its_slot_is_neither_adopted_nor_deleted() {
        let path = scratch("rekey-foreign-entry");
        let store = MemoryKeychain::default();
        let mut vault = cheap_vault(&path, Some(&store), Some("pw"));
        let entry = vault.slots.iter().find_map(|s| s.keychain_entry(vault.uuid())).unwrap();
        store.delete(&entry).unwrap();
        store.store(&entry, &[7u8; 32]).unwrap();
        let before = std::fs::read(&path).unwrap();
        // Kept, the slot would be sealed under a key that is not the vault's.
        assert!(matches!(
            vault.rekey(&store, true, PasswordSlot::Keep),
            Err(VaultError::KeychainKeyMismatch)
        ));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        // Dropped, the slot goes, and the entry (someone else's) stays.
        vault.rekey(&store, false, PasswordSlot::Keep).unwrap();
        assert_eq!(store.load(&entry).unwrap().as_slice(), &[7u8; 32]);
        drop(vault);
        Vault::open(&path, Unlock::Password("pw")).unwrap();
    }

    #[test]
    fn a_backup_opens_with_its_password_and_is_a_vault_file() {
        let mut data = VaultData::default();
        let secret = twofold_otp::Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        data.accounts.push(twofold_otp::Account::new(
            "GitHub",
            "ana",
            secret,
            twofold_otp::Kind::Hotp { counter: 0 },
        ));
        let bytes = seal_backup(&data, "backup pw", CHEAP).unwrap();
        assert!(is_vault_file(&bytes));
        let opened = open_backup(&bytes, "backup pw").unwrap();
        assert_eq!(opened.accounts.len(), 1);
        assert!(opened.accounts[0].same_otp(&data.accounts[0]));
        assert!(matches!(open_backup(&bytes, "wrong"), Err(VaultError::WrongPassword)));
        assert!(!is_vault_file(br#"{"header":{"format":"aegis"}}"#));
        assert!(!is_vault_file(b"otpauth://totp/A?secret=JBSWY3DPEHPK3PXP"));
    }

    #[test]
    fn the_default_vault_is_in_the_users_data_folder() {
        let path = default_path().unwrap();
        assert!(path.ends_with("twofold/vault.json"), "{}", path.display());
        assert!(path.starts_with(dirs::data_dir().unwrap()), "{}", path.display());
    }

    #[test]
    fn a_vault_prints_its_path_and_id_only_and_a_missing_one_is_not_found() {
        let path = scratch("debug");
        let vault = cheap_vault(&path, None, Some("pw"));
        let printed = format!("{vault:?}");
        assert!(
            printed.starts_with("Vault {") && printed.contains("vault.json"),
            "{printed}"
        );
        assert!(printed.contains(vault.uuid()), "{printed}");
        assert!(!printed.contains("key"), "{printed}");
        drop(vault);
        let missing = path.with_file_name("missing.json");
        assert!(matches!(
            Vault::open(&missing, Unlock::Password("pw")),
            Err(VaultError::NotFound(p)) if p == missing
        ));
    }

    #[test]
    fn keychain_slot_logic_without_a_desktop() {
        let dir = std::env::temp_dir().join(format!("twofold-vault-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("vault.json");
        let store = MemoryKeychain::default();
        let vault = cheap_vault(&path, Some(&store), None);
        let entry = vault.slots[0].keychain_entry(vault.uuid()).unwrap();
        drop(vault);
        Vault::open(&path, Unlock::Keychain(&store)).unwrap();
        // An entry is never overwritten.
        assert!(matches!(store.store(&entry, &[1u8; 32]), Err(KeychainError::Exists(_))));
        store.delete(&entry).unwrap();
        store.store(&entry, &[1u8; 31]).unwrap();
        assert!(matches!(
            Vault::open(&path, Unlock::Keychain(&store)),
            Err(VaultError::KeychainKeyMismatch)
        ));
        store.delete(&entry).unwrap();
        assert!(matches!(
            Vault::open(&path, Unlock::Keychain(&store)),
            Err(VaultError::Keychain(KeychainError::Missing))
        ));
        assert!(matches!(
            Vault::open(&path, Unlock::Password("x")),
            Err(VaultError::NoPasswordSlot)
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("twofold-vault-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("vault.json")
    }

    /// Whether `key` opens the accounts of the vault file at `path`.
    fn key_opens(path: &Path, key: &[u8; 32]) -> bool {
        let bytes = std::fs::read(path).unwrap();
        let parsed = parse_file(path, &bytes).unwrap();
        open_payload(path, &parsed, &Key::from_slice(key).unwrap()).is_ok()
    }

    #[test]
    fn a_changed_password_changes_the_key_and_the_backup_with_it() {
        let path = scratch("rekey");
        let backup = backup_path(&path);
        let store = MemoryKeychain::default();
        let mut vault = cheap_vault(&path, Some(&store), Some("old"));
        let account: twofold_otp::Account = "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A".parse().unwrap();
        vault.data.accounts.push(account);
        vault.save().unwrap();
        vault.save().unwrap();
        let old_key = *vault.key.expose();
        let entry = vault.keychain_entry().unwrap();
        assert!(key_opens(&backup, &old_key));

        vault.set_password("new", CHEAP, &store).unwrap();
        assert_ne!(*vault.key.expose(), old_key, "the vault key stayed");
        assert!(!key_opens(&path, &old_key), "the old key opens the vault");
        assert!(!key_opens(&backup, &old_key), "the old key opens the backup");
        let bak = std::fs::read(&backup).unwrap();
        assert!(matches!(open_backup(&bak, "old"), Err(VaultError::WrongPassword)));
        assert_eq!(open_backup(&bak, "new").unwrap().accounts.len(), 1);
        // The keychain slot seals the new key under its own entry, kept.
        assert_eq!(vault.keychain_entry().unwrap(), entry);
        // Saves after it stay under the new key.
        vault.save().unwrap();
        assert!(!key_opens(&path, &old_key) && !key_opens(&backup, &old_key));
        drop(vault);
        assert!(matches!(
            Vault::open(&path, Unlock::Password("old")),
            Err(VaultError::WrongPassword)
        ));

        // Opened with the keychain, a change that reseals the password slot asks for the password.
        let mut vault = Vault::open(&path, Unlock::Keychain(&store)).unwrap();
        let before = std::fs::read(&path).unwrap();
        assert!(matches!(
            vault.disable_keychain(&store),
            Err(VaultError::PasswordNeeded)
        ));
        assert_eq!(std::fs::read(&path).unwrap(), before, "a refused change wrote the file");
        assert!(matches!(vault.check_password("old"), Err(VaultError::WrongPassword)));
        vault.check_password("new").unwrap();
        let key = *vault.key.expose();
        vault.disable_keychain(&store).unwrap();
        assert_ne!(*vault.key.expose(), key);
        assert!(vault.keychain_entry().is_none());
        assert!(matches!(
            store.load(entry.trim_start_matches("vault-")),
            Err(KeychainError::Missing)
        ));
        drop(vault);
        Vault::open(&path, Unlock::Password("new")).unwrap();
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn copies_of_a_vault_keep_their_own_keychain_entries() {
        let path = scratch("copies");
        let copy = path.with_file_name("copy.json");
        let store = MemoryKeychain::default();
        drop(cheap_vault(&path, None, Some("pw")));
        std::fs::copy(&path, &copy).unwrap();
        let mut one = Vault::open(&path, Unlock::Password("pw")).unwrap();
        one.enable_keychain(&store).unwrap();
        let mut two = Vault::open(&copy, Unlock::Password("pw")).unwrap();
        two.enable_keychain(&store).unwrap();
        assert_ne!(one.keychain_entry(), two.keychain_entry());
        // The copy's keychain off: its own entry goes, the first one's stays.
        two.disable_keychain(&store).unwrap();
        drop((one, two));
        Vault::open(&path, Unlock::Keychain(&store)).unwrap();
        // And the first one's password removed: its keychain still opens it.
        let mut one = Vault::open(&path, Unlock::Keychain(&store)).unwrap();
        one.remove_password(&store).unwrap();
        drop(one);
        Vault::open(&path, Unlock::Keychain(&store)).unwrap();
        Vault::open(&copy, Unlock::Password("pw")).unwrap();
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }
}
