"""Shared fixtures: the CLI binary, the sample videos, and one scan of them (made once per session)."""
import os
import subprocess
from pathlib import Path

import pytest

import vidsplit

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_videos"
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def cli():
    """Runs the vidsplit binary (VIDSPLIT_BINARY, set by ctest, or build/vidsplit)."""
    binary = os.environ.get("VIDSPLIT_BINARY", str(ROOT / "build" / "vidsplit"))
    if not os.path.exists(binary):
        pytest.skip(f"no vidsplit binary at {binary}")

    def run(*args, check=True):
        return subprocess.run([binary, *map(str, args)], capture_output=True, text=True, check=check)
    return run


@pytest.fixture(scope="session")
def sample_scans():
    return vidsplit.scan(SAMPLES, threads=2)


@pytest.fixture(scope="session")
def sample_split_dir(tmp_path_factory, sample_scans):
    out = tmp_path_factory.mktemp("split")
    vidsplit.split(sample_scans, unit="clip", seed=1).to_csv(out)
    return out
