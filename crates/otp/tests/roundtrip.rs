//! Property tests: random accounts survive URI and migration round trips,
//! and no input of any shape makes a parser panic.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::num::NonZeroU32;

use proptest::prelude::*;
use twofold_otp::migration::{self, MAX_ACCOUNTS_PER_URI, MAX_URI_CHARS};
use twofold_otp::{Account, Algorithm, Kind, Secret};

fn label() -> impl Strategy<Value = String> {
    // Any printable text, with the spaces at its ends trimmed as the parser trims them.
    "\\PC{0,24}".prop_map(|s| s.trim().to_owned())
}

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![Just(Algorithm::Sha1), Just(Algorithm::Sha256), Just(Algorithm::Sha512)]
}

fn any_account() -> impl Strategy<Value = Account> {
    let kind = prop_oneof![
        (1..=u32::MAX).prop_map(|p| Kind::Totp {
            period: NonZeroU32::new(p).unwrap()
        }),
        any::<u64>().prop_map(|counter| Kind::Hotp { counter }),
        Just(Kind::Steam),
    ];
    (
        label(),
        label(),
        proptest::collection::vec(any::<u8>(), 1..64),
        kind,
        algorithm(),
        5u8..=10,
    )
        // A TOTP account issued by "Steam" is read back as Steam, by design.
        .prop_filter("totp issued by Steam", |(issuer, _, _, kind, _, _)| {
            !(matches!(kind, Kind::Totp { .. }) && issuer.eq_ignore_ascii_case("steam"))
        })
        .prop_map(|(issuer, name, secret, kind, algorithm, digits)| {
            let algorithm = if kind == Kind::Steam {
                Algorithm::Sha1
            } else {
                algorithm
            };
            Account::new(issuer, name, Secret::from_bytes(&secret).unwrap(), kind)
                .with_algorithm(algorithm)
                .with_digits(digits)
                .unwrap()
        })
}

/// Accounts Google Authenticator's export can carry: 30 s TOTP or HOTP, 6 or 8 digits.
fn migratable_account() -> impl Strategy<Value = Account> {
    let kind = prop_oneof![
        Just(Kind::Totp {
            period: NonZeroU32::new(30).unwrap()
        }),
        (0..=i64::MAX as u64).prop_map(|counter| Kind::Hotp { counter }),
    ];
    (
        label(),
        label(),
        proptest::collection::vec(any::<u8>(), 1..64),
        kind,
        algorithm(),
        prop_oneof![Just(6u8), Just(8u8)],
    )
        .prop_map(|(issuer, name, secret, kind, algorithm, digits)| {
            Account::new(issuer, name, Secret::from_bytes(&secret).unwrap(), kind)
                .with_algorithm(algorithm)
                .with_digits(digits)
                .unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn uri_round_trip(account in any_account()) {
        let uri = account.to_uri();
        let again: Account = uri.parse().map_err(|e| TestCaseError::fail(format!("{e} in {}", uri.as_str())))?;
        prop_assert!(again.same_otp(&account), "{:?} became {:?} via {}", account, again, uri.as_str());
        prop_assert_eq!(again.to_uri(), uri);
        prop_assert_eq!(again.code_at(1_700_000_000), account.code_at(1_700_000_000));
    }

    #[test]
    fn uri_parser_never_panics(text in "\\PC{0,200}") {
        let _ = text.parse::<Account>();
        let _ = format!("otpauth://totp/{text}").parse::<Account>();
        let _ = format!("otpauth://hotp/x?secret={text}&counter={text}").parse::<Account>();
        let _ = migration::decode(&text);
        let _ = migration::decode(&format!("otpauth-migration://offline?data={text}"));
    }

    #[test]
    fn uri_parser_never_panics_on_near_misses(
        kind in "(totp|hotp|steam|TOTP|x)",
        label in "[A-Za-z%:+ 0-9]{0,20}",
        key in "(secret|issuer|digits|period|counter|algorithm|SECRET)",
        value in "[A-Za-z2-7=%+ 0-9-]{0,20}",
    ) {
        let _ = format!("otpauth://{kind}/{label}?secret=JBSWY3DPEHPK3PXP&{key}={value}").parse::<Account>();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn migration_round_trip(accounts in proptest::collection::vec(migratable_account(), 1..=50)) {
        let uris = migration::encode(&accounts).unwrap();
        let mut batches = Vec::new();
        for (index, uri) in uris.iter().enumerate() {
            let batch = migration::decode(uri).unwrap();
            prop_assert_eq!(batch.batch_index, index as i32);
            prop_assert_eq!(batch.batch_size, uris.len() as i32);
            prop_assert!(batch.accounts.len() <= MAX_ACCOUNTS_PER_URI);
            prop_assert!(uri.len() <= MAX_URI_CHARS || batch.accounts.len() == 1, "{} chars", uri.len());
            batches.push(batch);
        }
        prop_assert!(migration::missing_parts(&batches).is_empty());
        prop_assert!(batches.iter().all(|b| b.batch_id == batches[0].batch_id));
        let decoded: Vec<&Account> = batches.iter().flat_map(|b| &b.accounts).collect();
        prop_assert_eq!(decoded.len(), accounts.len());
        for (before, after) in accounts.iter().zip(decoded) {
            prop_assert!(after.same_otp(before), "{:?} became {:?}", before, after);
        }
    }
}
