//! Commands on URIs alone: `code`, `inspect`, `migration`.

use std::io::{self, Read};
use std::path::PathBuf;

use clap::Subcommand;
use serde::Serialize;
use twofold_otp::{Account, migration};
use zeroize::Zeroizing;

use crate::{now_or, write_line};

/// `twofold migration ...`
#[derive(Subcommand)]
pub(crate) enum MigrationCommand {
    /// Print the accounts of one or more export URIs, one otpauth:// URI per line.
    Decode {
        /// The otpauth-migration://offline?data=... URIs (every part of a
        /// multi-QR export); `-` reads them from standard input, one per line.
        #[arg(required_unless_present = "from_file", value_name = "MIGRATION_URI|-")]
        uris: Vec<String>,
        /// Read the URIs from this file too (one per line).
        #[arg(long, value_name = "FILE")]
        from_file: Option<PathBuf>,
    },
    /// Read otpauth:// URIs (one per line) and print migration URIs that Google Authenticator imports.
    Encode {
        /// File of otpauth:// URIs; `-` or nothing reads standard input.
        #[arg(value_name = "FILE|-")]
        file: Option<PathBuf>,
    },
}

/// What `inspect --json` and `list --json` both print of an account.
#[derive(Serialize)]
pub(crate) struct AccountFields<'a> {
    issuer: &'a str,
    name: &'a str,
    kind: &'static str,
    algorithm: &'static str,
    digits: u8,
    period: Option<u32>,
    counter: Option<u64>,
}

impl<'a> AccountFields<'a> {
    pub(crate) fn of(account: &'a Account) -> Self {
        Self {
            issuer: &account.issuer,
            name: &account.name,
            kind: account.kind.as_str(),
            algorithm: account.effective_algorithm().as_str(),
            digits: account.digits(),
            period: account.kind.period().map(|p| p.get()),
            counter: account.kind.counter(),
        }
    }
}

/// The parsed account, as `inspect --json` prints it.
#[derive(Serialize)]
struct AccountView<'a> {
    #[serde(flatten)]
    fields: AccountFields<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<&'a str>,
}

pub(crate) fn code(uri: &str, at: Option<u64>) -> Result<(), String> {
    let account: Account = uri.parse().map_err(|e| format!("{e}"))?;
    write_line(account.code_at(now_or(at)?).as_str())
}

pub(crate) fn inspect(uri: &str, json: bool, show_secret: bool) -> Result<(), String> {
    let account: Account = uri.parse().map_err(|e| format!("{e}"))?;
    let secret = show_secret.then(|| account.secret.to_base32());
    let canonical = show_secret.then(|| account.to_uri());
    let view = AccountView {
        fields: AccountFields::of(&account),
        secret: secret.as_deref().map(String::as_str),
        uri: canonical.as_deref().map(String::as_str),
    };
    if json {
        let text = serde_json::to_string_pretty(&view).map_err(|e| e.to_string())?;
        return write_line(&text);
    }
    let fields = &view.fields;
    let mut lines = vec![
        format!("issuer:    {}", fields.issuer),
        format!("name:      {}", fields.name),
        format!("kind:      {}", fields.kind),
        format!("algorithm: {}", fields.algorithm),
        format!("digits:    {}", fields.digits),
    ];
    lines.extend(fields.period.map(|p| format!("period:    {p}")));
    lines.extend(fields.counter.map(|c| format!("counter:   {c}")));
    lines.extend(view.secret.map(|s| format!("secret:    {s}")));
    lines.extend(view.uri.map(|u| format!("uri:       {u}")));
    write_line(&lines.join("\n"))
}

pub(crate) fn migration(command: MigrationCommand) -> Result<(), String> {
    match command {
        MigrationCommand::Decode { uris, from_file } => {
            let uris = given_uris(&uris, from_file)?;
            let batches = uris
                .iter()
                .enumerate()
                .map(|(index, uri)| migration::decode(uri).map_err(|e| format!("migration URI {}: {e}", index + 1)))
                .collect::<Result<Vec<_>, _>>()?;
            for part in migration::missing_parts(&batches) {
                let missing: Vec<String> = part.missing.iter().map(|i| (i + 1).to_string()).collect();
                eprintln!(
                    "warning: this export has {} QR codes; part(s) {} of them were not given, so their accounts are missing",
                    part.batch_size,
                    missing.join(", ")
                );
            }
            for account in batches.iter().flat_map(|batch| &batch.accounts) {
                write_line(&account.to_uri())?;
            }
            Ok(())
        }
        MigrationCommand::Encode { file } => {
            let text = read_input(file)?;
            let mut accounts = Vec::new();
            for (number, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                accounts.extend(twofold_otp::accounts_from_uri(line).map_err(|e| format!("line {}: {e}", number + 1))?);
            }
            if accounts.is_empty() {
                return Err("no otpauth:// URIs in the input; give one per line".to_owned());
            }
            for uri in migration::encode(&accounts).map_err(|e| e.to_string())? {
                write_line(&uri)?;
            }
            Ok(())
        }
    }
}

/// The URIs given to a command: each argument, where `-` stands for the
/// lines of standard input, then the lines of `from_file`; blank lines and
/// `#` comments skipped. Wiped when dropped.
pub(crate) fn given_uris(args: &[String], from_file: Option<PathBuf>) -> Result<Vec<Zeroizing<String>>, String> {
    let lines = |text: &str| -> Vec<Zeroizing<String>> {
        text.lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(|line| Zeroizing::new(line.to_owned()))
            .collect()
    };
    let mut uris = Vec::new();
    let mut stdin_read = false;
    for arg in args {
        if arg == "-" {
            // Standard input is read once, however many times `-` is given.
            if !stdin_read {
                uris.extend(lines(&read_input(None)?));
                stdin_read = true;
            }
        } else {
            uris.push(Zeroizing::new(arg.clone()));
        }
    }
    if let Some(path) = from_file {
        if path.as_os_str() == "-" {
            return Err("--from-file: give a file; `-` as the URI reads standard input".to_owned());
        }
        uris.extend(lines(&read_input(Some(path))?));
    }
    if uris.is_empty() {
        return Err("no URI was given (the input was empty)".to_owned());
    }
    Ok(uris)
}

/// The one URI given to `code` or `inspect`: the argument, standard input
/// (`-`), or the file.
pub(crate) fn one_uri(arg: Option<String>, from_file: Option<PathBuf>) -> Result<Zeroizing<String>, String> {
    let mut uris = given_uris(arg.as_slice(), from_file)?;
    match (uris.pop(), uris.is_empty()) {
        (Some(uri), true) => Ok(uri),
        _ => Err("give one URI: the input holds several lines".to_owned()),
    }
}

/// Reads the whole input; it holds secrets, so it wipes itself when dropped.
fn read_input(file: Option<PathBuf>) -> Result<Zeroizing<String>, String> {
    let mut text = Zeroizing::new(String::new());
    match file {
        Some(path) if path.as_os_str() != "-" => {
            let cannot_read = |e: io::Error| format!("cannot read {}: {e}", path.display());
            let mut handle = std::fs::File::open(&path).map_err(cannot_read)?;
            // Reserved up front so that growing does not leave copies of secrets behind.
            let size = handle.metadata().map_err(cannot_read)?.len();
            text.reserve(usize::try_from(size).unwrap_or(0).saturating_add(1));
            handle.read_to_string(&mut text).map_err(cannot_read)?;
        }
        _ => {
            io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
        }
    }
    Ok(text)
}
