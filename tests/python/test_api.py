"""scan, split, shots, audit, read_clips, export: the same results as the command line, byte for byte."""
import csv
import json
import signal
import threading
import time
import os

import pytest

import vidsplit
from conftest import DATA, SAMPLES

FILES = ["clips.csv", "summary.json", "errors.csv", "group_evidence.csv", "scan.jsonl"]


def test_scan_and_split_match_the_cli_byte_for_byte(tmp_path, cli, sample_scans):
    cli("scan", SAMPLES, "-o", tmp_path / "cli", "--no-cache", "-q")
    cli("split", tmp_path / "cli" / "scan.jsonl", "-o", tmp_path / "cli", "--unit", "clip", "--guard", "0.5",
        "--seed", "3", "--ratios", "train=0.7,val=0.15,test=0.15", "-q", "-j", "2")
    result = vidsplit.split(sample_scans, unit="clip", guard=0.5, seed=3,
                            ratios={"train": 0.7, "val": 0.15, "test": 0.15})
    result.to_csv(tmp_path / "py")
    # `vidsplit split` also records the SCAN.jsonl it read (parameters.scan_source); a split of scans in memory
    # read none. Everything else is the same, byte for byte.
    cli_summary = json.loads((tmp_path / "cli" / "summary.json").read_text())
    assert cli_summary["parameters"].pop("scan_source") == str(tmp_path / "cli" / "scan.jsonl")
    for name in FILES:
        if name == "summary.json":
            expected = (json.dumps(cli_summary, indent=2, ensure_ascii=False) + "\n").encode()
        elif name == "scan.jsonl":
            # The CLI's header also records where the scan ran (origin: cwd and INPUT roots, for export's
            # checks); the module's scans carry no origin yet.
            header, rest = (tmp_path / "cli" / name).read_bytes().split(b"\n", 1)
            fields = json.loads(header)
            assert fields.pop("origin")["roots"] == [str(SAMPLES.resolve())]
            expected = json.dumps(fields, separators=(",", ":")).encode() + b"\n" + rest
        else:
            expected = (tmp_path / "cli" / name).read_bytes()
        assert (tmp_path / "py" / name).read_bytes() == expected, name
    assert len(sample_scans) == 13 and all(v.ok for v in sample_scans)
    assert result.summary == cli_summary
    assert [tuple(c) for c in result.clips] == [tuple(c) for c in vidsplit.read_clips(tmp_path / "cli" / "clips.csv")]


def test_split_folds_and_groups(sample_scans):
    result = vidsplit.split(sample_scans, folds=3)
    assert {c.fold for c in result.clips} == {0, 1, 2}
    assert all(c.split == f"fold{c.fold}" for c in result.clips)
    groups = result.groups
    assert len(groups) == 12  # 13 videos, the jump_dup pair shares one
    dup = [g for g in groups if len(g["videos"]) == 2]
    assert [sorted(g["videos"]) for g in dup] == [["jump/jump_dup_hq.mp4", "jump/jump_dup_lq.mp4"]]
    assert result.evidence[0]["reason"] == "near-duplicate"
    frame = result.to_pandas()
    assert list(frame.columns)[-1] == "fold" and len(frame) == len(result.clips)


def test_split_reads_a_scan_file(tmp_path, sample_scans):
    sample_scans.write(tmp_path / "scan.jsonl")
    again = vidsplit.split(tmp_path / "scan.jsonl", seed=5)
    assert again.clips == vidsplit.split(sample_scans, seed=5).clips


def test_shots_match_the_cli(cli):
    video = SAMPLES / "wave" / "wave_cuts4.mp4"
    out = cli("shots", video).stdout.splitlines()
    shots = vidsplit.shots(video)
    assert [(s.start_frame, s.end_frame) for s in shots] == [(0, 30), (30, 70), (70, 105), (105, 150)]
    assert out[0] == "shot,kind,start_frame,end_frame,start_sec,end_sec"
    assert out[1:] == [f"{s.index},{s.kind},{s.start_frame},{s.end_frame},{s.start_sec:.6f},{s.end_sec:.6f}"
                       for s in shots]


def test_audit_finds_no_leak_in_a_vidsplit_split(sample_split_dir):
    result = vidsplit.audit(sample_split_dir / "clips.csv", videos=SAMPLES, threads=2)
    assert result.layout == "clips-csv" and result.leaks == [] and result.reference == "train"
    assert [s["split"] for s in result.splits] == ["val"]


def test_export_matches_the_cli(tmp_path, cli, sample_scans):
    result = vidsplit.split(sample_scans)
    with pytest.raises(vidsplit.ConfigError, match="to_csv"):
        result.export("ucf101", tmp_path / "x")
    result.to_csv(tmp_path / "out")
    files = result.export("mmaction2", tmp_path / "py", link="symlink")
    cli("export", tmp_path / "out", "--format", "mmaction2", "--to", tmp_path / "cli", "--link", "symlink")
    assert files and all((tmp_path / "py" / f).read_bytes() == (tmp_path / "cli" / f).read_bytes() for f in files)


def test_failed_videos_are_returned_with_the_cli_reason(tmp_path, cli):
    empty = tmp_path / "empty.mp4"  # zero bytes: a per-video failure (a path naming nothing is a ConfigError)
    empty.write_bytes(b"")
    inputs = [DATA / "bad" / "not_a_video.mp4", DATA / "gray_cut.mp4", empty]
    scans = vidsplit.scan(inputs)
    assert sorted(v.ok for v in scans) == [False, False, True]
    assert cli("scan", *inputs, "-o", tmp_path / "cli", "--no-cache", "-q", check=False).returncode == 3
    with open(tmp_path / "cli" / "errors.csv", newline="") as f:
        rows = list(csv.reader(f))[1:]
    assert sorted(row[:2] for row in rows) == sorted([v.video, v.error] for v in scans.failures)
    groups = vidsplit.leakage_groups(scans)
    assert sorted(groups.tolist()) == [-1, -1, 0]


def test_leakage_groups_of_files(sample_scans):
    files = [str(SAMPLES / "jump" / n) for n in ("jump_dup_hq.mp4", "jump_cuts3.mp4", "jump_dup_lq.mp4")]
    assert vidsplit.leakage_groups(files).tolist() == [0, 1, 0]


@pytest.mark.parametrize("call, message", [
    (lambda: vidsplit.scan(SAMPLES, speed="warp"),
     "--speed must be normal, no-deblock, ref-frames, lowres, keyframes or fast, not 'warp'"),
    (lambda s: vidsplit.split(s, ratios="train=0.8,val=0.3"), None),
    (lambda s: vidsplit.split(s, guard=1.0), "--guard applies only with --unit clip (whole videos have no boundaries "
                                            "to guard)"),
])
def test_bad_options_raise_value_errors_with_the_cli_message(call, message, sample_scans, cli, tmp_path):
    with pytest.raises(ValueError) as raised:
        call(sample_scans) if call.__code__.co_argcount else call()
    assert isinstance(raised.value, vidsplit.ConfigError) and isinstance(raised.value, vidsplit.VidsplitError)
    if message:
        assert str(raised.value) == message
    else:  # the ratios message comes from the library's parser: the CLI prints the same
        sample_scans.write(tmp_path / "scan.jsonl")
        err = cli("split", tmp_path / "scan.jsonl", "-o", tmp_path, "--ratios", "train=0.8,val=0.3", check=False).stderr
        assert err.strip() == f"vidsplit split: error: {raised.value}"


def test_input_errors(tmp_path):
    with pytest.raises(vidsplit.InputError, match=r"clips\.csv"):
        vidsplit.read_clips(tmp_path / "clips.csv")
    with pytest.raises(vidsplit.InputError, match="not_a_video.mp4: "):
        vidsplit.shots(DATA / "bad" / "not_a_video.mp4")
    with pytest.raises(vidsplit.InputError, match="no video files found in"):
        vidsplit.scan(tmp_path)
    with pytest.raises(TypeError, match="unknown scan option"):
        vidsplit.scan(SAMPLES, min_shots=1)


def test_progress_and_ctrl_c(tmp_path):
    calls = []
    vidsplit.scan(SAMPLES / "run", threads=1, progress=lambda *p: calls.append(p))
    assert calls[-1][:2] == (4, 4)
    # Enough copies of the samples to take many seconds; SIGINT after 0.3 s must end the scan well before.
    for i in range(60):
        for video in SAMPLES.glob("*/*.mp4"):
            (tmp_path / f"{i}_{video.name}").symlink_to(video)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        vidsplit.scan(tmp_path, threads=1)
    assert time.monotonic() - start < 1.5
