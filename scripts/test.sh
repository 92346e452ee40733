#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite.
#   scripts/test.sh              Release build in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer build in build-sanitize/, without the
#                                Python consumer tests (label `python`: they test exports, not memory)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build_dir="$VIDSPLIT_ROOT/build"
cmake_options=(-DVIDSPLIT_BUILD_TESTS=ON)
ctest_options=()
case "${1:-}" in
  --sanitize) build_dir="$VIDSPLIT_ROOT/build-sanitize"; cmake_options=(-DVIDSPLIT_BUILD_TESTS=ON -DVIDSPLIT_SANITIZE=ON); ctest_options=(-LE python) ;;
  "") ;;
  *) echo "usage: scripts/test.sh [--sanitize]" >&2; exit 2 ;;
esac

vidsplit_install_deps "${VIDSPLIT_TEST_PACKAGES[@]}"
vidsplit_build "$build_dir" "${cmake_options[@]}"
cd "$build_dir"
ctest --output-on-failure -j "$(nproc)" "${ctest_options[@]}"
