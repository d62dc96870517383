#!/usr/bin/env bash
# Check that docker-compose.yml is a valid Compose file. No Docker engine is needed:
# `config -q` only parses, interpolates and validates.
#   exit 0  valid
#   exit 1  invalid (docker-compose prints why)
#   exit 77 skipped: no docker-compose / `docker compose` available (ctest SKIP code)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  echo "validate-compose: docker-compose not installed; skipping" \
       "(Debian: apt-get install --no-install-recommends docker-compose)"
  exit 77
fi

"${compose[@]}" -f docker-compose.yml config -q
echo "validate-compose: docker-compose.yml is valid (${compose[*]})"
