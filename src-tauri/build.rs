//! Tauri's build step: the app's context (configuration, capabilities, icons).
fn main() {
    tauri_build::build();
}
