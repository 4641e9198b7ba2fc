//! What Twofold's two front ends, the `twofold` CLI and the desktop app, both
//! do with the crates: create and open a vault (keychain or password), turn
//! links and images into accounts, add them and save only when something
//! changed, find an account by id or unique prefix, its current and next
//! code, and the steps of importing and exporting other apps' files.
//!
//! Nothing here prompts, prints or knows of a window: the CLI wires these
//! steps to a terminal and the app to its commands, so a behaviour is written
//! (and tested) once, here. Errors are typed, and [`Error::kind`] names the
//! kind a front end branches on (a wrong password, a damaged file ...)
//! without reading the English text.
#![forbid(unsafe_code)]

mod accounts;
mod error;
mod exchange;
mod images;
mod keys;
mod preferences;
mod vault;

pub use accounts::{Added, Codes, add, codes_at, duplicates, find, now};
pub use error::{Error, ErrorKind};
pub use exchange::{
    Import, ImportSummary, MAX_IMPORT_BYTES, Transfer, export, format_named, import_into, read_export, read_import,
    transfer, with_suffix, write_private,
};
pub use images::{
    FromImage, MAX_IMAGE_BYTES, accounts_in_found, accounts_in_image, accounts_in_image_file, accounts_in_links,
    accounts_in_uris,
};
pub use keys::{KeyChange, change_keys};
pub use preferences::{Preferences, Theme, load_preferences, preferences_path, save_preferences};
pub use vault::{Opening, create, open, open_with};
