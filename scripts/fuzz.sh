#!/usr/bin/env bash
# Builds the libFuzzer targets and fuzzes each for a while (README "Fuzzing").
#   scripts/fuzz.sh [ingest|pipeline|all] [SECONDS-PER-TARGET]     (all, 30)
# The build (debug, or FUZZ_CONFIGURATION=release for long runs: about twice the executions
# a second, a much longer first build; AddressSanitizer and libFuzzer's coverage either way)
# goes to .build-fuzz, apart from the normal .build. New inputs go to a scratch folder;
# Fuzz/corpus/<target> is only read.
# Exits 1 on a crash, a failed check, a leak, a timeout (-timeout=10) or running out of
# memory (-rss_limit_mb=2048), printing the reproducer's path and the command that replays it.
# FUZZ_ARTIFACTS=DIR keeps reproducers there (default .build-fuzz/artifacts); FUZZ_KEEP=DIR
# keeps the inputs that found new coverage; FUZZ_ARGS adds libFuzzer flags (e.g. -jobs=2).
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
seconds=${2:-30}
case "$which" in
    all) targets=(ingest pipeline) ;;
    ingest|pipeline) targets=("$which") ;;
    *) echo "usage: scripts/fuzz.sh [ingest|pipeline|all] [SECONDS]" >&2; exit 64 ;;
esac

# libFuzzer's driver without its main (the target's own main hands argv to it); the coverage
# flags are -sanitize=fuzzer's, which cannot be used as is: its libFuzzer brings a second main.
toolchain=$(dirname "$(readlink -f "$(command -v swiftc)")")/..
libfuzzer=$(ls "$toolchain"/lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-"$(uname -m)".a 2>/dev/null | head -1)
if [[ -z "$libfuzzer" ]]; then
    echo "fuzz: this toolchain has no libclang_rt.fuzzer_no_main (under $toolchain/lib/clang)" >&2
    exit 69
fi
echo "fuzz: building timbang-fuzz (.build-fuzz)"
start=$(date +%s)
swift build -c "${FUZZ_CONFIGURATION:-debug}" --build-path .build-fuzz --product timbang-fuzz \
    -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
    -Xswiftc -DTIMBANG_FUZZ -Xlinker "$libfuzzer" -Xlinker -lstdc++ 2>&1 \
    | grep -v "Cannot export local symbol" | tail -3
binary=.build-fuzz/${FUZZ_CONFIGURATION:-debug}/timbang-fuzz
[[ -x "$binary" ]] || { echo "fuzz: the build made no $binary" >&2; exit 70; }
echo "fuzz: built in $(( $(date +%s) - start )) s"

artifacts=${FUZZ_ARTIFACTS:-.build-fuzz/artifacts}
mkdir -p "$artifacts"
artifacts=$(cd "$artifacts" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export SWIFT_BACKTRACE=enable=no        # libFuzzer prints the stack; the backtracer only slows a crash
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp:print_suppressions=0"
export TIMBANG_REFERENCE="$PWD/reference"
status=0
for t in "${targets[@]}"; do
    new=${FUZZ_KEEP:+$FUZZ_KEEP/$t}
    new=${new:-$scratch/$t}
    mkdir -p "$new"
    log="$scratch/$t.log"
    before=$(ls "$artifacts" | sort)
    echo "fuzz: $t for $seconds s (corpus Fuzz/corpus/$t, $(ls Fuzz/corpus/$t | wc -l) inputs)"
    set +e
    # shellcheck disable=SC2086
    TIMBANG_FUZZ_TARGET=$t "$binary" "$new" "Fuzz/corpus/$t" -dict=Fuzz/timbang.dict \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$artifacts/$t-" ${FUZZ_ARGS:-} >"$log" 2>&1
    rc=$?
    set -e
    { grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" | tail -2
      grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log"; } | sed "s/^/fuzz: $t: /" || true
    if [[ $rc -ne 0 ]]; then
        status=1
        grep -v -E '^#[0-9]+ ' "$log" | tail -40 >&2
        for a in $(comm -13 <(echo "$before") <(ls "$artifacts" | sort)); do
            echo "fuzz: $t FAILED (libFuzzer exit $rc): reproducer $artifacts/$a" >&2
            echo "fuzz: replay: TIMBANG_FUZZ_TARGET=$t $binary $artifacts/$a   (or, normal build: swift run timbang-fuzz $t $artifacts/$a)" >&2
        done
        [[ -n "$(comm -13 <(echo "$before") <(ls "$artifacts" | sort))" ]] || echo "fuzz: $t FAILED (libFuzzer exit $rc), no reproducer written; log above" >&2
    fi
done
exit $status
