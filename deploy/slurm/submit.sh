#!/bin/bash
# Submits deploy/slurm/sweep.sbatch as a job array and deploy/slurm/merge.sbatch
# to run once every task of it has succeeded; prints the two job ids.
# Extra arguments go to both sbatch calls (e.g. --partition=batch). RUNSIM,
# SHARDS, MERGED and REPLICATIONS are passed on to the jobs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sweep=$(sbatch --parsable "$@" "$here/sweep.sbatch")
merge=$(sbatch --parsable --dependency=afterok:"$sweep" --kill-on-invalid-dep=yes "$@" "$here/merge.sbatch")
echo "sweep $sweep merge $merge"
