#!/usr/bin/env bash
# Scores twofold-scan beside zxing-cpp and ZBar on the same QR corpus, in one
# run, with the corpus's own scorer (../shared/qr-corpus/tools/score.py):
# decode rate per category and median decode time (image loading excluded;
# the best of 3 decodes per image for every decoder, as peers.py times its own).
#
# Needs: pip install zxing-cpp pyzbar Pillow numpy shapely; apt install libzbar0.
# Usage: scripts/bench-scan.sh [CORPUS_DIR]   (default: ../shared/qr-corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$(cd "${1:-../shared/qr-corpus}" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cargo build --profile measure --locked -p twofold >&2
find "$corpus/images" -type f ! -name '*.txt' ! -name '*.quads' | sort > "$out/list.txt"
echo "$(wc -l < "$out/list.txt") images" >&2

xargs -d '\n' target/measure/twofold scan --json --best-of 3 < "$out/list.txt" > "$out/twofold.jsonl" || true
(cd "$corpus" && python3 tools/peers.py zxingcpp "$out/list.txt" > "$out/zxingcpp.jsonl")
(cd "$corpus" && python3 tools/peers.py zbar "$out/list.txt" > "$out/zbar.jsonl")
python3 "$corpus/tools/score.py" twofold="$out/twofold.jsonl" zxing-cpp="$out/zxingcpp.jsonl" zbar="$out/zbar.jsonl"
