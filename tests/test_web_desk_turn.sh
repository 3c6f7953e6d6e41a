#!/usr/bin/env bash
# test_web_desk_turn.sh -- a page the OCR read in the wrong orientation,
# turned by front-desk staff, is recognized again with their turn before
# it is filed: an upside-down page (text_vi.png flipped by netpbm) in a
# draft, on a machine without osd.traineddata (a tessdata folder with vie
# and eng only), so Tesseract reads it as it lies; staff turn it 180 and
# commit at once; sohoad is killed with kill -9 while the page is read
# again (SOHOA_TEST_STALL holds the OCR worker), then restarted.  The
# bundle must hold the turned page's text (search finds it), the turn
# recorded, and the page recognized once per turn.
set -u
BIN=${SOHOA_BIN:?set SOHOA_BIN to the sohoa binary}
DATA=$(cd "$(dirname "$0")/data" && pwd)
: "${SANE_CONFIG_DIR:=$DATA/sane}"
export SANE_CONFIG_DIR
unset SOHOA_CONFIG SOHOA_TEST_STALL
T=$(mktemp -d /tmp/sohoa-test-deskturn-XXXXXX)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web/web_lib.sh"
cleanup() {
	web_stop
	[ "$fail" -gt 0 ] && sed 's/^/    log: /' "$T/sohoad.log" | tail -40
	rm -rf "$T"
}
trap cleanup EXIT
C=(--config "$T/sohoa.conf")

web_conf "$T/sohoa.conf"
mkdir -p "$T/tessdata"
for l in vie eng; do
	ln -s "/usr/share/tesseract-ocr/5/tessdata/$l.traineddata" "$T/tessdata/"
done
printf "[ocr]\ntessdata = %s\n" "$T/tessdata" >>"$T/sohoa.conf"
DESK_PW='tiếp-nhận-2025'
web_user lan front_desk "$DESK_PW"
pngtopnm "$DATA/text_vi.png" 2>/dev/null | pnmflip -r180 >"$T/upside-down.pnm"
CASE=000.00.22.H27-251010-0077

web_start || not_ok "sohoad starts and logs its web address"
U=$SOHOA_WEB_URL
jar="$T/jar"
login() {
	csrf=$(curl -s -c "$jar" -H 'Content-Type: application/json' \
		-d "$(jq -nc --arg p "$DESK_PW" '{user:"lan", password:$p}')" "$U/api/login" | jq -r .csrf)
}
api() { # METHOD PATH [JSON] -> $code, body in $T/body
	code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$jar" -X "$1" \
		-H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
		${3:+-d "$3"} "$U$2")
}
login

run "$BIN" "${C[@]}" scan --daemon --hold --case "$CASE" --component "Đơn đề nghị" \
	--device pnm:0 --set filename="$T/upside-down.pnm"
expect_rc "an upside-down page is scanned into a draft" 0
J=
for _ in $(seq 300); do
	api GET /api/desk/jobs
	J=$(jq -r --arg c "$CASE" '.drafts[] | select(.case == $c and .state == "captured") | .job' "$T/body")
	if [ -n "$J" ]; then
		api GET "/api/desk/job/$J"
		[ "$(jq -r '.pages[0].ocr != null' "$T/body")" = true ] && break
		"$BIN" "${C[@]}" status --json | jq -e '.jobs[] | select(.error)' && break
	fi
	sleep 0.2
done
expect_eq "the draft's page is recognized" "$(jq -r '.pages[0].ocr != null' "$T/body")" true
F=$(jq -r '.pages[0].file' "$T/body")
RES="$T/data/spool/$J/$F.ocr.json"
expect_eq "without OSD the page is read as it lies (no turn found)" "$(jq -r '.pages[0].ocr.rotation' "$T/body")" 0
check "... and its words are not read" '! jq -r .text "$RES" | grep -qi "quyền sử dụng đất"'

# staff turn it 180 and commit at once; the reading with the turn is
# held in the OCR worker (test stall) and sohoad is killed inside it
web_stop
SOHOA_TEST_STALL=ocr:60 web_start || not_ok "sohoad starts again (OCR stalled for the test)"
U=$SOHOA_WEB_URL
login
api POST "/api/desk/job/$J/view" "$(jq -nc --arg f "$F" '{pages:[{file:$f, rotation:180}]}')"
expect_eq "staff turn the page 180 degrees" "$code" 200
api GET "/api/desk/job/$J"
expect_eq "the page shows the turn" "$(jq -r '.pages[0].rotation' "$T/body")" 180
expect_eq "its reading is stale until it is read again" "$(jq -r '.pages[0].stale' "$T/body")" true
expect_eq "the turn the reading was made with is shown" "$(jq -r '.pages[0].ocr.view_rotation' "$T/body")" 0
api POST "/api/desk/job/$J/commit"
expect_eq "the draft is committed while the page is read again" "$code" 200
stalled=
for _ in $(seq 150); do
	grep -q "test stall: ocr" "$T/sohoad.log" && stalled=1 && break
	sleep 0.2
done
[ -n "$stalled" ] && ok "sohoad reads the turned page again by itself" ||
	not_ok "sohoad reads the turned page again by itself"
s=$("$BIN" "${C[@]}" status --json)
expect_eq "status: the committed job waits for the reading" \
	"$(printf '%s' "$s" | jq -r --arg j "$J" '.jobs[] | select(.id == $j) | .stage')" recognizing
check "nothing is filed with the stale reading" '[ ! -e "$T/data/archive/$CASE.zip" ]'
kill -9 "$dpid"
wait "$dpid" 2>/dev/null
dpid=
check "the kill left the old reading on disk" '[ "$(jq -r .analysis "$RES" | jq -r ".view_rotation // 0")" = 0 ]'

# a restart carries on: read with the turn, then filed
web_start || not_ok "sohoad starts after the kill"
Z="$T/data/archive/$CASE.zip"
for _ in $(seq 600); do
	[ -s "$Z" ] && [ -z "$(ls "$T/data/spool")" ] && break
	sleep 0.2
done
[ -s "$Z" ] && ok "the draft is filed after the restart" || not_ok "the draft is filed after the restart"
[ -z "$(ls "$T/data/spool")" ] && ok "the spool is empty" || not_ok "the spool is empty ($(ls "$T/data/spool"))"
run "$BIN" "${C[@]}" verify "$Z"
expect_rc "the bundle verifies" 0
run "$BIN" "${C[@]}" show --json "$CASE"
expect_eq "the bundle records staff's turn" "$(jq -c '.pages[0].analysis | [.view_rotation, .rotation_detected, .rotation]' "$T/out")" '[180,0,180]'
txt=$(unzip -Z1 "$Z" | grep '/0001\.txt$' | head -1)
unzip -p "$Z" "$txt" >"$T/page.txt"
for w in "quyền sử dụng đất" "Nguyễn Thị Liên" "042190001234"; do
	check "the bundle's $txt holds \"$w\" (read turned)" 'grep -qi "$w" "$T/page.txt"'
done
hocr=$(unzip -Z1 "$Z" | grep '/0001\.hocr$' | head -1)
unzip -p "$Z" "$hocr" >"$T/page.hocr"
check "its hOCR (what the PDF text layer places) holds the words of the turned page" \
	'grep -q "042190001234" "$T/page.hocr"'
check "... on the upright page (2000 x 700, as the master turned 180)" \
	'grep -q "bbox 0 0 2000 700" "$T/page.hocr"'
run "$BIN" "${C[@]}" search --json "quyen su dung dat"
expect_eq "search finds the turned page's words" "$(printf '%s\n' "$out" | jq -rs '.[0].case_number')" "$CASE"
expect_eq "the page was recognized once as scanned and once turned (never twice for one turn)" \
	"$(grep -c "job $J: page 1 recognized" "$T/sohoad.log")" 2
expect_eq "... the second time with staff's turn" \
	"$(grep -c "job $J: page 1 recognized .*turned 180 by staff" "$T/sohoad.log")" 1
web_stop
grep -qE "Sanitizer|runtime error" "$T/sohoad.log" && not_ok "sohoad's log holds no sanitizer report" ||
	ok "sohoad's log holds no sanitizer report"
finish
