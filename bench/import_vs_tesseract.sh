#!/usr/bin/env bash
# import_vs_tesseract.sh -- pages per minute of `sohoa import` (decode,
# orientation, skew, blank check, codes, OCR, bundle, verify, index) next to
# the raw `tesseract` CLI on the same pages with the same parallelism
# (OMP_THREAD_LIMIT=1, xargs -P CORES), and their ratio.
#   bench/import_vs_tesseract.sh [PAGES]     (default 12; run after a build)
set -eu
cd "$(dirname "$0")/.."
N=${1:-12}
CORES=$(nproc)
SOHOA=${SOHOA_BIN:-build/cli/sohoa}
[ -x "$SOHOA" ] || { echo "build first: bash tools/test.sh" >&2; exit 3; }
W=$(mktemp -d /tmp/sohoa-bench-XXXXXX)
trap 'rm -rf "$W"' EXIT
samples=(docs/samples/*.png)
for ((i = 0; i < N; i++)); do
	cp "${samples[i % ${#samples[@]}]}" "$W/page$(printf %03d "$i").png"
done
cat >"$W/sohoa.conf" <<CONF
[ocr]
workers = $CORES
[archive]
root = archive
[index]
path = index.sqlite
[spool]
path = spool
[hotfolder]
path = hot
CONF
export OMP_THREAD_LIMIT=1
t0=$(date +%s.%N)
ls "$W"/page*.png | xargs -P "$CORES" -I{} tesseract {} {}.out -l vie+eng >/dev/null 2>&1
t1=$(date +%s.%N)
"$SOHOA" --config "$W/sohoa.conf" -q import --case 000.00.22.H27-250701-0001 "$W"/page*.png >/dev/null
t2=$(date +%s.%N)
awk -v n="$N" -v c="$CORES" -v a="$t0" -v b="$t1" -v d="$t2" 'BEGIN {
	tt = b - a; ts = d - b;
	printf "pages: %d A4 300 dpi samples, %d workers\n", n, c;
	printf "tesseract CLI (xargs -P%d):  %7.1f pages/min  (%.2f s)\n", c, 60 * n / tt, tt;
	printf "sohoa import (everything):  %7.1f pages/min  (%.2f s)\n", 60 * n / ts, ts;
	printf "ratio sohoa/tesseract:      %7.2f\n", tt / ts;
}'
