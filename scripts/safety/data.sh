#!/usr/bin/env bash
# scripts/safety/data.sh: end-to-end scenarios of issue 14's names, audit and partial-result cases, on folders
# generated here. Prints `PASS name` or `FAIL name: why` per scenario; exits 1 if any failed.
# VIDSPLIT: the binary (default build/vidsplit). Run from the repository root, or by scripts/check_safety.sh.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VIDSPLIT="${VIDSPLIT:-$ROOT/build/vidsplit}"
SAMPLE="$ROOT/sample_videos/run/run_aba.mp4"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
failed=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failed=1; }
# run NAME EXPECTED_EXIT ARGS...: runs vidsplit, output in $TMP/NAME.out / .err; returns 1 on another exit code.
run() {
  local name=$1 want=$2
  shift 2
  "$VIDSPLIT" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    fail "$name" "exit $got, expected $want: $(head -c 300 "$TMP/$name.err")"
    return 1
  fi
}

# A label folder and a file whose names are not UTF-8 are processed, stored escaped, and opened again.
s=non-utf8-name
mkdir -p "$TMP/$s/in/ok" "$TMP/$s/in/lab"$'\xff'
cp "$SAMPLE" "$TMP/$s/in/lab"$'\xff'"/x"$'\xfe'".mp4"
cp "$ROOT/sample_videos/wave/wave_wide.mp4" "$TMP/$s/in/ok/w.mp4"
if run $s 0 run "$TMP/$s/in" -q -o "$TMP/$s/out"; then
  if ! grep -q '^lab\\xff/x\\xfe\.mp4,' "$TMP/$s/out/clips.csv"; then fail $s "clips.csv lacks lab\\xff/x\\xfe.mp4"
  elif ! /usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]' "$TMP/$s/out/scan.jsonl"; then
    fail $s "scan.jsonl is not UTF-8 JSON"
  elif run $s-export 0 export "$TMP/$s/out" --format mmaction2 --to "$TMP/$s/exp"; then pass $s
  fi
fi

# A symlinked class folder is read, under the link's name; a link loop is skipped with a warning.
s=symlinked-class-folder
mkdir -p "$TMP/$s/in/real" "$TMP/$s/elsewhere/cls"
cp "$SAMPLE" "$TMP/$s/in/real/a.mp4"
cp "$ROOT/sample_videos/wave/wave_wide.mp4" "$TMP/$s/elsewhere/cls/b.mp4"
ln -s "$TMP/$s/elsewhere/cls" "$TMP/$s/in/linked"
ln -s "$TMP/$s/in" "$TMP/$s/in/real/loop"
if run $s 0 scan "$TMP/$s/in" -q --no-cache -o "$TMP/$s/out"; then
  if ! grep -q '"video":"linked/b.mp4"' "$TMP/$s/out/scan.jsonl"; then fail $s "linked/b.mp4 not scanned"
  elif ! grep -q "warning: .*loop: links to a folder already read" "$TMP/$s.err"; then fail $s "no warning for the loop"
  else pass $s
  fi
fi

# The same video in two splits, without frame ranges, is a leak: exit 4, listed in leaks.csv.
s=audit-same-video
mkdir -p "$TMP/$s/lab"
cp "$SAMPLE" "$TMP/$s/lab/x.mp4"
printf 'video,split\nlab/x.mp4,train\nlab/x.mp4,val\n' >"$TMP/$s/clips.csv"
if run $s 4 audit "$TMP/$s/clips.csv" -q -o "$TMP/$s/out"; then
  if grep -q 'same-video' "$TMP/$s/out/leaks.csv"; then pass $s; else fail $s "leaks.csv lists no same-video leak"; fi
fi

# Split names that differ only in case are refused.
s=audit-case-names
mkdir -p "$TMP/$s/lab"
cp "$SAMPLE" "$TMP/$s/lab/x.mp4"
cp "$ROOT/sample_videos/wave/wave_wide.mp4" "$TMP/$s/lab/y.mp4"
printf 'video,split\nlab/x.mp4,Train\nlab/y.mp4,train\n' >"$TMP/$s/clips.csv"
if run $s 2 audit "$TMP/$s/clips.csv" -q -o "$TMP/$s/out"; then
  if grep -q "differ only in case" "$TMP/$s.err"; then pass $s; else fail $s "no reason given"; fi
fi

# One shard of two is not a whole scan.
s=merge-partial
mkdir -p "$TMP/$s/in/a"
for f in x y z; do cp "$SAMPLE" "$TMP/$s/in/a/$f.mp4"; done
if run $s-scan 0 scan "$TMP/$s/in" -q --no-cache --shard 0/2 -o "$TMP/$s/s0" &&
  run $s 2 merge "$TMP/$s/s0/scan.jsonl" -o "$TMP/$s/m"; then
  if ! grep -q "missing shard(s) 1" "$TMP/$s.err"; then fail $s "the missing shard is not named"
  elif run $s-allow 0 merge "$TMP/$s/s0/scan.jsonl" --allow-partial -o "$TMP/$s/m"; then pass $s
  fi
fi

# A file cut to half its bytes is used, and listed in errors.csv as `truncated`, with exit code 3.
s=truncated-file
mkdir -p "$TMP/$s/in/a"
ffmpeg -v error -f lavfi -i testsrc2=size=64x48:rate=25:duration=6 -c:v libx264 -pix_fmt yuv420p -g 25 \
  -movflags +faststart "$TMP/$s/whole.mp4"
head -c $(($(stat -c %s "$TMP/$s/whole.mp4") / 2)) "$TMP/$s/whole.mp4" >"$TMP/$s/in/a/half.mp4"
cp "$SAMPLE" "$TMP/$s/in/a/ok.mp4"
if run $s 3 run "$TMP/$s/in" -q -o "$TMP/$s/out"; then
  if ! grep -q '^a/half.mp4,.*,truncated$' "$TMP/$s/out/errors.csv"; then fail $s "errors.csv: $(cat "$TMP/$s/out/errors.csv")"
  elif ! grep -q '^a/half.mp4,' "$TMP/$s/out/clips.csv"; then fail $s "the truncated file's frames are not used"
  elif ! grep -q '"truncated": 1' "$TMP/$s/out/summary.json"; then fail $s "summary.json does not count it"
  else pass $s
  fi
fi

# Weights whose sum overflows a double are refused, never printed as -nan.
s=assign-overflow
printf 'group,label,weight\ng0,a,1e308\ng1,a,1e308\n' >"$TMP/$s.csv"
if run $s 2 assign "$TMP/$s.csv" -o "$TMP/$s.o"; then
  if grep -q "line 2: column weight" "$TMP/$s.err"; then pass $s; else fail $s "no line and column named"; fi
fi

exit $failed
