#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job on sample_videos/, writing out/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

vidsplit_install_deps
# Only the binary: the demo does not need the test suite built (scripts/test.sh builds it in the same folder).
VIDSPLIT_TARGET=vidsplit vidsplit_build "$VIDSPLIT_ROOT/build"
cd "$VIDSPLIT_ROOT"
status=0
build/vidsplit run sample_videos -o out "$@" || status=$?
echo
echo "First rows of out/clips.csv (with summary.json, errors.csv, group_evidence.csv and report.html in out/):"
head -n 8 out/clips.csv
exit "$status"
