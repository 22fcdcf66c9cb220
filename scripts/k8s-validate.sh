#!/usr/bin/env bash
# Validates the Kubernetes manifests of the province run (deploy/k8s, README "Province runs")
# against the Kubernetes API schemas with kubernetes-validate (PyPI, installed into a
# virtualenv under the user's cache when missing), strictly (an unknown field is an error),
# for the oldest version the manifests need (1.29: backoffLimitPerIndex) and the newest the
# tool knows; then checks that the ConfigMap's table is one generate.sh reads and that the
# kabupaten Job has one completion per row. Prints SKIP and exits 0 only when
# kubernetes-validate cannot be installed (no Python 3 or no PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${TIMBANG_K8S_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/timbang/k8s-validate}
if ! [ -x "$venv/bin/kubernetes-validate" ]; then
  if ! command -v python3 >/dev/null; then echo "k8s-validate: SKIP: no python3 to install kubernetes-validate"; exit 0; fi
  echo "k8s-validate: installing kubernetes-validate into $venv" >&2
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q kubernetes-validate; } >&2; then
    echo "k8s-validate: SKIP: pip could not install kubernetes-validate"
    rm -rf "$venv"
    exit 0
  fi
fi

manifests=(deploy/k8s/*.yaml)
for version in 1.29.0 ""; do
  "$venv/bin/kubernetes-validate" --strict --quiet ${version:+-k "$version"} "${manifests[@]}" \
    || { echo "k8s-validate: FAIL: the manifests do not validate${version:+ against $version}" >&2; exit 1; }
done

# The ConfigMap's province.tsv through the generator, and completions = its rows.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$venv/bin/python" - deploy/k8s/province-configmap.yaml deploy/k8s/job-kabupaten.yaml "$T" <<'PY'
import sys, yaml
cm, job, out = sys.argv[1:4]
open(out + "/province.tsv", "w").write(yaml.safe_load(open(cm))["data"]["province.tsv"])
open(out + "/completions", "w").write(str(yaml.safe_load(open(job))["spec"]["completions"]))
PY
head -c 32 /dev/zero >"$T/key"
rows=$(bash deploy/slurm/generate.sh --table "$T/province.tsv" --key "$T/key" --work "$T/work" --as-of 2024-12-31)
if [ "$rows" != "$(cat "$T/completions")" ]; then
  echo "k8s-validate: FAIL: job-kabupaten.yaml has completions $(cat "$T/completions"), the ConfigMap's table $rows rows" >&2
  exit 1
fi
echo "k8s-validate: ok: ${#manifests[@]} manifests valid (Kubernetes 1.29 and kubernetes-validate's default version), the table has $rows rows = completions"
