#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job on sample_videos/, writing out/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

vidsplit_install_deps
vidsplit_build "$VIDSPLIT_ROOT/build" -DVIDSPLIT_BUILD_TESTS=OFF
cd "$VIDSPLIT_ROOT"
status=0
build/vidsplit run sample_videos -o out "$@" || status=$?
echo
echo "First rows of out/clips.csv (all of it, with summary.json, errors.csv and group_evidence.csv, is in out/):"
head -n 8 out/clips.csv
exit "$status"
