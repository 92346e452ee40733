"""scikit-learn glue: ``VideoGroupSplit``, cross-validation folds that never put one leakage group in two folds."""
from __future__ import annotations

import os
from typing import Any, Dict, Iterator, Optional, Sequence, Tuple

import numpy as np

import vidsplit


class VideoGroupSplit:
    """A scikit-learn CV splitter whose groups are vidsplit's leakage groups.

    ``split(X, y=None, groups=...)`` takes, in ``groups``, the video file of each sample (several samples may
    share a video). The videos are scanned (once per splitter; pass ``scans`` to reuse a scan), grouped, and the
    groups dealt into ``n_splits`` folds by vidsplit's solver (``vidsplit split --folds``: per-class balance of
    ``balance_by``, seeded by ``seed``). Fold k is the test set of the k-th split; identical or near-duplicate
    videos always land in one fold. ``scan_options`` go to ``vidsplit.scan``.

        cross_val_score(model, X, y, groups=video_of_sample, cv=VideoGroupSplit(n_splits=5))
    """

    def __init__(self, n_splits: int = 5, *, seed: int = 0, balance_by: str = "frames",
                 scans: Optional[Sequence["vidsplit.VideoScan"]] = None, threads: int = 0, **scan_options: Any):
        if n_splits < 2:
            raise vidsplit.ConfigError("n_splits must be >= 2")
        self.n_splits = n_splits
        self.seed = seed
        self.balance_by = balance_by
        self.threads = threads
        self.scan_options = scan_options
        self._scans: Dict[str, vidsplit.VideoScan] = {v.path: v for v in scans} if scans is not None else {}

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        return self.n_splits

    def _fold_of_videos(self, files: Sequence[str]) -> Dict[str, int]:
        missing = [f for f in files if f not in self._scans]
        if missing:
            for v in vidsplit.scan(missing, threads=self.threads, **self.scan_options):
                self._scans[v.path] = v
        scans = [self._scans[f] for f in files]
        failed = [v for v in scans if not v.ok]
        if failed:
            raise vidsplit.InputError(f"{failed[0].path}: {failed[0].error}")
        result = vidsplit.split(scans, folds=self.n_splits, seed=self.seed, balance_by=self.balance_by,
                                threads=self.threads)
        by_video = {v.video: v.path for v in scans}
        return {by_video[c.video]: c.fold for c in result.clips if c.fold >= 0}

    def split(self, X: Any, y: Any = None, groups: Any = None) -> Iterator[Tuple[np.ndarray, np.ndarray]]:
        if groups is None:
            raise ValueError("VideoGroupSplit needs groups: the video file of each sample")
        files = [os.fspath(g) for g in groups]
        if len(files) != len(X):
            raise ValueError(f"groups has {len(files)} entries, X has {len(X)} samples")
        fold_of = self._fold_of_videos(sorted(set(files)))
        folds = np.array([fold_of[f] for f in files])
        for k in range(self.n_splits):
            test = np.flatnonzero(folds == k)
            if len(test) == 0:
                raise ValueError(f"fold {k} is empty: fewer leakage groups than n_splits={self.n_splits}")
            yield np.flatnonzero(folds != k), test
