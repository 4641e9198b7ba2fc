#!/usr/bin/env bash
# Measures the app's two scanners end to end, in the real app under its own
# Xvfb with a real Secret Service, and prints two tables:
# - *Scan screen* on a 3840x2160 screen holding one small QR code: from the
#   click to the account in the list, five runs;
# - the camera loop on 1280x720 frames (a canvas stream through the same
#   getUserMedia call a webcam takes): frames scanned per second, and the
#   CPU of the app and its web processes.
# It is the ignored test `measure_scan_screen_and_camera` of
# src-tauri/tests/app.rs, on the debug build the tests use (dependencies and
# twofold-scan optimised, as in every test build).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-tests.sh
if [ -z "${TWOFOLD_SHARED:-}" ]; then
  for candidate in ../shared /work/shared; do
    [ -d "$candidate/fixtures" ] && TWOFOLD_SHARED=$(cd "$candidate" && pwd) && break
  done
fi
export TWOFOLD_SHARED NO_AT_BRIDGE=1
dbus-run-session -- scripts/with-keyring.sh \
  cargo test --locked -p twofold-desktop --test app -- --ignored --exact measure_scan_screen_and_camera --nocapture 2>&1 \
  | grep -E '^\|'
