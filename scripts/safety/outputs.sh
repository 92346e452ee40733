#!/usr/bin/env bash
# Safety scenarios for OUT (README "Reliability"): a set of outputs is switched in whole or not at all, one
# writer per OUT, OUT's files are never read as inputs, --threads is bounded, an unwritable or full OUT fails
# before decoding. Run by scripts/check_safety.sh; prints PASS/FAIL/SKIP lines, exits 1 on a failure.
# The disk scenarios mount a small tmpfs in a private mount namespace (unshare -m as root, unshare -rm
# otherwise); where neither is allowed they print SKIP.
set -u
here=$(cd "$(dirname "$0")" && pwd)
samples=$here/../../sample_videos
VIDSPLIT=${VIDSPLIT:-$here/../../build/vidsplit}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

# One digest of OUT's set as its documented names read it; "missing" for an absent name.
set_digest() {
  for f in clips.csv summary.json errors.csv group_evidence.csv scan.jsonl report.html; do
    if [ -e "$1/$f" ]; then sha256sum <"$1/$f"; else echo "missing $f"; fi
  done | sha256sum | cut -c1-16
}

# Three small videos in two classes.
data=$work/data
mkdir -p "$data/jump" "$data/wave"
cp "$samples/jump/jump_cuts3.mp4" "$samples/jump/jump_zoom.mp4" "$data/jump/"
cp "$samples/wave/wave_cuts4.mp4" "$data/wave/"

# --- crash and kill -9 while writing: OUT is always the complete old set or the complete new set ----------------
# Reference sets, each made by an uninterrupted run into a folder of the same name (the report names it).
old_args=(--no-cache -q --ratios train=0.5,val=0.5 --seed 1)
new_args=(--no-cache -q --ratios train=0.7,val=0.3 --seed 2)
mkdir -p "$work/ref_old" "$work/ref_new" "$work/kill"
"$VIDSPLIT" run "$data" -o "$work/ref_old/out" "${old_args[@]}" >/dev/null
"$VIDSPLIT" run "$data" -o "$work/ref_new/out" "${new_args[@]}" >/dev/null
old=$(set_digest "$work/ref_old/out")
new=$(set_digest "$work/ref_new/out")
start=$(date +%s%N)
"$VIDSPLIT" run "$data" -o "$work/kill/out" "${old_args[@]}" >/dev/null
took_ms=$((($(date +%s%N) - start) / 1000000))
if [ "$old" = "$new" ]; then
  fail kill-9-during-run "the two reference sets are identical ($old)"
else
  bad=""
  # Kills spread over a whole run's length (decoding, grouping, writing, the report, the switch).
  for k in 1 2 3 4 5 6 7 8; do
    before=$(set_digest "$work/kill/out")
    "$VIDSPLIT" run "$data" -o "$work/kill/out" "${new_args[@]}" >/dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v t="$took_ms" -v k="$k" 'BEGIN { printf "%.3f", t * k / 8500 }')"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    after=$(set_digest "$work/kill/out")
    if [ "$after" != "$before" ] && [ "$after" != "$new" ]; then bad="$bad kill $k: a mix ($after; old $old, new $new);"; fi
    # Swap the roles: the next kill interrupts a run back to the other set.
    if [ "$after" = "$new" ]; then
      tmp=("${old_args[@]}"); old_args=("${new_args[@]}"); new_args=("${tmp[@]}"); t=$old; old=$new; new=$t
    fi
  done
  gens=$(find "$work/kill/out/.vidsplit" -maxdepth 1 -name 'gen-*' | wc -l)
  "$VIDSPLIT" run "$data" -o "$work/kill/out" "${new_args[@]}" >/dev/null 2>&1 || bad="$bad the run after the kills failed;"
  [ "$(set_digest "$work/kill/out")" = "$new" ] || bad="$bad the run after the kills wrote another set;"
  gens_after=$(find "$work/kill/out/.vidsplit" -maxdepth 1 -name 'gen-*' | wc -l)
  [ "$gens_after" -eq 1 ] || bad="$bad $gens_after generations left after a clean run;"
  if [ -z "$bad" ]; then pass "kill-9-during-run (8 kills over ${took_ms} ms, $gens generation folders after them)"; else fail kill-9-during-run "$bad"; fi
fi

# --- two writers on one OUT ---------------------------------------------------------------------------------------
mkdir -p "$work/two"
# sample_videos (12 videos) keeps the first writer busy long enough.
"$VIDSPLIT" run "$samples" -o "$work/two/out" "${old_args[@]}" >/dev/null 2>&1 &
first=$!
for _ in $(seq 100); do grep -q "^pid $first:" "$work/two/out/.lock" 2>/dev/null && break; sleep 0.05; done
"$VIDSPLIT" split "$work/ref_new/out/scan.jsonl" -o "$work/two/out" -q >"$work/two/stdout" 2>"$work/two/stderr"
rc=$?
wait "$first"
first_rc=$?
if [ "$rc" -ne 2 ]; then
  fail two-writers "the second writer exited $rc, not 2"
elif ! grep -q "is in use by another vidsplit (pid $first: vidsplit run " "$work/two/stderr"; then
  fail two-writers "the refusal does not name pid $first: $(cat "$work/two/stderr")"
elif [ "$first_rc" -ne 0 ] || ! grep -q "^video,clip,kind" "$work/two/out/clips.csv" ||
     ! grep -q "\"total\": $(find "$samples" -name '*.mp4' | wc -l),\?$" "$work/two/out/summary.json"; then
  fail two-writers "the first run (exit $first_rc) did not leave its own set"
else
  pass two-writers
fi

"$VIDSPLIT" run "$data" -o "$work/two/out" --no-cache -q >/dev/null 2>&1 &
first=$!
for _ in $(seq 100); do grep -q "^pid $first:" "$work/two/out/.lock" 2>/dev/null && break; sleep 0.05; done
"$VIDSPLIT" report "$work/two/out" --wait -q >/dev/null 2>"$work/two/stderr"
rc=$?
wait "$first"
if [ "$rc" -eq 0 ] && grep -q "<h1>vidsplit report: out</h1>" "$work/two/out/report.html" &&
   grep -q '"total": 3,\?$' "$work/two/out/summary.json"; then
  pass two-writers-wait
else
  fail two-writers-wait "report --wait exited $rc: $(cat "$work/two/stderr")"
fi

# --- OUT and export folders are not inputs ------------------------------------------------------------------------
mkdir -p "$work/nii"
cp -r "$data" "$work/nii/data"
"$VIDSPLIT" run "$work/nii/data" -o "$work/nii/data/out" --no-cache -q >/dev/null 2>&1
# An export's copies inside the data, marked as the export command marks them.
mkdir -p "$work/nii/data/out/export/jump" "$work/nii/data/exported/wave"
cp "$data/jump/jump_zoom.mp4" "$work/nii/data/out/export/jump/"
cp "$data/wave/wave_cuts4.mp4" "$work/nii/data/exported/wave/copy.mp4"
touch "$work/nii/data/exported/.vidsplit-export"
"$VIDSPLIT" run "$work/nii/data" -o "$work/nii/data/out" --no-cache >/dev/null 2>"$work/nii/stderr"
rc=$?
total=$(grep -o '"total": [0-9]*' "$work/nii/data/out/summary.json")
"$VIDSPLIT" run "$work/nii/data" -o "$work/nii/data" --no-cache -q >/dev/null 2>&1
rc_self=$?
total_self=$(grep -o '"total": [0-9]*' "$work/nii/data/summary.json")
if [ "$rc" -ne 0 ] || [ "$total" != '"total": 3' ]; then
  fail outputs-not-inputs "the rerun into data/out exited $rc with $total videos"
elif ! grep -q "warning: skipped $work/nii/data/out: it holds vidsplit's outputs (.vidsplit-out)" "$work/nii/stderr" ||
     ! grep -q "warning: skipped $work/nii/data/exported: it holds vidsplit's outputs (.vidsplit-export)" "$work/nii/stderr"; then
  fail outputs-not-inputs "no warning naming the skipped folders: $(cat "$work/nii/stderr")"
elif [ "$rc_self" -ne 0 ] || [ "$total_self" != '"total": 3' ]; then
  fail outputs-not-inputs "run data -o data exited $rc_self with $total_self videos"
else
  pass outputs-not-inputs
fi

# --- --threads: one rule for every command, and workers bounded by the work --------------------------------------
bad=""
"$VIDSPLIT" run "$data" -o "$work/thr" --threads 100000 >/dev/null 2>"$work/thr.err"
rc=$?
[ "$rc" -eq 2 ] && grep -q -- "--threads must be 0..1024 (0 = all cores), not 100000" "$work/thr.err" ||
  bad="$bad run --threads 100000 exited $rc ($(cat "$work/thr.err"));"
[ -e "$work/thr" ] && bad="$bad run --threads 100000 created OUT;"
"$VIDSPLIT" run "$data" -o "$work/thr" --no-cache -q >/dev/null 2>&1
for cmd in "run $data" "scan $data" "split $work/thr/scan.jsonl" "merge $work/thr/scan.jsonl" \
           "audit $work/thr/clips.csv" "report $work/thr" "export $work/thr --format ucf101"; do
  for n in -4 1025; do
    [ "${cmd%% *}" = report ] || [ "${cmd%% *}" = export ] && o=() || o=(-o "$work/thr_$RANDOM")
    # shellcheck disable=SC2086
    "$VIDSPLIT" $cmd "${o[@]}" --threads=$n >/dev/null 2>"$work/thr.err"
    rc=$?
    [ "$rc" -eq 2 ] && grep -q -- "--threads must be 0..1024" "$work/thr.err" || bad="$bad ${cmd%% *} --threads=$n exited $rc;"
  done
done
# --threads 64 on 3 videos: at most 3 decoding workers; count the process's threads while it runs.
"$VIDSPLIT" run "$data" -o "$work/thr64" --no-cache --no-report -q --threads 64 >/dev/null 2>&1 &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
  n=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
  [ -n "$n" ] && [ "$n" -gt "$peak" ] && peak=$n
  sleep 0.01
done
wait "$pid" || bad="$bad run --threads 64 failed;"
cores=$(nproc)
# 3 video workers, each with at most 4 x cores / 3 codec threads (and FFmpeg's own helper per decoder).
limit=$((3 + 2 * 4 * cores + 3))
[ "$peak" -le "$limit" ] || bad="$bad --threads 64 on 3 videos peaked at $peak threads (limit $limit);"
if [ -z "$bad" ]; then pass "threads-bounded (--threads 64 on 3 videos: peak $peak threads, $cores cores)"; else fail threads-bounded "$bad"; fi

# --- an OUT that cannot be written is refused before decoding -----------------------------------------------------
touch "$work/plainfile"
"$VIDSPLIT" run "$data" -o "$work/plainfile/out" --no-cache -q >/dev/null 2>"$work/unw.err"
rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$work/unw.err")" -eq 1 ] && grep -q "cannot create output folder $work/plainfile/out" "$work/unw.err"; then
  pass unwritable-out
else
  fail unwritable-out "exit $rc: $(cat "$work/unw.err")"
fi

# --- read-only and full disks (a tmpfs in a private mount namespace) ----------------------------------------------
if [ "$(id -u)" -eq 0 ]; then ns=(unshare -m); else ns=(unshare -rm); fi
mkdir -p "$work/mnt"
if ! "${ns[@]}" sh -c "mount -t tmpfs -o size=64k tmpfs '$work/mnt'" 2>/dev/null; then
  echo "SKIP read-only-out: cannot mount a tmpfs here (unshare -m/-rm not allowed)"
  echo "SKIP full-disk-before-decoding: cannot mount a tmpfs here"
  echo "SKIP full-disk-while-writing: cannot mount a tmpfs here"
else
  # Read-only: refused with exit 2 before any decoding.
  "${ns[@]}" sh -c "mount -t tmpfs -o size=1m tmpfs '$work/mnt' && mkdir '$work/mnt/out' &&
    mount -o remount,ro '$work/mnt' && exec '$VIDSPLIT' run '$data' -o '$work/mnt/out' --no-cache -q" \
    >/dev/null 2>"$work/ro.err"
  rc=$?
  if [ "$rc" -eq 2 ] && grep -q "cannot write to output folder $work/mnt/out: Read-only file system" "$work/ro.err"; then
    pass read-only-out
  else
    fail read-only-out "exit $rc: $(cat "$work/ro.err")"
  fi

  # A disk with 16 KB free (the outputs of 3 videos need 22 KB by the estimate): refused with exit 1 before
  # decoding (no cache was started).
  "${ns[@]}" sh -c "mount -t tmpfs -o size=16k tmpfs '$work/mnt' &&
    '$VIDSPLIT' run '$data' -o '$work/mnt/out' -q; echo \"rc=\$?\"; ls -A '$work/mnt/out'" >"$work/full.out" 2>"$work/full.err"
  if grep -q "^rc=1$" "$work/full.out" && ! grep -q "^cache$" "$work/full.out" &&
     grep -q "only .* free, the outputs need at least" "$work/full.err"; then
    pass full-disk-before-decoding
  else
    fail full-disk-before-decoding "$(cat "$work/full.out" "$work/full.err" | tr '\n' ' ')"
  fi

  # Room for the early check but not for the new set: the write fails midway, the old set stays whole.
  # The room left (28 KB) passes the early check (22 KB for 3 videos) but not the new set (28 KB, in 4 KB pages).
  "${ns[@]}" sh -c "mount -t tmpfs -o size=8m tmpfs '$work/mnt' &&
    '$VIDSPLIT' run '$data' -o '$work/mnt/out' --no-cache -q >/dev/null &&
    cp -r '$work/mnt/out' '$work/full_old' &&
    free=\$(df -B1 --output=avail '$work/mnt' | tail -1) &&
    head -c \$((free - 28 * 1024)) /dev/zero > '$work/mnt/filler' 2>/dev/null;
    '$VIDSPLIT' run '$data' -o '$work/mnt/out' --no-cache -q --ratios train=0.6,val=0.4; echo \"rc=\$?\";
    echo \"digest=\$(cd '$work/mnt/out' && for f in clips.csv summary.json errors.csv group_evidence.csv scan.jsonl report.html; do
      sha256sum < \$f; done | sha256sum | cut -c1-16)\";
    echo gens=\$(ls '$work/mnt/out/.vidsplit' | grep -c gen-)" >"$work/mid.out" 2>"$work/mid.err"
  want=$(set_digest "$work/full_old")
  if grep -q "^rc=1$" "$work/mid.out" && grep -q "^digest=$want$" "$work/mid.out" && grep -q "^gens=1$" "$work/mid.out" &&
     grep -q "No space left on device" "$work/mid.err"; then
    pass full-disk-while-writing
  else
    fail full-disk-while-writing "$(cat "$work/mid.out" "$work/mid.err" | tr '\n' ' ')"
  fi
fi

[ "$failures" -eq 0 ]
