#!/usr/bin/env bash
# archive.sh -- what the archive costs, next to what it is measured against:
#  1. packing time per page (sohoa_archive_append: copy, hash, PDF, verify,
#     rename; no OCR) as a share of OCR time per page (`sohoa ocr`, one
#     core), for a new case and for one-page supplements to a growing case;
#  2. `sohoa verify` throughput vs `sha256sum` over the same payload bytes;
#  3. bundle bytes per page for lineart (G4 TIFF), gray and colour (Deflate
#     TIFF) A4 pages at 300 dpi, as the scan module writes masters.
# Pages are docs/samples/01-to-khai.png with Gaussian noise added (sigma 4,
# roughly a scanner's), tinted for colour (noise per channel, RGB TIFF).
#   bench/archive.sh [PAGES]     (default 10; run after a build)
set -eu
cd "$(dirname "$0")/.."
N=${1:-10}
SOHOA=${SOHOA_BIN:-build/cli/sohoa}
PACK=${PACK_BIN:-build/tests/bench_archive_pack}
[ -x "$SOHOA" ] && [ -x "$PACK" ] || { echo "build first" >&2; exit 3; }
W=$(mktemp -d /tmp/sohoa-bench-archive-XXXXXX)
trap 'rm -rf "$W"' EXIT
export OMP_THREAD_LIMIT=1
now() { date +%s.%N; }

# --- pages -------------------------------------------------------------------
pngtopnm docs/samples/01-to-khai.png 2>/dev/null | ppmtopgm >"$W/base.pgm"
for i in 1 2 3; do
	pamaddnoise -type gaussian -sigma1 4 -seed $i "$W/base.pgm" 2>/dev/null >"$W/g$i.pgm"
	pnmtotiff -flate "$W/g$i.pgm" >"$W/gray$i.tif" 2>/dev/null
	# noise per channel after the tint: millions of colours, as a scan
	pgmtoppm '#fff4e0' "$W/base.pgm" 2>/dev/null |
		pamaddnoise -type gaussian -sigma1 4 -seed $i 2>/dev/null |
		pnmtotiff -flate -truecolor >"$W/colour$i.tif" 2>/dev/null
	pgmtopbm -threshold "$W/base.pgm" 2>/dev/null | pnmtotiff -g4 >"$W/lineart$i.tif" 2>/dev/null
done
tesseract "$W/gray1.tif" "$W/ocr" -l vie+eng txt hocr >/dev/null 2>&1
echo "pages: A4 300 dpi ($(tiffinfo "$W/gray1.tif" 2>/dev/null | awk '/Image Width/ {print $3 "x" $6}')), $N per case"

# --- 1. OCR time per page vs packing time per page ----------------------------------
cat >"$W/sohoa.conf" <<CONF
[ocr]
workers = 1
[archive]
root = archive
[index]
path = index.sqlite
[spool]
path = spool
[hotfolder]
path = hot
CONF
# The share is taken of OCR on the page as a clean scan (the same form
# without the added noise): that is what OCR reads.  Tesseract reads
# nothing from the noisy copies, and sohoa calls them blank and skips
# recognition, so their OCR time (printed for reference) says nothing
# about a page that is read.
pnmtotiff -flate "$W/base.pgm" >"$W/clean.tif" 2>/dev/null
t0=$(now)
/usr/bin/time -f "%U %S" -o "$W/ocr.cpu" \
	"$SOHOA" --config "$W/sohoa.conf" -q ocr "$W/clean.tif" "$W/clean.tif" "$W/clean.tif" >/dev/null
t1=$(now)
ocr=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print (b - a) / 3}')
ocrcpu=$(awk '{print ($1 + $2) / 3}' "$W/ocr.cpu")
printf "OCR (sohoa ocr, 1 core, clean page): %6.3f s/page wall, %6.3f s/page CPU\n" "$ocr" "$ocrcpu"
t0=$(now)
"$SOHOA" --config "$W/sohoa.conf" -q ocr "$W/gray1.tif" "$W/gray2.tif" "$W/gray3.tif" >"$W/noisy.txt"
t1=$(now)
printf "  (the noisy gray pages: %.3f s/page, sohoa calls %s of 3 blank)\n" \
	"$(awk -v a="$t0" -v b="$t1" 'BEGIN {print (b - a) / 3}')" \
	"$(grep -c ': blank,' "$W/noisy.txt")"
for kind in lineart gray colour; do
	"$PACK" "$W/archive" "000.00.22.H27-250701-0001" "$kind" "$N" 1 \
		"$W/ocr.txt" "$W/ocr.hocr" "$W/$kind"[123].tif >"$W/new-$kind.txt"
	rm -rf "$W/archive"
	"$PACK" "$W/archive" "000.00.22.H27-250701-0002" "$kind" 1 "$N" \
		"$W/ocr.txt" "$W/ocr.hocr" "$W/$kind"[123].tif >"$W/sup-$kind.txt"
	# wall time against OCR wall time, and CPU time against OCR CPU time
	# (steadier when other work shares the machine)
	awk -v ocr="$ocr" -v oc="$ocrcpu" -v kind="$kind" -v n="$N" '
		FNR == NR { newt = $3; newc = $4; next }
		{ supt += $3; supc += $4; last = $3; lastc = $4 }
		END {
			printf "pack %-7s new case of %d:        %6.3f s/page = %5.1f%% of OCR; CPU %6.3f s/page = %5.1f%%\n", kind, n, newt / n, 100 * newt / n / ocr, newc / n, 100 * newc / n / oc;
			printf "pack %-7s %d one-page appends:   %6.3f s/page = %5.1f%% of OCR; CPU %6.3f s/page = %5.1f%% (the %dth: %.3f s, CPU %.3f s)\n", kind, n, supt / n, 100 * supt / n / ocr, supc / n, 100 * supc / n / oc, n, last, lastc;
		}' "$W/new-$kind.txt" "$W/sup-$kind.txt"
	mv "$W/archive" "$W/archive-$kind"
done

# --- 2. verify throughput vs sha256sum ------------------------------------------
B=$W/archive-colour/000.00.22.H27-250701-0002.zip
mkdir "$W/x"
unzip -q "$B" -d "$W/x"
bytes=$(find "$W/x" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
cat "$B" >/dev/null # both from the page cache
t0=$(now)
"$SOHOA" --config "$W/sohoa.conf" verify "$B" >/dev/null
t1=$(now)
find "$W/x" -type f -print0 | xargs -0 sha256sum >/dev/null
t2=$(now)
find "$W/x" -type f -print0 | xargs -0 sha512sum >/dev/null
t3=$(now)
awk -v b="$bytes" -v a="$t0" -v c="$t1" -v d="$t2" -v e="$t3" 'BEGIN {
	mb = b / 1e6;
	printf "verify %.1f MB (colour bundle):      sohoa verify %6.1f MB/s, sha256sum %6.1f MB/s, sha512sum %6.1f MB/s\n", mb, mb / (c - a), mb / (d - c), mb / (e - d);
	printf "verify / sha256sum:                 %6.2fx\n", (d - c) / (c - a);
}'

# --- 3. bytes per page ------------------------------------------------------------
for kind in lineart gray colour; do
	z=$W/archive-$kind/000.00.22.H27-250701-0002.zip
	m=$(stat -c %s "$W/${kind}1.tif")
	pdf=$(unzip -Z -l "$z" | awk -v k="data/$kind.pdf" 'index($0, k) {print $4}')
	printf "bytes/page %-7s master %9d, bundle %9d (of which PDF %9d)\n" "$kind" "$m" \
		$(($(stat -c %s "$z") / N)) $((pdf / N))
done
