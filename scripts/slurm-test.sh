#!/usr/bin/env bash
# The province run on a real Slurm (README "Province runs"): starts a single-node Slurm
# (munged, slurmctld, slurmd; state, spool and logs in a temporary folder), makes four
# synthetic kabupaten, submits them with deploy/slurm/submit.sh and checks what it gives:
#   - every task's log, every district archive and the merged archive verify;
#   - the merged archive is byte-identical to a local `timbang merge` of the same archives;
#   - its monthly tables (unsuppressed, --min-cell 1) hold the rows of one local run over all
#     the files (prevalence, categories, categories_sex_age, quality; as MergeTests checks);
#   - a province archive merges again: two half-province merges merged into one give the
#     same tables as the merge of all four;
#   - a failed task keeps the merge from running (afterok), and `submit.sh --tasks N` of
#     that task alone, once mended, gives the same province archive.
# Prints the wall time of the Slurm run (submit to merge done) and of each step.
# TIMBANG_SLURM_TEST=0 skips it. Installs slurm-wlm and munge with apt when missing (needs
# root or sudo, like scripts/setup.sh); when Slurm cannot be installed or started, prints
# SKIP and exits 0. Everything it starts is stopped, and its folder removed, on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${TIMBANG_SLURM_TEST:-1}" = 0 ]; then
  echo "slurm-test: SKIP (TIMBANG_SLURM_TEST=0)"
  exit 0
fi
skip() { echo "slurm-test: SKIP: $*"; exit 0; }
fail() { echo "slurm-test: FAIL: $*" >&2; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# The daemons run as root (slurmd starts jobs as their user); sudo when not root.
SUDO=""
if [ "$(id -u)" != 0 ]; then
  sudo -n true 2>/dev/null || skip "needs root or password-less sudo to run the Slurm daemons"
  SUDO=sudo
fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  command -v apt-get >/dev/null || skip "slurm-wlm and munge are not installed and there is no apt-get"
  echo "slurm-test: installing slurm-wlm and munge" >&2
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null; }; then
    skip "apt-get could not install slurm-wlm and munge"
  fi
fi

t0=$(now)
bash scripts/setup.sh
swift build -c release --product timbang
timbang="$(swift build -c release --show-bin-path)/timbang"
[ -x "$timbang" ] || fail "no release binary at $timbang"
t_build=$(now)

T=$(mktemp -d "${TMPDIR:-/tmp}/timbang-slurm.XXXXXX")
# munged wants every folder above its socket open to all (clients of other users connect).
chmod 0755 "$T"
pids=()
cleanup() {
  local status=$?
  set +e
  # jobs first (their steps belong to slurmd), then the daemons this script started, by pid
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ]; then scancel --full --quiet --user="$(id -un)" 2>/dev/null; fi
  for pid in "${pids[@]}"; do $SUDO kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  $SUDO rm -rf "$T"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- a single-node Slurm in $T ---------------------------------------------------------------
# Daemon files live in a folder owned by root and closed to others: munged refuses a key or
# socket folder that others could write.
D=$T/daemons
$SUDO mkdir -m 0755 "$D" "$D/state" "$D/spool"
$SUDO sh -c "umask 077; head -c 1024 /dev/urandom >'$D/munge.key'"
$SUDO chmod 0400 "$D/munge.key"
$SUDO munged -F --force --key-file="$D/munge.key" --socket="$D/munge.socket" --pid-file="$D/munged.pid" \
  --log-file="$D/munged.log" --seed-file="$D/munged.seed" >"$T/munged.out" 2>&1 &
pids+=($!)

# Ports other than Slurm's defaults, free on this machine, so that a Slurm already running
# here is left alone.
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (: <"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  return 1
}
ctld_port=$(free_port) || skip "no free port"
slurmd_port=$(free_port) || skip "no free port"
node=$(hostname -s)
mem_mib=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
cpus=$(nproc)
# No cgroups (the CI container has none to give): processes tracked by /proc, no task
# binding; no accounting database (job states are read with scontrol).
cat >"$T/slurm.conf" <<EOF
ClusterName=timbangtest
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$D/munge.socket
CredType=cred/munge
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=3600
SchedulerType=sched/builtin
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mib State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$T/slurm.conf
$SUDO env SLURM_CONF="$SLURM_CONF" slurmctld -D -i -f "$SLURM_CONF" >"$T/slurmctld.out" 2>&1 &
pids+=($!)
$SUDO env SLURM_CONF="$SLURM_CONF" slurmd -D -N "$node" -f "$SLURM_CONF" >"$T/slurmd.out" 2>&1 &
pids+=($!)
state=""
for _ in $(seq 120); do
  state=$(sinfo -h -n "$node" -o %t 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
if [ "$state" != idle ]; then
  echo "--- slurmctld" >&2; $SUDO tail -n 20 "$D/slurmctld.log" "$T/slurmctld.out" >&2 || true
  echo "--- slurmd" >&2; $SUDO tail -n 20 "$D/slurmd.log" "$T/slurmd.out" >&2 || true
  skip "the Slurm node did not become idle in 60 s (state '${state:-none}'; logs above)"
fi
t_slurm=$(now)
echo "slurm-test: Slurm $(sinfo -V | awk '{ print $2 }') up on $node ($cpus CPUs), $(secs "$t_build" "$t_slurm") s"

# --- four synthetic kabupaten ----------------------------------------------------------------
# One clean synthetic district of 8 kecamatan, its dump files split by kecamatan into four
# folders (two kecamatan each, by name), as MergeTests splits one into two: children move
# between kecamatan, so some cross from one kabupaten to another.
"$timbang" synth --seed 17 --children 1200 --months 6 --kecamatan 8 --messiness 0 --out "$T/synth" >"$T/synth.out"
as_of=$(sed -n 's/.*as-of \([0-9-]*\).*/\1/p' "$T/synth.out")
[ -n "$as_of" ] || fail "synth printed no as-of date: $(cat "$T/synth.out")"
awk -F, -v data="$T/synth/data" -v kab="$T/kab" '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  /"/ { print "slurm-test: a quoted cell in truth/files.csv" > "/dev/stderr"; exit 1 }
  { kec[$col["kecamatan"]] = 1; file[NR] = $col["file"]; of[NR] = $col["kecamatan"] }
  END {
    n = 0
    for (k in kec) names[++n] = k
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (names[j] < names[i]) { t = names[i]; names[i] = names[j]; names[j] = t }
    if (n != 8) { print "slurm-test: synth made " n " kecamatan, not 8" > "/dev/stderr"; exit 1 }
    for (i = 1; i <= n; i++) group[names[i]] = int((i - 1) / 2) + 1
    for (r in file) print data "/" file[r] "\t" kab "/" group[of[r]]
  }' "$T/synth/truth/files.csv" | while IFS=$'\t' read -r from to; do
  mkdir -p "$to"
  cp "$from" "$to/"
done
key=$T/province.key
(umask 077; head -c 32 /dev/urandom >"$key")
table=$T/province.tsv
{
  echo "# kabupaten	inputs	output"
  for i in 1 2 3 4; do printf 'Kabupaten Uji %s\t%s\t%s\n' "$i" "$T/kab/$i" "$T/output"; done
} >"$table"
files=$(find "$T/kab" -type f | wc -l)
echo "slurm-test: 4 kabupaten of $(grep -c . "$T/synth/truth/records.csv" | awk '{ print $1 - 1 }') rows in $files files ($(for i in 1 2 3 4; do find "$T/kab/$i" -type f | wc -l; done | paste -sd/ -) files), as of $as_of"

# --- the Slurm run -----------------------------------------------------------------------------
# One CPU and 1 GiB per task (the synthetic kabupaten are small), so two tasks run at a time
# on the two cores of the CI machine.
submit() {
  TIMBANG_TASK_CPUS=1 TIMBANG_TASK_MEM=1G TIMBANG_TASK_TIME=10 TIMBANG_MERGE_MEM=1G TIMBANG_MERGE_TIME=10 \
    bash deploy/slurm/submit.sh --table "$table" --key "$key" --province "PROVINSI UJI" --as-of "$as_of" \
    --timbang "$timbang" "$@"
}
job_state() { scontrol -o show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'; }
# Waits until job $1 (every task of an array) has ended; prints its states, one per line.
wait_job() {
  local states
  for _ in $(seq 1200); do
    states=$(job_state "$1")
    if [ -n "$states" ] && ! grep -qvE '^(COMPLETED|FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL|BOOT_FAIL|DEADLINE|PREEMPTED)$' <<<"$states"; then
      echo "$states"; return 0
    fi
    sleep 0.25
  done
  fail "job $1 did not end in 5 minutes: $(scontrol -o show job "$1")"
}
job_field() { scontrol -o show job "$1" | sed -n "s/.* $2=\([^ ]*\).*/\1/p"; }

work=$T/work
s0=$(now)
submit --work "$work" >"$T/submit.out"
array=$(awk '$1 == "array" { print $2 }' "$T/submit.out")
merge=$(awk '$1 == "merge" { print $2 }' "$T/submit.out")
{ [ -n "$array" ] && [ -n "$merge" ]; } || fail "submit.sh printed no job ids: $(cat "$T/submit.out")"
s1=$(now)
merge_state=$(wait_job "$merge")
s2=$(now)
array_states=$(wait_job "$array" | sort | uniq -c | awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }')
[ "$array_states" = "4 COMPLETED" ] || fail "array job $array: $array_states (logs: $(cat "$work"/logs/*.log))"
[ "$merge_state" = COMPLETED ] || fail "merge job $merge: $merge_state ($(cat "$work/logs/$merge-merge.log" 2>/dev/null))"
echo "slurm-test: Slurm run (submit to merge done): $(secs "$s0" "$s2") s (submit.sh $(secs "$s0" "$s1") s); array job $array, merge job $merge"
# Each step as Slurm saw it (whole seconds) and as the task timed its run.
for task in 0 1 2 3; do
  took=$(sed -n 's/.*: exit 0 after \([0-9.]*\) s$/\1/p' "$work/logs/${array}_$task.log")
  echo "slurm-test:   task $task: $(job_field "${array}_$task" StartTime) → $(job_field "${array}_$task" EndTime), timbang run $took s"
done
echo "slurm-test:   merge: $(job_field "$merge" StartTime) → $(job_field "$merge" EndTime), $(sed -n 's/.* merged into .* in \([0-9.]*\) s$/\1/p' "$work/logs/$merge-merge.log") s (merge and verify)"

# --- checks -----------------------------------------------------------------------------------
archives=()
for i in 0 1 2 3; do
  log=$work/logs/${array}_$i.log
  [ -s "$log" ] || fail "no log $log"
  grep -q ": exit 0 after " "$log" || fail "task $i did not end well: $(cat "$log")"
  [ -s "$work/logs/${array}_$i.timings.tsv" ] || fail "no timings of task $i"
  run_folder=$(awk -F'\t' -v i="$i" '$1 == i { print $4 }' "$work/tasks.tsv")
  a=$(readlink -e "$run_folder/latest.tar.gz") || fail "task $i published no archive"
  "$timbang" verify "$a" >/dev/null || fail "$a does not verify"
  archives+=("$a")
done
[ -s "$work/logs/$merge-merge.log" ] || fail "no merge log"
province=$(readlink -e "$work/provinsi/latest.tar.gz") || fail "the merge published no archive"
"$timbang" verify "$province" >/dev/null || fail "$province does not verify"
"$timbang" merge "$T/local.tar.gz" "${archives[@]}" --name "PROVINSI UJI" >/dev/null
cmp "$province" "$T/local.tar.gz" || fail "the Slurm merge differs from a local timbang merge of the same archives"
echo "slurm-test: ok: 4 task logs, 4 district archives and the province archive verify; the province archive is byte-identical to a local merge ($(basename "$province"), $(stat -c %s "$province") bytes)"

# One local run over all the files, and the merge without suppression (k = 1 hides nothing,
# README "Privacy"), compared on every monthly row.
printf 'name = "single"\nas_of = %s\nkabupaten = "SEMUA"\n[input]\npaths = [%s]\n[output]\nfolder = "%s"\n[link]\nkey_file = "%s"\n' \
  "$as_of" "$(printf '"%s/kab/%s", ' "$T" 1 "$T" 2 "$T" 3 "$T" 4 | sed 's/, $//')" "$T/single-out" "$key" >"$T/single.toml"
"$timbang" run "$T/single.toml" --set report.min_cell=1 >/dev/null
"$timbang" merge "$T/k1.tar.gz" "${archives[@]}" --name "PROVINSI UJI" --min-cell 1 >/dev/null
mkdir "$T/x-single" "$T/x-merged"
tar -xzf "$(readlink -e "$T/single-out/single/latest.tar.gz")" -C "$T/x-single" public
tar -xzf "$T/k1.tar.gz" -C "$T/x-merged" public
# The merged table's monthly rows as one run writes them: the rows of level kabupaten left out,
# provinsi written kabupaten, no kabupaten column (MergeTests.asSingleRun); sorted.
monthly() {
  awk -F, -v merged="$2" '
    NR == 1 { for (i = 1; i <= NF; i++) { col[$i] = i; name[i] = $i }; n = NF }
    /"/ { print "slurm-test: a quoted cell in " FILENAME > "/dev/stderr"; exit 1 }
    NR == 1 || $col["period"] !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]$/ { next }
    merged && $col["level"] == "kabupaten" { next }
    {
      if (merged && $col["level"] == "provinsi") $col["level"] = "kabupaten"
      line = ""; sep = ""
      for (i = 1; i <= n; i++) if (!merged || name[i] != "kabupaten") { line = line sep $i; sep = "," }
      print line
    }' "$1" | LC_ALL=C sort
}
for t in prevalence categories categories_sex_age quality; do
  monthly "$T/x-single/public/$t.csv" 0 >"$T/$t.single"
  monthly "$T/x-merged/public/$t.csv" 1 >"$T/$t.merged"
  [ -s "$T/$t.single" ] || fail "$t: no monthly rows in the single run"
  cmp -s "$T/$t.single" "$T/$t.merged" || fail "$t: the merged monthly rows differ from one run over all files: $(diff "$T/$t.single" "$T/$t.merged" | head -5)"
  rows=$(wc -l <"$T/$t.single")
  echo "slurm-test: ok: $t: $rows monthly rows, merged = one run over all files"
done

# Province archives are merged again as the national one is: two "provinces" of two kabupaten
# each, merged, give the tables of the merge of all four. Two archives of one name are refused
# (the name is the archive's kabupaten), as are two with one kabupaten in both.
"$timbang" merge "$T/half1.tar.gz" "${archives[0]}" "${archives[1]}" --name "PROVINSI UJI A" >/dev/null
"$timbang" merge "$T/half2.tar.gz" "${archives[2]}" "${archives[3]}" --name "PROVINSI UJI B" >/dev/null
"$timbang" merge "$T/again.tar.gz" "$T/half1.tar.gz" "$T/half2.tar.gz" --name "PROVINSI UJI" >/dev/null
"$timbang" verify "$T/again.tar.gz" >/dev/null || fail "the merge of merged archives does not verify"
mkdir "$T/x-again" "$T/x-province"
tar -xzf "$T/again.tar.gz" -C "$T/x-again" public
tar -xzf "$province" -C "$T/x-province" public
for t in prevalence categories categories_sex_age quality skdn; do
  cmp -s "$T/x-again/public/$t.csv" "$T/x-province/public/$t.csv" || fail "$t: the merge of two half merges differs from the merge of all four"
done
echo "slurm-test: ok: two province archives (two kabupaten each) merged again give the tables of the merge of all four"

# --- a failed task ---------------------------------------------------------------------------
# Task 2's dumps are away: it fails (66), afterok never holds, the merge is cancelled and no
# province archive is written. The dumps back, `submit.sh --tasks 2` reruns that task alone and
# a new merge, which gives the same province archive as above.
mv "$T/kab/3" "$T/kab/3.away"
sed -i "s|$T/output|$T/output2|" "$table"
work2=$T/work2
submit --work "$work2" >"$T/submit2.out"
array2=$(awk '$1 == "array" { print $2 }' "$T/submit2.out")
merge2=$(awk '$1 == "merge" { print $2 }' "$T/submit2.out")
merge2_state=$(wait_job "$merge2")
array2_states=$(wait_job "$array2" | sort | uniq -c | awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }')
[ "$array2_states" = "3 COMPLETED, 1 FAILED" ] || fail "array job $array2 with a task failing: $array2_states"
[ "$merge2_state" = CANCELLED ] || fail "merge job $merge2 after a failed task: $merge2_state, not CANCELLED"
[ ! -e "$work2/provinsi/latest.tar.gz" ] || fail "a province archive was written though a task failed"
grep -q ": exit 66 after " "$work2/logs/${array2}_2.log" || fail "task 2's log does not say it failed: $(cat "$work2/logs/${array2}_2.log")"
mv "$T/kab/3.away" "$T/kab/3"
r0=$(now)
submit --work "$work2" --tasks 2 >"$T/submit3.out"
array3=$(awk '$1 == "array" { print $2 }' "$T/submit3.out")
merge3=$(awk '$1 == "merge" { print $2 }' "$T/submit3.out")
merge3_state=$(wait_job "$merge3")
r1=$(now)
[ "$(wait_job "$array3")" = COMPLETED ] || fail "the rerun of task 2 (job $array3) failed"
[ "$merge3_state" = COMPLETED ] || fail "the merge after the rerun (job $merge3): $merge3_state"
cmp "$(readlink -e "$work2/provinsi/latest.tar.gz")" "$province" || fail "the province archive after the rerun differs from the first run's"
echo "slurm-test: ok: a failed task (exit 66) cancelled the merge (job $merge2); its rerun alone and the merge took $(secs "$r0" "$r1") s and gave the same province archive"
echo "slurm-test: passed in $(secs "$t0" "$(now)") s (build $(secs "$t0" "$t_build") s, Slurm start $(secs "$t_build" "$t_slurm") s)"
