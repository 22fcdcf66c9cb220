#!/usr/bin/env bash
# Installs the C libraries timbang links (Debian packages), only when missing;
# with --tests also what the tests use: LibreOffice (headless) to read the Excel output back.
set -euo pipefail
need=()
[ -f /usr/include/csv.h ] || need+=(libcsv-dev)
[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
if [ "${1:-}" = --tests ]; then
  command -v soffice >/dev/null || need+=(libreoffice-calc-nogui)
  # scripts/fuzz.sh links libFuzzer, which needs the C++ library
  ls /usr/lib/gcc/*/*/libstdc++.so >/dev/null 2>&1 || need+=(libstdc++-12-dev)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "timbang setup: installing ${need[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
