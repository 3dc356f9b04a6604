#!/usr/bin/env bash
# Benchmark: `chartscan release` throughput (pages/s) and package size per page, for bilevel and for
# greyscale pages, against img2pdf on the same page images in the same run (timings are only
# compared within a run; machines are shared and noisy).
#
#   bench/release.sh [PAGES]   pages per kind (default 600)
#   PRESET=dev                 the CMake preset whose chartscan is measured (dev is optimized)
#
# What runs:
# - Two stores of PAGES pages of the synthetic archive (samples/archive), laid out as words with
#   boxes and rendered at 300 dpi by chartscan-bench-viewer: one of bilevel pages (stored as 1-bit
#   PNG, as cleanup keeps binarized pages), one of greyscale pages (noisy off-white paper, grey
#   ink: stored as 8-bit PNG, as cleanup keeps pages it does not binarize). Kept in
#   build/bench-work/release-{bilevel,grey}-PAGES and reused.
# - chartscan release --all --format pdf: searchable PDF/A-2b, one per document (G4 or JPEG q75
#   images, invisible text layer on every word); for the greyscale pages also with --bilevel (made
#   bilevel, G4); then --format pdf,tiff,fhir,hl7,csv (everything).
# - img2pdf (Debian's, installed here when missing), the usual tool for wrapping page images into a
#   PDF without re-encoding them: the same page images, in one call, into one PDF. It writes no text
#   layer, no PDF/A metadata and no other format: it is the floor for "images into a PDF", not a
#   like-for-like peer.
set -euo pipefail
cd "$(dirname "$0")/.."
pages="${1:-600}"
preset="${PRESET:-dev}"

scripts/install-deps.sh > /dev/null
if ! command -v img2pdf > /dev/null; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get install -y -qq --no-install-recommends img2pdf > /dev/null
fi
cmake --preset "$preset" > /dev/null
cmake --build --preset "$preset" --target chartscan chartscan-bench-viewer > /dev/null
bin="build/$preset"
tool="$bin/bench/chartscan-bench-viewer"
chartscan="$bin/cli/chartscan"

json_number() {  # json_number KEY < one-line JSON
  sed -n "s/.*\"$1\":\([0-9.eE+-]*\).*/\1/p"
}
now() { date +%s.%N; }

echo "| pages | tool | output | pages/s | KB/page | ratio pages/s | ratio size |"
echo "|---|---|---|---:|---:|---:|---:|"
for kind in bilevel grey; do
  dir="build/bench-work/release-$kind-$pages"
  flags=""
  if [ "$kind" = grey ]; then flags="--grey"; fi
  "$tool" build --dir "$dir" --pages "$pages" $flags >&2
  rm -rf "$dir/pkg-pdf" "$dir/pkg-all" "$dir/pkg-bilevel" "$dir/img2pdf.pdf"

  pdf_json=$("$chartscan" release --quiet --json --store "$dir/store" --all --format pdf \
    --to "$dir/pkg-pdf")
  released=$(json_number pages <<< "$pdf_json")
  pdf_s=$(json_number seconds <<< "$pdf_json")
  pdf_bytes=$(find "$dir/pkg-pdf/documents" -name '*.pdf' -printf '%s\n' | awk '{s+=$1} END {print s}')

  bl_s=0
  bl_bytes=0
  if [ "$kind" = grey ]; then
    bl_json=$("$chartscan" release --quiet --json --bilevel --store "$dir/store" --all --format pdf \
      --to "$dir/pkg-bilevel")
    bl_s=$(json_number seconds <<< "$bl_json")
    bl_bytes=$(find "$dir/pkg-bilevel/documents" -name '*.pdf' -printf '%s\n' | awk '{s+=$1} END {print s}')
  fi

  all_json=$("$chartscan" release --quiet --json --store "$dir/store" --all --to "$dir/pkg-all")
  all_s=$(json_number seconds <<< "$all_json")
  all_bytes=$(json_number bytes <<< "$all_json")

  # The same page images, in the package's order, into one PDF.
  list="$dir/img2pdf.list"
  awk -F'\t' 'NR==FNR {img[$1]=$2; next} {print img[$1]}' "$dir/images.tsv" \
    <(tr -d ' \n' < "$dir/pkg-pdf/manifest.json" | grep -o '"page_ids":\[[0-9,]*\]' \
        | grep -o '[0-9][0-9]*' ) | sed "s#^#$dir/store/#" > "$list"
  t0=$(now)
  xargs -a "$list" img2pdf -o "$dir/img2pdf.pdf"
  t1=$(now)
  peer_s=$(echo "$t1 - $t0" | bc -l)
  peer_bytes=$(stat -c %s "$dir/img2pdf.pdf")
  peer_pages=$(wc -l < "$list")

  awk -v n="$released" -v kind="$kind" -v ps="$pdf_s" -v pb="$pdf_bytes" -v as="$all_s" \
      -v ab="$all_bytes" -v qs="$peer_s" -v qb="$peer_bytes" -v qn="$peer_pages" \
      -v bs="$bl_s" -v bb="$bl_bytes" 'BEGIN {
    pr = n / ps; ar = n / as; qr = qn / qs;
    printf "| %d %s | chartscan | searchable PDF/A | %.1f | %.1f | %.2f | %.2f |\n", n, kind, pr, pb / n / 1024, pr / qr, (pb / n) / (qb / qn);
    if (bs > 0) printf "| %d %s | chartscan --bilevel | searchable PDF/A, G4 | %.1f | %.1f | %.2f | %.2f |\n", n, kind, n / bs, bb / n / 1024, (n / bs) / qr, (bb / n) / (qb / qn);
    printf "| %d %s | chartscan | PDF+TIFF+FHIR+HL7+CSV | %.1f | %.1f | %.2f | |\n", n, kind, ar, ab / n / 1024, ar / qr;
    printf "| %d %s | img2pdf | image-only PDF | %.1f | %.1f | 1.00 | 1.00 |\n", qn, kind, qr, qb / qn / 1024;
  }'
done
echo
echo "ratios: chartscan / img2pdf in the same run (pages/s: higher is faster; size: lower is smaller)"
echo "reproduce: bench/release.sh $pages"
