//! Accounts offered before they are added (several found on the screen,
//! what a clicked link holds): what the links hold, and the user's choice.

use tauri::State;

use super::add::add;
use super::reply;
use crate::error::AppError;
use crate::links::Links;
use crate::offers::Offers;
use crate::session::Session;
use crate::view::{Added, Linked, Offer};

/// What the links handed to the app hold (a clicked `otpauth://` link),
/// offered for `add_offered` once the user confirms. While locked they
/// stay waiting, and this fails as locked.
#[tauri::command(async)]
pub(crate) fn open_links(
    session: State<'_, Session>,
    links: State<'_, Links>,
    offers: State<'_, Offers>,
) -> Result<Linked, AppError> {
    reply((|| {
        let epoch = session.epoch();
        session.with_vault(|_| Ok(()))?;
        let waiting = links.take();
        if waiting.is_empty() {
            return Ok(Linked::default());
        }
        let count = waiting.len();
        let found = twofold_app::accounts_in_links(&waiting);
        let offered = Offer::list(&found.accounts);
        let offer = if found.accounts.is_empty() {
            None
        } else {
            Some(offers.offer(epoch, found.accounts, waiting)?)
        };
        // A lock that came meanwhile has run its hooks already: the links
        // wait again.
        if session.epoch() != epoch {
            if let Some(offer) = offer {
                links.push(offers.withdraw(offer));
            }
            return Err(AppError::locked());
        }
        Ok(Linked {
            offer,
            offered,
            problems: found.problems,
            links: count,
        })
    })())
}

/// Adds the accounts of offer `offer` the user kept ticked; none drops the
/// offer (the user cancelled).
#[tauri::command(async)]
pub(crate) fn add_offered(
    session: State<'_, Session>,
    offers: State<'_, Offers>,
    offer: u64,
    indices: Vec<usize>,
) -> Result<Added, AppError> {
    reply((|| {
        if indices.is_empty() {
            let _ = offers.withdraw(offer);
            return Ok(Added::of(&twofold_app::Added::default(), Vec::new()));
        }
        add(&session, offers.take(session.epoch(), offer, &indices)?, Vec::new())
    })())
}
