//! The one list of the app's command names. `build.rs` reads it (through
//! `#[path]`) to make one permission per command; a test checks that the
//! capability file and `generate_handler!` in `lib.rs` name exactly these.

/// Every command the page may call, in the order of `generate_handler!`.
pub(crate) const COMMANDS: &[&str] = &[
    "status",
    "create_vault",
    "unlock",
    "lock",
    "activity",
    "accounts",
    "add_uri",
    "add_image",
    "add_clipboard_image",
    "add_manual",
    "scan_screen",
    "add_offered",
    "camera_start",
    "camera_frame",
    "camera_stop",
    "next_code",
    "copy",
    "edit",
    "delete",
    "settings",
    "set_settings",
    "first_code_drawn",
];
