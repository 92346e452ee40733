#!/usr/bin/env bash
# bench_groups.sh: how well and how fast vidsplit groups near-duplicates.
#   1. Quality: builds a near-duplicate set from the real clips in ../shared/corpus/actions (skipped when the
#      corpus is absent): for each of the first SOURCES clips, 7 transformed copies made with ffmpeg
#      (re-encode to MPEG-4 at 30 fps, resize + letterbox, 10% crop, brightness/contrast/gamma, burned-in
#      logo and caption band, mirror, 40% sub-clip), mixed with every original clip of the folder (all
#      different recordings). Runs `vidsplit run --unit video` and prints pairwise precision and recall of
#      the groups (pairs of files from one source should share a group, others not), overall and per
#      transformation.
#   2. Scale: builds and runs bench/bench_groups.cpp on 1,000,000 synthetic clip signatures (time, peak RSS).
# Usage: scripts/bench_groups.sh [--quick]   (--quick: 4 sources and 100,000 synthetic signatures)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORPUS="${VIDSPLIT_CORPUS:-$ROOT/../shared/corpus}"
WORK="${TMPDIR:-/tmp}/vidsplit-bench-groups"
SOURCES=10
SYNTHETIC=1000000
[ "${1:-}" = "--quick" ] && { SOURCES=4; SYNTHETIC=100000; }

cmake -S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$ROOT/build" -j "$(nproc)" --target vidsplit vidsplit_bench_groups >/dev/null
VIDSPLIT="$ROOT/build/vidsplit"

if [ -d "$CORPUS/actions" ]; then
  rm -rf "$WORK" && mkdir -p "$WORK/set/x"
  ff() { ffmpeg -v error -y "$@"; }
  enc=(-c:v libx264 -crf 23 -preset veryfast -an)
  n=0
  for src in "$CORPUS"/actions/*; do
    base=$(basename "${src%.*}")
    ff -i "$src" "${enc[@]}" "$WORK/set/x/${base}__orig.mp4"
    n=$((n + 1))
    [ "$n" -gt "$SOURCES" ] && continue
    dur=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$WORK/set/x/${base}__orig.mp4")
    ff -i "$src" -r 30 -c:v mpeg4 -q:v 6 -an "$WORK/set/x/${base}__reencode.mp4"
    ff -i "$src" -vf "scale=640:360,setsar=1,pad=640:480:0:60:black" "${enc[@]}" "$WORK/set/x/${base}__letterbox.mp4"
    ff -i "$src" -vf "crop=iw*0.9:ih*0.9:iw*0.05:ih*0.05" "${enc[@]}" "$WORK/set/x/${base}__crop.mp4"
    ff -i "$src" -vf "eq=brightness=0.06:contrast=1.15:gamma=0.85" "${enc[@]}" "$WORK/set/x/${base}__color.mp4"
    ff -i "$src" -vf "drawbox=x=iw*0.75:y=ih*0.05:w=iw*0.2:h=ih*0.12:color=white:t=fill,drawbox=x=0:y=ih*0.85:w=iw:h=ih*0.15:color=black@0.7:t=fill" "${enc[@]}" "$WORK/set/x/${base}__logo.mp4"
    ff -i "$src" -vf hflip "${enc[@]}" "$WORK/set/x/${base}__flip.mp4"
    ff -ss "$(awk -v d="$dur" 'BEGIN { printf "%.3f", d * 0.3 }')" -i "$src" -t "$(awk -v d="$dur" 'BEGIN { printf "%.3f", d * 0.4 }')" "${enc[@]}" "$WORK/set/x/${base}__trim.mp4"
  done
  "$VIDSPLIT" run "$WORK/set" -o "$WORK/out" -q --unit video >/dev/null || true
  python3 - "$WORK/out/clips.csv" <<'PY'
import csv, itertools, sys, collections
group = {}
for r in csv.DictReader(open(sys.argv[1])):
    group[r["video"]] = r["group"]
src = {v: v.split("/")[-1].rsplit("__", 1)[0] for v in group}
kind = {v: v.rsplit("__", 1)[1].split(".")[0] for v in group}
tp = fp = fn = 0
per = collections.Counter(); per_total = collections.Counter()
for a, b in itertools.combinations(sorted(group), 2):
    same_src, same_grp = src[a] == src[b], group[a] == group[b]
    tp += same_src and same_grp; fp += (not same_src) and same_grp; fn += same_src and not same_grp
    if same_src and "orig" in (kind[a], kind[b]):
        k = kind[b] if kind[a] == "orig" else kind[a]
        per_total[k] += 1; per[k] += same_grp
p = tp / (tp + fp) if tp + fp else 1.0
r = tp / (tp + fn) if tp + fn else 1.0
print(f"## near-duplicate grouping on {len(group)} files ({len(set(src.values()))} sources)")
print(f"pairwise precision {p:.3f}  recall {r:.3f}  (true pairs {tp + fn}, false merges {fp})")
print("| transformation | grouped with its original |")
print("| --- | --- |")
for k in sorted(per_total):
    print(f"| {k} | {per[k]}/{per_total[k]} |")
PY
else
  echo "corpus not found at $CORPUS: quality part skipped"
fi

echo
echo "## scale: ${SYNTHETIC} synthetic clip signatures, $(nproc) cores"
/usr/bin/time -f "wall %e s, peak RSS %M KB" "$ROOT/build/vidsplit_bench_groups" "$SYNTHETIC" 0
