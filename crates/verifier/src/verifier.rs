//! The verifier: enrollment, confirmation, verification and policy over a store.

use std::num::NonZeroU32;
use std::sync::Arc;

use twofold_otp::{Account, Generator, Kind, Secret};
use zeroize::Zeroizing;

use crate::cache::KeyCache;
use crate::check::{self, Match};
use crate::config::Config;
use crate::enroll::Enrollment;
use crate::error::{ConfigError, EnrollError, StoreError, VerifyError};
use crate::key::ServerKey;
use crate::recovery;
use crate::store::{Device, Mode, Store, Versioned};

/// Bytes of a fresh secret: 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
/// Compare-and-swap attempts before a request gives up on a busy record.
const MAX_RETRIES: usize = 64;

/// An accepted code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    /// The time step (TOTP) or counter (HOTP) whose code it was; it will
    /// not be accepted again.
    pub step: u64,
}

/// A confirmed enrollment. Prints the number of recovery codes, not the codes.
pub struct Confirmed {
    /// The time step (or counter) of the confirming code, now used.
    pub step: u64,
    /// Recovery codes to show the user once (each logs in once when the
    /// device is lost); only their keyed hashes are stored.
    pub recovery_codes: Vec<Zeroizing<String>>,
}

impl std::fmt::Debug for Confirmed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Confirmed")
            .field("step", &self.step)
            .field("recovery_codes", &self.recovery_codes.len())
            .finish()
    }
}

/// A user's two-factor state, for the user's own settings page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Status {
    /// An enrollment was started and not yet confirmed.
    pub pending: bool,
    /// When the device was confirmed (Unix seconds); `None` without 2FA.
    pub enrolled_since: Option<u64>,
    /// Locked after too many wrong codes.
    pub locked: bool,
    /// Recovery codes not yet used.
    pub recovery_codes_left: usize,
}

/// One row of the users report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserReport {
    /// The user, as the caller named them.
    pub user: String,
    /// When the user set up 2FA (Unix seconds); `None` if they have not.
    pub enrolled_since: Option<u64>,
    /// Locked after too many wrong codes.
    pub locked: bool,
}

/// What an attempt's check decided.
enum Checked<T> {
    /// Accepted: what to return, and the change to the record.
    Accepted(T, Change),
    /// Not accepted; `replayed` when it was a used code.
    Failed { replayed: bool },
}

/// How an accepted attempt changes the device record.
enum Change {
    /// A code of this step (or HOTP counter) was used.
    Used(u64),
    /// The recovery code at this position was used.
    Recovery(usize),
    /// The first code confirmed the enrollment: its step is used, and the
    /// recovery codes (their hashes) are issued.
    Confirmed {
        step: u64,
        at: u64,
        recovery: Vec<[u8; 32]>,
    },
}

impl Change {
    fn apply(self, device: &mut Device) {
        match self {
            Self::Used(step) => {
                device.last_step = Some(step);
                if device.hotp_counter.is_some() {
                    device.hotp_counter = Some(step.saturating_add(1));
                }
            }
            Self::Recovery(index) => {
                device.recovery = (device.recovery.iter().enumerate())
                    .filter(|(at, _)| *at != index)
                    .map(|(_, hash)| *hash)
                    .collect();
            }
            Self::Confirmed { step, at, recovery } => {
                Self::Used(step).apply(device);
                device.confirmed_at = Some(at);
                device.recovery = recovery.into();
            }
        }
    }
}

/// Enrolls users' devices and checks their codes, with one-time use and
/// throttling built in, over a [`Store`]. `S` is the store: a
/// [`MemoryStore`](crate::MemoryStore) for one process, a shared one (such as
/// the Redis store) for a fleet.
///
/// Every method that depends on time takes `now`, in Unix seconds
/// ([`unix_now`](crate::unix_now) gives it), so that tests can move the clock.
#[derive(Debug)]
pub struct Verifier<S> {
    store: S,
    key: ServerKey,
    config: Config,
    /// Device keys opened by earlier checks ([`Config::key_cache`]).
    keys: KeyCache,
}

impl<S: Store> Verifier<S> {
    /// A verifier over `store`, sealing secrets with `key`; refuses a
    /// configuration outside its bounds.
    pub fn new(store: S, key: ServerKey, config: Config) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Self {
            store,
            key,
            keys: KeyCache::new(config.key_cache),
            config,
        })
    }

    /// The store, for callers that share it.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Starts enrollment: a fresh 160-bit secret for `user`, shown to the
    /// authenticator app under `account_name` (an email, say). A pending
    /// enrollment is replaced; a confirmed or locked device is kept, and
    /// must be removed by an administrator first.
    pub fn enroll(&self, user: &str, account_name: &str, now: u64) -> Result<Enrollment, EnrollError> {
        let mut bytes = Zeroizing::new([0u8; SECRET_BYTES]);
        getrandom::fill(bytes.as_mut()).map_err(|e| StoreError::Random(e.to_string()))?;
        let secret = Secret::from_bytes(bytes.as_ref()).map_err(|e| StoreError::Random(e.to_string()))?;
        let device = self.new_device(user, &secret, now, None)?;
        self.put_new(user, &device)?;
        let kind = match device.hotp_counter {
            Some(counter) => Kind::Hotp { counter },
            None => Kind::Totp {
                period: NonZeroU32::new(self.config.period).unwrap_or(NonZeroU32::MIN),
            },
        };
        let account = Account::new(self.config.issuer.clone(), account_name, secret, kind)
            .with_algorithm(self.config.algorithm)
            .with_digits(self.config.digits)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Enrollment { account })
    }

    /// Registers a device whose secret exists already, confirmed at once:
    /// for moving users from another 2FA system without re-enrolling them.
    /// The configuration's code parameters must be the ones that device uses.
    pub fn import(&self, user: &str, secret: &Secret, now: u64) -> Result<(), EnrollError> {
        self.put_new(user, &self.new_device(user, secret, now, Some(now))?)
    }

    /// A device record for `secret`, with the configuration's parameters.
    fn new_device(
        &self,
        user: &str,
        secret: &Secret,
        now: u64,
        confirmed_at: Option<u64>,
    ) -> Result<Device, StoreError> {
        let generator = Generator::new(secret, self.config.algorithm, self.config.digits)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut device = Device {
            sealed_key: Arc::from([]),
            algorithm: self.config.algorithm.into(),
            hotp_counter: self.config.hotp.then_some(0),
            period: self.config.period,
            digits: self.config.digits,
            enrolled_at: now,
            confirmed_at,
            last_step: None,
            failures: 0,
            retry_at: 0,
            locked: false,
            recovery: Arc::from([]),
        };
        device.sealed_key = self
            .key
            .seal(user, &seal_context(&device), &generator.keyed_state())?
            .into();
        Ok(device)
    }

    /// Writes a new device unless the user has a confirmed or locked one.
    fn put_new(&self, user: &str, device: &Device) -> Result<(), EnrollError> {
        for _ in 0..MAX_RETRIES {
            let current = self.store.device(user)?;
            if let Some(Versioned { value, .. }) = &current {
                if value.locked {
                    return Err(EnrollError::Locked);
                }
                if value.confirmed_at.is_some() {
                    return Err(EnrollError::AlreadyEnrolled);
                }
            }
            if self
                .store
                .replace_device(user, current.map(|c| c.version), Some(device.clone()))?
            {
                return Ok(());
            }
        }
        Err(StoreError::Contended.into())
    }

    /// Confirms a pending enrollment with the first code from the app; the
    /// code's step is used up, and the recovery codes are issued. Wrong
    /// codes count towards the lock as at login.
    pub fn confirm(&self, user: &str, code: &str, now: u64) -> Result<Confirmed, VerifyError> {
        let mut shown = Vec::with_capacity(self.config.recovery_codes);
        let mut hashes = Vec::with_capacity(self.config.recovery_codes);
        for _ in 0..self.config.recovery_codes {
            let code = recovery::generate()?;
            let plain = recovery::normalize(&code).ok_or(StoreError::Seal)?;
            hashes.push(self.key.recovery_hash(user, &plain));
            shown.push(code);
        }
        let step = self.attempt(user, now, false, |device| {
            Ok(match self.check_code(user, device, code, now)? {
                Checked::Accepted(step, _) => Checked::Accepted(
                    step,
                    Change::Confirmed {
                        step,
                        at: now,
                        recovery: hashes.clone(),
                    },
                ),
                failed @ Checked::Failed { .. } => failed,
            })
        })?;
        Ok(Confirmed {
            step,
            recovery_codes: shown,
        })
    }

    /// Checks a login code from the user's confirmed device: accepted once
    /// per step within the window, refused while throttled or locked.
    pub fn verify(&self, user: &str, code: &str, now: u64) -> Result<Accepted, VerifyError> {
        let step = self.attempt(user, now, true, |device| self.check_code(user, device, code, now))?;
        Ok(Accepted { step })
    }

    /// Checks a recovery code instead of a device code: each works once.
    /// Returns how many are left. Wrong ones count towards the lock.
    pub fn verify_recovery_code(&self, user: &str, code: &str, now: u64) -> Result<usize, VerifyError> {
        let hash = recovery::normalize(code).map(|plain| self.key.recovery_hash(user, &plain));
        self.attempt(user, now, true, |device| {
            let found = hash
                .as_ref()
                .and_then(|hash| recovery::position(&device.recovery, hash));
            Ok(match found {
                Some(index) => Checked::Accepted(device.recovery.len().saturating_sub(1), Change::Recovery(index)),
                None => Checked::Failed { replayed: false },
            })
        })
    }

    /// The user's two-factor state.
    pub fn status(&self, user: &str) -> Result<Status, StoreError> {
        Ok(self.store.device(user)?.map_or_else(Status::default, |d| Status {
            pending: d.value.confirmed_at.is_none(),
            enrolled_since: d.value.confirmed_at,
            locked: d.value.locked,
            recovery_codes_left: d.value.recovery.len(),
        }))
    }

    /// An administrator removes the user's device (confirmed, pending or
    /// locked): the user can then enroll a new one. Returns whether there
    /// was one.
    pub fn remove_device(&self, user: &str) -> Result<bool, StoreError> {
        for _ in 0..MAX_RETRIES {
            let Some(current) = self.store.device(user)? else {
                return Ok(false);
            };
            if self.store.replace_device(user, Some(current.version), None)? {
                self.keys.remove(user);
                return Ok(true);
            }
        }
        Err(StoreError::Contended)
    }

    /// The company's mode ([`Mode::OptIn`] until one is set).
    pub fn mode(&self, company: &str) -> Result<Mode, StoreError> {
        Ok(self.store.mode(company)?.unwrap_or_default())
    }

    /// Sets the company's mode.
    pub fn set_mode(&self, company: &str, mode: Mode) -> Result<(), StoreError> {
        self.store.set_mode(company, mode)
    }

    /// Whether the user must be sent to enrollment at login: the company
    /// forces 2FA and the user has no confirmed device.
    pub fn must_enroll(&self, company: &str, user: &str) -> Result<bool, StoreError> {
        Ok(self.mode(company)? == Mode::Forced && self.status(user)?.enrolled_since.is_none())
    }

    /// The users report: for each of the company's users (the caller knows
    /// who they are), whether and since when they have 2FA.
    pub fn report<'a>(&self, users: impl IntoIterator<Item = &'a str>) -> Result<Vec<UserReport>, StoreError> {
        users
            .into_iter()
            .map(|user| {
                let status = self.status(user)?;
                Ok(UserReport {
                    user: user.to_owned(),
                    enrolled_since: status.enrolled_since,
                    locked: status.locked,
                })
            })
            .collect()
    }

    /// Checks `code` against the device's window.
    fn check_code(&self, user: &str, device: &Device, code: &str, now: u64) -> Result<Checked<u64>, VerifyError> {
        if !(6..=8).contains(&device.digits) {
            return Err(StoreError::Corrupt(format!("{} digits", device.digits)).into());
        }
        let Some(submitted) = check::parse_code(code, device.digits) else {
            return Ok(Checked::Failed { replayed: false });
        };
        let generator = self.generator(user, device)?;
        let (first, last, used) = match device.hotp_counter {
            // The counters from the stored one on; the last one used stays
            // refused even where the counter can go no further (u64::MAX).
            Some(counter) => (
                counter,
                counter.saturating_add(u64::from(self.config.look_ahead)),
                device.last_step,
            ),
            None => {
                let step = now / u64::from(device.period.max(1));
                let window = u64::from(self.config.window);
                (
                    step.saturating_sub(window),
                    step.saturating_add(window),
                    device.last_step,
                )
            }
        };
        let Match { fresh, stale } = check::find(&generator, submitted, first, last, used);
        Ok(match fresh {
            Some(step) => Checked::Accepted(step, Change::Used(step)),
            None => Checked::Failed { replayed: stale },
        })
    }

    /// The device's keyed HMAC: from the cache, or opened (and then cached).
    fn generator(&self, user: &str, device: &Device) -> Result<Arc<Generator>, VerifyError> {
        let context = seal_context(device);
        if let Some(generator) = self.keys.get(user, &context, &device.sealed_key) {
            return Ok(generator);
        }
        let state = self.key.open(user, &context, &device.sealed_key)?;
        let generator = Generator::from_keyed_state(device.algorithm.into(), &state, device.digits)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let generator = Arc::new(generator);
        self.keys.put(user, context, &device.sealed_key, Arc::clone(&generator));
        Ok(generator)
    }

    /// One attempt on the user's device: refused while locked or throttled;
    /// otherwise `check` decides, and the outcome is written with a
    /// compare-and-swap (a lost race re-reads and decides again, so a code
    /// raced by two requests is accepted once). `confirmed` says which
    /// device the attempt is for: the confirmed one, or a pending one.
    fn attempt<T>(
        &self,
        user: &str,
        now: u64,
        confirmed: bool,
        mut check: impl FnMut(&Device) -> Result<Checked<T>, VerifyError>,
    ) -> Result<T, VerifyError> {
        let throttle = self.config.throttle;
        for _ in 0..MAX_RETRIES {
            let Some(current) = self.store.device(user)? else {
                return Err(VerifyError::NotEnrolled);
            };
            let mut device = current.value;
            if device.locked {
                return Err(VerifyError::Locked);
            }
            if device.confirmed_at.is_some() != confirmed {
                return Err(VerifyError::NotEnrolled);
            }
            if now < device.retry_at {
                return Err(VerifyError::Throttled {
                    retry_after: device.retry_at - now,
                });
            }
            let outcome = match check(&device)? {
                Checked::Accepted(value, change) => {
                    change.apply(&mut device);
                    device.failures = 0;
                    device.retry_at = 0;
                    Ok(value)
                }
                Checked::Failed { replayed } => {
                    device.failures = device.failures.saturating_add(1);
                    let attempts_left = throttle.lock_after.saturating_sub(device.failures);
                    device.retry_at = now.saturating_add(throttle.delay(device.failures));
                    Err(if attempts_left == 0 {
                        device.locked = true;
                        VerifyError::Locked
                    } else if replayed {
                        VerifyError::Replayed { attempts_left }
                    } else {
                        VerifyError::Wrong { attempts_left }
                    })
                }
            };
            if self.store.replace_device(user, Some(current.version), Some(device))? {
                return outcome;
            }
        }
        Err(StoreError::Contended.into())
    }
}

/// What the sealed key is bound to besides its user: the code parameters,
/// so that a record edited in the store (fewer digits, another hash, HOTP
/// for TOTP) no longer opens.
fn seal_context(device: &Device) -> [u8; 11] {
    let mut context = [0u8; 11];
    let algorithm = match device.algorithm {
        crate::store::Hash::Sha1 => 1,
        crate::store::Hash::Sha256 => 2,
        crate::store::Hash::Sha512 => 3,
    };
    let parameters = [algorithm, device.digits, u8::from(device.hotp_counter.is_some())];
    for (slot, value) in context
        .iter_mut()
        .zip(parameters.iter().chain(&device.period.to_be_bytes()))
    {
        *slot = *value;
    }
    context
}
