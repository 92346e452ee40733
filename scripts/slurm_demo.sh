#!/usr/bin/env bash
# slurm_demo.sh: the sharded scan as a Slurm job array on a one-node cluster made on this machine, checked
# against a local run. Outside the default CI: it installs Debian packages and starts daemons.
#
# Usage: scripts/slurm_demo.sh [--keep]
#   --keep  keep the work folder (configuration, daemon logs, outputs) even on success
#
# Steps: installs `slurm-wlm` and `munge` when missing (needs root: it starts munged, slurmctld and slurmd as
# root, with no systemd and no cgroups); writes a slurm.conf for this host (1 node, CPUs = nproc, select/cons_tres,
# proctrack/linuxproc) with all state, spool, pid and log files in a temporary folder; starts the daemons in the
# background and waits until `sinfo` shows the node idle; builds vidsplit; submits
#   sbatch --array=0-3   each task: vidsplit scan sample_videos --shard $SLURM_ARRAY_TASK_ID/4 -o OUT/shard-$i
#   sbatch --dependency=afterok:<array job> --wait   vidsplit merge OUT/shard-*/scan.jsonl + vidsplit split
# and compares the merged scan.jsonl and clips.csv byte for byte with `vidsplit run sample_videos` run locally.
# The daemons it started are stopped on exit, whatever happens. Prints PASS or FAIL (exit status 0 or 1).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KEEP=0
case "${1:-}" in
  --keep) KEEP=1 ;;
  "") ;;
  *) echo "usage: scripts/slurm_demo.sh [--keep]" >&2; exit 2 ;;
esac

log() { echo "slurm_demo: $*" >&2; }
die() { echo "slurm_demo: error: $*" >&2; echo FAIL; exit 1; }
((EUID == 0)) || die "run as root: it starts munged, slurmctld and slurmd"

vidsplit_install_deps slurm-wlm munge ffmpeg

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vidsplit-slurm.XXXXXX")"
chmod 755 "$WORK"  # munged wants its socket folder reachable by every user
OUT="$WORK/out"
mkdir -p "$WORK"/{state,spool,log,run,munge} "$OUT"
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
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
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

# --- vidsplit and its inputs
cd "$VIDSPLIT_ROOT"
[[ -d sample_videos ]] || scripts/make_sample_videos.sh
vidsplit_install_deps
VIDSPLIT_TARGET=vidsplit vidsplit_build "$VIDSPLIT_ROOT/build" >/dev/null
VIDSPLIT="$VIDSPLIT_ROOT/build/vidsplit"
SAMPLES="$VIDSPLIT_ROOT/sample_videos"

cat >"$WORK/scan_array.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=vidsplit-scan
#SBATCH --array=0-3
#SBATCH --cpus-per-task=1
#SBATCH --output=$WORK/log/scan-%a.out
set -euo pipefail
i=\$SLURM_ARRAY_TASK_ID
"$VIDSPLIT" scan "$SAMPLES" --shard "\$i/\$SLURM_ARRAY_TASK_COUNT" -o "$OUT/shard-\$i" --threads "\$SLURM_CPUS_PER_TASK" --quiet
EOF
cat >"$WORK/merge.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=vidsplit-merge
#SBATCH --output=$WORK/log/merge.out
set -euo pipefail
"$VIDSPLIT" merge "$OUT"/shard-*/scan.jsonl -o "$OUT/merged"
"$VIDSPLIT" split "$OUT/merged/scan.jsonl" -o "$OUT/merged" --quiet
EOF

ARRAY_JOB="$(sbatch --parsable "$WORK/scan_array.sbatch")"
log "submitted scan array job $ARRAY_JOB (4 tasks); merge + split waits for it"
merge_status=0
sbatch --parsable --wait --dependency="afterok:$ARRAY_JOB" "$WORK/merge.sbatch" >/dev/null || merge_status=$?
array_states="$(scontrol show job "$ARRAY_JOB" 2>/dev/null | grep -o 'JobState=[A-Z]*' | sort | uniq -c | tr '\n' ' ')"
log "array tasks: ${array_states:-already purged}; merge job exit status $merge_status"
((merge_status == 0)) || die "the merge job failed (logs in $WORK/log)"

log "local reference: vidsplit run sample_videos"
"$VIDSPLIT" run "$SAMPLES" -o "$OUT/local" --quiet --no-report >"$WORK/log/local.out"

RESULT=PASS
for f in scan.jsonl clips.csv; do
  if cmp -s "$OUT/merged/$f" "$OUT/local/$f"; then
    log "$f: 4 Slurm shards + merge + split == local run, byte for byte ($(wc -l <"$OUT/local/$f") lines)"
  else
    log "$f differs: $OUT/merged/$f vs $OUT/local/$f"
    RESULT=FAIL
  fi
done
for i in 0 1 2 3; do
  log "shard $i: $(grep -c '"video"' "$OUT/shard-$i/scan.jsonl" || true) videos"
done
echo "$RESULT"
[[ "$RESULT" == PASS ]]
