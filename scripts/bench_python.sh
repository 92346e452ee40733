#!/usr/bin/env bash
# bench_python.sh: the Python module against its references, side by side in one run (a benchmark program, not a
# test: it prints figures and PASS/MISS against the targets, and never fails on a miss).
#   scan     vidsplit.scan(FILES) against `vidsplit scan FILES -o OUT --no-cache -q`, same threads (target:
#            within 3 %); best of 3 runs each, both timed from one Python process (the CLI's including its start)
#   loader   ClipDataset (vidsplit.decode, the scan's frame times) against torchvision.io.read_video (PyAV) reading
#            the same windows of 16 frames from the same clips, one process, RGB uint8 tensors (target: >= 0.9x the
#            frames/s); each reader runs twice and the second run counts (the files are in the page cache for both)
#
# Usage: scripts/bench_python.sh [--threads N] [DIR]
#   DIR  the videos (default: ../shared/corpus/actions when present, else sample_videos)
# Builds build/ through scripts/common.sh; needs Debian's python3-torchvision for the reference (installed when
# missing, like the build deps).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

threads=$(nproc)
dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    *) dir="$1"; shift ;;
  esac
done
if [ -z "$dir" ]; then
  dir="$VIDSPLIT_ROOT/sample_videos"
  [ -d "$VIDSPLIT_ROOT/../shared/corpus/actions" ] && dir="$(cd "$VIDSPLIT_ROOT/../shared/corpus/actions" && pwd)"
fi
vidsplit_install_deps "${VIDSPLIT_PYTHON_TEST_PACKAGES[@]}" python3-torchvision
vidsplit_build "$VIDSPLIT_ROOT/build" -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

PYTHONPATH="$VIDSPLIT_ROOT/build/python" /usr/bin/python3 - "$dir" "$threads" "$work" "$VIDSPLIT_ROOT/build/vidsplit" <<'PY'
import subprocess, sys, time
import torch, torchvision
from torchvision.io import read_video
import vidsplit
from vidsplit.torch import ClipDataset

folder, threads, work, binary = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
cli_times = []
for _ in range(3):
    start = time.perf_counter()
    subprocess.run([binary, "scan", folder, "-o", f"{work}/cli", "--no-cache", "-q", "-j", str(threads)],
                   check=True, stdout=subprocess.DEVNULL)
    cli_times.append(time.perf_counter() - start)
cli_best = min(cli_times)
times = []
for _ in range(3):
    start = time.perf_counter()
    scans = vidsplit.scan(folder, threads=threads)
    times.append(time.perf_counter() - start)
frames = sum(v.frames for v in scans)
py_best = min(times)
ratio = py_best / cli_best
print(f"scan    {len(scans)} videos, {frames} frames, {threads} threads, best of 3")
print(f"  vidsplit scan (CLI)    {cli_best:7.3f} s  {frames / cli_best:9.0f} frames/s")
print(f"  vidsplit.scan          {py_best:7.3f} s  {frames / py_best:9.0f} frames/s   "
      f"{(ratio - 1) * 100:+.1f} %  {'PASS' if ratio <= 1.03 else 'MISS'} (target within 3 %)")

out = f"{work}/split"
vidsplit.split(scans).to_csv(out)
datasets = [ClipDataset(out, split=name, frames_per_clip=16, stride=16, threads=0) for name in ("train", "val")]
by_video = {v.video: v for v in scans}
windows = [(by_video[v].path, by_video[v].frame_seconds(s), by_video[v].frame_seconds(s + 15))
           for data in datasets for v, s, _ in data.windows]

def run_dataset():
    n = 0
    for data in datasets:
        for i in range(len(data)):
            n += data[i][0].shape[0]
    return n

def run_read_video():
    n = 0
    for path, start, end in windows:
        video, _, _ = read_video(path, start, end, pts_unit="sec", output_format="THWC")
        n += video.shape[0]
    return n

results = {}
for name, reader in (("ClipDataset", run_dataset), ("read_video", run_read_video)):
    for _ in range(2):
        start = time.perf_counter()
        n = reader()
        results[name] = (n, time.perf_counter() - start)
(n_ours, t_ours), (n_ref, t_ref) = results["ClipDataset"], results["read_video"]
speed = (n_ours / t_ours) / (n_ref / t_ref)
print(f"loader  {len(windows)} windows of 16 frames from {len(scans)} videos (torch {torch.__version__}, "
      f"torchvision {torchvision.__version__})")
print(f"  torchvision read_video {t_ref:7.3f} s  {n_ref / t_ref:9.0f} frames/s  ({n_ref} frames)")
print(f"  vidsplit ClipDataset   {t_ours:7.3f} s  {n_ours / t_ours:9.0f} frames/s  ({n_ours} frames)  "
      f"{speed:.2f}x  {'PASS' if speed >= 0.9 else 'MISS'} (target >= 0.9x)")
PY
