#!/usr/bin/env bash
# Regenerates the fuzzers' seed corpus (fuzz/corpus/<target>/), committed so CI needs no ffmpeg CLI.
#   fuzz_decode:  tiny videos (32x24, 6 frames, one hard cut at frame 3) in the containers and codecs
#                 vidsplit meets most: H.264 in MP4 and MKV, MPEG-4 in AVI, VP8 in WebM, MJPEG, GIF, Y4M.
#   fuzz_readers: one small valid file per reader; the first byte picks the reader (see fuzz_readers.cpp).
# Needs ffmpeg 5.1 (Debian 12) with libx264 and libvpx.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
videos="$root/fuzz/corpus/fuzz_decode"
readers="$root/fuzz/corpus/fuzz_readers"
rm -rf "$videos" "$readers"
mkdir -p "$videos" "$readers"

# Three frames of red, then three of a test pattern: a cut the detectors find, in as few bytes as possible.
src="color=red:s=32x24:r=25:d=0.12[a];testsrc=s=32x24:r=25:d=0.12[b];[a][b]concat=n=2:v=1"
make() {  # make NAME ffmpeg-output-options...
  local name="$1"; shift
  ffmpeg -v error -y -filter_complex "$src" -pix_fmt yuv420p -threads 1 -fflags +bitexact "$@" "$videos/$name"
}
make h264.mp4 -c:v libx264 -preset ultrafast -bf 2 -flags +bitexact -movflags +faststart
make h264.mkv -c:v libx264 -preset ultrafast -flags +bitexact
make mpeg4.avi -c:v mpeg4 -flags +bitexact
make vp8.webm -c:v libvpx -b:v 50k
make mjpeg.mov -c:v mjpeg -pix_fmt yuvj420p -q:v 20 -flags +bitexact
make anim.gif -pix_fmt rgb8
make raw.y4m

printf '0video,label\njump/a.mp4,jump\n"run/b,c.mp4","run"\n' > "$readers/labels.csv"
printf '1video,start_sec,end_sec,label\na.mp4,0.5,1.25,wave\n' > "$readers/segments.csv"
printf '2{"database": {"v_a": {"annotations": [{"segment": [0.5, 1.5], "label": "jump"}]}, "b": {}}}' \
  > "$readers/segments.json"
printf '3video,clip,kind,start_frame,end_frame,start_sec,end_sec,label,group,split\na.mp4,0,shot,0,40,0.000000,1.600000,jump,0,train\na.mp4,1,guard,40,45,1.600000,1.800000,jump,-1,excluded\n' \
  > "$readers/keep.csv"
printf '4group,label,weight\ng1,jump,10\ng2,run,2.5\n' > "$readers/groups.csv"
# A scan line as vidsplit writes it (one shot of 2 frames, one keyframe).
line='{"video":"a.mp4","path":"a.mp4","label":"jump","content_hash":"00000000000000ff","frames":2,"corrupt_packets":0,"info":{"codec":"h264","coded_width":32,"coded_height":24,"display_width":32,"display_height":24,"rotation":0,"pixel_format":"yuv420p","avg_frame_rate":[25,1],"num_frames_from_header":2,"duration_from_header":0.08},"times":{"time_base":[1,12800],"first_pts":0,"end_pts":1024,"runs":[[512,1]]},"shots":[{"kind":"shot","start_frame":0,"end_frame":2,"keyframes":["0123456789abcdef"],"mirror_keyframes":["0123456789abcdef"],"centre_keyframes":["0123456789abcdef"],"centre_mirror_keyframes":["0123456789abcdef"],"hist_e4":[625,625,625,625,625,625,625,625,625,625,625,625,625,625,625,625,1250,1250,1250,1250,1250,1250,1250,1250,1250,1250,1250,1250,1250,1250,1250,1250],"luma_e2":5000}]}'
printf '5%s' "$line" > "$readers/scan_line.json"
printf '6{"format":"vidsplit-scan","format_version":1,"parameters":{}}\n%s\n{"video":"b.mp4","path":"b.mp4","label":"run","error":"file not found"}\n' \
  "$line" > "$readers/scan.jsonl"
# Format 2: the same line with temporal samples (a hash, a tick without one, a hash).
line2="${line%'}]}'},\"sample_step\":1,\"samples\":\"8123456789abcdef.8fedcba987654321\"}]}"
printf '5%s' "$line2" > "$readers/scan_line_samples.json"
printf '6{"format":"vidsplit-scan","format_version":2,"parameters":{}}\n%s\n' "$line2" > "$readers/scan_v2.jsonl"
# Findings, kept as seeds so every run tries them again.
printf '6{"format": "vidsplit-scan", "format_version": 8.88889e82}\n' > "$readers/scan_float_version.jsonl"
ls -l "$videos" "$readers"
