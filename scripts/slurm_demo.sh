#!/usr/bin/env bash
# slurm_demo.sh: the README's Slurm recipe ("Running on a cluster"), run exactly as written there, on a one-node
# cluster made on this machine (or a stand-in for sbatch), checked against a local run.
#
# Usage: [VIDSPLIT=BINARY] scripts/slurm_demo.sh [--fake] [--keep]   (default: builds build/vidsplit)
#   --fake  no Slurm: scripts/fake_sbatch.sh stands in for sbatch (jobs run at once, in order). No root, no
#           daemons, no packages: the test suite runs this
#   --keep  keep the work folder (configuration, daemon logs, outputs) even on success
#
# Steps: without --fake, installs `slurm-wlm` and `munge` when missing (needs root: it starts munged, slurmctld
# and slurmd as root, with no systemd and no cgroups); writes a slurm.conf for this host (1 node declaring
# max(nproc, 8) CPUs, as the recipe asks for 8 per task; select/cons_tres, proctrack/linuxproc) with all state,
# spool, pid and log files in a temporary folder; starts the daemons in the background and waits until `sinfo`
# shows the node idle. Then builds vidsplit, puts it on PATH, takes the two ```sh blocks that follow the
# "scripts/slurm_demo.sh runs the two blocks below" line of README.md (scan.sbatch and the submit lines), with
# /shared/ replaced by WORK/shared/ (which holds sample_videos/ as videos/), runs the submit lines in WORK/submit,
# waits for the queue to drain, and checks: the merged scan.jsonl and the final clips.csv equal, byte for byte,
# those of `vidsplit run sample_videos` run locally; the final folder holds scan.jsonl and report.html as after a
# run; the recipe's last step, `vidsplit export`, wrote its lists; every task left its log in logs/.
# The daemons it started are stopped on exit, whatever happens. Prints PASS or FAIL (exit status 0 or 1).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KEEP=0
FAKE=0
for arg in "$@"; do
  case "$arg" in
    --keep) KEEP=1 ;;
    --fake) FAKE=1 ;;
    *) echo "usage: scripts/slurm_demo.sh [--fake] [--keep]" >&2; exit 2 ;;
  esac
done

log() { echo "slurm_demo: $*" >&2; }
die() { echo "slurm_demo: error: $*" >&2; echo FAIL; exit 1; }
((FAKE || EUID == 0)) || die "run as root: it starts munged, slurmctld and slurmd (or use --fake)"
((FAKE)) || vidsplit_install_deps slurm-wlm munge ffmpeg

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vidsplit-slurm.XXXXXX")"
chmod 755 "$WORK"  # munged wants its socket folder reachable by every user
OUT="$WORK/out"
mkdir -p "$WORK"/{state,spool,log,run,munge,bin} "$OUT"
STARTED=()  # pids of the daemons this script started, stopped in reverse order on exit
RESULT=FAIL

cleanup() {
  local pid
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    pid="${STARTED[i]}"
    kill "$pid" 2>/dev/null || continue
    # slurmctld saves its state on SIGTERM; give each daemon a few seconds before SIGKILL.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [[ "$RESULT" == PASS && "$KEEP" == 0 ]]; then
    rm -rf "$WORK"
  else
    log "work folder kept: $WORK"
  fi
}
trap cleanup EXIT

start_slurm() {
# --- munge: its own socket, pid and seed files in WORK, so a munged already running here is left alone.
MUNGE_SOCKET="$WORK/munge/munge.socket"
if [[ ! -s /etc/munge/munge.key ]]; then
  log "creating /etc/munge/munge.key"
  mungekey --create --keyfile /etc/munge/munge.key 2>/dev/null \
    || dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
fi
# munged runs as root here; --force accepts the ownership of a key made for the `munge` user.
munged --force --foreground --socket="$MUNGE_SOCKET" --pid-file="$WORK/munge/munged.pid" \
  --log-file="$WORK/log/munged.log" --seed-file="$WORK/munge/munged.seed" --key-file=/etc/munge/munge.key \
  2>>"$WORK/log/munged.log" &
STARTED+=($!)
for _ in $(seq 50); do [[ -S "$MUNGE_SOCKET" ]] && break; sleep 0.1; done
munge -n --socket="$MUNGE_SOCKET" | unmunge --socket="$MUNGE_SOCKET" >/dev/null \
  || die "munged does not answer (see $WORK/log/munged.log)"

# --- slurm.conf for this host only. Ports away from the defaults, so an existing cluster is not disturbed.
HOST="$(hostname -s)"
CPUS=$(( $(nproc) > 8 ? $(nproc) : 8 ))  # the recipe asks for 8 CPUs per task; the node runs them on what it has
export SLURM_CONF="$WORK/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=vidsplitdemo
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/run/slurmctld.pid
SlurmdPidFile=$WORK/run/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
# No cgroups here: processes are tracked through /proc, tasks are not bound.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# The node is what slurm.conf says, not what slurmd detects (a container may see other sockets/cores).
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=demo Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF

log "starting slurmctld and slurmd (config $SLURM_CONF)"
slurmctld -D -i -f "$SLURM_CONF" >>"$WORK/log/slurmctld.out" 2>&1 &
STARTED+=($!)
slurmd -D -f "$SLURM_CONF" >>"$WORK/log/slurmd.out" 2>&1 &
STARTED+=($!)

state=""
for _ in $(seq 120); do
  state="$(sinfo -h -N -n "$HOST" -o '%t' 2>/dev/null || true)"
  [[ "$state" == idle ]] && break
  sleep 0.5
done
[[ "$state" == idle ]] || die "node $HOST is '${state:-unreachable}', not idle, after 60 s (logs in $WORK/log)"
log "node $HOST idle"
}

if ((FAKE)); then
  ln -s "$VIDSPLIT_ROOT/scripts/fake_sbatch.sh" "$WORK/bin/sbatch"
  export FAKE_SLURM_DIR="$WORK/fake-slurm"
else
  start_slurm
fi

# --- vidsplit and its inputs
cd "$VIDSPLIT_ROOT"
[[ -d sample_videos ]] || scripts/make_sample_videos.sh
if [[ -z "${VIDSPLIT:-}" ]]; then  # the test suite gives its own binary
  vidsplit_install_deps
  VIDSPLIT_TARGET=vidsplit vidsplit_build "$VIDSPLIT_ROOT/build" >/dev/null
  VIDSPLIT="$VIDSPLIT_ROOT/build/vidsplit"
fi
SAMPLES="$VIDSPLIT_ROOT/sample_videos"

ln -s "$(realpath "$VIDSPLIT")" "$WORK/bin/vidsplit"
export PATH="$WORK/bin:$PATH"  # vidsplit (and, with --fake, sbatch) for the recipe
SHARED="$WORK/shared"
mkdir -p "$SHARED" "$WORK/submit"
ln -s "$SAMPLES" "$SHARED/videos"

# The N-th ```sh block after the README's marker line, /shared/ moved into WORK.
readme_block() {
  awk -v want="$1" '
    /scripts\/slurm_demo.sh runs the two blocks below/ { armed = 1; next }
    armed && /^```sh$/ { n++; inside = (n == want); next }
    armed && /^```$/ { if (inside) exit; next }
    inside { print }' "$VIDSPLIT_ROOT/README.md" | sed "s#/shared/#$SHARED/#g"
}
readme_block 1 >"$WORK/submit/scan.sbatch"
readme_block 2 >"$WORK/submit/submit.sh"
[[ -s "$WORK/submit/scan.sbatch" && -s "$WORK/submit/submit.sh" ]] || die "the README's Slurm blocks were not found"
log "running the README's submit lines in $WORK/submit"
(cd "$WORK/submit" && bash -euo pipefail submit.sh) >"$WORK/log/submit.out" 2>&1 \
  || die "the README's submit lines failed (see $WORK/log/submit.out)"
if ((!FAKE)); then
  for _ in $(seq 1200); do
    [[ -z "$(squeue -h 2>/dev/null)" ]] && break
    sleep 0.5
  done
  [[ -z "$(squeue -h 2>/dev/null)" ]] || die "jobs still queued after 10 minutes (logs in $WORK/submit/logs)"
fi

log "local reference: vidsplit run sample_videos"
# The same input path and working folder as the recipe's: scan.jsonl's header records both.
(cd "$WORK/submit" && "$VIDSPLIT" run "$SHARED/videos" -o "$OUT/local" --quiet --no-report --no-cache) >"$WORK/log/local.out"

RESULT=PASS
check() {  # DESCRIPTION COMMAND...
  if "${@:2}"; then log "ok: $1"; else log "FAILED: $1"; RESULT=FAIL; fi
}
check "merged scan.jsonl == local run's" cmp -s "$SHARED/all/scan.jsonl" "$OUT/local/scan.jsonl"
check "final clips.csv == local run's" cmp -s "$SHARED/final/clips.csv" "$OUT/local/clips.csv"
for f in scan.jsonl summary.json report.html; do
  check "final folder holds $f" test -s "$SHARED/final/$f"
done
check "export wrote mmaction2 lists" test -s "$SHARED/mmaction2/label_map.txt"
check "16 scan task logs" test "$(find "$WORK/submit/logs" -name 'scan-*.out' | wc -l)" -eq 16
check "split job log" test -s "$WORK/submit/logs/split.out"
echo "$RESULT"
[[ "$RESULT" == PASS ]]
