#!/usr/bin/env bash
# fake_sbatch.sh: a stand-in for Slurm's `sbatch`, so that scripts/slurm_demo.sh --fake (and the test suite) run
# the README's Slurm recipe where no Slurm is installed. Jobs run at once, one after the other, in the calling
# shell's environment; array tasks in index order. What it keeps of sbatch: the options the recipe uses
# (--array, --cpus-per-task, --output with %a %A %j %x, --dependency=afterok:ID[:ID...], --wrap, --parsable,
# --job-name, --wait), #SBATCH lines (overridden by the command line), the SLURM_* variables a task sees, and
# Slurm's failure modes that matter to a recipe: a job whose --output folder does not exist fails with no log,
# and a job whose afterok dependency failed never runs. State (job ids and exit codes) lives in
# $FAKE_SLURM_DIR (required).
set -uo pipefail
: "${FAKE_SLURM_DIR:?set FAKE_SLURM_DIR to a folder for the fake Slurm state}"
mkdir -p "$FAKE_SLURM_DIR"

declare -A opt=()
set_option() {  # NAME VALUE, from the command line or an #SBATCH line
  case "$1" in
    --array | --cpus-per-task | --output | --dependency | --job-name | --wrap) opt["$1"]="$2" ;;
    --parsable | --wait) opt["$1"]=1 ;;
    *) echo "fake_sbatch: unsupported option $1" >&2; exit 1 ;;
  esac
}
declare -A given=()
script=""
while (($#)); do
  case "$1" in
    --parsable | --wait) given["$1"]=1; shift ;;
    --*=*) given["${1%%=*}"]="${1#*=}"; shift ;;
    --*) given["$1"]="$2"; shift 2 ;;
    *) script="$1"; shift; break ;;
  esac
done
if [[ -n "$script" ]]; then
  [[ -r "$script" ]] || { echo "sbatch: error: Unable to open file $script" >&2; exit 1; }
  while IFS= read -r line; do
    [[ "$line" =~ ^#SBATCH[[:space:]]+(--[a-z-]+)(=(.*))?$ ]] || continue
    set_option "${BASH_REMATCH[1]}" "${BASH_REMATCH[3]}"
  done <"$script"
fi
for name in "${!given[@]}"; do set_option "$name" "${given[$name]}"; done
if [[ -n "${opt[--wrap]:-}" ]]; then
  script="$FAKE_SLURM_DIR/wrap.$$.sh"
  printf '#!/bin/sh\n%s\n' "${opt[--wrap]}" >"$script"
fi
[[ -n "$script" ]] || { echo "sbatch: error: no batch script and no --wrap" >&2; exit 1; }

job=$(( $(cat "$FAKE_SLURM_DIR/last_id" 2>/dev/null || echo 1000) + 1 ))
echo "$job" >"$FAKE_SLURM_DIR/last_id"

status=0
dependency="${opt[--dependency]:-}"
if [[ -n "$dependency" ]]; then
  [[ "$dependency" == afterok:* ]] || { echo "fake_sbatch: only afterok dependencies: $dependency" >&2; exit 1; }
  IFS=: read -ra after <<<"${dependency#afterok:}"
  for id in "${after[@]}"; do
    [[ "$(cat "$FAKE_SLURM_DIR/$id.status" 2>/dev/null)" == 0 ]] || status=1  # DependencyNeverSatisfied
  done
fi

tasks=("")
if [[ -n "${opt[--array]:-}" ]]; then
  [[ "${opt[--array]}" =~ ^([0-9]+)-([0-9]+)$ ]] || { echo "fake_sbatch: --array must be A-B" >&2; exit 1; }
  mapfile -t tasks < <(seq "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}")
fi
if ((status == 0)); then
  for task in "${tasks[@]}"; do
    output="${opt[--output]:-slurm-%j.out}"
    output="${output//%a/$task}"; output="${output//%A/$job}"; output="${output//%j/$job}"
    output="${output//%x/${opt[--job-name]:-$(basename "$script")}}"
    # Slurm opens the log before starting the job and does not create its folder.
    if [[ ! -d "$(dirname "$output")" ]]; then status=1; continue; fi
    (
      export SLURM_JOB_ID="$job" SLURM_CPUS_PER_TASK="${opt[--cpus-per-task]:-1}"
      if [[ -n "$task" ]]; then
        export SLURM_ARRAY_JOB_ID="$job" SLURM_ARRAY_TASK_ID="$task" SLURM_ARRAY_TASK_COUNT="${#tasks[@]}"
      fi
      exec bash "$script"
    ) >"$output" 2>&1 || status=1
  done
fi
echo "$status" >"$FAKE_SLURM_DIR/$job.status"
if [[ -n "${opt[--parsable]:-}" ]]; then echo "$job"; else echo "Submitted batch job $job"; fi
if [[ -n "${opt[--wait]:-}" ]]; then exit "$status"; fi
exit 0
