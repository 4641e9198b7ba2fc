//! The Twofold desktop app: a Tauri v2 shell whose commands wire the UI to
//! the crates (`twofold-vault` for the accounts, `twofold-otp` for codes,
//! `twofold-scan` for QR images). The unlocked vault lives here, in the app
//! state; the webview gets labels, codes and seconds left, never a secret.
//!
//! Every command runs off the main thread (`async`), and the slow ones
//! (Argon2id at unlock, scanning a 4K screenshot, the keychain and the
//! clipboard) on the blocking pool, so that neither the window nor the
//! other commands wait for them.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use serde::Serialize;
use tauri::Manager as _;
use twofold_otp::Account;
use twofold_vault::{KdfParams, NewVault, SystemKeychain, Unlock, Vault};
use zeroize::Zeroizing;

/// The largest image file the app reads (screenshots are a few MB).
const MAX_IMAGE_BYTES: usize = 50 * 1024 * 1024;
/// Longest clipboard timeout and idle time a setting takes: an hour, a day.
const MAX_CLIPBOARD_SECONDS: u32 = 3600;
const MAX_AUTO_LOCK_MINUTES: u32 = 1440;

/// The app's state: where the vault is, the vault when unlocked, the
/// clipboard, and what auto-lock needs.
struct AppState {
    path: PathBuf,
    vault: Mutex<Option<Vault>>,
    clipboard: Arc<Mutex<Clipboard>>,
    /// The user's last input in the window, as the page reports it; wall
    /// clock time, which (unlike `Instant`) runs on while the machine sleeps.
    last_input: Mutex<SystemTime>,
    /// Locked during this run (by the user or when idle): the keychain is
    /// not used to reopen the vault until the user asks.
    locked_this_run: AtomicBool,
    /// Counts locks: an unlock that began before a lock must not finish after it.
    locks: AtomicU64,
    /// Held while a vault is being opened or created: one at a time.
    opening: Mutex<()>,
}

/// The system clipboard, kept open while it holds a code (on X11 the code
/// stays pasteable only while its owner lives), and the code it holds.
#[derive(Default)]
struct Clipboard {
    handle: Option<arboard::Clipboard>,
    /// The code last copied, while it may still be on the clipboard.
    code: Option<Zeroizing<String>>,
    /// Counts copies, so that a clear timer of an earlier copy stands down.
    copies: u64,
}

impl Clipboard {
    fn open(&mut self) -> Result<&mut arboard::Clipboard, String> {
        if self.handle.is_none() {
            self.handle = Some(arboard::Clipboard::new().map_err(|e| format!("the clipboard cannot be used: {e}"))?);
        }
        self.handle
            .as_mut()
            .ok_or_else(|| "the clipboard cannot be used".to_owned())
    }

    /// Puts `code` on the clipboard, kept out of clipboard managers' history.
    fn copy(&mut self, code: Zeroizing<String>) -> Result<u64, String> {
        let set = self.open()?.set();
        #[cfg(target_os = "linux")]
        let set = arboard::SetExtLinux::exclude_from_history(set);
        #[cfg(target_os = "macos")]
        let set = arboard::SetExtApple::exclude_from_history(set);
        #[cfg(target_os = "windows")]
        let set = arboard::SetExtWindows::exclude_from_cloud(arboard::SetExtWindows::exclude_from_history(set));
        set.text(code.as_str()).map_err(|e| format!("copying failed: {e}"))?;
        self.code = Some(code);
        self.copies += 1;
        Ok(self.copies)
    }

    /// Empties the clipboard if it still holds the code copied last (and,
    /// with `copy`, only if no other copy came since that one).
    fn clear_code(&mut self, copy: Option<u64>) {
        if copy.is_some_and(|n| n != self.copies) {
            return;
        }
        let Some(code) = self.code.take() else { return };
        // Cleared too when the clipboard cannot be read back (some
        // compositors refuse an unfocused window): better an empty
        // clipboard than a code left behind.
        if let Some(handle) = self.handle.as_mut()
            && handle.get_text().map_or(true, |text| text == *code)
        {
            let _ = handle.clear();
        }
    }
}

/// What the first screen needs to know.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    /// A vault file exists.
    exists: bool,
    /// It is open.
    unlocked: bool,
    /// It has a keychain slot.
    has_keychain: bool,
    /// It has a password slot.
    has_password: bool,
    /// Open it with the keychain without asking: it has a keychain slot and
    /// was not locked during this run.
    auto_open: bool,
    /// Why the file cannot be used, if it cannot (corrupt, foreign).
    problem: Option<String>,
}

/// One row of the list: labels and codes, no secret.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    /// The account's id, for the commands that act on it.
    id: String,
    issuer: String,
    name: String,
    group: Option<String>,
    favourite: bool,
    /// `totp`, `hotp` or `steam`.
    kind: &'static str,
    /// The code to type now.
    code: String,
    /// The code of the next period (time-based kinds).
    next_code: Option<String>,
    /// Seconds until `code` changes (time-based kinds).
    seconds_left: Option<u32>,
    /// Seconds each code lasts (time-based kinds).
    period: Option<u32>,
}

/// What an add did: the labels of the accounts added, how many were in the
/// vault already, and why any QR code held no account.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Added {
    added: Vec<String>,
    already_there: usize,
    problems: Vec<String>,
}

/// In debug builds with `TWOFOLD_IPC_LOG` set (the end-to-end tests set
/// it), every reply a command sends the webview, value or error, is
/// appended to that file as one JSON line: a test then searches all the
/// webview ever received for the accounts' secrets. Release builds never
/// write it: it holds the vault's labels and codes in the clear.
fn reply<T: Serialize, E: Serialize>(result: Result<T, E>) -> Result<T, E> {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os("TWOFOLD_IPC_LOG") {
        let line = match &result {
            Ok(value) => serde_json::to_string(value),
            Err(error) => serde_json::to_string(error),
        };
        if let Ok(line) = line {
            use std::io::Write as _;
            let file = std::fs::OpenOptions::new().create(true).append(true).open(path);
            if let Ok(mut file) = file {
                let _ = writeln!(file, "{line}");
            }
        }
    }
    result
}

fn now() -> Result<u64, String> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|_| "the system clock is before 1970; set the date, or no code can be right".to_owned())
}

fn row(account: &Account, now: u64) -> Row {
    let period = account.kind.period().map(|p| p.get());
    Row {
        id: account.id.to_string(),
        issuer: account.issuer.clone(),
        name: account.name.clone(),
        group: account.group.clone(),
        favourite: account.favourite,
        kind: account.kind.as_str(),
        code: account.code_at(now).to_string(),
        next_code: period.map(|p| account.code_at(now + u64::from(p)).to_string()),
        seconds_left: account.remaining_seconds(now),
        period,
    }
}

/// Whether a vault exists, is open, and how it can be opened.
#[tauri::command(async)]
fn status(state: tauri::State<'_, AppState>) -> Result<Status, String> {
    reply(Ok(status_of(&state)))
}

fn status_of(state: &AppState) -> Status {
    let unlocked = state.vault.lock().map(|v| v.is_some()).unwrap_or(false);
    let mut status = Status {
        exists: true,
        unlocked,
        has_keychain: false,
        has_password: false,
        auto_open: false,
        problem: None,
    };
    match twofold_vault::inspect(&state.path) {
        Ok(info) => {
            status.has_keychain = info.has_keychain;
            status.has_password = info.has_password;
            status.auto_open = info.has_keychain && !state.locked_this_run.load(Ordering::Relaxed);
        }
        Err(_) if !state.path.exists() => status.exists = false,
        Err(e) => {
            status.unlocked = false;
            status.problem = Some(e.to_string());
        }
    }
    status
}

/// Creates the vault: a keychain slot (when `keychain`), a password slot
/// (when a password is given).
#[tauri::command]
async fn create_vault(
    app: tauri::AppHandle,
    password: Option<Zeroizing<String>>,
    keychain: bool,
) -> Result<(), String> {
    reply(blocking(app, move |state| create_vault_inner(state, password, keychain)).await)
}

/// Runs `work` on the blocking pool with the app's state.
async fn blocking<T: Send + 'static>(
    app: tauri::AppHandle,
    work: impl FnOnce(&AppState) -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tauri::async_runtime::spawn_blocking(move || work(&app.state::<AppState>()))
        .await
        .map_err(|e| format!("the app failed to finish that: {e}"))?
}

fn create_vault_inner(state: &AppState, password: Option<Zeroizing<String>>, keychain: bool) -> Result<(), String> {
    let _one_at_a_time = state.opening.lock().map_err(|e| e.to_string())?;
    let locks = state.locks.load(Ordering::SeqCst);
    let store = SystemKeychain;
    let vault = Vault::create(
        &state.path,
        NewVault {
            keychain: keychain.then_some(&store as &dyn twofold_vault::KeyStore),
            password: password.as_deref().map(String::as_str).filter(|p| !p.is_empty()),
            kdf: KdfParams::default(),
        },
    )
    .map_err(|e| match e {
        // The library's advice names the CLI; here the answer is on screen.
        twofold_vault::VaultError::Keychain(twofold_vault::KeychainError::Unavailable { detail }) => {
            format!("{}, so the vault's key cannot be kept there", no_keychain(&detail))
        }
        e => e.to_string(),
    })?;
    opened(state, vault, locks)
}

/// Opens the vault with the keychain, or with `password`.
#[tauri::command]
async fn unlock(app: tauri::AppHandle, password: Option<Zeroizing<String>>) -> Result<(), String> {
    reply(blocking(app, move |state| unlock_inner(state, password)).await)
}

fn unlock_inner(state: &AppState, password: Option<Zeroizing<String>>) -> Result<(), String> {
    let _one_at_a_time = state.opening.lock().map_err(|e| e.to_string())?;
    let locks = state.locks.load(Ordering::SeqCst);
    // Open already (a double click): opening again would wait on our own lock.
    if state.vault.lock().map_err(|e| e.to_string())?.is_some() {
        return Ok(());
    }
    let store = SystemKeychain;
    let unlock = match password.as_deref() {
        Some(password) => Unlock::Password(password),
        None => Unlock::Keychain(&store),
    };
    let vault = Vault::open(&state.path, unlock).map_err(|e| {
        unlock_error(e, || {
            twofold_vault::inspect(&state.path).is_ok_and(|info| info.has_password)
        })
    })?;
    opened(state, vault, locks)
}

/// Why the vault did not open, in the app's words: the library's keychain
/// advice names CLI commands, and here the way out is the password field,
/// when the vault has a password (`has_password` reads the file, so only
/// keychain failures ask).
fn unlock_error(e: twofold_vault::VaultError, has_password: impl FnOnce() -> bool) -> String {
    use twofold_vault::{KeychainError, VaultError};
    let VaultError::Keychain(failure @ (KeychainError::Missing | KeychainError::Unavailable { .. })) = e else {
        return e.to_string();
    };
    let has_password = has_password();
    match failure {
        KeychainError::Unavailable { detail } if has_password => format!(
            "{}. Unlock the vault with its password, or start a Secret Service such as gnome-keyring and try \
             the keychain again.",
            no_keychain(&detail)
        ),
        KeychainError::Unavailable { detail } => format!(
            "{}. Start a Secret Service such as gnome-keyring (in a desktop session it usually runs already) \
             and try the keychain again.",
            no_keychain(&detail)
        ),
        _ if has_password => "The keychain has no key for this vault (was the entry deleted, or is the vault \
            from another computer?). Unlock it with its password."
            .to_owned(),
        _ => "The keychain has no key for this vault (was the entry deleted, or is the vault from another \
              computer?). It has no password, so it cannot be opened here; restore your accounts from an \
              export or backup into a new vault."
            .to_owned(),
    }
}

/// The start of every message about a keychain that did not answer.
fn no_keychain(detail: &str) -> String {
    format!("No system keychain answered ({detail})")
}

/// Keeps the vault just opened, unless a lock came while it was opening
/// (`locks` is the count read before); the idle clock starts now.
fn opened(state: &AppState, vault: Vault, locks: u64) -> Result<(), String> {
    let mut slot = state.vault.lock().map_err(|e| e.to_string())?;
    if state.locks.load(Ordering::SeqCst) != locks {
        return Err("the app was locked while the vault was opening; unlock again".to_owned());
    }
    *state.last_input.lock().map_err(|e| e.to_string())? = SystemTime::now();
    *slot = Some(vault);
    Ok(())
}

/// Locks now: the vault is closed, and a code still on the clipboard is cleared.
#[tauri::command]
async fn lock(app: tauri::AppHandle) -> Result<(), String> {
    reply(blocking(app, lock_inner).await)
}

/// Closes the vault and clears a code still on the clipboard, holding the
/// vault's mutex throughout (as a copy does), so that no copy lands after.
fn lock_inner(state: &AppState) -> Result<(), String> {
    let mut vault = state.vault.lock().map_err(|e| e.to_string())?;
    state.locked_this_run.store(true, Ordering::Relaxed);
    state.locks.fetch_add(1, Ordering::SeqCst);
    *vault = None;
    state.clipboard.lock().map_err(|e| e.to_string())?.clear_code(None);
    Ok(())
}

/// The user did something in the window: the idle clock starts again.
#[tauri::command(async)]
fn activity(state: tauri::State<'_, AppState>) {
    if let Ok(mut last) = state.last_input.lock() {
        *last = SystemTime::now();
    }
}

/// Locks the vault once the user has been idle for the set minutes; runs
/// in its own thread, so that it holds even if the page stops.
fn watch_idle(app: tauri::AppHandle) {
    loop {
        std::thread::sleep(Duration::from_secs(2));
        let state = app.state::<AppState>();
        let minutes = match state.vault.lock() {
            Ok(vault) => vault.as_ref().map_or(0, |v| v.data.settings.auto_lock_minutes),
            Err(_) => 0,
        };
        // Wall clock: a machine that slept past the idle time locks on waking.
        let idle = state
            .last_input
            .lock()
            .map_or(Duration::ZERO, |t| t.elapsed().unwrap_or(Duration::ZERO));
        if minutes > 0 && idle >= Duration::from_secs(u64::from(minutes) * 60) {
            let _ = lock_inner(&state);
        }
    }
}

/// Every account's row, favourites first.
#[tauri::command(async)]
fn accounts(state: tauri::State<'_, AppState>) -> Result<Vec<Row>, String> {
    reply(accounts_inner(&state))
}

fn accounts_inner(state: &AppState) -> Result<Vec<Row>, String> {
    let guard = state.vault.lock().map_err(|e| e.to_string())?;
    let vault = guard.as_ref().ok_or("the vault is locked")?;
    let now = now()?;
    let mut rows: Vec<Row> = vault.data.accounts.iter().map(|a| row(a, now)).collect();
    rows.sort_by_key(|r| !r.favourite);
    Ok(rows)
}

/// Adds the accounts of an otpauth://, steam:// or otpauth-migration:// link.
#[tauri::command(async)]
fn add_uri(state: tauri::State<'_, AppState>, uri: Zeroizing<String>) -> Result<Added, String> {
    reply(add_uri_inner(&state, &uri))
}

fn add_uri_inner(state: &AppState, uri: &str) -> Result<Added, String> {
    let accounts = twofold_otp::accounts_from_uri(uri).map_err(|e| e.to_string())?;
    add(state, accounts, Vec::new())
}

/// Adds the accounts in the QR codes of an image file's bytes.
#[tauri::command]
async fn add_image(app: tauri::AppHandle, bytes: Zeroizing<Vec<u8>>) -> Result<Added, String> {
    reply(blocking(app, move |state| add_image_inner(state, &bytes)).await)
}

fn add_image_inner(state: &AppState, bytes: &[u8]) -> Result<Added, String> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(format!(
            "the image is over {} MB; use a screenshot or a smaller photo",
            MAX_IMAGE_BYTES >> 20
        ));
    }
    let gray = twofold_scan::load_gray(bytes).map_err(|e| e.to_string())?;
    add_from_image(state, &gray)
}

/// Adds the accounts in the image on the system clipboard: a pasted image
/// reaches the page without its pixels in WebKitGTK, so they are read here.
#[tauri::command]
async fn add_clipboard_image(app: tauri::AppHandle) -> Result<Added, String> {
    reply(blocking(app, add_clipboard_image_inner).await)
}

fn add_clipboard_image_inner(state: &AppState) -> Result<Added, String> {
    let image = state
        .clipboard
        .lock()
        .map_err(|e| e.to_string())?
        .open()?
        .get_image()
        .map_err(|_| "the clipboard holds no image; copy a screenshot of the QR code first".to_owned())?;
    let width = u32::try_from(image.width).map_err(|e| e.to_string())?;
    let height = u32::try_from(image.height).map_err(|e| e.to_string())?;
    let gray = twofold_scan::gray_from_rgba(width, height, image.bytes.into_owned()).map_err(|e| e.to_string())?;
    add_from_image(state, &gray)
}

/// Adds every account in every QR code of the image: otpauth:// codes, and
/// Google Authenticator export codes with several accounts each.
fn add_from_image(state: &AppState, gray: &twofold_scan::GrayImage) -> Result<Added, String> {
    let found = twofold_scan::Scanner::new().scan(gray);
    if found.is_empty() {
        return Err(
            "no QR code was found in the image; try a sharper or larger picture, or crop it to the code".into(),
        );
    }
    let payloads = twofold_otp::accounts_in_payloads(found.iter().map(|f| f.text.as_str()));
    let problems: Vec<String> = payloads
        .refused
        .iter()
        .map(|e| {
            if e.is_not_an_account() {
                "a QR code holds no otpauth:// account (it is not a two-factor setup code)".to_owned()
            } else {
                format!("a QR code holds a broken account link: {e}")
            }
        })
        .collect();
    if payloads.accounts.is_empty() {
        return Err(problems.join("; "));
    }
    add(state, payloads.accounts, problems)
}

/// An "add account" form, as typed; the secret is wiped when dropped.
#[derive(serde::Deserialize)]
struct FormInput {
    issuer: String,
    name: String,
    secret: Zeroizing<String>,
    kind: String,
    algorithm: String,
    digits: String,
    period: String,
    counter: String,
}

/// A field the form got wrong (`form`: none in particular), for the UI to show beside it.
#[derive(Serialize)]
struct FieldProblem {
    field: &'static str,
    message: String,
}

/// Adds the account a form describes, or names every field at fault.
#[tauri::command(async)]
fn add_manual(state: tauri::State<'_, AppState>, form: FormInput) -> Result<Added, Vec<FieldProblem>> {
    reply(add_manual_inner(&state, form))
}

fn add_manual_inner(state: &AppState, form: FormInput) -> Result<Added, Vec<FieldProblem>> {
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
        errors
            .into_iter()
            .map(|e| FieldProblem {
                field: e.field,
                message: e.message,
            })
            .collect::<Vec<_>>()
    })?;
    add(state, vec![account], Vec::new()).map_err(|message| vec![FieldProblem { field: "form", message }])
}

/// Merges `accounts` into the vault, saving only if one was new (a save
/// rotates the backup, which must keep the last real change).
fn add(state: &AppState, accounts: Vec<Account>, problems: Vec<String>) -> Result<Added, String> {
    let mut guard = state.vault.lock().map_err(|e| e.to_string())?;
    let vault = guard.as_mut().ok_or("the vault is locked")?;
    let merge = vault.data.merge(accounts);
    if !merge.added.is_empty() {
        vault.save().map_err(|e| e.to_string())?;
    }
    Ok(Added {
        added: merge.added.iter().map(Account::label).collect(),
        already_there: merge.skipped.len(),
        problems,
    })
}

/// HOTP: moves the account to its next code.
#[tauri::command(async)]
fn next_code(state: tauri::State<'_, AppState>, id: String) -> Result<(), String> {
    reply(with_account(&state, &id, |account| {
        account.advance_counter().map(drop).map_err(|e| e.to_string())
    }))
}

/// Copies the account's current code; returns the seconds until the
/// clipboard is cleared (0: never). It is cleared only if it still holds
/// the code then, and no later copy came.
#[tauri::command]
async fn copy(app: tauri::AppHandle, id: String) -> Result<u32, String> {
    reply(blocking(app, move |state| copy_inner(state, &id)).await)
}

fn copy_inner(state: &AppState, id: &str) -> Result<u32, String> {
    // The vault's mutex is held until the code is on the clipboard, so that
    // a lock (which takes it first too) cannot come between.
    let guard = state.vault.lock().map_err(|e| e.to_string())?;
    let vault = guard.as_ref().ok_or("the vault is locked")?;
    let account = vault
        .data
        .accounts
        .get(index_of(vault, id)?)
        .ok_or("that account is gone")?;
    let code = Zeroizing::new(account.code_at(now()?).to_string());
    let seconds = vault.data.settings.clipboard_clear_seconds;
    let copy = state.clipboard.lock().map_err(|e| e.to_string())?.copy(code)?;
    drop(guard);
    if seconds > 0 {
        let clipboard = Arc::clone(&state.clipboard);
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(u64::from(seconds)));
            if let Ok(mut clipboard) = clipboard.lock() {
                clipboard.clear_code(Some(copy));
            }
        });
    }
    Ok(seconds)
}

/// Changes an account's labels and organising fields (never its secret).
#[tauri::command(async)]
fn edit(
    state: tauri::State<'_, AppState>,
    id: String,
    issuer: String,
    name: String,
    group: Option<String>,
    favourite: bool,
) -> Result<(), String> {
    reply(with_account(&state, &id, |account| {
        account
            .set_labels(&issuer, &name, group.as_deref())
            .map_err(|e| e.to_string())?;
        account.favourite = favourite;
        Ok(())
    }))
}

/// Deletes an account (the UI asks first).
#[tauri::command(async)]
fn delete(state: tauri::State<'_, AppState>, id: String) -> Result<(), String> {
    reply((|| {
        let mut guard = state.vault.lock().map_err(|e| e.to_string())?;
        let vault = guard.as_mut().ok_or("the vault is locked")?;
        let before = vault.data.accounts.len();
        vault.data.accounts.retain(|a| a.id.to_string() != id);
        if vault.data.accounts.len() == before {
            return Err("that account is gone".to_owned());
        }
        vault.save().map_err(|e| e.to_string())
    })())
}

/// Where account `id` is in the vault's list.
fn index_of(vault: &Vault, id: &str) -> Result<usize, String> {
    vault
        .data
        .accounts
        .iter()
        .position(|a| a.id.to_string() == id)
        .ok_or_else(|| "that account is gone".to_owned())
}

/// Runs `change` on account `id` of the unlocked vault, then saves.
fn with_account(
    state: &AppState,
    id: &str,
    change: impl FnOnce(&mut Account) -> Result<(), String>,
) -> Result<(), String> {
    let mut guard = state.vault.lock().map_err(|e| e.to_string())?;
    let vault = guard.as_mut().ok_or("the vault is locked")?;
    let index = index_of(vault, id)?;
    let account = vault.data.accounts.get_mut(index).ok_or("that account is gone")?;
    change(account)?;
    vault.save().map_err(|e| e.to_string())
}

/// The settings the UI shows and changes.
#[derive(Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SettingsView {
    /// Seconds after a copy before the clipboard is cleared (0: never).
    clipboard_seconds: u32,
    /// Minutes without input before the app locks (0: never).
    auto_lock_minutes: u32,
}

/// The vault's settings.
#[tauri::command(async)]
fn settings(state: tauri::State<'_, AppState>) -> Result<SettingsView, String> {
    reply((|| {
        let guard = state.vault.lock().map_err(|e| e.to_string())?;
        let vault = guard.as_ref().ok_or("the vault is locked")?;
        Ok(SettingsView {
            clipboard_seconds: vault.data.settings.clipboard_clear_seconds,
            auto_lock_minutes: vault.data.settings.auto_lock_minutes,
        })
    })())
}

/// Changes the vault's settings, within their bounds.
#[tauri::command(async)]
fn set_settings(state: tauri::State<'_, AppState>, settings: SettingsView) -> Result<(), String> {
    reply((|| {
        if settings.clipboard_seconds > MAX_CLIPBOARD_SECONDS {
            return Err(format!(
                "clipboard: at most {MAX_CLIPBOARD_SECONDS} seconds (0 never clears it)"
            ));
        }
        if settings.auto_lock_minutes > MAX_AUTO_LOCK_MINUTES {
            return Err(format!(
                "auto-lock: at most {MAX_AUTO_LOCK_MINUTES} minutes (0 never locks)"
            ));
        }
        let mut guard = state.vault.lock().map_err(|e| e.to_string())?;
        let vault = guard.as_mut().ok_or("the vault is locked")?;
        vault.data.settings.clipboard_clear_seconds = settings.clipboard_seconds;
        vault.data.settings.auto_lock_minutes = settings.auto_lock_minutes;
        vault.save().map_err(|e| e.to_string())
    })())
}

/// The UI drew its first code. With `TWOFOLD_STARTUP_PROBE` set (the
/// start-up measurement, scripts/measure-app.sh), the milliseconds since
/// the app started and its process id are written there.
#[tauri::command(async)]
fn first_code_drawn() {
    let Some(path) = std::env::var_os("TWOFOLD_STARTUP_PROBE") else {
        return;
    };
    let elapsed = STARTED.get().map_or(0.0, |t| t.elapsed().as_secs_f64() * 1e3);
    let _ = std::fs::write(path, format!("{elapsed:.1} {}\n", std::process::id()));
}

/// When the process started, for the start-up measurement.
static STARTED: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// Starts the app on the vault at `TWOFOLD_VAULT`, or the default place the
/// CLI uses too; exits with a message if the window cannot be made.
pub fn run() {
    let _ = STARTED.set(Instant::now());
    let Some(path) = std::env::var_os("TWOFOLD_VAULT")
        .map(PathBuf::from)
        .or_else(twofold_vault::default_path)
    else {
        eprintln!("twofold: no place for the vault (no home or data folder); set TWOFOLD_VAULT to a file path");
        std::process::exit(1);
    };
    let result = tauri::Builder::default()
        .manage(AppState {
            path,
            vault: Mutex::new(None),
            clipboard: Arc::new(Mutex::new(Clipboard::default())),
            last_input: Mutex::new(SystemTime::now()),
            locked_this_run: AtomicBool::new(false),
            locks: AtomicU64::new(0),
            opening: Mutex::new(()),
        })
        .setup(|app| {
            let handle = app.handle().clone();
            std::thread::spawn(move || watch_idle(handle));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            status,
            create_vault,
            unlock,
            lock,
            activity,
            accounts,
            add_uri,
            add_image,
            add_clipboard_image,
            add_manual,
            next_code,
            copy,
            edit,
            delete,
            settings,
            set_settings,
            first_code_drawn
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("twofold: the app could not start: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use twofold_vault::{KeychainError, VaultError};

    use super::unlock_error;

    #[test]
    fn keychain_failures_point_to_what_the_vault_has_and_name_no_cli_command() {
        let missing = || VaultError::Keychain(KeychainError::Missing);
        let unavailable = || {
            VaultError::Keychain(KeychainError::Unavailable {
                detail: "no session bus".to_owned(),
            })
        };
        let with_password = unlock_error(missing(), || true);
        assert!(with_password.contains("Unlock it with its password"), "{with_password}");
        let without = unlock_error(missing(), || false);
        assert!(
            without.contains("has no password") && !without.contains("Unlock it with"),
            "{without}"
        );
        let no_service = unlock_error(unavailable(), || true);
        assert!(
            no_service.contains("no session bus") && no_service.contains("with its password"),
            "{no_service}"
        );
        let no_service = unlock_error(unavailable(), || false);
        assert!(!no_service.contains("password"), "{no_service}");
        for message in [
            unlock_error(missing(), || true),
            unlock_error(missing(), || false),
            unlock_error(unavailable(), || true),
            unlock_error(unavailable(), || false),
        ] {
            assert!(!message.contains("twofold "), "{message}");
        }
        // Everything else keeps the library's words.
        assert_eq!(
            unlock_error(VaultError::WrongPassword, || true),
            VaultError::WrongPassword.to_string()
        );
    }
}
