#!/usr/bin/env bash
# bench_throughput.sh: throughput and peak memory of `vidsplit scan`, next to plain FFmpeg decoding measured in
# the same run on the same machine (a benchmark program, not a test: it prints figures and PASS/MISS against the
# targets, and never fails on a miss).
#
# Usage: scripts/bench_throughput.sh [--quick] [--work-dir DIR]
#   --quick         shorter inputs (20 s long video, 2 s 4K clip, 2 + 16 min memory streams) for a run of a few
#                   minutes; the 200 clips are the same
#   --work-dir DIR  where inputs, caches and scan outputs go (default: ${TMPDIR:-/tmp}/vidsplit-bench). Inputs are
#                   kept and reused on reruns, so only the first run pays for encoding them. Nothing is committed.
# Env: VIDSPLIT=path/to/vidsplit (default: <repo>/build/vidsplit, built through scripts/common.sh).
# Needs: ffmpeg/ffprobe (5.1 on Debian 12, with libx264, libx265 and lavfi) and GNU time as /usr/bin/time; the
#        Debian packages `ffmpeg` and `time` are installed when missing (root or sudo), like the build deps.
#
# Sets:
#   long    one 1080p30 H.264 video (180 s, quick: 20 s), 3 hard cuts between 4 different lavfi sources, a keyframe
#           at least every 2 s (-g 60: what streaming encoders and cameras use; x264 alone would space them up to
#           250 frames apart, plus one at each cut)
#   clips   200 small 320x240 25 fps H.264 clips of 2-4 s from varied lavfi sources, in 4 label folders
#   4k      one 3840x2160 30 fps HEVC (libx265) clip (6 s, quick: 2 s)
#   corpus  the largest video of ../shared/corpus (real footage), only when that folder exists
# For every set it times, N = nproc:
#   ffmpeg          `ffmpeg -threads N -i F -f null -`: the reference of the ratio column. For clips one
#                   `ffmpeg -threads 1` per file through `xargs -P N`: vidsplit also runs one video per core.
#   ffmpeg scale64  the same plus `-vf scale=64:64`: decode + downscale, closer to vidsplit's work (no target)
#   ffmpeg skip     the same with `-skip_frame noref -skip_loop_filter all -flags2 fast`: what skipping frames and
#                   the loop filter gets out of this codec with no analysis at all, the bound of any decode-side
#                   speed-up on a video with a single keyframe (no target; not for the clips)
#   vidsplit        `vidsplit scan INPUT -o OUT --no-cache --quiet` (all cores)
#   vidsplit fast   the same with `--speed fast` (keyframes first, no deblocking filter, reduced-size
#                   decoding where the codec has it)
# Targets (printed next to each vidsplit row): default >= 0.9x ffmpeg, --speed fast >= 2x ffmpeg, peak RSS < 300 MB.
# Then memory tables: vidsplit scan on one low-resolution stream (256x144) of 2 lengths, 8x apart: peak RSS must
# stay flat (within 10 %) with length; and on 200 and on 20,000 inputs (the 200 clips under 100 names each, the
# copies from the cache): what each more video costs. A 2-hour 1080p video would take hours to encode here; memory does not
# depend on resolution beyond one decoded frame plus the codec's reference frames, so a small stream shows the
# same thing (the 1080p rows above show the per-frame cost).
#
# Columns: frames = decoded frames counted by `ffprobe -count_frames` (cached per input) and checked against
# vidsplit's scan.jsonl; frames/s = frames / wall s; ratio = frames/s / frames/s of the ffmpeg row; peak RSS =
# GNU time's %M (xargs rows: the largest single process, not the sum of the N running at once). A measurement
# that takes under 2 s runs twice and the faster run is kept. Load average is printed: on a busy machine every
# figure is noisy.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ROOT="$VIDSPLIT_ROOT"
NPROC="$(nproc)"

QUICK=0
WORK="${TMPDIR:-/tmp}/vidsplit-bench"
while (($#)); do
  case "$1" in
    --quick) QUICK=1 ;;
    --work-dir) WORK="${2:?--work-dir needs a folder}"; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_throughput.sh: unknown option: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

NUM_CLIPS=200
if ((QUICK)); then
  MODE=quick LONG_SECONDS=20 UHD_SECONDS=2 FLAT_MINUTES=2
else
  MODE=default LONG_SECONDS=180 UHD_SECONDS=6 FLAT_MINUTES=5
fi
FLAT_FACTOR=8
# Inputs are named by their parameters, so quick and default inputs live side by side and survive reruns.
INPUTS="$WORK/inputs"
CACHE="$WORK/frames"     # ffprobe frame counts, one file per input
OUTS="$WORK/out"         # scan outputs, wiped before every vidsplit run
LOGS="$WORK/logs-$MODE"  # stdout, stderr and GNU time output of every measured command
mkdir -p "$INPUTS" "$CACHE" "$OUTS"
rm -rf "$LOGS" && mkdir -p "$LOGS"

log() { echo "bench: $*" >&2; }
die() { echo "bench_throughput.sh: error: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------------------------
# Tools

vidsplit_install_deps ffmpeg time
# Not `| grep -q`: under pipefail, ffmpeg killed by SIGPIPE when grep stops reading would fail the test.
[[ "$(ffmpeg -hide_banner -encoders 2>/dev/null)" == *libx265* ]] || die "this ffmpeg has no libx265 encoder"

if [[ -n "${VIDSPLIT:-}" ]]; then
  # An explicit binary is what the caller wants measured: never build a different one behind their back.
  [[ -x "$VIDSPLIT" ]] || die "VIDSPLIT=$VIDSPLIT is not an executable file"
else
  VIDSPLIT="$ROOT/build/vidsplit"
  log "building $VIDSPLIT (incremental)"
  VIDSPLIT_TARGET=vidsplit vidsplit_build "$ROOT/build" >/dev/null
fi

# ---------------------------------------------------------------------------------------------------------------
# Inputs, made once and reused by later runs.

# make_input FILE WHAT FFMPEG_ARGS...: `ffmpeg ARGS... FILE` unless FILE exists. Written under a temporary name
# and renamed when complete, so a run killed half-way never leaves a truncated file taken for a finished input.
make_input() {
  local file="$1" what="$2"
  shift 2
  [[ -s "$file" ]] && return 0
  log "encoding $file ($what; done once, reused later)"
  ffmpeg -nostdin -y -v error "$@" -f mp4 "$file.tmp"
  mv "$file.tmp" "$file"
}

LONG="$INPUTS/long_1080p_${LONG_SECONDS}s_gop2s.mp4"
seg="$(awk -v t="$LONG_SECONDS" 'BEGIN { print t / 4 }')"
# Four different sources concatenated = three hard cuts. Cheap sources are rendered small and upscaled
# (mandelbrot at 1080p would take longer to render than everything else together); temporal noise adds the
# grain that real footage has, so the decoder works on realistic residuals rather than on flat static areas.
make_input "$LONG" "1080p30 H.264, ${LONG_SECONDS} s" \
  -f lavfi -t "$seg" -i "testsrc2=s=1920x1080:r=30" \
  -f lavfi -t "$seg" -i "mandelbrot=s=480x270:r=30" \
  -f lavfi -t "$seg" -i "life=s=480x270:r=30:seed=1:mold=10:ratio=0.1:death_color=#202020:life_color=#40c040" \
  -f lavfi -t "$seg" -i "gradients=s=1920x1080:r=30:speed=0.02:seed=1" \
  -filter_complex "[0]setsar=1[a];
                   [1]scale=1920:1080:flags=bicubic,noise=alls=10:allf=t,setsar=1[b];
                   [2]scale=1920:1080:flags=neighbor,setsar=1[c];
                   [3]noise=alls=6:allf=t,setsar=1[d];
                   [a][b][c][d]concat=n=4:v=1:a=0,format=yuv420p[v]" \
  -map "[v]" -c:v libx264 -preset veryfast -crf 23 -g 60

UHD="$INPUTS/uhd_hevc_${UHD_SECONDS}s.mp4"
half="$(awk -v t="$UHD_SECONDS" 'BEGIN { print t / 2 }')"
# Rendered at 1080p and upscaled: lavfi sources at 4K render slower than x265 encodes. One cut in the middle.
make_input "$UHD" "2160p30 HEVC, ${UHD_SECONDS} s" \
  -f lavfi -t "$half" -i "testsrc2=s=1920x1080:r=30" \
  -f lavfi -t "$half" -i "gradients=s=1920x1080:r=30:speed=0.02:seed=2" \
  -filter_complex "[0][1]concat=n=2:v=1:a=0,scale=3840:2160:flags=bicubic,noise=alls=6:allf=t,format=yuv420p[v]" \
  -map "[v]" -c:v libx265 -preset ultrafast -crf 26 -x265-params log-level=error -tag:v hvc1

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

# The memory streams: the short one is encoded, the long one is the short one looped FLAT_FACTOR times without
# re-encoding (seconds to make instead of minutes; the decoder and detectors still see every frame).
FLAT_SHORT="$INPUTS/flat_144p_${FLAT_MINUTES}min.mp4"
FLAT_LONG="$INPUTS/flat_144p_$((FLAT_MINUTES * FLAT_FACTOR))min.mp4"
make_input "$FLAT_SHORT" "256x144 H.264, $FLAT_MINUTES min" \
  -f lavfi -t "$((FLAT_MINUTES * 60))" -i "testsrc2=s=256x144:r=30" \
  -vf "noise=alls=8:allf=t,format=yuv420p" -c:v libx264 -preset veryfast
make_input "$FLAT_LONG" "the $FLAT_MINUTES min one looped $FLAT_FACTOR times, stream copy" \
  -stream_loop "$((FLAT_FACTOR - 1))" -i "$FLAT_SHORT" -c copy

# Real footage: the corpus is optional, and the benchmark must run the same without it.
CORPUS_FILE=""
for dir in /work/shared/corpus "$ROOT/../shared/corpus"; do
  [[ -d "$dir" ]] || continue
  # Largest video container that FFmpeg sees a video stream in (the corpus also holds texts, and GIFs that are
  # large for their few small frames).
  while IFS= read -r -d '' f; do
    if [[ -n "$(ffprobe -v error -select_streams v:0 -show_entries stream=index -of csv=p=0 "$f" 2>/dev/null)" ]]
    then
      CORPUS_FILE="$f"
      break
    fi
  done < <(find "$dir" -type f \( -iname '*.mp4' -o -iname '*.mkv' -o -iname '*.mov' -o -iname '*.webm' \) \
    -printf '%s\t%p\0' | sort -z -t$'\t' -k1,1nr | cut -z -f2-)
  break
done
[[ -n "$CORPUS_FILE" ]] || log "no ../shared/corpus folder with a video: skipping the real-footage set"

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
UHD_FRAMES="$(count_frames "$UHD")"
CLIPS_FRAMES=0
for f in "${CLIP_FILES[@]}"; do CLIPS_FRAMES=$((CLIPS_FRAMES + $(count_frames "$f"))); done
FLAT_SHORT_FRAMES="$(count_frames "$FLAT_SHORT")"
FLAT_LONG_FRAMES="$(count_frames "$FLAT_LONG")"
[[ -z "$CORPUS_FILE" ]] || CORPUS_FRAMES="$(count_frames "$CORPUS_FILE")"

# ---------------------------------------------------------------------------------------------------------------
# Measuring

ROWS=()   # table rows, printed together at the end so progress messages never split the table
NOTES=()  # anything odd: failures, stderr output, frame count mismatches
declare -A BASE_FPS  # set -> frames/s of its ffmpeg row

# verdict TOOL RATIO RSS_MB: the targets a vidsplit row is held to, PASS or MISS each.
verdict() {
  local tool="$1" ratio="$2" rss="$3" need
  case "$tool" in
    "vidsplit") need=0.9 ;;
    "vidsplit fast") need=2.0 ;;
    *) return 0 ;;
  esac
  awk -v r="$ratio" -v n="$need" -v m="$rss" 'BEGIN {
    printf "%s >=%.1fx, %s RSS <300", (r >= n ? "PASS" : "MISS"), n, (m < 300 ? "PASS" : "MISS") }'
}

# measure SET TOOL FRAMES CMD...: time CMD with GNU time and add a table row.
measure() {
  local set="$1" tool="$2" frames="$3"; shift 3
  local slug attempt rc wall rss best_wall="" best_rss="" stats
  slug="$(printf '%s_%s' "$set" "$tool" | tr -c 'A-Za-z0-9_\n' '_')"
  for attempt in 1 2; do
    rm -rf "$OUTS/scan"  # vidsplit must never find the previous run's output
    log "$set: $tool, run $attempt"
    rc=0
    # stdout goes to a log too: `vidsplit scan --quiet` still prints its one-line summary there.
    /usr/bin/time -f "%e %M" -o "$LOGS/$slug.time" "$@" >"$LOGS/$slug.$attempt.out" 2>"$LOGS/$slug.$attempt.err" \
      || rc=$?
    # GNU time prepends "Command exited with non-zero status N" on failure: the figures are on the last line.
    read -r wall rss < <(tail -n1 "$LOGS/$slug.time")
    if ((rc != 0)); then
      NOTES+=("$set / $tool: exit status $rc; stderr: $(head -c 300 "$LOGS/$slug.$attempt.err" | tr '\n' ' ')")
    elif [[ -s "$LOGS/$slug.$attempt.err" ]]; then
      NOTES+=("$set / $tool: stderr: $(head -c 300 "$LOGS/$slug.$attempt.err" | tr '\n' ' ')")
    fi
    if [[ -z "$best_wall" ]] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
      best_wall="$wall" best_rss="$rss"
    fi
    # Short runs are noisy (process start, page cache): one more try, keep the faster.
    awk -v w="$wall" 'BEGIN { exit !(w < 2) }' || break
  done
  # The first measurement of a set is its ffmpeg row, the reference of the ratio column.
  [[ -n "${BASE_FPS[$set]:-}" ]] \
    || BASE_FPS[$set]="$(awk -v f="$frames" -v w="$best_wall" 'BEGIN { printf "%.6f", f / (w > 0 ? w : 0.01) }')"
  stats="$(awk -v f="$frames" -v w="$best_wall" -v r="$best_rss" -v base="${BASE_FPS[$set]}" 'BEGIN {
    fps = f / (w > 0 ? w : 0.01)  # GNU time has 10 ms resolution
    printf "%.2f|%.0f|%.2f|%.0f", w, fps, fps / base, r / 1024 }')"
  IFS='|' read -r wall fps ratio rss <<<"$stats"
  ROWS+=("$(printf '| %-6s | %-22s | %8s | %7s | %7s | %6s | %8s | %-30s |' \
    "$set" "$tool" "$frames" "$wall" "$fps" "${ratio}x" "$rss" "$(verdict "$tool" "$ratio" "$rss")")")
}

# check_scan_frames SET EXPECTED: vidsplit must have decoded as many frames as ffprobe counted.
check_scan_frames() {
  local got
  got="$(grep -o '"frames":[0-9]*' "$OUTS/scan/scan.jsonl" 2>/dev/null | awk -F: '{ s += $2 } END { print s + 0 }')"
  [[ "$got" == "$2" ]] || NOTES+=("$1: vidsplit scan.jsonl has $got frames in total, ffprobe counted $2")
}

# bench_file SET FILE FRAMES: the four rows of a one-file set. -nostdin on every measured ffmpeg: otherwise it
# polls the terminal for keys ('q' to quit), which costs a little and can block when the script runs in the
# background.
bench_file() {
  local set="$1" file="$2" frames="$3"
  measure "$set" "ffmpeg" "$frames" ffmpeg -nostdin -v error -threads "$NPROC" -i "$file" -f null -
  measure "$set" "ffmpeg scale64" "$frames" \
    ffmpeg -nostdin -v error -threads "$NPROC" -i "$file" -vf scale=64:64 -f null -
  measure "$set" "ffmpeg skip" "$frames" \
    ffmpeg -nostdin -v error -threads "$NPROC" -skip_frame noref -skip_loop_filter all -flags2 fast -i "$file" -f null -
  bench_vidsplit "$set" "$file" "$frames"
}

# bench_vidsplit SET INPUT FRAMES: default and --speed fast scans, checked against the frame count.
bench_vidsplit() {
  local set="$1" input="$2" frames="$3"
  measure "$set" "vidsplit" "$frames" "$VIDSPLIT" scan "$input" -o "$OUTS/scan" --no-cache --quiet
  check_scan_frames "$set" "$frames"
  measure "$set" "vidsplit fast" "$frames" "$VIDSPLIT" scan "$input" -o "$OUTS/scan" --no-cache --quiet --speed fast
  check_scan_frames "$set" "$frames"
}

log "measuring (inputs in $INPUTS)"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"  # printed with the table: a busy machine skews every figure

bench_file long "$LONG" "$LONG_FRAMES"

# xargs needs the file list on stdin, so these rows time a small bash wrapper around it (its own cost is
# negligible). The single quotes are deliberate: "$1"/"$2" belong to the inner bash.
CLIP_LIST="$WORK/clip_list"
printf '%s\0' "${CLIP_FILES[@]}" >"$CLIP_LIST"
# shellcheck disable=SC2016
{
  measure clips "ffmpeg (xargs -P$NPROC)" "$CLIPS_FRAMES" \
    bash -c 'xargs -0 -P "$1" -I{} ffmpeg -nostdin -v error -threads 1 -i {} -f null - <"$2"' _ "$NPROC" "$CLIP_LIST"
  measure clips "ffmpeg scale64 (xargs)" "$CLIPS_FRAMES" \
    bash -c 'xargs -0 -P "$1" -I{} ffmpeg -nostdin -v error -threads 1 -i {} -vf scale=64:64 -f null - <"$2"' \
    _ "$NPROC" "$CLIP_LIST"
}
bench_vidsplit clips "$CLIPS" "$CLIPS_FRAMES"

bench_file 4k "$UHD" "$UHD_FRAMES"
[[ -z "$CORPUS_FILE" ]] || bench_file corpus "$CORPUS_FILE" "$CORPUS_FRAMES"

# Memory against length: one vidsplit scan per length, its peak RSS only.
# flat_rss NAME FILE FRAMES: sets FLAT_RSS to the scan's peak RSS in MB.
flat_rss() {
  local name="$1" file="$2" frames="$3" rc=0
  rm -rf "$OUTS/scan"
  log "memory: vidsplit on $name"
  /usr/bin/time -f "%M" -o "$LOGS/flat_$name.time" "$VIDSPLIT" scan "$file" -o "$OUTS/scan" --no-cache --quiet \
    >"$LOGS/flat_$name.out" 2>"$LOGS/flat_$name.err" || rc=$?
  ((rc == 0)) || NOTES+=("memory $name: exit status $rc")
  check_scan_frames "memory $name" "$frames"
  FLAT_RSS="$(tail -n1 "$LOGS/flat_$name.time" | awk '{ printf "%.0f", $1 / 1024 }')"
}
flat_rss short "$FLAT_SHORT" "$FLAT_SHORT_FRAMES"
FLAT_SHORT_RSS="$FLAT_RSS"
flat_rss long "$FLAT_LONG" "$FLAT_LONG_FRAMES"
FLAT_LONG_RSS="$FLAT_RSS"

# Memory against the number of videos: the 200 clips, then 20,000 inputs that are the same clips under 100 names
# each (symbolic links). Both runs use a cache in their output folder, so the 19,800 repeats come from the cache
# after the first 200 are decoded: each is still found, read, hashed, written to scan.jsonl and counted, which is
# what grows with the number of videos, at the cost of a few seconds instead of scanning 20,000 real files.
MANY_COPIES=100
MANY="$WORK/copies_${NUM_CLIPS}x${MANY_COPIES}"  # copy K of the clips is folder cK
if [[ ! -d "$MANY" ]]; then
  rm -rf "$MANY.tmp"
  for ((copy = 0; copy < MANY_COPIES; copy++)); do
    mkdir -p "$MANY.tmp/c$copy"
    ln -s "${CLIP_FILES[@]}" "$MANY.tmp/c$copy/"  # one process for 200 links
  done
  mv "$MANY.tmp" "$MANY"
fi
# count_rss NAME INPUT: sets COUNT_RSS to the peak RSS in MB of a cached scan of INPUT.
count_rss() {
  local name="$1" input="$2" rc=0
  rm -rf "$OUTS/scan"
  log "memory: vidsplit on $name"
  /usr/bin/time -f "%M" -o "$LOGS/count_$name.time" "$VIDSPLIT" scan "$input" -o "$OUTS/scan" --quiet \
    >"$LOGS/count_$name.out" 2>"$LOGS/count_$name.err" || rc=$?
  ((rc == 0)) || NOTES+=("memory $name: exit status $rc")
  COUNT_RSS="$(tail -n1 "$LOGS/count_$name.time" | awk '{ printf "%.0f", $1 / 1024 }')"
}
count_rss few "$CLIPS"
FEW_RSS="$COUNT_RSS"
count_rss many "$MANY"
MANY_RSS="$COUNT_RSS"

# Process start-up is part of every per-clip ffmpeg row (Debian's ffmpeg loads ~200 shared libraries), but
# vidsplit pays it once: measure it so the clips ratio can be read for what it is.
STARTUP="$( { /usr/bin/time -f "%e" bash -c 'for _ in 1 2 3 4 5 6 7 8 9 10; do ffmpeg -version; done' >/dev/null; } \
  2>&1 | tail -n1)"
STARTUP="$(awk -v t="$STARTUP" 'BEGIN { printf "%.3f", t / 10 }')"
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------------------------------------------------------
# Report

describe() { ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,width,height -of csv=p=0 "$1"; }

echo "## vidsplit scan throughput ($MODE mode)"
echo
echo "- nproc: $NPROC (load average before measuring: $LOAD_START, after: $LOAD_END)"
echo "- $(ffmpeg -version | head -n1)"
echo "- $("$VIDSPLIT" --version 2>&1 | head -n1) ($VIDSPLIT)"
echo "- long: $(basename "$LONG") ($(describe "$LONG"), 3 hard cuts)"
echo "- clips: ${#CLIP_FILES[@]} clips, 320x240 25 fps h264, 2-4 s each"
echo "- 4k: $(basename "$UHD") ($(describe "$UHD"), 1 hard cut)"
if [[ -n "$CORPUS_FILE" ]]; then
  echo "- corpus: $CORPUS_FILE ($(describe "$CORPUS_FILE"), $(du -h "$CORPUS_FILE" | cut -f1))"
fi
echo
printf '| %-6s | %-22s | %8s | %7s | %7s | %6s | %8s | %-30s |\n' \
  set tool frames "wall s" frames/s ratio "RSS MB" "targets"
echo "|--------|------------------------|---------:|--------:|--------:|-------:|---------:|--------------------------------|"
printf '%s\n' "${ROWS[@]}"
echo
echo "ratio = frames/s / frames/s of the set's 'ffmpeg' row (-threads $NPROC; clips: one -threads 1 process per"
echo "file, $NPROC at a time). xargs rows: RSS is the largest single ffmpeg process, not the sum of those running."
echo "ffmpeg start-up alone (ffmpeg -version): $STARTUP s per process, so about \
$(awk -v s="$STARTUP" -v n="${#CLIP_FILES[@]}" -v p="$NPROC" 'BEGIN { printf "%.1f", s * n / p }') s \
of the clips' xargs rows is start-up, not decoding."
echo
echo "Memory against length (256x144 H.264, the long stream is the short one looped):"
echo
echo "| length | frames | vidsplit peak RSS MB |"
echo "|---|---:|---:|"
echo "| $FLAT_MINUTES min | $FLAT_SHORT_FRAMES | $FLAT_SHORT_RSS |"
echo "| $((FLAT_MINUTES * FLAT_FACTOR)) min | $FLAT_LONG_FRAMES | $FLAT_LONG_RSS |"
awk -v a="$FLAT_SHORT_RSS" -v b="$FLAT_LONG_RSS" -v k="$FLAT_FACTOR" 'BEGIN {
  printf "\n%dx the length, %+.1f%% peak RSS: %s (flat = within 10%%)\n", k, 100 * (b - a) / a,
    ((b - a) / a <= 0.10 ? "PASS" : "MISS") }'
echo
echo "Memory against the number of videos (\`vidsplit scan\` with its cache; the 20,000 are the 200 clips under 100 names each):"
echo
echo "| videos | vidsplit peak RSS MB |"
echo "|---:|---:|"
echo "| $NUM_CLIPS | $FEW_RSS |"
echo "| $((NUM_CLIPS * MANY_COPIES)) | $MANY_RSS |"
awk -v a="$FEW_RSS" -v b="$MANY_RSS" -v n="$((NUM_CLIPS * MANY_COPIES - NUM_CLIPS))" 'BEGIN {
  printf "\n%+.0f MB for %d more videos: %.2f KB per video\n",
    b - a, n, 1024 * (b - a) / n }'
if ((${#NOTES[@]})); then
  echo
  echo "Notes:"
  printf -- '- %s\n' "${NOTES[@]}"
fi
