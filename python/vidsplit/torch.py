"""PyTorch glue: ``ClipDataset``, the clips of one split as a ``torch.utils.data.Dataset``."""
from __future__ import annotations

import os
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

import torch
from torch.utils.data import Dataset

import vidsplit


class ClipDataset(Dataset):
    """Windows of ``frames_per_clip`` consecutive frames from the non-excluded rows of one split.

    ``source`` is an output folder of ``vidsplit run`` (or ``Split.to_csv``), holding clips.csv and scan.jsonl,
    or a ``vidsplit.Split``. Each row of split ``split`` gives windows starting at its first frame and every
    ``stride`` frames (default: ``frames_per_clip``, no overlap) that end inside the row, so no window crosses a
    shot boundary or a guard band; rows shorter than a window give none.

    An item is ``(clip, label)``: ``clip`` is a uint8 tensor [T, H, W, 3] (RGB; ``size = (height, width)``
    resizes while decoding), passed through ``transform`` when given, and ``label`` the index of the row's label
    in ``classes`` (the sorted labels of all rows). Frames come from ``vidsplit.decode`` with the scan's frame
    times, so they are exactly the frames clips.csv names. Each item opens its own decoder, so the dataset is
    safe with ``DataLoader(num_workers > 0)``; ``threads`` are the codec threads per decode (1 suits workers).
    """

    def __init__(self, source: Union[str, "os.PathLike[str]", "vidsplit.Split"], split: str = "train",
                 frames_per_clip: int = 16, stride: Optional[int] = None,
                 transform: Optional[Callable[[torch.Tensor], Any]] = None,
                 size: Optional[Tuple[int, int]] = None, threads: int = 1):
        if frames_per_clip < 1:
            raise vidsplit.ConfigError("frames_per_clip must be >= 1")
        stride = frames_per_clip if stride is None else stride
        if stride < 1:
            raise vidsplit.ConfigError("stride must be >= 1")
        if isinstance(source, vidsplit.Split):
            clips = source.clips
            self._scans: Optional[Dict[str, vidsplit.VideoScan]] = {v.video: v for v in source.scans}
            self._scan_path: Optional[str] = None
        else:
            out = os.fspath(source)
            clips = vidsplit.read_clips(os.path.join(out, "clips.csv"))
            self._scans = None  # read in each process on first use: decoder state is never shared
            self._scan_path = os.path.join(out, "scan.jsonl")
            if not os.path.exists(self._scan_path):
                raise vidsplit.InputError(f"{self._scan_path}: not found (ClipDataset reads the video paths from it)")
        self.classes: List[str] = sorted({c.label for c in clips})
        index = {label: i for i, label in enumerate(self.classes)}
        self.split = split
        self.frames_per_clip = frames_per_clip
        self.transform = transform
        self.size = size
        self.threads = threads
        # (video id, start frame, label index) of every window.
        self.windows: List[Tuple[str, int, int]] = []
        for c in clips:
            if c.split != split:
                continue
            for start in range(c.start_frame, c.end_frame - frames_per_clip + 1, stride):
                self.windows.append((c.video, start, index[c.label]))

    def __len__(self) -> int:
        return len(self.windows)

    def _scan(self, video: str) -> "vidsplit.VideoScan":
        if self._scans is None:
            self._scans = {v.video: v for v in vidsplit.read_scan(self._scan_path)}
        return self._scans[video]

    def __getitem__(self, i: int) -> Tuple[Any, int]:
        video, start, label = self.windows[i]
        frames = vidsplit.decode(self._scan(video), start, start + self.frames_per_clip, self.size,
                                 threads=self.threads)
        clip = torch.from_numpy(frames)
        return (self.transform(clip) if self.transform else clip), label

    def __getstate__(self) -> Dict[str, Any]:
        # Scans read from a file are read again in each worker; those of a Split travel with it.
        state = self.__dict__.copy()
        if self._scan_path is not None:
            state["_scans"] = None
        return state
