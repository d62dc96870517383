#!/usr/bin/env bash
# Print the Debian packages that provide the shared libraries the given ELF files load.
# Used by deploy/Dockerfile so that the runtime image installs exactly what the built
# binaries need (e.g. libgrpc++1.51, libprotobuf32, librdkafka++1) instead of a
# hand-kept list that drifts from ./dev's PACKAGES.
#   usage: deploy/runtime-packages.sh FILE...   (files ldd rejects, e.g. scripts, are skipped)
set -euo pipefail

owner() {  # dpkg owner of a library path; tries the usrmerge aliases Debian 12 has.
  local f=$1 real
  real=$(readlink -f "$f")
  for p in "$f" "$real" "${f#/usr}" "${real#/usr}" "/usr$f" "/usr$real"; do
    dpkg-query -S "$p" 2>/dev/null | head -1 | cut -d: -f1 && return 0
  done
  echo "runtime-packages: no package owns $f" >&2
  return 1
}

for bin in "$@"; do
  ldd "$bin" >/dev/null 2>&1 || continue
  ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'
done | sort -u | while read -r lib; do owner "$lib"; done | sort -u
