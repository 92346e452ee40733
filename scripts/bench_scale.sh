#!/usr/bin/env bash
# bench_scale.sh: `vidsplit split` (grouping, splitting, writing the outputs) on a synthetic scan of many videos,
# the size of a large dataset, without decoding any: time and peak memory (a benchmark, not a test: it prints
# figures and asserts nothing).
#
# Usage: scripts/bench_scale.sh [--videos N] [--work-dir DIR]
#   --videos N      videos in the synthetic scan (default 300000; Kinetics-700 has about 650,000)
#   --work-dir DIR  where the scan and the outputs go (default: ${TMPDIR:-/tmp}/vidsplit-bench-scale); the scan is
#                   kept and reused for the same N
# Env: VIDSPLIT=path/to/vidsplit (default: <repo>/build/vidsplit, built through scripts/common.sh).
# Needs: python3 and GNU time as /usr/bin/time.
#
# The scan: every line is a real one, from `vidsplit scan tests/data/gray_cut.mp4`, with a new id, path and
# label (400 classes), 300 frames, 1 to 3 shots (1.6 on average), random keyframe hashes (8 of each kind per
# shot, the default --keyframes-per-clip) and random temporal samples (15 a second, as a scan keeps), so no two
# videos are near-duplicates, while all share one colour
# histogram, so the near-duplicate search still checks every candidate it finds. What it measures is what grows
# with the number of videos: reading the scan, the search, the solver and the manifests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ROOT="$VIDSPLIT_ROOT"
VIDEOS=300000
WORK="${TMPDIR:-/tmp}/vidsplit-bench-scale"
while (($#)); do
  case "$1" in
    --videos) VIDEOS="${2:?--videos needs a number}"; shift ;;
    --work-dir) WORK="${2:?--work-dir needs a folder}"; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_scale.sh: unknown option: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$VIDEOS" =~ ^[1-9][0-9]*$ ]] || { echo "bench_scale.sh: --videos must be a positive number" >&2; exit 2; }

vidsplit_install_deps time
if [[ -z "${VIDSPLIT:-}" ]]; then
  VIDSPLIT="$ROOT/build/vidsplit"
  echo "bench: building $VIDSPLIT (incremental)" >&2
  VIDSPLIT_TARGET=vidsplit vidsplit_build "$ROOT/build" >/dev/null
fi

mkdir -p "$WORK"
SCAN="$WORK/scan_${VIDEOS}_v3.jsonl"
if [[ ! -s "$SCAN" ]]; then
  echo "bench: writing a synthetic scan of $VIDEOS videos to $SCAN (done once, reused later)" >&2
  rm -rf "$WORK/template"
  "$VIDSPLIT" scan "$ROOT/tests/data/gray_cut.mp4" -o "$WORK/template" --no-cache --quiet >/dev/null
  python3 - "$WORK/template/scan.jsonl" "$VIDEOS" "$SCAN.tmp" <<'EOF'
import json, random, sys
template_path, videos, out_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
header, line = open(template_path).read().splitlines()[:2]
template = json.loads(line)
shot_template = template["shots"][0]
rnd = random.Random(1)
labels = [f"class{i:03d}" for i in range(400)]
keyframes = json.loads(header)["parameters"]["keyframes_per_clip"]  # as many as a detailed clip has
hashes = lambda: [f"{rnd.getrandbits(64):016x}" for _ in range(keyframes)]
# One view hash per 1/15 s tick (2 frames at 30 fps); bit 63 is set in every real one.
samples = lambda frames: "".join(f"{rnd.getrandbits(63) | 1 << 63:016x}" for _ in range((frames + 1) // 2))
with open(out_path, "w") as out:
    out.write(header + "\n")
    for v in range(videos):
        label = labels[v % len(labels)]
        video = dict(template, video=f"{label}/v{v:07d}.mp4", path=f"/data/{label}/v{v:07d}.mp4", label=label,
                     content_hash=f"{rnd.getrandbits(64):016x}", frames=300)
        video["times"] = dict(template["times"], first_pts=0, end_pts=300, runs=[[1, 299]], time_base=[1, 30])
        cuts = sorted(rnd.sample(range(20, 280), rnd.choice([1, 1, 1, 2, 3]) - 1))
        bounds = [0] + cuts + [300]
        video["shots"] = [dict(shot_template, start_frame=a, end_frame=b, kind="shot", keyframes=hashes(),
                               mirror_keyframes=hashes(), centre_keyframes=hashes(), centre_mirror_keyframes=hashes(),
                               sample_step=1, samples=samples(b - a))
                          for a, b in zip(bounds, bounds[1:])]
        out.write(json.dumps(video, separators=(",", ":")) + "\n")
EOF
  mv "$SCAN.tmp" "$SCAN"
fi

rm -rf "$WORK/out"
echo "bench: vidsplit split on $VIDEOS videos" >&2
/usr/bin/time -f "%e %M" -o "$WORK/time" "$VIDSPLIT" split "$SCAN" -o "$WORK/out" --quiet >"$WORK/split.log"
read -r wall rss <"$WORK/time"
clips=$(($(wc -l <"$WORK/out/clips.csv") - 1))
echo "## vidsplit split at scale"
echo
echo "- nproc: $(nproc); $("$VIDSPLIT" --version | head -n1)"
echo "- synthetic scan: $VIDEOS videos, $clips clips, $(du -h "$SCAN" | cut -f1)"
echo
echo "| videos | clips | wall s | peak RSS MB | peak RSS / video KB |"
echo "|---:|---:|---:|---:|---:|"
awk -v v="$VIDEOS" -v c="$clips" -v w="$wall" -v r="$rss" \
  'BEGIN { printf "| %d | %d | %.1f | %.0f | %.2f |\n", v, c, w, r / 1024, r / v }'
