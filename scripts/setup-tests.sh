#!/usr/bin/env bash
# What the tests need beyond building and running (scripts/setup.sh, which
# this runs first): system packages, Python's cryptography and tauri-driver.
# Safe to run again: it installs only what is missing.
set -euo pipefail
source scripts/setup.sh

# gnome-keyring, a D-Bus session daemon and secret-tool for the keychain
# tests; oathtool, the independent HOTP/TOTP implementation the tests compare
# against; zbar-tools reads back the exported Google QR codes; redis-server
# backs the verifier's shared-store tests (one server, a Cluster joined by
# redis-tools' redis-cli, Sentinel), and chromium and chromium-driver
# render its example portal; Xvfb and WebKitWebDriver run the desktop app's
# end-to-end tests, xclip reads its clipboard, feh shows a QR code on the
# test screen for *Scan screen*, xwininfo (x11-utils) tells when a window is
# up, xdotool types, strace records a save's syscalls, xdg-utils opens
# otpauth:// links as a desktop does; desktop-file-utils, appstream, rpm and
# rpm2cpio check the .deb and .rpm packages; python3-gi runs a stand-in tray
# host on the test's D-Bus session, and gdbus (libglib2.0-bin) clicks its menu.
install_packages dbus-daemon gnome-keyring libsecret-tools oathtool zbar-tools
install_packages redis-server redis-tools chromium chromium-driver
install_packages xvfb xauth webkit2gtk-driver xclip feh x11-utils xdotool strace xdg-utils
install_packages desktop-file-utils appstream rpm rpm2cpio
install_packages python3-gi gir1.2-glib-2.0 libglib2.0-bin

# Python and its `cryptography`, for the independent reader of Aegis
# exports in the tests (the package check reads JSON with Python too):
# Debian's, or pip's for another python3 first on the PATH.
install_packages python3 python3-cryptography
if ! python3 -c "import cryptography" >/dev/null 2>&1; then
  echo "setup: installing the Python package cryptography"
  python3 -m pip install --quiet cryptography
fi

# tauri-driver, which the desktop app's end-to-end tests drive the app
# through; kept under target/tools so that it is built once per checkout.
if [ ! -x target/tools/bin/tauri-driver ]; then
  echo "setup: installing tauri-driver into target/tools"
  cargo install tauri-driver --version '^2' --locked --root target/tools --quiet
fi
export TAURI_DRIVER="$PWD/target/tools/bin/tauri-driver"
