#!/usr/bin/env bash
# Renders a vidsplit report in headless Chromium and saves a screenshot, to check what people will see.
# Usage: scripts/screenshot_report.sh [OUT] [PNG]   (defaults: out-report/ from sample_videos, OUT/report.png)
# Builds vidsplit and runs it on sample_videos/ when OUT has no report.html. Installs Debian's chromium
# if it is missing. Chromium is started with every background service off, so it makes no network request.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

out="${1:-$VIDSPLIT_ROOT/out-report}"
png="${2:-$out/report.png}"

browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
  vidsplit_install_deps chromium
  browser="$(command -v chromium)"
fi

if [ ! -f "$out/report.html" ]; then
  vidsplit_install_deps
  vidsplit_build "$VIDSPLIT_ROOT/build"
  (cd "$VIDSPLIT_ROOT" && ./build/vidsplit run sample_videos -o "$out" -q) || [ $? -eq 3 ]
fi

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$profile" --hide-scrollbars \
  --screenshot="$png" --window-size=1280,2000 "file://$(realpath "$out/report.html")" 2>/dev/null
echo "wrote $png"
