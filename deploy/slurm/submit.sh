#!/usr/bin/env bash
# A province's nightly run on Slurm (README "Province runs"): writes the pipeline files from
# the province table (generate.sh), submits the job array (one task per kabupaten), then the
# merge with --dependency=afterok on the array, and prints both job ids. Scheduling, retries
# and logs are Slurm's; this script only generates and submits.
#
#   submit.sh --table FILE --key FILE --work DIR --province NAME [--out DIR] [--as-of YYYY-MM-DD]
#             [--tasks LIST] [--template FILE] [--reference DIR] [--timbang PATH] [-- SBATCH_OPTION...]
#
#   --table     the province table (province.tsv: kabupaten, inputs, output)
#   --key       the province HMAC key file, shared by every kabupaten (at least 16 bytes)
#   --work      pipelines/ and tasks.tsv (generated) and logs/ (one log per task: %A_%a.log)
#   --province  the merged archive's top unit, e.g. "PROVINSI JAWA TENGAH"
#   --out       where the province archives go (default WORK/provinsi)
#   --as-of     the runs' reference date (default: today, UTC)
#   --tasks     only these array tasks (Slurm's --array syntax, e.g. 3 or 1,4): a rerun of
#               failed tasks; the merge then merges every kabupaten's latest archive again
#   --timbang   the timbang binary (default: timbang on PATH)
#   after --     sbatch options for both jobs (--partition, --account, ...)
#
# Resources: the requests in the two .sbatch files; TIMBANG_TASK_MEM, TIMBANG_TASK_TIME,
# TIMBANG_TASK_CPUS, TIMBANG_MERGE_MEM, TIMBANG_MERGE_TIME override them (sbatch --mem, --time,
# --cpus-per-task). Prints "array JOBID" and "merge JOBID", one line each, on stdout.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
table="" key="" work="" province="" out="" tasks="" template="" reference=""
as_of=$(date -u +%F)
timbang=timbang
usage() {
  echo "usage: submit.sh --table FILE --key FILE --work DIR --province NAME [--out DIR] [--as-of YYYY-MM-DD] [--tasks LIST] [--template FILE] [--reference DIR] [--timbang PATH] [-- SBATCH_OPTION...]" >&2
  exit 64
}
while [ $# -gt 0 ]; do
  case "$1" in
    --table) table=${2:?}; shift 2 ;;
    --key) key=${2:?}; shift 2 ;;
    --work) work=${2:?}; shift 2 ;;
    --province) province=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --as-of) as_of=${2:?}; shift 2 ;;
    --tasks) tasks=${2:?}; shift 2 ;;
    --template) template=${2:?}; shift 2 ;;
    --reference) reference=${2:?}; shift 2 ;;
    --timbang) timbang=${2:?}; shift 2 ;;
    --) shift; break ;;
    *) usage ;;
  esac
done
if [ -z "$table" ] || [ -z "$key" ] || [ -z "$work" ] || [ -z "$province" ]; then usage; fi
command -v sbatch >/dev/null || { echo "submit.sh: sbatch not found (is this a Slurm login node?)" >&2; exit 69; }
# The jobs run elsewhere and later: every path they get is absolute.
mkdir -p "$work/logs"
work=$(cd "$work" && pwd)
out=${out:-$work/provinsi}
mkdir -p "$out"
out=$(cd "$out" && pwd)
if ! timbang_path=$(command -v "$timbang"); then
  echo "submit.sh: no timbang binary '$timbang' (--timbang PATH)" >&2
  exit 69
fi
[[ "$timbang_path" = /* ]] || timbang_path="$(pwd)/$timbang_path"

generate=(bash "$here/generate.sh" --table "$table" --key "$key" --work "$work" --as-of "$as_of")
[ -z "$template" ] || generate+=(--template "$template")
[ -z "$reference" ] || generate+=(--reference "$reference")
count=$("${generate[@]}")

# The jobs read these from their environment (sbatch exports the submitting environment).
export TIMBANG_WORK=$work TIMBANG_AS_OF=$as_of TIMBANG_BIN=$timbang_path
export TIMBANG_PROVINCE=$province TIMBANG_PROVINCE_OUT=$out

task_resources=() merge_resources=()
[ -z "${TIMBANG_TASK_MEM:-}" ] || task_resources+=("--mem=$TIMBANG_TASK_MEM")
[ -z "${TIMBANG_TASK_TIME:-}" ] || task_resources+=("--time=$TIMBANG_TASK_TIME")
[ -z "${TIMBANG_TASK_CPUS:-}" ] || task_resources+=("--cpus-per-task=$TIMBANG_TASK_CPUS")
[ -z "${TIMBANG_MERGE_MEM:-}" ] || merge_resources+=("--mem=$TIMBANG_MERGE_MEM")
[ -z "${TIMBANG_MERGE_TIME:-}" ] || merge_resources+=("--time=$TIMBANG_MERGE_TIME")

# --parsable prints "JOBID" or "JOBID;CLUSTER".
array=$(sbatch --parsable --array="${tasks:-0-$((count - 1))}" --chdir="$work" \
  --output="$work/logs/%A_%a.log" "${task_resources[@]}" "$@" "$here/timbang-array.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes --chdir="$work" \
  --output="$work/logs/%j-merge.log" "${merge_resources[@]}" "$@" "$here/timbang-merge.sbatch")
merge=${merge%%;*}
echo "array $array"
echo "merge $merge"
echo "submit.sh: ${tasks:+tasks $tasks of }$count kabupaten as of $as_of: array job $array (logs $work/logs/${array}_N.log), merge job $merge after all succeed (log $work/logs/$merge-merge.log, archive in $out)" >&2
