#!/usr/bin/env python3
"""Scores a vidsplit run on the compilation set of scripts/bench_leakage.sh (run by it; see its --help).

Usage: bench_leakage_eval.py TRUTH.csv OUT_DIR [--label NAME] [--unit clip|video] [--json FILE]
       bench_leakage_eval.py --table FILE.json...      (the figures of several runs side by side)

Each truth shot (TRUTH.csv from bench_leakage_gen.py) is mapped to the non-excluded rows of OUT_DIR/clips.csv
that overlap its fully visible frames: its splits are the set of theirs, its group the group of the row holding
most of its frames (a shot whose rows are all excluded, or whose video failed, has none). "Share a group"
below compares those groups. Figures:
- split across: pairs of shots of one source whose source intervals overlap (in two compilations or in one)
  with frames in two different splits. Target 0: that is the leakage.
- recall per transformation: overlap pairs in different compilations whose rows share a group. A pair with one
  side `none` counts under the other side's transformation; with both transformed, under each; `pad~crop`
  counts the pairs framed pad on one side and crop on the other. Pairs inside one compilation are counted apart
  (with --unit video they are together by construction).
- recall by overlap: the same pairs by their overlap as a share of the shorter shot; bridge pairs: those with a
  shot that is the only link between two families of compilations (role `bridge` in truth.csv).
- same-take recall: pairs in different compilations from one source with no temporal overlap, sharing a group.
- precision: clip unit, pairs of shots in different compilations whose rows share a group, true when they come
  from one source (overlapping or not); video unit, pairs of compilations in one group, true when a chain of
  shared sources links them (a video group is meant to be transitive).
- video unit: the true leakage groups are the connected components of compilations linked by overlapping
  footage; the figure is how many components with two or more videos have videos in more than one split.
The unit is read from OUT_DIR/summary.json (parameters.split.unit) unless --unit gives it.
"""
import argparse
import csv
import itertools
import json
import os
import sys

FPS = 30
BUCKETS = ["none", "pad", "crop", "pad_grey", "rbswap", "grade", "flip", "reencode", "speed", "pad~crop"]
OVERLAP_BUCKETS = ["under 30 %", "30-60 %", "60-90 %", "90-100 %"]


def overlap_bucket(f):
    return OVERLAP_BUCKETS[0 if f < 0.3 else 1 if f < 0.6 else 2 if f < 0.9 else 3]


def read_truth(path):
    shots = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            shots.append({
                "video": r["video"], "shot": int(r["shot"]), "start": int(r["start_frame"]),
                "end": int(r["end_frame"]), "source": r["source"], "s0": float(r["src_start"]),
                "s1": float(r["src_end"]), "transform": r["transform"].split(":")[0], "framing": r["framing"],
                "role": r.get("role", ""),
            })
    return shots


def read_clips(path):
    rows = {}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.setdefault(r["video"], []).append(
                (int(r["start_frame"]), int(r["end_frame"]), r["split"], int(r["group"])))
    return rows


class Components:
    def __init__(self, items):
        self.parent = {x: x for x in items}

    def find(self, x):
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        self.parent[self.find(a)] = self.find(b)

    def groups(self):
        out = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return sorted(sorted(v) for v in out.values())


def frac(pair):
    g, t = pair
    return g / t if t else None


def evaluate(truth_path, out_dir, label, unit):
    shots = read_truth(truth_path)
    rows = read_clips(os.path.join(out_dir, "clips.csv"))
    if unit is None:
        with open(os.path.join(out_dir, "summary.json")) as f:
            unit = json.load(f)["parameters"]["split"]["unit"]
    for s in shots:
        hit = [r for r in rows.get(s["video"], []) if r[0] < s["end"] and s["start"] < r[1] and r[2] != "excluded"]
        s["splits"] = {r[2] for r in hit}
        s["groups"] = {r[3] for r in hit}
        # The group holding most of the shot's frames: what recall and precision compare. A detected transition
        # that runs a few frames into the next shot joins the shot before it, so "any row's group" would link
        # shots that no footage links.
        frames = lambda r: min(r[1], s["end"]) - max(r[0], s["start"])
        s["group"] = max(hit, key=lambda r: (frames(r), -r[0]))[3] if hit else None
    videos = sorted({s["video"] for s in shots})

    def bump(d, k, ok):
        g, t = d.get(k, (0, 0))
        d[k] = (g + ok, t + 1)

    recall, by_overlap, bridge = {}, {}, (0, 0)
    recall_all, same_video, same_take = (0, 0), (0, 0), (0, 0)
    split_across, n_overlap, across_list = 0, 0, []
    precision_pairs, precision_true, false_pairs = 0, 0, []
    linked = Components(videos)       # overlapping footage: the true leakage groups
    same_source = Components(videos)  # any shared source: what a video-level group may rightly join
    for a, b in itertools.combinations(shots, 2):
        shared = a["group"] is not None and a["group"] == b["group"]
        cross = a["video"] != b["video"]
        same_src = a["source"] == b["source"]
        if cross and shared:
            precision_pairs += 1
            precision_true += same_src
            if not same_src:
                false_pairs.append(f"{a['video']}#{a['shot']} ({os.path.basename(a['source'])}) ~ "
                                   f"{b['video']}#{b['shot']} ({os.path.basename(b['source'])})")
        if not same_src:
            continue
        if cross:
            same_source.union(a["video"], b["video"])
        ov = min(a["s1"], b["s1"]) - max(a["s0"], b["s0"])
        if ov <= 0.5 / FPS:
            if cross:
                same_take = (same_take[0] + shared, same_take[1] + 1)
            continue
        n_overlap += 1
        if len(a["splits"] | b["splits"]) > 1:
            split_across += 1
            across_list.append(f"{a['video']}#{a['shot']} {sorted(a['splits'])} ~ {b['video']}#{b['shot']} "
                               f"{sorted(b['splits'])} ({os.path.basename(a['source'])})")
        if not cross:
            same_video = (same_video[0] + shared, same_video[1] + 1)
            continue
        linked.union(a["video"], b["video"])
        recall_all = (recall_all[0] + shared, recall_all[1] + 1)
        bump(by_overlap, overlap_bucket(ov / min(a["s1"] - a["s0"], b["s1"] - b["s0"])), shared)
        if "bridge" in (a["role"], b["role"]):
            bridge = (bridge[0] + shared, bridge[1] + 1)
        ta, tb = a["transform"], b["transform"]
        for k in ({ta, tb} - {"none"}) or {"none"}:
            bump(recall, k, shared)
        if {a["framing"], b["framing"]} == {"pad", "crop"}:
            bump(recall, "pad~crop", shared)

    video_split = {v: set() for v in videos}
    for s in shots:
        video_split[s["video"]] |= s["splits"]
    comps = [c for c in linked.groups() if len(c) >= 2]
    comps_split = [c for c in comps if len(set().union(*(video_split[v] for v in c))) > 1]
    result = {
        "label": label, "unit": unit, "out_dir": os.path.abspath(out_dir), "videos": len(videos),
        "shots": len(shots), "unassigned_shots": sum(1 for s in shots if not s["splits"]),
        "groups": len({g for s in shots for g in s["groups"]}),
        "overlap_pairs": n_overlap, "split_across": split_across, "split_across_pairs": across_list,
        "recall_overlap_cross_video": recall_all,
        "recall_by_transform": {k: recall[k] for k in BUCKETS if k in recall},
        "recall_by_overlap": {k: by_overlap[k] for k in OVERLAP_BUCKETS if k in by_overlap},
        "recall_bridge": bridge,
        "recall_overlap_same_video": same_video, "same_take_recall": same_take,
        "video_components": {"with_2_or_more_videos": len(comps), "in_more_than_one_split": len(comps_split),
                             "split_components": comps_split},
    }
    if unit == "video":
        # A video group joins whole videos, so every shot pair of two grouped videos shares a group: score the
        # videos instead, true when a chain of shared sources links them.
        vg = {}
        for s in shots:
            vg.setdefault(s["video"], set()).update(s["groups"])
        pairs = [(a, b) for a, b in itertools.combinations(videos, 2) if vg[a] & vg[b]]
        true = [p for p in pairs if same_source.find(p[0]) == same_source.find(p[1])]
        result["precision"] = {"of": "video pairs", "pairs": len(pairs), "true": len(true),
                               "false_pairs": [f"{a} ~ {b}" for a, b in pairs if (a, b) not in true]}
    else:
        result["precision"] = {"of": "shot pairs", "pairs": precision_pairs, "true": precision_true,
                               "false_pairs": false_pairs}
    return result


def cell(pair):
    g, t = pair
    return f"{g}/{t} ({100 * g / t:.0f} %)" if t else "-"


def table(results):
    head = ["figure"] + [f"{r['label']} ({r['unit']} unit)" for r in results]
    lines = []

    def row(name, f):
        lines.append([name] + [f(r) for r in results])

    row("overlap pairs split across splits (target 0)", lambda r: f"{r['split_across']} of {r['overlap_pairs']}")
    row("video unit: leakage components in 2+ splits (target 0)",
        lambda r: (f"{r['video_components']['in_more_than_one_split']} of "
                   f"{r['video_components']['with_2_or_more_videos']}") if r["unit"] == "video" else "-")
    row("recall, overlap pairs across videos", lambda r: cell(r["recall_overlap_cross_video"]))
    row("by transformation", lambda r: "")
    for k in BUCKETS:
        if any(k in r["recall_by_transform"] for r in results):
            row(f"  {k}", lambda r, k=k: cell(r["recall_by_transform"].get(k, (0, 0))))
    row("by overlap (share of the shorter shot)", lambda r: "")
    for k in OVERLAP_BUCKETS:
        if any(k in r["recall_by_overlap"] for r in results):
            row(f"  {k}", lambda r, k=k: cell(r["recall_by_overlap"].get(k, (0, 0))))
    row("bridge pairs (one shot links two families)", lambda r: cell(r["recall_bridge"]))
    row("recall, overlap pairs inside one video", lambda r: cell(r["recall_overlap_same_video"]))
    row("same-take recall (no overlap, across videos)", lambda r: cell(r["same_take_recall"]))
    row("precision", lambda r: f"{cell((r['precision']['true'], r['precision']['pairs']))} of "
                               f"{r['precision']['of']}")
    row("groups holding the shots", lambda r: str(r["groups"]))
    row("shots with no split (excluded or failed)", lambda r: str(r["unassigned_shots"]))
    widths = [max(len(x[i]) for x in [head] + lines) for i in range(len(head))]
    fmt = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"
    out = [fmt(head), "| " + " | ".join("-" * w for w in widths) + " |"] + [fmt(x) for x in lines]
    for r in results:
        fp = r["precision"]["false_pairs"]
        if fp:
            out.append(f"{r['label']} ({r['unit']}): {len(fp)} false pairs" + (", first 10:" if len(fp) > 10 else ":"))
            out += [f"  {p}" for p in fp[:10]]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("truth", nargs="?")
    ap.add_argument("out_dir", nargs="?")
    ap.add_argument("--label", default="vidsplit")
    ap.add_argument("--unit", choices=["clip", "video"])
    ap.add_argument("--json", help="write the figures here (default: OUT_DIR.leakage.json)")
    ap.add_argument("--table", nargs="+", metavar="FILE.json", help="print these runs' figures side by side")
    args = ap.parse_args()
    if args.table:
        results = []
        for p in args.table:
            with open(p) as f:
                results.append(json.load(f))
        print(table(results))
        return 0
    if not args.truth or not args.out_dir:
        ap.error("TRUTH.csv and OUT_DIR are needed (or --table)")
    result = evaluate(args.truth, args.out_dir, args.label, args.unit)
    path = args.json or args.out_dir.rstrip("/") + ".leakage.json"
    with open(path + ".tmp", "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(path + ".tmp", path)
    print(table([result]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
