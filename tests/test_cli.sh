#!/usr/bin/env bash
# test_cli.sh -- the command-line contract, end to end, through the real
# binaries: real SANE (pnm backend via SANE_CONFIG_DIR), real Tesseract,
# real zips (checked with unzip -t) and a real SQLite index.
set -u
BIN=${SOHOA_BIN:?set SOHOA_BIN to the sohoa binary}
DATA=$(cd "$(dirname "$0")/data" && pwd)
: "${SANE_CONFIG_DIR:=$DATA/sane}"
export SANE_CONFIG_DIR
unset SOHOA_CONFIG
T=$(mktemp -d /tmp/sohoa-test-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; }
# run CMD...: sets $rc, $out (stdout) and $err (stderr)
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}
expect_rc() { # NAME WANT
	if [ "$rc" -eq "$2" ]; then ok "$1"; else
		not_ok "$1 (exit $rc, want $2)"
		sed 's/^/    stdout: /' "$T/out" | head -20
		sed 's/^/    stderr: /' "$T/err" | head -20
	fi
}
expect_in() { # NAME HAYSTACK NEEDLE
	if printf '%s' "$2" | grep -qF -- "$3"; then ok "$1"; else
		not_ok "$1 (no '$3' in: $(printf '%s' "$2" | head -c 600))"
	fi
}
expect_absent() { # NAME PATH
	if [ -e "$2" ] && [ -n "$(ls -A "$2" 2>/dev/null)" ]; then
		not_ok "$1 ($2 is not empty: $(ls -A "$2" | head -5))"
	else ok "$1"; fi
}

cat >"$T/sohoa.conf" <<CONF
[station]
name = test-station
operator = tester
[ocr]
workers = 2
[archive]
root = data/archive
[index]
path = data/index.sqlite
[spool]
path = data/spool
[hotfolder]
path = data/hot
CONF
C=(--config "$T/sohoa.conf")
CASE=000.00.22.H27-250701-0001

# --- usage and help ------------------------------------------------------
run "$BIN" --version
expect_rc "--version exits 0" 0
expect_in "--version names sohoa" "$out" "sohoa "
run "$BIN" help import
expect_rc "help import exits 0" 0
expect_in "help import shows an example" "$out" "example: sohoa import"
run "$BIN" frobnicate
expect_rc "unknown command is a usage error" 2
run "$BIN" "${C[@]}" import "$DATA/text_vi.png"
expect_rc "import without --case is a usage error" 2
expect_in "usage error says what is missing" "$err" "--case CASE is required"

# --- configuration -------------------------------------------------------
printf '[station]\nname = x\n[scaner]\nres = 1\n[scanner]\nresolution = many\n' >"$T/bad.conf"
run "$BIN" config check "$T/bad.conf"
expect_rc "config check of a bad file exits 1" 1
expect_in "config check names file:line of the section" "$err" "$T/bad.conf:3: unknown section [scaner]"
expect_in "config check names file:line of the value" "$err" "$T/bad.conf:6: scanner.resolution = 'many'"
run "$BIN" config check "$T/sohoa.conf"
expect_rc "config check of a good file exits 0" 0
run "$BIN" "${C[@]}" config show
expect_rc "config show exits 0" 0
expect_in "config show gives each value's origin" "$out" "$T/sohoa.conf:7"
expect_in "config show resolves paths against the file" "$out" "$T/data/archive"
run env -u SOHOA_CONFIG bash -c "cd '$T' && '$BIN' config show"
expect_in "built-in defaults work with no file" "$out" "$T/sohoa-data/index.sqlite"
run "$BIN" "${C[@]}" import --case "$CASE" --config "$T/bad.conf" "$DATA/text_vi.png"
expect_rc "a command refuses a bad configuration" 1
printf '[archive]\nroot = %s/sohoa.conf/archive\n' "$T" >"$T/unwritable.conf"
run "$BIN" --config "$T/unwritable.conf" import --case "$CASE" "$DATA/text_vi.png"
expect_rc "an unwritable archive folder is an environment problem" 3

# --- refusals: nothing written --------------------------------------------
run "$BIN" "${C[@]}" import --case 000.00.22.H27-250231-0001 "$DATA/text_vi.png"
expect_rc "an invalid case number is refused" 1
expect_in "the refusal shows the expected shape" "$err" "{agency code}-{YYMMDD}-{sequence}"
expect_absent "nothing archived after a refused case number" "$T/data/archive"
head -c 20000 "$DATA/text_vi.png" >"$T/broken.png"
run "$BIN" "${C[@]}" import --case "$CASE" "$DATA/text_vi.png" "$T/broken.png"
expect_rc "a corrupt image is refused" 1
expect_in "the refusal names the file" "$err" "broken.png"
expect_in "the refusal says nothing was written" "$err" "nothing was written"
expect_absent "nothing archived after a corrupt image" "$T/data/archive"
expect_absent "nothing spooled after a corrupt image" "$T/data/spool"
[ -e "$T/data/index.sqlite" ] && not_ok "no index after refusals" || ok "no index after refusals"

# --- import of each file type ---------------------------------------------
pngtopnm "$DATA/text_vi.png" >"$T/page.pgm" 2>/dev/null
pnmtojpeg --quality=92 "$T/page.pgm" >"$T/page.jpg" 2>/dev/null
pnmtotiff -flate "$T/page.pgm" >"$T/one.tif" 2>/dev/null
tiffcp "$T/one.tif" "$T/one.tif" "$T/two.tif" 2>/dev/null
run "$BIN" "${C[@]}" import --case "$CASE" --component "Tờ khai" \
	"$DATA/text_vi.png" "$T/page.jpg" "$T/two.tif" "$T/page.pgm"
expect_rc "import of PNG, JPEG, 2-page TIFF and PNM succeeds" 0
expect_in "import reports 5 pages" "$out" "5 pages added"
BUNDLE=$(ls "$T"/data/archive/*.zip 2>/dev/null | head -1)
[ -n "$BUNDLE" ] && ok "a bundle was written" || not_ok "a bundle was written"
run unzip -tq "$BUNDLE"
expect_rc "unzip -t passes on the bundle" 0
run "$BIN" "${C[@]}" verify "$BUNDLE"
expect_rc "sohoa verify passes on the bundle" 0
expect_absent "the spool is empty once the bundle is verified" "$T/data/spool"
# the PNG master in the bundle is byte-identical to the imported file
entry=$(unzip -Z1 "$BUNDLE" | grep -E '0001\.png$' | head -1)
unzip -p "$BUNDLE" "$entry" | cmp -s - "$DATA/text_vi.png" &&
	ok "the PNG master is byte-identical" || not_ok "the PNG master is byte-identical ($entry)"
# the page analysis in the bundle carries the identity fields unchanged
meta=$(unzip -p "$BUNDLE" '*.json' 2>/dev/null)
expect_in "the bundle's page analysis has the fields" "$meta" '"place_of_residence"'
expect_in "the bundle's page analysis has needs_review" "$meta" '"needs_review"'

# --- search ---------------------------------------------------------------
run "$BIN" "${C[@]}" search "Thạch Hà"
expect_rc "search with diacritics exits 0" 0
expect_in "search with diacritics finds the case" "$out" "$CASE"
expect_in "the hit names the component" "$out" "Tờ khai"
run "$BIN" "${C[@]}" search thach ha
expect_in "search without diacritics finds the case" "$out" "$CASE"
run "$BIN" "${C[@]}" search quyen su dung dat
expect_in "đ is folded to d" "$out" "$CASE"
run "$BIN" "${C[@]}" search --json nguyen thi lien
expect_rc "search --json exits 0" 0
for k in case_number component page document_type snippet score; do
	expect_in "search --json has \"$k\"" "$out" "\"$k\""
done
run "$BIN" "${C[@]}" search xylophone
expect_rc "a search without hits exits 0" 0
[ -z "$out" ] && ok "no hits prints no hit" || not_ok "no hits prints no hit"

# --- append to the same case; reindex from bundles alone -------------------
run "$BIN" "${C[@]}" import --case "$CASE" --component "Kết quả" --kind result "$DATA/one_line.png"
expect_rc "a second import appends to the case" 0
run "$BIN" "${C[@]}" search --count thach ha
first_count=$out
rm -f "$T"/data/index.sqlite*
run "$BIN" "${C[@]}" reindex --all
expect_rc "reindex --all exits 0" 0
run "$BIN" "${C[@]}" search --count thach ha
[ "$out" = "$first_count" ] && [ "$out" -ge 1 ] &&
	ok "reindex from bundles gives the same hits ($out)" ||
	not_ok "reindex gives the same hits ($out vs $first_count)"

# --- fields from the OCR analysis; the query language; reindex equality ----
MK=${SOHOA_MKBUNDLE:?set SOHOA_MKBUNDLE to the mkbundle helper}
F1=000.00.22.H27-250703-0101
F2=000.00.22.H27-250704-0102
F3=000.00.22.H27-250805-0103
"$MK" "$T/data/archive" "$F1" "CCCD" component 1.001234 "$DATA/one_line.png" \
	"CĂN CƯỚC CÔNG DÂN Số 001085012345 Họ và tên NGUYỄN THỊ LIÊN" \
	'{"document_type":"cccd","fields":{"id_number":{"value":"001085012345"},"full_name":{"value":"NGUYỄN THỊ LIÊN"},"date_of_birth":{"value":"12/03/1985"}}}' >/dev/null &&
"$MK" "$T/data/archive" "$F2" "Đơn" component - "$DATA/one_line.png" \
	"Đơn đề nghị của bà NGUYÊN THỊ LIÊN" \
	'{"fields":{"full_name":{"value":"NGUYÊN THỊ LIÊN","confidence":61}}}' >/dev/null &&
"$MK" "$T/data/archive" "$F3" "Giấy chứng nhận" result 2.000999 "$DATA/one_line.png" \
	"Giấy chứng nhận cấp cho ông Trần Văn Đức" \
	'{"fields":{"full_name":"TRẦN VĂN ĐỨC","id_number":{"value":"079090000111"}}}' >/dev/null &&
	ok "bundles with OCR fields written" || not_ok "bundles with OCR fields written"
run "$BIN" "${C[@]}" reindex "$F1" "$F2" "$F3"
expect_rc "reindex of three cases exits 0" 0
run "$BIN" "${C[@]}" search id:001085012345
expect_in "id: finds the ID card" "$out" "$F1"
run "$BIN" "${C[@]}" search --count 'name:"nguyen thi lien"'
[ "$out" = 2 ] && ok "name: finds the QR name and the OCR near-miss" ||
	not_ok "name: finds both ($out)"
run "$BIN" "${C[@]}" search --json 'name:"Nguyễn Thị Liên"'
first=$(printf '%s\n' "$out" | head -1)
expect_in "the exact name ranks first" "$first" "$F1"
run "$BIN" "${C[@]}" search dob:1985-03-12
expect_in "dob: in ISO form finds the DD/MM/YYYY field" "$out" "$F1"
run "$BIN" "${C[@]}" search procedure:2.000999
expect_in "procedure: comes from the bundle metadata" "$out" "$F3"
run "$BIN" "${C[@]}" search --count 'case:000.00.22.H27-25070*' kind:component NOT 'case:000.00.22.H27-250701*'
[ "$out" = 2 ] && ok "case prefix and kind: combine" || not_ok "case prefix and kind: ($out)"
run "$BIN" "${C[@]}" search --count 'date:2025-08-01..2025-08-31'
[ "$out" = 1 ] && ok "date: filters on the receipt date" || not_ok "date: ($out)"
run "$BIN" "${C[@]}" search --count '(name:lien OR name:duc) NOT type:cccd'
[ "$out" = 2 ] && ok "OR, NOT and parentheses" || not_ok "OR, NOT, parentheses ($out)"
run "$BIN" "${C[@]}" search --limit 1 --offset 1 --json 'name:lien'
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && ok "--limit 1 --offset 1 gives one hit" ||
	not_ok "--limit/--offset ($out)"
run "$BIN" "${C[@]}" search 'lien (duc OR'
expect_rc "a syntax error exits 1" 1
expect_in "the message names the position" "$err" "at position 13"
expect_in "a caret line points at it" "$err" "                ^"
run "$BIN" "${C[@]}" search 'nam:lien'
expect_in "an unknown field is named" "$err" "unknown field 'nam:'"
queries=("lien" 'name:"Nguyễn Thị Liên"' "id:079090000111" "thach ha"
	"case:000.00.22.H27*" "date:2025-07 NOT kind:result" "giay OR don")
for q in "${queries[@]}"; do "$BIN" "${C[@]}" search --json --limit 50 "$q"; done >"$T/incremental.jsonl" 2>&1
rm -f "$T"/data/index.sqlite*
run "$BIN" "${C[@]}" reindex --all
expect_rc "reindex --all after deleting the index exits 0" 0
for q in "${queries[@]}"; do "$BIN" "${C[@]}" search --json --limit 50 "$q"; done >"$T/rebuilt.jsonl" 2>&1
if [ -s "$T/incremental.jsonl" ] && cmp -s "$T/incremental.jsonl" "$T/rebuilt.jsonl"; then
	ok "reindex --all gives the same hits, order, snippets and scores ($(wc -l <"$T/rebuilt.jsonl") lines)"
else
	not_ok "reindex equality"; diff "$T/incremental.jsonl" "$T/rebuilt.jsonl" | head -20
fi

# --- scan through SANE's pnm backend ------------------------------------
CASE2=H27.151-251008-090123
run "$BIN" "${C[@]}" scan --case "$CASE2" --device pnm:0 --set filename="$T/page.pgm"
expect_rc "scan through the pnm backend exits 0" 0
expect_in "scan reports the page" "$out" "1 page added"
run "$BIN" "${C[@]}" search dien tich met vuong
expect_in "the scanned page is found" "$out" "$CASE2"
run "$BIN" "${C[@]}" scan --case "$CASE2" --device pnm:0 --set nosuch=1
expect_rc "an unknown device option is refused" 1
expect_in "the refusal lists valid options" "$err" "filename"
run "$BIN" "${C[@]}" scan --case "$CASE2" --device nosuch:9
expect_rc "an unknown device is refused" 1
expect_in "the refusal names the device" "$err" "nosuch:9"

# progress shows on a terminal and stays out of pipes
if command -v script >/dev/null; then
	tty_out=$(script -qc "'$BIN' --config '$T/sohoa.conf' reindex --all" /dev/null)
	expect_in "reindex shows progress on a terminal" "$tty_out" "reindex: 1/"
fi
run "$BIN" "${C[@]}" reindex --all
case "$err" in *"reindex: "*) not_ok "no progress when piped" ;; *) ok "no progress when piped" ;; esac

# --- ocr ------------------------------------------------------------------
run "$BIN" "${C[@]}" ocr --json "$DATA/text_vi.png" "$T/broken.png" "$DATA/one_line.png"
expect_rc "ocr with one bad file exits 1" 1
expect_in "ocr still reads the good file" "$out" "\"file\":\"$DATA/text_vi.png\""
expect_in "ocr names the bad file" "$err" "broken.png"
# worker threads, but the output keeps the order of the arguments
order=$(printf '%s\n' "$out" | sed -n 's/.*"file":"\([^"]*\)".*/\1/p' | tr '\n' ' ')
[ "$order" = "$DATA/text_vi.png $DATA/one_line.png " ] &&
	ok "ocr prints pages in argument order" || not_ok "ocr prints pages in argument order ($order)"
expect_in "ocr reports identity fields" "$out" '"fields":{"id_number":{"value":"042190001234"'
printf '[ocr]\nlanguages = xyz\n[archive]\nroot = data/a\n[index]\npath = data/i.sqlite\n[spool]\npath = data/s\n[hotfolder]\npath = data/h\n' >"$T/nolang.conf"
run "$BIN" --config "$T/nolang.conf" ocr "$DATA/text_vi.png"
expect_rc "missing traineddata is an environment problem" 3
expect_in "the message names the traineddata" "$err" "xyz.traineddata"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
