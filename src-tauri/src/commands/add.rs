//! Adding accounts: a link, an image file, the clipboard's image, the
//! manual form.

use tauri::{AppHandle, Manager as _, State};
use twofold_otp::Account;
use twofold_scan::Scanner;
use zeroize::Zeroizing;

use super::{Body, blocking, raw_body, reply};
use crate::capture::screen::Offers;
use crate::clipboard::Clipboard;
use crate::error::{AppError, FieldProblem};
use crate::links::Links;
use crate::session::Session;
use crate::view::{Added, Linked, Offer};

/// Merges `accounts` into the vault (saving only when one is new).
pub(crate) fn add(session: &Session, accounts: Vec<Account>, problems: Vec<String>) -> Result<Added, AppError> {
    session.with_vault_mut(|vault| Ok(Added::of(&twofold_app::add(vault, accounts)?, problems)))
}

/// Adds the accounts of an otpauth://, steam:// or otpauth-migration:// link.
#[tauri::command(async)]
pub(crate) fn add_uri(session: State<'_, Session>, uri: Zeroizing<String>) -> Result<Added, AppError> {
    reply((|| {
        add(&session, twofold_app::accounts_in_uris(&[uri.as_str()])?, Vec::new())
    })())
}

/// What the links handed to the app hold (a clicked `otpauth://` link):
/// offered, for `add_offered` once the user confirms. While locked they
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
        let mut accounts = Vec::new();
        let mut problems = Vec::new();
        for link in &waiting {
            match twofold_app::accounts_in_uris(&[link.as_str()]) {
                Ok(found) => accounts.extend(found),
                Err(e) => problems.push(AppError::from(e).message),
            }
        }
        let offered = Offer::list(&accounts);
        offers.offer(epoch, accounts);
        // A lock that came meanwhile has run its hooks already.
        if session.epoch() != epoch {
            offers.clear();
            return Err(AppError::locked());
        }
        Ok(Linked { offered, problems })
    })())
}

/// Adds the accounts in the QR codes of an image file, sent as the raw body.
#[tauri::command]
pub(crate) async fn add_image(app: AppHandle, request: tauri::ipc::Request<'_>) -> Result<Added, AppError> {
    let bytes = raw_body(&request, Body::Image);
    reply(
        blocking(app, move |app| {
            let found = twofold_app::accounts_in_image_file(&mut Scanner::new(), &bytes?)?;
            add(&app.state::<Session>(), found.accounts, found.problems)
        })
        .await,
    )
}

/// Adds the accounts in the image on the system clipboard: a pasted image
/// reaches the page without its pixels in WebKitGTK, so they are read here.
#[tauri::command]
pub(crate) async fn add_clipboard_image(app: AppHandle) -> Result<Added, AppError> {
    reply(
        blocking(app, |app| {
            let (width, height, rgba) = app.state::<Clipboard>().image()?;
            let luma = crate::capture::luma_of_32bit(&rgba, [0, 1, 2]);
            let pixels = u64::from(width) * u64::from(height);
            if luma.len() as u64 != pixels {
                return Err(AppError::new(
                    "bad_image",
                    "the clipboard's image is damaged; copy it again",
                ));
            }
            let found = twofold_app::accounts_in_found(&Scanner::new().scan_frame(&luma, width, height))?;
            add(&app.state::<Session>(), found.accounts, found.problems)
        })
        .await,
    )
}

/// An "add account" form, as typed; the secret is wiped when dropped.
#[derive(serde::Deserialize)]
pub(crate) struct FormInput {
    issuer: String,
    name: String,
    secret: Zeroizing<String>,
    kind: String,
    algorithm: String,
    digits: String,
    period: String,
    counter: String,
}

/// Adds the account a form describes, or names every field at fault.
#[tauri::command(async)]
pub(crate) fn add_manual(session: State<'_, Session>, form: FormInput) -> Result<Added, AppError> {
    reply((|| {
        let form = twofold_otp::AccountForm {
            issuer: form.issuer,
            name: form.name,
            secret: form.secret,
            kind: form.kind,
            algorithm: form.algorithm,
            digits: form.digits,
            period: form.period,
            counter: form.counter,
        };
        let account = form.build().map_err(|errors| {
            AppError::fields(
                errors
                    .into_iter()
                    .map(|e| FieldProblem {
                        field: e.field,
                        message: e.message,
                    })
                    .collect(),
            )
        })?;
        add(&session, vec![account], Vec::new())
    })())
}
