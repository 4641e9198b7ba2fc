//! Where passwords come from: a file, an environment variable, or a hidden
//! prompt on the terminal. Never from a command-line argument, which other
//! users can read in the process list.

use std::path::Path;

use zeroize::Zeroizing;

/// The environment variable that may hold the vault's password.
pub(crate) const PASSWORD_ENV: &str = "TWOFOLD_PASSWORD";
/// The environment variable that may hold the password of a file imported or exported.
pub(crate) const BACKUP_PASSWORD_ENV: &str = "TWOFOLD_BACKUP_PASSWORD";
/// The environment variable that may hold a new password for `password set`.
pub(crate) const NEW_PASSWORD_ENV: &str = "TWOFOLD_NEW_PASSWORD";

/// The first line of a password file, without its line ending.
pub(crate) fn from_file(path: &Path) -> Result<Zeroizing<String>, String> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path).map_err(|e| format!("cannot read the password file {}: {e}", path.display()))?,
    );
    let line = text.lines().next().unwrap_or_default();
    if line.is_empty() {
        return Err(format!("the password file {} is empty", path.display()));
    }
    Ok(Zeroizing::new(line.to_owned()))
}

/// The password from `file`, else from `env`, if either is given.
pub(crate) fn given(file: Option<&Path>, env: &str) -> Result<Option<Zeroizing<String>>, String> {
    if let Some(path) = file {
        return from_file(path).map(Some);
    }
    match std::env::var(env) {
        Ok(value) if !value.is_empty() => Ok(Some(Zeroizing::new(value))),
        _ => Ok(None),
    }
}

/// Asks on the terminal without echo.
pub(crate) fn prompt(question: &str, how_else: &str) -> Result<Zeroizing<String>, String> {
    let answer = rpassword::prompt_password(question)
        .map(Zeroizing::new)
        .map_err(|e| format!("cannot ask for the password ({e}); {how_else}"))?;
    if answer.is_empty() {
        return Err("the password is empty".to_owned());
    }
    Ok(answer)
}

/// Asks twice for a new password and checks the two agree.
pub(crate) fn prompt_new(how_else: &str) -> Result<Zeroizing<String>, String> {
    let first = prompt("New vault password: ", how_else)?;
    let second = prompt("Repeat it: ", how_else)?;
    if first != second {
        return Err("the two passwords differ; nothing was changed".to_owned());
    }
    Ok(first)
}
