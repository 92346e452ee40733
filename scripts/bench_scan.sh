#!/usr/bin/env bash
# bench_scan.sh: throughput and peak memory of `vidsplit scan`, next to plain FFmpeg decoding measured in the same
# run on the same machine (a benchmark program, not a test: it prints figures and asserts nothing about speed).
#
# Usage: scripts/bench_scan.sh [--quick] [--work-dir DIR]
#   --quick         shorter inputs (10 s long video, 30 clips) so the whole script runs in about a minute
#   --work-dir DIR  where inputs, caches and scan outputs go (default: ${TMPDIR:-/tmp}/vidsplit-bench). Inputs are
#                   kept and reused on reruns, so only the first run pays for encoding them.
# Env: VIDSPLIT=path/to/vidsplit (default: <repo>/build/vidsplit, built with cmake if missing).
# Needs: ffmpeg/ffprobe (5.1 on Debian 12, with libx264 and lavfi), GNU time as /usr/bin/time (package `time`;
#        installed automatically only when running as root).
#
# Cases:
#   long   one 1080p30 H.264 video (60 s, quick: 10 s) with 3 hard cuts between 4 different lavfi sources
#   clips  100 (quick: 30) small 320x240 25 fps H.264 clips of 2-4 s from varied lavfi sources
#   corpus the largest file of ../shared/corpus (real footage), only when that folder exists
# For every case it times:
#   ffmpeg decode   `ffmpeg -threads 0 -i F -f null -`: baseline A, the reference of the ratio column
#   ffmpeg scale64  `ffmpeg -i F -vf scale=64:64 -f null -`: baseline B, decode + downscale, closer to vidsplit's work
#   vidsplit scan   `vidsplit scan INPUT -o OUT --quiet` (default threads; also --threads 1 for the long video)
# For the clips case the ffmpeg baselines run one process per clip through `xargs -P $(nproc)` with -threads 1
# each, because vidsplit parallelises across videos; the sequential all-threads variant is printed too.
#
# Columns: frames = decoded frames counted by `ffprobe -count_frames` (cached per input), frames/s = frames / wall s,
# ratio = frames/s / frames/s of baseline A (>1: faster than plain decoding), peak RSS = GNU time's %M. For xargs
# rows, %M is the largest single process (wait4 reports the biggest descendant, not the sum of concurrent ones).
# Each measurement runs once; when it takes under 2 s it runs twice and the faster run is kept.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NPROC="$(nproc)"

QUICK=0
WORK="${TMPDIR:-/tmp}/vidsplit-bench"
while (($#)); do
  case "$1" in
    --quick) QUICK=1 ;;
    --work-dir) WORK="${2:?--work-dir needs a folder}"; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_scan.sh: unknown option: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

if ((QUICK)); then
  MODE=quick LONG_SECONDS=10 NUM_CLIPS=30
else
  MODE=default LONG_SECONDS=60 NUM_CLIPS=100
fi
# Quick and default inputs differ, so they live side by side and both survive reruns.
INPUTS="$WORK/inputs-$MODE"
CACHE="$WORK/frames"     # ffprobe frame counts, one file per input
OUTS="$WORK/out"         # scan outputs, wiped before every vidsplit run
LOGS="$WORK/logs-$MODE"  # stdout, stderr and GNU time output of every measured command
mkdir -p "$INPUTS" "$CACHE" "$OUTS"
rm -rf "$LOGS" && mkdir -p "$LOGS"

log() { echo "bench: $*" >&2; }
die() { echo "bench_scan.sh: error: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------------------------
# Tools

for tool in ffmpeg ffprobe; do
  command -v "$tool" >/dev/null || die "$tool must be on PATH"
done

# The shell's `time` keyword cannot report peak memory; GNU time's %M can.
if [[ ! -x /usr/bin/time ]]; then
  if ((EUID == 0)); then
    log "installing GNU time (package 'time')"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; } \
      || die "could not install package 'time'"
  else
    die "/usr/bin/time (GNU time) is missing; install it with: sudo apt-get install time"
  fi
fi

if [[ -n "${VIDSPLIT:-}" ]]; then
  # An explicit binary is what the caller wants measured: never build a different one behind their back.
  [[ -x "$VIDSPLIT" ]] || die "VIDSPLIT=$VIDSPLIT is not an executable file"
else
  VIDSPLIT="$ROOT/build/vidsplit"
  if [[ ! -x "$VIDSPLIT" ]]; then
    log "building $VIDSPLIT"
    cmake -S "$ROOT" -B "$ROOT/build" >/dev/null || die "configuring vidsplit with cmake failed"
    cmake --build "$ROOT/build" -j"$NPROC" >/dev/null || die "building vidsplit failed"
    [[ -x "$VIDSPLIT" ]] || die "the build did not produce $VIDSPLIT"
  fi
fi

# ---------------------------------------------------------------------------------------------------------------
# Inputs. Each one is written under a temporary name and renamed when complete, so a run killed half-way never
# leaves a truncated file that a later run would take for a finished input.

LONG="$INPUTS/long_1080p_${LONG_SECONDS}s.mp4"
if [[ ! -s "$LONG" ]]; then
  log "encoding $LONG (1080p30, ${LONG_SECONDS} s; done once, reused later)"
  seg="$(awk -v t="$LONG_SECONDS" 'BEGIN { print t / 4 }')"
  # Four different sources concatenated = three hard cuts. Cheap sources are rendered small and upscaled
  # (mandelbrot at 1080p would take longer to render than everything else together); temporal noise adds the
  # grain that real footage has, so the decoder works on realistic residuals rather than on flat static areas.
  ffmpeg -nostdin -y -v error \
    -f lavfi -t "$seg" -i "testsrc2=s=1920x1080:r=30" \
    -f lavfi -t "$seg" -i "mandelbrot=s=480x270:r=30" \
    -f lavfi -t "$seg" -i "life=s=480x270:r=30:seed=1:mold=10:ratio=0.1:death_color=#202020:life_color=#40c040" \
    -f lavfi -t "$seg" -i "gradients=s=1920x1080:r=30:speed=0.02:seed=1" \
    -filter_complex "[0]setsar=1[a];
                     [1]scale=1920:1080:flags=bicubic,noise=alls=10:allf=t,setsar=1[b];
                     [2]scale=1920:1080:flags=neighbor,setsar=1[c];
                     [3]noise=alls=6:allf=t,setsar=1[d];
                     [a][b][c][d]concat=n=4:v=1:a=0,format=yuv420p[v]" \
    -map "[v]" -c:v libx264 -preset veryfast -crf 23 -f mp4 "$LONG.tmp"
  mv "$LONG.tmp" "$LONG"
fi

CLIPS="$INPUTS/clips_$NUM_CLIPS"
if [[ ! -d "$CLIPS" ]]; then
  log "encoding $NUM_CLIPS clips into $CLIPS (done once, reused later)"
  # Varied sources so the clips are not all alike to the decoder or to the shot detector.
  sources=(
    "testsrc2=s=320x240:r=25"
    "testsrc=s=320x240:r=25"
    "smptebars=s=320x240:r=25"
    "mandelbrot=s=320x240:r=25"
    "life=s=320x240:r=25:mold=10:ratio=0.1"
    "cellauto=s=320x240:r=25:rule=110"
    "gradients=s=320x240:r=25:speed=0.05"
    "sierpinski=s=320x240:r=25"
    "rgbtestsrc=s=320x240:r=25"
    "colorspectrum=s=320x240:r=25:type=all"
  )
  rm -rf "$CLIPS.tmp"
  jobs_file="$WORK/clip_jobs.txt"
  : >"$jobs_file"
  for ((i = 0; i < NUM_CLIPS; i++)); do
    src="${sources[i % ${#sources[@]}]}"
    seconds="$(awk -v i="$i" 'BEGIN { printf "%.1f", 2 + (i * 37 % 21) / 10 }')"  # 2.0 .. 4.0 s, spread out
    label="class$((i % 4))"  # vidsplit takes the label from the parent folder
    mkdir -p "$CLIPS.tmp/$label"
    # Vary the noise too: identical sources with identical noise would be exact duplicates.
    printf '%s\0%s\0%s\0%s\0' "$src" "$seconds" "$((i + 1))" "$CLIPS.tmp/$label/clip_$(printf %03d "$i").mp4" \
      >>"$jobs_file"
  done
  # shellcheck disable=SC2016  # $1..$4 are expanded by the inner sh, on purpose
  # One single-threaded encoder per core: far faster than N sequential multi-threaded encodes of tiny frames.
  xargs -0 -n4 -P "$NPROC" sh -c '
    ffmpeg -nostdin -y -v error -f lavfi -t "$2" -i "$1" -vf "noise=alls=8:allf=t:all_seed=$3,format=yuv420p" \
      -c:v libx264 -preset veryfast -threads 1 "$4"' sh <"$jobs_file"
  rm -f "$jobs_file"
  mv "$CLIPS.tmp" "$CLIPS"
fi
mapfile -d '' CLIP_FILES < <(find "$CLIPS" -name '*.mp4' -print0 | sort -z)

# Real footage: the corpus is optional, and the benchmark must run the same without it.
CORPUS_FILE=""
for dir in /work/shared/corpus "$ROOT/../shared/corpus"; do
  [[ -d "$dir" ]] || continue
  # Largest file by size that FFmpeg sees a video stream in (the corpus also holds README and licence texts).
  while IFS= read -r -d '' f; do
    if [[ -n "$(ffprobe -v error -select_streams v:0 -show_entries stream=index -of csv=p=0 "$f" 2>/dev/null)" ]]
    then
      CORPUS_FILE="$f"
      break
    fi
  done < <(find "$dir" -type f -printf '%s\t%p\0' | sort -z -t$'\t' -k1,1nr | cut -z -f2-)
  break
done
[[ -n "$CORPUS_FILE" ]] || log "no ../shared/corpus folder with a video: skipping the real-footage case"

# ---------------------------------------------------------------------------------------------------------------
# Frame counts: decoded frames (not the header's count, which is wrong for VFR and broken files), cached because
# counting means a full decode. The cache entry is trusted only while it is newer than its input.

count_frames() {
  local f="$1" key
  key="$CACHE/$(printf '%s' "$f" | md5sum | cut -c1-16).frames"
  if [[ ! -s "$key" || "$f" -nt "$key" ]]; then
    ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$f" \
      | head -n1 | tr -d ',[:space:]' >"$key.tmp"
    mv "$key.tmp" "$key"
  fi
  cat "$key"
}

log "counting decoded frames with ffprobe (cached)"
LONG_FRAMES="$(count_frames "$LONG")"
CLIPS_FRAMES=0
for f in "${CLIP_FILES[@]}"; do CLIPS_FRAMES=$((CLIPS_FRAMES + $(count_frames "$f"))); done
[[ -z "$CORPUS_FILE" ]] || CORPUS_FRAMES="$(count_frames "$CORPUS_FILE")"

# ---------------------------------------------------------------------------------------------------------------
# Measuring

ROWS=()   # table rows, printed together at the end so progress messages never split the table
NOTES=()  # anything odd: failures, stderr output, frame count mismatches
declare -A BASE_FPS  # case -> frames/s of baseline A

# measure CASE TOOL THREADS FRAMES CMD...: time CMD with GNU time and add a table row.
measure() {
  local case="$1" tool="$2" threads="$3" frames="$4"; shift 4
  local slug attempt rc wall rss best_wall="" best_rss="" stats
  slug="$(printf '%s_%s_%s' "$case" "$tool" "$threads" | tr -c 'A-Za-z0-9_\n' '_')"
  for attempt in 1 2; do
    rm -rf "$OUTS/scan"  # vidsplit must never find the previous run's output
    log "$case: $tool ($threads threads), run $attempt"
    rc=0
    # stdout goes to a log too: `vidsplit scan --quiet` still prints its one-line summary there.
    /usr/bin/time -f "%e %M" -o "$LOGS/$slug.time" "$@" >"$LOGS/$slug.$attempt.out" 2>"$LOGS/$slug.$attempt.err" \
      || rc=$?
    # GNU time prepends "Command exited with non-zero status N" on failure: the figures are on the last line.
    read -r wall rss < <(tail -n1 "$LOGS/$slug.time")
    if ((rc != 0)); then
      NOTES+=("$case / $tool: exit status $rc; stderr: $(head -c 300 "$LOGS/$slug.$attempt.err" | tr '\n' ' ')")
    elif [[ -s "$LOGS/$slug.$attempt.err" ]]; then
      NOTES+=("$case / $tool: stderr: $(head -c 300 "$LOGS/$slug.$attempt.err" | tr '\n' ' ')")
    fi
    if [[ -z "$best_wall" ]] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
      best_wall="$wall" best_rss="$rss"
    fi
    # Short runs are noisy (process start, page cache): one more try, keep the faster.
    awk -v w="$wall" 'BEGIN { exit !(w < 2) }' || break
  done
  # The first measurement of a case is its baseline A (plain decoding), the reference of the ratio column.
  [[ -n "${BASE_FPS[$case]:-}" ]] \
    || BASE_FPS[$case]="$(awk -v f="$frames" -v w="$best_wall" 'BEGIN { printf "%.6f", f / (w > 0 ? w : 0.01) }')"
  stats="$(awk -v f="$frames" -v w="$best_wall" -v r="$best_rss" -v base="${BASE_FPS[$case]:-}" 'BEGIN {
    fps = f / (w > 0 ? w : 0.01)  # GNU time has 10 ms resolution
    ratio = (base == "") ? "n/a" : sprintf("%.2f", fps / base)
    printf "%.2f|%.0f|%s|%.0f", w, fps, ratio, r / 1024 }')"
  IFS='|' read -r wall fps ratio rss <<<"$stats"
  ROWS+=("$(printf '| %-7s | %-29s | %-9s | %7s | %7s | %8s | %6s | %11s |' \
    "$case" "$tool" "$threads" "$frames" "$wall" "$fps" "$ratio" "$rss")")
}

# check_scan_frames CASE EXPECTED: vidsplit must have decoded as many frames as ffprobe counted.
check_scan_frames() {
  local got
  got="$(grep -o '"frames":[0-9]*' "$OUTS/scan/scan.jsonl" 2>/dev/null | awk -F: '{ s += $2 } END { print s + 0 }')"
  [[ "$got" == "$2" ]] || NOTES+=("$1: vidsplit scan.jsonl has $got frames in total, ffprobe counted $2")
}

log "measuring (inputs in $INPUTS)"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"  # printed with the table: a busy machine skews every figure

# Baseline A comes first in every case: measure() takes the first row of a case as the ratio's reference.
# -nostdin on every measured ffmpeg: otherwise it polls the terminal for keys ('q' to quit), which costs a little
# and can swallow or block on input when the script runs in the background.
measure long "ffmpeg decode" "0 (auto)" "$LONG_FRAMES" \
  ffmpeg -nostdin -v error -threads 0 -i "$LONG" -f null -
measure long "ffmpeg decode+scale64" "auto" "$LONG_FRAMES" \
  ffmpeg -nostdin -v error -i "$LONG" -vf scale=64:64 -f null -
measure long "vidsplit scan" "0 (auto)" "$LONG_FRAMES" \
  "$VIDSPLIT" scan "$LONG" -o "$OUTS/scan" --quiet
check_scan_frames long "$LONG_FRAMES"
measure long "vidsplit scan" "1" "$LONG_FRAMES" \
  "$VIDSPLIT" scan "$LONG" -o "$OUTS/scan" --quiet --threads 1
check_scan_frames long "$LONG_FRAMES"

# xargs needs the file list on stdin, so these rows time a small bash wrapper around it (its own cost is
# negligible). The single quotes are deliberate: "$1"/"$2" belong to the inner bash.
CLIP_LIST="$WORK/clip_list-$MODE"
printf '%s\0' "${CLIP_FILES[@]}" >"$CLIP_LIST"
# shellcheck disable=SC2016
{
  measure clips "ffmpeg decode (xargs -P$NPROC)" "${NPROC}x1" "$CLIPS_FRAMES" \
    bash -c 'xargs -0 -P "$1" -I{} ffmpeg -nostdin -v error -threads 1 -i {} -f null - <"$2"' _ "$NPROC" "$CLIP_LIST"
  measure clips "ffmpeg decode (sequential)" "0 (auto)" "$CLIPS_FRAMES" \
    bash -c 'xargs -0 -P 1 -I{} ffmpeg -nostdin -v error -threads 0 -i {} -f null - <"$1"' _ "$CLIP_LIST"
  measure clips "ffmpeg decode+scale64 (xargs)" "${NPROC}x1" "$CLIPS_FRAMES" \
    bash -c 'xargs -0 -P "$1" -I{} ffmpeg -nostdin -v error -threads 1 -i {} -vf scale=64:64 -f null - <"$2"' \
    _ "$NPROC" "$CLIP_LIST"
}
measure clips "vidsplit scan" "0 (auto)" "$CLIPS_FRAMES" \
  "$VIDSPLIT" scan "$CLIPS" -o "$OUTS/scan" --quiet
check_scan_frames clips "$CLIPS_FRAMES"

if [[ -n "$CORPUS_FILE" ]]; then
  measure corpus "ffmpeg decode" "0 (auto)" "$CORPUS_FRAMES" \
    ffmpeg -nostdin -v error -threads 0 -i "$CORPUS_FILE" -f null -
  measure corpus "ffmpeg decode+scale64" "auto" "$CORPUS_FRAMES" \
    ffmpeg -nostdin -v error -i "$CORPUS_FILE" -vf scale=64:64 -f null -
  measure corpus "vidsplit scan" "0 (auto)" "$CORPUS_FRAMES" \
    "$VIDSPLIT" scan "$CORPUS_FILE" -o "$OUTS/scan" --quiet
  check_scan_frames corpus "$CORPUS_FRAMES"
fi

# Process start-up is part of every per-clip ffmpeg row (Debian's ffmpeg loads ~200 shared libraries), but
# vidsplit pays it once: measure it so the clips ratio can be read for what it is.
STARTUP="$( { /usr/bin/time -f "%e" bash -c 'for _ in 1 2 3 4 5 6 7 8 9 10; do ffmpeg -version; done' >/dev/null; } \
  2>&1 | tail -n1)"
STARTUP="$(awk -v t="$STARTUP" 'BEGIN { printf "%.3f", t / 10 }')"
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------------------------------------------------------
# Report

describe() { ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,width,height -of csv=p=0 "$1"; }

echo "## vidsplit scan benchmark ($MODE mode)"
echo
echo "- nproc: $NPROC (load average before measuring: $LOAD_START, after: $LOAD_END)"
echo "- $(ffmpeg -version | head -n1)"
echo "- $("$VIDSPLIT" --version 2>&1 | head -n1) ($VIDSPLIT)"
echo "- long: $(basename "$LONG") ($(describe "$LONG"), 3 hard cuts)"
echo "- clips: ${#CLIP_FILES[@]} clips, 320x240 25 fps h264, 2-4 s each"
if [[ -n "$CORPUS_FILE" ]]; then
  echo "- corpus: $CORPUS_FILE ($(describe "$CORPUS_FILE"), $(du -h "$CORPUS_FILE" | cut -f1))"
else
  echo "- corpus: skipped (no ../shared/corpus)"
fi
echo
printf '| %-7s | %-29s | %-9s | %7s | %7s | %8s | %6s | %11s |\n' \
  case tool threads frames "wall s" frames/s "ratio" "peak RSS MB"
echo "|---------|-------------------------------|-----------|--------:|--------:|---------:|-------:|------------:|"
printf '%s\n' "${ROWS[@]}"
echo
echo "ratio = frames/s / frames/s of 'ffmpeg decode' for the same case (clips: the xargs -P$NPROC row)."
echo "xargs rows: peak RSS is the largest single ffmpeg process, not the sum of the $NPROC running at once."
echo "ffmpeg start-up alone (ffmpeg -version): $STARTUP s per process, so about \
$(awk -v s="$STARTUP" -v n="${#CLIP_FILES[@]}" -v p="$NPROC" 'BEGIN { printf "%.1f", s * n / p }') s \
of the xargs -P$NPROC clips rows is start-up, not decoding."
if ((${#NOTES[@]})); then
  echo
  echo "Notes:"
  printf -- '- %s\n' "${NOTES[@]}"
fi
