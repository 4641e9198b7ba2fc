//! `twofold`: Twofold's powers in a terminal, for people and scripts.
//!
//! Exit status: 0 on success; 2 with a one-line `error:` on stderr for bad
//! input or a failed operation (clap's usage errors also exit 2).

mod exchange;
mod otp;
mod password;
mod scan;
mod vault;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Two-factor codes from otpauth URIs, an encrypted vault, and Google Authenticator exports.
#[derive(Parser)]
#[command(name = "twofold", version, about)]
struct Cli {
    /// The vault file [default: the user's data dir, e.g. ~/.local/share/twofold/vault.json].
    #[arg(long, global = true, env = "TWOFOLD_VAULT", value_name = "PATH")]
    vault: Option<PathBuf>,
    /// Read the vault's password from this file (first line) instead of asking;
    /// TWOFOLD_PASSWORD also works.
    #[arg(long, global = true, value_name = "FILE")]
    password_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the current code of an otpauth:// URI (HOTP: the code at the URI's counter).
    Code {
        /// The otpauth:// or steam:// URI (quote it in the shell), or `-` to
        /// read it from standard input: an argument is visible to every
        /// user in the process list and stays in shell history.
        #[arg(required_unless_present = "from_file", value_name = "URI|-")]
        uri: Option<String>,
        /// Read the URI from this file instead (one line).
        #[arg(long, value_name = "FILE", conflicts_with = "uri")]
        from_file: Option<PathBuf>,
        /// Compute the code at this Unix time instead of now.
        #[arg(long, value_name = "UNIX_SECONDS")]
        at: Option<u64>,
    },
    /// Show what an otpauth:// URI holds; the secret only with --show-secret.
    Inspect {
        /// The otpauth:// or steam:// URI (quote it in the shell), or `-` to
        /// read it from standard input, which no other user can see.
        #[arg(required_unless_present = "from_file", value_name = "URI|-")]
        uri: Option<String>,
        /// Read the URI from this file instead (one line).
        #[arg(long, value_name = "FILE", conflicts_with = "uri")]
        from_file: Option<PathBuf>,
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
        command: otp::MigrationCommand,
    },
    /// Find QR codes in image files (screenshots, photos) and print what they hold.
    Scan {
        /// PNG, JPEG, GIF, BMP, WebP, TIFF or PNM files.
        #[arg(required = true, value_name = "IMAGE")]
        images: Vec<PathBuf>,
        /// Print one JSON line per image: {path, decode_ms, results: [{text, pts}]}.
        #[arg(long)]
        json: bool,
        /// Decode each image N times and report the fastest in `decode_ms`
        /// (how ../shared/qr-corpus/tools/peers.py times zxing-cpp and ZBar: best of 3).
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
        best_of: u32,
    },
    /// Create a vault: its key in the OS keychain (the default) and/or behind a password.
    Init {
        /// Also protect the vault with a password (asked for, or from --password-file / TWOFOLD_PASSWORD).
        #[arg(long)]
        password: bool,
        /// Do not use the OS keychain (needs --password).
        #[arg(long)]
        no_keychain: bool,
    },
    /// Add accounts from otpauth://, steam:// or otpauth-migration:// URIs.
    Add {
        /// The URIs; a migration URI adds every account in it. `-` reads
        /// them from standard input, one per line, out of other users' sight.
        #[arg(required_unless_present = "from_file", value_name = "URI|-")]
        uris: Vec<String>,
        /// Read the URIs from this file too (one per line; blank lines and # comments skipped).
        #[arg(long, value_name = "FILE")]
        from_file: Option<PathBuf>,
    },
    /// List the accounts in the vault.
    List {
        /// Print JSON: [{id, issuer, name, kind, algorithm, digits, period, counter, group, favourite}].
        #[arg(long)]
        json: bool,
    },
    /// Print every account's current code.
    Codes {
        /// Print JSON: [{id, issuer, name, code, next_code, remaining_seconds}].
        #[arg(long)]
        json: bool,
        /// Compute the codes at this Unix time instead of now.
        #[arg(long, value_name = "UNIX_SECONDS")]
        at: Option<u64>,
    },
    /// HOTP: advance the counter, save, and print the new code.
    Next {
        /// The account's id, or a unique prefix of it.
        id: String,
    },
    /// Change an account's labels.
    Edit {
        /// The account's id, or a unique prefix of it.
        id: String,
        /// New issuer.
        #[arg(long)]
        issuer: Option<String>,
        /// New account name.
        #[arg(long)]
        name: Option<String>,
        /// New group; an empty string removes it from its group.
        #[arg(long)]
        group: Option<String>,
        /// Mark or unmark as a favourite.
        #[arg(long, value_name = "true|false")]
        favourite: Option<bool>,
    },
    /// Remove an account from the vault.
    Remove {
        /// The account's id, or a unique prefix of it.
        id: String,
    },
    /// Import another authenticator's export into the vault (duplicates are skipped).
    Import {
        /// The exported file.
        file: PathBuf,
        /// The file's format (see `twofold formats`); detected when not given.
        #[arg(long, value_name = "NAME")]
        format: Option<String>,
        /// Read the export's own password from this file (first line); TWOFOLD_BACKUP_PASSWORD also works.
        #[arg(long, value_name = "FILE")]
        backup_password_file: Option<PathBuf>,
        /// Import the entries that can be read and leave out those that cannot
        /// (by default one unreadable entry refuses the whole file).
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Export the vault's accounts in another app's format.
    Export {
        /// The format (see `twofold formats`).
        #[arg(long, value_name = "NAME")]
        format: String,
        /// Where to write; formats with several files (google-qr) add -1, -2, ... before the extension.
        #[arg(short = 'o', long = "output", value_name = "PATH")]
        output: PathBuf,
        /// Encrypt with the password in this file (first line); TWOFOLD_BACKUP_PASSWORD also works.
        #[arg(long, value_name = "FILE")]
        backup_password_file: Option<PathBuf>,
        /// Write an unencrypted export (aegis, 2fas): anyone who reads the file gets every account.
        #[arg(long)]
        plain: bool,
        /// Replace PATH if it exists.
        #[arg(long)]
        force: bool,
    },
    /// List the formats Twofold imports and exports.
    Formats,
    /// Set, change or remove the vault's password.
    Password {
        #[command(subcommand)]
        command: vault::PasswordCommand,
    },
    /// Keep the vault's key in the OS keychain, or stop.
    Keychain {
        #[command(subcommand)]
        command: vault::KeychainCommand,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `scan` has exit codes of its own: 1 when nothing was found.
    if let Command::Scan { images, json, best_of } = &cli.command {
        return scan::run(images, *json, *best_of);
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let context = vault::Context {
        vault: cli.vault,
        password_file: cli.password_file,
    };
    match cli.command {
        Command::Code { uri, from_file, at } => otp::code(&otp::one_uri(uri, from_file)?, at),
        Command::Inspect {
            uri,
            from_file,
            json,
            show_secret,
        } => otp::inspect(&otp::one_uri(uri, from_file)?, json, show_secret),
        Command::Migration { command } => otp::migration(command),
        Command::Scan { .. } => Ok(()),
        Command::Init { password, no_keychain } => vault::init(&context, password, no_keychain),
        Command::Add { uris, from_file } => vault::add(&context, &otp::given_uris(&uris, from_file)?),
        Command::List { json } => vault::list(&context, json),
        Command::Codes { json, at } => vault::codes(&context, json, at),
        Command::Next { id } => vault::next(&context, &id),
        Command::Edit {
            id,
            issuer,
            name,
            group,
            favourite,
        } => vault::edit(
            &context,
            &id,
            vault::Changes {
                issuer,
                name,
                group,
                favourite,
            },
        ),
        Command::Remove { id } => vault::remove(&context, &id),
        Command::Import {
            file,
            format,
            backup_password_file,
            skip_invalid,
        } => exchange::import(
            &context,
            &file,
            format.as_deref(),
            backup_password_file.as_deref(),
            skip_invalid,
        ),
        Command::Export {
            format,
            output,
            backup_password_file,
            plain,
            force,
        } => exchange::export(
            &context,
            &format,
            &output,
            exchange::ExportFlags {
                backup_password_file,
                plain,
                force,
            },
        ),
        Command::Formats => exchange::formats(),
        Command::Password { command } => vault::password(&context, command),
        Command::Keychain { command } => vault::keychain(&context, command),
    }
}

/// Writes one line to stdout; a closed pipe is an error like any other.
fn write_line(text: &str) -> Result<(), String> {
    writeln!(io::stdout().lock(), "{text}").map_err(|e| format!("cannot write output: {e}"))
}

/// The current Unix time, or `at` when given.
fn now_or(at: Option<u64>) -> Result<u64, String> {
    match at {
        Some(at) => Ok(at),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .map_err(|e| format!("the system clock is before 1970: {e}")),
    }
}
