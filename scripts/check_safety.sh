#!/usr/bin/env bash
# Runs every executable scenario file scripts/safety/*.sh end to end against a vidsplit binary ($VIDSPLIT,
# default build/vidsplit). Each scenario file prints `PASS name`, `FAIL name: why` or `SKIP name: why` lines
# and exits 1 on a failure. Prints the total; exits 1 when any scenario failed. ctest runs it (tests/CMakeLists.txt).
set -u
here=$(cd "$(dirname "$0")" && pwd)
VIDSPLIT=$(realpath "${VIDSPLIT:-$here/../build/vidsplit}")
export VIDSPLIT
if [ ! -x "$VIDSPLIT" ]; then
  echo "check_safety: no vidsplit binary at $VIDSPLIT (build it, or set VIDSPLIT)" >&2
  exit 1
fi

passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for scenario in "$here"/safety/*.sh; do
  [ -x "$scenario" ] || continue
  "$scenario" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  p=$(grep -c '^PASS ' "$log")
  f=$(grep -c '^FAIL ' "$log")
  s=$(grep -c '^SKIP ' "$log")
  # A scenario file that dies without saying why still counts as a failure.
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "FAIL $(basename "$scenario"): exited with $rc without a FAIL line"
    f=1
  fi
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
echo "$passed passed, $failed failed$([ "$skipped" -gt 0 ] && echo ", $skipped skipped")"
[ "$failed" -eq 0 ]
