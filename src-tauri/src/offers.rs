//! Accounts found and offered before they are added: several on the screen,
//! or what a clicked link holds. Each offer has an id, so that a panel adds
//! or drops only its own, whatever came meanwhile; all are dropped on lock,
//! and the links they came from wait again for the unlock.

use std::collections::HashMap;
use std::sync::Mutex;

use twofold_otp::Account;
use zeroize::Zeroizing;

use crate::error::AppError;

/// Offers waiting for the user's choice, by id.
#[derive(Default)]
pub(crate) struct Offers(Mutex<Held>);

#[derive(Default)]
struct Held {
    next: u64,
    offers: HashMap<u64, Offered>,
}

struct Offered {
    /// The session's epoch when they were found: a lock since voids them.
    epoch: u64,
    accounts: Vec<Account>,
    /// The links they came from (none for a screen scan).
    links: Vec<Zeroizing<String>>,
}

/// At most this many offers wait (panels closed without a word leave theirs).
const MAX_OFFERS: usize = 16;

impl Offers {
    /// Keeps `accounts` (found in `links`, if any) as an offer of epoch
    /// `epoch`; returns its id.
    pub(crate) fn offer(
        &self,
        epoch: u64,
        accounts: Vec<Account>,
        links: Vec<Zeroizing<String>>,
    ) -> Result<u64, AppError> {
        let mut held = self.0.lock()?;
        if held.offers.len() >= MAX_OFFERS {
            // The oldest goes: its panel is long gone.
            if let Some(oldest) = held.offers.keys().min().copied() {
                held.offers.remove(&oldest);
            }
        }
        held.next += 1;
        let id = held.next;
        held.offers.insert(id, Offered { epoch, accounts, links });
        Ok(id)
    }

    /// Drops the offer `id` (the user cancelled, or its panel closed);
    /// returns the links it came from.
    pub(crate) fn withdraw(&self, id: u64) -> Vec<Zeroizing<String>> {
        self.0
            .lock()
            .ok()
            .and_then(|mut held| held.offers.remove(&id))
            .map(|offered| offered.links)
            .unwrap_or_default()
    }

    /// Drops every offer (the vault locked); returns the links they came
    /// from, to wait again.
    pub(crate) fn clear(&self) -> Vec<Zeroizing<String>> {
        let Ok(mut held) = self.0.lock() else {
            return Vec::new();
        };
        let mut offers: Vec<(u64, Offered)> = held.offers.drain().collect();
        offers.sort_by_key(|(id, _)| *id);
        offers.into_iter().flat_map(|(_, offered)| offered.links).collect()
    }

    /// Takes the accounts at `indices` of the offer `id`, if it is of
    /// `epoch`; the rest of the offer is dropped.
    pub(crate) fn take(&self, epoch: u64, id: u64, indices: &[usize]) -> Result<Vec<Account>, AppError> {
        let offered = self.0.lock()?.offers.remove(&id).filter(|o| o.epoch == epoch).ok_or_else(|| {
            AppError::new(
                "invalid",
                "these accounts are no longer waiting to be added (the vault was locked meanwhile); scan the screen or open the link again",
            )
        })?;
        Ok(offered
            .accounts
            .into_iter()
            .enumerate()
            .filter(|(index, _)| indices.contains(index))
            .map(|(_, account)| account)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn account(issuer: &str) -> Account {
        format!("otpauth://totp/{issuer}:a?secret=JBSWY3DPEHPK3PXP")
            .parse()
            .unwrap()
    }

    #[test]
    fn each_offer_is_taken_or_dropped_by_its_own_id() {
        let offers = Offers::default();
        let scan = offers.offer(1, vec![account("A"), account("B")], Vec::new()).unwrap();
        let link = offers
            .offer(1, vec![account("C")], vec![Zeroizing::new("otpauth://c".to_owned())])
            .unwrap();
        // The scan's panel closing does not touch the link's offer.
        assert!(offers.withdraw(scan).is_empty());
        assert!(offers.take(1, scan, &[0]).is_err());
        let taken = offers.take(1, link, &[0]).unwrap();
        assert_eq!(taken[0].issuer, "C");
        // Taken once only.
        assert!(offers.take(1, link, &[0]).is_err());
        // Another epoch (a lock came): refused.
        let old = offers.offer(1, vec![account("D")], Vec::new()).unwrap();
        assert!(offers.take(2, old, &[0]).is_err());
    }

    #[test]
    fn a_lock_gives_back_the_links_of_the_offers_it_drops() {
        let offers = Offers::default();
        let _ = offers.offer(1, vec![account("A")], Vec::new()).unwrap();
        let link = offers
            .offer(1, vec![account("B")], vec![Zeroizing::new("otpauth://b".to_owned())])
            .unwrap();
        let back = offers.clear();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].as_str(), "otpauth://b");
        assert!(offers.take(1, link, &[0]).is_err());
        // At most MAX_OFFERS wait.
        for _ in 0..40 {
            let _ = offers.offer(1, vec![account("E")], Vec::new()).unwrap();
        }
        assert_eq!(offers.0.lock().unwrap().offers.len(), MAX_OFFERS);
    }
}
