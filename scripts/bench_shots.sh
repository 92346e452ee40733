#!/usr/bin/env bash
# bench_shots.sh: shot-boundary accuracy of every vidsplit detector next to ffmpeg's scdet filter and
# select='gt(scene,0.3)', on a generated labelled set, plus frames/s next to plain `ffmpeg -f null` decoding, all in
# the same run (a benchmark program, not a test: it prints figures and asserts nothing).
#
# Usage: scripts/bench_shots.sh [--seed N] [--per-family N] [--work-dir DIR] [--detail DETECTOR]
#   --seed N          seed of the generated set (default 1). Another seed is another, unseen set.
#   --per-family N    videos per family (default 5; 7 families with the corpus, the damaged family gets 3)
#   --work-dir DIR    where videos, truth and outputs go (default: ${TMPDIR:-/tmp}/vidsplit-bench-shots). A set is
#                     kept per seed/size and reused on reruns, so only the first run pays for generating it.
#   --detail DET      also list, on stderr, every video where detector DET misses or adds a boundary
# Env: VIDSPLIT=path/to/vidsplit (default: <repo>/build/vidsplit, built with cmake if missing),
#      CORPUS=path (default: <repo>/../shared/corpus; without it only lavfi families are generated).
# Needs: ffmpeg/ffprobe (5.1, with libx264, xfade and lavfi), python3.
#
# The set (scripts/bench_shots_gen.py): families lavfi (synthetic sources), real (shots cut from corpus/actions
# and corpus/neardup), gradual (mostly xfade fade/dissolve/wipeleft/slideright/fadeblack/fadewhite), flash (single-
# and two-frame brightness spikes and strobes inside shots), pan (fast pans: a crop window swinging up to 1/8 of
# the width per frame), mixed, damaged (the smeared frames of corpus/neardup/demo.mp4 inside a shot). Each video:
# 3-6 shots of 1.6-4 s, 24, 25 or 30000/1001 fps, 320x240, 320x180, 256x256, 180x320 or 352x144, H.264 with
# -bf 4, H.264 without B-frames or MPEG-4 Part 2, and 30% VFR (every third frame lasts twice as long).
# Scoring (scripts/bench_shots_eval.py): precision, recall, F1 at ±2 frames, hard cuts and gradual transitions
# apart (a detection anywhere within a transition span, ±2, finds it); "false cuts" counts unmatched cut
# detections in the videos with flashes, fast pans and damaged frames.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SEED=1
PER=5
WORK="${TMPDIR:-/tmp}/vidsplit-bench-shots"
DETAIL=""
while (($#)); do
  case "$1" in
    --seed) SEED="${2:?}"; shift ;;
    --per-family) PER="${2:?}"; shift ;;
    --work-dir) WORK="${2:?--work-dir needs a folder}"; shift ;;
    --detail) DETAIL="${2:?}"; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_shots.sh: unknown option: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
CORPUS="${CORPUS:-$ROOT/../shared/corpus}"
VIDSPLIT="${VIDSPLIT:-$ROOT/build/vidsplit}"
if [ ! -x "$VIDSPLIT" ]; then
  cmake -S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$ROOT/build" -j "$(nproc)" >/dev/null
fi

DATA="$WORK/set-seed$SEED-n$PER"
OUT="$WORK/out-seed$SEED-n$PER"
if [ ! -f "$DATA/.done" ]; then
  echo "bench: generating the labelled set in $DATA" >&2
  python3 "$ROOT/scripts/bench_shots_gen.py" --out "$DATA" --corpus "$CORPUS" --seed "$SEED" --per-family "$PER"
  touch "$DATA/.done"
fi
rm -rf "$OUT" && mkdir -p "$OUT"

now() { date +%s.%N; }
declare -A SECONDS_OF
DETECTORS=(auto adaptive content histogram fade dissolve)
# "$DATA/": a set reached through a symlink is listed too.
mapfile -t VIDEOS < <(find "$DATA/" -maxdepth 1 -name '*.mp4' | sort)

FRAMES=0
for v in "${VIDEOS[@]}"; do
  FRAMES=$((FRAMES + $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["frames"])' "$v.truth.json")))
done

# run_vidsplit NAME [shots options...]: every video through `vidsplit shots`, into $OUT/NAME, timed.
run_vidsplit() {
  local name=$1 t0 v
  shift
  mkdir -p "$OUT/$name"
  t0=$(now)
  for v in "${VIDEOS[@]}"; do
    "$VIDSPLIT" shots "$v" "$@" --quiet >"$OUT/$name/$(basename "$v").csv"
  done
  SECONDS_OF[$name]=$(echo "$(now) - $t0" | bc)
  echo "bench: vidsplit $name done" >&2
}

for d in "${DETECTORS[@]}"; do
  # grep reads all of --help: with -q it could exit first, and pipefail would then skip a detector.
  "$VIDSPLIT" shots --help | grep "$d" >/dev/null || continue
  run_vidsplit "$d" --detector "$d"
done
# The default detector again under each decoding shortcut of --speed: what each costs in accuracy.
for s in no-deblock ref-frames keyframes fast; do run_vidsplit "auto@$s" --speed "$s"; done

t0=$(now)
for v in "${VIDEOS[@]}"; do ffmpeg -v error -nostdin -i "$v" -an -f null -; done
SECONDS_OF[ffmpeg-null]=$(echo "$(now) - $t0" | bc)

# scdet and the scene score in one decode; metadata=print prints every frame's scores with its input frame number.
t0=$(now)
for v in "${VIDEOS[@]}"; do
  ffmpeg -hide_banner -nostdin -nostats -i "$v" -an \
    -vf "scdet=threshold=10,select='gte(scene,0)',metadata=print" -f null - 2>"$OUT/$(basename "$v").ffmpeg.log"
done
t=$(echo "$(now) - $t0" | bc)
SECONDS_OF[scdet=10]=$t
SECONDS_OF[scene>0.3]=$t
echo "bench: ffmpeg done" >&2

{
  echo "{\"frames\": $FRAMES"
  for k in "${!SECONDS_OF[@]}"; do echo ", \"$k\": ${SECONDS_OF[$k]}"; done
  echo "}"
} >"$OUT/timing.json"
python3 - "$OUT/timing.json" <<'EOF'
import json, sys
# Keep a fixed row order: vidsplit detectors, then ffmpeg.
t = json.load(open(sys.argv[1]))
order = ["frames", "auto", "adaptive", "content", "histogram", "fade", "dissolve", "auto@no-deblock", "auto@ref-frames",
         "auto@keyframes", "auto@fast", "scdet=10", "scene>0.3", "ffmpeg-null"]
json.dump({k: t[k] for k in order if k in t}, open(sys.argv[1], "w"))
EOF
echo "Reproduce: scripts/bench_shots.sh --seed $SEED --per-family $PER"
python3 "$ROOT/scripts/bench_shots_eval.py" "$DATA" "$OUT" "$OUT/timing.json" ${DETAIL:+"$DETAIL"}
