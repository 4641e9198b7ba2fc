#!/usr/bin/env bash
# Installs what a fresh Debian 12 / Ubuntu 24.04 machine lacks to build and
# run Twofold (the CLI and the desktop app), and builds the app's UI. The
# tests need more: scripts/setup-tests.sh adds it. Safe to run again: it
# installs only what is missing.
set -euo pipefail

# Installs the Debian packages named that are not installed yet (with sudo
# when not root).
install_packages() {
  local missing=() package sudo=""
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A C toolchain and libdbus for the keychain (Secret Service) client; the
# desktop app (Tauri v2): WebKitGTK and GTK headers, and what Tauri links for
# its tray, icons and input.
packages=(build-essential pkg-config libdbus-1-dev libssl-dev
  libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libgtk-3-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev)
# Node.js and npm build the app's UI; Debian's, unless some Node.js is there already.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
install_packages "${packages[@]}"

# Rust: the toolchain from rustup, with rustfmt and clippy.
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: Rust is not installed; install it from https://rustup.rs (rustup, stable toolchain), then run this again" >&2
  exit 1
fi
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    echo "setup: adding the Rust component $component"
    rustup component add "$component"
  fi
done

# The desktop app's UI, which the app embeds when it is compiled (and the
# Tauri CLI, which makes the .deb and .rpm packages).
if [ ! -x ui/node_modules/.bin/tauri ]; then
  echo "setup: installing the UI's npm packages"
  (cd ui && npm ci --no-audit --no-fund --silent)
fi
(cd ui && npm run --silent build >/dev/null)
