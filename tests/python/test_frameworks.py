"""vidsplit.torch.ClipDataset in a DataLoader with workers; vidsplit.sklearn.VideoGroupSplit in cross_val_score."""
import numpy as np
import pytest

import vidsplit
from conftest import SAMPLES

torch = pytest.importorskip("torch")
sklearn = pytest.importorskip("sklearn")


def test_clip_dataset_with_two_workers(sample_split_dir):
    from torch.utils.data import DataLoader
    from vidsplit.torch import ClipDataset

    data = ClipDataset(sample_split_dir, split="val", frames_per_clip=8, stride=20, size=(48, 64))
    rows = [c for c in vidsplit.read_clips(sample_split_dir / "clips.csv") if c.split == "val"]
    expected = [(r.video, s) for r in rows for s in range(r.start_frame, r.end_frame - 7, 20)]
    assert [(v, s) for v, s, _ in data.windows] == expected and len(data) > 0
    assert data.classes == ["jump", "run", "wave"]
    seen = 0
    for clips, labels in DataLoader(data, batch_size=4, num_workers=2):
        assert clips.dtype == torch.uint8 and clips.shape[1:] == (8, 48, 64, 3)
        assert labels.tolist() == [data.windows[seen + k][2] for k in range(len(labels))]
        first_video, first_start, _ = data.windows[seen]
        scans = {v.video: v for v in vidsplit.read_scan(sample_split_dir / "scan.jsonl")}
        direct = vidsplit.decode(scans[first_video], first_start, first_start + 8, (48, 64))
        assert np.array_equal(clips[0].numpy(), direct)
        seen += len(labels)
    assert seen == len(data)


def test_video_group_split_in_cross_val_score(sample_scans):
    from sklearn.dummy import DummyClassifier
    from sklearn.model_selection import cross_val_score
    from vidsplit.sklearn import VideoGroupSplit

    files = [v.path for v in sample_scans for _ in v.shots]  # one sample per shot
    X = np.arange(len(files), dtype=float).reshape(-1, 1)
    y = [v.label for v in sample_scans for _ in v.shots]
    cv = VideoGroupSplit(n_splits=3, scans=sample_scans)
    scores = cross_val_score(DummyClassifier(), X, y, groups=files, cv=cv)
    assert len(scores) == 3
    group_of_file = dict(zip([v.path for v in sample_scans], vidsplit.leakage_groups(sample_scans)))
    groups = np.array([group_of_file[f] for f in files])
    tested = []
    for train, test in cv.split(X, y, groups=files):
        assert not set(groups[train]) & set(groups[test])
        tested.extend(test)
    assert sorted(tested) == list(range(len(files)))  # every sample tested once
    dup = [group_of_file[str(SAMPLES / "jump" / n)] for n in ("jump_dup_hq.mp4", "jump_dup_lq.mp4")]
    assert dup[0] == dup[1]
    with pytest.raises(ValueError, match="is empty: fewer leakage groups than n_splits=13"):
        list(VideoGroupSplit(n_splits=13, scans=sample_scans).split(X, y, groups=files))
