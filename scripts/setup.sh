#!/usr/bin/env bash
# Installs what a fresh Debian 12 / Ubuntu 24.04 machine lacks to build and
# test Twofold. Safe to run again: it installs only what is missing.
set -euo pipefail

# Debian packages: a C toolchain and libdbus for the keychain (Secret
# Service) client; gnome-keyring, a D-Bus session daemon and secret-tool for
# the keychain tests; oathtool, the independent HOTP/TOTP implementation the
# tests compare against.
# zbar-tools reads back the exported Google QR codes in the tests.
# redis-server backs the verifier's shared-store tests; chromium and
# chromium-driver render the example portal for its end-to-end test.
# The desktop app (Tauri v2): WebKitGTK and GTK headers; Xvfb and
# WebKitWebDriver for its end-to-end tests; feh shows a QR code on the test
# screen for *Scan screen*, and xwininfo (x11-utils) tells when it is up.
packages=(build-essential pkg-config libdbus-1-dev dbus-daemon gnome-keyring libsecret-tools oathtool zbar-tools
  redis-server chromium chromium-driver
  libssl-dev libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libgtk-3-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev xvfb xauth webkit2gtk-driver xclip feh x11-utils xdotool strace)
# Node.js and npm build the app's UI; Debian's, unless some Node.js is there already.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python's `cryptography`, for the independent reader of Aegis exports in the tests.
if ! python3 -c "import cryptography" >/dev/null 2>&1; then
  echo "setup: installing the Python package cryptography"
  python3 -m pip install --quiet cryptography
fi

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

# tauri-driver, which the desktop app's end-to-end tests drive the app
# through; kept under target/tools so that it is built once per checkout.
if [ ! -x target/tools/bin/tauri-driver ]; then
  echo "setup: installing tauri-driver into target/tools"
  cargo install tauri-driver --version '^2' --locked --root target/tools --quiet
fi
export TAURI_DRIVER="$PWD/target/tools/bin/tauri-driver"

# The desktop app's UI, which the app embeds when it is compiled.
if [ ! -d ui/node_modules ]; then
  echo "setup: installing the UI's npm packages"
  (cd ui && npm ci --no-audit --no-fund --silent)
fi
(cd ui && npm run --silent build >/dev/null)

