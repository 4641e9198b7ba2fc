//! Commands on the vault: `init`, `add`, `list`, `codes`, `next`, `edit`,
//! `remove`, `password`, `keychain`.

use std::path::PathBuf;

use clap::Subcommand;
use serde::Serialize;
use twofold_app::{ErrorKind, Opening};
use twofold_otp::Account;
use twofold_vault::{KdfParams, SystemKeychain, Unlock, Vault, VaultError};
use zeroize::Zeroizing;

use crate::otp::AccountFields;
use crate::password::{self, NEW_PASSWORD_ENV, PASSWORD_ENV};
use crate::{now_or, write_line};

const HOW_ELSE: &str = "give it with --password-file FILE or the TWOFOLD_PASSWORD environment variable";

/// `twofold password ...`
#[derive(Subcommand)]
pub(crate) enum PasswordCommand {
    /// Add a password to the vault, or change it.
    Set {
        /// Read the new password from this file instead of asking; TWOFOLD_NEW_PASSWORD also works.
        #[arg(long, value_name = "FILE")]
        new_password_file: Option<PathBuf>,
    },
    /// Remove the password (the keychain must then open the vault).
    Remove,
}

/// `twofold keychain ...`
#[derive(Subcommand)]
pub(crate) enum KeychainCommand {
    /// Keep the vault's key in the OS keychain, so that it opens without a password.
    Enable,
    /// Delete the vault's key from the OS keychain (the password must then open the vault).
    Disable,
}

/// Global options every vault command shares.
pub(crate) struct Context {
    pub(crate) vault: Option<PathBuf>,
    pub(crate) password_file: Option<PathBuf>,
}

impl Context {
    fn path(&self) -> Result<PathBuf, String> {
        match &self.vault {
            Some(path) => Ok(path.clone()),
            None => twofold_vault::default_path()
                .ok_or_else(|| "this system names no data folder; give the vault with --vault PATH".to_owned()),
        }
    }

    fn given_password(&self) -> Result<Option<Zeroizing<String>>, String> {
        password::given(self.password_file.as_deref(), PASSWORD_ENV)
    }

    /// Opens the vault: with the password if one was given, else with the
    /// keychain, else (or if the keychain fails) by asking for the password.
    pub(crate) fn open(&self) -> Result<Vault, String> {
        let path = self.path()?;
        let given = self.given_password()?;
        match twofold_app::open_with(&path, given.as_deref().map(String::as_str), &SystemKeychain)
            .map_err(|e| e.to_string())?
        {
            Opening::Open(vault) => Ok(vault),
            Opening::AskPassword { keychain_failed } => {
                if let Some(error) = keychain_failed {
                    eprintln!("note: {error}");
                }
                let password = password::prompt("Vault password: ", HOW_ELSE)?;
                twofold_app::open(&path, Unlock::Password(&password)).map_err(|e| e.to_string())
            }
        }
    }
}

pub(crate) fn save(vault: &mut Vault) -> Result<(), String> {
    vault.save().map_err(|e| e.to_string())
}

/// The index of the account whose id is `id` or starts with it.
fn find(vault: &Vault, id: &str) -> Result<usize, String> {
    twofold_app::find(&vault.data, id).map_err(|e| match e.kind() {
        ErrorKind::NoSuchAccount => format!("{e}; see `twofold list` for the ids"),
        _ => e.to_string(),
    })
}

pub(crate) fn init(context: &Context, with_password: bool, no_keychain: bool) -> Result<(), String> {
    if no_keychain && !with_password {
        return Err("--no-keychain needs --password: the vault must open somehow".to_owned());
    }
    let path = context.path()?;
    let password = if with_password {
        Some(match context.given_password()? {
            Some(password) => password,
            None => password::prompt_new(HOW_ELSE)?,
        })
    } else {
        None
    };
    let vault = twofold_app::create(
        &path,
        password.as_deref().map(String::as_str),
        (!no_keychain).then_some(&SystemKeychain as &dyn twofold_vault::KeyStore),
    )
    .map_err(|e| e.to_string())?;
    let slots: Vec<&str> = [
        vault.has_keychain().then_some("the keychain"),
        vault.has_password().then_some("its password"),
    ]
    .into_iter()
    .flatten()
    .collect();
    write_line(&format!(
        "created {} (opens with {})",
        path.display(),
        slots.join(" or ")
    ))
}

pub(crate) fn add(context: &Context, uris: &[Zeroizing<String>]) -> Result<(), String> {
    // Every URI is read before the vault changes: one bad URI adds nothing.
    let uris: Vec<&str> = uris.iter().map(|uri| uri.as_str()).collect();
    let accounts = twofold_app::accounts_in_uris(&uris).map_err(|e| e.to_string())?;
    let mut vault = context.open()?;
    let merge = twofold_app::add(&mut vault, accounts).map_err(|e| e.to_string())?;
    for account in &merge.skipped {
        eprintln!("note: {} is already in the vault; skipped", account.label());
    }
    for account in &merge.added {
        write_line(&format!("{}\t{}", account.id, account.label()))?;
    }
    Ok(())
}

/// One account, as `list --json` prints it.
#[derive(Serialize)]
struct ListEntry<'a> {
    id: String,
    #[serde(flatten)]
    fields: AccountFields<'a>,
    group: Option<&'a str>,
    favourite: bool,
}

pub(crate) fn list(context: &Context, json: bool) -> Result<(), String> {
    let vault = context.open()?;
    let entries: Vec<ListEntry<'_>> = vault
        .data
        .accounts
        .iter()
        .map(|account| ListEntry {
            id: account.id.to_string(),
            fields: AccountFields::of(account),
            group: account.group.as_deref(),
            favourite: account.favourite,
        })
        .collect();
    if json {
        return write_line(&serde_json::to_string_pretty(&entries).map_err(|e| e.to_string())?);
    }
    if entries.is_empty() {
        eprintln!("the vault is empty; add an account with `twofold add '<otpauth URI>'`");
    }
    for (entry, account) in entries.iter().zip(&vault.data.accounts) {
        let star = if entry.favourite { "*" } else { " " };
        let group = entry.group.map(|g| format!("  [{g}]")).unwrap_or_default();
        write_line(&format!(
            "{}{star} {}  {}{group}",
            entry.id,
            account.kind.as_str(),
            account.label()
        ))?;
    }
    Ok(())
}

/// One account's code, as `codes --json` prints it.
#[derive(Serialize)]
struct CodeEntry<'a> {
    id: String,
    issuer: &'a str,
    name: &'a str,
    code: String,
    next_code: String,
    remaining_seconds: Option<u32>,
}

fn code_entry(account: &Account, at: u64) -> CodeEntry<'_> {
    let codes = twofold_app::codes_at(account, at);
    CodeEntry {
        id: account.id.to_string(),
        issuer: &account.issuer,
        name: &account.name,
        code: codes.code.to_string(),
        next_code: codes.next.to_string(),
        remaining_seconds: codes.seconds_left,
    }
}

pub(crate) fn codes(context: &Context, json: bool, at: Option<u64>) -> Result<(), String> {
    let at = now_or(at)?;
    let vault = context.open()?;
    let entries: Vec<CodeEntry<'_>> = vault
        .data
        .accounts
        .iter()
        .map(|account| code_entry(account, at))
        .collect();
    if json {
        return write_line(&serde_json::to_string_pretty(&entries).map_err(|e| e.to_string())?);
    }
    for (entry, account) in entries.iter().zip(&vault.data.accounts) {
        let left = entry
            .remaining_seconds
            .map(|s| format!("{s:>3}s"))
            .unwrap_or_else(|| "   -".to_owned());
        write_line(&format!("{:>10} {left}  {}", entry.code, account.label()))?;
    }
    Ok(())
}

pub(crate) fn next(context: &Context, id: &str) -> Result<(), String> {
    let mut vault = context.open()?;
    let index = find(&vault, id)?;
    let account = vault.data.accounts.get_mut(index).ok_or("id: no such account")?;
    let code = account
        .advance_counter()
        .map_err(|e| format!("{}: {e}", account.label()))?;
    save(&mut vault)?;
    write_line(code.as_str())
}

/// What `edit` changes; `None` leaves a field alone.
pub(crate) struct Changes {
    pub(crate) issuer: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) group: Option<String>,
    pub(crate) favourite: Option<bool>,
}

pub(crate) fn edit(context: &Context, id: &str, changes: Changes) -> Result<(), String> {
    if changes.issuer.is_none() && changes.name.is_none() && changes.group.is_none() && changes.favourite.is_none() {
        return Err("nothing to change; give --issuer, --name, --group or --favourite".to_owned());
    }
    let mut vault = context.open()?;
    let index = find(&vault, id)?;
    let account = vault.data.accounts.get_mut(index).ok_or("id: no such account")?;
    let issuer = changes.issuer.unwrap_or_else(|| account.issuer.clone());
    let name = changes.name.unwrap_or_else(|| account.name.clone());
    let group = changes.group.or_else(|| account.group.clone());
    account
        .set_labels(&issuer, &name, group.as_deref())
        .map_err(|e| e.to_string())?;
    if let Some(favourite) = changes.favourite {
        account.favourite = favourite;
    }
    let line = format!("{}\t{}", account.id, account.label());
    save(&mut vault)?;
    write_line(&line)
}

pub(crate) fn remove(context: &Context, id: &str) -> Result<(), String> {
    let mut vault = context.open()?;
    let index = find(&vault, id)?;
    let account = vault.data.accounts.remove(index);
    save(&mut vault)?;
    write_line(&format!("removed {}\t{}", account.id, account.label()))
}

pub(crate) fn password(context: &Context, command: PasswordCommand) -> Result<(), String> {
    match command {
        PasswordCommand::Set { new_password_file } => {
            let mut vault = context.open()?;
            let new = match password::given(new_password_file.as_deref(), NEW_PASSWORD_ENV)? {
                Some(password) => password,
                None => password::prompt_new("give it with --new-password-file FILE or TWOFOLD_NEW_PASSWORD")?,
            };
            let had = vault.has_password();
            vault
                .set_password(&new, KdfParams::default(), &SystemKeychain)
                .map_err(|e| e.to_string())?;
            write_line(if had { "password changed" } else { "password added" })
        }
        PasswordCommand::Remove => {
            let mut vault = context.open()?;
            vault.remove_password(&SystemKeychain).map_err(|e| e.to_string())?;
            write_line("password removed; the keychain opens the vault")
        }
    }
}

pub(crate) fn keychain(context: &Context, command: KeychainCommand) -> Result<(), String> {
    let mut vault = context.open()?;
    match command {
        KeychainCommand::Enable => {
            vault.enable_keychain(&SystemKeychain).map_err(|e| e.to_string())?;
            write_line("the vault's key is now in the keychain")
        }
        KeychainCommand::Disable => {
            // The password slot is sealed again under the new key: a vault
            // the keychain opened needs its password first.
            match vault.disable_keychain(&SystemKeychain) {
                Err(VaultError::PasswordNeeded) => {
                    let password = match context.given_password()? {
                        Some(password) => password,
                        None => password::prompt("Vault password: ", HOW_ELSE)?,
                    };
                    vault.check_password(&password).map_err(|e| e.to_string())?;
                    vault.disable_keychain(&SystemKeychain).map_err(|e| e.to_string())?;
                }
                result => result.map_err(|e| e.to_string())?,
            }
            write_line("the vault's key is no longer in the keychain; its password opens it")
        }
    }
}
