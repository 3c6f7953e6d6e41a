#!/usr/bin/env bash
# test_web_archive.sh -- the archive pages end to end: a case imported
# with a Vietnamese applicant name and an ID card, a review item made by
# `sohoa batch` of a page without case number; sohoad with its web pages;
# curl checks of the API (roles, names that try to leave the archive,
# images, PDF, masters); then the browser (tests/web/archive.mjs): search
# typed without diacritics, the case page and its viewer, PDF download,
# filing the review item, the status page.  Then the files on disk: the
# bundle holds the filed page as a result and verifies, the audit trail
# has the views and the filing and verifies.  Real Tesseract, zips,
# SQLite, Chromium.
set -u
BIN=${SOHOA_BIN:?set SOHOA_BIN to the sohoa binary}
DATA=$(cd "$(dirname "$0")/data" && pwd)
SAMPLES=$(cd "$(dirname "$0")/../docs/samples" && pwd)
T=$(mktemp -d /tmp/sohoa-test-web-archive-XXXXXX)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web/web_lib.sh"
trap 'web_stop; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT

web_conf "$T/sohoa.conf"
# ID cards are encrypted at rest; the key lives outside the archive
mkdir -p "$T/keys"
head -c 32 /dev/urandom | base64 >"$T/keys/case.key"
sed -i "s|^root = data/archive|root = data/archive\nencrypt_key = keys/case.key\nencrypt_types = id_card_*|" "$T/sohoa.conf"
C=(--config "$T/sohoa.conf")
CASE=000.00.22.H27-250701-0001

# ---- the data: a case, an ID card, a review item -------------------------
run "$BIN" "${C[@]}" import --case "$CASE" --component "Đơn đề nghị" "$DATA/text_vi.png"
expect_rc "import of the applicant's form" 0
run "$BIN" "${C[@]}" import --case "$CASE" --component "Căn cước" "$SAMPLES/02-cccd-front.png"
expect_rc "import of the ID card" 0
# a colour page with transparency (palette + tRNS): rendered all the same
pngtopnm "$DATA/one_line.png" >"$T/g.pgm" 2>/dev/null
pgmtoppm rgb:c0/40/00-rgb:ff/ff/ff "$T/g.pgm" >"$T/c.ppm" 2>/dev/null
pnmtopng -alpha="$T/g.pgm" "$T/c.ppm" >"$T/colour.png" 2>/dev/null
run "$BIN" "${C[@]}" import --case "$CASE" --component "Ảnh màu" "$T/colour.png"
expect_rc "import of a colour page with transparency" 0
run "$BIN" "${C[@]}" batch "$DATA/batch/00-no-code.png"
check "a page without case number goes to review" '[ -n "$(ls "$T/data/review" 2>/dev/null)" ]'
run "$BIN" "${C[@]}" review --json
ITEM=$(printf '%s' "$out" | jq -r '.[0].item')
check "review --json names the item" '[ -n "$ITEM" ] && [ "$ITEM" != null ]'
# a page whose text holds markup (written without OCR by tests' mkbundle)
XSS=H27.151-250702-0042
"${SOHOA_MKBUNDLE:?set SOHOA_MKBUNDLE}" "$T/data/archive" "$XSS" "Ghi chú" component - "$DATA/one_line.png" \
	'Ghi chú <script>alert(1)</script> & <b>đậm</b> [ngoặc] của Phạm Đức Minh' '{"document_type":"other"}' >/dev/null
run "$BIN" "${C[@]}" reindex "$XSS"
expect_rc "the page with markup is indexed" 0
run "$BIN" "${C[@]}" search pham duc minh
expect_in "sohoa search marks the match in [ ] off a terminal" "$out" "[Phạm] [Đức] [Minh]"
expect_in "and keeps the page's own brackets" "$out" "[ngoặc] của"
results_before=$(unzip -Z1 "$T/data/archive/$CASE.zip" | grep -c '/data/ket-qua/[0-9]*\.png$')

# sohoad's temp files go here: rendering an ID card must add none
mkdir -p "$T/tmp"
export TMPDIR="$T/tmp"
web_user luu archivist 'mat-khau-luu-tru-1'
web_user tiepnhan front_desk 'mat-khau-tiep-nhan-1'
web_start || { not_ok "sohoad starts with its web pages"; cat "$T/sohoad.log"; finish; exit; }
ok "sohoad starts with its web pages"
U=$SOHOA_WEB_URL

# ---- the API with curl ----------------------------------------------------
# login NAME PASSWORD JAR: a session cookie in JAR
login() {
	curl -s -c "$3" -o "$T/login.json" -w '%{http_code}' -H 'Content-Type: application/json' \
		-d "{\"user\":\"$1\",\"password\":\"$2\"}" "$U/api/login"
}
expect_eq "the archivist logs in" "$(login luu 'mat-khau-luu-tru-1' "$T/a.jar")" 200
expect_eq "the front desk logs in" "$(login tiepnhan 'mat-khau-tiep-nhan-1' "$T/f.jar")" 200
CSRF=$(jq -r .csrf "$T/login.json")
CSRF_A=$(curl -s -b "$T/a.jar" "$U/api/me" | jq -r .csrf)
# get PATH [JAR]: status code; body in $T/body
get() { curl -s -b "${2:-$T/a.jar}" -o "$T/body" -w '%{http_code}' "$U$1"; }

expect_eq "front desk gets 403 on /api/search" "$(get '/api/search?q=lien' "$T/f.jar")" 403
expect_eq "front desk gets 403 on a case" "$(get "/api/cases/$CASE" "$T/f.jar")" 403
expect_eq "front desk gets 403 on the review queue" "$(get /api/review "$T/f.jar")" 403
expect_eq "front desk may see the status" "$(get /api/status "$T/f.jar")" 200
expect_eq "no session: 401" "$(curl -s -o /dev/null -w '%{http_code}' "$U/api/search?q=lien")" 401

expect_eq "search without diacritics answers" "$(get '/api/search?q=nguyen%20thi%20lien')" 200
check "search finds the case by the folded name" 'jq -e --arg c "$CASE" ".total >= 1 and .results[0].case == \$c" "$T/body" >/dev/null'
check "the snippet marks the name, escaped" 'jq -e ".results[0].snippet_html | test(\"<mark>[^<]*(NGUY|Nguy)\")" "$T/body" >/dev/null'
check "a result has a thumbnail URL" 'jq -e ".results[0].pages[0].thumb | test(\"^/api/cases/.*size=thumb\")" "$T/body" >/dev/null'
THUMB=$(jq -r '.results[0].pages[0].thumb' "$T/body")
# jget PATH JQ: the jq answer on the body of a 200, else the status
jget() { local c; c=$(get "$1"); [ "$c" = 200 ] && jq -r "$2" "$T/body" || echo "$c"; }
expect_eq "markup in a page's text is found" "$(jget '/api/search?q=pham%20duc%20minh' '.results[0].case')" "$XSS"
check "the snippet's markup is escaped, the match marked" 'jq -e ".results[0].snippet_html | (contains(\"&lt;/script&gt;\") and contains(\"&amp;\") and contains(\"&lt;b&gt;\") and (contains(\"<script\") or contains(\"</script\") or contains(\"<b>\") | not) and contains(\"<mark>Phạm</mark>\"))" "$T/body" >/dev/null'
check "brackets of the page's own text are no match" 'jq -e ".results[0] | (.snippet_html | contains(\"[ngoặc]\")) and (.snippet | contains(\"[Phạm]\"))" "$T/body" >/dev/null'
expect_eq "a filter by kind=result excludes the form" "$(jget '/api/search?q=nguyen%20thi%20lien&kind=result' .total)" 0
expect_eq "a filter by kind=component keeps it" "$(jget '/api/search?q=nguyen%20thi%20lien&kind=component' '.total > 0')" true
expect_eq "a date filter around the receipt date keeps it" "$(jget '/api/search?q=lien&from=2025-07-01&to=2025-07-01' '.total > 0')" true
expect_eq "a date filter elsewhere drops it" "$(jget '/api/search?q=lien&from=2024-01-01&to=2024-12-31' .total)" 0
expect_eq "filters alone search too" "$(jget '/api/search?type=id_card_*' '.total > 0')" true
expect_eq "a bad date is 400" "$(get '/api/search?q=lien&from=01/07/2025')" 400
expect_eq "a broken query is 400 naming q" "$(get '/api/search?q=%22lien')$(jq -r .field "$T/body")" 400q
expect_eq "a broken query with a filter points into what was typed" "$(get '/api/search?q=lien%20OR&kind=component')$(jq -r .error "$T/body" | grep -o 'at position [0-9]*')" "400at position 8"
expect_eq "unbalanced words are not mended by the filter" "$(get '/api/search?q=lien)%20OR%20(an&kind=component')" 400
expect_eq "OR stays among the words under a filter" "$(jget '/api/search?q=lien%20OR%20khongcotu&kind=result' .total)" 0
expect_eq "a query that is not UTF-8 is 400 naming q" "$(get '/api/search?q=li%ffen')$(jq -r .field "$T/body")" 400q
expect_eq "a type filter that is not one is 400" "$(get '/api/search?q=lien&type=a%20b')$(jq -r .field "$T/body")" 400type
expect_eq "per_page over 100 is 400" "$(get '/api/search?q=lien&per_page=1000')" 400

expect_eq "the case answers" "$(get "/api/cases/$CASE")" 200
check "the case has its three components and verifies" 'jq -e "(.components | length) == 3 and .verification.ok == true and .verification.checked == true" "$T/body" >/dev/null'
CFOLDER=$(jq -r '.components[2].folder' "$T/body")
check "the ID card page is encrypted, its fields read with the key" 'jq -e "[.pages[] | select(.encrypted)] | length == 1 and (.[0].fields.full_name.value | length > 0)" "$T/body" >/dev/null'
IDFOLDER=$(jq -r '[.pages[] | select(.encrypted)][0].folder' "$T/body")
check "the ID card page has an id_card document type" 'jq -e "[.pages[].document_type | select(startswith(\"id_card\"))] | length == 1" "$T/body" >/dev/null'
FOLDER=$(jq -r '.components[0].folder' "$T/body")
expect_eq "a thumbnail is a JPEG" "$(get "$THUMB")$(head -c 3 "$T/body" | od -An -tx1 | tr -d ' ')" 200ffd8ff
cp "$T/body" "$T/thumb1"
views=$(grep -c '"page_view"' "$T/data/audit.log")
get "$THUMB" >/dev/null
check "a thumbnail asked again is the same JPEG" 'cmp -s "$T/body" "$T/thumb1"'
expect_eq "a thumbnail asked again is logged again" "$(grep -c '"page_view"' "$T/data/audit.log")" $((views + 1))
expect_eq "a page view is a JPEG" "$(get "/api/cases/$CASE/pages/$FOLDER/1?size=view")$(head -c 2 "$T/body" | od -An -tx1 | tr -d ' ')" 200ffd8
expect_eq "a colour page with transparency is a JPEG" "$(get "/api/cases/$CASE/pages/$CFOLDER/1?size=view")$(head -c 2 "$T/body" | od -An -tx1 | tr -d ' ')" 200ffd8
expect_eq "a bad size is 400" "$(get "/api/cases/$CASE/pages/$FOLDER/1?size=huge")" 400
expect_eq "the PDF downloads" "$(get "/api/cases/$CASE/pdf/$FOLDER")$(head -c 5 "$T/body")" 200%PDF-
run "$BIN" "${C[@]}" extract "$CASE" "$T/x"
first_master=$(find "$T/x/$FOLDER" -name '0001.*' | head -1)
expect_eq "the master downloads" "$(get "/api/cases/$CASE/extract/$FOLDER/1")" 200
check "the master is byte-identical" 'cmp -s "$T/body" "$first_master"'

# a whole component's masters: one zip (libzip), byte-identical, with a
# manifest of sha256 per file
# zip_ok FOLDER NAME: the zip of FOLDER's masters matches `sohoa extract`
zip_ok() {
	local d="$T/zip-$1" name=$2 f n=0 bad=0
	rm -rf "$d"; mkdir -p "$d"
	expect_eq "the masters of $2 download as a zip" "$(get "/api/cases/$CASE/zip/$1")$(head -c 2 "$T/body")" 200PK
	cp "$T/body" "$d.zip"
	run unzip -t "$d.zip"
	expect_rc "unzip -t passes on the zip of $2" 0
	(cd "$d" && unzip -q "$d.zip")
	for f in "$T/x/$1"/[0-9][0-9][0-9][0-9].*; do
		case "$f" in *.txt | *.hocr | *.json | *.pdf) continue ;; esac
		n=$((n + 1))
		cmp -s "$f" "$d/$(basename "$f")" || bad=$((bad + 1))
	done
	check "every master of $2 in the zip is byte-identical to sohoa extract ($n)" '[ "$n" -ge 1 ] && [ "$bad" = 0 ]'
	expect_eq "the zip holds the masters and the manifest only" "$(ls "$d" | wc -l)" $((n + 1))
	check "the manifest names case, component and revision" 'jq -e --arg c "$CASE" --arg n "$name" ".case == \$c and .component == \$n and .revision >= 1 and (.files | length) == $n" "$d/manifest.json" >/dev/null'
	bad=0
	for f in $(jq -r '.files[] | .name + "=" + .sha256' "$d/manifest.json"); do
		[ "$(sha256sum "$d/${f%%=*}" | cut -d' ' -f1)" = "${f#*=}" ] || bad=$((bad + 1))
	done
	expect_eq "the manifest's sha256 of each file holds" "$bad" 0
	check "the export is audited with the component and page count" 'grep "\"page_export\"" "$T/data/audit.log" | grep -q "$name: $n page.*zip of masters"'
}
zip_ok "$FOLDER" "Đơn đề nghị"
zip_ok "$IDFOLDER" "Căn cước"
expect_eq "no zip of a component that is not there" "$(get "/api/cases/$CASE/zip/nope")" 404

# names that try to leave the archive: never a file outside.  Encoded
# '/' and '..' are refused by the server before any route (400, H3's
# test); names that pass it but exist nowhere are 404.
for p in "/api/cases/$CASE/pages/$FOLDER/99" "/api/cases/$CASE/pages/$FOLDER/0" \
	"/api/cases/$CASE/pages/$FOLDER/-1" "/api/cases/$CASE/pages/$FOLDER/1x" \
	"/api/cases/$CASE/pages/nope/1" "/api/cases/$CASE/pdf/nope" "/api/cases/$CASE/pdf/.." \
	"/api/cases/000.00.22.H27-250701-9999" "/api/cases/$CASE/other/x" \
	"/api/cases/etc" "/api/cases/$CASE/extract/$FOLDER" "/api/cases/$CASE/pages/$FOLDER/1/x" \
	"/api/review/.tmp-x" "/api/review/no-such-item" "/api/review/$ITEM.why" \
	"/api/review/$ITEM/pages/9" "/api/review/$ITEM/pages/0" "/api/review/$ITEM/x"; do
	expect_eq "404 for $p" "$(get "$p")" 404
done
for p in "/api/cases/..%2F..%2Fetc%2Fpasswd" "/api/cases/$CASE%2F..%2F..%2Fusers.json" \
	"/api/cases/$CASE/pages/..%2F..%2F/1" "/api/cases/$CASE/pages/$FOLDER/..%2F1" \
	"/api/cases/$CASE/pdf/%2E%2E" "/api/cases/$CASE/extract/$FOLDER/1%2F..%2F..%2F..%2Fsohoa.conf" \
	"/api/review/..%2F..%2Fsohoa.conf" "/api/review/$ITEM/pages/..%2F..%2Fx" \
	"/api/cases/%2Fetc%2Fpasswd" "/api/review/%2E%2E%2Freview"; do
	code=$(get "$p")
	check "refused: $p ($code)" '{ [ "$code" = 404 ] || [ "$code" = 400 ]; } && ! grep -q "root:\|\[web\]" "$T/body"'
done
code=$(curl -s -b "$T/a.jar" -o "$T/body" -w '%{http_code}' -H "X-CSRF-Token: $CSRF_A" \
	-H 'Content-Type: application/json' -d '{"case":"'$CASE'"}' "$U/api/review/..%2F..%2Fdata/file")
check "filing a traversing item name is refused ($code)" '[ "$code" = 404 ] || [ "$code" = 400 ]'
code=$(curl -s -b "$T/a.jar" -o "$T/body" -w '%{http_code}' -H "X-CSRF-Token: $CSRF_A" \
	-H 'Content-Type: application/json' -d '{"case":"000.00.22.H27-250231-0001"}' "$U/api/review/$ITEM/file")
expect_eq "filing to a case number with no real date is 400" "$code$(jq -r .field "$T/body")" 400case
code=$(curl -s -b "$T/a.jar" -o "$T/body" -w '%{http_code}' -H "X-CSRF-Token: $CSRF_A" \
	-H 'Content-Type: application/json' -d '{"case":"'$CASE'","component":"a\nb"}' "$U/api/review/$ITEM/file")
expect_eq "a component name with a newline is 400" "$code$(jq -r .field "$T/body")" 400component
code=$(curl -s -b "$T/a.jar" -o "$T/body" -w '%{http_code}' -H "X-CSRF-Token: $CSRF_A" \
	-H 'Content-Type: application/json' -d '{"case":"'$CASE'","kind":"other"}' "$U/api/review/$ITEM/file")
expect_eq "a kind other than component or result is 400" "$code$(jq -r .field "$T/body")" 400kind
code=$(curl -s -b "$T/a.jar" -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d '{"case":"'$CASE'"}' "$U/api/review/$ITEM/file")
expect_eq "filing without the CSRF token is 403" "$code" 403
# an audit trail that cannot be written (immutable: root writes through
# file modes; else damaged at its end, as appending needs its last hash)
AL="$T/data/audit.log"
audit_size=$(stat -c %s "$AL")
chattr +i "$AL" 2>/dev/null || printf 'not an audit entry\n' >>"$AL"
code=$(curl -s -b "$T/a.jar" -o "$T/body" -w '%{http_code}' -H "X-CSRF-Token: $CSRF_A" \
	-H 'Content-Type: application/json' -d '{"case":"'$CASE'"}' "$U/api/review/$ITEM/file")
chattr -i "$AL" 2>/dev/null
truncate -s "$audit_size" "$AL"
expect_eq "a filing the audit trail cannot record is refused (503)" "$code" 503
expect_in "... saying so in Vietnamese" "$(jq -r .error "$T/body")" "Không ghi được nhật ký kiểm tra"
check "... with nothing spooled" '[ -z "$(ls "$T/data/spool" 2>/dev/null)" ]'
check "a refused filing keeps the item" '[ -d "$T/data/review/$ITEM" ]'

expect_eq "the review queue answers" "$(get /api/review)" 200
check "the item has its reason in Vietnamese" 'jq -e --arg i "$ITEM" ".items[] | select(.item == \$i) | .reason | test(\"mã hồ sơ\")" "$T/body" >/dev/null'
expect_eq "a review page is a JPEG" "$(get "/api/review/$ITEM/pages/1?size=thumb")$(head -c 2 "$T/body" | od -An -tx1 | tr -d ' ')" 200ffd8
expect_eq "status answers with queues" "$(jget /api/status '.daemon and (.queues | type == "object") and (.review_items == 1)')" true

before_tmp=$(ls -A "$T/tmp" | sort)
expect_eq "the encrypted page renders with the key" "$(get "/api/cases/$CASE/pages/$IDFOLDER/1?size=view")" 200
expect_eq "its thumbnail too" "$(get "/api/cases/$CASE/pages/$IDFOLDER/1?size=thumb")" 200
expect_eq "nothing new in TMPDIR after rendering the ID card" "$(ls -A "$T/tmp" | sort)" "$before_tmp"

# ---- the browser ------------------------------------------------------------
export SOHOA_CASE=$CASE SOHOA_ITEM=$ITEM
web_node archive.mjs

# ---- on disk ----------------------------------------------------------------
# the filing went to the spool: sohoad's stages recognize and pack it
results() { unzip -Z1 "$T/data/archive/$CASE.zip" 2>/dev/null | grep -c '/data/ket-qua/[0-9]*\.png$'; }
for _ in $(seq 300); do
	[ "$(results)" -gt "$results_before" ] && [ -z "$(ls -A "$T/data/spool" 2>/dev/null)" ] && break
	sleep 0.5
done
results_after=$(results)
check "sohoad's stages filed the page as a result" '[ "$results_after" -eq $((results_before + 1)) ]'
check "the spool is empty again" '[ -z "$(ls -A "$T/data/spool" 2>/dev/null)" ]'
check "the filed page keeps its provenance" 'unzip -p "$T/data/archive/$CASE.zip" "$CASE/data/metadata.json" | jq -e "[.pages[] | select(.source == \"review:$ITEM\")] | length == 1" >/dev/null'
expect_eq "the filed page is found by its words" "$(jget '/api/search?q=kind:result' '.results[0].case')" "$CASE"
web_stop
check "the bundle records it with kind result" 'unzip -p "$T/data/archive/$CASE.zip" "$CASE/data/metadata.json" | jq -e "[.components[] | select(.kind == \"result\")] | length == 1" >/dev/null'
run "$BIN" "${C[@]}" verify "$T/data/archive/$CASE.zip"
expect_rc "sohoa verify passes after the filing" 0
check "the item left the review folder" '[ ! -e "$T/data/review/$ITEM" ] && [ ! -e "$T/data/review/$ITEM.why" ]'
run "$BIN" "${C[@]}" audit verify
expect_rc "the audit trail verifies" 0
for a in search page_view pdf_download page_export review_file; do
	check "the audit trail has $a" 'grep -q "\"action\": *\"$a\"" "$T/data/audit.log"'
done
check "the review filing is logged with the user and case" 'grep "\"review_file\"" "$T/data/audit.log" | grep -q "\"luu\"" && grep "\"review_file\"" "$T/data/audit.log" | grep -q "$CASE"'
check "a review page shown is logged as a page view (it may be an ID card)" \
	'grep "\"page_view\"" "$T/data/audit.log" | grep -q "review item $ITEM p1 (thumb)"'
check "sohoad logged no handler error (but the refused filing's)" \
	'! grep "<3>" "$T/sohoad.log" | grep -v -e "audit: audit log" -e "refused: the audit trail cannot be written" | grep -q .'
check "the refused filing is logged in English, saying why" \
	'grep -q "review_file of $ITEM to $CASE refused: the audit trail cannot be written" "$T/sohoad.log"'

# ---- no temp file: TMPDIR a folder that does not exist ---------------------
# a render that wrote the plain ID card to a temp file would fail here
mv "$T/sohoad.log" "$T/sohoad-1.log" # web_start reads the new address
TMPDIR="$T/no-such-tmp" web_start || not_ok "sohoad starts with a TMPDIR that does not exist"
U=$SOHOA_WEB_URL
expect_eq "the archivist logs in again" "$(login luu 'mat-khau-luu-tru-1' "$T/a.jar")" 200
expect_eq "the ID card renders without any temp file" "$(get "/api/cases/$CASE/pages/$IDFOLDER/1?size=view")" 200
expect_eq "its PDF downloads without any temp file" "$(get "/api/cases/$CASE/pdf/$IDFOLDER")" 200
expect_eq "its master downloads without any temp file" "$(get "/api/cases/$CASE/extract/$IDFOLDER/1")" 200
check "no TMPDIR was made" '[ ! -e "$T/no-such-tmp" ]'
web_stop

# ---- the key gone: the rest of the case is shown, the ID card locked -------
mv "$T/keys/case.key" "$T/keys/elsewhere.key"
mv "$T/sohoad.log" "$T/sohoad-2.log"
web_start || not_ok "sohoad starts again"
U=$SOHOA_WEB_URL
expect_eq "the archivist logs in again" "$(login luu 'mat-khau-luu-tru-1' "$T/a.jar")" 200
code=$(get "/api/cases/$CASE/pages/$IDFOLDER/1?size=view")
check "without the key the encrypted page is 503 ($code)" '[ "$code" = 503 ]'
expect_in "the answer names the missing key file" "$(jq -r .error "$T/body")" "case.key"
expect_in "and says it in Vietnamese for the page" "$(jq -r .explanation "$T/body")" "không đọc được tệp khóa"
expect_eq "the case still answers without the key" "$(get "/api/cases/$CASE")" 200
cp "$T/body" "$T/locked.json"
check "only the ID-card page and its component are locked" 'jq -e "([.pages[] | select(.locked)] | length) == 1 and ([.pages[] | select(.locked) | .document_type | startswith(\"id_card\")] == [true]) and ([.components[] | select(.locked)] | length) == 1 and ([.components[] | select(.locked | not)] | length) == 3" "$T/locked.json" >/dev/null'
check "the locked page shows no personal fields" 'jq -e "[.pages[] | select(.locked) | .fields] == [{}]" "$T/locked.json" >/dev/null'
check "the API names the missing key file" 'jq -e ".locked.key_file | endswith(\"case.key\")" "$T/locked.json" >/dev/null && jq -r .locked.problem "$T/locked.json" | grep -q "keys/case.key"'
expect_in "the case explains the lock in Vietnamese" "$(jq -r .locked.explanation "$T/locked.json")" "không đọc được tệp khóa"
check "its integrity is not checked without the key, not failed" 'jq -e ".verification.ok == false and .verification.checked == false" "$T/locked.json" >/dev/null'
expect_eq "the form's page still renders" "$(get "/api/cases/$CASE/pages/$FOLDER/1?size=view")" 200
expect_eq "the ID card's PDF is 503" "$(get "/api/cases/$CASE/pdf/$IDFOLDER")" 503
expect_eq "the ID card's zip is 503" "$(get "/api/cases/$CASE/zip/$IDFOLDER")" 503
export SOHOA_LOCKED=1
web_node archive.mjs
unset SOHOA_LOCKED
web_stop

# ---- no key configured at all --------------------------------------------------
sed -i '/^encrypt_key = /d' "$T/sohoa.conf"
mv "$T/sohoad.log" "$T/sohoad-3.log"
web_start || not_ok "sohoad starts without a key configured"
U=$SOHOA_WEB_URL
expect_eq "the archivist logs in again" "$(login luu 'mat-khau-luu-tru-1' "$T/a.jar")" 200
expect_eq "the case answers with no key configured" "$(jget "/api/cases/$CASE" '[.pages[] | select(.locked)] | length')" 1
expect_in "it says no key is configured" "$(jq -r .locked.explanation "$T/body")" "khóa giải mã chưa được cấu hình"
web_stop
check "no sanitizer report from sohoad" '! grep -q "Sanitizer\|runtime error" "$T"/sohoad*.log'
finish
