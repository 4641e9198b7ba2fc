//! Tauri's build step: the app's context (configuration, capabilities,
//! icons), and permissions for the app's own commands, so that the
//! capability file decides which of them the window may call (without an
//! app manifest Tauri lets every window call every app command).
fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&COMMANDS);
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        eprintln!("twofold-desktop build: {e:#}");
        std::process::exit(1);
    }
}

/// Every command in `generate_handler!` (src/lib.rs).
const COMMANDS: [&str; 17] = [
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
    "next_code",
    "copy",
    "edit",
    "delete",
    "settings",
    "set_settings",
    "first_code_drawn",
];
