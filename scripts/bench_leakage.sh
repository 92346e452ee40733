#!/usr/bin/env bash
# bench_leakage.sh: does the same footage land in two splits? A benchmark of cross-split leakage on compilation
# videos cut from real footage (a benchmark program, not a test: it prints figures and asserts nothing).
#
# Usage: scripts/bench_leakage.sh [--seed N] [--quick] [--baseline BIN] [--keep] [--regen]
#   --seed N        seed of the generated set (default 1). Seeds 1 and 2 are for development; seed 3 is the
#                   held-out seed: run it to report a figure, never to tune on.
#   --quick         10 compilations instead of 24 (a separate cached set)
#   --baseline BIN  also run this vidsplit binary (e.g. the previous release) and print its figures beside
#                   this tree's
#   --keep          keep vidsplit's output folders (the set itself is always kept, per seed)
#   --regen         generate the set again even when it is cached
# Env: VIDSPLIT_BIN=path (the binary under test; default <repo>/build/vidsplit, built with cmake when missing or
#      older than the sources), VIDSPLIT_CORPUS=path (default <repo>/../shared/corpus; without it the bench
#      skips), TMPDIR (work folder: ${TMPDIR:-/tmp}/vidsplit-bench-leakage/seed-N[-quick]).
# Needs: ffmpeg/ffprobe with libx264 and xfade, /usr/bin/python3.
#
# The set (scripts/bench_leakage_gen.py): compilations of 3-6 shots (640x360, 30 fps, H.264) joined by hard
# cuts (~60 %), dissolves and fades through black, cut from the single-shot clips of corpus/actions and
# corpus/neardup/cockatoo.mp4. About half the sources are reused in families of about 3 compilations, in
# segments that overlap an earlier one by 30-100 % (partial temporal overlap) and in segments of other moments
# of the same take, each with one transformation (none, pad, crop, pad_grey, rbswap, grade, flip, reencode,
# speed); the rest appear once. truth.csv holds every shot's frames, source interval and transformation.
# Each binary runs `vidsplit run SET -o OUT --unit clip|video --ratios train=0.8,val=0.2 --seed 1 --no-report
# --no-cache`, and scripts/bench_leakage_eval.py scores it (see there for the definitions of the figures).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY=/usr/bin/python3
SEED=1
QUICK=""
BASELINE=""
KEEP=0
REGEN=0
while (($#)); do
  case "$1" in
    --seed) SEED="${2:?--seed needs a number}"; shift ;;
    --quick) QUICK="--quick" ;;
    --baseline) BASELINE="${2:?--baseline needs a vidsplit binary}"; shift ;;
    --keep) KEEP=1 ;;
    --regen) REGEN=1 ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_leakage.sh: unknown option: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
CORPUS="${VIDSPLIT_CORPUS:-$ROOT/../shared/corpus}"
WORK="${TMPDIR:-/tmp}/vidsplit-bench-leakage/seed-$SEED${QUICK:+-quick}"

if [ ! -d "$CORPUS/actions" ]; then
  echo "bench_leakage.sh: corpus not found at $CORPUS: skipped"
  exit 0
fi
if [ -n "$BASELINE" ] && [ ! -x "$BASELINE" ]; then
  echo "bench_leakage.sh: --baseline $BASELINE is not an executable" >&2
  exit 2
fi

VIDSPLIT="${VIDSPLIT_BIN:-$ROOT/build/vidsplit}"
if [ -z "${VIDSPLIT_BIN:-}" ]; then
  stale=""
  [ -x "$VIDSPLIT" ] && stale=$(find "$ROOT/src" "$ROOT/include" "$ROOT/CMakeLists.txt" -newer "$VIDSPLIT" -print -quit)
  if [ ! -x "$VIDSPLIT" ] || [ -n "$stale" ]; then
    echo "bench_leakage.sh: building $VIDSPLIT" >&2
    cmake -S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$ROOT/build" -j "$(nproc)" --target vidsplit >/dev/null
  fi
fi
[ -x "$VIDSPLIT" ] || { echo "bench_leakage.sh: $VIDSPLIT is not an executable" >&2; exit 2; }

echo "## cross-split leakage on compilations of real footage (seed $SEED${QUICK:+, quick})"
echo "set: $WORK/set (truth: $WORK/truth.csv)"
echo "this tree: $VIDSPLIT ($("$VIDSPLIT" --version))"
[ -n "$BASELINE" ] && echo "baseline: $BASELINE ($("$BASELINE" --version))"
echo "each: vidsplit run SET -o OUT --unit clip|video --ratios train=0.8,val=0.2 --seed 1 --no-report --no-cache"

if [ "$REGEN" = 1 ] || [ ! -f "$WORK/truth.csv" ]; then
  rm -rf "$WORK/set" "$WORK/truth.csv"
  mkdir -p "$WORK"
  echo "generating the set (ffmpeg, one thread, nice 10; a few minutes)..."
  VIDSPLIT_CORPUS="$CORPUS" "$PY" "$ROOT/scripts/bench_leakage_gen.py" --seed "$SEED" --out "$WORK" $QUICK \
    > "$WORK/gen.log"
  tail -n 1 "$WORK/gen.log"
  if [ ! -f "$WORK/truth.csv" ]; then
    cat "$WORK/gen.log"
    exit 0  # the generator skipped (corpus incomplete) and said why
  fi
else
  echo "reusing the generated set (--regen to make it again)"
fi

jsons=()
run_one() {  # SLUG LABEL BIN UNIT
  local out="$WORK/out-$1-$4" rc=0
  rm -rf "$out"
  /usr/bin/time -f "%e" -o "$out.time" nice -n 10 "$3" run "$WORK/set" -o "$out" --unit "$4" \
    --ratios train=0.8,val=0.2 --seed 1 --no-report --no-cache -q > "$out.log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
    echo "bench_leakage.sh: $3 run --unit $4 failed with exit code $rc:" >&2
    cat "$out.log" >&2
    exit 1
  fi
  echo "$2, $4 unit: exit $rc, $(cat "$out.time") s"
  "$PY" "$ROOT/scripts/bench_leakage_eval.py" "$WORK/truth.csv" "$out" --label "$2" --unit "$4" \
    --json "$out.json" > /dev/null
  jsons+=("$out.json")
}
for unit in clip video; do
  [ -n "$BASELINE" ] && run_one baseline baseline "$BASELINE" "$unit"
  run_one tree "this tree" "$VIDSPLIT" "$unit"
done
echo
"$PY" "$ROOT/scripts/bench_leakage_eval.py" --table "${jsons[@]}"
if [ "$KEEP" = 0 ]; then
  for j in "${jsons[@]}"; do rm -rf "${j%.json}"; done
  echo "(figures in $WORK/out-*.json; vidsplit's outputs removed, --keep keeps them)"
fi
