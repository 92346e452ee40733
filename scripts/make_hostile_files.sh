#!/usr/bin/env bash
# make_hostile_files.sh: regenerate tests/data/hostile/, a corpus of broken and pathological inputs that
# vidsplit must survive without crashing or hanging (tests/test_pipeline_hostile.cpp runs all of it).
#   trunc_<container>_<percent>.<ext>  a valid mp4 / mkv / avi / webm cut at 5, 20, 50, 80 and 95 % of its size
#   flip_<container>.<ext>             64 bytes overwritten at fixed pseudo-random offsets past the header
#   zerohead_<container>.<ext>         the first 256 bytes zeroed
#   huge_dims.y4m                      a header declaring 30000x30000 frames, with 1 KB of data
#   tiny_1x1.mkv, odd_17x13.mkv        1x1 and odd-sized frames (FFV1, so no codec rounds them up)
#   slow_fps.mkv, fast_fps.mkv         a frame every 1000 s, and 100000 frames per second
#   long_16x16.mp4                     10,000 frames of 16x16
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/tests/data/hostile"
rm -rf "$OUT" && mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
ff() { ffmpeg -v error -y "$@"; }
exact=(-fflags +bitexact -flags:v +bitexact -map_metadata -1 -threads 1)
src=(-f lavfi -i "testsrc2=size=96x64:rate=25:duration=2")

ff "${src[@]}" -c:v libx264 -pix_fmt yuv420p -crf 35 "${exact[@]}" "$TMP/mp4.mp4"
ff "${src[@]}" -c:v libx264 -pix_fmt yuv420p -crf 35 "${exact[@]}" "$TMP/mkv.mkv"
ff "${src[@]}" -c:v mpeg4 -q:v 10 "${exact[@]}" "$TMP/avi.avi"
ff "${src[@]}" -c:v libvpx -b:v 100k "${exact[@]}" "$TMP/webm.webm"

for f in "$TMP"/*.*; do
  name=$(basename "$f"); kind=${name%.*}; ext=${name##*.}
  size=$(stat -c %s "$f")
  for pct in 5 20 50 80 95; do head -c $((size * pct / 100)) "$f" > "$OUT/trunc_${kind}_${pct}.${ext}"; done
  cp "$f" "$OUT/flip_${kind}.${ext}"
  # Deterministic "random" offsets after the first 512 bytes.
  for i in $(seq 1 64); do
    off=$((512 + (i * 7919 * 104729) % (size - 600)))
    printf '\xff' | dd of="$OUT/flip_${kind}.${ext}" bs=1 seek="$off" conv=notrunc status=none
  done
  cp "$f" "$OUT/zerohead_${kind}.${ext}"
  dd if=/dev/zero of="$OUT/zerohead_${kind}.${ext}" bs=256 count=1 conv=notrunc status=none
done

{ printf 'YUV4MPEG2 W30000 H30000 F25:1 Ip A1:1 C420jpeg\nFRAME\n'; head -c 1024 /dev/zero; } > "$OUT/huge_dims.y4m"
ff -f lavfi -i "testsrc2=size=16x16:rate=25:duration=1" -vf "scale=1:1,format=yuv444p" -c:v ffv1 "${exact[@]}" "$OUT/tiny_1x1.mkv"
ff -f lavfi -i "testsrc2=size=18x14:rate=25:duration=1" -vf "scale=17:13,format=yuv444p" -c:v ffv1 "${exact[@]}" "$OUT/odd_17x13.mkv"
ff -f lavfi -i "testsrc2=size=32x32:rate=25:duration=0.4" -vf "setpts=N*1000/TB" -fps_mode passthrough -c:v ffv1 "${exact[@]}" "$OUT/slow_fps.mkv"
ff -f lavfi -i "testsrc2=size=32x32:rate=25:duration=0.4" -vf "setpts=N/100000/TB" -fps_mode passthrough -c:v ffv1 "${exact[@]}" "$OUT/fast_fps.mkv"
ff -f lavfi -i "color=c=0x406080:size=16x16:rate=25:duration=400" -c:v libx264 -pix_fmt yuv420p -crf 40 "${exact[@]}" "$OUT/long_16x16.mp4"
ls "$OUT" | wc -l
du -sh "$OUT"
