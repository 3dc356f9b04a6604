#!/usr/bin/env bash
# Benchmark: how fast chartscan takes paper from a feeder, against SANE's own scanimage on the same
# device in the same run. The device is SANE's virtual test scanner (ADF, 10 sheets, grey, 300 dpi,
# 200 x 200 mm), so the scanner itself is never the bottleneck: what is measured is the frontend.
# scanimage only writes each side to a PNM file; chartscan also encodes a TIFF original, writes it
# durably (fsync), registers and journals it, and hands it to the workers, which recognize pages
# while the feed goes on. The ratio is chartscan's feed pace (sides/min until the feeder is empty)
# over scanimage's. Timings are only compared within one run; machines are shared and noisy.
#
#   bench/scan.sh [ROUNDS]      default 3 rounds of each, best of each reported
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
scripts/install-deps.sh > /dev/null
command -v scanimage > /dev/null || apt-get install -y -qq sane-utils > /dev/null
cmake --preset release > /dev/null
cmake --build --preset release --target chartscan > /dev/null
bin=build/release/cli/chartscan
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sane"
echo test > "$work/sane/dll.conf"
export SANE_CONFIG_DIR="$work/sane"

best_ref=0
best_cs=0
for r in $(seq "$rounds"); do
  rm -rf "$work/pnm" "$work/store" && mkdir -p "$work/pnm"
  start=$(date +%s.%N)
  scanimage -d test:0 --source "Automatic Document Feeder" --mode Gray --depth 8 \
    --resolution 300 --test-picture "Color pattern" -l 0 -t 0 -x 200 -y 200 \
    --batch="$work/pnm/side%02d.pnm" > /dev/null 2>&1
  end=$(date +%s.%N)
  sides=$(ls "$work/pnm" | wc -l)
  ref=$(awk -v n="$sides" -v a="$start" -v b="$end" 'BEGIN { print n * 60 / (b - a) }')
  cs=$("$bin" scan --store "$work/store" --device test:0 --source adf --dpi 300 --mode gray \
        --option "test-picture=Color pattern" --option tl-x=0 --option tl-y=0 \
        --option br-x=200 --option br-y=200 --json -q |
        sed -n 's/.*"sides_per_minute": *\([0-9.e+-]*\).*/\1/p')
  printf 'round %d: scanimage %.0f sides/min (%d sides), chartscan %.0f sides/min\n' \
    "$r" "$ref" "$sides" "$cs"
  best_ref=$(awk -v x="$ref" -v y="$best_ref" 'BEGIN { print (x > y ? x : y) }')
  best_cs=$(awk -v x="$cs" -v y="$best_cs" 'BEGIN { print (x > y ? x : y) }')
done
printf '\n| frontend | sides/min (best of %d) | ratio |\n|---|---:|---:|\n' "$rounds"
printf '| scanimage (PNM files) | %.0f | 1.00x |\n' "$best_ref"
printf '| chartscan scan (durable TIFF originals, journal, OCR behind) | %.0f | %.2fx |\n' \
  "$best_cs" "$(awk -v x="$best_cs" -v y="$best_ref" 'BEGIN { print x / y }')"
