//! The list: rows with codes, copy, HOTP's next code, edit and delete.

use tauri::{AppHandle, Manager as _, State};
use twofold_app::ErrorKind;
use twofold_otp::Account;
use twofold_vault::Vault;
use zeroize::Zeroizing;

use super::{blocking, reply};
use crate::clipboard::Clipboard;
use crate::error::AppError;
use crate::session::Session;
use crate::view::Row;

/// Every account's row, favourites first.
#[tauri::command(async)]
pub(crate) fn accounts(session: State<'_, Session>) -> Result<Vec<Row>, AppError> {
    reply(session.with_vault(|vault| {
        let now = twofold_app::now()?;
        let mut rows: Vec<Row> = vault.data.accounts.iter().map(|a| Row::of(a, now)).collect();
        rows.sort_by_key(|r| !r.favourite);
        Ok(rows)
    }))
}

/// Where account `id` is, in the app's words when it is not there.
fn find(vault: &Vault, id: &str) -> Result<usize, AppError> {
    twofold_app::find(&vault.data, id).map_err(|e| match e.kind() {
        ErrorKind::NoSuchAccount => AppError::new("no_such_account", "that account is gone"),
        _ => e.into(),
    })
}

/// Runs `change` on account `id` of the unlocked vault, then saves.
fn change(
    session: &Session,
    id: &str,
    change: impl FnOnce(&mut Account) -> Result<(), twofold_app::Error>,
) -> Result<(), AppError> {
    session.with_vault_mut(|vault| {
        let index = find(vault, id)?;
        let account = vault
            .data
            .accounts
            .get_mut(index)
            .ok_or_else(|| AppError::new("no_such_account", "that account is gone"))?;
        change(account)?;
        Ok(vault.save().map_err(twofold_app::Error::from)?)
    })
}

/// HOTP: moves the account to its next code.
#[tauri::command(async)]
pub(crate) fn next_code(session: State<'_, Session>, id: String) -> Result<(), AppError> {
    reply(change(&session, &id, |account| {
        Ok(account.advance_counter().map(drop)?)
    }))
}

/// Copies the account's current code; returns the seconds until the
/// clipboard is cleared (0: never). It is cleared only if it still holds
/// the code then, and no later copy came.
#[tauri::command]
pub(crate) async fn copy(app: AppHandle, id: String) -> Result<u32, AppError> {
    reply(
        blocking(app, move |app| {
            // The vault is held until the code is on the clipboard, so that
            // a lock (which takes it first too) cannot come between.
            app.state::<Session>().with_vault(|vault| {
                let account = vault
                    .data
                    .accounts
                    .get(find(vault, &id)?)
                    .ok_or_else(|| AppError::new("no_such_account", "that account is gone"))?;
                let code = twofold_app::codes_at(account, twofold_app::now()?).code;
                let seconds = vault.data.settings.clipboard_clear_seconds;
                app.state::<Clipboard>()
                    .copy(Zeroizing::new(code.as_str().to_owned()), seconds)?;
                Ok(seconds)
            })
        })
        .await,
    )
}

/// Changes an account's labels and organising fields (never its secret).
#[tauri::command(async)]
pub(crate) fn edit(
    session: State<'_, Session>,
    id: String,
    issuer: String,
    name: String,
    group: Option<String>,
    favourite: bool,
    icon: Option<String>,
) -> Result<(), AppError> {
    reply((|| {
        // A bundled icon's name (simple-icons slugs are lowercase letters and
        // digits), or `letter`; never a path or a link.
        let bundled = |icon: &str| {
            !icon.is_empty() && icon.len() <= 64 && icon.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        };
        if icon.as_deref().is_some_and(|icon| !bundled(icon)) {
            return Err(AppError::new("invalid", "icon: not the name of a bundled icon"));
        }
        change(&session, &id, |account| {
            account.set_labels(&issuer, &name, group.as_deref())?;
            account.favourite = favourite;
            account.icon = icon;
            Ok(())
        })
    })())
}

/// Deletes an account (the page asks first).
#[tauri::command(async)]
pub(crate) fn delete(session: State<'_, Session>, id: String) -> Result<(), AppError> {
    reply(session.with_vault_mut(|vault| {
        let index = find(vault, &id)?;
        vault.data.accounts.remove(index);
        Ok(vault.save().map_err(twofold_app::Error::from)?)
    }))
}
