#!/usr/bin/env bash
# Builds timbang in release mode and runs the demo pipeline on the bundled sample dumps.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product timbang
.build/release/timbang run pipelines/demo.toml "$@"
