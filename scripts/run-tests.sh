#!/usr/bin/env bash
# The README's second command (and CI's): install what is needed, build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset dev > /dev/null
cmake --build --preset dev
ctest --preset dev
