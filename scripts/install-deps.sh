#!/usr/bin/env bash
# Installs everything chartscan needs to build, run and test, from Debian 12 packages only.
# Safe to run again. Uses sudo when not root.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang-format
  # image cleanup (OpenCV modules only: libopencv-dev would pull ~250 packages; libpng writes the
  # display image)
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-photo-dev
  libpng-dev
  # OCR
  libtesseract-dev libleptonica-dev tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd
  # word repair after OCR: Hunspell with its American English and medical dictionaries, and a
  # list of common words
  libhunspell-dev hunspell-en-us hunspell-en-med wamerican-small
  # capture
  libpoppler-glib-dev poppler-utils libtiff-dev qpdf
  # scanners through SANE; the tests drive SANE's virtual `test` and `pnm` backends, which ship
  # in libsane1
  libsane-dev libsane1
  # store
  libsqlite3-dev sqlite3 libsodium-dev
  # libraries
  nlohmann-json3-dev libcli11-dev libgtest-dev libgmock-dev
  # sample generator: real fonts rendered with Pango/Cairo
  libcairo2-dev libpango1.0-dev fonts-liberation2 fonts-dejavu-core fonts-freefont-ttf
  # barcodes: separator sheets and patient labels (reader in barcode/, writer in the generator)
  libzxing-dev
  # the viewer: HTTP(S) server (cpp-httplib is built with OpenSSL, zlib and Brotli, whose headers
  # it includes), and Debian's Chromium for the browser tests
  libcpp-httplib-dev libssl-dev zlib1g-dev libbrotli-dev chromium
  # the TLS test makes its certificate with the openssl command
  openssl
  # release packages: LittleCMS for the PDF/A output intent's ICC profile (poppler-utils and qpdf,
  # above, check the PDFs in the tests)
  liblcms2-dev
)
if ! dpkg-query -W -f='${Status}\n' "${packages[@]}" 2>/dev/null | grep -qv "install ok installed" \
   && [ "$(dpkg-query -W -f='${Status}\n' "${packages[@]}" 2>/dev/null | wc -l)" = "${#packages[@]}" ]; then
  echo "install-deps: all Debian packages present"
else
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi

# Browser tests: playwright-core from the npm registry, pinned by tests/browser/package-lock.json,
# drives Debian's Chromium (nothing is downloaded when the tests run). Node.js and npm come with
# the machine; Debian's packages otherwise.
if ! command -v npm > /dev/null; then
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
# npm ci only when the lock file changed since the last install into that folder (npm's own
# node_modules/.package-lock.json omits the root entry, so it never equals package-lock.json).
npm_ci_if_changed() {
  local dir="$1" stamp="$1/node_modules/.chartscan-installed-lock"
  if [ -f "$dir/package-lock.json" ] && ! cmp -s "$dir/package-lock.json" "$stamp"; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
}
root="$(cd "$(dirname "$0")/.." && pwd)"
npm_ci_if_changed "$root/tests/browser"
# Release package validator: FHIR R4 (JSON schema, FHIR.js) and HL7 v2 (simple-hl7) checkers from
# the npm registry, pinned by tests/release/package-lock.json.
npm_ci_if_changed "$root/tests/release"
