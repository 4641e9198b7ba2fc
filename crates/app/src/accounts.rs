//! Accounts in an open vault: add (saving only when something is new),
//! find by id, and the codes to show.

use twofold_otp::{Account, Code};
use twofold_vault::{Merge, Vault, VaultData};

use crate::Error;

/// What [`add`] did: the accounts added, and those already in the vault.
pub type Added = Merge;

/// Merges `accounts` into the vault and saves, only if one of them was new:
/// a save rotates the backup (`.bak`), which must keep the last real change.
pub fn add(vault: &mut Vault, accounts: Vec<Account>) -> Result<Added, Error> {
    let merge = vault.data.merge(accounts);
    if !merge.added.is_empty() {
        vault.save()?;
    }
    Ok(merge)
}

/// For each of `accounts` (read from a file, not yet added), whether an
/// add would skip it: the vault, or an earlier one of them, already makes
/// the same codes under the same labels (the rule of [`VaultData::merge`]).
pub fn duplicates(data: &VaultData, accounts: &[Account]) -> Vec<bool> {
    accounts
        .iter()
        .enumerate()
        .map(|(index, account)| {
            data.accounts.iter().any(|existing| existing.same_otp(account))
                || accounts.iter().take(index).any(|earlier| earlier.same_otp(account))
        })
        .collect()
}

/// Where the account whose id is `id`, or the one id that starts with it
/// (case and surrounding spaces ignored), is in the vault's list.
pub fn find(data: &VaultData, id: &str) -> Result<usize, Error> {
    let id = id.trim().to_ascii_lowercase();
    if id.is_empty() {
        return Err(Error::NoSuchAccount(id));
    }
    let mut matches = data
        .accounts
        .iter()
        .enumerate()
        .filter(|(_, account)| account.id.to_string().starts_with(&id))
        .map(|(index, _)| index);
    match (matches.next(), matches.count()) {
        (Some(index), 0) => Ok(index),
        (None, _) => Err(Error::NoSuchAccount(id)),
        (Some(_), more) => Err(Error::AmbiguousId { id, count: more + 1 }),
    }
}

/// An account's codes at one instant.
#[derive(Debug)]
pub struct Codes {
    /// The code to type now (HOTP: the code of the stored counter).
    pub code: Code,
    /// The code after it: the next period's, or HOTP's at the next counter.
    pub next: Code,
    /// Seconds until `code` changes (time-based kinds).
    pub seconds_left: Option<u32>,
    /// Seconds each code lasts (time-based kinds).
    pub period: Option<u32>,
}

/// The codes of `account` at Unix time `at`; one rule for every kind: the
/// next code is the one of the next moving factor.
pub fn codes_at(account: &Account, at: u64) -> Codes {
    let generator = account.generator();
    let counter = account.counter_at(at);
    Codes {
        code: generator.code(counter),
        next: generator.code(counter.wrapping_add(1)),
        seconds_left: account.remaining_seconds(at),
        period: account.kind.period().map(|p| p.get()),
    }
}

/// The current Unix time in seconds.
pub fn now() -> Result<u64, Error> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|_| Error::Clock)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn data(ids: &[&str]) -> VaultData {
        let mut data = VaultData::default();
        for (n, id) in ids.iter().enumerate() {
            let mut account: Account = format!("otpauth://totp/I{n}:a?secret=JBSWY3DPEHPK3PXP&issuer=I{n}")
                .parse()
                .unwrap();
            account.id = id.parse().unwrap();
            data.accounts.push(account);
        }
        data
    }

    #[test]
    fn an_id_is_found_whole_or_by_a_unique_prefix_in_any_case() {
        let data = data(&[
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "0f8fbd5b-d9cb-469f-a165-70867728950e",
            "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        ]);
        assert_eq!(find(&data, "7c9e6679-7425-40de-944b-e07fc1f90ae7").unwrap(), 2);
        assert_eq!(find(&data, " 7C9E ").unwrap(), 2);
        assert_eq!(find(&data, "0f8fb").unwrap(), 1);
        assert!(matches!(find(&data, "0f8f"), Err(Error::AmbiguousId { count: 2, .. })));
        assert!(matches!(find(&data, "ffff"), Err(Error::NoSuchAccount(_))));
        assert!(matches!(find(&data, "  "), Err(Error::NoSuchAccount(_))));
    }

    #[test]
    fn the_next_code_is_the_next_step_for_totp_and_the_next_counter_for_hotp() {
        let totp: Account = "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP".parse().unwrap();
        let codes = codes_at(&totp, 59);
        assert_eq!(codes.code.as_str(), "996554");
        assert_eq!(codes.next, totp.code_at(89));
        assert_eq!((codes.seconds_left, codes.period), (Some(1), Some(30)));
        // RFC 4226's appendix D: the secret "12345678901234567890", counters 5 and 6.
        let hotp: Account = "otpauth://hotp/B:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=5"
            .parse()
            .unwrap();
        let codes = codes_at(&hotp, 1_700_000_000);
        assert_eq!((codes.code.as_str(), codes.next.as_str()), ("254676", "287922"));
        assert_eq!((codes.seconds_left, codes.period), (None, None));
    }

    #[test]
    fn duplicates_are_marked_as_an_add_would_skip_them() {
        let parse = |uri: &str| -> Account { uri.parse().unwrap() };
        let mut data = VaultData::default();
        data.merge(vec![parse(
            "otpauth://totp/GitHub:ann?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
        )]);
        let file = vec![
            parse("otpauth://totp/GitHub:ann?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"),
            parse("otpauth://totp/GitHub:ann?secret=GEZDGNBVGY3TQOJQ&issuer=GitHub"),
            parse("otpauth://totp/GitLab:bob?secret=GEZDGNBVGY3TQOJQ&issuer=GitLab"),
            parse("otpauth://totp/GitLab:bob?secret=GEZDGNBVGY3TQOJQ&issuer=GitLab"),
        ];
        let marks = duplicates(&data, &file);
        assert_eq!(marks, [true, false, false, true]);
        let merge = data.merge(file);
        assert_eq!(merge.skipped.len(), marks.iter().filter(|&&m| m).count());
    }
}
