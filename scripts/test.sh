#!/usr/bin/env bash
# Every check CI makes: formatting, clippy with warnings as errors, and all
# tests (unit, property, fixtures from ../shared, the CLI binary). The tests
# run inside a private D-Bus session with a real Secret Service
# (gnome-keyring), which the keychain tests use.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-tests.sh

# The shared fixtures stand beside the checkout (../shared); elsewhere, set
# TWOFOLD_SHARED to the folder that holds fixtures/.
if [ -z "${TWOFOLD_SHARED:-}" ]; then
  for candidate in ../shared /work/shared; do
    if [ -d "$candidate/fixtures" ]; then
      TWOFOLD_SHARED=$(cd "$candidate" && pwd)
      break
    fi
  done
fi
if [ -z "${TWOFOLD_SHARED:-}" ]; then
  echo "test: the shared fixtures folder was not found beside the checkout; set TWOFOLD_SHARED" >&2
  exit 1
fi
export TWOFOLD_SHARED

# A cold build needs about 3 GB under target/; say how much there is, so that
# a full disk is plain from the log.
echo "== disk free for target/: $(df -h --output=avail . | tail -1 | tr -d ' ')"
echo "== UI unit tests (npm test: icon matching, code grouping, the import preview)"
(cd ui && npm test --silent)
echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== AES key schedules wiped in the CLI's and the app's builds (aes's zeroize feature)"
for package in twofold twofold-desktop; do
  if ! cargo tree --locked -p "$package" -e features -i aes | grep -q 'aes feature "zeroize"'; then
    echo "test: $package builds aes without its zeroize feature" >&2
    exit 1
  fi
done
echo "== cargo build of the example portal (the verifier's end-to-end test runs it)"
cargo build --workspace --examples --locked
echo "== cargo test (with a Secret Service on a private D-Bus session)"
export NO_AT_BRIDGE=1
dbus-run-session -- scripts/with-keyring.sh cargo test --workspace --all-targets --locked
cargo test --workspace --doc --locked
echo "== the desktop app's .deb and .rpm (of the tests' debug binary), and what they hold"
scripts/package.sh --debug
scripts/check-package.sh debug
echo "== all checks passed"
