#!/usr/bin/env bash
# ocr_speed.sh -- pages per minute of `sohoa ocr --json` (decode, orientation,
# skew, blank check, codes at two scales, OCR, document type, identity fields)
# next to the raw `tesseract` CLI on the same pages with the same parallelism
# (OMP_THREAD_LIMIT=1, xargs -P CORES), their ratio; then the time of the
# identity fields of one card (cropped, and photocopied on A4) on one core.
#   bench/ocr_speed.sh [PAGES]     (default 12; run after a build)
set -eu
cd "$(dirname "$0")/.."
N=${1:-12}
CORES=$(nproc)
SOHOA=${SOHOA_BIN:-build/cli/sohoa}
[ -x "$SOHOA" ] || { echo "build first: bash tools/test.sh" >&2; exit 3; }
W=$(mktemp -d /tmp/sohoa-bench-XXXXXX)
trap 'rm -rf "$W"' EXIT
# text pages: the two A4 text samples and the text fixture, in turn
samples=(docs/samples/01-to-khai.png docs/samples/03-giay-tiep-nhan.png tests/data/text_vi.png)
for ((i = 0; i < N; i++)); do
	cp "${samples[i % ${#samples[@]}]}" "$W/page$(printf %03d "$i").png"
done
conf() { # WORKERS
	cat <<CONF
[ocr]
workers = $1
[archive]
root = archive
[index]
path = index.sqlite
[spool]
path = spool
[hotfolder]
path = hot
CONF
}
conf "$CORES" >"$W/n.conf"
conf 1 >"$W/one.conf"
export OMP_THREAD_LIMIT=1
now() { date +%s.%N; }
t0=$(now)
ls "$W"/page*.png | xargs -P "$CORES" -I{} tesseract {} {}.out -l vie+eng >/dev/null 2>&1
t1=$(now)
"$SOHOA" --config "$W/n.conf" -q ocr --json "$W"/page*.png >"$W/out.jsonl"
t2=$(now)
[ "$(wc -l <"$W/out.jsonl")" -eq "$N" ] || { echo "sohoa ocr: missing pages" >&2; exit 1; }
# one card on one core: cropped from the sample photocopy, and the copy itself
/usr/bin/python3 - "$W/card.png" <<'PY'
import sys
from PIL import Image
im = Image.open("docs/samples/02-cccd-front.png")
im.crop((354, 354, 354 + 1011, 354 + 638)).save(sys.argv[1], dpi=(300, 300))
PY
"$SOHOA" --config "$W/one.conf" -q ocr --json "$W/card.png" >/dev/null # warm the page cache
t3=$(now)
taskset -c 0 "$SOHOA" --config "$W/one.conf" -q ocr --json "$W/card.png" >"$W/card.json"
t4=$(now)
taskset -c 0 "$SOHOA" --config "$W/one.conf" -q ocr --json docs/samples/02-cccd-front.png >"$W/copy.json"
t5=$(now)
nf=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["fields"]))' "$W/card.json")
nc=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["fields"]))' "$W/copy.json")
awk -v n="$N" -v c="$CORES" -v a="$t0" -v b="$t1" -v d="$t2" -v e="$t3" -v f="$t4" -v g="$t5" \
    -v nf="$nf" -v nc="$nc" 'BEGIN {
	tt = b - a; ts = d - b;
	printf "pages: %d (A4 forms and receipts, a text strip), 300 dpi, %d workers\n", n, c;
	printf "tesseract CLI (xargs -P%d):   %7.1f pages/min  (%.2f s)\n", c, 60 * n / tt, tt;
	printf "sohoa ocr --json (all):      %7.1f pages/min  (%.2f s)\n", 60 * n / ts, ts;
	printf "ratio sohoa/tesseract:       %7.2f\n", tt / ts;
	printf "one card, one core (cropped 1011x638):  %.2f s, %d fields (process start included)\n", f - e, nf;
	printf "one card, one core (copy on A4 page):   %.2f s, %d fields\n", g - f, nc;
}'
