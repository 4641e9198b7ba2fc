#!/usr/bin/env bash
# A bare Tauri 2 window, measured the way scripts/measure-app.sh measures
# the app, so that the app's own share of start-up and memory is known:
# the same tauri version and release profile, a page that draws one line of
# text and reports it drawn (the probe the app writes at its first code).
# Builds it in a temporary folder (with this checkout's Cargo.lock, so the
# same crate versions), into target/bare-window.
#
# Usage: scripts/measure-bare-window.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/dist"
cat > "$work/Cargo.toml" <<EOF
[package]
name = "bare-window"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
tauri = { version = "=2.11.6", features = ["custom-protocol"] }

[build-dependencies]
tauri-build = "=2.6.3"

[profile.release]
lto = "thin"
codegen-units = 1
EOF
cp Cargo.lock "$work/"
echo 'fn main() { tauri_build::build() }' > "$work/build.rs"
cat > "$work/src/main.rs" <<'EOF'
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

#[tauri::command]
fn first_code_drawn() {
    if let Some(path) = std::env::var_os("TWOFOLD_STARTUP_PROBE") {
        let elapsed = STARTED.get().map_or(0.0, |t| t.elapsed().as_secs_f64() * 1e3);
        let _ = std::fs::write(path, format!("{elapsed:.1} {}\n", std::process::id()));
    }
}

fn main() {
    let _ = STARTED.set(std::time::Instant::now());
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![first_code_drawn])
        .run(tauri::generate_context!())
        .expect("the window could not start");
}
EOF
cat > "$work/dist/index.html" <<'EOF'
<!doctype html>
<html><body><p id="code">123 456</p>
<script>requestAnimationFrame(() => window.__TAURI_INTERNALS__.invoke("first_code_drawn"));</script>
</body></html>
EOF
cat > "$work/tauri.conf.json" <<EOF
{
  "productName": "bare-window",
  "version": "0.1.0",
  "identifier": "app.twofold.bare",
  "build": { "frontendDist": "dist" },
  "app": { "windows": [{ "title": "bare", "width": 480, "height": 720 }] },
  "bundle": { "icon": ["$root/icons/32x32.png", "$root/icons/icon.png"] }
}
EOF
CARGO_TARGET_DIR="$root/target/bare-window" cargo build --release --quiet --manifest-path "$work/Cargo.toml"
scripts/measure-app.sh "$root/target/bare-window/release/bare-window"
