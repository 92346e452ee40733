"""vidsplit from Python: leakage-safe train/val(/test) splits for video datasets.

The same native core as the ``vidsplit`` command line (no second implementation): the functions are named like
its commands, take its options as keyword arguments (``--min-shot`` is ``min_shot``) and give the same results,
byte for byte. ``vidsplit.torch`` (a PyTorch ``Dataset`` over a split) and ``vidsplit.sklearn`` (a group-aware
cross-validation splitter) are imported on demand.

Errors: ``ConfigError`` (also a ``ValueError``) for bad options, ``InputError`` for an input that cannot be used
(a missing clips.csv, a video ``decode`` cannot read), both ``VidsplitError``; the messages are the command line's.
A video that fails during a scan is not raised: its ``VideoScan.error`` says why. Ctrl-C raises
``KeyboardInterrupt`` within a fraction of a second; scans and decoding run without the GIL.
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

from . import _native
from ._native import ConfigError, InputError, Shot, VideoScan, VidsplitError

__version__: str = _native.__version__
__all__ = [
    "scan", "split", "shots", "audit", "read_clips", "read_scan", "decode", "leakage_groups", "export_formats",
    "Split", "Scans", "Audit", "Clip", "VideoScan", "Shot", "VidsplitError", "ConfigError", "InputError",
]

PathLike = Union[str, "os.PathLike[str]"]
Progress = Union[None, bool, Callable[[int, int, int, int], None]]

# The scan options (the command line's "Scanning" group, `--name` as `name`); None keeps the default.
_SCAN_OPTIONS = ("detector", "threshold", "min_shot", "max_pixels", "max_seconds_per_video", "speed", "analysis_size",
                 "adaptive_ratio", "min_hash_change", "adaptive_window", "flash_frames", "black_level", "white_level",
                 "max_fade", "dissolve_min_change", "dissolve_max_residual", "histogram_threshold")


def _scan_settings(options: Mapping[str, Any]) -> Dict[str, Any]:
    unknown = sorted(set(options) - set(_SCAN_OPTIONS))
    if unknown:
        raise TypeError(f"unknown scan option(s): {', '.join(unknown)} (known: {', '.join(_SCAN_OPTIONS)})")
    return dict(options)


def _progress_callback(progress: Progress, what: str) -> Optional[Callable[[int, int, int, int], None]]:
    """None, a callable(videos_done, videos_total, frames_done, videos_cached), or True for a tqdm bar (a plain
    line on stderr when tqdm is not installed)."""
    if progress is None or progress is False:
        return None
    if callable(progress):
        return progress
    try:
        from tqdm.auto import tqdm
    except ImportError:
        import sys

        def line(done: int, total: int, frames: int, cached: int) -> None:
            end = "\n" if done == total else ""
            print(f"\r{what} {done}/{total} videos, {frames} frames", end=end, file=sys.stderr, flush=True)
        return line
    bar = None

    def update(done: int, total: int, frames: int, cached: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=what, unit="video")
        bar.n = done
        bar.set_postfix(frames=frames, cached=cached, refresh=False)
        bar.refresh()
        if done == total:
            bar.close()
    return update


def _paths(paths: Union[PathLike, Iterable[PathLike]]) -> List[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


class Scans(list):
    """The videos of a scan (``VideoScan``, sorted by video id), with the scan's parameters as recorded in
    scan.jsonl (``parameters``, a dict; None when unknown)."""

    def __init__(self, videos: Iterable[VideoScan] = (), parameters: Optional[dict] = None):
        super().__init__(videos)
        self.parameters = parameters

    @property
    def failures(self) -> List[VideoScan]:
        """The videos that could not be read; ``error`` gives the one-line reason."""
        return [v for v in self if not v.ok]

    def write(self, path: PathLike) -> None:
        """Writes a scan.jsonl that ``vidsplit split`` and ``read_scan`` read."""
        _native.ScanSet(list(self), json.dumps(self.parameters)).write(os.fspath(path))


def _scans(native: "_native.ScanSet") -> Scans:
    return Scans(native.videos, json.loads(native.parameters))


def scan(paths: Union[PathLike, Iterable[PathLike]], *, detector: str = "auto", speed: str = "normal",
         threads: int = 0, cache: Optional[PathLike] = None, labels: Union[None, PathLike, Mapping[str, str]] = None,
         progress: Progress = None, **options: Any) -> Scans:
    """Decodes every video (files, or folders read recursively) and finds its shots and signatures: ``vidsplit
    scan``. A video's label is its parent folder's name below the input root unless ``labels`` (a ``video,label``
    CSV, or a dict from video id to label) gives it. ``cache`` is a folder of per-video results reused by later
    scans. ``options`` are the other scan options (``threshold``, ``min_shot``, ``analysis_size``...).

    Returns the videos sorted by id; one that cannot be read has ``ok == False`` and its ``error``."""
    settings = _scan_settings(dict(options, detector=detector, speed=speed))
    if labels is not None and not isinstance(labels, Mapping):
        labels = os.fspath(labels)
    return _scans(_native.scan(_paths(paths), settings, threads, labels, os.fspath(cache) if cache else "",
                               _progress_callback(progress, "scan")))


def read_scan(path: PathLike) -> Scans:
    """The videos of a scan.jsonl written by ``vidsplit scan``/``run`` or ``Scans.write``."""
    return _scans(_native.read_scan(os.fspath(path)))


class Clip(NamedTuple):
    """One row of clips.csv (``fold`` only with folds)."""
    video: str
    clip: int
    kind: str
    start_frame: int
    end_frame: int
    start_sec: float
    end_sec: float
    label: str
    group: int
    split: str
    fold: Optional[int] = None


def _csv_dicts(text: str) -> List[Dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


class Split:
    """A finished split: ``clips`` (the rows of clips.csv), ``groups`` (one dict per leakage group), ``evidence``
    (why clips share a group, as in group_evidence.csv), ``summary`` (summary.json), ``warnings``, ``scans``."""

    def __init__(self, native: "_native.SplitResult"):
        self._native = native
        self.clips: List[Clip] = [Clip(*row) for row in native.clips()]
        self.warnings: List[str] = list(native.warnings)
        self.out_dir: Optional[str] = None

    @property
    def scans(self) -> List[VideoScan]:
        return self._native.scans

    @property
    def groups(self) -> List[Dict[str, Any]]:
        """Per leakage group (by id): its split, videos, clips and frames (excluded rows belong to none)."""
        groups: List[Dict[str, Any]] = [
            {"group": g, "split": None, "videos": [], "clips": 0, "frames": 0} for g in range(self._native.group_count)]
        for c in self.clips:
            if c.group < 0:
                continue
            g = groups[c.group]
            g["split"] = c.split
            if not g["videos"] or g["videos"][-1] != c.video:
                if c.video not in g["videos"]:
                    g["videos"].append(c.video)
            g["clips"] += 1
            g["frames"] += c.end_frame - c.start_frame
        return groups

    @property
    def evidence(self) -> List[Dict[str, str]]:
        return _csv_dicts(self._native.evidence_csv())

    @property
    def summary(self) -> Dict[str, Any]:
        return json.loads(self._native.summary_json())

    def to_csv(self, out_dir: PathLike) -> str:
        """Writes the files of ``vidsplit run`` into ``out_dir`` (created if missing): clips.csv, summary.json,
        errors.csv, group_evidence.csv and scan.jsonl. Returns the clips.csv path."""
        out = os.fspath(out_dir)
        self._native.write(out)
        self.out_dir = out
        return os.path.join(out, "clips.csv")

    def to_pandas(self) -> "Any":
        """The clips as a pandas DataFrame (pandas must be installed)."""
        import pandas as pd
        frame = pd.DataFrame(self.clips, columns=Clip._fields)
        return frame if any(c.fold is not None for c in self.clips) else frame.drop(columns="fold")

    def export(self, format: str, to: Optional[PathLike] = None, *, link: str = "copy", frames_every: int = 1,
               threads: int = 0) -> List[str]:
        """``vidsplit export``: the split in a training framework's format (``export_formats()``) under ``to``
        (default OUT/export/FORMAT). Needs ``to_csv(out)`` first. Returns the list files written, relative to ``to``."""
        if self.out_dir is None:
            raise ConfigError("export needs the split's files: call to_csv(OUT) first")
        return list(_native.export(self.out_dir, format, os.fspath(to) if to else "", link, frames_every, threads))


def split(scans_or_paths: Union[Sequence[VideoScan], PathLike, Iterable[PathLike]], *,
          ratios: Union[str, Mapping[str, float]] = "train=0.8,val=0.2", unit: str = "video", seed: int = 0,
          guard: float = 0.0, folds: int = 0, group_threshold: int = 10, balance_by: str = "frames",
          min_per_class: int = 1, stable: bool = False, keep: Optional[PathLike] = None,
          segments: Optional[PathLike] = None, threads: int = 0, progress: Progress = None,
          **scan_options: Any) -> Split:
    """Groups everything that could leak and assigns whole groups to splits: ``vidsplit split`` (or ``run``).

    ``scans_or_paths`` is what ``scan`` returned, a scan.jsonl, or video files and folders (scanned first with
    ``scan_options``, ``threads`` and ``progress``). ``ratios`` is ``{"train": .8, "val": .2}`` or the command
    line's ``"train=0.8,val=0.2"``; ``folds=K`` makes K folds instead. ``keep`` (an earlier clips.csv) and
    ``segments`` (annotations) are as on the command line."""
    if isinstance(ratios, Mapping):
        ratios = ",".join(f"{name}={float(value)!r}" for name, value in ratios.items())
    settings = dict(ratios=ratios, unit=unit, seed=seed, guard=guard, folds=folds, group_threshold=group_threshold,
                    balance_by=balance_by, min_per_class=min_per_class, stable=stable,
                    keep=os.fspath(keep) if keep else None, segments=os.fspath(segments) if segments else None)
    if folds and ratios == "train=0.8,val=0.2":
        settings["ratios"] = None  # the default: folds replace it
    if isinstance(scans_or_paths, (str, os.PathLike)) and os.fspath(scans_or_paths).endswith(".jsonl"):
        videos = read_scan(scans_or_paths)
    elif isinstance(scans_or_paths, (str, os.PathLike)):
        videos = scan(scans_or_paths, threads=threads, progress=progress, **scan_options)
    else:
        items = scans_or_paths if isinstance(scans_or_paths, Scans) else list(scans_or_paths)
        if items and all(isinstance(v, VideoScan) for v in items):
            videos = items
        else:
            videos = scan(items, threads=threads, progress=progress, **scan_options)
    if scan_options and not isinstance(videos, Scans):
        raise TypeError("scan options apply only when split() scans the videos itself")
    parameters = videos.parameters if isinstance(videos, Scans) else None
    return Split(_native.split(list(videos), json.dumps(parameters), settings, threads))


def shots(path: PathLike, *, threads: int = 0, **detector_options: Any) -> List[Shot]:
    """``vidsplit shots``: the shot list of one video (InputError when it cannot be read)."""
    return list(_native.shots(os.fspath(path), _scan_settings(detector_options), threads).shots)


class Audit(NamedTuple):
    """What ``audit`` found: ``leaks`` (the rows of leaks.csv), per split the frames with a near-duplicate in
    the ``reference`` split, the ``layout`` it read, and the scans (``failures`` among them)."""
    leaks: List[Dict[str, str]]
    splits: List[Dict[str, Any]]
    reference: str
    layout: str
    scans: List[VideoScan]
    leaks_csv: str

    @property
    def failures(self) -> List[VideoScan]:
        return [v for v in self.scans if not v.ok]


def audit(split: PathLike, *, videos: Optional[PathLike] = None, lists: str = "01", group_threshold: int = 10,
          threads: int = 0, progress: Progress = None, **scan_options: Any) -> Audit:
    """``vidsplit audit``: checks an existing split (a clips.csv, UCF101-style lists, or root/<split>/...) for
    clips that leak between splits."""
    run = _native.audit(os.fspath(split), os.fspath(videos) if videos else "", lists, group_threshold,
                        _scan_settings(scan_options), threads, _progress_callback(progress, "audit"))
    return Audit(_csv_dicts(run.leaks_csv), run.splits, run.reference, run.kind, run.scans, run.leaks_csv)


def read_clips(path: PathLike) -> List[Clip]:
    """The rows of a clips.csv (``fold`` filled when the file has that column)."""
    header, rows = _native.read_clips(os.fspath(path))
    at = {name: i for i, name in enumerate(header)}
    fold = at.get("fold")
    out = []
    for r in rows:
        out.append(Clip(r[at["video"]], int(r[at["clip"]]), r[at["kind"]], int(r[at["start_frame"]]),
                        int(r[at["end_frame"]]), float(r[at["start_sec"]]), float(r[at["end_sec"]]), r[at["label"]],
                        int(r[at["group"]]), r[at["split"]], int(r[fold]) if fold is not None else None))
    return out


def decode(video: Union[PathLike, VideoScan], start_frame: int, end_frame: int,
           size: Optional[Tuple[int, int]] = None, *, threads: int = 0) -> np.ndarray:
    """The frames ``start_frame <= i < end_frame`` of a video, numbered as the scan numbers them (decoded frames in
    presentation order, as in clips.csv), as a uint8 RGB array [T, H, W, 3] at the display size (rotation
    applied), or resized to ``size = (height, width)``.

    ``video`` is a path, or its ``VideoScan``: with the scan's frame times the decoder seeks to the keyframe
    before the clip and checks every frame's time; with a bare path it decodes from the first frame.
    ``threads`` are codec threads (0: FFmpeg's choice; 1 in DataLoader workers)."""
    scan_ = video if isinstance(video, VideoScan) else None
    path = video.path if scan_ is not None else os.fspath(video)
    height, width = (0, 0) if size is None else (int(size[0]), int(size[1]))
    return _native.decode(path, int(start_frame), int(end_frame), scan_, width, height, threads)


def leakage_groups(paths: Union[PathLike, Iterable[PathLike], Sequence[VideoScan]], *, group_threshold: int = 10,
                   threads: int = 0, progress: Progress = None, **scan_options: Any) -> np.ndarray:
    """The leakage group of each video (whole videos: identical streams and near-duplicate clips join), as an int64
    array in the order of ``paths`` (video files, or ``VideoScan``s); -1 for a video that cannot be read. For
    ``sklearn.model_selection.GroupKFold(...).split(X, y, groups=...)``."""
    items = list(paths) if not isinstance(paths, (str, os.PathLike)) else [paths]
    if items and all(isinstance(v, VideoScan) for v in items):
        scans = items
    else:
        files = [os.fspath(p) for p in items]
        scans = scan(files, threads=threads, progress=progress, **scan_options)
        by_path = {v.path: v for v in scans}
        missing = [f for f in files if f not in by_path]
        if missing:
            raise ConfigError(f"leakage_groups takes video files, not folders: {missing[0]}")
        scans = [by_path[f] for f in files]
    return np.asarray(_native.leakage_groups(list(scans), group_threshold, threads), dtype=np.int64)


def export_formats() -> List[str]:
    """The formats ``Split.export`` writes."""
    return list(_native.export_formats())
