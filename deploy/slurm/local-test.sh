#!/bin/bash
# Runs the Slurm recipe for real on this machine: a one-node Slurm cluster
# (munged, slurmctld, slurmd) on localhost, sweep.sbatch as a 4-task job
# array and merge.sbatch after it (through submit.sh, as written), then
# checks that the merged sweep and its report are byte for byte those of
# the same sweep run unsharded.
#
# NOT run by CI: it installs Debian's slurm-wlm and munge when they are
# missing, and starts daemons. Run it as root from anywhere:
#
#   bash deploy/slurm/local-test.sh
#
# The daemons run in a network namespace of their own holding only the
# loopback interface, so they listen on nothing but localhost, and they are
# stopped, by the process ids this script started, when it ends. Everything
# else goes to a fresh folder under /tmp, which is kept for a look (its
# path is printed). It says what it did as it goes and ends with PASS
# (exit 0) or FAIL (exit 1).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
say() { echo "local-test: $*"; }

if [ "$(id -u)" != 0 ]; then
  say "run me as root: I install packages and start Slurm's daemons"
  exit 2
fi

# Into a network namespace with only loopback, once.
if [ -z "${RUNSIM_SLURM_NETNS:-}" ]; then
  say "entering a network namespace of its own (loopback only)"
  exec unshare --net --fork env RUNSIM_SLURM_NETNS=1 bash "$0" "$@"
fi
ip link set lo up
# A second loopback address: with 127.0.0.1 alone, getaddrinfo's
# AI_ADDRCONFIG finds no IPv4 address and Slurm's daemons cannot listen.
ip addr add 127.0.0.2/8 dev lo

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
say "$(slurmctld -V), $(munged --version 2>&1 | awk '{print $1}')"

work=$(mktemp -d /tmp/runsim-slurm.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/bin" "$work/state" "$work/spool" "$work/run" "$work/munge"
say "working in $work"

say "building runsim"
(cd "$repo" && go build -o "$work/bin/runsim" ./cmd/runsim)
export RUNSIM="$work/bin/runsim"

pids=()
cleanup() {
  # munged itself first (runuser, whose pid we hold, then exits too)
  [ -s "$work/munge/munged.pid" ] && kill "$(cat "$work/munge/munged.pid")" 2>/dev/null
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
  [ ${#pids[@]} -gt 0 ] && say "stopped the daemons (pids ${pids[*]})"
  return 0
}
trap cleanup EXIT

# munge: a key of its own, a socket of its own.
dd if=/dev/urandom of="$work/munge/munge.key" bs=1 count=128 status=none
chown -R munge:munge "$work/munge"
chmod 755 "$work/munge" # munged wants its socket's folder open to all
chmod 400 "$work/munge/munge.key"
sock="$work/munge/munge.socket"
runuser -u munge -- munged --foreground --key-file="$work/munge/munge.key" --socket="$sock" \
  --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/munged.seed" >"$work/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
if ! [ -S "$sock" ]; then
  say "FAIL: munged did not start:"
  cat "$work/munged.out"
  exit 1
fi
say "munged started (pid ${pids[-1]})"

cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
export SLURM_CONF="$work/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=runsimlocal
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
ReturnToService=2
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MinJobAge=3600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
say "slurm.conf: one node, localhost, $cpus CPUs, ${mem} MB"

slurmctld -D -i -f "$SLURM_CONF" >"$work/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N localhost -f "$SLURM_CONF" >"$work/slurmd.out" 2>&1 &
pids+=($!)
state=""
for _ in $(seq 100); do
  state=$(sinfo -h -n localhost -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.3
done
if [ "$state" != idle ]; then
  say "FAIL: the node did not come up (state '$state'); see $work/slurmctld.log and $work/slurmd.log"
  tail -5 "$work/slurmctld.log" "$work/slurmd.log" 2>/dev/null || true
  exit 1
fi
say "slurmctld (pid ${pids[-2]}) and slurmd (pid ${pids[-1]}) up, node idle"

cd "$work/run"
export SHARDS="$work/run/shards" MERGED="$work/run/merged"
ids=$(bash "$repo/deploy/slurm/submit.sh")
read -r _ sweep _ merge <<<"$ids"
say "submitted $ids (sweep.sbatch as an array, merge.sbatch after it)"
for _ in $(seq 600); do
  [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
  sleep 1
done
if [ -n "$(squeue -h -o %i)" ]; then
  say "FAIL: jobs still queued after 10 minutes:"
  squeue
  exit 1
fi
scontrol -o show job | awk '{ printf "local-test:  "; for (i = 1; i <= NF; i++) if ($i ~ /^(JobId|ArrayTaskId|JobName|JobState|ExitCode)=/) printf " %s", $i; print "" }'
ls "$SHARDS" | sed 's/^/local-test:   shard file /'
cat "$work"/run/runsim-*.log | sed 's/^/local-test:   job log: /'

say "running the same sweep unsharded"
REPLICATIONS=${REPLICATIONS:-200}
"$RUNSIM" sweep documented \
    --param clients.admin.arrivals.poisson.rate=1/d:25/d:1/d \
    --param service.throttle.kind=sliding,token-bucket \
    --replications "$REPLICATIONS" --quiet \
    --out "$work/whole.csv" --report "$work/whole-report"

ok=1
if cmp "$work/whole.csv" "$MERGED/sweep.csv"; then
  say "merged/sweep.csv equals the unsharded sweep byte for byte ($(wc -c <"$work/whole.csv") bytes, $(($(wc -l <"$work/whole.csv") - 1)) rows)"
else
  ok=0
  say "merged/sweep.csv differs from the unsharded sweep"
fi
if diff -r "$work/whole-report" "$MERGED/report" >/dev/null; then
  say "merged/report equals the unsharded report ($(ls "$work/whole-report" | wc -l) files)"
else
  ok=0
  say "merged/report differs from the unsharded report"
fi
if [ $ok = 1 ]; then
  say "PASS"
  exit 0
fi
say "FAIL; logs in $work/run"
exit 1
