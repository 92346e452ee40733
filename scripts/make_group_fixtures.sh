#!/usr/bin/env bash
# make_group_fixtures.sh: regenerate tests/data/groups/, tiny videos for the near-duplicate grouping tests.
#
# base.mp4 is a 4 s, 160x120, 25 fps clip of one continuous scene (a mandelbrot zoom under a moving testsrc2
# pattern). Every other file except distinct_*.mp4 is a transformed copy of it and must land in base.mp4's
# leakage group:
#   reencode.mp4   MPEG-4 Part 2 at 30 fps and a low bitrate (other codec, bitrate and frame rate)
#   resize.mp4     224x168, then letterboxed to 224x224 with black bars (resize + aspect change + pad)
#   crop.mp4       10% cropped (5% off each side), scaled back to 160x120
#   color.mp4      brightness +0.08, contrast 1.2, gamma 0.8 (eq filter)
#   logo.mp4       a white box "logo" and a dark caption band burned in (drawbox; no fonts needed)
#   flip.mp4       mirrored left-right
#   trim.mp4       the sub-clip from 1.0 s to 2.6 s of base.mp4
# Partial copies that share only part of base.mp4's footage, reframed or recoloured, found by temporal
# matching alone (keyframes spread over clips with other in and out points fall on other instants):
#   overlap_pad.mp4    1.2 s to 3.4 s of base, pillarboxed into 16:9 (224x126, black bars)
#   overlap_crop.mp4   0.2 s to 2.2 s of base, centre-cropped to 16:9 (224x126): shares 1.2-2.2 s with the
#                      padded one, which shows the same picture at the same scale
#   overlap_rb.mp4     0.6 s to 2.6 s of base with red and blue swapped, at 30 fps
#   overlap_grey.mp4   2.0 s to 4.0 s of base, pillarboxed with dark grey bars and mirrored
# distinct_a.mp4 and distinct_b.mp4 are other scenes of the same kind (same sources, other parameters): they
# must each stay in their own group.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/tests/data/groups"
mkdir -p "$OUT"

scene() {  # scene START_X START_Y TESTSRC_SIZE SEED -> a lavfi graph of one continuous 4 s scene
  echo "mandelbrot=size=160x120:rate=25:start_x=$1:start_y=$2:start_scale=0.5:end_pts=4000:end_scale=0.05,format=yuv420p[m];\
testsrc2=size=$3:rate=25,format=yuv420p,hue=h=$4[t];[m][t]overlay=x='t*20':y=20,trim=duration=4"
}
x264=(-c:v libx264 -pix_fmt yuv420p -crf 34 -preset medium -threads 1 -fflags +bitexact -flags:v +bitexact
      -map_metadata -1 -an)
ff() { ffmpeg -v error -y "$@"; }

ff -f lavfi -i "$(scene -0.743643887037151 0.131825904205330 64x48 0)" "${x264[@]}" "$OUT/base.mp4"
ff -i "$OUT/base.mp4" -r 30 -c:v mpeg4 -q:v 14 -fflags +bitexact -flags:v +bitexact -map_metadata -1 -an "$OUT/reencode.mp4"
ff -i "$OUT/base.mp4" -vf "scale=224:168,pad=224:224:0:28:black" "${x264[@]}" "$OUT/resize.mp4"
ff -i "$OUT/base.mp4" -vf "crop=iw*0.9:ih*0.9:iw*0.05:ih*0.05,scale=160:120" "${x264[@]}" "$OUT/crop.mp4"
ff -i "$OUT/base.mp4" -vf "eq=brightness=0.08:contrast=1.2:gamma=0.8" "${x264[@]}" "$OUT/color.mp4"
ff -i "$OUT/base.mp4" -vf "drawbox=x=120:y=8:w=30:h=18:color=white:t=fill,drawbox=x=0:y=100:w=160:h=20:color=black@0.7:t=fill" "${x264[@]}" "$OUT/logo.mp4"
ff -i "$OUT/base.mp4" -vf hflip "${x264[@]}" "$OUT/flip.mp4"
ff -ss 1.0 -i "$OUT/base.mp4" -t 1.6 "${x264[@]}" "$OUT/trim.mp4"
wide=(-vf "scale=168:126,setsar=1,pad=224:126:28:0:black")
ff -ss 1.2 -i "$OUT/base.mp4" -t 2.2 "${wide[@]}" "${x264[@]}" "$OUT/overlap_pad.mp4"
ff -ss 0.2 -i "$OUT/base.mp4" -t 2.0 -vf "crop=160:90:0:15,scale=224:126,setsar=1" "${x264[@]}" "$OUT/overlap_crop.mp4"
ff -ss 0.6 -i "$OUT/base.mp4" -t 2.0 -r 30 -vf "colorchannelmixer=rr=0:rb=1:br=1:bb=0" "${x264[@]}" "$OUT/overlap_rb.mp4"
ff -ss 2.0 -i "$OUT/base.mp4" -t 2.0 -vf "hflip,scale=168:126,setsar=1,pad=224:126:28:0:0x303030" "${x264[@]}" "$OUT/overlap_grey.mp4"
ff -f lavfi -i "$(scene -1.25066 0.02012 64x48 90)" "${x264[@]}" "$OUT/distinct_a.mp4"
ff -f lavfi -i "$(scene 0.3750001200618655 -0.2166393884377127 96x64 200)" "${x264[@]}" "$OUT/distinct_b.mp4"
du -sh "$OUT"
