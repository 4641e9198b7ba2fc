//! What can go wrong, each error saying what to do about it.

use thiserror::Error;

/// The store failed, or holds what this server cannot read.
///
/// What a portal shows: for the errors where [`StoreError::retry_later`]
/// is true, "two-factor login is briefly unavailable, try again in a few
/// seconds" (the code was not accepted, and may be typed again); for the
/// others, that login is unavailable and an administrator must look.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store's backend (Redis, a database) failed in a way that needs an
    /// administrator: a refused password, a wrong setting, an unknown reply.
    #[error("the 2FA store failed: {0}")]
    Backend(String),
    /// The store could not be reached: the connection was refused or
    /// dropped, or no primary holds the user's keys (a failover under way).
    #[error("the 2FA store is unreachable ({0}); try again in a few seconds")]
    Unreachable(String),
    /// The store did not answer within its timeout.
    #[error("the 2FA store did not answer in time ({0}); try again in a few seconds")]
    Timeout(String),
    /// The write was not confirmed by enough replicas within the wait, so a
    /// failover could lose it: the request fails rather than accept a code
    /// whose use might be forgotten (the write may still have reached the
    /// primary, so the code's step can count as used).
    #[error(
        "the 2FA store confirmed the change on {acknowledged} of the {required} replicas it must reach; try again in a few seconds, and check the store's replicas"
    )]
    NotEnoughReplicas {
        /// Replicas that confirmed the write in time.
        acknowledged: u32,
        /// Replicas the store is set to wait for.
        required: u32,
    },
    /// A record in the store is not one this version wrote.
    #[error("a 2FA record in the store is damaged ({0}); remove the user's device to let them enroll again")]
    Corrupt(String),
    /// A stored secret does not open with this server key.
    #[error(
        "a stored 2FA secret does not open with this server key; start the server with the key it was enrolled under, or remove the user's device"
    )]
    Unseal,
    /// Sealing a secret failed.
    #[error("sealing a 2FA secret failed")]
    Seal,
    /// The OS random number generator failed.
    #[error("the OS random number generator failed: {0}")]
    Random(String),
    /// Other servers kept changing the record; the request can be retried.
    #[error("the user's 2FA record changed under too many concurrent requests; try again")]
    Contended,
}

impl StoreError {
    /// Whether the same request may succeed in a few seconds without anyone
    /// changing anything: the store was unreachable, slow, short of
    /// replicas, or contended. A portal shows "try again" for these.
    pub fn retry_later(&self) -> bool {
        matches!(
            self,
            Self::Unreachable(_) | Self::Timeout(_) | Self::NotEnoughReplicas { .. } | Self::Contended
        )
    }
}

/// Why a code (or recovery code) was not accepted.
#[derive(Debug, Error)]
pub enum VerifyError {
    /// The user has no confirmed device (or, for confirmation, no pending one).
    #[error("this user has not set up two-factor authentication")]
    NotEnrolled,
    /// The code is wrong: not the current one, nor one within the window.
    #[error("wrong code; {attempts_left} attempts left before the device is locked")]
    Wrong {
        /// Failures still allowed before the lock.
        attempts_left: u32,
    },
    /// The code was right but its time step (or counter) was already used:
    /// each code logs in once (RFC 6238 section 5.2).
    #[error("this code was already used; wait for the next code")]
    Replayed {
        /// Failures still allowed before the lock.
        attempts_left: u32,
    },
    /// Too many recent failures: no code is checked until `retry_after` seconds pass.
    #[error("too many wrong codes; try again in {retry_after} seconds")]
    Throttled {
        /// Seconds until the next attempt is checked.
        retry_after: u64,
    },
    /// The cap of failures was reached: only an administrator removing the
    /// device lets the user in again (after enrolling anew).
    #[error(
        "too many wrong codes: two-factor authentication is locked for this user; an administrator must remove the device"
    )]
    Locked,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why enrollment could not start.
#[derive(Debug, Error)]
pub enum EnrollError {
    /// The user already has a confirmed device.
    #[error("this user already has a device registered; an administrator must remove it before a new one is enrolled")]
    AlreadyEnrolled,
    /// The user's device is locked after too many wrong codes.
    #[error("two-factor authentication is locked for this user; an administrator must remove the device")]
    Locked,
    /// The store failed, or the OS random number generator did.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A configuration the verifier refuses.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    /// The lock cap is outside 1 to 100 (NIST SP 800-63B allows at most 100).
    #[error("lock_after must be 1 to 100 failed attempts (NIST SP 800-63B), not {0}")]
    LockAfter(u32),
    /// The skew window is wider than 10 steps each way.
    #[error("the window must be 0 to 10 steps each way, not {0}; wider windows accept stale codes")]
    Window(u32),
    /// The HOTP look-ahead is outside 1 to 100 counters.
    #[error("the HOTP look-ahead must be 1 to 100 counters, not {0}")]
    LookAhead(u32),
    /// Delays that do not grow: `base_delay` 0, `max_delay` below it, or
    /// as many free failures as the lock allows.
    #[error(
        "the throttle must slow failures down: base_delay at least 1 s, max_delay at least base_delay, and free_failures below lock_after"
    )]
    Throttle,
    /// More than 50 recovery codes.
    #[error("at most 50 recovery codes, not {0}")]
    RecoveryCodes(usize),
    /// Codes shorter than 6 or longer than 8 digits.
    #[error("codes must have 6 to 8 digits, not {0}")]
    Digits(u8),
    /// A period outside 15 to 300 seconds.
    #[error("the period must be 15 to 300 seconds, not {0}")]
    Period(u32),
    /// No issuer name: authenticator apps would show an unnamed account.
    #[error("the issuer name is empty; set the name authenticator apps show for your service")]
    Issuer,
}
