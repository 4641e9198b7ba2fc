//! Adding accounts: a link, an image file, the clipboard's image, the
//! manual form.

use tauri::{AppHandle, Manager as _, State};
use twofold_otp::Account;
use twofold_scan::Scanner;
use zeroize::Zeroizing;

use super::{Body, blocking, raw_body, reply};
use crate::clipboard::Clipboard;
use crate::error::{AppError, FieldProblem};
use crate::session::Session;
use crate::view::Added;

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
