#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite.
#   scripts/test.sh              Release build in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer build in build-sanitize/
# The Release run ends with the Python module's pytest suite (ctest label `python`, after the doctest cases);
# sanitizer builds leave the module out.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build_dir="$VIDSPLIT_ROOT/build"
# Debian's interpreter: the one its python3-torch, -sklearn and -av packages are installed for (a pyenv or venv
# python3 first on PATH would not see them).
cmake_options=(-DVIDSPLIT_BUILD_TESTS=ON -DPython3_EXECUTABLE=/usr/bin/python3)
case "${1:-}" in
  --sanitize) build_dir="$VIDSPLIT_ROOT/build-sanitize"; cmake_options=(-DVIDSPLIT_BUILD_TESTS=ON -DVIDSPLIT_SANITIZE=ON) ;;
  "") ;;
  *) echo "usage: scripts/test.sh [--sanitize]" >&2; exit 2 ;;
esac

if [ -z "${1:-}" ]; then
  vidsplit_install_deps "${VIDSPLIT_PYTHON_TEST_PACKAGES[@]}"
else
  vidsplit_install_deps
fi
vidsplit_build "$build_dir" "${cmake_options[@]}"
cd "$build_dir"
ctest --output-on-failure -j "$(nproc)" -LE python
if [ -z "${1:-}" ]; then
  ctest --output-on-failure -L python
fi
