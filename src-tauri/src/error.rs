//! The one error every command returns. It crosses IPC as
//! `{kind, message, field?, problems?}`: the page branches on `kind`, never
//! on the English `message`.

use serde::Serialize;

/// A field of the manual form at fault, and why.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FieldProblem {
    /// The form field (`secret`, `digits` ...), or `form` for none in particular.
    pub(crate) field: &'static str,
    /// Why it is wrong, and what to type instead.
    pub(crate) message: String,
}

/// Why a command failed.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AppError {
    /// What kind of failure: a `twofold_app::ErrorKind` word, or one of the
    /// app's own (`locked`, `busy`, `capture`, `camera`, `internal`).
    pub(crate) kind: &'static str,
    /// Words for the user, saying what to do.
    pub(crate) message: String,
    /// The form field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) field: Option<&'static str>,
    /// Every field at fault (the manual form).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) problems: Vec<FieldProblem>,
}

impl AppError {
    /// An error of `kind` with `message`.
    pub(crate) fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            field: None,
            problems: Vec::new(),
        }
    }

    /// The vault is locked.
    pub(crate) fn locked() -> Self {
        Self::new("locked", "the vault is locked")
    }

    /// A failure of the app itself (a poisoned lock, a task that died).
    pub(crate) fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new("internal", format!("the app failed to finish that: {detail}"))
    }

    /// The manual form's field errors; the first names the field.
    pub(crate) fn fields(problems: Vec<FieldProblem>) -> Self {
        let first = problems.first();
        Self {
            kind: "invalid",
            message: first.map(|p| p.message.clone()).unwrap_or_default(),
            field: first.map(|p| p.field),
            problems,
        }
    }
}

impl From<twofold_app::Error> for AppError {
    fn from(error: twofold_app::Error) -> Self {
        Self::new(error.kind().as_str(), error.to_string())
    }
}

impl<T> From<std::sync::PoisonError<T>> for AppError {
    fn from(error: std::sync::PoisonError<T>) -> Self {
        Self::internal(error)
    }
}
