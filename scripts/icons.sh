#!/usr/bin/env bash
# Draws every app icon Tauri uses from icons/icon.svg: the PNG sizes (the
# window icon, and the Linux packages' hicolor theme: 16 to 512 pixels),
# icon.ico (Windows) and icon.icns (macOS).
# Needs rsvg-convert (apt install librsvg2-bin) and Pillow (pip install Pillow).
set -euo pipefail
cd "$(dirname "$0")/../icons"
for size in 16 24 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$size" -h "$size" icon.svg -o "/tmp/twofold-icon-$size.png"
done
for size in 16 24 48 64 256; do
  cp "/tmp/twofold-icon-$size.png" "${size}x$size.png"
done
cp /tmp/twofold-icon-32.png 32x32.png
cp /tmp/twofold-icon-128.png 128x128.png
cp /tmp/twofold-icon-256.png 128x128@2x.png
cp /tmp/twofold-icon-512.png icon.png
python3 - <<'PY'
from PIL import Image
big = Image.open("/tmp/twofold-icon-1024.png").convert("RGBA")
big.save("icon.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
big.save("icon.icns")
PY
rm -f /tmp/twofold-icon-*.png
ls -l
