#!/usr/bin/env bash
# make_sample_videos.sh: regenerate the demo dataset (sample_videos/) and the test fixtures (tests/data/)
#
# Usage: scripts/make_sample_videos.sh [--verify]
#   Runs from any cwd; the repo root is found from this script's path. Every run deletes and rebuilds the files
#   listed below (and nothing else), deterministically: only lavfi source filters (no fonts, no
#   drawtext, fixed seeds), libx264 with -threads 1 and bitexact muxing, so reruns give identical bytes.
#   --verify  also print, for every generated video, the decoded frame count, the scene-score cut candidates
#             (ffmpeg `select=gt(scene,0.3)`) and the md5sum.
# Needs: ffmpeg/ffprobe 5.1 (Debian 12) built with libx264.
#
# TRUTH TABLE (measured with ffprobe 5.1 on the generated files, not computed; details in sample_videos/README.md)
# Frames are 0-based decoded frames in presentation order (count: ffprobe -count_frames ... nb_read_frames).
# "cut N @ t": frame N is the first frame of the new shot and its pts_time is t. All files are H.264 High,
# yuv420p, SAR 1:1, pts of the first frame 0.0; CFR files have pts_time = N * 0.04 exactly.
#
# file (sample_videos/)   size     fps  frames  hard cuts                          leakage groups
# jump/jump_cuts3.mp4     160x120  25   150     40 @ 1.60, 85 @ 3.40               own group
# jump/jump_zoom.mp4      192x108  25   125     none (slow mandelbrot zoom)        own group
# jump/jump_dup_hq.mp4    192x144  25   100     none                               near-dup pair: ONE group
# jump/jump_dup_lq.mp4    128x96   25   100     none                               with jump_dup_hq.mp4
# jump/jump_fade.mp4      160x120  25   160     none (fade out/in, see below)      own group
# run/run_vfr.mp4         160x120  VFR  80      50 @ 2.00                          own group
# run/run_aba.mp4         176x144  25   150     45 @ 1.80, 95 @ 3.80               own group; A1 + A2 recur
# run/run_plasma.mp4      192x108  25   100     none                               own group
# run/run_audio.mp4       160x90   25   125     60 @ 2.40                          own group (+ silent AAC)
# wave/wave_cuts4.mp4     176x144  25   150     30 @ 1.20, 70 @ 2.80, 105 @ 4.20   own group
# wave/wave_rotate.mp4    192x108  25   150     none (rotating testsrc2)           own group
# wave/wave_spiral.mp4    128x96   25   100     none (rotating gradient spiral)    own group
# wave/wave_wide.mp4      320x180  25   100     50 @ 2.00                          own group
#
# Shots: jump_cuts3 = testsrc2 [0,40) | mandelbrot [40,85) | game of life [85,150).
#   jump_dup_hq/lq = the same 100 frames of a sideways testsrc (192x144 crf 28 / scaled to 128x96 crf 36).
#   jump_fade = sine checkerboard [0,80) then SMPTE HD bars [80,160):
#     frames 0-50 A at full level (frame 50 = 2.00 s is still level 1.0), 51-74 A fading out (level .96 ... .04),
#     75-85 black (Y = 16 everywhere; 75-79 are A at level 0, 80-85 are B at level 0), 86-109 B fading in
#     (level .04 ... .96), 110-159 B at full level. Fade frames have pts_time N * 0.04 (75 @ 3.00, 110 @ 4.40).
#   run_vfr = linear gradient at 25 fps [0,50) (pts 0.00 ... 1.96, step 0.04) | panned allyuv pattern at
#     10 fps [50,80) (pts 2.0 ... 4.9, step 0.1). Muxed without B-frames or edit list; stream duration 4.9 s.
#   run_aba = colour blobs A1 [0,45) | mandelbrot B [45,95) | colour blobs A2 [95,150). A2 is the same source
#     continued (source frames 95-149); its motion has a 95-frame period, so frame 95+k looks like frame k.
#   run_audio = animated yuvtestsrc [0,60) | diagonal stripes [60,125); silent mono AAC track, 5.0 s.
#   wave_cuts4 = radial gradient [0,30) | pinwheel [30,70) | Sierpinski triangle [70,105) | mandelbrot [105,150).
#   wave_wide = zone-plate rings [0,50) | maze-like cellular automaton [50,100).
#
# tests/data/
# bad/empty.mp4         0 bytes
# bad/not_a_video.mp4   a text file
# bad/truncated.mp4     first 40% of the bytes of a valid 64x48 mp4 whose moov atom is at the end: no moov,
#                       cannot be opened ("moov atom not found")
# bad/audio_only.m4a    1 s 440 Hz sine, AAC 44.1 kHz mono, no video stream
# bad/audio_only.mp4    the same in an .mp4 container
# rotate90.mp4          64x32, 10 frames, 25 fps; stored picture: left half white, right half black. Display
#                       matrix: ffprobe prints rotation=90 (matrix rows 0 -65536 0 / 65536 0 0 / 0 0 1<<30);
#                       ffmpeg's autorotate shows it as 32x64 with the white half at the BOTTOM (90 degrees
#                       counter-clockwise).
# vfr.mp4               64x48, 10 frames (testsrc2), pts_time 0 0.04 0.08 0.12 0.16 0.2 0.3 0.4 0.5 0.6
# gray_cut.mp4          64x48, 25 fps, 40 frames: 0-19 flat dark grey (0x404040), 20-39 light grey with a
#                       black grid; one hard cut: 20 @ 0.80
# mpeg4_cut.mkv         512x288 MPEG-4 part 2 with B-frames (a codec that decodes at reduced size), 25 fps,
#                       40 frames: 0-19 testsrc2, 20-39 SMPTE HD bars; one hard cut: 20 @ 0.80, on a B-frame
#                       (scene-change I-frames off; I-frames at 0, 12, 24, 36)
# hevc_gop.mp4          96x64 HEVC (libx265, open GOPs: keyframes at 0, 140 and 280, B-frames), 25 fps, 300
#                       frames of testsrc2, no cut. Keyframes more than 128 pictures apart: picture order counts
#                       (8 bits here) seen from one keyframe to the next wrap, and HEVC orders output by them
# mpeg4_aba.mkv         320x180 MPEG-4 part 2 with B-frames, 25 fps, 60 frames: 0-14 SMPTE HD bars, 15-29
#                       testsrc2, 30-59 the bars again; hard cuts at 15 and 30, keyframes only at 0 and 48: the
#                       keyframes on both sides of the cuts show the same picture
# mpeg4_noise_aba.mkv   128x72 MPEG-4 part 2 with B-frames, 25 fps, 60 frames: 0-14 SMPTE HD bars, 15-29 grey
#                       noise (every frame costs the encoder the same, more than a keyframe of the bars), 30-59 the
#                       bars again; hard cuts at 15 and 30, keyframes only at 0 and 48
# mpeg4_zoom_cut.mkv    96x54 MPEG-4 part 2 with B-frames, 25 fps, 160 frames: 0-109 a fast Mandelbrot zoom (every
#                       two keyframes differ), 110-159 SMPTE HD bars; one hard cut at 110, keyframes every 24 frames
#                       (27, 51, 75, 99, 123, 147: the B-frames shift them)
# mpeg4_two_cuts.mkv    320x180 MPEG-4 part 2 with 2 B-frames, 25 fps, 57 frames: 0-19 testsrc2, 20-40 SMPTE HD
#                       bars, 41-56 testsrc2 again; cuts at 20 and 41, both on B-frames, one keyframe (0): a
#                       reference-frames scan skips 37 frames, and putting both cuts on their exact frames would
#                       decode 22 + 43 frames again
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SV="$ROOT/sample_videos"
TD="$ROOT/tests/data"

VERIFY=0
case "${1:-}" in
  --verify) VERIFY=1 ;;
  "") ;;
  -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
  *) echo "usage: $0 [--verify]" >&2; exit 2 ;;
esac

command -v ffmpeg >/dev/null || { echo "ffmpeg not found" >&2; exit 1; }
command -v ffprobe >/dev/null || { echo "ffprobe not found" >&2; exit 1; }

FFMPEG=(ffmpeg -hide_banner -nostdin -loglevel error -y)
# Deterministic output: no encoder/version strings, no metadata, no creation time, single-threaded x264.
BITEXACT=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1 -map_chapters -1)
X264=(-c:v libx264 -preset medium -pix_fmt yuv420p -threads 1)

# VFR outputs: keep every frame's own timestamp (ms time base), no B-frames and no edit list. With B-frames,
# ffmpeg 5.1 writes an edit list ending at the last frame's pts (libx264 packets carry no duration), which hides
# the last frame from decoders.
VFR=(-fps_mode vfr -enc_time_base:v 1:1000 -bf 0 -use_editlist 0)

# shot CHAIN START COUNT: frames [START, START+COUNT) of the lavfi chain CHAIN, re-timed to start at 0.
shot() {
  printf '%s,trim=start_frame=%d:end_frame=%d,setpts=PTS-STARTPTS,format=yuv420p,setsar=1' \
    "$1" "$2" "$(($2 + $3))"
}

# encode OUT CRF GRAPH [EXTRA FFMPEG OUTPUT ARGS...]: encode the graph's [out0] video (and [out1] audio, if the
# graph has one) to OUT. The lavfi sources run inside -filter_complex with one filter thread: feeding the same
# graph through the `-f lavfi` input device gave run-to-run differences for the VFR video with ffmpeg 5.1.
encode() {
  local out=$1 crf=$2 graph=$3
  shift 3
  local tmp="${out%.*}.tmp.${out##*.}"
  local maps=(-map '[out0]')
  case "$graph" in *'[out1]'*) maps+=(-map '[out1]') ;; esac
  mkdir -p "$(dirname "$out")"
  "${FFMPEG[@]}" -filter_complex_threads 1 -filter_complex "$graph" "${maps[@]}" \
    "${BITEXACT[@]}" "${X264[@]}" -crf "$crf" "$@" "$tmp"
  mv -f "$tmp" "$out"
}

# ---------------------------------------------------------------------------------------------------------
# Looks: lavfi chains, each visually distinct from all others (for the near-duplicate grouper: 32x32 luma
# DCT hash + colour histogram). Motion is smooth so that no look triggers a spurious cut.
# ---------------------------------------------------------------------------------------------------------
look_testsrc2() { echo "testsrc2=s=$1:r=25"; }
look_mandel_full() { echo "mandelbrot=s=$1:r=25:end_pts=800:end_scale=0.5"; }
look_mandel_seahorse() {
  echo "mandelbrot=s=$1:r=25:start_x=-0.743643887037151:start_y=0.13182590420533:start_scale=0.02:end_scale=0.002:end_pts=600:inner=period"
}
look_mandel_spiral() {
  echo "mandelbrot=s=$1:r=25:start_x=-0.10109636384562:start_y=0.95628651080914:start_scale=0.01:end_scale=0.005:end_pts=800:inner=period"
}
look_mandel_elephant() {
  echo "mandelbrot=s=$1:r=25:start_x=0.28693186889504513:start_y=0.014286693904085048:start_scale=0.005:end_scale=0.003:end_pts=800:inner=convergence:outer=iteration_count"
}
# Game of life on a coarse grid, upscaled with big square cells; pre-rolled past the random start.
# look_life W H CELL SEED RULE LIFE_COLOR DEATH_COLOR RATE PREROLL
look_life() {
  echo "life=s=$(($1 / $3))x$(($2 / $3)):r=$8:seed=$4:rule=$5:life_color=$6:death_color=$7:mold=0,trim=start_frame=$9,setpts=PTS-STARTPTS,scale=$1:$2:flags=neighbor"
}
look_testsrc_sideways() { local w=${1%x*} h=${1#*x}; echo "testsrc=s=${h}x${w}:r=25,transpose=1"; }
look_sine_checker() {
  echo "color=s=$1:r=25,geq=lum='128+100*sin((X+T*10)/6)*sin((Y+T*4)/6)':cb='128+50*sin(Y/20)':cr=90"
}
look_hdbars() { echo "smptehdbars=s=$1:r=25"; }
# gradients: colours must be explicit, the default "random" colours ignore the seed (not reproducible).
look_gradient_linear() {
  echo "gradients=s=$1:r=25:seed=21:n=4:c0=0x1a8f3a:c1=0xc8e85a:c2=0x204080:c3=0xe0a030:speed=0.02"
}
look_gradient_radial() {
  echo "gradients=s=$1:r=25:seed=33:n=3:c0=0xff5020:c1=0x30e0a0:c2=0x6040c0:type=radial:speed=0.02"
}
look_gradient_spiral() {
  echo "gradients=s=$1:r=25:seed=9:n=6:c0=0xff0000:c1=0xffff00:c2=0x00ff00:c3=0x00ffff:c4=0x0000ff:c5=0xff00ff:type=spiral:speed=0.015"
}
# Soft colour blobs on a dark violet background, drifting by a few pixels with a period of 3.8 s (95 frames),
# so that source frame 95+k shows the same picture as source frame k: the recurring shot A2 of run_aba
# (source frames 95-149) matches A1 (source frames 0-44). Strong 2D structure keeps the perceptual hash
# stable. Sized for 176x144.
look_blobs() {
  local w="(2*PI*T/3.8)" g
  g="r='40+215*exp(-(pow(X-50-3*sin($w),2)+pow(Y-40-2*cos($w),2))/500)+120*exp(-(pow(X-130,2)+pow(Y-100-2*sin($w+1),2))/300)+150*exp(-(pow(X-150,2)+pow(Y-20,2))/150)'"
  g+=":g='30+200*exp(-(pow(X-110-2*cos($w+2),2)+pow(Y-35,2))/700)+80*exp(-(pow(X-50,2)+pow(Y-110,2))/400)+120*exp(-(pow(X-20,2)+pow(Y-75,2))/120)'"
  g+=":b='60+180*exp(-(pow(X-85,2)+pow(Y-80-3*sin($w+3),2))/900)+140*exp(-(pow(X-150,2)+pow(Y-130,2))/200)'"
  echo "color=s=$1:r=25,format=rgb24,geq=$g"
}

# The allyuv colour-space pattern (four colour quadrants), rendered once, panned slowly. look_allyuv SIZE RATE
# (looped frames are re-timed with settb=1/RATE,setpts=N: "N/RATE/TB" is float maths and can truncate)
look_allyuv() {
  echo "allyuv=r=$2,trim=end_frame=1,scale=$((2 * ${1%x*})):$((2 * ${1#*x})),loop=loop=-1:size=1,settb=1/$2,setpts=N,format=yuv444p,crop=${1%x*}:${1#*x}:x='20+t*6':y='30+t*4'"
}
look_plasma() {
  echo "color=s=$1:r=25,geq=r='128+100*sin(X/17+T)':g='128+100*sin(Y/11-T*0.7)':b='128+100*sin((X+Y)/23+T*0.5)'"
}
look_yuvramps() { echo "yuvtestsrc=s=$1:r=25,hue=H='t*0.3'"; }
look_stripes() {
  echo "color=s=$1:r=25,format=rgb24,geq=r='128+120*sin((X+2*Y)/9-T*1.5)':g='60+50*sin(Y/15)':b=200"
}
look_pinwheel() {
  local w=${1%x*} h=${1#*x}
  local a="atan2(Y-$((h / 2))\\,X-$((w / 2)))"
  echo "color=s=$1:r=25,geq=lum='128+100*sin(6*$a+T*0.8)':cb='128+60*cos($a)':cr='128+60*sin($a)'"
}
# A Sierpinski triangle, rendered once (the source jumps around every frame), orange on navy: a static shot.
look_sierpinski() {
  echo "sierpinski=s=$1:r=25:seed=5:type=triangle,trim=end_frame=1,loop=loop=-1:size=1,settb=1/25,setpts=N,lutrgb=r='val*0.9+20':g='val*0.55+10':b='val*0.2+60'"
}
look_rings() {
  local w=${1%x*} h=${1#*x}
  echo "color=s=$1:r=25,geq=lum='128+110*sin(((X-$((w / 2)))*(X-$((w / 2)))+(Y-$((h / 2)))*(Y-$((h / 2))))/(300+T*60))':cb=110:cr=150"
}
look_testsrc2_rotating() {
  echo "testsrc2=s=320x240:r=25,rotate=a='0.35+t*0.08':ow=${1%x*}:oh=${1#*x}:c=black"
}

# concat_graph SHOT1 SHOT2 ...: hard cuts between the given shot chains (caller appends "[out0]")
concat_graph() {
  local g="" ins="" i=0
  for s in "$@"; do g+="${s}[c$i];"; ins+="[c$i]"; i=$((i + 1)); done
  echo "${g}${ins}concat=n=$#:v=1:a=0"
}

# ---------------------------------------------------------------------------------------------------------
make_samples() {
  rm -rf "$SV/jump" "$SV/run" "$SV/wave"
  local S

  # jump/jump_cuts3: three shots, hard cuts at 40 and 85.
  S=160x120
  encode "$SV/jump/jump_cuts3.mp4" 32 "$(concat_graph \
    "$(shot "$(look_testsrc2 $S)" 0 40)" \
    "$(shot "$(look_mandel_full $S)" 0 45)" \
    "$(shot "$(look_life 160 120 2 11 B3/S23 0x40ff40 0x101050 25 100)" 0 65)")[out0]" -an

  # jump/jump_zoom: one shot, slow zoom (motion but no cut).
  S=192x108
  encode "$SV/jump/jump_zoom.mp4" 32 "$(shot "$(look_mandel_seahorse $S)" 0 125)[out0]" -an

  # jump/jump_dup_hq + jump_dup_lq: the same 100 frames at two sizes and qualities (near-duplicates).
  S=192x144
  encode "$SV/jump/jump_dup_hq.mp4" 28 "$(shot "$(look_testsrc_sideways $S)" 0 100)[out0]" -an
  encode "$SV/jump/jump_dup_lq.mp4" 36 "$(shot "$(look_testsrc_sideways $S)" 0 100),scale=128:96[out0]" -an

  # jump/jump_fade: A (80 frames) fades out over 1 s from t=2 s, B (80 frames) fades in over 1 s from t=0.2 s.
  S=160x120
  encode "$SV/jump/jump_fade.mp4" 32 "$(concat_graph \
    "$(shot "$(look_sine_checker $S)" 0 80),fade=t=out:st=2:d=1" \
    "$(shot "$(look_hdbars $S)" 0 80),fade=t=in:st=0.2:d=1")[out0]" -an

  # run/run_vfr: 50 frames at 25 fps then 30 frames at 10 fps, muxed with real variable frame durations.
  S=160x120
  encode "$SV/run/run_vfr.mp4" 32 "$(concat_graph \
    "$(shot "$(look_gradient_linear $S)" 0 50)" \
    "$(shot "$(look_allyuv $S 10)" 0 30)"),settb=1/1000[out0]" \
    -an "${VFR[@]}"

  # run/run_aba: A (source frames 0-44), B (50 frames), A again (source frames 95-149, continued).
  S=176x144
  encode "$SV/run/run_aba.mp4" 32 "$(look_blobs $S),split[pa][pb];\
$(shot "[pa]null" 0 45)[c0];$(shot "$(look_mandel_spiral $S)" 0 50)[c1];$(shot "[pb]null" 95 55)[c2];\
[c0][c1][c2]concat=n=3:v=1:a=0[out0]" -an

  # run/run_plasma: one shot of smoothly moving colour plasma.
  S=192x108
  encode "$SV/run/run_plasma.mp4" 32 "$(shot "$(look_plasma $S)" 0 100)[out0]" -an

  # run/run_audio: two shots, cut at 60, plus a silent AAC audio track (audio must be ignored).
  S=160x90
  encode "$SV/run/run_audio.mp4" 32 "$(concat_graph \
    "$(shot "$(look_yuvramps $S)" 0 60)" \
    "$(shot "$(look_stripes $S)" 0 65)")[out0];anullsrc=r=16000:cl=mono,atrim=end_sample=80000[out1]" \
    -c:a aac -b:a 16k

  # wave/wave_cuts4: four shots, cuts at 30, 70, 105.
  S=176x144
  encode "$SV/wave/wave_cuts4.mp4" 32 "$(concat_graph \
    "$(shot "$(look_gradient_radial $S)" 0 30)" \
    "$(shot "$(look_pinwheel $S)" 0 40)" \
    "$(shot "$(look_sierpinski $S)" 0 35)" \
    "$(shot "$(look_mandel_elephant $S)" 0 45)")[out0]" -an

  # wave/wave_rotate: one shot, zoomed testsrc2 rotating slowly.
  S=192x108
  encode "$SV/wave/wave_rotate.mp4" 32 "$(shot "$(look_testsrc2_rotating $S)" 0 150)[out0]" -an

  # wave/wave_spiral: one shot, rotating gradient spiral.
  S=128x96
  encode "$SV/wave/wave_spiral.mp4" 32 "$(shot "$(look_gradient_spiral $S)" 0 100)[out0]" -an

  # wave/wave_wide: 320x180, zone-plate rings then a maze-like life pattern, cut at 50.
  S=320x180
  encode "$SV/wave/wave_wide.mp4" 34 "$(concat_graph \
    "$(shot "$(look_rings $S)" 0 50)" \
    "$(shot "$(look_life 320 180 4 7 B3/S12345 0xffd000 0x0030a0 25 40)" 0 50)")[out0]" -an
}

# mpeg4_bframes NAME GOP GRAPH: tests/data/NAME.mkv, GRAPH's video as MPEG-4 part 2 (a codec that decodes at
# reduced size) with 2 B-frames, a keyframe every GOP frames and no scene-change keyframes, in Matroska (which
# keeps the B-frames' timestamps).
mpeg4_bframes() {
  "${FFMPEG[@]}" -filter_complex_threads 1 -filter_complex "$3[out0]" -map '[out0]' "${BITEXACT[@]}" -c:v mpeg4 \
    -q:v 8 -bf 2 -g "$2" -sc_threshold 1000000000 -threads 1 -an "$TD/$1.tmp.mkv"
  mv -f "$TD/$1.tmp.mkv" "$TD/$1.mkv"
}

# ---------------------------------------------------------------------------------------------------------
make_fixtures() {
  rm -rf "$TD/bad"
  rm -f "$TD/rotate90.mp4" "$TD/vfr.mp4" "$TD/gray_cut.mp4" "$TD/mpeg4_cut.mkv" "$TD/mpeg4_aba.mkv" "$TD/hevc_gop.mp4" \
    "$TD/mpeg4_two_cuts.mkv" "$TD/mpeg4_noise_aba.mkv" "$TD/mpeg4_zoom_cut.mkv"
  mkdir -p "$TD/bad"

  : >"$TD/bad/empty.mp4"
  printf 'This is not a video file.\nvidsplit must report it in errors.csv and carry on.\n' >"$TD/bad/not_a_video.mp4"

  # truncated.mp4: a valid mp4 (moov atom at the end, ffmpeg's default) cut to its first 40% of bytes.
  local full="$TD/bad/full.tmp.mp4" n
  encode "$full" 30 "$(shot "$(look_testsrc2 64x48)" 0 50)[out0]" -an
  n=$(($(stat -c %s "$full") * 40 / 100))
  head -c "$n" "$full" >"$TD/bad/truncated.mp4"
  rm -f "$full"

  # audio only: 1 s 440 Hz sine, AAC, no video stream.
  local ext
  for ext in m4a mp4; do
    "${FFMPEG[@]}" -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=1" "${BITEXACT[@]}" \
      -c:a aac -b:a 48k "$TD/bad/audio_only.tmp.$ext"
    mv -f "$TD/bad/audio_only.tmp.$ext" "$TD/bad/audio_only.$ext"
  done

  # rotate90.mp4: 64x32, left half white, right half black, display matrix for a 90 degree rotation.
  # ffmpeg 5.1 only turns the "rotate" tag into a display matrix when stream-copying, hence two steps.
  encode "$TD/rot.tmp.mp4" 20 \
    "color=c=white:s=64x32:r=25,drawbox=x=32:y=0:w=32:h=32:color=black:t=fill,trim=end_frame=10,format=yuv420p[out0]" -an
  "${FFMPEG[@]}" -i "$TD/rot.tmp.mp4" -c copy "${BITEXACT[@]}" -metadata:s:v:0 rotate=90 "$TD/rotate90.tmp.mp4"
  mv -f "$TD/rotate90.tmp.mp4" "$TD/rotate90.mp4"
  rm -f "$TD/rot.tmp.mp4"

  # vfr.mp4: 10 frames, pts = i*0.04 s for i<5, then 0.2 + (i-5)*0.1 s (integer milliseconds: setpts in
  # float seconds / TB can truncate to the tick below).
  encode "$TD/vfr.mp4" 30 \
    "testsrc2=s=64x48:r=25,trim=end_frame=10,settb=1/1000,setpts='if(lt(N,5),N*40,200+(N-5)*100)',format=yuv420p[out0]" \
    -an "${VFR[@]}"

  # gray_cut.mp4: 20 frames flat dark grey, then 20 frames of a bright grid: one hard cut at frame 20.
  encode "$TD/gray_cut.mp4" 30 "$(concat_graph \
    "$(shot "color=c=0x404040:s=64x48:r=25" 0 20)" \
    "$(shot "color=c=0xe0e0e0:s=64x48:r=25,drawgrid=w=8:h=8:t=2:c=black" 0 20)")[out0]" -an

  # mpeg4_cut.mkv: the --speed lowres and ref-frames case.
  mpeg4_bframes mpeg4_cut 12 "$(concat_graph \
    "$(shot "$(look_testsrc2 512x288)" 0 20)" "$(shot "$(look_hdbars 512x288)" 0 20)")"

  # mpeg4_aba.mkv: the --speed keyframes case of a cut away and back between two alike keyframes.
  mpeg4_bframes mpeg4_aba 48 "$(concat_graph \
    "$(shot "$(look_hdbars 320x180)" 0 15)" "$(shot "$(look_testsrc2 320x180)" 0 15)" \
    "$(shot "$(look_hdbars 320x180)" 0 30)")"

  # mpeg4_noise_aba.mkv: the same with a shot whose frames all cost more than a keyframe (no single spike).
  mpeg4_bframes mpeg4_noise_aba 48 "$(concat_graph \
    "$(shot "$(look_hdbars 128x72)" 0 15)" "$(shot "color=c=0x808080:s=128x72:r=25,noise=alls=20:allf=t" 0 15)" \
    "$(shot "$(look_hdbars 128x72)" 0 30)")"

  # mpeg4_zoom_cut.mkv: --speed keyframes leaves a zoom's stretches undecoded (steady motion, fixed keyframe cadence).
  mpeg4_bframes mpeg4_zoom_cut 25 "$(concat_graph \
    "$(shot "$(look_mandel_seahorse 96x54)" 0 110)" "$(shot "$(look_hdbars 96x54)" 0 50)")"

  # mpeg4_two_cuts.mkv: the refinement budget of --speed ref-frames (one keyframe, two cuts on B-frames).
  mpeg4_bframes mpeg4_two_cuts 1000 "$(concat_graph \
    "$(shot "$(look_testsrc2 320x180)" 0 20)" "$(shot "$(look_hdbars 320x180)" 0 21)" \
    "$(shot "$(look_testsrc2 320x180)" 100 16)")"

  # hevc_gop.mp4: keyframes-only decoding of HEVC, whose decoder orders output by picture order count.
  "${FFMPEG[@]}" -filter_complex_threads 1 -filter_complex "$(shot "$(look_testsrc2 96x64)" 0 300)[out0]" \
    -map '[out0]' "${BITEXACT[@]}" -c:v libx265 -preset ultrafast -an \
    -x265-params keyint=140:min-keyint=140:scenecut=0:bframes=3:pools=none:frame-threads=1:log-level=error \
    "$TD/hevc_gop.tmp.mp4"
  mv -f "$TD/hevc_gop.tmp.mp4" "$TD/hevc_gop.mp4"
}

verify() {
  local f n cuts
  while IFS= read -r f; do
    n=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames \
      -of default=nw=1:nk=1 "$f" | head -n 1)
    cuts=$(ffmpeg -hide_banner -nostdin -i "$f" -vf "select='gt(scene,0.3)',showinfo" -f null - 2>&1 |
      grep -o 'pts_time:[0-9.]*' | cut -d: -f2 | tr '\n' ' ' || true)
    printf '%-28s frames=%-4s scene>0.3 at t=%-16s md5=%s\n' "${f#"$ROOT"/}" "$n" "${cuts:--}" \
      "$(md5sum <"$f" | cut -c1-32)"
  done < <(find "$SV" -name '*.mp4' | sort; printf '%s\n' "$TD/rotate90.mp4" "$TD/vfr.mp4" "$TD/gray_cut.mp4" "$TD/mpeg4_cut.mkv" "$TD/mpeg4_aba.mkv" "$TD/hevc_gop.mp4")
}

# ---------------------------------------------------------------------------------------------------------
# [shots] fixtures: tests/data/shots/ (tests/test_shots_transitions.cpp). 96x72, 25 fps, H.264.
# file                      frames  truth
# shots/crossfade.mp4       90      xfade=fade (cross-fade) over frames [40, 60): smptehdbars (60 frames) ->
#                                   static Sierpinski triangle (50 frames)
# shots/fadewhite.mp4       90      xfade=fadewhite over [40, 60): through white
# shots/flash.mp4           75      one moving shot (testsrc2); flashes (brightness spikes) at frame 25 (one
#                                   frame) and 50-51 (two frames): no cut
# shots/pan_cut.mp4         80      two fast-panning shots (testsrc2, mandelbrot; a 96x72 window swinging over a
#                                   192x144 picture), hard cut at 40
# shots/moving_dissolve.mp4 90      xfade=fade (cross-fade) over [40, 60) between two moving shots: drifting
#                                   colour plasma (60 frames) -> scrolling sine checkerboard (50 frames)
# shots/slide.mp4           90      xfade=slideright over [40, 60) between two moving shots: drifting diagonal
#                                   stripes (60 frames) -> scrolling sine checkerboard (50 frames)
# shots/wipe_slide.mp4      130     xfade=wipeleft over [40, 60) then xfade=slideright over [80, 100): testsrc2
#                                   (60 frames) -> stripes (60 frames) -> sine checkerboard (50 frames); the middle
#                                   shot is alone on screen for 20 frames, as long as each transition
# shots/fast_crossfade.mp4  90      xfade=fade (cross-fade) over [40, 54) (0.56 s) between two fast-moving shots:
#                                   the plasma and the sine checkerboard of moving_dissolve, 1.5 times as fast
# shots/colour_wipe.mp4     90      xfade=wipeleft over [40, 60) between two shots of like brightness but different
#                                   colours: a red and a green noisy background, each with a bright box swinging
#                                   across it
# shots/dark_cuts.mp4       300     hard cuts into and out of dark shots (mean luma about 3, under the fade
#                                   detector's black level) at 50, 150, 200 and 250, no fade: a sine checkerboard
#                                   [0, 50) darkening by about 2 luma a frame over its last 3 frames -> dark
#                                   checkerboard [50, 150) (4 s, longer than --max-fade) -> SMPTE HD bars
#                                   [150, 200) -> dark checkerboard [200, 250) (2 s) -> sine checkerboard [250, 300)
#                                   brightening by about 1 luma a frame
# xfade: offset 1.6 s and duration 0.8 s at 25 fps = frames 40..59 blend the two shots.
# ---------------------------------------------------------------------------------------------------------
make_shot_fixtures() {
  local D="$TD/shots" S=96x72 t
  mkdir -p "$D"
  for t in fade:crossfade fadewhite:fadewhite; do
    encode "$D/${t#*:}.mp4" 30 \
      "$(shot "$(look_hdbars $S)" 0 60),settb=AVTB[a];$(shot "$(look_sierpinski $S)" 0 50),settb=AVTB[b];[a][b]xfade=transition=${t%%:*}:duration=0.8:offset=1.6[out0]" -an
  done
  local pan="crop=96:72:x='(iw-ow)*(0.5+0.5*sin(n*0.3+PHASE))':y='(ih-oh)*(0.5+0.5*cos(n*0.2))'"
  encode "$D/pan_cut.mp4" 32 "$(concat_graph \
    "$(shot "$(look_testsrc2 192x144)" 0 40),${pan/PHASE/0}" \
    "$(shot "mandelbrot=s=192x144:r=25" 0 40),${pan/PHASE/2}")[out0]" -an
  encode "$D/moving_dissolve.mp4" 30 \
    "$(shot "$(look_plasma $S)" 0 60),settb=AVTB[a];$(shot "$(look_sine_checker $S)" 0 50),settb=AVTB[b];[a][b]xfade=transition=fade:duration=0.8:offset=1.6[out0]" -an
  encode "$D/slide.mp4" 30 \
    "$(shot "$(look_stripes $S)" 0 60),settb=AVTB[a];$(shot "$(look_sine_checker $S)" 0 50),settb=AVTB[b];[a][b]xfade=transition=slideright:duration=0.8:offset=1.6[out0]" -an
  encode "$D/wipe_slide.mp4" 30 \
    "$(shot "$(look_testsrc2 $S)" 0 60),settb=AVTB[a];$(shot "$(look_stripes $S)" 0 60),settb=AVTB[b];$(shot "$(look_sine_checker $S)" 0 50),settb=AVTB[c];[a][b]xfade=transition=wipeleft:duration=0.8:offset=1.6[ab];[ab][c]xfade=transition=slideright:duration=0.8:offset=3.2[out0]" -an
  local fast_plasma="color=s=$S:r=25,geq=r='128+100*sin(X/17+T*1.5)':g='128+100*sin(Y/11-T*1.05)':b='128+100*sin((X+Y)/23+T*0.75)'"
  local fast_checker="color=s=$S:r=25,geq=lum='128+100*sin((X+T*15)/6)*sin((Y+T*6)/6)':cb='128+50*sin(Y/20)':cr=90"
  encode "$D/fast_crossfade.mp4" 30 \
    "$(shot "$fast_plasma" 0 60),settb=AVTB[a];$(shot "$fast_checker" 0 50),settb=AVTB[b];[a][b]xfade=transition=fade:duration=0.56:offset=1.6[out0]" -an
  local red="color=c=0xC83C3C:s=$S:r=25,noise=alls=12:allf=t,drawbox=x='(iw-w)*abs(sin(t*0.8))':y=ih/3:w=iw/5:h=ih/3:c=white:t=fill"
  local green="color=c=0x3CC83C:s=$S:r=25,noise=alls=12:allf=t,drawbox=x='(iw-w)*abs(sin(t*0.8+1))':y=ih/4:w=iw/4:h=ih/3:c=0xFFFF80:t=fill"
  encode "$D/colour_wipe.mp4" 30 \
    "$(shot "$red" 0 60),settb=AVTB[a];$(shot "$green" 0 50),settb=AVTB[b];[a][b]xfade=transition=wipeleft:duration=0.8:offset=1.6[out0]" -an
  local dark="color=s=$S:r=25,geq=lum='19+3*sin((X+T*10)/6)*sin((Y+T*4)/6)':cb=128:cr=128"
  local brightening="color=s=$S:r=25,geq=lum='100+25*T+60*sin((X+T*10)/6)*sin((Y+T*4)/6)':cb='128+50*sin(Y/20)':cr=90"
  encode "$D/dark_cuts.mp4" 30 "$(concat_graph \
    "$(shot "$(look_sine_checker $S)" 0 50),fade=t=out:st=1.84:d=2" "$(shot "$dark" 0 100)" \
    "$(shot "$(look_hdbars $S)" 0 50)" "$(shot "$dark" 0 50)" "$(shot "$brightening" 0 50)")[out0]" -an
  encode "$D/flash.mp4" 30 \
    "$(shot "$(look_testsrc2 $S)" 0 75),eq=brightness=0.6:contrast=0.6:enable='eq(n,25)',eq=brightness=0.5:enable='between(n,50,51)'[out0]" -an
}

make_samples
make_fixtures
make_shot_fixtures
echo "generated $(find "$SV" -name '*.mp4' | wc -l) sample videos ($(du -sk "$SV" | cut -f1) KB) and fixtures in tests/data"
if [ "$VERIFY" = 1 ]; then verify; fi
