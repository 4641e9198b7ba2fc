#!/usr/bin/env bash
# Verifications per second on one core (SHA-1, 6 digits, a window of one
# step each way, a wrong code): twofold-verifier beside totp-rs's `check`
# and pyotp's `TOTP.verify`, in one run, as one table with ratios to
# totp-rs. The Rust side is `cargo bench -p twofold-verifier --bench verify`
# (see its doc comment for what each row does); pyotp runs here.
#
# Needs: pip install pyotp (installed if missing).
# Usage: scripts/bench-verify.sh
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import pyotp" 2>/dev/null || python3 -m pip install --quiet pyotp
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# One core: the Rust bench and pyotp each run pinned to CPU 0.
taskset -c 0 cargo bench --locked -p twofold-verifier --bench verify 2>/dev/null | grep -P '\t' > "$out"
taskset -c 0 python3 - >> "$out" <<'PY'
import time, pyotp
totp = pyotp.TOTP(pyotp.random_base32(32))  # 160 bits, SHA-1, 6 digits, 30 s
now = 1_700_000_000
wrong = "000000"
assert not totp.verify(wrong, for_time=now, valid_window=1)
calls, started = 0, time.perf_counter()
while time.perf_counter() - started < 3.0:
    for _ in range(1000):
        totp.verify(wrong, for_time=now, valid_window=1)
    calls += 1000
print(f"pyotp TOTP.verify\t{calls / (time.perf_counter() - started):.0f}")
PY

peer=$(awk -F'\t' '$1 == "totp-rs check" { print $2 }' "$out")
echo "| verifier (one core, SHA-1, window ±1, wrong code) | verifications/s | vs totp-rs check |"
echo "|---|---:|---:|"
awk -F'\t' -v peer="$peer" '{ printf "| %s | %d | %.2fx |\n", $1, $2, $2 / peer }' "$out"
