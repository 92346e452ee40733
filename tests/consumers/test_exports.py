"""Every export loaded by its real consumer (torchvision 0.14, PyAV, pandas), or, for the frameworks Debian does
not package, by a reader that follows the framework's own parsing code line by line."""
import csv
import os
import pathlib

import pandas
import pytest
import torch
import torchvision.io
from torchvision.datasets import UCF101, ImageFolder, Kinetics
from torchvision.datasets.folder import find_classes

from conftest import LAYOUT, export, frames_of, vidsplit


def clips_rows(out):
    with open(out / "clips.csv", newline="") as f:
        return list(csv.DictReader(f))


def label_map(path):
    return pathlib.Path(path).read_text().splitlines()


# ---- readers of frameworks Debian does not package ----

def mmaction2_video_list(ann_file, data_prefix):
    """mmaction2 1.x, mmaction/datasets/video_dataset.py, VideoDataset.load_data_list (single label)."""
    data_list = []
    with open(ann_file, "r") as fin:
        for line in fin:
            line_split = line.strip().split()
            filename, label = line_split
            label = int(label)
            filename = os.path.join(data_prefix, filename)
            data_list.append(dict(filename=filename, label=label))
    return data_list


def pytorchvideo_from_csv(file_path, video_path_prefix):
    """PyTorchVideo, pytorchvideo/data/labeled_video_paths.py, LabeledVideoPaths.from_csv and __getitem__."""
    video_paths_and_label = []
    with open(file_path, "r") as f:
        for path_label in f.read().splitlines():
            line_split = path_label.rsplit(None, 1)
            if len(line_split) == 1:
                file_path, label = line_split[0], -1
            else:
                file_path, label = line_split
            video_paths_and_label.append((file_path, int(label)))
    assert len(video_paths_and_label) > 0
    return [(os.path.join(video_path_prefix, p), l) for p, l in video_paths_and_label]


def hf_videofolder(data_dir):
    """HF datasets, src/datasets/packaged_modules/folder_based_builder/folder_based_builder.py: a split is a
    folder named after it; metadata.csv is read with pandas, and file_name is relative to its folder."""
    splits = {}
    for split_dir in sorted(pathlib.Path(data_dir).iterdir()):
        metadata = split_dir / "metadata.csv"
        if not metadata.is_file():
            continue
        table = pandas.read_csv(metadata)
        splits[split_dir.name] = [(str(split_dir / f), l) for f, l in zip(table["file_name"], table["label"])]
    return splits


def ultralytics_classify(data_dir):
    """Ultralytics, ultralytics/data/utils.py check_cls_dataset (names = sorted folders of train/) and
    ultralytics/data/dataset.py ClassificationDataset (torchvision ImageFolder per split, allow_empty=True on
    torchvision >= 0.18; 0.14's find_classes gives the same class numbers)."""
    data_dir = pathlib.Path(data_dir)
    names = dict(enumerate(sorted(x.name for x in (data_dir / "train").iterdir() if x.is_dir())))
    splits = {}
    for split in ("train", "val"):
        classes, class_to_idx = find_classes(str(data_dir / split))
        samples = []
        for c in classes:
            for f in sorted(os.listdir(data_dir / split / c)):
                samples.append((str(data_dir / split / c / f), class_to_idx[c]))
        splits[split] = (classes, samples)
    return names, splits


# ---- defect 3: exact values in data files ----

def test_clips_csv_holds_exact_paths(dataset, video_out):
    table = pandas.read_csv(video_out / "clips.csv")
    for video in set(table["video"]):
        assert (dataset / video).is_file(), video
    assert "-neg/-x.mp4" in set(table["video"])
    assert "-neg" in set(table["label"])


# ---- defect 1 and 7: class numbers agree between splits and formats ----

def test_ultralytics_class_numbers_agree_between_splits(split_out, tmp_path):
    export(split_out, "ultralytics", tmp_path / "y", "--frames-every", "5")
    names, splits = ultralytics_classify(tmp_path / "y")
    train_classes, _ = splits["train"]
    val_classes, val_samples = splits["val"]
    assert val_classes == train_classes == list(names.values())
    for path, index in val_samples:
        assert pathlib.Path(path).parent.name == names[index]
    # No frame of a video is in two splits, and each split holds as many frames as its rows offer.
    seen = {}
    for split, (_, samples) in splits.items():
        for path, _ in samples:
            stem, frame = pathlib.Path(path).stem.rsplit("_", 1)
            seen.setdefault((stem, int(frame)), set()).add(split)
    assert all(len(s) == 1 for s in seen.values())
    for split, (_, samples) in splits.items():
        want = sum(1 for r in clips_rows(split_out) if r["split"] == split
                   for f in range(int(r["start_frame"]), int(r["end_frame"])) if f % 5 == 0)
        assert len(samples) == want


def test_label_maps_follow_the_folder_order(video_out, tmp_path):
    export(video_out, "mmaction2", tmp_path / "mm")
    export(video_out, "ucf101", tmp_path / "ucf")
    classes, _ = find_classes(str(tmp_path / "ucf"))
    labels = label_map(tmp_path / "mm" / "label_map.txt")
    assert [c.replace("_", " ") for c in classes] == [l.replace("_", " ") for l in labels]
    ind = [line.split(" ", 1) for line in (tmp_path / "ucf" / "classInd.txt").read_text().splitlines()]
    assert [name for _, name in ind] == classes
    assert [int(i) for i, _ in ind] == list(range(1, len(classes) + 1))


# ---- defect 4: torchvision UCF101 ----

def test_torchvision_ucf101_loads_every_listed_video_with_its_class(video_out, tmp_path):
    root = tmp_path / "ucf"
    export(video_out, "ucf101", root)
    label_of = {row["video"]: row["label"] for row in clips_rows(video_out)}
    for train, lst in ((True, "trainlist01.txt"), (False, "testlist01.txt")):
        ds = UCF101(str(root), str(root), frames_per_clip=1, step_between_clips=1000, fold=1, train=train)
        listed = [line.split()[0] for line in (root / lst).read_text().splitlines()]
        assert len({ds.samples[i][0] for i in ds.indices}) == len(listed)
        for i in ds.indices:
            path, target = ds.samples[i]
            assert ds.classes[target] == pathlib.Path(path).parent.name
        _, _, label = ds[0]
        assert ds.classes[label] in {p.split("/")[0] for p in listed}
    # Each AVI holds every frame of its source.
    for line in (root / "trainlist01.txt").read_text().splitlines():
        rel, cls = line.split()
        source = next(v for v in label_of if pathlib.Path(v).stem == pathlib.Path(rel).stem)
        assert frames_of(root / rel).shape[0] == sum(
            int(r["end_frame"]) - int(r["start_frame"]) for r in clips_rows(video_out) if r["video"] == source)


# ---- defects 2 and 6: torchvision Kinetics, read_video on the exported times ----

def test_torchvision_kinetics_and_read_video_on_the_times(dataset, split_out, tmp_path):
    root = tmp_path / "kin"
    export(split_out, "kinetics", root)
    datasets = {split: Kinetics(str(root), frames_per_clip=1, step_between_clips=1000, split=split)
                for split in ("train", "val")}
    assert datasets["train"].classes == datasets["val"].classes
    rows = []
    for split, ds in datasets.items():
        with open(root / f"{split}.csv", newline="") as f:
            for row in csv.DictReader(f):
                rows.append(row)
                # torchvision's own name and folder rules (Kinetics._make_ds_structure).
                name = "{ytid}_{start:06}_{end:06}.mp4".format(ytid=row["youtube_id"], start=int(row["time_start"]),
                                                               end=int(row["time_end"]))
                folder = row["label"].replace(" ", "_").replace("'", "").replace("(", "").replace(")", "")
                path = root / split / folder / name
                assert str(path) in {p for p, _ in ds.samples}
                count = int(row["end_frame"]) - int(row["start_frame"])
                assert frames_of(path).shape[0] == count
                # The times: exactly the row's frames of the source video, with inclusive ends.
                source = dataset / row["video"]
                got, _, _ = torchvision.io.read_video(str(source), float(row["start_sec"]), float(row["end_sec"]),
                                                      pts_unit="sec", output_format="THWC")
                want = frames_of(source)[int(row["start_frame"]):int(row["end_frame"])]
                assert got.shape[0] == count, (row, got.shape)
                assert torch.equal(got, want)
    assert any(r["youtube_id"].startswith("-") for r in rows)
    # At every boundary between splits inside a video, the two sides' frames differ (a hard cut), and each
    # side's read ends or starts exactly there.
    by_video = {}
    for r in rows:
        by_video.setdefault(r["video"], []).append(r)
    boundaries = 0
    for video, rs in by_video.items():
        rs.sort(key=lambda r: int(r["start_frame"]))
        for a, b in zip(rs, rs[1:]):
            if a["split"] != b["split"] and a["end_frame"] == b["start_frame"]:
                boundaries += 1
                last_a, _, _ = torchvision.io.read_video(str(dataset / video), float(a["start_sec"]),
                                                         float(a["end_sec"]), pts_unit="sec", output_format="THWC")
                first_b, _, _ = torchvision.io.read_video(str(dataset / video), float(b["start_sec"]),
                                                          float(b["end_sec"]), pts_unit="sec", output_format="THWC")
                for frame in first_b:
                    assert not torch.equal(last_a[-1], frame)
    assert boundaries > 0


# ---- defect 5: folds ----

def test_folds_in_each_consumers_own_scheme(folds_out, tmp_path):
    root = tmp_path / "ucf"
    export(folds_out, "ucf101", root)
    fold_of = {r["video"]: int(r["fold"]) for r in clips_rows(folds_out)}
    for k in (1, 2, 3):
        test = UCF101(str(root), str(root), frames_per_clip=1, step_between_clips=1000, fold=k, train=False)
        train = UCF101(str(root), str(root), frames_per_clip=1, step_between_clips=1000, fold=k, train=True)
        test_files = {test.samples[i][0] for i in test.indices}
        train_files = {train.samples[i][0] for i in train.indices}
        assert not test_files & train_files
        assert len(test_files | train_files) == len(fold_of)
        assert len(test_files) == sum(1 for f in fold_of.values() if f == k - 1)
    export(folds_out, "mmaction2", tmp_path / "mm")
    for k in range(3):
        val = mmaction2_video_list(tmp_path / "mm" / f"fold{k}_val_list_videos.txt", str(tmp_path / "mm"))
        train = mmaction2_video_list(tmp_path / "mm" / f"fold{k}_train_list_videos.txt", str(tmp_path / "mm"))
        assert len(val) + len(train) == len(fold_of)
        assert not {d["filename"] for d in val} & {d["filename"] for d in train}
    r = vidsplit("export", folds_out, "--format", "hf-videofolder", "--to", tmp_path / "hf")
    assert r.returncode == 2
    assert "cannot express --folds" in r.stderr


# ---- mmaction2, PyTorchVideo, HF: whole videos and clip files ----

def test_list_readers_whole_videos(video_out, tmp_path):
    label_of = {row["video"]: row["label"] for row in clips_rows(video_out)}
    export(video_out, "mmaction2", tmp_path / "mm")
    labels = label_map(tmp_path / "mm" / "label_map.txt")
    for split in ("train", "val"):
        for d in mmaction2_video_list(tmp_path / "mm" / f"{split}_list_videos.txt", str(tmp_path / "mm")):
            assert os.path.isfile(d["filename"])
            assert labels[d["label"]] in label_of.values()
    export(video_out, "pytorchvideo", tmp_path / "ptv")
    for path, label in pytorchvideo_from_csv(tmp_path / "ptv" / "train.csv", str(tmp_path / "ptv")):
        assert os.path.isfile(path)
        assert 0 <= label < len(LAYOUT)
    export(video_out, "hf-videofolder", tmp_path / "hf")
    splits = hf_videofolder(tmp_path / "hf")
    assert set(splits) == {"train", "val"}
    for items in splits.values():
        for path, label in items:
            assert os.path.isfile(path), path
            assert label in LAYOUT
    assert any(label == "-neg" for items in splits.values() for _, label in items)


def test_list_readers_clip_files(split_out, tmp_path):
    root = tmp_path / "clips"
    export(split_out, "clips", root)
    labels = label_map(root / "label_map.txt")
    rows = {r["file"]: r for r in csv.DictReader(open(root / "clips.csv", newline=""))}
    for split in ("train", "val"):
        mm = mmaction2_video_list(root / f"{split}_list_videos.txt", str(root))
        ptv = pytorchvideo_from_csv(root / f"{split}_list_videos.txt", str(root))
        assert [(d["filename"], d["label"]) for d in mm] == ptv
        for path, label in ptv:
            rel = os.path.relpath(path, root)
            assert rows[rel]["split"] == split
            assert labels[label] == rows[rel]["label"]
            assert frames_of(path).shape[0] == int(rows[rel]["end_frame"]) - int(rows[rel]["start_frame"])
    hf = hf_videofolder(root)
    assert sum(len(v) for v in hf.values()) == len(rows)
    for items in hf.values():
        for path, label in items:
            assert os.path.isfile(path)
