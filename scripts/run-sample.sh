#!/usr/bin/env bash
# The README's first command: install what is needed, build, and digitize the bundled sample batch.
# Environment: CHARTSCAN_STORE (default ./chartscan-data) chooses the store.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release > /dev/null
cmake --build --preset release
store="${CHARTSCAN_STORE:-./chartscan-data}"
exec ./build/release/cli/chartscan ingest --store "$store" samples/batch
