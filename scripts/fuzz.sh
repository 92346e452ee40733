#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz/ and runs each for a while, starting
# from the committed seeds in fuzz/corpus/<target>/. Fails if any target finds a crash, a sanitizer
# report, a leak or a timeout; the input that triggered it is saved in build-fuzz/artifacts/<target>/.
#   scripts/fuzz.sh                      every target, 60 s each
#   scripts/fuzz.sh --seconds 600        longer runs
#   scripts/fuzz.sh fuzz_readers         one target (also: --seconds N fuzz_decode)
#   scripts/fuzz.sh --seed 0             a new random seed each run, to explore further (the default, 1, makes
#                                        a CI run try the same inputs in the same order every time, so a red CI
#                                        means the change under test, not the luck of the draw)
# Reproduce a finding: build-fuzz/fuzz/<target> build-fuzz/artifacts/<target>/crash-...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

seconds=60
seed=1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    fuzz_*) targets+=("$1"); shift ;;
    *) echo "usage: scripts/fuzz.sh [--seconds N] [--seed N] [fuzz_decode|fuzz_readers ...]" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_decode fuzz_readers)

# clang-14 is Debian 12's clang; libclang-rt-14-dev holds libFuzzer and the sanitizer runtimes.
vidsplit_install_deps clang libclang-rt-14-dev
build_dir="$VIDSPLIT_ROOT/build-fuzz"
VIDSPLIT_TARGET=fuzzers vidsplit_build "$build_dir" -DCMAKE_CXX_COMPILER=clang++ \
  -DVIDSPLIT_FUZZ=ON -DVIDSPLIT_BUILD_TESTS=OFF

status=0
for t in "${targets[@]}"; do
  # New inputs go to a scratch corpus in the build folder; the committed seeds are only read.
  mkdir -p "$build_dir/corpus/$t" "$build_dir/artifacts/$t"
  echo "fuzz: $t for $seconds s, seed $seed" >&2
  if ! "$build_dir/fuzz/$t" -seed="$seed" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$build_dir/artifacts/$t/" "$build_dir/corpus/$t" "$VIDSPLIT_ROOT/fuzz/corpus/$t" \
      > "$build_dir/$t.log" 2>&1; then
    echo "fuzz: $t FAILED; log: $build_dir/$t.log, inputs: $build_dir/artifacts/$t/" >&2
    grep -E "^(==[0-9]+==ERROR|SUMMARY|.*runtime error)" "$build_dir/$t.log" | head -5 >&2 || true
    status=1
    continue
  fi
  # The last status line: executions, coverage (cov: edges) and corpus size.
  grep -E "^#[0-9]+.*(DONE|pulse|NEW|REDUCE)" "$build_dir/$t.log" | tail -1 >&2 || true
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$build_dir/$t.log" >&2 || true
done
exit $status
