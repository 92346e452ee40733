#!/usr/bin/env python3
"""Scores shot-boundary detections against the truth of bench_shots_gen.py (run by scripts/bench_shots.sh).

Truth events: hard cuts (frame N starts the new shot) and transitions ([start, end) spans). Detections: from
`vidsplit shots` CSVs (a `shot` row following a `shot` row is a cut at its start; a `transition` row is a span),
or ffmpeg points (a frame whose scene score passes the threshold). A detection matches an unmatched truth event
when it comes within TOL frames of it (for spans: of any frame of the span), closest first; each truth event and
each detection match at most once, so a second detection inside one transition is a false positive.
Recall per truth kind. Precision per kind: detections matched to that kind, over those plus unmatched detections
of that kind (point detectors report cuts only, so their unmatched detections are false cuts).
"""
import csv
import glob
import json
import os
import re
import sys

TOL = 2


def vidsplit_detections(path):
    dets = []
    rows = list(csv.DictReader(open(path)))
    for i, r in enumerate(rows):
        s, e = int(r["start_frame"]), int(r["end_frame"])
        if r["kind"] == "transition":
            dets.append(("transition", s, e - 1))
        elif i > 0 and rows[i - 1]["kind"] == "shot":
            dets.append(("cut", s, s))
    return dets


def ffmpeg_detections(log, key, threshold):
    """Frames whose `key` metadata exceeds threshold, from `metadata=print` output (frame:N lines)."""
    dets, frame = [], None
    for line in open(log, errors="replace"):
        m = re.search(r"frame:(\d+)\s+pts:", line)
        if m:
            frame = int(m.group(1))
            continue
        m = re.search(re.escape(key) + r"=([0-9.]+)", line)
        if m and frame is not None and float(m.group(1)) > threshold:
            dets.append(("cut", frame, frame))
    return dets


def dist(a0, a1, b0, b1):
    if a1 < b0:
        return b0 - a1
    if b1 < a0:
        return a0 - b1
    return 0


def score(truth, dets):
    events = [("cut", c, c) for c in truth["cuts"]] + [("transition", s, e - 1) for s, e in truth["transitions"]]
    pairs = []
    for di, d in enumerate(dets):
        for ti, t in enumerate(events):
            g = dist(d[1], d[2], t[1], t[2])
            if g <= TOL:
                pairs.append((g, di, ti))
    pairs.sort()
    used_d, used_t = set(), set()
    c = {k: 0 for k in ("tp_cut", "tp_tr", "fp_cut", "fp_tr", "n_cut", "n_tr")}
    for g, di, ti in pairs:
        if di in used_d or ti in used_t:
            continue
        used_d.add(di)
        used_t.add(ti)
        c["tp_cut" if events[ti][0] == "cut" else "tp_tr"] += 1
    for di, d in enumerate(dets):
        if di not in used_d:
            c["fp_cut" if d[0] == "cut" else "fp_tr"] += 1
    c["n_cut"] = len(truth["cuts"])
    c["n_tr"] = len(truth["transitions"])
    return c


def prf(tp, fp, n):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / n if n else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main():
    data, out, timing = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
    videos = sorted(glob.glob(os.path.join(data, "*.mp4")))
    truths = {os.path.basename(v): json.load(open(v + ".truth.json")) for v in videos}
    methods = [m for m in timing if m not in ("ffmpeg-null", "frames")]
    rows = []
    fp_cases = {}
    for m in methods:
        tot = {k: 0 for k in ("tp_cut", "tp_tr", "fp_cut", "fp_tr", "n_cut", "n_tr")}
        for name, truth in truths.items():
            base = os.path.join(out, name)
            if m == "scdet=10":
                dets = ffmpeg_detections(base + ".ffmpeg.log", "lavfi.scd.score", 10.0)
            elif m == "scene>0.3":
                dets = ffmpeg_detections(base + ".ffmpeg.log", "lavfi.scene_score", 0.3)
            else:
                dets = vidsplit_detections(os.path.join(out, m, name + ".csv"))
            c = score(truth, dets)
            for k in tot:
                tot[k] += c[k]
            for tag in ("flash", "pan", "damaged"):
                if tag in truth["tags"]:
                    fp_cases.setdefault(m, {}).setdefault(tag, 0)
                    fp_cases[m][tag] += c["fp_cut"]
        cp, cr, cf = prf(tot["tp_cut"], tot["fp_cut"], tot["n_cut"])
        gp, gr, gf = prf(tot["tp_tr"], tot["fp_tr"], tot["n_tr"])
        ap, ar, af = prf(tot["tp_cut"] + tot["tp_tr"], tot["fp_cut"] + tot["fp_tr"], tot["n_cut"] + tot["n_tr"])
        fps = timing["frames"] / timing[m] if timing[m] > 0 else 0.0
        rows.append((m, cp, cr, cf, gp, gr, gf, af, fp_cases.get(m, {}), fps))
    ncut = sum(len(t["cuts"]) for t in truths.values())
    ntr = sum(len(t["transitions"]) for t in truths.values())
    print(f"{len(truths)} videos, {timing['frames']} frames, {ncut} hard cuts, {ntr} gradual transitions; "
          f"tolerance ±{TOL} frames")
    print()
    print("| method | cut P | cut R | cut F1 | gradual P | gradual R | gradual F1 | all F1 | false cuts flash/pan/damaged "
          "| frames/s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for m, cp, cr, cf, gp, gr, gf, af, fc, fps in rows:
        name = {"scdet=10": "ffmpeg scdet=threshold=10", "scene>0.3": "ffmpeg select='gt(scene,0.3)'"}.get(
            m, f"vidsplit --detector {m}")
        fcs = "/".join(str(fc.get(t, 0)) for t in ("flash", "pan", "damaged"))
        print(f"| {name} | {cp:.3f} | {cr:.3f} | {cf:.3f} | {gp:.3f} | {gr:.3f} | {gf:.3f} | {af:.3f} | {fcs} "
              f"| {fps:.0f} |")
    nf = timing["frames"] / timing["ffmpeg-null"] if timing["ffmpeg-null"] > 0 else 0.0
    print(f"| ffmpeg -f null (decode only) | | | | | | | | | {nf:.0f} |")
    print()
    print("frames/s: all videos' decoded frames over the summed wall time of one process per video (the ffmpeg "
          "scdet and scene rows share one decode, so their figure is for both filters together)")
    if len(sys.argv) > 4:  # per-video detail for one method
        m = sys.argv[4]
        for name, truth in truths.items():
            dets = vidsplit_detections(os.path.join(out, m, name + ".csv"))
            c = score(truth, dets)
            if c["fp_cut"] or c["fp_tr"] or c["tp_cut"] < c["n_cut"] or c["tp_tr"] < c["n_tr"]:
                print(name, truth["cuts"], truth["transitions"], truth["tags"], "->", dets, file=sys.stderr)


if __name__ == "__main__":
    main()
