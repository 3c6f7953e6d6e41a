#!/usr/bin/env bash
# test_batch.sh -- result-digitization batches end to end: one multi-page
# TIFF holding results of three cases, a separator sheet and a page before
# the first code; each document filed to its case, the orphan in review,
# then filed by hand.  Real Tesseract, zbar, zips and SQLite.
set -u
BIN=${SOHOA_BIN:?set SOHOA_BIN to the sohoa binary}
DATA=$(cd "$(dirname "$0")/data" && pwd)
T=$(mktemp -d /tmp/sohoa-test-batch-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

A=H27.151-251008-090123 B=000.00.22.H27-250701-0002 C=H15.50.05.13-261008-0975
printf '[ocr]\nworkers = 2\n[archive]\nroot = archive\n[index]\npath = index.sqlite\n[spool]\npath = spool\n[hotfolder]\npath = hot\n[review]\npath = review\n[batch]\nreports = reports\n' >"$T/s.conf"
S=("$BIN" --config "$T/s.conf")

# one feeder run: six pages in one multi-page TIFF
pages=()
for f in "$DATA"/batch/*.png; do
	b=$(basename "$f" .png)
	pngtopnm "$f" 2>/dev/null | pnmtotiff -g4 >"$T/$b.tif" 2>/dev/null
	pages+=("$T/$b.tif")
done
tiffcp "${pages[@]}" "$T/stack.tif" 2>/dev/null
check "the stack holds 6 pages" '[ "$(tiffinfo "$T/stack.tif" 2>/dev/null | grep -c "TIFF Directory")" -eq 6 ]'

run "${S[@]}" batch "$T/stack.tif"
check "a batch with a page in review exits 1" '[ $rc -eq 1 ]'
check "three documents found" 'grep -q "6 pages, 3 documents" "$T/out"'
for c in $A $B $C; do
	check "case $c has a bundle" '[ -f "$T/archive/$c.zip" ]'
	check "case $c bundle verifies" '"${S[@]}" verify "$T/archive/$c.zip" >/dev/null'
done
check "the new bundles are announced" 'grep -q "new bundle: the case was not archived yet" "$T/out"'
count() { unzip -Z1 "$T/archive/$1.zip" | grep -cE "/data/ket-qua/[0-9]+\.tif$"; }
check "case A got its two pages" '[ "$(count $A)" -eq 2 ]'
check "case B got one page, not its separator" '[ "$(count $B)" -eq 1 ]'
check "case C got one page" '[ "$(count $C)" -eq 1 ]'
check "results are filed with kind result" 'unzip -p "$T/archive/$A.zip" "$A/data/metadata.json" | grep -q "\"kind\": *\"result\""'
check "the separator sheet is kept with the report" '[ "$(ls "$T"/reports/*/separators/ | wc -l)" -eq 1 ]'
report=$(ls "$T"/reports/*.json)
check "the JSON report names each case" 'grep -q "\"$A\"" "$report" && grep -q "\"$B\"" "$report" && grep -q "\"$C\"" "$report"'
check "the JSON report lists the review item" 'grep -q "before the first case number" "$report"'
check "the spool is empty" '[ -z "$(ls -A "$T/spool" 2>/dev/null)" ]'

run "${S[@]}" review
item=$(awk '{print $1; exit}' "$T/out")
check "review lists the orphan page with its reason" 'grep -q "1 page  pages before the first case number" "$T/out"'
check "the review item has its page and a .why" '[ -f "$T/review/$item/p0001.tif" ] && [ -f "$T/review/$item.why" ]'
run "${S[@]}" review file "$item" --case 2025-bad
check "filing with a bad case number is refused" '[ $rc -eq 1 ] && grep -q "expected" "$T/err"'
check "a refused filing keeps the item" '[ -d "$T/review/$item" ]'
run "${S[@]}" review file "$item" --case $A
check "filing the item by hand exits 0" '[ $rc -eq 0 ]'
check "case A now holds the filed page" '[ "$(count $A)" -eq 3 ]'
check "the item is gone from review" '[ ! -e "$T/review/$item" ] && [ ! -e "$T/review/$item.why" ]'
run "${S[@]}" review
check "nothing waits for review" 'grep -q "nothing waits" "$T/out"'
run "${S[@]}" search kiem tra hien trang
check "the filed page is searchable under case A" 'grep -q "$A" "$T/out"'

finish
