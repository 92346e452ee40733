#!/usr/bin/env bash
# bench_audit.sh: `vidsplit audit --scan` of a dataset-sized split, without decoding: time, peak memory and the
# planted leaks found (a benchmark, not a test: it prints figures and asserts nothing).
#
# Usage: scripts/bench_audit.sh [--videos N] [--planted P] [--work-dir DIR]
#   --videos N      videos in the split (default 100000)
#   --planted P     of those, near-duplicate copies of other videos put in the other split (default 100)
#   --work-dir DIR  where the scans and outputs go (default: ${TMPDIR:-/tmp}/vidsplit-bench-audit)
# Env: VIDSPLIT=path/to/vidsplit (default: <repo>/build/vidsplit, built through scripts/common.sh).
# Needs: python3 and GNU time as /usr/bin/time.
#
# The scan is scripts/bench_scale.sh's synthetic one (real scan.jsonl lines, new ids, random keyframe hashes)
# of N - P videos, plus P copies of the first P videos under new ids and content hashes (so they are
# near-duplicates, not identical streams). The split: train/val 80/20 by video, each copy in the split its
# original is not in. A correct audit reports at least one leaking pair per copy (one per shot).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ROOT="$VIDSPLIT_ROOT"
VIDEOS=100000
PLANTED=100
WORK="${TMPDIR:-/tmp}/vidsplit-bench-audit"
while (($#)); do
  case "$1" in
    --videos) VIDEOS="${2:?--videos needs a number}"; shift ;;
    --planted) PLANTED="${2:?--planted needs a number}"; shift ;;
    --work-dir) WORK="${2:?--work-dir needs a folder}"; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_audit.sh: unknown option: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$VIDEOS" =~ ^[1-9][0-9]*$ ]] || { echo "bench_audit.sh: --videos must be a positive number" >&2; exit 2; }
[[ "$PLANTED" =~ ^[0-9]+$ ]] && ((PLANTED * 2 <= VIDEOS)) ||
  { echo "bench_audit.sh: --planted must be a number at most half of --videos" >&2; exit 2; }

vidsplit_install_deps time
if [[ -z "${VIDSPLIT:-}" ]]; then
  VIDSPLIT="$ROOT/build/vidsplit"
  echo "bench: building $VIDSPLIT (incremental)" >&2
  VIDSPLIT_TARGET=vidsplit vidsplit_build "$ROOT/build" >/dev/null
fi
export VIDSPLIT

mkdir -p "$WORK"
BASE=$((VIDEOS - PLANTED))
# bench_scale.sh writes (once) and keeps the synthetic scan of BASE videos, in the format this build reads.
"$ROOT/scripts/bench_scale.sh" --videos "$BASE" --work-dir "$WORK/scale" >/dev/null
BASE_SCAN=$(ls -t "$WORK/scale"/scan_"${BASE}"_*.jsonl | head -n1)
echo "bench: planting $PLANTED copies into $WORK/scan.jsonl" >&2
python3 - "$BASE_SCAN" "$PLANTED" "$WORK/scan.jsonl" "$WORK/clips.csv" <<'EOF2'
import json, random, sys
base_path, planted, scan_path, clips_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rnd = random.Random(7)
split = {}
with open(base_path) as base, open(scan_path, "w") as out:
    out.write(base.readline())
    copies = []
    for n, line in enumerate(base):
        out.write(line)
        video = json.loads(line)
        split[video["video"]] = "train" if rnd.random() < 0.8 else "val"
        if n < planted:
            copy = dict(video, video=f"planted/copy{n:05d}.mp4", path=f"/data/planted/copy{n:05d}.mp4",
                        content_hash=f"{rnd.getrandbits(64):016x}")
            split[copy["video"]] = "val" if split[video["video"]] == "train" else "train"
            copies.append(copy)
    for copy in copies:
        out.write(json.dumps(copy, separators=(",", ":")) + "\n")
with open(clips_path, "w") as clips:
    clips.write("video,split\n")
    for video in sorted(split):
        clips.write(f"{video},{split[video]}\n")
EOF2

rm -rf "$WORK/out"
echo "bench: vidsplit audit --scan on $VIDEOS videos" >&2
set +e
/usr/bin/time -f "%e %M" -o "$WORK/time" "$VIDSPLIT" audit "$WORK/clips.csv" --scan "$WORK/scan.jsonl" -o "$WORK/out" \
  --quiet >"$WORK/audit.log"
code=$?
set -e
# GNU time puts "Command exited with non-zero status 4" before the figures.
read -r wall rss < <(tail -n 1 "$WORK/time")
leaks=$(($(wc -l <"$WORK/out/leaks.csv") - 1))
found=$(grep -c 'planted/copy' "$WORK/out/leaks.csv" || true)
copies_found=$(grep -o 'planted/copy[0-9]*' "$WORK/out/leaks.csv" | sort -u | wc -l)
echo "## vidsplit audit --scan at scale"
echo
echo "- nproc: $(nproc); $("$VIDSPLIT" --version | head -n1); exit code $code (4: leaks found)"
echo "- synthetic scan: $VIDEOS videos ($PLANTED planted copies), $(du -h "$WORK/scan.jsonl" | cut -f1)"
echo
echo "| videos | wall s | peak RSS MB | leaking pairs | pairs with a copy | copies caught |"
echo "|---:|---:|---:|---:|---:|---:|"
awk -v v="$VIDEOS" -v w="$wall" -v r="$rss" -v l="$leaks" -v f="$found" -v c="$copies_found" -v p="$PLANTED" \
  'BEGIN { printf "| %d | %.1f | %.0f | %d | %d | %d of %d |\n", v, w, r / 1024, l, f, c, p }'
