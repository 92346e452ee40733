#!/usr/bin/env python3
"""Generates the labelled shot-boundary set of scripts/bench_shots.sh (run by it; see its --help).

Every video is a sequence of shots joined by hard cuts or gradual transitions, with the truth written next to it
as VIDEO.truth.json: {"cuts": [frame, ...], "transitions": [[start, end), ...], "tags": [...]} in decoded frames
(0-based, presentation order). Shots are first rendered one by one to lossless FFV1 files of an exact frame count
at the video's frame rate and size, then joined in one filter graph (concat for cuts, xfade for transitions), so
every boundary lands on a known frame. VFR videos keep every frame and only stretch some frames' durations
(setpts), so frame-indexed truth is unchanged while timestamps are irregular.

The set is drawn from a seeded random generator: the same --seed gives the same set. Nothing here looks at any
detector's output.
"""
import argparse
import json
import os
import random
import subprocess
import sys

# Real footage without cuts of its own (compilation clips with internal cuts are left out: their cuts are not
# labelled). demo.mp4 carries damaged/smeared frames at about 234-267: it is the damaged-frame case.
REAL = [
    "actions/50_FIRST_DATES_drink_u_nm_np1_fr_goo_29.mp4",
    "actions/BaseballSwingAnalysis_swing_baseball_u_nm_np1_ba_med_0.mp4",
    "actions/Bodenturnen_im_sportunterricht_handstand_f_cm_np1_le_med_1.mp4",
    "actions/Bruno_Walks_up_Stairs_climb_stairs_f_cm_np1_fr_med_0.mp4",
    "actions/DefensivePistolShootingTechniques_shoot_gun_f_nm_np1_fr_med_3.mp4",
    "actions/RATRACE_wave_f_nm_np1_fr_goo_37.avi",
    "actions/SchoolRulesHowTheyHelpUs_wave_f_nm_np1_ba_med_0.avi",
    "actions/abseiling_k400.mp4",
    "actions/clean_and_jerk.mp4",
    "actions/hmdb51_Turnk_r_Pippi_Michel_cartwheel_f_cm_np2_le_med_6.avi",
    "actions/ta_chi.mp4",
    "actions/v_BaseballPitch_g01_c01.avi",
    "actions/v_Rowing_g16_c03.avi",
    "actions/v_SoccerJuggling_g23_c01.avi",
    "neardup/cockatoo.mp4",
]
DAMAGED = "neardup/demo.mp4"  # 280 frames at 28 fps; damaged run ~234-267

FPS = [("24", 24.0), ("25", 25.0), ("30000/1001", 30000 / 1001)]
SIZES = [(320, 240), (320, 180), (256, 256), (180, 320), (352, 144)]
HAVE_CORPUS = True
GRADUAL = ["fade", "dissolve", "wipeleft", "fadeblack", "fadewhite", "slideright"]


def lavfi_source(rng, w, h, fps):
    kind = rng.choice(["testsrc2", "mandelbrot", "life", "gradients", "cellauto", "smptebars", "color"])
    s = f"{w}x{h}"
    if kind == "testsrc2":
        return f"testsrc2=s={s}:r={fps}", kind
    if kind == "mandelbrot":
        return f"mandelbrot=s={s}:r={fps}:start_scale={rng.uniform(1, 3):.2f}:start_x={rng.uniform(-1.5, 0):.3f}", kind
    if kind == "life":
        return f"life=s={s}:r={fps}:seed={rng.randrange(1 << 20)}:ratio={rng.uniform(0.1, 0.5):.2f}:mold=10:" \
               f"life_color=#{rng.randrange(1 << 24):06x}:death_color=#{rng.randrange(1 << 24):06x}", kind
    if kind == "gradients":
        return f"gradients=s={s}:r={fps}:seed={rng.randrange(1 << 20)}:speed={rng.uniform(0.01, 0.05):.3f}", kind
    if kind == "cellauto":
        return f"cellauto=s={s}:r={fps}:rule={rng.choice([18, 30, 90, 110, 150])}:seed={rng.randrange(1 << 20)}", kind
    if kind == "smptebars":
        # A static picture that drifts in hue so that it is not a frozen frame.
        return f"smptebars=s={s}:r={fps},hue=h=t*{rng.uniform(5, 20):.1f}", kind
    return f"color=c=#{rng.randrange(1 << 24):06x}:s={s}:r={fps},noise=alls=12:allf=t," \
           f"drawbox=x='(iw-w)*abs(sin(t*{rng.uniform(0.3, 1.2):.2f}))':y=ih/3:w=iw/5:h=ih/3:c=#{rng.randrange(1 << 24):06x}:t=fill", kind


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit(f"bench_shots_gen.py: command failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")


def render_shot(path, spec, w, h, fps_str, frames, corpus):
    """One shot of exactly `frames` frames, lossless."""
    post = ""
    if spec.get("pan"):
        # Fast pan: a 2x crop window swinging across the picture, up to w/20 pixels per frame (crossing the
        # frame width in under a second).
        post = f",scale={2 * w}:{2 * h},crop={w}:{h}:x='(iw-ow)*(0.5+0.5*sin(n*0.1+{spec['phase']:.2f}))':" \
               f"y='(ih-oh)*(0.5+0.5*cos(n*0.11))'"
    common = f"fps={fps_str},scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h}{post},setsar=1,format=yuv420p"
    if spec["kind"] == "lavfi":
        cmd = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", spec["src"], "-vf", common]
    else:
        src = os.path.join(corpus, spec["src"])
        # The start is a frame number of the source: trim by frame, then resample to the target rate.
        cmd = ["ffmpeg", "-v", "error", "-y", "-i", src, "-an", "-vf",
               f"trim=start_frame={spec['start']},setpts=PTS-STARTPTS," + common + ""]
    run(cmd + ["-frames:v", str(frames), "-c:v", "ffv1", path])
    # A short source ends early: the shot is as long as what was rendered (never looped, which would cut).
    return count_frames(path)


def count_frames(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
                          "stream=nb_read_frames", "-of", "csv=p=0", path], capture_output=True, text=True).stdout
    return int(out.strip().split(",")[0])


def source_frames(corpus, rel, cache={}):
    if rel not in cache:
        out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
                              "stream=nb_read_frames", "-of", "csv=p=0", os.path.join(corpus, rel)],
                             capture_output=True, text=True).stdout.strip()
        cache[rel] = int(out.split(",")[0])
    return cache[rel]


def make_video(rng, idx, out_dir, tmp_dir, corpus, family):
    fps_str, fps = rng.choice(FPS)
    w, h = rng.choice(SIZES)
    n_shots = rng.randint(3, 6)
    tags = {family, f"fps{fps_str.split('/')[0]}", f"{w}x{h}"}
    shots = []
    for k in range(n_shots):
        frames = int(round(rng.uniform(1.6, 4.0) * fps))
        use_real = HAVE_CORPUS and (family == "real" or (family != "lavfi" and rng.random() < 0.5))
        if family == "damaged" and k == 1:
            # The damaged run of demo.mp4 inside one shot (source frames 200-279, ~2.8 s).
            spec = {"kind": "real", "src": DAMAGED, "start": 200}
            frames = int(round(79 / 28 * fps))
            tags.add("damaged")
        elif use_real:
            src = rng.choice(REAL)
            n_src = source_frames(corpus, src)
            spec = {"kind": "real", "src": src, "start": rng.randrange(0, max(1, n_src - 75))}
        else:
            src, kind = lavfi_source(rng, w, h, fps_str)
            spec = {"kind": "lavfi", "src": src}
        if family == "pan" and rng.random() < 0.6:
            spec["pan"] = True
            spec["phase"] = rng.uniform(0, 6.28)
            tags.add("pan")
        spec["frames"] = frames
        shots.append(spec)
    # Avoid joining two shots of one source file: their cut could be a continuation of the same scene.
    for k in range(1, len(shots)):
        if shots[k]["kind"] == "real" and shots[k]["src"] == shots[k - 1]["src"] and shots[k]["src"] != DAMAGED:
            shots[k]["src"] = REAL[(REAL.index(shots[k]["src"]) + 1) % len(REAL)]
            shots[k]["start"] = 0
    files = []
    for k, spec in enumerate(shots):
        p = os.path.join(tmp_dir, f"v{idx:02d}_s{k}.mkv")
        spec["frames"] = render_shot(p, spec, w, h, fps_str, spec["frames"], corpus)
        files.append(p)

    # Joins: a hard cut or a gradual transition of 0.5-1.5 s (never longer than a third of either shot).
    p_gradual = {"gradual": 0.75, "mixed": 0.4}.get(family, 0.25)
    # Every link gets the same time base: xfade refuses inputs whose time bases differ.
    graph = [f"[{k}:v]settb=AVTB,setpts=PTS-STARTPTS[s{k}]" for k in range(len(shots))]
    cuts, transitions, kinds = [], [], []
    cur, length = "[s0]", shots[0]["frames"]
    for k in range(1, len(shots)):
        nxt = f"[s{k}]"
        if rng.random() < p_gradual:
            t = rng.choice(GRADUAL)
            d = int(round(rng.uniform(0.5, 1.5) * fps))
            d = max(6, min(d, shots[k]["frames"] // 3, shots[k - 1]["frames"] // 3))
            off = length - d
            graph.append(f"{cur}{nxt}xfade=transition={t}:duration={d / fps:.6f}:offset={off / fps:.6f},settb=AVTB[j{k}]")
            transitions.append([off, length])
            kinds.append(t)
            tags.add("gradual")
            length += shots[k]["frames"] - d
        else:
            graph.append(f"{cur}{nxt}concat=n=2:v=1:a=0,settb=AVTB[j{k}]")
            cuts.append(length)
            length += shots[k]["frames"]
        cur = f"[j{k}]"
    # Flashes: single-frame (sometimes two-frame) brightness spikes in the middle of shots, and a strobe.
    post = []
    if family in ("flash", "mixed") and rng.random() < (1.0 if family == "flash" else 0.4):
        boundaries = cuts + [f for t in transitions for f in range(t[0] - 3, t[1] + 3)]
        spots = []
        for _ in range(rng.randint(2, 4)):
            f = rng.randrange(8, length - 8)
            if all(abs(f - b) > 6 for b in boundaries) and all(abs(f - s) > 6 for s in spots):
                spots.append(f)
        for f in spots:
            span = 0 if rng.random() < 0.75 else 1
            b = rng.uniform(0.35, 0.7)
            post.append(f"eq=brightness={b:.2f}:contrast=0.7:enable='between(n,{f},{f + span})'")
            if rng.random() < 0.3:  # a strobe: three flashes 3 frames apart
                for g in (f + 3, f + 6):
                    if all(abs(g - x) > 4 for x in boundaries):
                        post.append(f"eq=brightness={b:.2f}:enable='eq(n,{g})'")
        if spots:
            tags.add("flash")
    vfr = rng.random() < 0.3
    if vfr:
        # Every third frame lasts twice as long: timestamps irregular, every frame kept.
        post.append(f"setpts='(N+floor(N/3))/({fps_str})/TB'")
        tags.add("vfr")
    chain = ",".join(post) if post else "null"
    graph.append(f"{cur}{chain},format=yuv420p[out]")
    codec = rng.choice(["x264bf", "x264bf", "x264", "mpeg4"])
    tags.add(codec)
    name = f"{family}_{idx:02d}.mp4"
    path = os.path.join(out_dir, name)
    enc = {"x264bf": ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-bf", "4"],
           "x264": ["-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-bf", "0"],
           "mpeg4": ["-c:v", "mpeg4", "-q:v", "5"]}[codec]
    cmd = ["ffmpeg", "-v", "error", "-y"]
    for f in files:
        cmd += ["-i", f]
    cmd += ["-filter_complex", ";".join(graph), "-map", "[out]"] + enc
    cmd += ["-fps_mode", "vfr"] if vfr else ["-r", fps_str]
    run(cmd + [path])
    for f in files:
        os.remove(f)
    with open(path + ".truth.json", "w") as fh:
        json.dump({"frames": length, "cuts": cuts, "transitions": transitions, "transition_kinds": kinds,
                   "tags": sorted(tags)}, fh)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-family", type=int, default=6)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    tmp = os.path.join(a.out, "tmp")
    os.makedirs(tmp, exist_ok=True)
    global HAVE_CORPUS
    have_corpus = HAVE_CORPUS = os.path.isdir(a.corpus)
    families = ["lavfi", "real", "gradual", "flash", "pan", "mixed"] if have_corpus else ["lavfi", "gradual", "flash", "pan"]
    if have_corpus:
        families.append("damaged")
    rng = random.Random(a.seed)
    idx = 0
    for fam in families:
        n = a.per_family if fam != "damaged" else max(2, a.per_family // 2)
        for _ in range(n):
            video_rng = random.Random(rng.randrange(1 << 30))
            # Videos already generated (with their truth) are kept: an interrupted run resumes.
            if not os.path.exists(os.path.join(a.out, f"{fam}_{idx:02d}.mp4.truth.json")):
                make_video(video_rng, idx, a.out, tmp, a.corpus, fam)
            idx += 1
            print(f"bench: generated {idx} videos", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    os.rmdir(tmp)


if __name__ == "__main__":
    main()
