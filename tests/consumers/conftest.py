"""Shared fixtures: a small generated dataset, split once by the built vidsplit, exported per test.

The videos are made here with ffmpeg's lavfi sources (64x48, 25 fps): each is two or three shots of different
random patterns joined at hard cuts, so that a clip-unit split puts the two sides of a cut in different splits.
"""
import os
import pathlib
import subprocess

import pytest
import torch
import torchvision.io

REPO = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("VIDSPLIT_BIN", str(REPO / "build" / "vidsplit"))

# label -> video file names; a label and a file that start with '-' check that CSV cells are exact values.
LAYOUT = {
    "abseiling": ["a1.mp4", "a2.mp4", "a3.mp4"],
    "high jump": ["h1.mp4", "h2.mp4", "h3.mp4"],
    "-neg": ["-x.mp4", "n2.mp4", "n3.mp4"],
}


def make_video(path, seed, shots):
    """`shots` random-pattern shots of one second each, joined at hard cuts."""
    inputs, names = [], []
    for k in range(shots):
        # A random cell pattern in one of six colours: the colour changes at every cut.
        r, g, b = [(255, 40, 40), (40, 255, 40), (40, 40, 255), (255, 255, 40), (255, 40, 255), (40, 255, 255)][(seed + k) % 6]
        inputs += ["-f", "lavfi", "-i", f"cellauto=s=64x48:rate=25:rule=30:random_seed={seed * 10 + k}:full=1"]
        names.append(f"[{k}:v]trim=duration=1,setpts=PTS-STARTPTS,format=rgb24,"
                     f"lutrgb=r=val*{r}/255:g=val*{g}/255:b=val*{b}/255,format=yuv420p[v{k}]")
    graph = ";".join(names) + ";" + "".join(f"[v{k}]" for k in range(shots)) + f"concat=n={shots}:v=1[out]"
    subprocess.run(["ffmpeg", "-v", "error", "-y", *inputs, "-filter_complex", graph, "-map", "[out]",
                    "-c:v", "libx264", "-bf", "2", "-g", "12", "-pix_fmt", "yuv420p", str(path)], check=True)


def vidsplit(*args):
    result = subprocess.run([BINARY, *map(str, args)], capture_output=True, text=True)
    return result


@pytest.fixture(scope="session")
def dataset(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    seed = 1
    for label, files in LAYOUT.items():
        (root / label).mkdir()
        for name in files:
            make_video(root / label / name, seed, 2 + seed % 2)
            seed += 1
    return root


@pytest.fixture(scope="session")
def split_out(dataset, tmp_path_factory):
    """OUT of `vidsplit run --unit clip`: splits meet at hard cuts inside videos."""
    out = tmp_path_factory.mktemp("out")
    r = vidsplit("run", dataset, "-o", out, "--unit", "clip", "--guard", "0", "--ratios", "train=0.5,val=0.5",
                 "--seed", "3", "-q", "--no-report")
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="session")
def video_out(dataset, tmp_path_factory):
    """OUT of `vidsplit run --unit video`, with every class in both splits."""
    out = tmp_path_factory.mktemp("vout")
    r = vidsplit("run", dataset, "-o", out, "--ratios", "train=0.6,val=0.4", "--min-per-class", "1", "--seed", "1",
                 "-q", "--no-report")
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="session")
def folds_out(dataset, tmp_path_factory):
    out = tmp_path_factory.mktemp("fout")
    r = vidsplit("run", dataset, "-o", out, "--folds", "3", "--seed", "1", "-q", "--no-report")
    assert r.returncode == 0, r.stderr
    return out


def export(out, fmt, to, *extra):
    r = vidsplit("export", out, "--format", fmt, "--to", to, *extra)
    assert r.returncode == 0, r.stderr
    return r


_frames = {}


def frames_of(path):
    """Every decoded frame of a file (uint8 THWC), through torchvision/PyAV, cached."""
    path = str(path)
    if path not in _frames:
        video, _, _ = torchvision.io.read_video(path, pts_unit="sec", output_format="THWC")
        _frames[path] = video
    return _frames[path]


def same_frame(a, b):
    return torch.equal(a, b)
