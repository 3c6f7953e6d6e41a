#!/usr/bin/env bash
# archive.sh -- what the archive costs, next to what it is measured against:
#  1. packing time per page (sohoa_archive_append: copy, hash, PDF, verify,
#     rename; no OCR) as a share of OCR time per page (`sohoa ocr`, one
#     worker), for a new case and for one-page supplements to a growing case;
#  2. `sohoa verify` throughput vs `sha256sum` over the same payload bytes;
#  3. bundle bytes per page for lineart (G4 TIFF), gray and colour (Deflate
#     TIFF) A4 pages at 300 dpi, as the scan module writes masters;
#  4. what a one-page append costs as the bundle grows (each append
#     rewrites the whole zip): seconds per append against MB in the bundle.
# Two sets of pages, both printed:
#  - realistic: the pages of tools/gen_e2e_pages.py (forms, running text,
#    ID-card copies, receipts; skew, blur, specks, sensor noise), stored as
#    scan/scan.c stores masters (lineart CCITT G4; gray and colour Adobe
#    Deflate with the horizontal predictor, strips of about 64 KiB), each
#    packed with the text and hOCR Tesseract reads on it; the share is of
#    `sohoa ocr` on the very same masters;
#  - noise, the worst case: docs/samples/01-to-khai.png with Gaussian noise
#    on every pixel (sigma 4), tinted for colour (noise per channel),
#    Deflate without predictor; OCR reads nothing on these (sohoa calls
#    them blank), so their share is of OCR on the clean form.
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
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- pages: noise ------------------------------------------------------------
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

# --- pages: realistic, masters as scan/scan.c writes them (tiff_open_page) ---
R=$W/real
mkdir -p "$R"
/usr/bin/python3 tools/gen_e2e_pages.py "$R/set" --pages "$N" --seed 5 --jobs 2 >/dev/null
i=0 colour=0
for f in "$R"/set/pages/*; do
	i=$((i + 1))
	p=$R/tmp
	case $f in
	*.jpg) jpegtopnm "$f" >"$p.pnm" 2>/dev/null ;;
	*) pngtopnm "$f" >"$p.pnm" 2>/dev/null ;;
	esac
	if [ "$(head -c 2 "$p.pnm")" = P6 ]; then
		colour=$((colour + 1))
		ppmtopgm "$p.pnm" >"$p.pgm" 2>/dev/null
		cp "$p.pnm" "$p.ppm"
	else
		cp "$p.pnm" "$p.pgm"
		pgmtoppm rgb:ff/ff/ff "$p.pnm" >"$p.ppm" 2>/dev/null
	fi
	w=$(pamfile "$p.pgm" | awk '{for (k = 1; k < NF; k++) if ($(k + 1) == "by") print $k}')
	# strips of 64 KiB / bytes per line + 1 rows, as the scan module
	pnmtotiff "$p.pgm" >"$p.tif" 2>/dev/null
	tiffcp -c zip:2 -r $((65536 / w + 1)) "$p.tif" "$R/gray-$i.tif"
	pnmtotiff -truecolor "$p.ppm" >"$p.tif" 2>/dev/null
	tiffcp -c zip:2 -r $((65536 / (3 * w) + 1)) "$p.tif" "$R/colour-$i.tif"
	pgmtopbm -threshold "$p.pgm" 2>/dev/null | pnmtotiff -g4 >"$p.tif" 2>/dev/null
	tiffcp -c g4 -r $((65536 / ((w + 7) / 8) + 1)) "$p.tif" "$R/lineart-$i.tif"
	# what OCR reads on the page: its text layer when packed
	tesseract "$R/gray-$i.tif" "$R/gray-$i" -l vie+eng txt hocr >/dev/null 2>&1
	for k in colour lineart; do
		cp "$R/gray-$i.txt" "$R/$k-$i.txt"
		cp "$R/gray-$i.hocr" "$R/$k-$i.hocr"
	done
	rm -f "$p".*
done
echo "realistic pages: $i from tools/gen_e2e_pages.py (seed 5): $colour in colour, the others gray (R=G=B in the colour masters)"

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

# ocr_time FILE...: sohoa ocr, one worker: "wall CPU" seconds per page
ocr_time() {
	local t0 t1
	t0=$(now)
	/usr/bin/time -f "%U %S" -o "$W/ocr.cpu" \
		"$SOHOA" --config "$W/sohoa.conf" -q ocr "$@" >"$W/ocr.out"
	t1=$(now)
	awk -v a="$t0" -v b="$t1" -v n=$# '{print (b - a) / n, ($1 + $2) / n}' "$W/ocr.cpu"
}

# pack_rows LABEL KIND OCR_WALL OCR_CPU TEXT HOCR IMAGE...: a new case of N
# pages (one append) and N one-page appends, against OCR time per page
pack_rows() {
	local label=$1 kind=$2 ow=$3 oc=$4 text=$5 hocr=$6
	shift 6
	"$PACK" "$W/archive" "000.00.22.H27-250701-0001" "$kind" "$N" 1 \
		"$text" "$hocr" "$@" >"$W/new-$label-$kind.txt"
	rm -rf "$W/archive"
	"$PACK" "$W/archive" "000.00.22.H27-250701-0002" "$kind" 1 "$N" \
		"$text" "$hocr" "$@" >"$W/sup-$label-$kind.txt"
	# wall time against OCR wall time, and CPU time against OCR CPU time
	# (steadier when other work shares the machine)
	awk -v ocr="$ow" -v oc="$oc" -v kind="$label $kind" -v n="$N" '
		FNR == NR { newt = $3; newc = $4; next }
		{ supt += $3; supc += $4; last = $3; lastc = $4 }
		END {
			printf "pack %-17s new case of %d:      %6.3f s/page = %5.1f%% of OCR; CPU %6.3f s/page = %5.1f%%\n", kind, n, newt / n, 100 * newt / n / ocr, newc / n, 100 * newc / n / oc;
			printf "pack %-17s %d one-page appends: %6.3f s/page = %5.1f%% of OCR; CPU %6.3f s/page = %5.1f%% (the %dth: %.3f s, CPU %.3f s)\n", kind, n, supt / n, 100 * supt / n / ocr, supc / n, 100 * supc / n / oc, n, last, lastc;
		}' "$W/new-$label-$kind.txt" "$W/sup-$label-$kind.txt"
	mv "$W/archive" "$W/archive-$label-$kind"
}

echo "--- realistic pages: OCR and packing of the same masters"
for kind in lineart gray colour; do
	set -- "$R/$kind"-*.tif
	n=$#
	set -- $(ocr_time "$@")
	printf "OCR (sohoa ocr, 1 worker) on the %d %s masters: %6.3f s/page wall, %6.3f s/page CPU (%d called blank)\n" \
		"$n" "$kind" "$1" "$2" "$(grep -c ': blank,' "$W/ocr.out" || true)"
	pack_rows realistic "$kind" "$1" "$2" - - "$R/$kind"-*.tif
done

echo "--- noise, the worst case (every pixel noisy; OCR time of the clean form)"
# Tesseract reads nothing from the noisy copies, and sohoa calls them blank
# and skips recognition, so their OCR time (printed for reference) says
# nothing about a page that is read.
pnmtotiff -flate "$W/base.pgm" >"$W/clean.tif" 2>/dev/null
set -- $(ocr_time "$W/clean.tif" "$W/clean.tif" "$W/clean.tif")
ocr=$1 ocrcpu=$2
printf "OCR (sohoa ocr, 1 worker, clean page): %6.3f s/page wall, %6.3f s/page CPU\n" "$ocr" "$ocrcpu"
set -- $(ocr_time "$W/gray1.tif" "$W/gray2.tif" "$W/gray3.tif")
printf "  (the noisy gray pages: %.3f s/page, sohoa calls %s of 3 blank)\n" \
	"$1" "$(grep -c ': blank,' "$W/ocr.out" || true)"
for kind in lineart gray colour; do
	pack_rows noise "$kind" "$ocr" "$ocrcpu" "$W/ocr.txt" "$W/ocr.hocr" "$W/$kind"[123].tif
done

# --- 2. verify throughput vs sha256sum ------------------------------------------
B=$W/archive-noise-colour/000.00.22.H27-250701-0002.zip
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
	printf "verify %.1f MB (noise colour bundle): sohoa verify %6.1f MB/s, sha256sum %6.1f MB/s, sha512sum %6.1f MB/s\n", mb, mb / (c - a), mb / (d - c), mb / (e - d);
	printf "verify / sha256sum:                 %6.2fx\n", (d - c) / (c - a);
}'

# --- 3. bytes per page ------------------------------------------------------------
for label in realistic noise; do
	for kind in lineart gray colour; do
		z=$W/archive-$label-$kind/000.00.22.H27-250701-0002.zip
		if [ $label = noise ]; then
			m=$(stat -c %s "$W/${kind}1.tif")
		else
			m=$(($(cat "$R/$kind"-*.tif | wc -c) / $(ls "$R/$kind"-*.tif | wc -l)))
		fi
		pdf=$(unzip -Z -l "$z" | awk -v k="data/$kind.pdf" 'index($0, k) {print $4}')
		printf "bytes/page %-9s %-7s master %9d, bundle %9d (of which PDF %9d)\n" "$label" "$kind" "$m" \
			$(($(stat -c %s "$z") / N)) $((pdf / N))
	done
done

# --- 4. one-page appends as the bundle grows ---------------------------------------
# An append writes a new zip holding every old entry (libzip cannot add to a
# zip in place without risking it), fsyncs it, checks it and renames it over
# the old one: the k-th one-page append copies the whole bundle.  Least
# squares of seconds per append against the bundle's size before it: a fixed
# part (the new page: decode, PDF image, digests) and a part per MB already
# in the bundle (copy, write, fsync, read-back check, the grown PDF).
for label in realistic noise; do
	for kind in lineart gray colour; do
		awk -v k="$label $kind" '
			{ x = $5 / 1e6; m++; sx += x; sxx += x * x; sc += $4; sxc += x * $4; sw += $3; sxw += x * $3; copied += $5; last = $6 }
			END {
				d = m * sxx - sx * sx; if (d <= 0) d = 1;
				b = (m * sxc - sx * sc) / d; a = (sc - b * sx) / m;
				bw = (m * sxw - sx * sw) / d; aw = (sw - bw * sx) / m;
				printf "appends %-17s %d one-page appends copied %7.1f MB (bundle at the end %6.1f MB): CPU %.3f s + %.4f s/MB, wall %.3f s + %.4f s/MB of bundle\n", k, m, copied / 1e6, last / 1e6, a, b, aw, bw;
			}' "$W/sup-$label-$kind.txt"
		awk -v k="$label $kind" -v n="$N" '
			FNR == NR { newc = $4; neww = $3; next }
			{ supc += $4; supw += $3 }
			END { printf "  the same %d pages as one append: CPU %.2f s, wall %.2f s; as %d one-page appends: CPU %.2f s, wall %.2f s\n", n, newc, neww, n, supc, supw }' \
			"$W/new-$label-$kind.txt" "$W/sup-$label-$kind.txt"
	done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
