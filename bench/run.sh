#!/usr/bin/env bash
# Benchmark: chartscan vs plain tesseract vs ocrmypdf on the same generated pages, same machine,
# same number of parallel jobs. Prints pages/min, CPU seconds per page, peak memory and character
# error rate side by side (the table in the README comes from here), then chartscan's peak memory
# on a large batch.
#
#   bench/run.sh [PAGES [MEMORY_PAGES]]      defaults: 40 pages compared, 300 pages for memory
#
# ocrmypdf, unpaper (for --clean) and GNU time come from Debian and are installed here, for the
# benchmark only. SKIP_OCRMYPDF=1 leaves ocrmypdf out; ROUNDS=N runs the tools in turn N times
# (default 1) and prints each round's ratios, for machines whose load moves from minute to minute.
set -euo pipefail
cd "$(dirname "$0")/.."
pages="${1:-40}"
memory_pages="${2:-300}"
jobs="$(nproc)"
work="${BENCH_WORK:-build/bench-work}"

scripts/install-deps.sh
need=()
[ -x /usr/bin/time ] || need+=(time)
if [ "${SKIP_OCRMYPDF:-0}" != 1 ] && ! command -v ocrmypdf > /dev/null; then
  need+=(ocrmypdf unpaper)
fi
if [ "${#need[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -qq "${need[@]}" > /dev/null
fi
cmake --preset release > /dev/null
cmake --build --preset release --target chartscan chartscan-samplegen chartscan-bench-compare
bin=build/release
gen="$bin/samples/chartscan-samplegen"

# Generates N single-page files of every profile into DIR, with two generator processes.
generate() {
  local dir="$1" n="$2" seed="$3"; shift 3
  local half=$(( (n + 1) / 2 ))
  "$gen" --out "$dir/a" --seed "$seed" --count "$half" "$@" > /dev/null &
  "$gen" --out "$dir/b" --seed "$((seed + 1))" --count "$((n - half))" "$@" > /dev/null
  wait
}

rm -rf "$work" && mkdir -p "$work"
# PNG pages so every tool reads the same pixels; every degradation profile and a few blank pages.
generate "$work/batch" "$pages" 4242 --formats png --blank 1 --near-blank 0
compare_args=(--batch "$work/batch" --work "$work/run" --chartscan "$bin/cli/chartscan"
              --jobs "$jobs" --rounds "${ROUNDS:-1}")
[ "${SKIP_OCRMYPDF:-0}" = 1 ] && compare_args+=(--skip-ocrmypdf)
"$bin/bench/chartscan-bench-compare" "${compare_args[@]}"

if [ "$memory_pages" -gt 0 ]; then
  # A third of the pages are generated; each is stored three times with a different trailing byte
  # (libtiff ignores it) so the store sees distinct originals. Generation is the slow part (~2 s a
  # page); the pipeline does the full work on every copy.
  echo
  echo "Memory: chartscan on $memory_pages pages at 300 dpi ($jobs workers)"
  generate "$work/big-gen" "$(( (memory_pages + 2) / 3 ))" 77 --profiles clean,light,heavy \
    --formats tiff --blank 0 --near-blank 0
  mkdir -p "$work/big"
  n=0
  for f in "$work"/big-gen/*/*.tif; do
    for copy in 1 2 3; do
      [ "$n" -ge "$memory_pages" ] && break 2
      { cat "$f"; printf '%0*d' "$copy" 0; } > "$work/big/$(basename "$f" .tif)-$copy.tif"
      n=$((n + 1))
    done
  done
  /usr/bin/time -f "  peak RSS %M KB, wall %e s" "$bin/cli/chartscan" ingest --quiet \
    --store "$work/big-store" "$work/big" > "$work/big.log"
  tail -n 9 "$work/big.log"
fi
