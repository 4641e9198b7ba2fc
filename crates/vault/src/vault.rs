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
    })
}

fn keychain_slot(uuid: &str, vault_key: &Key, store: &dyn KeyStore) -> Result<Slot, VaultError> {
    let slot_key = Key::random()?;
    let nonce = random_nonce()?;
    let key = slot_key.seal(&nonce, vault_key.expose(), &slot_aad(uuid, "keychain"))?;
    store.store(uuid, slot_key.expose())?;
    Ok(Slot::Keychain {
        nonce: nonce.to_vec(),
        key,
    })
}

fn password_slot(uuid: &str, vault_key: &Key, password: &str, kdf: KdfParams) -> Result<Slot, VaultError> {
    let mut salt = vec![0u8; 32];
    fill_random(&mut salt)?;
    let slot_key = kdf.derive(password.as_bytes(), &salt)?;
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

/// Unwraps the vault key from the slot that `unlock` names.
fn unwrap_key(path: &Path, uuid: &str, slots: &[Slot], unlock: &Unlock<'_>) -> Result<Key, VaultError> {
    let corrupt = |reason: &str| VaultError::Corrupt {
        path: path.to_path_buf(),
        reason: reason.to_owned(),
    };
    match unlock {
        Unlock::Keychain(store) => {
            let (nonce, sealed) = slots
                .iter()
                .find_map(|slot| match slot {
                    Slot::Keychain { nonce, key } => Some((nonce, key)),
                    Slot::Password { .. } => None,
                })
                .ok_or(VaultError::NoKeychainSlot)?;
            let stored = store.load(uuid)?;
            let slot_key = Key::from_slice(&stored).ok_or(VaultError::KeychainKeyMismatch)?;
            let vault_key = slot_key
                .open(nonce, sealed, &slot_aad(uuid, "keychain"))
                .ok_or(VaultError::KeychainKeyMismatch)?;
            Key::from_slice(&vault_key).ok_or_else(|| corrupt("the keychain slot holds a key of the wrong size"))
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
            Key::from_slice(&vault_key).ok_or_else(|| corrupt("the password slot holds a key of the wrong size"))
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
        if let Some(password) = new.password {
            slots.push(password_slot(&uuid, &key, password, new.kdf)?);
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
            _lock: lock,
        };
        vault.save()?;
        Ok(vault)
    }

    /// Opens and decrypts the vault at `path`. A failure changes nothing on disk.
    pub fn open(path: &Path, unlock: Unlock<'_>) -> Result<Self, VaultError> {
        let lock = VaultLock::acquire(path)?;
        let bytes = read_file(path)?;
        let (header, key, data) = unseal(path, &bytes, &unlock)?;
        Ok(Self {
            path: path.to_path_buf(),
            uuid: header.uuid,
            slots: header.slots,
            key,
            data,
            on_disk: Some(bytes),
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
    /// be given a password of someone else's choosing.
    pub fn check_password(&self, password: &str) -> Result<(), VaultError> {
        unwrap_key(&self.path, &self.uuid, &self.slots, &Unlock::Password(password)).map(drop)
    }

    /// Adds a password slot, or replaces the password of the existing one; saves.
    pub fn set_password(&mut self, password: &str, kdf: KdfParams) -> Result<(), VaultError> {
        let slot = password_slot(&self.uuid, &self.key, password, kdf)?;
        self.slots.retain(|s| !matches!(s, Slot::Password { .. }));
        self.slots.insert(0, slot);
        self.save()
    }

    /// Removes the password slot; refused if it is the only way in. Saves.
    pub fn remove_password(&mut self) -> Result<(), VaultError> {
        if !self.has_password() {
            return Err(VaultError::NoPasswordSlot);
        }
        if !self.has_keychain() {
            return Err(VaultError::LastSlot);
        }
        self.slots.retain(|s| !matches!(s, Slot::Password { .. }));
        self.save()
    }

    /// Adds a keychain slot, storing its key in `store`; saves.
    pub fn enable_keychain(&mut self, store: &dyn KeyStore) -> Result<(), VaultError> {
        if self.has_keychain() {
            return Err(VaultError::SlotExists("keychain"));
        }
        let slot = keychain_slot(&self.uuid, &self.key, store)?;
        self.slots.push(slot);
        self.save()
    }

    /// Removes the keychain slot and then its keychain entry; refused if it
    /// is the only way in.
    pub fn disable_keychain(&mut self, store: &dyn KeyStore) -> Result<(), VaultError> {
        if !self.has_keychain() {
            return Err(VaultError::NoKeychainSlot);
        }
        if !self.has_password() {
            return Err(VaultError::LastSlot);
        }
        self.slots.retain(|s| !matches!(s, Slot::Keychain { .. }));
        self.save()?;
        // The file no longer needs the entry; if deleting fails the stale
        // entry opens nothing that is still current, so report but keep going.
        match store.delete(&self.uuid) {
            Ok(()) | Err(KeychainError::Missing) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }
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
fn unseal(path: &Path, bytes: &[u8], unlock: &Unlock<'_>) -> Result<(Header, Key, VaultData), VaultError> {
    let parsed = parse_file(path, bytes)?;
    let key = unwrap_key(path, &parsed.header.uuid, &parsed.header.slots, unlock)?;
    let corrupt = |reason: String| VaultError::Corrupt {
        path: path.to_path_buf(),
        reason,
    };
    let plaintext = key
        .open(&parsed.header.nonce, &parsed.payload, parsed.header_text.as_bytes())
        .ok_or_else(|| corrupt("the encrypted accounts do not authenticate".to_owned()))?;
    let record: PayloadRecord =
        serde_json::from_slice(&plaintext).map_err(|e| corrupt(format!("the accounts do not parse: {e}")))?;
    let data = record.into_data().map_err(corrupt)?;
    Ok((parsed.header, key, data))
}

/// A portable encrypted backup: a complete vault file, in memory, with only
/// a password slot, that [`open_backup`] (or `Vault::open` once written to
/// disk) reads with the same password.
pub fn seal_backup(data: &VaultData, password: &str, kdf: KdfParams) -> Result<Vec<u8>, VaultError> {
    let uuid = uuid::Uuid::new_v4().hyphenated().to_string();
    let key = Key::random()?;
    let slots = vec![password_slot(&uuid, &key, password, kdf)?];
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

    #[test]
    fn keychain_slot_logic_without_a_desktop() {
        let dir = std::env::temp_dir().join(format!("twofold-vault-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("vault.json");
        let store = MemoryKeychain::default();
        let vault = Vault::create(
            &path,
            NewVault {
                keychain: Some(&store),
                password: None,
                kdf: CHEAP,
            },
        )
        .unwrap();
        let uuid = vault.uuid().to_owned();
        drop(vault);
        Vault::open(&path, Unlock::Keychain(&store)).unwrap();
        store.store(&uuid, &[1u8; 31]).unwrap();
        assert!(matches!(
            Vault::open(&path, Unlock::Keychain(&store)),
            Err(VaultError::KeychainKeyMismatch)
        ));
        store.delete(&uuid).unwrap();
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
}
