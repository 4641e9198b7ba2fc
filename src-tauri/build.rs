//! Tauri's build step: the app's context (configuration, capabilities,
//! icons), and permissions for the app's own commands, so that the
//! capability file decides which of them the window may call (without an
//! app manifest Tauri lets every window call every app command).

#[path = "src/ipc.rs"]
mod ipc;

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(ipc::COMMANDS);
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        eprintln!("twofold-desktop build: {e:#}");
        std::process::exit(1);
    }
}
