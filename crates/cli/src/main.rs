//! `twofold`: Twofold's powers in a terminal, for scripts and tests.
//!
//! Exit status: 0 on success, 2 with a one-line `error:` on stderr when the
//! input is bad (clap's usage errors also exit 2).

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Parser, Subcommand};
use serde::Serialize;
use twofold_otp::{Account, migration};
use zeroize::Zeroizing;

/// Two-factor codes from otpauth URIs, and Google Authenticator exports in and out.
#[derive(Parser)]
#[command(name = "twofold", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the current code of an otpauth:// URI (HOTP: the code at the URI's counter).
    Code {
        /// The otpauth:// or steam:// URI; quote it in the shell.
        uri: String,
        /// Compute the code at this Unix time instead of now.
        #[arg(long, value_name = "UNIX_SECONDS")]
        at: Option<u64>,
    },
    /// Show what an otpauth:// URI holds; the secret only with --show-secret.
    Inspect {
        /// The otpauth:// or steam:// URI; quote it in the shell.
        uri: String,
        /// Print JSON instead of lines of text.
        #[arg(long)]
        json: bool,
        /// Also print the secret (base32) and the canonical URI.
        #[arg(long)]
        show_secret: bool,
    },
    /// Google Authenticator exports (otpauth-migration:// URIs).
    Migration {
        #[command(subcommand)]
        command: MigrationCommand,
    },
}

#[derive(Subcommand)]
enum MigrationCommand {
    /// Print the accounts of one or more export URIs, one otpauth:// URI per line.
    Decode {
        /// The otpauth-migration://offline?data=... URIs (every part of a multi-QR export).
        #[arg(required = true, value_name = "MIGRATION_URI")]
        uris: Vec<String>,
    },
    /// Read otpauth:// URIs (one per line) and print migration URIs that Google Authenticator imports.
    Encode {
        /// File of otpauth:// URIs; `-` or nothing reads standard input.
        #[arg(value_name = "FILE|-")]
        file: Option<PathBuf>,
    },
}

/// The parsed account, as `inspect --json` prints it.
#[derive(Serialize)]
struct AccountView<'a> {
    issuer: &'a str,
    name: &'a str,
    kind: &'static str,
    algorithm: &'static str,
    digits: u8,
    period: Option<u32>,
    counter: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<&'a str>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Result<(), String> {
    let mut stdout = io::stdout().lock();
    match command {
        Command::Code { uri, at } => {
            let account: Account = uri.parse().map_err(|e| format!("{e}"))?;
            let now = match at {
                Some(at) => at,
                None => SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_err(|e| format!("the system clock is before 1970: {e}"))?
                    .as_secs(),
            };
            write_line(&mut stdout, account.code_at(now).as_str())
        }
        Command::Inspect { uri, json, show_secret } => {
            let account: Account = uri.parse().map_err(|e| format!("{e}"))?;
            let secret = show_secret.then(|| account.secret.to_base32());
            let canonical = show_secret.then(|| account.to_uri());
            let view = AccountView {
                issuer: &account.issuer,
                name: &account.name,
                kind: account.kind.as_str(),
                algorithm: account.effective_algorithm().as_str(),
                digits: account.digits(),
                period: account.kind.period().map(|p| p.get()),
                counter: account.kind.counter(),
                secret: secret.as_deref().map(String::as_str),
                uri: canonical.as_deref().map(String::as_str),
            };
            if json {
                let text = serde_json::to_string_pretty(&view).map_err(|e| e.to_string())?;
                write_line(&mut stdout, &text)
            } else {
                let mut lines = vec![
                    format!("issuer:    {}", view.issuer),
                    format!("name:      {}", view.name),
                    format!("kind:      {}", view.kind),
                    format!("algorithm: {}", view.algorithm),
                    format!("digits:    {}", view.digits),
                ];
                lines.extend(view.period.map(|p| format!("period:    {p}")));
                lines.extend(view.counter.map(|c| format!("counter:   {c}")));
                lines.extend(view.secret.map(|s| format!("secret:    {s}")));
                lines.extend(view.uri.map(|u| format!("uri:       {u}")));
                write_line(&mut stdout, &lines.join("\n"))
            }
        }
        Command::Migration {
            command: MigrationCommand::Decode { uris },
        } => {
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
                write_line(&mut stdout, &account.to_uri())?;
            }
            Ok(())
        }
        Command::Migration {
            command: MigrationCommand::Encode { file },
        } => {
            let text = read_input(file)?;
            let mut accounts = Vec::new();
            for (number, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                if line.to_ascii_lowercase().starts_with("otpauth-migration:") {
                    let batch = migration::decode(line).map_err(|e| format!("line {}: {e}", number + 1))?;
                    accounts.extend(batch.accounts);
                } else {
                    accounts.push(
                        line.parse::<Account>()
                            .map_err(|e| format!("line {}: {e}", number + 1))?,
                    );
                }
            }
            if accounts.is_empty() {
                return Err("no otpauth:// URIs in the input; give one per line".to_owned());
            }
            for uri in migration::encode(&accounts).map_err(|e| e.to_string())? {
                write_line(&mut stdout, &uri)?;
            }
            Ok(())
        }
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

fn write_line(out: &mut impl Write, text: &str) -> Result<(), String> {
    writeln!(out, "{text}").map_err(|e| format!("cannot write output: {e}"))
}
