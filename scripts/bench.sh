#!/usr/bin/env bash
# Benchmarks (not tests): prints rows per second and peak memory for the sizes the issues name.
# Usage: bash scripts/bench.sh [ROWS]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ROWS=${1:-1000000}
swift build -c release --product timbang >/dev/null
T=.build/release/timbang
peak() { /usr/bin/time -f "  wall %e s, peak RSS %M KiB" "$@"; }

echo "== ingest ($ROWS rows)"
peak $T bench-ingest --rows "$ROWS"
echo "== z-score kernel and timbang zscore end to end ($ROWS rows)"
peak $T bench-zscore --rows "$ROWS"
echo "== synth ($ROWS rows)"
W=$(mktemp -d)
peak $T synth --seed 1 --children $((ROWS / 10)) --months 12 --rows "$ROWS" --out "$W/synth"
echo "== whole pipeline on that district"
cat > "$W/bench.toml" <<TOML
name = "bench"
as_of = 2030-12-31
[input]
paths = ["$W/synth/data"]
[output]
folder = "$W/out"
[link]
key_file = "$PWD/pipelines/demo.key"
TOML
peak $T run "$W/bench.toml" --verbose
rm -rf "$W"
