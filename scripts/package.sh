#!/usr/bin/env bash
# Builds the desktop app's Linux packages with the Tauri CLI (from the UI's
# npm packages; it works offline): a .deb and an .rpm holding the binary,
# the desktop entry, the icons from 16 to 512 pixels and a scalable one, and
# the AppStream metainfo. AppImage is left out: its tools are downloaded at
# build time.
#   scripts/package.sh           release build, then target/release/bundle/{deb,rpm}/
#   scripts/package.sh --debug   the debug binary as it is (the tests'), into target/debug/bundle/
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
tauri=ui/node_modules/.bin/tauri
if [ "${1:-}" = --debug ]; then
  # The binary the tests built serves the UI from its own build too; bundle
  # it without building again (a plain `cargo build` would resolve other
  # features than `cargo test` and rebuild half the tree).
  [ -x target/debug/twofold-desktop ] || cargo build --locked -p twofold-desktop
  args=(--debug)
else
  cargo build --release --locked -p twofold-desktop --features custom-protocol
  args=(--features custom-protocol)
fi
# No binary patching: the packaged binary stays byte for byte the one built
# (it only marks the bundle type for an updater, which Twofold has not got).
"$tauri" bundle "${args[@]}" --bundles deb --ci --no-binary-patching
"$tauri" bundle "${args[@]}" --bundles rpm --ci --no-binary-patching
