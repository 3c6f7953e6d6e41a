#!/usr/bin/env bash
# capture.sh -- capture overhead per page and memory over a long batch.
#
# SANE's test backend made an A4 page (bench/sane/test.conf: 210 x 297 mm,
# 300 dpi, gray, Grid picture, no read delay) is captured by
# build/bench/capture_bench into a journaled spool job: TIFF Deflate
# encoding, fsync of page, folder and journal included, no OCR.  The same
# pages are written by `scanimage --batch --format=tiff` (uncompressed,
# not fsynced), and the ratio printed.  Then peak RSS (/usr/bin/time -v)
# of a 500-page and a 10-page capture.
#
# usage: bash bench/capture.sh [PAGES] [BUILD_DIR]
set -eu
N=${1:-50}
BUILD=${2:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/$BUILD/bench/capture_bench"
[ -x "$BENCH" ] || BENCH="$BUILD/bench/capture_bench"
[ -x "$BENCH" ] || { echo "build first: cmake --build $BUILD --target capture_bench" >&2; exit 3; }
export SANE_CONFIG_DIR="$ROOT/bench/sane"
T=$(mktemp -d /tmp/sohoa-bench-capture-XXXXXX)
trap 'rm -rf "$T"' EXIT

now() { date +%s.%N; }

echo "capture of $N A4 pages, 300 dpi gray, test backend, one core"
taskset_cmd=()
command -v taskset >/dev/null && taskset_cmd=(taskset -c 0)

sohoa=$("${taskset_cmd[@]}" "$BENCH" "$T/spool" "$N" | awk '{print $6}')
echo "sohoa (Deflate TIFF, fsync, journal): $sohoa pages/s"

mkdir -p "$T/si"
t0=$(now)
"${taskset_cmd[@]}" scanimage -d test:0 --mode Gray --resolution 300 \
	--test-picture Grid --format=tiff --batch="$T/si/p%04d.tif" \
	--batch-count="$N" >/dev/null 2>&1
t1=$(now)
si=$(echo "$N / ($t1 - $t0)" | bc -l)
printf 'scanimage --batch --format=tiff (uncompressed, no fsync): %.2f pages/s\n' "$si"
printf 'ratio sohoa / scanimage: %.2f\n' "$(echo "$sohoa / $si" | bc -l)"
rm -rf "$T/si" "$T/spool"

rss() { # PAGES -> peak RSS in KiB
	/usr/bin/time -v "$BENCH" "$T/spool$1" "$1" 2>&1 >/dev/null |
		awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}'
}
r10=$(rss 10)
r500=$(rss 500)
echo "peak RSS: 10 pages ${r10} KiB, 500 pages ${r500} KiB"
printf 'ratio 500/10: %.3f\n' "$(echo "$r500 / $r10" | bc -l)"
