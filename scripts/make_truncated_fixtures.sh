#!/usr/bin/env bash
# make_truncated_fixtures.sh: regenerate tests/data/truncated/, whole videos and the same cut to half their
# bytes (a copy or download that stopped). vidsplit must list the halves in errors.csv with kind `truncated`
# and still use their frames; the whole files must not be flagged.
#   whole_faststart.mp4, half_faststart.mp4  MP4 with its index (moov) first: the index outlives the cut
#   whole.mkv, half.mkv                      Matroska: the header's duration outlives the cut
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/tests/data/truncated"
rm -rf "$OUT" && mkdir -p "$OUT"
ff() { ffmpeg -v error -y "$@"; }
exact=(-fflags +bitexact -flags:v +bitexact -map_metadata -1 -threads 1)
src=(-f lavfi -i "testsrc2=size=64x48:rate=25:duration=6")
ff "${src[@]}" -c:v libx264 -pix_fmt yuv420p -crf 40 -g 25 "${exact[@]}" -movflags +faststart "$OUT/whole_faststart.mp4"
ff "${src[@]}" -c:v libx264 -pix_fmt yuv420p -crf 40 -g 25 "${exact[@]}" "$OUT/whole.mkv"
for f in whole_faststart.mp4 whole.mkv; do
  size=$(stat -c %s "$OUT/$f")
  head -c $((size / 2)) "$OUT/$f" >"$OUT/half${f#whole}"
done
