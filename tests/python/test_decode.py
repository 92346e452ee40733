"""decode gives exactly the frames a clips.csv row names: seeking or not, and as PyAV decodes them."""
import av
import numpy as np
import pytest

import vidsplit
from conftest import DATA, SAMPLES


def pyav_frames(path):
    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])


def luma_difference(a, b):
    weights = np.array([0.299, 0.587, 0.114])
    return float(np.abs((a.astype(float) - b.astype(float)) @ weights).mean())


# Files whose frames are counted and timed in every way the decoder knows: B-frames with I-frames every 12
# frames (MPEG-4), open GOPs (HEVC), a variable frame rate, x264 with its scene-cut keyframes.
@pytest.mark.parametrize("name", ["mpeg4_cut.mkv", "hevc_gop.mp4", "vfr.mp4", "mpeg4_zoom_cut.mkv"])
def test_decode_matches_pyav_frame_by_frame(name):
    path = DATA / name
    [scan] = vidsplit.scan(path)
    reference = pyav_frames(path)
    assert scan.frames == len(reference)
    n = scan.frames
    windows = [(0, 3), (n // 3, n // 3 + 7), (n // 2 + 1, n // 2 + 2), (n - 5, n)]
    if name == "hevc_gop.mp4":
        windows += [(139, 145), (141, 150), (285, 290)]  # around the keyframes at 140 and 280
    for start, end in windows:
        seeking = vidsplit.decode(scan, start, end)
        assert seeking.dtype == np.uint8 and seeking.shape == (end - start,) + reference.shape[1:]
        # The same decoder from the first frame gives the same pixels: the seek found the right frames.
        assert np.array_equal(seeking, vidsplit.decode(path, start, end)), (start, end)
        # PyAV converts to RGB with other swscale flags, whose chroma upsampling and rounding differ by up to 5
        # grey levels on average over these small, sharp test patterns; the luma they agree on within about one.
        # Each frame must be that close to PyAV's frame of the same number, and no closer to a neighbour's.
        for i in range(end - start):
            diffs = {j: luma_difference(seeking[i], reference[j])
                     for j in range(max(0, start + i - 2), min(n, start + i + 3))}
            assert diffs[start + i] < 1.5, (start + i, diffs)
            assert all(diffs[start + i] <= d for d in diffs.values()), (start + i, diffs)


def test_decode_rows_of_a_split(sample_split_dir):
    scans = {v.video: v for v in vidsplit.read_scan(sample_split_dir / "scan.jsonl")}
    rows = [c for c in vidsplit.read_clips(sample_split_dir / "clips.csv") if c.video == "run/run_vfr.mp4"]
    reference = pyav_frames(SAMPLES / "run" / "run_vfr.mp4")
    for row in rows:
        frames = vidsplit.decode(scans[row.video], row.start_frame, row.end_frame)
        assert len(frames) == row.end_frame - row.start_frame
        for got, expected in zip(frames, reference[row.start_frame:row.end_frame]):
            assert luma_difference(got, expected) < 1.5


def test_decode_size_and_rotation():
    rotated = vidsplit.decode(DATA / "rotate90.mp4", 0, 2)
    assert rotated.shape[1:] == (64, 32, 3)  # shown upright: 32 wide, 64 high
    small = vidsplit.decode(DATA / "mpeg4_cut.mkv", 20, 24, size=(72, 128))
    assert small.shape == (4, 72, 128, 3)
    assert vidsplit.decode(DATA / "rotate90.mp4", 0, 1, size=(16, 8)).shape == (1, 16, 8, 3)


def test_decode_errors(tmp_path):
    with pytest.raises(vidsplit.InputError, match=r"gray_cut\.mp4: frames 38\.\.41 asked, but the video has 40 frames"):
        vidsplit.decode(DATA / "gray_cut.mp4", 38, 41)
    with pytest.raises(vidsplit.ConfigError, match="need 0 <= start_frame < end_frame"):
        vidsplit.decode(DATA / "gray_cut.mp4", 5, 5)
    with pytest.raises(ValueError, match="give both sides"):
        vidsplit.decode(DATA / "gray_cut.mp4", 0, 1, size=(0, 10))
    with pytest.raises(vidsplit.InputError, match="missing.mp4: cannot open"):
        vidsplit.decode(tmp_path / "missing.mp4", 0, 1)
