#!/usr/bin/env bash
# Sets up the machine (system packages, the UI build), builds the desktop
# app in release mode and starts it. Arguments go to the app.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release --locked -p twofold-desktop --features custom-protocol
exec target/release/twofold-desktop "$@"
