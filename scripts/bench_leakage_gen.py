#!/usr/bin/env python3
"""Generates the compilation set of scripts/bench_leakage.sh (run by it; see its --help).

Usage: bench_leakage_gen.py --seed N --out DIR [--quick] [--corpus DIR]

Writes DIR/set/<label>/compNN.mp4 (640x360, 30 fps, H.264 yuv420p, no audio) and DIR/truth.csv, one row per shot:
video,shot,start_frame,end_frame,source,src_start,src_end,transform,framing
- start_frame/end_frame: the decoded frames of the compilation (0-based, end exclusive) where the shot is fully
  visible, that is outside any dissolve or fade it takes part in.
- src_start/src_end: the seconds of the source the shot shows (from the source's first frame).
- transform: none, pad, crop, pad_grey, rbswap, grade, flip, reencode, speed (the parameters follow after `:`).
- framing: how the source was fitted to 16:9: pad (scaled to fit, black bars; dark grey ones for pad_grey),
  crop (centre-cropped to fill), or none (the source is already 16:9 within 3 %).
- role: once (a source used in this shot only), anchor (a window's first segment), overlap (a later segment of
  the window, overlapping the anchor), bridge (an overlap placed in another family; see below).
- join_in: how the shot is joined to the one before: start, cut, fade (dissolve) or fadeblack.

How the footage is reused, which is the point of the set:
- About half the sources are "reused": cut into disjoint windows (a gap of at least 0.4 s between two windows),
  and each such source goes whole to one family of about 3 compilations. The first segment taken from a window
  is its anchor; every later segment of that window overlaps the anchor by 30-100 % of the shorter of the two
  (partial temporal overlap), in another compilation of the family or in the same one. Segments of different
  windows of one source never overlap: the same take, other moments.
- The other sources are used once, in one shot (distinct footage).
- The same footage is padded in one compilation and centre-cropped in another in several windows.
- Bridges: in about every other family one shot overlaps an anchor of another family, so those families form
  one true leakage group linked by that single shot (compilations that share one clip).

Frame-exact truth: every shot is rendered alone to a lossless H.264 file of an exact frame count at 30 fps (the
filter chain ends in `tpad` + `-frames:v`, so a short source cannot make it shorter), checked with
`ffprobe -count_frames`; a compilation joins them in one filter graph (concat for cuts, xfade with
offset = running length - transition for dissolves and fades through black), and its decoded frame count is
checked against the sum. Deterministic from --seed (random.Random(seed)); nothing here looks at vidsplit.
"""
import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
from fractions import Fraction

FPS = 30
W, H = 640, 360

# Single-shot sources of the corpus (neardup/cockatoo.mp4 and actions/*), with the part that is one shot. Two
# action clips are not single shots: BASE_Jumping has a hard cut at frame 4 (0.133 s), so only [0.2, end) is used;
# TrumanShow_wave has one at frame 21 (0.7 s), which leaves 0.93 s, less than the shortest shot: it is left out.
SOURCES = {
    "actions/50_FIRST_DATES_drink_u_nm_np1_fr_goo_29.mp4": 0.0,
    "actions/BASE_Jumping_Compilation_-_Brilliant_dive_f_cm_np1_le_bad_3.mp4": 0.2,
    "actions/BaseballSwingAnalysis_swing_baseball_u_nm_np1_ba_med_0.mp4": 0.0,
    "actions/Bodenturnen_im_sportunterricht_handstand_f_cm_np1_le_med_1.mp4": 0.0,
    "actions/Bruno_Walks_up_Stairs_climb_stairs_f_cm_np1_fr_med_0.mp4": 0.0,
    "actions/DefensivePistolShootingTechniques_shoot_gun_f_nm_np1_fr_med_3.mp4": 0.0,
    "actions/Documentario_Le_Parkour_Londrina_jump_f_cm_np1_ri_bad_6.mp4": 0.0,
    "actions/RATRACE_wave_f_nm_np1_fr_goo_37.avi": 0.0,
    "actions/SchoolRulesHowTheyHelpUs_wave_f_nm_np1_ba_med_0.avi": 0.0,
    "actions/abseiling_k400.mp4": 0.0,
    "actions/clean_and_jerk.mp4": 0.0,
    "actions/hmdb51_Turnk_r_Pippi_Michel_cartwheel_f_cm_np2_le_med_6.avi": 0.0,
    "actions/skateboarding.mp4": 0.0,
    "actions/ta_chi.mp4": 0.0,
    "actions/v_BaseballPitch_g01_c01.avi": 0.0,
    "actions/v_Rowing_g16_c03.avi": 0.0,
    "actions/v_SoccerJuggling_g23_c01.avi": 0.0,
    "neardup/cockatoo.mp4": 0.0,
}
LABELS = ["alpha", "bravo", "charlie"]
TRANSFORMS = ["none", "pad", "crop", "pad_grey", "rbswap", "grade", "flip", "reencode", "speed"]
MIN_SHOT, MAX_SHOT = 1.0, 3.0
WINDOW_GAP = 0.4
END_MARGIN = 0.07  # stay this far from a source's end: its last frame's time is not its end
FINAL_ENC = ["-c:v", "libx264", "-crf", "20", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-an"]
# Lossless intermediates, so the compilation's only lossy step is its own encode (and `reencode`'s on purpose).
LOSSLESS = ["-c:v", "libx264", "-qp", "0", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-an"]


def run(cmd):
    r = subprocess.run(["nice", "-n", "10"] + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"bench_leakage_gen: command failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr[-2000:]}")
    return r.stdout


def ffmpeg(*args):
    """ffmpeg on one thread everywhere (the machine is shared): -threads is per input and per output."""
    cmd = ["ffmpeg", "-v", "error", "-nostdin", "-y", "-filter_threads", "1", "-filter_complex_threads", "1"]
    for a in args[:-1]:
        cmd += ["-threads", "1", a] if a == "-i" else [a]
    run(cmd + ["-threads", "1", args[-1]])


def probe(path):
    """(duration seconds, display aspect ratio) of a source's video stream."""
    out = run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
               "stream=width,height,sample_aspect_ratio,duration:format=duration", "-of", "default=nw=1", path])
    kv = {}
    for line in out.splitlines():
        k, _, v = line.partition("=")
        kv.setdefault(k, v)  # stream entries come before format's
    dur = kv.get("duration", "N/A")
    if dur in ("N/A", ""):
        dur = run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path]).strip()
    sar = kv.get("sample_aspect_ratio", "1:1")
    sar = Fraction(1) if sar in ("N/A", "0:1", "") else Fraction(*map(int, sar.split(":")))
    return float(dur), float(Fraction(int(kv["width"]), int(kv["height"])) * sar)


def count_frames(path):
    out = run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
               "stream=nb_read_frames", "-of", "csv=p=0", path])
    return int(out.strip().split(",")[0])


def pick_transform(rng, aspect, first_use):
    t = "none" if first_use and rng.random() < 0.5 else rng.choice(TRANSFORMS)
    if t in ("pad", "crop", "pad_grey") and abs(aspect / (16 / 9) - 1) < 0.03:
        t = rng.choice(["none", "rbswap", "grade", "flip", "reencode", "speed"])  # no bars to add or cut
    return t


def framing_of(rng, transform, aspect):
    if abs(aspect / (16 / 9) - 1) < 0.03:
        return "none"
    if transform in ("pad", "crop"):
        return transform
    if transform == "pad_grey":
        return "pad"
    return rng.choice(["pad", "crop"])


def transform_params(rng, t):
    """The transform's filter (applied before framing, so bars stay black) and its recorded name."""
    if t == "rbswap":
        return "colorchannelmixer=rr=0:rb=1:br=1:bb=0", t
    if t == "grade":
        b, c, s, g = rng.uniform(-0.08, 0.08), rng.uniform(0.85, 1.2), rng.uniform(0.7, 1.3), rng.uniform(0.8, 1.2)
        return (f"eq=brightness={b:.3f}:contrast={c:.3f}:saturation={s:.3f}:gamma={g:.3f}",
                f"grade:b={b:.3f};c={c:.3f};s={s:.3f};g={g:.3f}")
    if t == "flip":
        return "hflip", t
    return "", t


def segment(rng, lo, hi, anchor=None):
    """A [start, end) of MIN_SHOT..MAX_SHOT seconds inside [lo, hi); with an anchor, one that overlaps it by
    30-100 % of the shorter of the two."""
    room = hi - lo
    for _ in range(2000):
        d = rng.uniform(MIN_SHOT, min(MAX_SHOT, room))
        if anchor is None:
            s = rng.uniform(lo, hi - d)
            return s, s + d
        a0, a1 = anchor
        o = rng.uniform(0.3, 1.0) * min(d, a1 - a0)
        s = a1 - o if rng.random() < 0.5 else a0 + o - d
        if lo <= s and s + d <= hi:
            return s, s + d
    # A window just longer than the anchor: take the anchor itself (100 % overlap).
    return anchor


def plan(rng, n_comps, durations, aspects):
    srcs = sorted(durations)
    # Reused: every source long enough for two windows, plus a random 1-2 of the short ones; the rest once only.
    long_srcs = [s for s in srcs if durations[s] - SOURCES[s] >= 2 * MIN_SHOT + 2 * WINDOW_GAP + 0.8]
    short = [s for s in srcs if s not in long_srcs]
    rng.shuffle(short)
    n_extra = rng.choice([1, 2])
    reused = long_srcs + short[:n_extra]
    once = short[n_extra:]

    # Windows of the reused sources: k disjoint pieces of about 2.2-3 s with a gap of at least WINDOW_GAP.
    windows = {}
    for s in reused:
        lo, hi = SOURCES[s], durations[s] - END_MARGIN
        k = max(1, int((hi - lo + WINDOW_GAP) // (2.6 + WINDOW_GAP)))
        wlen = (hi - lo - (k - 1) * WINDOW_GAP) / k
        windows[s] = [(s, lo + i * (wlen + WINDOW_GAP), lo + i * (wlen + WINDOW_GAP) + wlen) for i in range(k)]

    # Compilations: shot counts, labels (balanced, so every class can be stratified), families.
    counts = [rng.choice([3, 3, 3, 4, 4, 4, 5, 6]) for _ in range(n_comps)]
    labels = [LABELS[i % len(LABELS)] for i in range(n_comps)]
    rng.shuffle(labels)
    # About 3 compilations a family (2 at least), and no more families than reused sources.
    n_fam = max(1, min(len(reused), n_comps // 3))
    sizes = [2] * n_fam
    for _ in range(n_comps - 2 * n_fam):
        sizes[rng.randrange(n_fam)] += 1
    order = list(range(n_comps))
    rng.shuffle(order)
    families = []
    for k in sizes:
        families.append(order[:k])
        order = order[k:]

    slots = {c: [None] * counts[c] for c in range(n_comps)}
    # Once-only sources: one shot each, in distinct compilations.
    for s, c in zip(once, rng.sample(range(n_comps), len(once))):
        lo, hi = SOURCES[s], durations[s] - END_MARGIN
        slots[c][rng.randrange(counts[c])] = {"source": s, "seg": segment(rng, lo, hi), "first": True,
                                              "role": "once"}

    # Every reused source goes whole to one family (so its other moments stay inside the family too, and the
    # families are the true leakage groups of a video-level split): the source with the most windows first, to
    # the family with the fewest windows per free slot.
    free_slots = {i: sum(x is None for c in fam for x in slots[c]) for i, fam in enumerate(families)}
    fam_windows = {i: [] for i in range(len(families))}
    for s in sorted(reused, key=lambda s: (-len(windows[s]), rng.random())):
        i = min(fam_windows, key=lambda i: (len(fam_windows[i]) / max(1, free_slots[i]), rng.random()))
        fam_windows[i] += windows[s]
    fam_anchors = []
    for i, fam in enumerate(families):
        pool = fam_windows[i]
        if not pool:
            sys.exit("bench_leakage_gen: more families than reused sources")
        rng.shuffle(pool)
        anchors = {}
        round_ = 0
        while True:
            free = [c for c in fam for x in slots[c] if x is None]
            if not free:
                break
            w = pool[round_ % len(pool)]
            round_ += 1
            # 2-3 uses, in distinct compilations of the family where possible (cross-video overlap), else
            # twice in one (a recurrence inside one video). Later rounds overlap the window's first anchor too.
            uses = rng.choice([2, 2, 3])
            comps = sorted(set(free), key=lambda c: (-free.count(c), rng.random()))
            take = comps[:uses]
            for c in comps:
                if len(take) < uses and free.count(c) >= 2:
                    take.append(c)
            for c in take:
                idx = [j for j, x in enumerate(slots[c]) if x is None]
                j = rng.choice(idx)
                anchor = anchors.get(w)
                seg = segment(rng, w[1], w[2], anchor)
                slots[c][j] = {"source": w[0], "seg": seg, "first": anchor is None,
                               "role": "overlap" if anchor else "anchor"}
                anchors.setdefault(w, seg)
        fam_anchors.append(anchors)

    # Bridges: in about every other family, one shot is replaced by a segment overlapping an anchor of another
    # family, so those two families make one true leakage group held together by that shot alone (two
    # compilations that share a single clip, the hard case of a video-level split).
    for b in rng.sample(range(len(families)), len(families) // 2 if len(families) > 1 else 0):
        a = rng.choice([i for i in range(len(families)) if i != b])
        w, anchor = rng.choice(sorted(fam_anchors[a].items()))
        c = rng.choice(families[b])
        j = rng.choice([j for j, x in enumerate(slots[c]) if x["role"] == "overlap"] or
                       [j for j, x in enumerate(slots[c]) if x["role"] != "once"])
        slots[c][j] = {"source": w[0], "seg": segment(rng, w[1], w[2], anchor), "first": False, "role": "bridge"}

    # Transforms and framings; then, in some windows used twice or more, force pad in one use, crop in another.
    shots = []
    for c in range(n_comps):
        for i, x in enumerate(slots[c]):
            a = aspects[x["source"]]
            t = pick_transform(rng, a, x["first"]) if x["source"] in reused else "none"
            x.update(comp=c, index=i, transform=t)
            shots.append(x)
    by_src = {}
    for x in shots:
        by_src.setdefault(x["source"], []).append(x)
    for s in sorted(by_src):
        xs = by_src[s]
        if s in reused and len(xs) >= 2 and abs(aspects[s] / (16 / 9) - 1) >= 0.03 and rng.random() < 0.5:
            a, b = rng.sample(xs, 2)
            if overlap(a["seg"], b["seg"]) > 0:
                a["transform"], b["transform"] = "pad", "crop"
    for x in shots:
        x["framing"] = framing_of(rng, x["transform"], aspects[x["source"]])
    return counts, labels, slots, reused, once


def overlap(a, b):
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def render_shot(rng, corpus, x, path, tmp):
    """Renders one shot to `path`: exactly x['frames'] frames at 30 fps, 640x360."""
    s0, s1 = x["seg"]
    t = x["transform"]
    speed = 1.0
    if t == "speed":
        speed = rng.uniform(0.9, 1.1)
    n = max(1, round((s1 - s0) * FPS / speed))
    x["frames"] = n
    x["src_end"] = s0 + n * speed / FPS
    colour, name = transform_params(rng, t)
    if t == "speed":
        name = f"speed:{speed:.3f}"
    framing = x["framing"]
    if framing == "crop":
        fit = f"scale={W}:{H}:force_original_aspect_ratio=increase,crop={W}:{H}"
    elif framing == "pad":
        col = "0x202020" if t == "pad_grey" else "black"
        fit = (f"scale={W}:{H}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
               f"pad={W}:{H}:(ow-iw)/2:(oh-ih)/2:color={col}")
    else:
        fit = f"scale={W}:{H}"
    # setpts before trim: trim's times are the stream's, and some sources start at a pts other than 0.
    chain = [f"setpts=PTS-STARTPTS,trim=start={s0:.4f}:end={s1 + 0.3:.4f},setpts=(PTS-STARTPTS)/{speed:.5f}",
             f"fps={FPS}", "scale=iw*sar:ih,setsar=1"]
    if colour:
        chain.append(colour)
    chain += [fit, "setsar=1", "tpad=stop_mode=clone:stop=15", "format=yuv420p"]
    src = os.path.join(corpus, x["source"])
    if t == "reencode":
        # A lower generation first: MPEG-4 Part 2 at q 8, or x264 at a low bit rate, at another size; then back
        # up to 640x360 for the compilation.
        small = os.path.join(tmp, "reencode.mp4")
        if rng.random() < 0.5:
            size, enc, name = "480:270", ["-c:v", "mpeg4", "-q:v", "8"], "reencode:mpeg4-q8-480x270"
        else:
            size, enc, name = "384:216", ["-c:v", "libx264", "-b:v", "150k", "-preset", "veryfast"], \
                "reencode:x264-150k-384x216"
        ffmpeg("-i", src, "-vf", ",".join(chain + [f"scale={size}"]), "-frames:v", str(n), *enc,
               "-pix_fmt", "yuv420p", "-an", small)
        ffmpeg("-i", small, "-vf", f"scale={W}:{H},setsar=1", "-frames:v", str(n), *LOSSLESS, path)
    else:
        ffmpeg("-i", src, "-vf", ",".join(chain), "-frames:v", str(n), *LOSSLESS, path)
    got = count_frames(path)
    if got != n:
        sys.exit(f"bench_leakage_gen: {path}: {got} frames decoded, {n} expected")
    x["transform_name"] = name


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true", help="10 compilations instead of 24")
    ap.add_argument("--corpus", default=os.environ.get(
        "VIDSPLIT_CORPUS", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "corpus")))
    args = ap.parse_args()
    corpus = args.corpus
    missing = [s for s in SOURCES if not os.path.isfile(os.path.join(corpus, s))]
    if missing:
        print(f"bench_leakage_gen: corpus not found or incomplete at {corpus} (missing {missing[0]}): skipped")
        return 0
    for tool in ("ffmpeg", "ffprobe"):
        if not shutil.which(tool):
            sys.exit(f"bench_leakage_gen: {tool} not found")

    rng = random.Random(args.seed)
    durations, aspects = {}, {}
    for s in sorted(SOURCES):
        durations[s], aspects[s] = probe(os.path.join(corpus, s))
    n_comps = 10 if args.quick else 24
    counts, labels, slots, reused, once = plan(rng, n_comps, durations, aspects)

    out = args.out
    tmp = os.path.join(out, "tmp")
    if os.path.isdir(os.path.join(out, "set")):
        shutil.rmtree(os.path.join(out, "set"))
    os.makedirs(tmp, exist_ok=True)
    rows = []
    for c in range(n_comps):
        shots = slots[c]
        files = []
        for x in shots:
            f = os.path.join(tmp, f"c{c:02d}_s{x['index']}.mp4")
            render_shot(rng, corpus, x, f, tmp)
            files.append(f)
        # Joins: ~60 % hard cuts, else a dissolve or a fade through black of 0.4-0.8 s, as long as every shot
        # keeps at least 8 fully visible frames.
        joins = []
        for i in range(1, len(shots)):
            r = rng.random()
            kind = "cut" if r < 0.6 else ("fade" if r < 0.85 else "fadeblack")
            d = rng.randint(12, 24) if kind != "cut" else 0
            prev_in = joins[-1][1] if joins else 0
            if d and (shots[i - 1]["frames"] - prev_in - d < 8 or shots[i]["frames"] - d < 8):
                kind, d = "cut", 0
            joins.append((kind, d))
        graph = [f"[{i}:v]settb=1/{FPS},setpts=N[s{i}]" for i in range(len(shots))]
        cur, length = "s0", shots[0]["frames"]
        pos = [0]
        for i, (kind, d) in enumerate(joins, start=1):
            nxt = f"j{i}"
            if kind == "cut":
                graph.append(f"[{cur}][s{i}]concat=n=2:v=1:a=0,settb=1/{FPS},setpts=N[{nxt}]")
                pos.append(length)
                length += shots[i]["frames"]
            else:
                off = length - d
                graph.append(f"[{cur}][s{i}]xfade=transition={kind}:duration={d / FPS:.6f}:offset={off / FPS:.6f},"
                             f"settb=1/{FPS},setpts=N[{nxt}]")
                pos.append(off)
                length = off + shots[i]["frames"]
            cur = nxt
        label = labels[c]
        video = f"{label}/comp{c:02d}.mp4"
        dst = os.path.join(out, "set", video)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        inputs = [a for f in files for a in ("-i", f)]
        ffmpeg(*inputs, "-filter_complex", ";".join(graph), "-map", f"[{cur}]", "-r", str(FPS), *FINAL_ENC, dst)
        got = count_frames(dst)
        if got != length:
            sys.exit(f"bench_leakage_gen: {dst}: {got} frames decoded, {length} expected")
        for i, x in enumerate(shots):
            d_in = joins[i - 1][1] if i > 0 else 0
            d_out = joins[i][1] if i < len(joins) else 0
            rows.append({"video": video, "shot": i, "start_frame": pos[i] + d_in,
                         "end_frame": pos[i] + x["frames"] - d_out, "source": x["source"],
                         "src_start": f"{x['seg'][0]:.3f}", "src_end": f"{x['src_end']:.3f}",
                         "transform": x["transform_name"], "framing": x["framing"], "role": x["role"],
                         "join_in": joins[i - 1][0] if i > 0 else "start"})
        for f in files:
            os.remove(f)
        print(f"bench_leakage_gen: {video}: {len(shots)} shots, {length} frames", flush=True)
    shutil.rmtree(tmp)
    cols = ["video", "shot", "start_frame", "end_frame", "source", "src_start", "src_end", "transform", "framing",
            "role", "join_in"]
    tmp_truth = os.path.join(out, "truth.csv.tmp")
    with open(tmp_truth, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp_truth, os.path.join(out, "truth.csv"))  # truth.csv marks a complete set (the driver's cache)
    print(f"bench_leakage_gen: {n_comps} compilations, {len(rows)} shots, {len(reused)} reused sources, "
          f"{len(once)} used once; truth in {os.path.join(out, 'truth.csv')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
