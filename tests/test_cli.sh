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
. "$(dirname "$0")/lib.sh"

printf '%s\n' '[station]' 'name = test-station' 'operator = tester' >"$T/sohoa.conf"
data_conf "$T/sohoa.conf"
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
if command -v script >/dev/null && script -qc tty /dev/null 2>/dev/null | grep -q '^/dev/'; then
	tty_out=$(script -qc "'$BIN' --config '$T/sohoa.conf' reindex --all" /dev/null)
	expect_in "reindex shows progress on a terminal" "$tty_out" "reindex: 1/"
else
	echo "ok - reindex shows progress on a terminal # SKIP no pseudo-terminal here"
fi
run "$BIN" "${C[@]}" reindex --all
case "$err" in *"reindex: "*) not_ok "no progress when piped" ;; *) ok "no progress when piped" ;; esac

# --- journal and resume: a paper jam, then kill -9 in mid-batch -----------
CASE3=000.00.22.H27-250702-0007
TEST_ADF=(--device test:0 --source adf --dpi 50 --set test-picture=Grid)
run "$BIN" "${C[@]}" scan --case "$CASE3" --component "Giấy tờ" "${TEST_ADF[@]}" \
	--set read-return-value=SANE_STATUS_JAMMED
expect_rc "a paper jam is an environment failure" 3
expect_in "the jam message says what to do" "$err" "paper jam on test:0: clear the feeder"
resume_cmd=$(printf '%s' "$err" | sed -n 's/.*then run `\(.*\)`.*/\1/p')
expect_in "the jam message gives the exact resume command" "$resume_cmd" "scan --resume scan-"
run "$BIN" "${C[@]}" jobs
expect_rc "jobs exits 0" 0
expect_in "jobs shows the faulted job" "$out" "faulted	0	$CASE3	Giấy tờ	test:0	read: paper jam"
# the printed command, as the operator would paste it (with --set to clear
# the simulated jam)
run bash -c "cd '$T' && ${resume_cmd/sohoa/\'$BIN\'} --set read-return-value=Default"
expect_rc "the printed resume command files the job" 0
expect_in "the resumed job files 10 pages" "$out" "10 pages added to component \"Giấy tờ\""
expect_absent "the spool is empty after the resume" "$T/data/spool"

CASE4=000.00.22.H27-250703-0011
"$BIN" "${C[@]}" scan --case "$CASE4" "${TEST_ADF[@]}" --set read-limit=yes \
	--set read-limit-size=1000 --set read-delay=yes \
	--set read-delay-duration=20000 >"$T/kill.out" 2>&1 &
pid=$!
for _ in $(seq 300); do
	n=$(cat "$T"/data/spool/*/journal.jsonl 2>/dev/null | grep -c '"rec":"page"')
	[ "${n:-0}" -ge 2 ] && break
	sleep 0.05
done
sleep 0.2 # into the next page
kill -9 "$pid"
wait "$pid" 2>/dev/null
JOB=$(ls "$T/data/spool" | head -1)
kept=$(grep -c '"rec":"page"' "$T/data/spool/$JOB/journal.jsonl")
[ "$kept" -ge 2 ] && [ "$kept" -lt 10 ] && ok "kill -9 in mid-batch left $kept journaled pages" ||
	not_ok "kill -9 in mid-batch ($kept journaled pages)"
mkdir -p "$T/before" && cp "$T/data/spool/$JOB"/p*.tif "$T/before/" 2>/dev/null
cp -r "$T/data/spool/$JOB" "$T/job-copy"
run "$BIN" "${C[@]}" jobs
expect_in "jobs shows the killed job as interrupted" "$out" "$JOB	interrupted	$kept	$CASE4"
run "$BIN" "${C[@]}" scan --resume "$JOB" --set read-delay=no
expect_rc "resume after kill -9 exits 0" 0
want=$((kept + 10))
expect_in "resume files the journaled pages and the new ones" "$out" "$want pages added"
B4="$T/data/archive/$CASE4.zip"
names=$(unzip -Z1 "$B4" | grep -E '/data/.*/[0-9]{4}\.tif$' | sed 's|.*/||' | sort)
expected=$(seq -f '%04g.tif' 1 "$want")
[ "$names" = "$expected" ] && ok "every page is in the bundle exactly once (1..$want)" ||
	not_ok "pages in the bundle: $(echo $names)"
same=0
for i in $(seq 1 "$kept"); do
	f=$(printf 'p%04d.tif' "$i")
	e=$(unzip -Z1 "$B4" | grep -E "/$(printf '%04d' "$i")\.tif$")
	unzip -p "$B4" "$e" | cmp -s - "$T/before/$f" && same=$((same + 1))
done
[ "$same" -eq "$kept" ] && ok "the pages scanned before the kill are filed byte-identical" ||
	not_ok "pages filed byte-identical ($same of $kept)"
echo "# $(($(ls "$T/before" | wc -l) - kept)) unjournaled page in flight was on disk at the kill"
expect_absent "the spool is empty after the resume" "$T/data/spool"
run "$BIN" "${C[@]}" verify "$B4"
expect_rc "the resumed bundle verifies" 0
# a crash after the bundle was renamed in but before the spool was
# removed: the journal says filing, and the pages are already filed
cp -r "$T/job-copy" "$T/data/spool/$JOB"
printf '{"rec":"state","state":"filing","time":"2026-01-01T00:00:00Z"}\n' >>"$T/data/spool/$JOB/journal.jsonl"
rm -f "$T/data/spool/$JOB"/p*.tif && cp "$T/before"/p*.tif "$T/data/spool/$JOB/"
run "$BIN" "${C[@]}" scan --resume "$JOB"
expect_rc "resuming a job that was already filed exits 0" 0
count=$(unzip -Z1 "$B4" | grep -cE '/data/.*/[0-9]{4}\.tif$')
[ "$count" -eq "$want" ] && ok "a filed job is not appended twice" ||
	not_ok "a filed job is not appended twice ($count pages, want $want)"
expect_absent "its spool folder is removed" "$T/data/spool"
# Ctrl-C stops at a page boundary and files what was captured
CASE10=000.00.22.H27-250709-0010
"$BIN" "${C[@]}" scan --case "$CASE10" "${TEST_ADF[@]}" --set read-limit=yes \
	--set read-limit-size=1000 --set read-delay=yes \
	--set read-delay-duration=20000 >"$T/int.out" 2>"$T/int.err" &
pid=$!
for _ in $(seq 300); do
	n=$(cat "$T"/data/spool/*/journal.jsonl 2>/dev/null | grep -c '"rec":"page"')
	[ "${n:-0}" -ge 2 ] && break
	sleep 0.05
done
kill -INT "$pid"
wait "$pid"
irc=$?
[ "$irc" -eq 0 ] && ok "Ctrl-C during an ADF batch exits 0" || not_ok "Ctrl-C during an ADF batch (exit $irc: $(cat "$T/int.err"))"
filed=$(unzip -Z1 "$T/data/archive/$CASE10.zip" 2>/dev/null | grep -cE '/data/.*/[0-9]{4}\.tif$')
[ "${filed:-0}" -ge 2 ] && [ "${filed:-0}" -lt 10 ] && ok "Ctrl-C keeps and files the $filed pages captured" ||
	not_ok "Ctrl-C keeps and files the pages captured (${filed:-0})"
expect_in "the cancel is reported" "$(cat "$T/int.err")" "cancelled after"
expect_absent "nothing is left in the spool after Ctrl-C" "$T/data/spool"

run "$BIN" "${C[@]}" scan --resume scan-nosuch
expect_rc "resuming an unknown job fails" 1
expect_in "the message points to sohoa jobs" "$err" "sohoa jobs"
run "$BIN" "${C[@]}" scan --resume x --case "$CASE4"
expect_rc "--resume with --case is a usage error" 2

# --- hot folder: sohoa hotfolder --once, then sohoad -------------------------
sed -e 's|^path = data/hot$|path = data/hot\nstable_seconds = 1\npoll_seconds = 1|' \
	"$T/sohoa.conf" >"$T/hot.conf"
H=(--config "$T/hot.conf")
CASE5=000.00.22.H27-250704-0005
mkdir -p "$T/data/hot"
cp "$DATA/text_vi.png" "$T/data/hot/${CASE5}__Đơn đề nghị.png"
echo "not an image" >"$T/data/hot/$CASE5.docx"
run "$BIN" "${H[@]}" hotfolder --once
expect_rc "hotfolder --once exits 0" 0
expect_in "hotfolder --once reports what it did" "$out" "1 taken, 1 failed, 0 duplicates"
expect_in "the dropped page is filed" "$out" "1 page added to component \"Đơn đề nghị\""
[ ! -e "$T/data/hot/${CASE5}__Đơn đề nghị.png" ] && ok "the original is removed once filed" ||
	not_ok "the original is removed once filed"
[ -s "$T/data/hot/failed/$CASE5.docx.why" ] && ok "a wrong extension goes to failed/ with a .why" ||
	not_ok "a wrong extension goes to failed/ with a .why"
entry=$(unzip -Z1 "$T/data/archive/$CASE5.zip" | grep -E '0001\.png$' | head -1)
unzip -p "$T/data/archive/$CASE5.zip" "$entry" | cmp -s - "$DATA/text_vi.png" &&
	ok "the hot-folder master is byte-identical" || not_ok "the hot-folder master is byte-identical"
cp "$DATA/text_vi.png" "$T/data/hot/${CASE5}__again.png"
run "$BIN" "${H[@]}" hotfolder --once
expect_in "a second drop of the same file is a duplicate" "$out" "0 taken, 0 failed, 1 duplicate"
expect_in "the duplicate's .why names the first drop" "$(cat "$T/data/hot/duplicates/${CASE5}__again.png.why")" "${CASE5}__Đơn đề nghị.png"
run "$BIN" "${H[@]}" hotfolder
expect_rc "hotfolder without --once is a usage error" 2

# a scan whose filing fails (no such OCR language) stays in the spool ...
CASE7=000.00.22.H27-250706-0007
sed -e 's|^workers = 2$|workers = 2\nlanguages = xyz|' "$T/hot.conf" >"$T/badocr.conf"
run "$BIN" --config "$T/badocr.conf" scan --case "$CASE7" --device test:0 --dpi 50 --set read-return-value=Default
expect_rc "a scan whose filing fails is an environment failure" 3
expect_in "the filing failure gives the resume command" "$err" "scan --resume scan-"
run "$BIN" "${H[@]}" jobs
expect_in "jobs shows it captured, waiting to be filed" "$out" "captured	1	$CASE7"
# ... and sohoad files it when it starts
SOHOAD=$(dirname "$BIN")/sohoad
CASE6=000.00.22.H27-250705-0006
"$SOHOAD" --config "$T/hot.conf" -v 2>"$T/sohoad.err" >"$T/sohoad.out" &
dpid=$!
cp "$DATA/one_line.png" "$T/data/hot/$CASE6.png"
for _ in $(seq 150); do
	[ -e "$T/data/archive/$CASE6.zip" ] && [ ! -e "$T/data/hot/$CASE6.png" ] && break
	sleep 0.2
done
[ -e "$T/data/archive/$CASE7.zip" ] && ok "sohoad files the job a failed filing left in the spool" ||
	not_ok "sohoad files the job a failed filing left in the spool"
[ -e "$T/data/archive/$CASE6.zip" ] && ok "sohoad takes a hot-folder file into its case" ||
	not_ok "sohoad takes a hot-folder file into its case ($(tail -3 "$T/sohoad.err"))"
kill -TERM "$dpid"
wait "$dpid"
drc=$?
[ "$drc" -eq 0 ] && ok "sohoad stops cleanly on SIGTERM" || not_ok "sohoad stops cleanly on SIGTERM (exit $drc)"
expect_in "sohoad logs the hot-folder file" "$(cat "$T/sohoad.err")" "hot folder: $CASE6.png taken into case $CASE6"

# --- sohoad control socket: a queue per device, SIGHUP, SIGTERM drains ------
{ cat "$T/hot.conf"; printf '[server]\nsocket = data/ctl.sock\n'; } >"$T/ctl.conf"
K=(--config "$T/ctl.conf")
CASE8=000.00.22.H27-250708-0008
CASE9=000.00.22.H27-250708-0009
run "$BIN" "${K[@]}" scan --daemon --case "$CASE8" --device test:0
expect_rc "scan --daemon without sohoad is an environment failure" 3
expect_in "it says how to fix it" "$err" "start sohoad"
"$SOHOAD" --config "$T/ctl.conf" -v 2>"$T/ctl.err" >/dev/null &
dpid=$!
for _ in $(seq 50); do [ -S "$T/data/ctl.sock" ] && break; sleep 0.1; done
SLOW=(--set read-limit=yes --set read-limit-size=2000 --set read-delay=yes --set read-delay-duration=20000)
run "$BIN" "${K[@]}" scan --daemon --case "$CASE8" --device test:0 --source adf --dpi 50 "${SLOW[@]}"
expect_rc "scan --daemon queues a scan" 0
expect_in "it names the request" "$out" "queued as r1"
run "$BIN" "${K[@]}" scan --daemon --case "$CASE9" --device test:0 --source flatbed --dpi 50
expect_in "a second scan on the same device is queued" "$out" "queued as r2"
run "$BIN" "${K[@]}" jobs
expect_in "jobs shows the running scan" "$out" "r1	running	-	$CASE8"
expect_in "jobs shows the one waiting for the device" "$out" "r2	queued	-	$CASE9"
kill -HUP "$dpid"
for _ in $(seq 100); do grep -q "configuration reloaded" "$T/ctl.err" && break; sleep 0.1; done
expect_in "SIGHUP reloads the configuration" "$(cat "$T/ctl.err")" "configuration reloaded"
for _ in $(seq 300); do
	n=$(cat "$T"/data/spool/*/journal.jsonl 2>/dev/null | grep -c '"rec":"page"')
	[ "${n:-0}" -ge 2 ] && break
	sleep 0.05
done
kill -TERM "$dpid"
wait "$dpid"
drc=$?
[ "$drc" -eq 0 ] && ok "SIGTERM drains sohoad cleanly" || not_ok "SIGTERM drains sohoad cleanly (exit $drc)"
log=$(cat "$T/ctl.err")
expect_in "the running scan is asked to stop at a page boundary" "$log" "[r1] asked to stop at the next page"
expect_in "the queued scan is not started" "$log" "[r2] not started"
expect_in "the scan's own output carries its request id" "$log" "[r1] case $CASE8:"
[ -e "$T/data/archive/$CASE8.zip" ] && ok "the pages scanned before SIGTERM are filed" ||
	not_ok "the pages scanned before SIGTERM are filed ($(tail -5 "$T/ctl.err"))"
expect_absent "the drained scan leaves no spool job" "$T/data/spool"
[ ! -e "$T/data/ctl.sock" ] && ok "the control socket is removed" || not_ok "the control socket is removed"

# --- devices ----------------------------------------------------------------
run "$BIN" "${C[@]}" devices
expect_rc "devices exits 0" 0
expect_in "devices lists the test scanner" "$out" "test:0	Noname	frontend-tester	virtual device"
expect_in "devices gives sources in sohoa's words" "$out" "sources: flatbed, adf"
expect_in "devices gives modes in sohoa's words" "$out" "modes: color, gray"
expect_in "devices gives the resolutions" "$out" "resolutions: 1..1200 dpi"
expect_in "devices gives the page size" "$out" "max page: 200 x 200 mm"
run "$BIN" "${C[@]}" devices --json
expect_rc "devices --json exits 0" 0
expect_eq "devices --json gives the test scanner's sources and modes" \
	"$(jq -c '.[] | select(.name == "test:0") | [.sources, .modes, .resolutions]' "$T/out")" \
	'[["flatbed","adf"],["color","gray"],"1..1200"]'
run "$BIN" "${C[@]}" devices --xml
expect_rc "devices with an unknown option is a usage error" 2

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

finish
