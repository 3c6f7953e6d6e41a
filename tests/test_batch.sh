#!/usr/bin/env bash
# test_batch.sh -- result-digitization batches end to end: one multi-page
# TIFF holding results of three cases, a separator sheet and a page before
# the first code; each document filed to its case, the orphan in review,
# then filed by hand.  Then a harder stack (damaged codes, an invalid case
# number, code and text that disagree) dropped in the hot folder's batch
# folder.  Real Tesseract, zbar, zips and SQLite.
set -u
BIN=${SOHOA_BIN:?set SOHOA_BIN to the sohoa binary}
DATA=$(cd "$(dirname "$0")/data" && pwd)
T=$(mktemp -d /tmp/sohoa-test-batch-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

A=H27.151-251008-090123 B=000.00.22.H27-250701-0002 C=H15.50.05.13-261008-0975
printf '[ocr]\nworkers = 2\n[archive]\nroot = archive\n[index]\npath = index.sqlite\n[spool]\npath = spool\n[hotfolder]\npath = hot\nstable_seconds = 1\n[review]\npath = review\n[batch]\nreports = reports\n' >"$T/s.conf"
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

# ---- the hard stack through the batch folder of the hot folder ----------
# damaged codes with the number in the text, continuation pages, an invalid
# case number, a first page with no readable number, code and text that
# disagree (tests/data/batch2, tools/gen_batch_fixtures.py)
D=H27.151-251009-090200 E=000.00.31.H29-250815-0333 F=H50.12-250920-0417
BAD=H27.151-250231-0042 G=H27.151-251010-090301 H=H27.151-251010-090302
pages=()
for f in "$DATA"/batch2/*.png; do
	b=$(basename "$f" .png)
	pngtopnm "$f" 2>/dev/null | pnmtotiff -g4 >"$T/2-$b.tif" 2>/dev/null
	pages+=("$T/2-$b.tif")
done
tiffcp "${pages[@]}" "$T/stack2.tif" 2>/dev/null
run "${S[@]}" ocr --json "$T/2-02-result-invalid-p1.tif"
check "ocr --json names the invalid case number and why" 'jq -e ".case_number == null and .case_number_candidate == \"$BAD\" and (.case_number_problem | test(\"not a real date\"))" "$T/out" >/dev/null'

run "${S[@]}" config show
check "the batch folder defaults to HOTFOLDER/ket-qua" 'grep -q "hotfolder.batch_path.*$T/hot/ket-qua" "$T/out"'
mkdir -p "$T/hot/ket-qua"
cp "$T/stack2.tif" "$T/hot/ket-qua/ket-qua-chieu.tif"
echo "not an image" >"$T/hot/ket-qua/broken.tif"
before=$(ls "$T"/review | grep -vc '\.why$')
run "${S[@]}" hotfolder --once
check "hotfolder --once exits 0" '[ $rc -eq 0 ]'
check "the stack is taken as a batch, the broken file fails" 'grep -q "batch folder .*: 1 taken, 1 failed" "$T/out"'
check "the taken stack is removed from the batch folder" '[ ! -e "$T/hot/ket-qua/ket-qua-chieu.tif" ]'
check "its SHA-256 is remembered" '[ "$(wc -l <"$T/hot/ket-qua/.sohoa-seen")" -eq 1 ]'
check "the broken file is in failed/ with a .why" '[ -f "$T/hot/ket-qua/failed/broken.tif" ] && grep -q "not a PNG, JPEG, TIFF or PNM" "$T/hot/ket-qua/failed/broken.tif.why"'
check "a damaged QR with the number in the text is filed with its page 2" '[ "$(count $D)" -eq 2 ]'
check "a cut barcode with 'Số hồ sơ' in the text is filed" '[ "$(count $E)" -eq 1 ]'
check "a result with its code on both pages is filed as one document" '[ "$(count $F)" -eq 2 ] && jq -e "[.documents[] | select(.case_number == \"$F\")] | length == 1" "$(ls -t "$T"/reports/*.json | head -1)" >/dev/null'
check "the unnumbered first page after it did not join it" '[ "$(count $F)" -eq 2 ]'
check "nothing is filed under an invalid or disputed number" '[ ! -e "$T/archive/$BAD.zip" ] && [ ! -e "$T/archive/$G.zip" ] && [ ! -e "$T/archive/$H.zip" ]'
after=$(ls "$T"/review | grep -vc '\.why$')
check "three new review items" '[ $((after - before)) -eq 3 ]'
why_of() { grep -l -- "$1" "$T"/review/*.why | head -1; }
w=$(why_of "$BAD")
check "the invalid case number is named in a .why, with what is wrong" '[ -n "$w" ] && grep -q "not a real date" "$w"'
check "its continuation page went to review with it" '[ -n "$w" ] && [ "$(ls "${w%.why}" | wc -l)" -eq 2 ]'
w=$(why_of "begins a new document")
check "the first page with an unreadable code is in review alone" '[ -n "$w" ] && [ "$(ls "${w%.why}" | wc -l)" -eq 1 ]'
w=$(why_of "$H")
check "code and text that disagree go to review naming both" '[ -n "$w" ] && grep -q "$G" "$w"'
report=$(ls -t "$T"/reports/*.json | head -1)
check "the report of the hot-folder batch lists the candidate" 'jq -e "[.documents[] | select(.case_number == null and .case_number_candidate == \"$BAD\" and .filed == false)] | length == 1" "$report" >/dev/null'
check "every page of the stack is filed or in review" 'jq -e "([.documents[] | select(.filed) | .positions[]] + [.review[] | .positions[]] | sort) == [range(1; 10)]" "$report" >/dev/null'
cp "$T/stack2.tif" "$T/hot/ket-qua/again.tif"
run "${S[@]}" hotfolder --once
check "the same stack dropped again is a duplicate, not filed twice" 'grep -q "batch folder .*: 0 taken, 0 failed, 1 duplicate," "$T/out" && [ -f "$T/hot/ket-qua/duplicates/again.tif" ] && [ "$(count $D)" -eq 2 ]'

# ---- a crash in the middle of a batch-folder stack ----------------------
# kill -9 once the first document of a fresh copy of the stack is filed
# (or later), then run again: what was filed is not filed twice, review
# items are not made twice, and every page of the stack is somewhere.
rm -rf "$T/archive" "$T/index.sqlite" "$T/review" "$T/hot/ket-qua/.sohoa-seen"
mkdir -p "$T/review"
cp "$T/stack2.tif" "$T/hot/ket-qua/crash.tif"
"${S[@]}" hotfolder --once >"$T/crash.out" 2>&1 &
pid=$!
for _ in $(seq 600); do
	[ -e "$T/archive/$D.zip" ] && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.1
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
check "the stack is still in the batch folder after the crash" '[ -f "$T/hot/ket-qua/crash.tif" ] || grep -q "1 taken" "$T/crash.out"'
[ -f "$T/hot/ket-qua/crash.tif" ] || cp "$T/stack2.tif" "$T/hot/ket-qua/crash.tif" &&
	: >"$T/hot/ket-qua/.sohoa-seen" # the run finished: replay a crash just before it was recorded
run "${S[@]}" hotfolder --once
check "the run after the crash takes the stack" '[ $rc -eq 0 ] && grep -q "batch folder .*: 1 taken" "$T/out"'
check "no document is filed twice" '[ "$(count $D)" -eq 2 ] && [ "$(count $E)" -eq 1 ] && [ "$(count $F)" -eq 2 ]'
check "no review item is made twice" '[ "$(ls "$T"/review | grep -vc "\.why$")" -eq 3 ] && [ "$(ls "$T"/review/*.why | wc -l)" -eq 3 ]'
run "${S[@]}" verify --all
check "the bundles verify" '[ $rc -eq 0 ]'

finish
