#!/usr/bin/env bash
# Sets up the machine, builds the `twofold` CLI in release mode and runs it
# with the given arguments (its help when there are none).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release --locked -p twofold
[ $# -gt 0 ] || set -- --help
exec target/release/twofold "$@"
