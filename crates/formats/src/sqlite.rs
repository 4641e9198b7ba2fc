//! Apps' own SQLite databases, copied off a rooted phone: Google
//! Authenticator (`databases`), Microsoft Authenticator (`PhoneFactor`) and
//! Stratum (`authenticator.db3`).
//!
//! The bytes are handed to SQLite as an in-memory, read-only database: no
//! copy of the secrets ever reaches a file.

use base64::Engine as _;
use rusqlite::config::DbConfig;
use rusqlite::limits::Limit;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Row};
use twofold_otp::Account;
use zeroize::Zeroizing;

use crate::common::{self, Entry, Problem, SecretField};
use crate::error::ImportError;
use crate::format::{Format, Imported};
use crate::stratum::{StratumFields, stratum_account};

/// The first 16 bytes of every SQLite 3 database.
const MAGIC: &[u8] = b"SQLite format 3\0";
/// How far into a database the schema text is looked for by `detect`.
const SCHEMA_WINDOW: usize = 1 << 20;
/// Offsets of the header's write and read format versions (2 = WAL).
const FORMAT_VERSIONS: std::ops::Range<usize> = 18..20;

/// Limits on what a statement over the file may build (SQLite's defaults
/// are a gigabyte): no account row comes near them.
const LIMITS: [(Limit, i32); 5] = [
    (Limit::SQLITE_LIMIT_LENGTH, 1_000_000),
    (Limit::SQLITE_LIMIT_SQL_LENGTH, 100_000),
    (Limit::SQLITE_LIMIT_COLUMN, 100),
    (Limit::SQLITE_LIMIT_EXPR_DEPTH, 10),
    (Limit::SQLITE_LIMIT_COMPOUND_SELECT, 3),
];
/// The progress handler runs every this many virtual-machine steps of the
/// connection (the checks and the table scan together)...
const STEP_BATCH: std::ffi::c_int = 1_000;
/// ...and stops the database's work after this many batches (a hundred
/// million steps: a quick_check and a table scan of a real export take a
/// few hundred thousand).
const MAX_STEP_BATCHES: u32 = 100_000;

/// A progress handler that interrupts after [`MAX_STEP_BATCHES`] calls.
fn step_budget() -> impl FnMut() -> bool + Send + 'static {
    let mut batches = 0u32;
    move || {
        batches = batches.saturating_add(1);
        batches > MAX_STEP_BATCHES
    }
}

/// Whether the bytes are an SQLite database whose schema text has every needle.
fn sqlite_with(bytes: &[u8], needles: &[&[u8]]) -> bool {
    bytes.starts_with(MAGIC)
        && needles
            .iter()
            .all(|needle| common::contains_early(bytes, needle, SCHEMA_WINDOW))
}

/// Google Authenticator for Android database (SQLite, root).
pub(crate) struct GoogleAuthenticatorDb;

impl Format for GoogleAuthenticatorDb {
    fn name(&self) -> &'static str {
        "google-authenticator-db"
    }

    fn description(&self) -> &'static str {
        "Google Authenticator for Android database (SQLite, root)"
    }

    /// SQLite with Google's `accounts` table (`email`, `secret` columns).
    fn detect(&self, bytes: &[u8]) -> bool {
        sqlite_with(bytes, &[b"CREATE TABLE accounts", b"email TEXT", b"secret TEXT"])
            && !common::contains_early(bytes, b"oath_secret_key", SCHEMA_WINDOW)
    }

    /// Google's database holds no digits, period or algorithm: its app only
    /// made 6-digit SHA-1 codes, every 30 seconds for TOTP.
    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        let db = Db::open(self.name(), bytes)?;
        db.rows("accounts", |row, index| {
            let email = text(row, "email").unwrap_or_default();
            let (issuer, name) = google_names(&email, &text(row, "issuer").unwrap_or_default());
            let label = common::label(&issuer, &name, index);
            let account = (|| -> Result<Account, Problem> {
                let kind = match integer(row, "type")? {
                    None | Some(0) => "totp",
                    Some(1) => "hotp",
                    Some(other) => return Err(format!("type: {other} is not 0 (TOTP) or 1 (HOTP)").into()),
                };
                let secret = secret_text(row, "secret")?;
                Entry {
                    kind: Some(kind),
                    issuer: &issuer,
                    name: &name,
                    secret: SecretField::Base32(&secret),
                    counter: integer(row, "counter")?,
                    ..Entry::default()
                }
                .account()
            })();
            Some((label, account))
        })
    }
}

/// Issuer and name from Google's columns: `email` holds the URI's label,
/// `Issuer:name` when it had an issuer prefix, which is dropped when it
/// repeats the `issuer` column (or becomes the issuer when that is empty).
fn google_names(email: &str, issuer: &str) -> (String, String) {
    let (email, issuer) = (email.trim(), issuer.trim());
    match email.split_once(':') {
        Some((prefix, name)) if issuer.is_empty() || prefix.trim() == issuer => {
            (prefix.trim().to_owned(), name.trim().to_owned())
        }
        _ => (issuer.to_owned(), email.to_owned()),
    }
}

/// Microsoft Authenticator database (SQLite, root).
pub(crate) struct MicrosoftAuthenticatorDb;

impl Format for MicrosoftAuthenticatorDb {
    fn name(&self) -> &'static str {
        "microsoft-authenticator-db"
    }

    fn description(&self) -> &'static str {
        "Microsoft Authenticator database (SQLite, root)"
    }

    /// SQLite with Microsoft's `accounts` table (`oath_secret_key`, `account_type`).
    fn detect(&self, bytes: &[u8]) -> bool {
        sqlite_with(bytes, &[b"accounts", b"oath_secret_key", b"account_type"])
    }

    /// Type 0 is a TOTP account added from a QR code (base32, 6 digits);
    /// type 1 a Microsoft personal account (base64, 8 digits). Both are
    /// SHA-1 and 30 s, the only kind the app makes. Other types are work or
    /// school accounts signed in by notification: those without a secret are
    /// passed over, those with one are reported.
    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        let db = Db::open(self.name(), bytes)?;
        db.rows("accounts", |row, index| {
            let issuer = text(row, "name").unwrap_or_default();
            let name = text(row, "username").unwrap_or_default();
            let label = common::label(&issuer, &name, index);
            let kind = match integer(row, "account_type") {
                Ok(kind) => kind,
                Err(reason) => return Some((label, Err(reason.into()))),
            };
            if !matches!(kind, None | Some(0 | 1)) {
                let secret = secret_text(row, "oath_secret_key").ok();
                if secret.is_none_or(|secret| secret.trim().is_empty()) {
                    return None;
                }
                let reason = format!(
                    "account_type: {} is not an OTP account (0 or 1)",
                    kind.unwrap_or_default()
                );
                return Some((label, Err(reason.into())));
            }
            let account = secret_text(row, "oath_secret_key")
                .map_err(Problem::from)
                .and_then(|secret| {
                    if kind == Some(1) {
                        let key = microsoft_base64(&secret)?;
                        Entry {
                            issuer: &issuer,
                            name: &name,
                            secret: SecretField::Bytes(&key),
                            digits: Some(8),
                            ..Entry::default()
                        }
                        .account()
                    } else {
                        Entry {
                            issuer: &issuer,
                            name: &name,
                            secret: SecretField::Base32(&secret),
                            ..Entry::default()
                        }
                        .account()
                    }
                });
            Some((label, account))
        })
    }
}

/// A personal Microsoft account's key, which is base64 rather than base32.
fn microsoft_base64(secret: &str) -> Result<Zeroizing<Vec<u8>>, String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let compact: Zeroizing<String> = Zeroizing::new(secret.chars().filter(|c| !c.is_whitespace()).collect());
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(compact.as_bytes()).ok())
        .map(Zeroizing::new)
        .ok_or_else(|| "oath_secret_key: not base64".to_owned())
}

/// Stratum / Authenticator Pro database (SQLite authenticator.db3).
pub(crate) struct StratumDb;

impl Format for StratumDb {
    fn name(&self) -> &'static str {
        "stratum-db"
    }

    fn description(&self) -> &'static str {
        "Stratum / Authenticator Pro database (SQLite authenticator.db3)"
    }

    /// SQLite with Stratum's `"authenticator"` table.
    fn detect(&self, bytes: &[u8]) -> bool {
        sqlite_with(
            bytes,
            &[b"CREATE TABLE \"authenticator\"", b"\"secret\"", b"\"issuer\""],
        )
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        let db = Db::open(self.name(), bytes)?;
        db.rows("authenticator", |row, index| {
            let issuer = text(row, "issuer").unwrap_or_default();
            let username = text(row, "username").unwrap_or_default();
            let label = common::label(&issuer, &username, index);
            let account = (|| {
                let secret = secret_text(row, "secret")?;
                stratum_account(&StratumFields {
                    kind: integer(row, "type")?,
                    issuer: &issuer,
                    username: &username,
                    secret: Some(&secret),
                    algorithm: integer(row, "algorithm")?,
                    digits: integer(row, "digits")?,
                    period: integer(row, "period")?,
                    counter: integer(row, "counter")?,
                })
            })();
            Some((label, account))
        })
    }
}

/// A read-only in-memory connection to the bytes.
struct Db {
    /// The open database.
    conn: Connection,
    /// The format's name, for errors.
    format: &'static str,
}

impl Db {
    /// Loads the bytes into an in-memory database and opens it read-only.
    /// A write-ahead-log database is marked as a rollback-journal one in the
    /// copy: the log is not part of the bytes, and SQLite cannot open an
    /// in-memory database in WAL mode.
    fn open(format: &'static str, bytes: &[u8]) -> Result<Self, ImportError> {
        if !bytes.starts_with(MAGIC) {
            return Err(common::malformed(format, "not an SQLite database"));
        }
        let mut copy = Zeroizing::new(bytes.to_vec());
        if let Some(versions) = copy.get_mut(FORMAT_VERSIONS)
            && matches!(versions, [1 | 2, 1 | 2])
        {
            versions.copy_from_slice(&[1, 1]);
        }
        let sqlite = |e: rusqlite::Error| common::malformed(format, format!("SQLite: {e}"));
        let mut conn = Connection::open_in_memory().map_err(sqlite)?;
        conn.deserialize_read_exact("main", copy.as_slice(), copy.len(), true)
            .map_err(sqlite)?;
        // As SQLite's "Defense Against The Dark Arts" asks of a database
        // from elsewhere: defensive mode, an untrusted schema, small limits,
        // a budget of steps per statement, and a structure check first.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)
            .map_err(sqlite)?;
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)
            .map_err(sqlite)?;
        for (limit, value) in LIMITS {
            conn.set_limit(limit, value).map_err(sqlite)?;
        }
        conn.progress_handler(STEP_BATCH, Some(step_budget()));
        conn.execute_batch("PRAGMA query_only = ON;").map_err(sqlite)?;
        // Virtual tables run module code (FTS, R-Tree: even quick_check
        // runs it) and generated columns run expressions from the file: no
        // app's database has either. The schema's text is read first, which
        // runs nothing; the columns are asked once no virtual table is left.
        let refuse = || {
            common::malformed(
                format,
                "the database has virtual tables or generated columns, which no authenticator's has",
            )
        };
        let virtual_tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE sql LIKE '%VIRTUAL%TABLE%'",
                [],
                |row| row.get(0),
            )
            .map_err(sqlite)?;
        if virtual_tables > 0 {
            return Err(refuse());
        }
        let generated: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master AS t, pragma_table_xinfo(t.name) AS c \
                 WHERE t.type = 'table' AND c.hidden IN (2, 3)",
                [],
                |row| row.get(0),
            )
            .map_err(sqlite)?;
        if generated > 0 {
            return Err(refuse());
        }
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |row| row.get(0))
            .map_err(sqlite)?;
        if check != "ok" {
            return Err(common::malformed(
                format,
                "the database is damaged (SQLite's quick_check fails)",
            ));
        }
        Ok(Self { conn, format })
    }

    /// Every row of `table` (which must be a table, not a view), through `convert`.
    /// `convert` gives `None` for rows that are not accounts at all.
    fn rows<F>(&self, table: &str, mut convert: F) -> Result<Imported, ImportError>
    where
        F: FnMut(&Row<'_>, usize) -> Option<(String, Result<Account, Problem>)>,
    {
        let sqlite = |e: rusqlite::Error| common::malformed(self.format, format!("SQLite: {e}"));
        let tables: i64 = self
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |row| row.get(0),
            )
            .map_err(sqlite)?;
        if tables == 0 {
            return Err(common::malformed(self.format, format!("no table named {table}")));
        }
        let mut statement = self
            .conn
            .prepare(&format!("SELECT * FROM \"{table}\""))
            .map_err(sqlite)?;
        let mut rows = statement.query([]).map_err(sqlite)?;
        let mut entries = Vec::new();
        let mut index = 0;
        while let Some(row) = rows.next().map_err(sqlite)? {
            if let Some(entry) = convert(row, index) {
                entries.push(entry);
            }
            index += 1;
        }
        Ok(common::collect(entries))
    }
}

/// A column as text: TEXT, a UTF-8 BLOB or a number; `None` when the column
/// is missing or NULL.
fn text(row: &Row<'_>, column: &str) -> Option<String> {
    match row.get_ref(column).ok()? {
        ValueRef::Null => None,
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => std::str::from_utf8(bytes).ok().map(str::to_owned),
    }
}

/// A secret column as text, kept in memory that is wiped.
fn secret_text(row: &Row<'_>, column: &str) -> Result<Zeroizing<String>, String> {
    match row.get_ref(column) {
        Ok(ValueRef::Text(bytes) | ValueRef::Blob(bytes)) => std::str::from_utf8(bytes)
            .map(|text| Zeroizing::new(text.to_owned()))
            .map_err(|_| format!("{column}: not UTF-8 text")),
        Ok(ValueRef::Null) | Err(_) => Err(format!("{column}: missing")),
        Ok(_) => Err(format!("{column}: not text")),
    }
}

/// A column as a whole number: INTEGER, or TEXT or REAL holding one; `None`
/// when the column is missing or NULL.
fn integer(row: &Row<'_>, column: &str) -> Result<Option<i64>, String> {
    let Ok(value) = row.get_ref(column) else {
        return Ok(None);
    };
    match value {
        ValueRef::Null => Ok(None),
        ValueRef::Integer(n) => Ok(Some(n)),
        ValueRef::Real(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(Some(x as i64)),
        ValueRef::Text(bytes) => std::str::from_utf8(bytes)
            .ok()
            .and_then(|text| text.trim().parse().ok())
            .map(Some)
            .ok_or_else(|| format!("{column}: not a whole number")),
        _ => Err(format!("{column}: not a whole number")),
    }
}
