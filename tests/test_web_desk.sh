#!/usr/bin/env bash
# test_web_desk.sh -- the front-desk page end to end: sohoad with SANE's pnm
# backend (project-local SANE_CONFIG_DIR), a front_desk user working the
# Tiếp nhận page in Debian's Chromium with the keyboard only
# (tests/web/desk.mjs), then on disk: the bundle verifies and holds the
# pages as arranged, the corrected field keeps the OCR value, the removed
# page is not filed, the spool is empty, the audit trail has field_correct
# and desk_commit and verifies.  Also the desk API's refusals over curl.
set -u
BIN=${SOHOA_BIN:?set SOHOA_BIN to the sohoa binary}
DATA=$(cd "$(dirname "$0")/data" && pwd)
: "${SANE_CONFIG_DIR:=$DATA/sane}"
export SANE_CONFIG_DIR
unset SOHOA_CONFIG
T=$(mktemp -d /tmp/sohoa-test-webdesk-XXXXXX)
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
mkdir -p "$T/data/hot"
DESK_PW='tiếp-nhận-2025'
web_user lan front_desk "$DESK_PW"
web_user minh archivist 'lưu-trữ-2025'
# two different pages for the pnm backend, copied in turn to the file it reads
pngtopnm "$DATA/text_vi.png" >"$T/a.pgm" 2>/dev/null
pngtopnm "$DATA/one_line.png" >"$T/b.pgm" 2>/dev/null
pngtopnm "$DATA/blank_noisy.png" 2>/dev/null | ppmtopgm >"$T/blank.pgm" 2>/dev/null
CASE=000.00.22.H27-251008-0042
# a receipt (Giấy tiếp nhận) with its case number in a QR code and the text
pngtopnm "$DATA/batch/03-separator-b.png" 2>/dev/null | ppmtopgm >"$T/receipt.pgm" 2>/dev/null
RCASE=$(jq -r '.documents[] | select(.separator == "03-separator-b.png") | .case_number' "$DATA/batch-expected.json")

web_start || not_ok "sohoad starts and logs its web address"
U=$SOHOA_WEB_URL

# --- the API's refusals (curl) ------------------------------------------------
jar="$T/jar"
login() { # USER PASSWORD -> cookie in $jar, csrf in $csrf
	csrf=$(curl -s -c "$jar" -H 'Content-Type: application/json' \
		-d "$(jq -nc --arg u "$1" --arg p "$2" '{user:$u, password:$p}')" "$U/api/login" | jq -r .csrf)
}
api() { # METHOD PATH [JSON] -> $code, body in $T/body
	code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$jar" -X "$1" \
		-H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
		${3:+-d "$3"} "$U$2")
}
login minh 'lưu-trữ-2025'
api GET /api/desk/procedures
expect_eq "an archivist may not use the front-desk API" "$code" 403
api GET /tiep-nhan
expect_eq "nor open the Tiếp nhận page" "$code" 403
login lan "$DESK_PW"
api GET "/api/desk/case?number=000.00.22.H27-251341-0001"
expect_eq "the case check answers" "$code" 200
expect_eq "a month 13 is not valid" "$(jq -r .valid "$T/body")" false
expect_in "the reason is in Vietnamese" "$(jq -r .error "$T/body")" "Ngày tiếp nhận không có thật"
api GET "/api/desk/case?number=000.00.22.h27-251008-0042%20"
expect_eq "a valid number is normalized" "$(jq -r .case "$T/body")" "$CASE"
api GET /api/desk/procedures
expect_eq "procedures are listed" "$(jq '.procedures | length > 0' "$T/body")" true
api POST /api/desk/scan '{"case":"nonsense","component":"Tờ khai"}'
expect_eq "a scan with a bad case number is refused" "$code" 400
expect_eq "naming the field" "$(jq -r .field "$T/body")" case
api POST /api/desk/scan "{\"case\":\"$CASE\"}"
expect_eq "a scan without a component is refused" "$code" 400
api POST /api/desk/job/../../etc/commit '{}'
[ "$code" -ge 400 ] && ok "a job path outside the spool is refused ($code)" || not_ok "a job path outside the spool is refused ($code)"
api POST /api/desk/job/scan-0-0-0/commit
expect_eq "committing an unknown draft is 404" "$code" 404
[ -z "$(ls "$T/data/spool" 2>/dev/null)" ] && ok "refused requests leave nothing in the spool" ||
	not_ok "refused requests leave nothing in the spool ($(ls "$T/data/spool"))"
# a scanner that is not there: the draft shows the fault, holds no page,
# and can be dropped (a draft with pages cannot)
api POST /api/desk/scan "{\"case\":\"$CASE\",\"component\":\"Tờ khai\",\"device\":\"pnm:9\"}"
expect_eq "a scan on a missing device is queued as a draft" "$code" 200
J=$(jq -r .job "$T/body")
for _ in $(seq 100); do
	api GET "/api/desk/job/$J"
	[ "$(jq -r .state "$T/body")" = faulted ] && break
	sleep 0.2
done
expect_eq "the draft is faulted" "$(jq -r .state "$T/body")" faulted
expect_in "its error names the device" "$(jq -r .error "$T/body")" "pnm:9"
expect_eq "it holds no page" "$(jq '.pages | length' "$T/body")" 0
api GET /api/desk/jobs
expect_eq "it is listed among the open drafts" "$(jq --arg j "$J" '[.drafts[] | select(.job == $j)] | length' "$T/body")" 1
api POST "/api/desk/job/$J/commit"
expect_eq "an empty draft cannot be committed" "$code" 409
api POST "/api/desk/job/$J/discard"
expect_eq "an empty draft can be dropped" "$code" 200
api GET "/api/desk/job/$J"
expect_eq "then it is gone" "$code" 404

# --- the page, keyboard only ---------------------------------------------------
export DESK_PW DESK_CASE=$CASE DESK_BAD_CASE=000.00.22.H27-251341-0001 \
	DESK_PNM="$T/feed.pgm" DESK_PAGES="$T/a.pgm:$T/b.pgm:$T/blank.pgm" DESK_RESULT="$T/result.json" \
	DESK_RECEIPT="$T/receipt.pgm" DESK_RECEIPT_CASE="$RCASE"
web_node desk.mjs

# --- on disk ---------------------------------------------------------------------
Z="$T/data/archive/$CASE.zip"
for _ in $(seq 100); do [ -z "$(ls "$T/data/spool" 2>/dev/null)" ] && break; sleep 0.2; done
[ -s "$Z" ] && ok "the case's bundle is written" || not_ok "the case's bundle is written"
run "$BIN" "${C[@]}" verify "$Z"
expect_rc "sohoa verify passes on the bundle" 0
run "$BIN" "${C[@]}" show "$CASE"
expect_rc "sohoa show reads the case" 0
expect_in "sohoa show lists the component" "$out" "Căn cước của người đi đăng ký"
run "$BIN" "${C[@]}" show --json "$CASE"
meta="$T/meta.json"
cp "$T/out" "$meta"
R="$T/result.json"
expect_eq "two pages are filed (the removed ones are not)" "$(jq '.pages | length' "$meta")" 2
first=$(jq -r '.pages[0].capture_time' "$meta")
expect_eq "the rescanned page is filed in the place of the one it replaced" \
	"$first" "$(jq -r .rescanned_time "$R")"
expect_eq "the rescanned page is filed turned as staff turned it" \
	"$(jq '.pages[0].analysis.view_rotation' "$meta")" 90
expect_eq "its PDF turn is the detected one plus staff's" \
	"$(jq '(.pages[0].analysis.rotation_detected + 90) % 360 == .pages[0].analysis.rotation' "$meta")" true
expect_eq "the moved page is filed second" \
	"$(jq -r '.pages[1].capture_time' "$meta")" "$(jq -r .moved_time "$R")"
fld=$(jq -r .field "$R")
ocr=$(jq -r .ocr_value "$R")
new=$(jq -r .new_value "$R")
[ -n "$ocr" ] && [ "$ocr" != null ] && [ "$ocr" != "$new" ] && ok "the test corrected a value the OCR read ($ocr -> $new)" ||
	not_ok "the test corrected a value the OCR read ($ocr -> $new)"
got=$(jq -c --arg f "$fld" '[.pages[].analysis.fields[$f] | select(. != null) | select(.correction)]' "$meta")
expect_eq "the bundle has the corrected value" "$(printf '%s' "$got" | jq -r '.[0].value')" "$new"
expect_eq "the correction keeps the OCR value" "$(printf '%s' "$got" | jq -r '.[0].correction.original')" "$ocr"
expect_eq "the correction says who" "$(printf '%s' "$got" | jq -r '.[0].correction.by')" lan
[ -n "$(printf '%s' "$got" | jq -r '.[0].correction.at // empty')" ] && ok "the correction says when" ||
	not_ok "the correction says when"
conf=$(jq -r '.confirmed // empty' "$R")
if [ -n "$conf" ]; then
	expect_eq "the confirmed field says who confirmed it" \
		"$(jq -r --arg f "$conf" '[.pages[].analysis.fields[$f] | select(. != null) | .confirmed.by] | map(select(. != null)) | .[0]' "$meta")" lan
fi
expect_eq "the revision the page showed is the bundle's" \
	"$(jq -r '.filed[3]' "$R")" "$(jq '[.pages[] | select(.capture_time == "'"$first"'") | .revision][0]' "$meta")"
[ -z "$(ls "$T/data/spool" 2>/dev/null)" ] && ok "the spool is empty once filed (the removed page went with its job)" ||
	not_ok "the spool is empty once filed ($(ls "$T/data/spool"))"
run "$BIN" "${C[@]}" audit verify
expect_rc "the audit trail verifies" 0
run "$BIN" "${C[@]}" audit show --json --case "$CASE"
expect_eq "field_correct is audited for lan: one correction" \
	"$(jq '[.[] | select(.action == "field_correct" and .user == "lan" and (.detail | endswith(" corrected")))] | length' "$T/out")" 1
if [ -n "$conf" ]; then
	expect_eq "and one confirmation" \
		"$(jq '[.[] | select(.action == "field_correct" and (.detail | endswith("confirmed as read")))] | length' "$T/out")" 1
fi
grep -qF "$new" "$T/data/audit.log" && not_ok "the audit trail holds no field value" ||
	ok "the audit trail holds no field value"
ffile=$(jq -r .field_file "$R")
expect_eq "lan's view of the page with identity fields is audited as desk_view" \
	"$(jq --arg f "$ffile" '[.[] | select(.action == "desk_view" and .user == "lan" and (.detail | contains(" page " + $f + " ")))] | length' "$T/out")" 1
expect_eq "once per user, draft and page, however often the page polled" \
	"$(jq '[.[] | select(.action == "desk_view") | .user + " " + (.detail | split(" (")[0])] | (length == (unique | length))' "$T/out")" true
expect_eq "a page without identity data is not audited once recognized (the blank page)" \
	"$(jq --arg f "$(jq -r .removed "$R")" '[.[] | select(.action == "desk_view" and (.detail | contains(" page " + $f + " (identity")))] | length' "$T/out")" 0
expect_eq "desk_commit is audited once for lan" \
	"$(jq '[.[] | select(.action == "desk_commit" and .user == "lan")] | length' "$T/out")" 1
RZ="$T/data/archive/$RCASE.zip"
run "$BIN" "${C[@]}" verify "$RZ"
expect_rc "the receipt's case (number read from the page) has a bundle that verifies" 0
run "$BIN" "${C[@]}" show --json "$RCASE"
expect_eq "the receipt is filed as its own component" \
	"$(jq -r '.components[0].name' "$T/out")" "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
# --- a draft from the command line (sohoa scan --daemon --hold) ---------------
CASE2=000.00.22.H27-251009-0043
run "$BIN" "${C[@]}" scan --hold --case "$CASE2" --device pnm:0 --set filename="$T/a.pgm"
expect_rc "--hold without --daemon is a usage error" 2
run "$BIN" "${C[@]}" scan --daemon --hold --case "$CASE2" --component "Tờ khai" --device pnm:0 \
	--set filename="$T/a.pgm"
expect_rc "sohoa scan --daemon --hold queues a draft" 0
login lan "$DESK_PW"
J2=
for _ in $(seq 300); do
	api GET /api/desk/jobs
	J2=$(jq -r --arg c "$CASE2" '.drafts[] | select(.case == $c and .state == "captured" and .pages == 1) | .job' "$T/body")
	[ -n "$J2" ] && break
	sleep 0.2
done
[ -n "$J2" ] && ok "the draft waits in the spool, captured" || not_ok "the draft waits in the spool, captured ($(cat "$T/body"))"
run "$BIN" "${C[@]}" jobs
expect_in "sohoa jobs shows it as a draft" "$out" "$J2	draft	1	$CASE2"
run "$BIN" "${C[@]}" scan --resume "$J2"
expect_rc "a draft cannot be filed from the command line" 1
expect_in "it says where it is committed" "$err" "Tiếp nhận"
for _ in $(seq 300); do
	[ "$("$BIN" "${C[@]}" status --json | jq -r .idle)" = true ] && break
	sleep 0.2
done
s=$("$BIN" "${C[@]}" status --json)
expect_eq "sohoad is idle with the draft recognized and held" "$(printf '%s' "$s" | jq -r .idle)" true
expect_eq "status shows it held" "$(printf '%s' "$s" | jq -r --arg j "$J2" '.jobs[] | select(.id == $j) | .held')" true
[ ! -e "$T/data/archive/$CASE2.zip" ] && ok "nothing is filed before the commit" || not_ok "nothing is filed before the commit"

# --- a restart (with [web] procedures from a file) keeps the draft held ----
web_stop
printf '{"procedures":[{"name":"Cấp bản sao trích lục hộ tịch","code":"X.1","components":["Tờ khai","Căn cước"]}]}\n' >"$T/proc.json"
printf '[web]\nprocedures = proc.json\n' >>"$T/sohoa.conf"
web_start || not_ok "sohoad starts again with [web] procedures"
U=$SOHOA_WEB_URL
login lan "$DESK_PW"
api GET /api/desk/procedures
expect_eq "the procedures come from the file" "$(jq -c '[.procedures[].name]' "$T/body")" '["Cấp bản sao trích lục hộ tịch"]'
printf '{"procedures": 3}\n' >"$T/proc.json"
api GET /api/desk/procedures
expect_eq "a wrong procedures file is a server error" "$code" 500
expect_in "naming the file and what is wrong" "$(jq -r .error "$T/body")" "proc.json"

api GET /api/desk/jobs
expect_eq "the draft is still held after a restart of sohoad" \
	"$(jq -r --arg j "$J2" '.drafts[] | select(.job == $j) | .state' "$T/body")" captured
for _ in $(seq 100); do
	[ "$("$BIN" "${C[@]}" status --json | jq -r .idle)" = true ] && break
	sleep 0.2
done
[ ! -e "$T/data/archive/$CASE2.zip" ] && ok "the restarted sohoad does not file it either" ||
	not_ok "the restarted sohoad does not file it either"
# as a scan child killed mid-feed leaves it: capturing, nobody holding it
printf '{"rec":"state","state":"capturing","time":"2025-10-09T08:00:00Z"}\n' \
	>>"$T/data/spool/$J2/journal.jsonl"
api GET "/api/desk/job/$J2"
expect_eq "the draft shows the cut-short scan" "$(jq -r .state "$T/body")/$(jq -r .busy "$T/body")" capturing/false
# an old record of a committed draft: pruned when the next one is kept
mkdir -p "$T/data/desk-filed"
printf '{"job":"scan-old","case":"%s","component":"x","pages":1}\n' "$CASE" >"$T/data/desk-filed/scan-old.json"
touch -d '40 days ago' "$T/data/desk-filed/scan-old.json"
api POST "/api/desk/job/$J2/commit"
expect_eq "the draft is committed over the API with what it holds" "$code" 200
REC="$T/data/desk-filed/$J2.json"
check "the commit is recorded on disk beside the spool" 'jq -e --arg c "$CASE2" ".case == \$c and .pages >= 1 and (.committed_at | length) == 20 and (.bundle | endswith(\".zip\"))" "$REC" >/dev/null'
check "records older than 30 days are pruned" '[ ! -e "$T/data/desk-filed/scan-old.json" ]'
check "one record per committed draft, no temp file left" '[ -z "$(ls -A "$T/data/desk-filed" | grep -v "\.json$")" ] && [ "$(ls "$T/data/desk-filed" | wc -l)" -ge 2 ]'
for _ in $(seq 300); do [ -s "$T/data/archive/$CASE2.zip" ] && [ -z "$(ls "$T/data/spool")" ] && break; sleep 0.2; done
run "$BIN" "${C[@]}" verify "$T/data/archive/$CASE2.zip"
expect_rc "then it is filed and verifies" 0
api POST "/api/desk/job/$J2/view" '{"pages":[]}'
[ "$code" -ge 400 ] && ok "a filed draft no longer changes ($code)" || not_ok "a filed draft no longer changes ($code)"
api GET "/api/desk/job/$J2"
expect_eq "the filed draft says where it went" "$code $(jq -r .filed.case "$T/body")" "200 $CASE2"
filed_before=$(jq -c .filed "$T/body")

# --- a restart keeps the answer for the committed draft ---------------------
web_stop
web_start || not_ok "sohoad starts a third time"
U=$SOHOA_WEB_URL
login lan "$DESK_PW"
api GET "/api/desk/job/$J2"
expect_eq "after a restart the committed draft still answers" "$code" 200
expect_eq "with the same case, component, bundle, revision and pages" "$(jq -c .filed "$T/body")" "$filed_before"
check "the answer names the revision it became" 'jq -e ".filed.revision >= 1 and .committed == true" "$T/body" >/dev/null'
api GET "/api/desk/job/scan-0-0-0"
expect_eq "a draft never committed is still 404" "$code" 404

# --- an audit trail that cannot be written: no correction, no filing ------
CASE3=000.00.22.H27-251011-0044
run "$BIN" "${C[@]}" scan --daemon --hold --case "$CASE3" --component "Tờ khai" --device pnm:0 \
	--set filename="$T/a.pgm"
expect_rc "another draft is queued" 0
J3=
for _ in $(seq 300); do
	api GET /api/desk/jobs
	J3=$(jq -r --arg c "$CASE3" '.drafts[] | select(.case == $c and .state == "captured") | .job' "$T/body")
	if [ -n "$J3" ]; then
		api GET "/api/desk/job/$J3"
		[ "$(jq -r '.pages[0].ocr != null' "$T/body")" = true ] && break
	fi
	sleep 0.2
done
F3=$(jq -r '.pages[0].file' "$T/body")
AL="$T/data/audit.log"
# root writes through file modes, so the trail is made immutable (ext4 and
# most Linux file systems); where that is not allowed, its last line is
# damaged instead (appending needs the last entry's hash)
audit_size=$(stat -c %s "$AL")
if chattr +i "$AL" 2>/dev/null; then how="immutable (chattr +i)"; else
	how="damaged at its end"
	printf 'not an audit entry\n' >>"$AL"
fi
api POST "/api/desk/job/$J3/field" "$(jq -nc --arg f "$F3" '{file:$f, field:"id_number", value:"001085012345"}')"
expect_eq "audit trail $how: a field correction is refused (503)" "$code" 503
expect_in "... saying so in Vietnamese" "$(jq -r .error "$T/body")" "Không ghi được nhật ký kiểm tra"
check "... and the correction is not journaled" '! grep -q "\"rec\":\"correct\"" "$T/data/spool/$J3/journal.jsonl"'
api POST "/api/desk/job/$J3/commit"
expect_eq "the commit is refused too (503)" "$code" 503
check "... and not journaled: the draft stays held" '! grep -q "\"rec\":\"commit\"" "$T/data/spool/$J3/journal.jsonl"'
api GET "/api/desk/job/$J3"
expect_eq "the page shows it not committed" "$(jq -r .committed "$T/body")" false
check "sohoad's log says why in English" 'grep -q "desk_commit by lan refused: the audit trail cannot be written" "$T/sohoad.log"'
chattr -i "$AL" 2>/dev/null
truncate -s "$audit_size" "$AL"
api POST "/api/desk/job/$J3/commit"
expect_eq "with the trail writable again the commit goes through" "$code" 200
for _ in $(seq 300); do [ -s "$T/data/archive/$CASE3.zip" ] && [ ! -d "$T/data/spool/$J3" ] && break; sleep 0.2; done
run "$BIN" "${C[@]}" verify "$T/data/archive/$CASE3.zip"
expect_rc "and it is filed" 0
run "$BIN" "${C[@]}" audit verify
expect_rc "the audit trail still verifies" 0
run "$BIN" "${C[@]}" audit show --json --case "$CASE3"
expect_eq "it holds the one commit that was made" "$(jq '[.[] | select(.action == "desk_commit")] | length' "$T/out")" 1

for s in tiep-nhan-ma-sai tiep-nhan-ban-nhap tiep-nhan-da-luu; do
	[ -s "$(dirname "$0")/../docs/screenshots/$s.png" ] && ok "screenshot $s.png" || not_ok "screenshot $s.png"
done
web_stop
grep -qE "Sanitizer|runtime error" "$T/sohoad.log" && not_ok "sohoad's log holds no sanitizer report" ||
	ok "sohoad's log holds no sanitizer report"
finish
