//! The server's half of Twofold: what a web service needs to offer
//! two-factor login with authenticator apps, with the safety parts built in.
//!
//! - **Enrollment**: a fresh 160-bit secret from the OS CSPRNG, its
//!   `otpauth://` URI and a QR code (SVG; PNG with the `png` feature),
//!   confirmed by the first valid code.
//! - **Verification**: a skew window (one step each way by default);
//!   one-time use, so a code once accepted is refused after (RFC 6238
//!   section 5.2), also when two requests race with it; failed attempts
//!   slowed by growing delays and locked at a cap of at most 100 (NIST SP
//!   800-63B) until an administrator removes the device; constant-time
//!   comparison; the matched step returned; HOTP with a look-ahead window;
//!   single-use recovery codes stored as keyed hashes.
//! - **Policy**: forced or opt-in 2FA per company, "must this user enroll at
//!   login?", the users report, and removing a user's device.
//!
//! State goes through a [`Store`] whose write is a compare-and-swap: the
//! [`MemoryStore`] for one process, `RedisStore` (the
//! `redis` feature) for servers that share it: one Redis, a Redis Cluster,
//! or a primary behind Sentinel, waiting after each write until a replica
//! has it, so that a failover cannot forget a code's use. Secrets are stored sealed
//! with AES-256-GCM under the [`ServerKey`], which lives outside the store.
//!
//! pyotp and totp-rs check a code and leave replay protection and throttling
//! to their callers; here they cannot be left out.
//!
//! ```
//! use twofold_otp::Account;
//! use twofold_verifier::{Config, MemoryStore, ServerKey, Verifier, VerifyError};
//!
//! let verifier = Verifier::new(MemoryStore::new(), ServerKey::generate()?, Config::new("Example Corp"))?;
//! let now = 1_700_000_000;
//!
//! // The enrollment page shows the QR code (and the secret, for typing).
//! let enrollment = verifier.enroll("user-42", "alice@example.com", now)?;
//! let svg = enrollment.qr_svg()?;
//! assert!(svg.contains("<svg"));
//!
//! // The user's app reads the URI from the QR code and shows a code...
//! let app: Account = enrollment.uri().parse()?;
//! // ...which confirms the enrollment, and issues recovery codes to show once.
//! let confirmed = verifier.confirm("user-42", app.code_at(now).as_str(), now)?;
//! assert_eq!(confirmed.recovery_codes.len(), 10);
//!
//! // At the next login, a later code is accepted, once.
//! let later = now + 30;
//! let code = app.code_at(later);
//! assert_eq!(verifier.verify("user-42", code.as_str(), later)?.step, later / 30);
//! assert!(matches!(
//!     verifier.verify("user-42", code.as_str(), later),
//!     Err(VerifyError::Replayed { .. })
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod cache;
mod check;
mod config;
mod enroll;
mod error;
mod key;
mod recovery;
#[cfg(feature = "redis")]
mod redis_store;
mod store;
mod verifier;

pub use config::{Config, Throttle};
pub use enroll::{Enrollment, QrError};
pub use error::{ConfigError, EnrollError, StoreError, VerifyError};
pub use key::ServerKey;
#[cfg(feature = "redis")]
pub use redis_store::{RedisBuilder, RedisStore, ReplicaWait};
pub use store::{Device, MemoryStore, Mode, Store, Versioned};
pub use verifier::{Accepted, Confirmed, Status, UserReport, Verifier};

/// The current time in Unix seconds (0 if the clock is before 1970).
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
