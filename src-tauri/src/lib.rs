//! The Twofold desktop app: a Tauri v2 shell whose commands wire the UI to
//! the crates (`twofold-vault` for the accounts, `twofold-otp` for codes,
//! `twofold-scan` for QR images). The unlocked vault lives here, in the app
//! state; the webview gets labels, codes and seconds left, never a secret.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;
use twofold_otp::Account;
use twofold_vault::{KdfParams, NewVault, SystemKeychain, Unlock, Vault};

/// The app's state: where the vault is, the vault when unlocked, and the
/// clipboard (which must stay alive while it holds a code, on X11).
struct AppState {
    path: PathBuf,
    vault: Mutex<Option<Vault>>,
    clipboard: std::sync::Arc<Mutex<Option<arboard::Clipboard>>>,
}

/// What the first screen needs to know.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    /// A vault file exists.
    exists: bool,
    /// It is open.
    unlocked: bool,
    /// Its slots, when it exists and can be read: keychain, password.
    has_keychain: bool,
    has_password: bool,
    /// Why the file cannot be used, if it cannot (corrupt, foreign).
    problem: Option<String>,
}

/// One row of the list: labels and codes, no secret.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    id: String,
    issuer: String,
    name: String,
    group: Option<String>,
    favourite: bool,
    kind: &'static str,
    code: String,
    next_code: Option<String>,
    seconds_left: Option<u32>,
    period: Option<u32>,
}

/// With `TWOFOLD_IPC_LOG` set (the end-to-end tests set it), every reply a
/// command sends the webview, value or error, is appended to that file as
/// one JSON line: a test then searches all the webview ever received for
/// the accounts' secrets.
fn reply<T: Serialize, E: Serialize>(result: Result<T, E>) -> Result<T, E> {
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

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
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

#[tauri::command]
fn status(state: tauri::State<'_, AppState>) -> Result<Status, String> {
    reply(Ok(status_of(&state)))
}

fn status_of(state: &AppState) -> Status {
    let unlocked = state.vault.lock().map(|v| v.is_some()).unwrap_or(false);
    match twofold_vault::inspect(&state.path) {
        Ok(info) => Status {
            exists: true,
            unlocked,
            has_keychain: info.has_keychain,
            has_password: info.has_password,
            problem: None,
        },
        Err(_) if !state.path.exists() => Status {
            exists: false,
            unlocked: false,
            has_keychain: false,
            has_password: false,
            problem: None,
        },
        Err(e) => Status {
            exists: true,
            unlocked: false,
            has_keychain: false,
            has_password: false,
            problem: Some(e.to_string()),
        },
    }
}

#[tauri::command]
fn create_vault(state: tauri::State<'_, AppState>, password: Option<String>, keychain: bool) -> Result<(), String> {
    reply(create_vault_inner(&state, password, keychain))
}

fn create_vault_inner(state: &AppState, password: Option<String>, keychain: bool) -> Result<(), String> {
    let store = SystemKeychain;
    let vault = Vault::create(
        &state.path,
        NewVault {
            keychain: keychain.then_some(&store as &dyn twofold_vault::KeyStore),
            password: password.as_deref().filter(|p| !p.is_empty()),
            kdf: KdfParams::default(),
        },
    )
    .map_err(|e| match e {
        // The library's advice names the CLI; here the answer is on screen.
        twofold_vault::VaultError::Keychain(twofold_vault::KeychainError::Unavailable { detail }) => {
            format!("No system keychain answered ({detail}), so the vault's key cannot be kept there")
        }
        e => e.to_string(),
    })?;
    *state.vault.lock().map_err(|e| e.to_string())? = Some(vault);
    Ok(())
}

#[tauri::command]
fn unlock(state: tauri::State<'_, AppState>, password: Option<String>) -> Result<(), String> {
    reply(unlock_inner(&state, password))
}

fn unlock_inner(state: &AppState, password: Option<String>) -> Result<(), String> {
    let store = SystemKeychain;
    let unlock = match password.as_deref() {
        Some(password) => Unlock::Password(password),
        None => Unlock::Keychain(&store),
    };
    let vault = Vault::open(&state.path, unlock).map_err(|e| e.to_string())?;
    *state.vault.lock().map_err(|e| e.to_string())? = Some(vault);
    Ok(())
}

#[tauri::command]
fn lock(state: tauri::State<'_, AppState>) -> Result<(), String> {
    reply(lock_inner(&state))
}

fn lock_inner(state: &AppState) -> Result<(), String> {
    *state.vault.lock().map_err(|e| e.to_string())? = None;
    Ok(())
}

#[tauri::command]
fn accounts(state: tauri::State<'_, AppState>) -> Result<Vec<Row>, String> {
    reply(accounts_inner(&state))
}

fn accounts_inner(state: &AppState) -> Result<Vec<Row>, String> {
    let guard = state.vault.lock().map_err(|e| e.to_string())?;
    let vault = guard.as_ref().ok_or("the vault is locked")?;
    let now = now();
    let mut rows: Vec<Row> = vault.data.accounts.iter().map(|a| row(a, now)).collect();
    rows.sort_by_key(|r| !r.favourite);
    Ok(rows)
}

#[tauri::command]
fn add_uri(state: tauri::State<'_, AppState>, uri: String) -> Result<usize, String> {
    reply(add_uri_inner(&state, uri))
}

fn add_uri_inner(state: &AppState, uri: String) -> Result<usize, String> {
    let accounts = twofold_otp::accounts_from_uri(&uri).map_err(|e| e.to_string())?;
    add(state, accounts)
}

#[tauri::command]
fn add_image(state: tauri::State<'_, AppState>, bytes: Vec<u8>) -> Result<usize, String> {
    reply(add_image_inner(&state, bytes))
}

fn add_image_inner(state: &AppState, bytes: Vec<u8>) -> Result<usize, String> {
    let gray = twofold_scan::load_gray(&bytes).map_err(|e| e.to_string())?;
    add(state, accounts_in_image(&gray)?)
}

/// Adds the accounts in the image on the system clipboard: a pasted image
/// reaches the page without its pixels in WebKitGTK, so they are read here.
#[tauri::command]
fn add_clipboard_image(state: tauri::State<'_, AppState>) -> Result<usize, String> {
    reply(add_clipboard_image_inner(&state))
}

fn add_clipboard_image_inner(state: &AppState) -> Result<usize, String> {
    let image = {
        let mut slot = state.clipboard.lock().map_err(|e| e.to_string())?;
        let clipboard = open_clipboard(&mut slot)?;
        clipboard
            .get_image()
            .map_err(|_| "the clipboard holds no image; copy a screenshot of the QR code first".to_owned())?
    };
    let width = u32::try_from(image.width).map_err(|e| e.to_string())?;
    let height = u32::try_from(image.height).map_err(|e| e.to_string())?;
    let gray = twofold_scan::gray_from_rgba(width, height, image.bytes.into_owned()).map_err(|e| e.to_string())?;
    add(state, accounts_in_image(&gray)?)
}

/// Every account in every QR code of the image: otpauth:// codes, and
/// Google Authenticator export codes with several accounts each.
fn accounts_in_image(gray: &twofold_scan::GrayImage) -> Result<Vec<Account>, String> {
    let found = twofold_scan::Scanner::new().scan(gray);
    if found.is_empty() {
        return Err(
            "no QR code was found in the image; try a sharper or larger picture, or crop it to the code".into(),
        );
    }
    let mut accounts = Vec::new();
    let mut refused = None;
    for code in &found {
        match twofold_otp::accounts_from_uri(&code.text) {
            Ok(more) => accounts.extend(more),
            Err(e) => refused = Some(e),
        }
    }
    if accounts.is_empty() {
        // A text that starts like a login link but is broken says what is
        // wrong with it; anything else is not an enrollment code at all.
        return Err(match refused {
            Some(twofold_otp::PayloadError::Uri(
                twofold_otp::UriError::NoScheme | twofold_otp::UriError::Scheme { .. } | twofold_otp::UriError::Empty,
            ))
            | None => "the QR code holds no otpauth:// account (it is not a two-factor setup code)".into(),
            Some(e) => format!("the QR code holds a broken account link: {e}"),
        });
    }
    Ok(accounts)
}

/// The app's clipboard, opened on first use and kept: on X11 the code
/// stays pasteable only while its owner lives.
fn open_clipboard(slot: &mut Option<arboard::Clipboard>) -> Result<&mut arboard::Clipboard, String> {
    if slot.is_none() {
        *slot = Some(arboard::Clipboard::new().map_err(|e| format!("the clipboard cannot be used: {e}"))?);
    }
    slot.as_mut().ok_or_else(|| "the clipboard cannot be used".to_owned())
}

/// An "add account" form, as typed; the secret is wiped when dropped.
#[derive(serde::Deserialize)]
struct FormInput {
    issuer: String,
    name: String,
    secret: zeroize::Zeroizing<String>,
    kind: String,
    algorithm: String,
    digits: String,
    period: String,
    counter: String,
}

/// A field the form got wrong, for the UI to show beside it.
#[derive(Serialize)]
struct FieldProblem {
    field: &'static str,
    message: String,
}

/// Adds the account a form describes, or names every field at fault.
#[tauri::command]
fn add_manual(state: tauri::State<'_, AppState>, form: FormInput) -> Result<usize, Vec<FieldProblem>> {
    reply(add_manual_inner(&state, form))
}

fn add_manual_inner(state: &AppState, form: FormInput) -> Result<usize, Vec<FieldProblem>> {
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
    add(state, vec![account]).map_err(|message| vec![FieldProblem { field: "form", message }])
}

/// HOTP: moves the account to its next code.
#[tauri::command]
fn next_code(state: tauri::State<'_, AppState>, id: String) -> Result<(), String> {
    reply(with_account(&state, &id, |vault, index| {
        let account = vault.data.accounts.get_mut(index).ok_or("that account is gone")?;
        account.advance_counter().map(drop).map_err(|e| e.to_string())
    }))
}

fn add(state: &AppState, accounts: Vec<Account>) -> Result<usize, String> {
    let mut guard = state.vault.lock().map_err(|e| e.to_string())?;
    let vault = guard.as_mut().ok_or("the vault is locked")?;
    let merge = vault.data.merge(accounts);
    vault.save().map_err(|e| e.to_string())?;
    Ok(merge.added.len())
}

/// Copies the account's current code; returns the seconds until the
/// clipboard is cleared (0: never). It is cleared only if it still holds
/// the code then.
#[tauri::command]
fn copy(state: tauri::State<'_, AppState>, id: String) -> Result<u32, String> {
    reply(copy_inner(&state, &id))
}

fn copy_inner(state: &AppState, id: &str) -> Result<u32, String> {
    let (code, seconds) = {
        let guard = state.vault.lock().map_err(|e| e.to_string())?;
        let vault = guard.as_ref().ok_or("the vault is locked")?;
        let account = vault
            .data
            .accounts
            .iter()
            .find(|a| a.id.to_string() == id)
            .ok_or("that account is gone")?;
        (
            account.code_at(now()).to_string(),
            vault.data.settings.clipboard_clear_seconds,
        )
    };
    {
        let mut slot = state.clipboard.lock().map_err(|e| e.to_string())?;
        open_clipboard(&mut slot)?
            .set_text(code.clone())
            .map_err(|e| format!("copying failed: {e}"))?;
    }
    if seconds > 0 {
        let clipboard = std::sync::Arc::clone(&state.clipboard);
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(u64::from(seconds)));
            if let Ok(mut slot) = clipboard.lock()
                && let Some(clipboard) = slot.as_mut()
                && clipboard.get_text().is_ok_and(|text| text == code)
            {
                let _ = clipboard.clear();
            }
        });
    }
    Ok(seconds)
}

/// Changes an account's labels and organising fields (never its secret).
#[tauri::command]
fn edit(
    state: tauri::State<'_, AppState>,
    id: String,
    issuer: String,
    name: String,
    group: Option<String>,
    favourite: bool,
) -> Result<(), String> {
    reply(with_account(&state, &id, |vault, index| {
        let account = vault.data.accounts.get_mut(index).ok_or("that account is gone")?;
        account.issuer = issuer.trim().to_owned();
        account.name = name.trim().to_owned();
        account.group = group.map(|g| g.trim().to_owned()).filter(|g| !g.is_empty());
        account.favourite = favourite;
        Ok(())
    }))
}

/// Deletes an account (the UI asks first).
#[tauri::command]
fn delete(state: tauri::State<'_, AppState>, id: String) -> Result<(), String> {
    reply(with_account(&state, &id, |vault, index| {
        vault.data.accounts.remove(index);
        Ok(())
    }))
}

/// Runs `change` on the unlocked vault with the index of account `id`, then saves.
fn with_account(
    state: &AppState,
    id: &str,
    change: impl FnOnce(&mut Vault, usize) -> Result<(), String>,
) -> Result<(), String> {
    let mut guard = state.vault.lock().map_err(|e| e.to_string())?;
    let vault = guard.as_mut().ok_or("the vault is locked")?;
    let index = vault
        .data
        .accounts
        .iter()
        .position(|a| a.id.to_string() == id)
        .ok_or("that account is gone")?;
    change(vault, index)?;
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

#[tauri::command]
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

/// Longest clipboard timeout and idle time a setting takes: an hour, a day.
const MAX_CLIPBOARD_SECONDS: u32 = 3600;
const MAX_AUTO_LOCK_MINUTES: u32 = 1440;

#[tauri::command]
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
#[tauri::command]
fn first_code_drawn() {
    let Some(path) = std::env::var_os("TWOFOLD_STARTUP_PROBE") else {
        return;
    };
    let elapsed = STARTED.get().map_or(0.0, |t| t.elapsed().as_secs_f64() * 1e3);
    let _ = std::fs::write(path, format!("{elapsed:.1} {}\n", std::process::id()));
}

/// When the process started, for the start-up measurement.
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Starts the app.
pub fn run() {
    let _ = STARTED.set(std::time::Instant::now());
    let path = std::env::var_os("TWOFOLD_VAULT")
        .map(PathBuf::from)
        .or_else(twofold_vault::default_path)
        .unwrap_or_else(|| PathBuf::from("twofold-vault.json"));
    let result = tauri::Builder::default()
        .manage(AppState {
            path,
            vault: Mutex::new(None),
            clipboard: std::sync::Arc::new(Mutex::new(None)),
        })
        .invoke_handler(tauri::generate_handler![
            status,
            create_vault,
            unlock,
            lock,
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
