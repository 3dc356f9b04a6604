#!/usr/bin/env bash
# Benchmark: chartscan's search against Xapian on the same synthetic archive (samples/archive), in
# one run on one machine: index build pages/s, index size against raw text, recall per query
# category against the ground truth, latency percentiles for one client, then for several clients
# while a writer keeps adding pages. See bench/search.cc for what exactly is measured.
#
#   bench/search.sh [PAGES [ARGS...]]   default 1,000,000 pages; ARGS go to chartscan-bench-search
#                                       (--threads, --limit, --recall-cap, --no-xapian...)
#   REBUILD=1 bench/search.sh ...       rebuild the archive even when it is already there
#
# The archive (store, Xapian database, queries) is kept in build/bench-work/search-PAGES and reused
# by later runs: building a million pages takes a long while.
set -euo pipefail
cd "$(dirname "$0")/.."
pages="${1:-1000000}"
shift || true
scripts/install-deps.sh > /dev/null
# Xapian is the peer, needed by this benchmark only.
if ! dpkg-query -W -f='${Status}\n' libxapian-dev 2>/dev/null | grep -q "install ok installed"; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get install -y -qq --no-install-recommends libxapian-dev > /dev/null
fi
cmake --preset release > /dev/null
cmake --build --preset release --target chartscan-bench-search > /dev/null
work="build/bench-work/search-$pages"
mkdir -p "$work"
rebuild=()
if [ -n "${REBUILD:-}" ]; then rebuild=(--rebuild); fi
build/release/bench/chartscan-bench-search --pages "$pages" --store "$work" "${rebuild[@]}" "$@"
