#!/usr/bin/env bash
# setup-debian.sh -- install the Debian 12 packages sohoa builds, runs and
# tests with (only those missing; run as root), then build into ./build.
#   tools/setup-debian.sh [--no-build] [--asan]
set -eu
cd "$(dirname "$0")/.."

PACKAGES=(
	build-essential cmake pkg-config
	libsane-dev libsane1 sane-utils           # scanners (pnm/test/net backends)
	libtiff-dev libtiff-tools                 # TIFF masters
	libtesseract-dev tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd
	libleptonica-dev                          # images for OCR and import
	libzbar-dev zbar-tools                    # QR codes and barcodes
	libzip-dev zip unzip                      # bundles (unzip -t in tests)
	libdeflate-dev                            # bundles: fast Flate for the PDF images
	icc-profiles-free                         # bundles: sRGB.icc, the PDF/A output intent
	libsqlite3-dev sqlite3                    # index (FTS5)
	libssl-dev libjansson-dev libinih-dev libutf8proc-dev
	libmicrohttpd-dev libcmocka-dev
	netpbm                                    # demo/tests: PNG -> PNM for the pnm backend
	valgrind clang-format                     # CI: memcheck and formatting
	qpdf poppler-utils                        # tests: check component PDFs, extract their text
	openssl python3 iproute2 jq              # tests: throwaway CA, bag rewriting, saned's netns, JSON
	python3-pil python3-qrcode bc time        # bench/ and sample generators (tools/gen_*.py)
	python3-jsonschema                        # tests: metadata.json against docs/metadata.schema.json
	fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf # the page generators draw with these
	chromium                                  # tests: the web pages in a real browser (tests/web)
	curl                                      # tests: the web API over HTTP
)

# Node.js >= 18 and npm run the browser tests' driver (playwright-core). A
# machine that already has them (e.g. NodeSource's nodejs, which bundles npm
# and conflicts with Debian's npm package) keeps its own; otherwise Debian's.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 18 ] || ! command -v npm >/dev/null 2>&1; then
	PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: missing Debian packages: ${missing[*]}" >&2
		echo "setup: run this as root (sudo) to install them" >&2
		exit 3
	fi
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# the browser tests drive Debian's Chromium with playwright-core (pinned in
# tests/web/package-lock.json; no browser is downloaded)
if [ ! -d tests/web/node_modules/playwright-core ]; then
	echo "setup: npm ci --prefix tests/web (playwright-core)"
	npm ci --prefix tests/web --no-audit --no-fund >/dev/null
fi

[ "${1:-}" = "--no-build" ] && exit 0
if [ "${1:-}" = "--asan" ]; then
	cmake -S . -B build-asan -DSOHOA_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build build-asan -j"$(nproc)"
else
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j"$(nproc)"
fi
