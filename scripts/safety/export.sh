#!/usr/bin/env bash
# The data-loss scenarios of `vidsplit export` (issue 14), end to end on a generated dataset: prints
# "PASS <scenario>" or "FAIL <scenario>: <why>" for each, and exits 1 if any failed.
# Usage: scripts/safety/export.sh   (VIDSPLIT=path/to/vidsplit, default build/vidsplit)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VIDSPLIT="$(realpath "${VIDSPLIT:-$ROOT/build/vidsplit}")"
[ -x "$VIDSPLIT" ] || { echo "FAIL setup: no vidsplit binary at $VIDSPLIT (build it, or set VIDSPLIT)"; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1

failed=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failed=1; }
# Every file below a folder with its checksum (links as their target), to see that nothing changed.
state() { (cd "$1" && find . \( -type f -o -type l \) -printf '%p %l\n' | sort && find . -type f -print0 | sort -z | xargs -0r md5sum); }
# expect SCENARIO CODE [ARGS...]: runs `vidsplit export out ARGS` and checks its exit code.
expect() {
  local scenario="$1" want="$2"
  shift 2
  "$VIDSPLIT" export out "$@" >stdout.txt 2>stderr.txt
  local got=$?
  [ "$got" = "$want" ] && return 0
  fail "$scenario" "exit $got, expected $want ($(head -c 300 stderr.txt))"
  return 1
}

# Two labels, two small videos from lavfi (a few KB each).
mkdir -p d/jump d/run
ffmpeg -v error -f lavfi -i testsrc2=size=96x64:rate=25:duration=1 -c:v mpeg4 -q:v 5 d/jump/a.mp4 || exit 1
ffmpeg -v error -f lavfi -i mandelbrot=size=96x64:rate=25 -t 1 -c:v mpeg4 -q:v 2 d/run/b.mp4 || exit 1
"$VIDSPLIT" run d -o out -q --no-report --ratios train=0.5,val=0.5 >/dev/null 2>&1 || { echo "FAIL setup: run"; exit 1; }
# OUT's files as readers see them (through OUT's current generation).
out_state() { (cd out && md5sum clips.csv scan.jsonl summary.json errors.csv group_evidence.csv); }
sources="$(state d)"
outputs="$(out_state)"

check_untouched() {
  [ "$(state d)" = "$sources" ] || { fail "$1" "a source video changed"; return 1; }
  [ "$(out_state)" = "$outputs" ] || { fail "$1" "a file in OUT changed"; return 1; }
  return 0
}

s="mmaction2 into the dataset root is refused"
expect "$s" 2 --format mmaction2 --to d && check_untouched "$s" && pass "$s"

s="symlink export into a label folder is refused"
expect "$s" 2 --format mmaction2 --link symlink --to d/jump && check_untouched "$s" && [ ! -L d/jump/a.mp4 ] && pass "$s"

s="clips into OUT is refused"
if expect "$s" 2 --format clips --to out && check_untouched "$s"; then
  "$VIDSPLIT" report out >/dev/null 2>&1 && pass "$s" || fail "$s" "vidsplit report out failed afterwards"
fi

s="a non-empty folder is refused, even with --overwrite"
mkdir -p busy/jump && echo mine >busy/label_map.txt && echo keep >busy/jump/a.mp4
before="$(state busy)"
expect "$s" 2 --format mmaction2 --to busy && expect "$s" 2 --format mmaction2 --to busy --overwrite &&
  { [ "$(state busy)" = "$before" ] && pass "$s" || fail "$s" "a file in the folder changed"; }

s="an earlier export is replaced only with --overwrite"
if expect "$s" 0 --format mmaction2 --to exp && expect "$s" 2 --format ucf101 --to exp &&
  expect "$s" 0 --format ucf101 --to exp --overwrite; then
  [ -f exp/classInd.txt ] && [ ! -e exp/label_map.txt ] && [ -f exp/.vidsplit-export ] && pass "$s" ||
    fail "$s" "exp does not hold exactly the ucf101 export"
fi

s="a path edited to /etc/passwd is refused"
cp -a out edited
# --follow-symlinks: OUT/scan.jsonl is a link into OUT's current generation, which export reads.
sed -i --follow-symlinks 's#"path":"d/jump/a.mp4"#"path":"/etc/passwd"#' edited/scan.jsonl
"$VIDSPLIT" export edited --format mmaction2 --to passwd >stdout.txt 2>stderr.txt
code=$?
if [ "$code" = 2 ] && grep -q "lies outside the scan's inputs" stderr.txt && [ ! -e passwd ]; then pass "$s"
else fail "$s" "exit $code: $(head -c 300 stderr.txt)"; fi

s="a source changed since the scan is refused"
cp d/jump/a.mp4 a.keep
cp d/run/b.mp4 d/jump/a.mp4
expect "$s" 2 --format mmaction2 --to changed && grep -q "changed since the scan" stderr.txt && [ ! -e changed ] &&
  pass "$s"
cp a.keep d/jump/a.mp4

s="export runs from another working folder"
mkdir -p elsewhere
if (cd elsewhere && "$VIDSPLIT" export ../out --format mmaction2 --to ../fromelsewhere >/dev/null 2>stderr.txt); then
  cmp -s fromelsewhere/jump/a.mp4 d/jump/a.mp4 && pass "$s" || fail "$s" "the exported video differs"
else fail "$s" "$(head -c 300 elsewhere/stderr.txt)"; fi

s="a failed write leaves the earlier export as it was"
before="$(state exp)"
(trap '' XFSZ; ulimit -f 4; exec "$VIDSPLIT" export out --format mmaction2 --to exp --overwrite) >/dev/null 2>stderr.txt
code=$?
if [ "$code" = 1 ] && [ "$(state exp)" = "$before" ] && ! ls -a | grep -q vidsplit-tmp; then pass "$s"
else fail "$s" "exit $code, or exp changed, or a temporary folder is left"; fi

s="a killed export leaves the earlier export as it was"
# The outer subshell's stderr also takes bash's "File size limit exceeded" notice.
( (ulimit -f 4; exec "$VIDSPLIT" export out --format mmaction2 --to exp --overwrite) >/dev/null 2>&1 ) 2>/dev/null
code=$?
if [ "$code" -gt 128 ] && [ "$(state exp)" = "$before" ]; then
  expect "$s" 0 --format mmaction2 --to exp --overwrite && ! ls -a | grep -q vidsplit-tmp && pass "$s" ||
    fail "$s" "the next export did not clean up"
else fail "$s" "exit $code, or exp changed"; fi

check_untouched "sources and OUT after every scenario" && pass "sources and OUT after every scenario"
exit "$failed"
