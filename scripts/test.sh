#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite.
#   scripts/test.sh              Release build in build/: the doctest cases and the end-to-end scripts, then the
#                                Python suites (ctest label `python`: the module's tests and the export consumers)
#   scripts/test.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer build in build-sanitize/, without the
#                                Python suites (an ASan library cannot be loaded into a plain interpreter, and the
#                                consumers test exports, not memory)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build_dir="$VIDSPLIT_ROOT/build"
# Debian's interpreter: the one its python3-torch, -sklearn and -av packages are installed for (a pyenv or venv
# python3 first on PATH would not see them).
cmake_options=(-DVIDSPLIT_BUILD_TESTS=ON -DPython3_EXECUTABLE=/usr/bin/python3)
python=1
case "${1:-}" in
  --sanitize) build_dir="$VIDSPLIT_ROOT/build-sanitize"; cmake_options=(-DVIDSPLIT_BUILD_TESTS=ON -DVIDSPLIT_SANITIZE=ON); python=0 ;;
  "") ;;
  *) echo "usage: scripts/test.sh [--sanitize]" >&2; exit 2 ;;
esac

if [ "$python" = 1 ]; then vidsplit_install_deps "${VIDSPLIT_TEST_PACKAGES[@]}"; else vidsplit_install_deps; fi
vidsplit_build "$build_dir" "${cmake_options[@]}"
cd "$build_dir"
# Under the sanitizers, leave out the tests of the recipes around the binary (Slurm, Kubernetes, the container
# image) and the one that waits out a progress interval: they run the same C++ as the tests kept, for a minute
# of CI time.
skip='^(scripts/slurm_demo|scripts/fake_sbatch|Dockerfile:|README: the Kubernetes|vidsplit scan: off a terminal)'
if [ "$python" = 1 ]; then skip='^$'; fi
ctest --output-on-failure -j "$(nproc)" -LE python -E "$skip"
if [ "$python" = 1 ]; then ctest --output-on-failure -L python; fi
