//! Twofold's codes against oathtool (OATH Toolkit, an independent C
//! implementation) on 1,000 random cases: secrets of 10 to 64 bytes,
//! SHA-1/256/512, 6 to 8 digits, periods of 15 to 120 s, times and counters.
//!
//! oathtool must be installed (Debian package `oathtool`); the test fails,
//! not skips, without it.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::num::NonZeroU32;
use std::process::Command;

use proptest::prelude::*;
use twofold_otp::{Account, Algorithm, Kind, Secret};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn oathtool(args: &[String]) -> String {
    let output = Command::new("oathtool")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run oathtool ({e}); install it with: apt-get install oathtool"));
    assert!(
        output.status.success(),
        "oathtool {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

#[derive(Debug, Clone)]
enum Case {
    Totp {
        algorithm: Algorithm,
        period: u32,
        time: u64,
    },
    /// oathtool's HOTP is SHA-1 only.
    Hotp { counter: u64 },
}

fn case() -> impl Strategy<Value = Case> {
    let algorithm = prop_oneof![Just(Algorithm::Sha1), Just(Algorithm::Sha256), Just(Algorithm::Sha512)];
    prop_oneof![
        3 => (algorithm, 15u32..=120, 0u64..=4_294_967_295).prop_map(|(algorithm, period, time)| Case::Totp { algorithm, period, time }),
        1 => (0u64..=1 << 48).prop_map(|counter| Case::Hotp { counter }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn codes_match_oathtool(secret in proptest::collection::vec(any::<u8>(), 10..=64), digits in 6u8..=8, case in case()) {
        let key = Secret::from_bytes(&secret).unwrap();
        let (account, args) = match case {
            Case::Totp { algorithm, period, time } => {
                let kind = Kind::Totp { period: NonZeroU32::new(period).unwrap() };
                let account = Account::new("", "", key, kind).with_algorithm(algorithm).with_digits(digits).unwrap();
                let mode = algorithm.as_str().to_ascii_lowercase();
                let args = vec![
                    format!("--totp={mode}"),
                    format!("--digits={digits}"),
                    format!("--time-step-size={period}s"),
                    format!("--now=@{time}"),
                    hex(&secret),
                ];
                (account.code_at(time), args)
            }
            Case::Hotp { counter } => {
                let account = Account::new("", "", key, Kind::Hotp { counter }).with_digits(digits).unwrap();
                let args = vec![
                    "--hotp".to_owned(),
                    format!("--digits={digits}"),
                    format!("--counter={counter}"),
                    hex(&secret),
                ];
                (account.code_at(0), args)
            }
        };
        prop_assert_eq!(account.as_str(), oathtool(&args), "oathtool {:?}", args);
    }
}
