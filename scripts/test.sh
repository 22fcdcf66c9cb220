#!/usr/bin/env bash
# Runs all tests (installs what is missing first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
swift build --build-tests
swift test --skip-build "$@"
# A whole run (no test filter) ends with a short fuzzing pass over both libFuzzer targets
# (README "Fuzzing"); TIMBANG_FUZZ_SECONDS per target, 0 to skip.
if [[ $# -eq 0 && "${TIMBANG_FUZZ_SECONDS:-25}" != 0 ]]; then
    bash scripts/fuzz.sh all "${TIMBANG_FUZZ_SECONDS:-25}"
fi
# A whole run also runs the province deployment: the Slurm array and merge on a single-node
# Slurm started for the test (scripts/slurm-test.sh; TIMBANG_SLURM_TEST=0 skips it) and the
# Kubernetes manifests' validation (scripts/k8s-validate.sh); README "Province runs".
if [[ $# -eq 0 ]]; then
    bash scripts/slurm-test.sh
    bash scripts/k8s-validate.sh
fi
