#!/usr/bin/env bash
# Checks the packages scripts/package.sh made (target/<debug|release>/bundle):
# the .deb's control fields and every file it must hold, the desktop entry
# (desktop-file-validate) and the AppStream metainfo (appstreamcli), each
# icon's size against its folder, the libraries the binary needs, and that
# the binary out of the package starts and opens its window (under Xvfb,
# with a real Secret Service); then the .rpm's digests and needs, and that
# it holds the same files.
# Usage: scripts/check-package.sh [debug|release]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-release}
bundle=target/$profile/bundle
version=$(python3 -c 'import json; print(json.load(open("src-tauri/tauri.conf.json"))["version"])')
deb=$bundle/deb/Twofold_${version}_$(dpkg --print-architecture).deb
rpm=$bundle/rpm/Twofold-$version-1.$(uname -m).rpm
work=$(mktemp -d)
app="" xvfb=""
cleanup() {
  local status=$?
  [ -z "$app" ] || kill -TERM -- "-$app" 2>/dev/null || true
  [ -z "$xvfb" ] || kill "$xvfb" 2>/dev/null || true
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
fail() {
  echo "check-package: $*" >&2
  exit 1
}

echo "== $deb: control fields"
[ -f "$deb" ] || fail "no $deb; make it with scripts/package.sh"
[ "$(dpkg-deb -f "$deb" Package)" = twofold ] || fail "the package is not named twofold"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "the package's version is not $version"
depends=$(dpkg-deb -f "$deb" Depends)
for needed in libwebkit2gtk-4.1-0 libgtk-3-0 libdbus-1-3; do
  grep -qw -- "$needed" <<<"$depends" || fail "Depends lacks $needed: $depends"
done
# The tray's library is loaded at run time, and the app runs without it.
recommends=$(dpkg-deb -f "$deb" Recommends)
for wanted in libayatana-appindicator3-1 gnome-keyring; do
  grep -qw -- "$wanted" <<<"$recommends" || fail "Recommends lacks $wanted: $recommends"
done

echo "== its files"
root=$work/deb
dpkg-deb -x "$deb" "$root"
desktop=$root/usr/share/applications/Twofold.desktop
metainfo=$root/usr/share/metainfo/app.twofold.desktop.metainfo.xml
binary=$root/usr/bin/twofold-desktop
for file in "$desktop" "$metainfo" "$root/usr/share/icons/hicolor/scalable/apps/twofold-desktop.svg"; do
  [ -f "$file" ] || fail "the package lacks ${file#"$root"}"
done
[ -x "$binary" ] || fail "the package lacks an executable /usr/bin/twofold-desktop"
cmp -s "$binary" "target/$profile/twofold-desktop" || fail "the packaged binary is not target/$profile/twofold-desktop"
for size in 16 24 32 48 64 128 256 512; do
  icon=$root/usr/share/icons/hicolor/${size}x$size/apps/twofold-desktop.png
  [ -f "$icon" ] || fail "the package lacks the ${size}x$size icon"
  # The PNG's width and height, from its header.
  actual=$(od -An -tu1 -j16 -N8 "$icon" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}')
  [ "$actual" = "${size}x$size" ] || fail "the ${size}x$size icon is $actual pixels"
done
extra=$(find "$root/usr/share/icons/hicolor" -name '*.png' | grep -Ev '/(16|24|32|48|64|128|256|512)x\1/' || true)
[ -z "$extra" ] || fail "icons in folders that do not match their size: $extra"

echo "== the desktop entry (desktop-file-validate)"
report=$(desktop-file-validate --no-hints "$desktop" 2>&1) || fail "desktop-file-validate: $report"
[ -z "$report" ] || fail "desktop-file-validate: $report"
# %u: a browser's otpauth:// link reaches the app as its argument.
grep -qx 'Exec=twofold-desktop %u' "$desktop" || fail "the desktop entry does not start twofold-desktop with the link: $(grep Exec "$desktop")"
for scheme in otpauth otpauth-migration; do
  grep -q "^MimeType=.*x-scheme-handler/$scheme;" "$desktop" || fail "the desktop entry does not take $scheme:// links"
done
grep -qx 'Icon=twofold-desktop' "$desktop" || fail "the desktop entry's icon is not the packaged one"

echo "== the AppStream metainfo (appstreamcli validate)"
appstreamcli validate --no-net --pedantic "$metainfo" || fail "appstreamcli validate refused the metainfo"
appstreamcli validate-tree --no-net "$root" || fail "appstreamcli validate-tree refused the package's tree"
grep -q "<release version=\"$version\"" "$metainfo" || fail "the metainfo's latest release is not $version"

echo "== the libraries the binary needs (ldd)"
missing=$(ldd "$binary" | grep 'not found' || true)
[ -z "$missing" ] || fail "libraries not found: $missing"

echo "== the packaged binary starts and opens its window (Xvfb, gnome-keyring)"
Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$work/display" 2>/dev/null &
xvfb=$!
for _ in $(seq 1 200); do
  [ -s "$work/display" ] && break
  sleep 0.1
done
[ -s "$work/display" ] || fail "Xvfb did not start"
export DISPLAY=:$(cat "$work/display") NO_AT_BRIDGE=1
# Its own session (setsid), so that the app, its D-Bus and its keyring
# daemon all go with one signal to the group.
TWOFOLD_VAULT=$work/vault.json setsid dbus-run-session -- scripts/with-keyring.sh "$binary" >"$work/app.log" 2>&1 &
app=$!
for _ in $(seq 1 600); do
  if xwininfo -name Twofold 2>/dev/null | grep -q 'Map State: IsViewable'; then
    break
  fi
  kill -0 "$app" 2>/dev/null || fail "the packaged binary exited: $(cat "$work/app.log")"
  sleep 0.1
done
xwininfo -name Twofold 2>/dev/null | grep -q 'Map State: IsViewable' || fail "no Twofold window within 60 s: $(cat "$work/app.log")"
kill -TERM -- "-$app" 2>/dev/null || true
wait "$app" 2>/dev/null || true
kill "$xvfb" 2>/dev/null || true
wait "$xvfb" 2>/dev/null || true
app="" xvfb=""

echo "== $rpm: its digests, needs and files (the .deb's)"
[ -f "$rpm" ] || fail "no $rpm; make it with scripts/package.sh"
rpm -K "$rpm" | grep -q 'digests OK' || fail "rpm -K: $(rpm -K "$rpm")"
requires=$(rpm -qp --requires "$rpm")
for needed in 'libwebkit2gtk-4.1.so.0()(64bit)' 'libgtk-3.so.0()(64bit)' 'libdbus-1.so.3()(64bit)'; do
  grep -qxF -- "$needed" <<<"$requires" || fail "the .rpm does not require $needed: $requires"
done
rpmroot=$work/rpm
mkdir -p "$rpmroot"
rpm2archive -n - <"$rpm" | tar -x -C "$rpmroot"
(cd "$root" && find . -type f | sort) >"$work/deb.files"
(cd "$rpmroot" && find . -type f | sort) >"$work/rpm.files"
diff "$work/deb.files" "$work/rpm.files" || fail "the .rpm does not hold the .deb's files"
for file in usr/share/applications/Twofold.desktop usr/share/metainfo/app.twofold.desktop.metainfo.xml usr/bin/twofold-desktop; do
  cmp -s "$root/$file" "$rpmroot/$file" || fail "the .rpm's $file differs from the .deb's"
done
echo "== packages checked"
