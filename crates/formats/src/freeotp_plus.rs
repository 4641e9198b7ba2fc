//! FreeOTP+, the FreeOTP 1.x fork: its JSON export
//! (`{"tokenOrder": [...], "tokens": [...]}`, the tokens as FreeOTP writes
//! them) and its internal `shared_prefs/tokens.xml`, the same file as
//! FreeOTP 1.x keeps. Like FreeOTP 1.x it stores an HOTP counter one below
//! the next code's, which the importer corrects.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::common::{collect, contains_early, starts_with_trimmed};
use crate::error::ImportError;
use crate::format::{Format, Imported};
use crate::freeotp::{Counter, Token, import_tokens_xml, looks_like_tokens_xml};

/// FreeOTP+ JSON export.
pub(crate) struct FreeOtpPlus;

/// FreeOTP+ internal token store (shared_prefs XML).
pub(crate) struct FreeOtpPlusInternal;

const NAME: &str = "freeotp-plus";
const NAME_INTERNAL: &str = "freeotp-plus-internal";

/// The export's top level; each token is parsed on its own so one bad token fails alone.
#[derive(Deserialize)]
struct Export<'a> {
    #[serde(borrow)]
    tokens: Vec<&'a RawValue>,
}

impl Format for FreeOtpPlus {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "FreeOTP+ JSON export"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        starts_with_trimmed(bytes, b"{")
            && contains_early(bytes, b"\"tokenOrder\"", 1 << 20)
            && contains_early(bytes, b"\"tokens\"", 1 << 20)
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        let export: Export<'_> = crate::common::json(NAME, bytes)?;
        Ok(collect(export.tokens.iter().enumerate().map(|(index, raw)| {
            let fallback = format!("token {}", index + 1);
            match serde_json::from_str::<Token>(raw.get()) {
                Ok(token) => (token.describe(&fallback), token.account(None, Counter::StoredMinusOne)),
                Err(e) => (
                    fallback,
                    Err(crate::common::Problem::from(crate::common::json_reason(&e))),
                ),
            }
        })))
    }
}

impl Format for FreeOtpPlusInternal {
    fn name(&self) -> &'static str {
        NAME_INTERNAL
    }

    fn description(&self) -> &'static str {
        "FreeOTP+ internal token store (shared_prefs XML)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        // FreeOTP 1.x's detector, tried first, takes the files that FreeOTP 1.x could have written.
        looks_like_tokens_xml(bytes)
    }

    fn import(&self, bytes: &[u8], _password: Option<&str>) -> Result<Imported, ImportError> {
        import_tokens_xml(NAME_INTERNAL, bytes)
    }
}
