#!/usr/bin/env bash
# bench_report.sh: report.html at 1,000, 20,000 and 200,000 videos: its size and the time to write it, next to
# `vidsplit split --no-report` in the same run (a benchmark, not a test: it prints figures and asserts nothing).
#
# Usage: scripts/bench_report.sh [--work-dir DIR] [--sizes "1000 20000 200000"]
#   --work-dir DIR  where the scans and outputs go (default: ${TMPDIR:-/tmp}/vidsplit-bench-report)
# Env: VIDSPLIT=path/to/vidsplit (default: <repo>/build/vidsplit, built through scripts/common.sh);
#      BASE_SCAN=a scan of 100,000 videos from bench_scale.sh (default: its default folder; made if missing).
# Needs: python3 and GNU time as /usr/bin/time. Times a headless screenshot when /usr/bin/chromium exists.
#
# The scans: the first N lines of bench_scale.sh's synthetic scan, past its end the same lines again with new
# ids and every hash changed (so they are new footage). One video in 100 is a copy of the one before it under
# another id, half of them in another class: the report has linked groups to draw, across classes too, and
# its keyframes cannot be drawn (the scan's paths do not exist), as after a move.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ROOT="$VIDSPLIT_ROOT"
WORK="${TMPDIR:-/tmp}/vidsplit-bench-report"
SIZES="1000 20000 200000"
while (($#)); do
  case "$1" in
    --work-dir) WORK="${2:?--work-dir needs a folder}"; shift ;;
    --sizes) SIZES="${2:?--sizes needs numbers}"; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_report.sh: unknown option: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

vidsplit_install_deps time
if [[ -z "${VIDSPLIT:-}" ]]; then
  VIDSPLIT="$ROOT/build/vidsplit"
  echo "bench: building $VIDSPLIT (incremental)" >&2
  VIDSPLIT_TARGET=vidsplit vidsplit_build "$ROOT/build" >/dev/null
fi
BASE_SCAN="${BASE_SCAN:-${TMPDIR:-/tmp}/vidsplit-bench-scale/scan_100000_v3.jsonl}"
if [[ ! -s "$BASE_SCAN" ]]; then
  echo "bench: making $BASE_SCAN with bench_scale.sh" >&2
  VIDSPLIT="$VIDSPLIT" "$ROOT/scripts/bench_scale.sh" --videos 100000 --work-dir "$(dirname "$BASE_SCAN")" >/dev/null
fi
mkdir -p "$WORK"

make_scan() {  # N -> $WORK/scan_N.jsonl
  local n=$1 scan="$WORK/scan_$1.jsonl"
  [[ -s "$scan" ]] && return
  echo "bench: writing a scan of $n videos to $scan" >&2
  python3 - "$BASE_SCAN" "$n" "$scan.tmp" <<'PY'
import re, sys
base, n, out_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(base) as f:
    header = f.readline()
    lines = [l for _, l in zip(range(min(n, 100000)), f)]
ident = re.compile(r'(class\d{3})/v(\d{7})\.mp4')
hexrun = re.compile(r'[0-9a-f]{16,}')
def rehash(line, k):
    # Rotates each hex digit within its half (0-7, 8-f): new random-looking hashes, bit 63 of samples kept.
    table = str.maketrans("0123456789abcdef", "".join("01234567"[(i + k) % 8] for i in range(8)) +
                          "".join("89abcdef"[(i + k) % 8] for i in range(8)))
    return hexrun.sub(lambda m: m.group(0).translate(table), line)
with open(out_path, "w") as out:
    out.write(header)
    previous = None
    for v in range(n):
        line = lines[v % len(lines)]
        if v >= len(lines):
            line = rehash(line, v // len(lines))
        cls = ident.search(line).group(1)
        if v % 100 == 99 and previous:
            # A copy of the previous video under this video's id; every other one in this video's class.
            line, cls = previous, (cls if v % 200 == 199 else ident.search(previous).group(1))
        new = f"{cls}/v{v:07d}.mp4"
        line = re.sub(r'"label":"class\d{3}"', f'"label":"{cls}"', ident.sub(new, line))
        out.write(line)
        previous = line
PY
  mv "$scan.tmp" "$scan"
}

timed() {  # OUT_TIME_FILE command... -> wall seconds in the file
  local file=$1; shift
  /usr/bin/time -f "%e" -o "$file" "$@" >/dev/null 2>"$file.err"
}

echo "## report.html at scale"
echo
echo "- nproc: $(nproc); $("$VIDSPLIT" --version | head -n1)"
echo
echo "| videos | split --no-report s | split s | report.html MB | vidsplit report s | screenshot s |"
echo "|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do
  make_scan "$n"
  scan="$WORK/scan_$n.jsonl"
  rm -rf "$WORK/base_$n" "$WORK/out_$n"
  timed "$WORK/t_base" "$VIDSPLIT" split "$scan" -o "$WORK/base_$n" --no-report
  timed "$WORK/t_split" "$VIDSPLIT" split "$scan" -o "$WORK/out_$n"
  timed "$WORK/t_report" "$VIDSPLIT" report "$WORK/out_$n"
  bytes=$(stat -L -c %s "$WORK/out_$n/report.html")
  shot="-"
  if [[ -x /usr/bin/chromium ]]; then
    profile=$(mktemp -d)
    timed "$WORK/t_shot" /usr/bin/chromium --headless --no-sandbox --disable-gpu --user-data-dir="$profile" \
      --window-size=1280,2000 --screenshot="$WORK/shot_$n.png" "file://$(readlink -f "$WORK/out_$n/report.html")"
    rm -rf "$profile"
    shot=$(cat "$WORK/t_shot")
  fi
  awk -v n="$n" -v base="$(cat "$WORK/t_base")" -v with_report="$(cat "$WORK/t_split")" -v b="$bytes" \
    -v report="$(cat "$WORK/t_report")" -v shot="$shot" \
    'BEGIN { printf "| %d | %s | %s | %.2f | %s | %s |\n", n, base, with_report, b / 1e6, report, shot }'
done
[[ -x /usr/bin/chromium ]] || echo "chromium not installed: screenshot time skipped"
