#!/usr/bin/env bash
# Redraws the screenshots in docs/ of the scan panels (the ignored test
# `screenshots_for_docs` of src-tauri/tests/app.rs, in the real app under Xvfb).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-tests.sh
export NO_AT_BRIDGE=1
dbus-run-session -- scripts/with-keyring.sh \
  cargo test --locked -p twofold-desktop --test app -- --ignored --exact screenshots_for_docs
ls -l docs/
