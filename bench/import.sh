#!/usr/bin/env bash
# import.sh -- CPU cost of taking a multi-page TIFF into the spool, as the
# hot folder does (check, then import: every page proven decodable, pages
# written as single-page TIFFs, fsync included), no OCR.
#
# The file: 6 A4 pages at 300 dpi (colour, gray, colour, ...; sensor noise;
# AdobeDeflate), made by build/bench/import_bench from tests/data/text_vi.png.
# Compared with `tiffsplit` (libtiff-tools: raw strip copy, no decode, no
# fsync) on the same file.  OLD_BENCH=path/to/import_bench of an older
# build adds its figures, for before/after.
#
# usage: bash bench/import.sh [REPEATS] [BUILD_DIR]
set -eu
N=${1:-3}
BUILD=${2:-build-rel}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/$BUILD/bench/import_bench"
[ -x "$BENCH" ] || { echo "build first: cmake --build $BUILD --target import_bench" >&2; exit 3; }
command -v tiffsplit >/dev/null || { echo "needs tiffsplit (apt-get install libtiff-tools)" >&2; exit 3; }
T=$(mktemp -d /tmp/sohoa-bench-import-XXXXXX)
trap 'rm -rf "$T"' EXIT
F="$T/six.tif"
"$BENCH" make "$F" "$ROOT/tests/data/text_vi.png"
echo "file: 6 pages A4 300 dpi (3 colour, 3 gray), AdobeDeflate, $(stat -c %s "$F") bytes; $N imports each"

split_n() { for i in $(seq "$N"); do mkdir -p "$T/ts$i" && tiffsplit "$F" "$T/ts$i/p"; done; }

/usr/bin/time -f '%U %S' -o "$T/t.new" "$BENCH" run "$F" "$T/new" "$N" >/dev/null
rm -rf "$T/new"
read -r u s <"$T/t.new"
new=$(echo "($u + $s) / $N" | bc -l)
printf 'sohoa check+import (this build):   %.2f CPU s/file\n' "$new"
if [ -n "${OLD_BENCH:-}" ]; then
	/usr/bin/time -f '%U %S' -o "$T/t.old" "$OLD_BENCH" run "$F" "$T/old" "$N" >/dev/null
	rm -rf "$T/old"
	read -r u s <"$T/t.old"
	old=$(echo "($u + $s) / $N" | bc -l)
	printf 'sohoa check+import (OLD_BENCH):    %.2f CPU s/file\n' "$old"
	printf 'old / new:                         %.2f\n' "$(echo "$old / $new" | bc -l)"
fi
export -f split_n
export F T N
/usr/bin/time -f '%U %S' -o "$T/t.ts" bash -c split_n
read -r u s <"$T/t.ts"
ts=$(echo "($u + $s) / $N" | bc -l)
printf 'tiffsplit (raw copy, no decode):   %.2f CPU s/file\n' "$ts"
printf 'sohoa / tiffsplit:                 %.1f\n' "$(echo "$new / $ts" | bc -l)"
echo "(the machine is shared: figures are pessimistic; CPU time, not wall)"
