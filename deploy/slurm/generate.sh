#!/usr/bin/env bash
# Writes one pipeline file per kabupaten of a province table (province.tsv) from the district
# template, all with the one province HMAC key file (README "Merging archives": the districts
# of a merge share one key, so a child with a NIK has one key in every district), and the task
# list the Slurm array and the merge read (README "Province runs").
#
#   generate.sh --table FILE --key FILE --work DIR --as-of YYYY-MM-DD [--template FILE] [--reference DIR]
#
# Writes DIR/pipelines/<name>.toml per row and DIR/tasks.tsv: index, kabupaten, pipeline file,
# run folder (<output>/<name>), one line per row in table order; each file under a temporary
# name and renamed, so a task that reads one while a rerun regenerates never sees half of it.
# The same table, key, template and date give the same bytes. Prints the number of tasks.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
table="" key="" work="" as_of="" reference=""
template="$here/../../pipelines/district-template.toml"
usage() { echo "usage: generate.sh --table FILE --key FILE --work DIR --as-of YYYY-MM-DD [--template FILE] [--reference DIR]" >&2; exit 64; }
while [ $# -gt 0 ]; do
  case "$1" in
    --table) table=${2:?}; shift 2 ;;
    --key) key=${2:?}; shift 2 ;;
    --work) work=${2:?}; shift 2 ;;
    --as-of) as_of=${2:?}; shift 2 ;;
    --template) template=${2:?}; shift 2 ;;
    --reference) reference=${2:?}; shift 2 ;;
    *) usage ;;
  esac
done
if [ -z "$table" ] || [ -z "$key" ] || [ -z "$work" ] || [ -z "$as_of" ]; then usage; fi
fail() { echo "generate.sh: $*" >&2; exit 78; }
[[ "$as_of" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || fail "--as-of must be YYYY-MM-DD (got '$as_of')"
[ -r "$table" ] || fail "cannot read the table $table"
[ -r "$template" ] || fail "cannot read the template $template"
# Paths in a pipeline file are relative to that file: the generated files live elsewhere than
# the table, so every path is written absolute.
[[ "$key" = /* ]] || key="$(cd "$(dirname "$key")" && pwd)/$(basename "$key")"
[ -r "$key" ] || fail "cannot read the key file $key (one province key: README \"Province runs\")"
if [ -n "$reference" ]; then
  [[ "$reference" = /* ]] || reference="$(cd "$reference" && pwd)"
  [ -d "$reference/who-growth-standards" ] || fail "$reference has no who-growth-standards/"
fi
mkdir -p "$work/pipelines"

# The table's rows: kabupaten, name, inputs, output (checked; one line each, table order).
rows=$(awk -F'\t' '
  function bad(why) { printf "generate.sh: %s line %d: %s\n", FILENAME, FNR, why > "/dev/stderr"; failed = 1; exit 78 }
  /^[ \t]*(#|$)/ { next }
  {
    sub(/\r$/, "")
    if (NF != 3) bad("expected 3 tab-separated columns (kabupaten, inputs, output), found " NF)
    name = tolower($1); gsub(/[^a-z0-9]+/, "-", name); gsub(/^-+|-+$/, "", name)
    if (name == "") bad("the kabupaten name \"" $1 "\" has no letter or digit")
    if (name in seen) bad("\"" $1 "\" has the run folder name " name " of line " seen[name])
    seen[name] = FNR
    n = split($2, inputs, ",")
    for (i = 1; i <= n; i++) if (inputs[i] !~ /^\//) bad("input \"" inputs[i] "\" is not an absolute path")
    if ($3 !~ /^\//) bad("output \"" $3 "\" is not an absolute path")
    for (i = 1; i <= 3; i++) if ($i ~ /[[:cntrl:]]/ || index($i, "\"") || index($i, "\\")) bad("a control character, quote or backslash in column " i)
    print $1 "\t" name "\t" $2 "\t" $3
  }' "$table")
[ -n "$rows" ] || fail "$table has no kabupaten"

tasks_tmp="$work/tasks.tsv.tmp-$$"
trap 'rm -f "$tasks_tmp" "$work"/pipelines/*.tmp-$$' EXIT
: >"$tasks_tmp"
index=0
while IFS=$'\t' read -r kabupaten name inputs output; do
  pipeline="$work/pipelines/$name.toml"
  # The template's keys are replaced in place (comments and every other key kept); a key the
  # template lacks is an error, so a changed template never silently loses the province key.
  KABUPATEN=$kabupaten NAME=$name INPUTS=$inputs OUTPUT=$output KEY=$key AS_OF=$as_of REFERENCE=$reference \
  awk '
    # the table refuses quotes and backslashes, so a value is quoted as it is
    function q(s) { return "\"" s "\"" }
    function set(k, v) { print k " = " v; done[k] = 1; replaced = 1 }
    /^[ \t]*\[/ { section = $0; gsub(/[][ \t]/, "", section); if (section == "reference") hasref = 1 }
    { replaced = 0 }
    section == "" && /^name[ \t]*=/ { set("name", q(ENVIRON["NAME"])) }
    section == "" && /^kabupaten[ \t]*=/ { set("kabupaten", q(ENVIRON["KABUPATEN"])) }
    section == "" && /^as_of[ \t]*=/ { set("as_of", ENVIRON["AS_OF"] "              # submit.sh passes --as-of to every run") }
    section == "input" && /^paths[ \t]*=/ {
      n = split(ENVIRON["INPUTS"], p, ","); s = ""
      for (i = 1; i <= n; i++) s = s (i > 1 ? ", " : "") q(p[i])
      set("paths", "[" s "]")
    }
    section == "output" && /^folder[ \t]*=/ { set("folder", q(ENVIRON["OUTPUT"])) }
    section == "link" && /^key_file[ \t]*=/ { set("key_file", q(ENVIRON["KEY"]) "   # the province key, shared by every kabupaten") }
    !replaced { print }
    END {
      split("name kabupaten as_of paths folder key_file", want, " ")
      for (i in want) if (!(want[i] in done)) { print "generate.sh: the template has no " want[i] " key" > "/dev/stderr"; exit 78 }
      if (ENVIRON["REFERENCE"] != "") {
        if (hasref) { print "generate.sh: the template has a [reference] section; leave --reference out" > "/dev/stderr"; exit 78 }
        print ""; print "[reference]"; print "folder = " q(ENVIRON["REFERENCE"])
      }
    }' "$template" >"$pipeline.tmp-$$"
  mv -f "$pipeline.tmp-$$" "$pipeline"
  printf '%d\t%s\t%s\t%s\n' "$index" "$kabupaten" "$pipeline" "$output/$name" >>"$tasks_tmp"
  index=$((index + 1))
done <<<"$rows"
mv -f "$tasks_tmp" "$work/tasks.tsv"
echo "$index"
