#!/usr/bin/env bash
# Measures the desktop app: start-up to the first code drawn, resident
# memory (the app and its WebKit processes) with 100 accounts, and the
# binary's size. Runs the app under its own Xvfb with a real Secret Service.
#
# Usage: scripts/measure-app.sh [BINARY]   (default: target/release/twofold-desktop;
#        build it with: cargo build --release -p twofold-desktop --features custom-protocol)
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$(realpath "${1:-target/release/twofold-desktop}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {
  export NO_AT_BRIDGE=1
  Xvfb :77 -screen 0 1024x768x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb=$!
  sleep 0.5
  export DISPLAY=:77 TWOFOLD_VAULT="$work/vault.json"
  # A vault with 100 accounts, opened by its keychain slot, made by the CLI.
  cargo run --quiet --locked -p twofold -- init >/dev/null
  uris=()
  for n in $(seq 1 100); do
    uris+=("otpauth://totp/Issuer$n:user$n@example.com?secret=JBSWY3DPEHPK3PXP$(printf '%04d' "$n" | tr 0-9 A-J)&issuer=Issuer$n")
  done
  cargo run --quiet --locked -p twofold -- add "${uris[@]}" >/dev/null
  echo "first code ms | rss MiB | pss MiB (app + web processes)"
  for i in 1 2 3; do
    rm -f "$work/probe"
    start=$(date +%s%N)
    TWOFOLD_STARTUP_PROBE="$work/probe" "$binary" >/dev/null 2>&1 &
    app=$!
    while [ ! -s "$work/probe" ]; do sleep 0.01; done
    outside=$(( ($(date +%s%N) - start) / 1000000 ))
    sleep 1
    pids="$app $(pgrep -P "$app" | tr '\n' ' ')"
    rss=$(for p in $pids; do awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null; done | awk '{s+=$1} END {printf "%.0f", s/1024}')
    # PSS shares the pages the processes have in common among them, so the
    # sum is not inflated by WebKit's shared libraries as RSS's is.
    pss=$(for p in $pids; do awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null; done | awk '{s+=$1} END {printf "%.0f", s/1024}')
    echo "$(cut -d' ' -f1 "$work/probe") in-app, $outside from spawn | $rss | $pss"
    kill "$app"; wait "$app" 2>/dev/null || true
  done
  kill "$xvfb"
  echo "binary: $(du -m "$binary" | cut -f1) MB ($binary)"
}
export -f run
export work binary
dbus-run-session -- scripts/with-keyring.sh bash -c run
