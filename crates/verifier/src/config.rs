//! What a deployment chooses: the issuer name, the code parameters, the
//! skew window and the throttling.

use twofold_otp::Algorithm;

use crate::error::ConfigError;

/// How failed attempts slow down and finally lock a device.
///
/// The first `free_failures` failures in a row cost nothing (typos happen);
/// each one after that makes the next attempt wait `base_delay` seconds,
/// doubling each time up to `max_delay`; failure number `lock_after` locks
/// the device until an administrator removes it. A success resets the count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Failures in a row without any delay.
    pub free_failures: u32,
    /// The first delay, in seconds.
    pub base_delay: u64,
    /// The longest delay, in seconds.
    pub max_delay: u64,
    /// Failures in a row that lock the device: 1 to 100 (NIST SP 800-63B).
    pub lock_after: u32,
}

impl Default for Throttle {
    /// 3 free failures, then 1, 2, 4 ... seconds (at most 5 minutes), and a
    /// lock at the 10th failure in a row.
    fn default() -> Self {
        Self {
            free_failures: 3,
            base_delay: 1,
            max_delay: 300,
            lock_after: 10,
        }
    }
}

impl Throttle {
    /// Seconds to wait after failure number `failures` in a row.
    pub fn delay(&self, failures: u32) -> u64 {
        let Some(over) = failures.checked_sub(self.free_failures.saturating_add(1)) else {
            return 0;
        };
        let doubling = 1u64.checked_shl(over).unwrap_or(u64::MAX);
        self.base_delay.saturating_mul(doubling).min(self.max_delay)
    }
}

/// A verifier's settings. [`Config::new`] gives the common choice: SHA-1,
/// 6 digits, 30 seconds, one step of skew each way, [`Throttle::default`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The service's name, shown by authenticator apps ("Example Corp").
    pub issuer: String,
    /// The HMAC's hash. SHA-1 is what every authenticator app supports.
    pub algorithm: Algorithm,
    /// Code length, 6 to 8.
    pub digits: u8,
    /// Seconds per TOTP step, 15 to 300.
    pub period: u32,
    /// Steps accepted before and after the current one, 0 to 10: clock skew
    /// between the phone and the server, and the seconds a user takes to type.
    pub window: u32,
    /// Enroll HOTP (counter-based) devices instead of TOTP.
    pub hotp: bool,
    /// Counters an HOTP code may be ahead of the server's (the user pressed
    /// the button without logging in), 1 to 100.
    pub look_ahead: u32,
    /// Failed attempts: delays and the lock.
    pub throttle: Throttle,
    /// Recovery codes issued at confirmation (0 for none).
    pub recovery_codes: usize,
    /// Device keys kept opened in memory between checks, so that a check
    /// costs the HMACs alone and not also the AES-GCM opening of the key
    /// (0: open the key at every check). About 200 bytes a key; the
    /// process holds the server key that opens them all anyway.
    pub key_cache: usize,
}

impl Config {
    /// TOTP, SHA-1, 6 digits, 30 s, a window of 1, 10 recovery codes, 10,000 keys cached.
    pub fn new(issuer: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into(),
            algorithm: Algorithm::Sha1,
            digits: 6,
            period: 30,
            window: 1,
            hotp: false,
            look_ahead: 10,
            throttle: Throttle::default(),
            recovery_codes: 10,
            key_cache: 10_000,
        }
    }

    /// Checks every bound; the verifier refuses a configuration that fails.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.issuer.trim().is_empty() {
            return Err(ConfigError::Issuer);
        }
        if !(1..=100).contains(&self.throttle.lock_after) {
            return Err(ConfigError::LockAfter(self.throttle.lock_after));
        }
        let throttle = &self.throttle;
        if throttle.base_delay == 0
            || throttle.max_delay < throttle.base_delay
            || throttle.free_failures >= throttle.lock_after
        {
            return Err(ConfigError::Throttle);
        }
        if self.recovery_codes > 50 {
            return Err(ConfigError::RecoveryCodes(self.recovery_codes));
        }
        if self.window > 10 {
            return Err(ConfigError::Window(self.window));
        }
        if !(1..=100).contains(&self.look_ahead) {
            return Err(ConfigError::LookAhead(self.look_ahead));
        }
        if !(6..=8).contains(&self.digits) {
            return Err(ConfigError::Digits(self.digits));
        }
        if !(15..=300).contains(&self.period) {
            return Err(ConfigError::Period(self.period));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_the_free_failures_and_double_up_to_the_cap() {
        let throttle = Throttle::default();
        let delays: Vec<u64> = (1..=12).map(|n| throttle.delay(n)).collect();
        assert_eq!(delays, [0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256]);
        assert_eq!(throttle.delay(200), 300);
        assert_eq!(throttle.delay(u32::MAX), 300);
        assert_eq!(throttle.delay(0), 0);
    }

    #[test]
    fn bounds_are_enforced() {
        let good = Config::new("Example");
        assert_eq!(good.validate(), Ok(()));
        let refused = |change: fn(&mut Config), error: ConfigError| {
            let mut bad = good.clone();
            change(&mut bad);
            assert_eq!(bad.validate(), Err(error));
        };
        refused(|c| c.throttle.lock_after = 101, ConfigError::LockAfter(101));
        refused(|c| c.throttle.lock_after = 0, ConfigError::LockAfter(0));
        refused(|c| c.window = 11, ConfigError::Window(11));
        refused(|c| c.digits = 9, ConfigError::Digits(9));
        refused(|c| c.period = 0, ConfigError::Period(0));
        refused(|c| c.look_ahead = 0, ConfigError::LookAhead(0));
        refused(|c| c.issuer = " ".into(), ConfigError::Issuer);
        refused(|c| c.throttle.base_delay = 0, ConfigError::Throttle);
        refused(
            |c| c.throttle.free_failures = c.throttle.lock_after,
            ConfigError::Throttle,
        );
        refused(|c| c.throttle.max_delay = 0, ConfigError::Throttle);
        refused(|c| c.recovery_codes = 51, ConfigError::RecoveryCodes(51));
        // The edges themselves are allowed.
        let mut edge = good.clone();
        edge.recovery_codes = 50;
        edge.throttle.max_delay = edge.throttle.base_delay;
        assert_eq!(edge.validate(), Ok(()));
    }
}
