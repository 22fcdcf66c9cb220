#!/usr/bin/env bash
# The benchmark of issue 13 (not a test): the whole pipeline on lightly messy synth districts,
# per size and per stage, beside `cat` of the same dumps, the `--only aggregate` rerun,
# `timbang zscore` with 1 thread and all cores, and the R stack (data.table + WHO anthro) when
# it is installed. Prints one table (README.md, "Performance").
#
# Usage: bash scripts/bench.sh [SIZE...]    SIZE = 100k, 1m, 10m or a row count (default: 100k 1m 10m)
#
# The districts are generated once (`timbang synth --seed 1 --months 12 --rows N --messiness 0.25`,
# SynthSettings.lightMessiness) and kept in ${TIMBANG_BENCH_CACHE:-~/.cache/timbang-bench}, one
# folder per size and version of Sources/Synth (written under a temporary name, then renamed).
# Run folders go to a temporary folder (TIMBANG_BENCH_WORK to choose it), removed at the end:
# 10 M rows need about 25 GB there while the run lasts.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${TIMBANG_BENCH_CACHE:-$HOME/.cache/timbang-bench}
SEED=1
MONTHS=12
MESSINESS=0.25        # "lightly messy" (docs/synth.md); the same as SynthSettings.lightMessiness
STAGES="ingest validate link growth monitor aggregate report"

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100k 1m 10m)
rows_of() {
  case $1 in
    *[kK]) echo $(( ${1%[kK]} * 1000 )) ;;
    *[mM]) echo $(( ${1%[mM]} * 1000000 )) ;;
    *[!0-9]* | '') echo "bench: size '$1' is not 100k, 1m, 10m or a row count" >&2; exit 2 ;;
    *) echo "$1" ;;
  esac
}
for s in "${sizes[@]}"; do rows_of "$s" >/dev/null; done

bash scripts/setup.sh
echo "bench: building timbang (release)" >&2
swift build -c release --product timbang >&2
T=$ROOT/.build/release/timbang
CORES=$(nproc)

# The generator's version: the git tree of Sources/Synth (plus a hash of uncommitted changes).
SYNTH_ID=$(git rev-parse --short=12 HEAD:Sources/Synth 2>/dev/null || echo unversioned)
if [ "$SYNTH_ID" != unversioned ] && ! git diff --quiet HEAD -- Sources/Synth; then
  SYNTH_ID=$SYNTH_ID-$(git diff HEAD -- Sources/Synth | sha1sum | cut -c1-8)
fi

WORK=$(mktemp -d "${TIMBANG_BENCH_WORK:-${TMPDIR:-/tmp}}/timbang-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# timed NAME CMD...: runs CMD (output in $WORK/NAME.log); sets WALL and CPU (s), PEAK (KiB).
timed() {
  local name=$1 user sys; shift
  if ! /usr/bin/time -f '%e %M %U %S' -o "$WORK/$name.time" "$@" >"$WORK/$name.log" 2>&1; then
    echo "bench: failed: $*" >&2; tail -20 "$WORK/$name.log" >&2; exit 1
  fi
  read -r WALL PEAK user sys < "$WORK/$name.time"
  CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
}

# The run is stopped when its resident memory passes this (KiB), so that a size that cannot
# fit is reported ("stopped at ... during <stage>") instead of pushing the machine into the
# OOM killer. Default: 60 % of the memory available when the benchmark starts.
MEM_LIMIT_KIB=${TIMBANG_BENCH_MEM_LIMIT_KIB:-$(awk '/^MemAvailable:/ { printf "%d", $2 * 0.6 }' /proc/meminfo)}

# watched NAME CMD...: as `timed`, but stops CMD when its RSS passes MEM_LIMIT_KIB; sets
# STOPPED (empty, or the RSS in KiB at which it was stopped).
watched() {
  local name=$1 user sys pid child rss; shift
  STOPPED=""
  /usr/bin/time -f '%e %M %U %S' -o "$WORK/$name.time" "$@" >"$WORK/$name.log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    for child in $(pgrep -P "$pid"); do
      rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$child/status" 2>/dev/null || echo 0)
      if [ "${rss:-0}" -gt "$MEM_LIMIT_KIB" ]; then STOPPED=$rss; kill "$child" 2>/dev/null || true; fi
    done
    sleep 0.5
  done
  if ! wait "$pid" && [ -z "$STOPPED" ]; then
    echo "bench: failed: $*" >&2; tail -20 "$WORK/$name.log" >&2; exit 1
  fi
  read -r WALL PEAK user sys < <(grep -E '^[0-9.]+ [0-9]+ ' "$WORK/$name.time" | tail -1)
  CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
}

# district ROWS: generates the district once; sets DISTRICT (its folder).
district() {
  DISTRICT=$CACHE/synth-$SYNTH_ID-seed$SEED-m$MONTHS-x$MESSINESS-r$1
  [ -f "$DISTRICT/synth.txt" ] && return
  mkdir -p "$CACHE"
  local tmp=$DISTRICT.tmp-$$
  rm -rf "$tmp"
  echo "bench: generating $1 rows into $DISTRICT (once)" >&2
  timed synth "$T" synth --seed $SEED --months $MONTHS --rows "$1" --messiness $MESSINESS --out "$tmp"
  { cat "$WORK/synth.log"; echo "generated in $WALL s, CPU $CPU s, peak $PEAK KiB"; } > "$tmp/synth.txt"
  mv -T "$tmp" "$DISTRICT" 2>/dev/null || rm -rf "$tmp"   # another bench may have made it meanwhile
}

# Table rows: size, what, wall (s), CPU (s), rows/s (wall), peak (MiB), note.
TABLE=$WORK/table.tsv
: > "$TABLE"
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$TABLE"; }
mib() { echo $(( ($1 + 512) / 1024 )); }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.0f MB", b / 1e6 }'; }

for s in "${sizes[@]}"; do
  n=$(rows_of "$s")
  district "$n"
  D=$DISTRICT
  rows=$(sed -n '1s/^synth: [0-9]* files, \([0-9]*\) rows.*/\1/p' "$D/synth.txt")
  files=$(sed -n '1s/^synth: \([0-9]*\) files.*/\1/p' "$D/synth.txt")
  as_of=$(sed -n '1s/.*as-of \([0-9-]*\).*/\1/p' "$D/synth.txt")
  read -r gwall gcpu gpeak < <(sed -n 's/^generated in \([^ ]*\) s, CPU \([^ ]*\) s, peak \([0-9]*\) KiB/\1 \2 \3/p' "$D/synth.txt")
  row "$s" "timbang synth (made once)" "$gwall" "$gcpu" "$(rate "$rows" "$gwall")" "$(mib "$gpeak")" "$rows rows, $files files"

  data_bytes=$(du -sb "$D/data" | cut -f1)
  timed cat-$s sh -c 'find "$1" -type f -print0 | xargs -0 cat > /dev/null' sh "$D/data"
  row "$s" "cat of the dumps" "$WALL" "$CPU" "$(rate "$rows" "$WALL")" "$(mib "$PEAK")" "$(mb "$data_bytes") (page cache warm)"

  P=$WORK/bench-$s.toml
  {
    echo 'name = "bench"'
    echo "as_of = $as_of"
    echo '[input]'
    echo "paths = [\"$D/data\"]"
    if grep -q 'unit_pattern' "$D/synth.txt"; then
      echo "unit_pattern = \"$(sed -n 's/.*input.unit_pattern = "\([^"]*\)".*/\1/p' "$D/synth.txt")\""
    fi
    echo '[output]'
    echo "folder = \"$WORK/out-$s\""
    echo '[link]'
    echo "key_file = \"$ROOT/pipelines/demo.key\""
  } > "$P"
  watched run-$s "$T" run "$P" --verbose --timings "$WORK/timings-$s.tsv"
  stage_bytes=$( (du -sb "$WORK/out-$s/bench/stages" 2>/dev/null || echo 0) | cut -f1)   # none when stopped in ingest
  if [ -n "$STOPPED" ]; then
    # Stages done so far, from the progress lines; the one running when it was stopped.
    grep -o '[a-z]*: done in [0-9.]* s' "$WORK/run-$s.log" > "$WORK/done-$s.txt" || true
    during=ingest
    for st in $STAGES; do grep -q "^$st:" "$WORK/done-$s.txt" || { during=$st; break; }; done
    row "$s" "timbang run: STOPPED" "$WALL" "$CPU" "-" "$(mib "$STOPPED")" "over the $(mib "$MEM_LIMIT_KIB") MiB limit during $during; $(mb "${stage_bytes:-0}") under stages/"
    while read -r st _ _ secs _; do
      row "$s" "  ${st%:}" "$secs" "-" "$(rate "$rows" "$secs")" "-" "done before the stop"
    done < "$WORK/done-$s.txt"
  else
    row "$s" "timbang run (all stages)" "$WALL" "$CPU" "$(rate "$rows" "$WALL")" "$(mib "$PEAK")" "$(mb "$stage_bytes") under stages/"
    for st in $STAGES; do
      read -r secs cpu peak < <(awk -v st="$st" '$1 == st { print $2, $3, $4 }' "$WORK/timings-$s.tsv")
      row "$s" "  $st" "$secs" "$cpu" "$(rate "$rows" "$secs")" "$(mib "$peak")" "peak so far"
    done
    watched rerun-$s "$T" run "$P" --only aggregate --verbose
    if [ -n "$STOPPED" ]; then
      row "$s" "run --only aggregate: STOPPED" "$WALL" "$CPU" "-" "$(mib "$STOPPED")" "over the $(mib "$MEM_LIMIT_KIB") MiB limit"
    else
      row "$s" "run --only aggregate" "$WALL" "$CPU" "$(rate "$rows" "$WALL")" "$(mib "$PEAK")" "reads the growth stage back"
    fi
  fi
  rm -rf "$WORK/out-$s"
done

# z-scores on the valid records of the 1 M district (made if it is not yet), CSV → CSV.
district 1000000
ZSIZE=1m
ZTRUTH=$DISTRICT/truth
Z=$WORK/zscore-in.csv
timed bench-zscore "$T" bench-zscore --truth "$ZTRUTH" --rows 100000000 --threads "$CORES" --write-csv "$Z"
zrows=$(( $(wc -l < "$Z") - 1 ))
for t in 1 "$CORES"; do
  timed zscore-$t "$T" zscore "$Z" "$WORK/zscore-out.csv" --threads "$t"
  row "$ZSIZE" "timbang zscore, $t thread(s)" "$WALL" "$CPU" "$(rate "$zrows" "$WALL")" "$(mib "$PEAK")" "$zrows valid rows, $(mb "$(stat -c %s "$Z")") CSV"
done
while read -r t s c; do
  row "$ZSIZE" "z-score kernel, $t thread(s)" "$s" "$c" "$(rate "$zrows" "$s")" "-" "bench-zscore, in memory"
done < <(sed -n 's/^kernel *\([0-9]*\) thread(s): .* rows\/s (\([0-9.]*\) s; CPU \([0-9.]*\) s.*/\1 \2 \3/p' "$WORK/bench-zscore.log")

# The analyst's R stack on the same rows: fread + anthro_zscores + prevalence per desa.
if command -v Rscript >/dev/null && Rscript -e 'suppressPackageStartupMessages({library(anthro); library(data.table)})' >/dev/null 2>&1; then
  timed r-stack Rscript scripts/bench.R "$Z" "$WORK/r-prevalence.csv"
  row "$ZSIZE" "R: fread + anthro_zscores + prevalence" "$WALL" "$CPU" "$(rate "$zrows" "$WALL")" "$(mib "$PEAK")" "$(( $(wc -l < "$WORK/r-prevalence.csv") - 1 )) desa"
  R_NOTE=""
else
  R_NOTE="R stack skipped: Rscript with the packages anthro and data.table is not installed (install R, then install.packages(c(\"anthro\", \"data.table\")) from CRAN)."
fi

echo
echo "timbang benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $CORES cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
awk -F '\t' '
  { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
  END {
    split("size|what|wall s|CPU s|rows/s|peak MiB|note", h, "|")
    for (i = 1; i <= 7; i++) if (length(h[i]) > w[i]) w[i] = length(h[i])
    fmt = "%-" w[1] "s  %-" w[2] "s  %" w[3] "s  %" w[4] "s  %" w[5] "s  %" w[6] "s  %s\n"
    printf fmt, h[1], h[2], h[3], h[4], h[5], h[6], h[7]
    for (r = 1; r <= NR; r++) printf fmt, cell[r, 1], cell[r, 2], cell[r, 3], cell[r, 4], cell[r, 5], cell[r, 6], cell[r, 7]
  }' "$TABLE"
[ -z "$R_NOTE" ] || echo "$R_NOTE"
