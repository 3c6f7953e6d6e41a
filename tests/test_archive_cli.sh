#!/usr/bin/env bash
# test_archive_cli.sh -- the bundle commands end to end through the real
# binary: append (a new revision of an existing bundle), show (text and
# --json), extract (byte-identical masters), on real zips checked with
# unzip -t and tests/bagit_check.sh, with real Tesseract on a small page.
set -u
BIN=${SOHOA_BIN:?set SOHOA_BIN to the sohoa binary}
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$HERE/data
unset SOHOA_CONFIG
T=$(mktemp -d /tmp/sohoa-test-archive-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

printf '%s\n' '[station]' 'name = quay-2' 'operator = lan' >"$T/sohoa.conf"
data_conf "$T/sohoa.conf"
C=(--config "$T/sohoa.conf")
CASE=000.00.22.H27-250701-0001
BUNDLE=$T/data/archive/$CASE.zip
PAGE=$DATA/one_line.png
pngtopnm "$PAGE" >"$T/page.pgm" 2>/dev/null
pnmtotiff -flate "$T/page.pgm" >"$T/page.tif" 2>/dev/null

# --- append: usage and refusals -------------------------------------------
run "$BIN" "${C[@]}" append --case "$CASE" "$PAGE"
expect_rc "append without --component is a usage error" 2
expect_in "the usage error names --component" "$err" "--component NAME is required"
run "$BIN" "${C[@]}" append --case "$CASE" --component "Tờ khai" "$PAGE"
expect_rc "append to a case without a bundle is refused" 1
expect_in "the refusal says to use import" "$err" "use 'sohoa import'"
[ -e "$BUNDLE" ] && not_ok "no bundle after the refusal" || ok "no bundle after the refusal"
run "$BIN" "${C[@]}" append --case "$CASE" --component X --kind other "$PAGE"
expect_rc "append with a bad --kind is a usage error" 2

# --- import, then append a supplement and a result --------------------------
run "$BIN" "${C[@]}" import --case "$CASE" --component "Tờ khai" "$PAGE"
expect_rc "import starts the bundle" 0
cp "$BUNDLE" "$T/rev1.zip"
run "$BIN" "${C[@]}" append --case "$CASE" --component "Tờ khai" "$T/page.tif"
expect_rc "append adds a page to an existing component" 0
expect_in "append reports the page" "$out" "1 page added to component \"Tờ khai\""
run "$BIN" "${C[@]}" append --case "$CASE" --component "Kết quả" --kind result "$T/page.pgm"
expect_rc "append adds a result" 0
run unzip -tq "$BUNDLE"
expect_rc "unzip -t passes after the appends" 0
run bash "$HERE/bagit_check.sh" "$BUNDLE"
expect_rc "the independent BagIt check passes after the appends" 0
run "$BIN" "${C[@]}" verify "$BUNDLE"
expect_rc "sohoa verify passes after the appends" 0
# revision 1's entries are carried over byte-identical
for e in "$CASE/data/to-khai/0001.png" "$CASE/data/to-khai/0001.txt"; do
	if cmp -s <(unzip -p "$T/rev1.zip" "$e") <(unzip -p "$BUNDLE" "$e"); then
		ok "carried over unchanged: ${e#*/}"
	else not_ok "carried over unchanged: ${e#*/}"; fi
done
run "$BIN" "${C[@]}" append --case "$CASE" --component "Tờ khai" --kind result "$PAGE"
expect_rc "a component cannot change kind" 1

# --- show --------------------------------------------------------------------
run "$BIN" "${C[@]}" show "$CASE"
expect_rc "show exits 0" 0
expect_in "show names the case" "$out" "case $CASE"
expect_in "show lists the component with its pages" "$out" "1. Tờ khai [component] folder to-khai, 2 pages"
expect_in "show lists the result" "$out" "2. Kết quả [result] folder ket-qua, 1 page"
expect_in "show lists pages" "$out" "data/to-khai/0002.tif"
expect_in "show gives the page source" "$out" "import:page.pgm"
expect_in "show counts revisions" "$out" "revisions: 3"
expect_in "show lists revision 3" "$out" "3. "
expect_in "show lists events" "$out" "verified"
expect_in "show names who" "$out" "lan at quay-2"
run "$BIN" "${C[@]}" show --json "$CASE"
expect_rc "show --json exits 0" 0
expect_eq "show --json: 3 revisions" "$(printf '%s' "$out" | jq '.revisions | length')" 3
expect_eq "show --json: 3 pages" "$(printf '%s' "$out" | jq '.pages | length')" 3
expect_eq "show --json: revision 2 is the supplement" \
	"$(printf '%s' "$out" | jq -r '.revisions[1].component')" "Tờ khai"
expect_eq "show --json: case number" "$(printf '%s' "$out" | jq -r .case_number)" "$CASE"
run "$BIN" "${C[@]}" show "$BUNDLE"
expect_rc "show takes a bundle path too" 0
run "$BIN" "${C[@]}" show 000.00.22.H27-250701-0002
expect_rc "show of a case without a bundle exits 1" 1
expect_in "the message names the bundle" "$err" "000.00.22.H27-250701-0002.zip"
run "$BIN" "${C[@]}" show
expect_rc "show without CASE is a usage error" 2

# --- extract -------------------------------------------------------------------
run "$BIN" "${C[@]}" extract "$CASE" "$T/x1"
expect_rc "extract exits 0" 0
expect_eq "extract prints 3 paths" "$(printf '%s\n' "$out" | wc -l)" 3
cmp -s "$T/x1/to-khai/0001.png" "$PAGE" && ok "page 1 byte-identical" || not_ok "page 1 byte-identical"
cmp -s "$T/x1/to-khai/0002.tif" "$T/page.tif" && ok "page 2 byte-identical" || not_ok "page 2 byte-identical"
cmp -s "$T/x1/ket-qua/0001.pnm" "$T/page.pgm" && ok "the result byte-identical" || not_ok "the result byte-identical"
run "$BIN" "${C[@]}" extract --component "Kết quả" "$CASE" "$T/only"
expect_rc "extract --component exits 0" 0
expect_eq "extract --component writes that component only" \
	"$(cd "$T/only" && find . -type f | sort | tr '\n' ' ')" "./ket-qua/0001.pnm "
run "$BIN" "${C[@]}" extract "$CASE" --component "Nope" "$T/none"
expect_rc "extract of an unknown component exits 1" 1
expect_in "the message names the component" "$err" "no component \"Nope\""
[ -e "$T/none" ] && not_ok "nothing written for an unknown component" || ok "nothing written for an unknown component"
run "$BIN" "${C[@]}" extract "$CASE"
expect_rc "extract without DIR is a usage error" 2
logged=$(grep -c $'\textract\t'"$CASE" "$T/data/archive/access.log")
expect_eq "every extract that wrote pages is in the access log" "$logged" 2
expect_in "show is in the access log" "$(cat "$T/data/archive/access.log")" $'lan\tquay-2\tshow'

# a damaged bundle is not exported
cp "$BUNDLE" "$T/damaged.zip"
python3 - "$T/damaged.zip" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
info = [i for i in z.infolist() if i.filename.endswith('to-khai/0001.png')][0]
z.close()
with open(sys.argv[1], 'r+b') as f:
    f.seek(info.header_offset + 30 + len(info.filename) + len(info.extra) + 100)
    b = f.read(1)
    f.seek(-1, 1)
    f.write(bytes([b[0] ^ 0xff]))
PY
run "$BIN" "${C[@]}" extract "$T/damaged.zip" "$T/bad"
expect_rc "extract of a damaged bundle exits 1" 1
expect_in "the refusal says why" "$err" "fails verification"
expect_in "the finding names the page" "$err" "to-khai/0001.png"


# --- signatures: a throwaway CA, an operator, a forger -----------------------
P=$T/pki
mkdir -p "$P"
mkcert() { # NAME SUBJECT [CA]: key and certificate, signed by CA or self
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -utf8 \
		-keyout "$P/$1.key" -subj "$2" -out "$P/$1.csr" 2>/dev/null
	if [ -n "${3:-}" ]; then
		openssl x509 -req -in "$P/$1.csr" -CA "$P/$3.pem" -CAkey "$P/$3.key" \
			-CAcreateserial -days 30 -out "$P/$1.pem" 2>/dev/null
	else
		openssl x509 -req -in "$P/$1.csr" -key "$P/$1.key" -days 30 \
			-extfile <(printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign\n') \
			-out "$P/$1.pem" 2>/dev/null
	fi
}
mkcert ca "/O=UBND xã Thạch Hà/CN=Test CA"
mkcert lan "/O=UBND xã Thạch Hà/CN=Nguyễn Thị Lan" ca
mkcert evil "/O=UBND xã Thạch Hà/CN=Nguyễn Thị Lan"
[ -s "$P/lan.pem" ] && [ -s "$P/evil.pem" ] && ok "test CA and certificates made" || not_ok "test CA and certificates made"
signconf() { # FILE CERT KEY [EXTRA LINE]
	sed "s|^root = data/archive|root = data/archive\nsign_cert = $2\nsign_key = $3\ntrust_ca = pki/ca.pem\n${4:-}|" "$T/sohoa.conf" >"$1"
}
signconf "$T/lan.conf" pki/lan.pem pki/lan.key
signconf "$T/evil.conf" pki/evil.pem pki/evil.key
sed -i '/^trust_ca/d' "$T/evil.conf" # the forger has no trust store
signconf "$T/evil-trusting.conf" pki/evil.pem pki/evil.key
signconf "$T/require.conf" "" "" "require_signature = true"
signconf "$T/mismatch.conf" pki/lan.pem pki/evil.key
CASE3=000.00.22.H27-250701-0003
SB=$T/data/archive/$CASE3.zip

run "$BIN" --config "$T/require.conf" verify "$BUNDLE"
expect_rc "an unsigned bundle fails when signatures are required" 1
expect_in "the finding says the signature is missing" "$out" "signature.p7s: missing (signatures are required)"
run "$BIN" "${C[@]}" verify "$BUNDLE"
expect_in "an unsigned bundle verifies with a note" "$out" "ok (unsigned)"
run "$BIN" --config "$T/require.conf" import --case "$CASE3" "$PAGE"
expect_rc "required signatures without a signer is an environment problem" 3
run "$BIN" --config "$T/mismatch.conf" import --case "$CASE3" "$PAGE"
expect_rc "a key of another certificate is refused" 1
expect_in "the refusal says they do not belong together" "$err" "does not belong to the certificate"
[ -e "$SB" ] && not_ok "nothing written by refused signers" || ok "nothing written by refused signers"

run "$BIN" --config "$T/lan.conf" import --case "$CASE3" --component "Tờ khai" "$PAGE"
expect_rc "a signed import exits 0" 0
run "$BIN" --config "$T/lan.conf" append --case "$CASE3" --component "Kết quả" --kind result "$PAGE"
expect_rc "a signed append exits 0" 0
run unzip -Z1 "$SB"
expect_in "the bundle holds signature.p7s" "$out" "$CASE3/signature.p7s"
run "$BIN" --config "$T/require.conf" verify "$SB"
expect_rc "a signed bundle verifies against the trust store" 0
expect_in "verify says who signed" "$out" "signed by CN=Nguyễn Thị Lan,O=UBND xã Thạch Hà at 20"
expect_in "verify says the signer is trusted" "$out" ", trusted)"
# every revision's signature, in text and in JSON
expect_in "verify reports revision 1's signature" "$out" "  revision 1: signed by CN=Nguyễn Thị Lan,O=UBND xã Thạch Hà at 20"
expect_in "revision 1's is valid and trusted, kept in signatures/r0001" "$out" ", valid, trusted (signatures/r0001/signature.p7s)"
expect_in "verify reports revision 2's signature" "$(printf '%s\n' "$out" | grep '^  revision 2: ')" ", valid, trusted (signature.p7s)"
run "$BIN" --config "$T/require.conf" verify --json "$SB"
expect_rc "verify --json exits as verify does" 0
expect_eq "verify --json: one object, ok, no problems" "$(printf '%s' "$out" | jq -c '[.ok, .problems, .error]')" '[true,[],null]'
expect_eq "verify --json: every revision's signer, time, validity" \
	"$(printf '%s' "$out" | jq -c '[.signatures[] | [.revision, .signed, .file, .signer, (.signing_time | test("^20[0-9-]{8}T[0-9:]{8}Z$")), .valid, .trusted, .problem]]')" \
	'[[1,true,"signatures/r0001/signature.p7s","CN=Nguyễn Thị Lan,O=UBND xã Thạch Hà",true,true,true,null],[2,true,"signature.p7s","CN=Nguyễn Thị Lan,O=UBND xã Thạch Hà",true,true,true,null]]'
expect_in "verify --json: the summary goes to stderr" "$err" "1 bundle checked, 0 failed"
run bash "$HERE/bagit_check.sh" "$SB"
expect_rc "a signed bundle passes the independent BagIt check" 0
unzip -p "$SB" "$CASE3/tagmanifest-sha256.txt" >"$T/tag.txt"
unzip -p "$SB" "$CASE3/signature.p7s" >"$T/sig.p7s"
run openssl cms -verify -binary -inform DER -in "$T/sig.p7s" -content "$T/tag.txt" \
	-CAfile "$P/ca.pem" -purpose any -out /dev/null
expect_rc "openssl cms -verify agrees" 0
run "$BIN" --config "$T/lan.conf" show "$CASE3"
expect_in "the signing is an event of the revision" "$out" "signed     rev 2  Nguyễn Thị Lan"
expect_in "show says who signed" "$out" "signature: CN=Nguyễn Thị Lan,O=UBND xã Thạch Hà at 20"

# tampered: a page changed and every manifest rewritten to match
python3 "$HERE/rebag.py" "$SB" "$T/tampered.zip" "$CASE3/data/to-khai/0001.png"
run bash "$HERE/bagit_check.sh" "$T/tampered.zip"
expect_rc "the tampered bag is valid BagIt" 0
run "$BIN" --config "$T/lan.conf" verify "$T/tampered.zip"
expect_rc "the tampered bundle fails verification" 1
expect_in "the signature no longer matches the tag manifest" "$out" "signature.p7s: does not match tagmanifest-sha256.txt"

# forged: signed by a key the trust store does not know
CASE4=000.00.22.H27-250701-0004
run "$BIN" --config "$T/evil-trusting.conf" import --case "$CASE4" "$PAGE"
expect_rc "a writer whose signer is not trusted keeps nothing" 3
expect_in "and says why" "$err" "new bundle failed verification: $CASE4/signature.p7s: signer"
[ -e "$T/data/archive/$CASE4.zip" ] && not_ok "no bundle from the untrusted writer" || ok "no bundle from the untrusted writer"
run "$BIN" --config "$T/evil.conf" import --case "$CASE4" "$PAGE"
expect_rc "a forger can write a bundle" 0
run "$BIN" --config "$T/lan.conf" verify "$T/data/archive/$CASE4.zip"
expect_rc "the forged bundle fails verification" 1
expect_in "the finding says the signer is not trusted" "$out" "signature.p7s: signer CN=Nguyễn Thị Lan,O=UBND xã Thạch Hà is not trusted"
run "$BIN" --config "$T/lan.conf" append --case "$CASE4" --component X "$PAGE"
expect_rc "a forged bundle is not extended" 1
run "$BIN" --config "$T/lan.conf" verify --json "$T/data/archive/$CASE4.zip"
expect_rc "verify --json fails the forged bundle" 1
expect_eq "verify --json names the untrusted signer" \
	"$(printf '%s' "$out" | jq -c '[.ok, (.problems | length > 0), .signatures[0].valid, .signatures[0].trusted, (.signatures[0].problem | contains("is not trusted"))]')" '[false,true,true,false,true]'
# a later revision written without a signer: reported unsigned
run "$BIN" "${C[@]}" append --case "$CASE4" --component Y "$PAGE"
expect_rc "an unsigned writer extends it (no trust store)" 0
run "$BIN" "${C[@]}" verify "$T/data/archive/$CASE4.zip"
expect_in "revision 2 is reported unsigned" "$out" "  revision 2: unsigned"
expect_in "revision 1 keeps its signer" "$out" "  revision 1: signed by CN=Nguyễn Thị Lan,O=UBND xã Thạch Hà at 20"
run "$BIN" "${C[@]}" verify --json "$T/data/archive/$CASE4.zip"
expect_eq "verify --json: an unsigned revision" "$(printf '%s' "$out" | jq -c '.signatures[1] | [.revision, .signed, .file, .signer, .valid]')" '[2,false,null,null,false]'

# --- the searchable PDF of each component --------------------------------------
CASE5=000.00.22.H27-250701-0005
PB=$T/data/archive/$CASE5.zip
pngtopnm "$DATA/text_vi.png" >"$T/vi.pgm" 2>/dev/null
pnmtojpeg --quality=90 "$T/vi.pgm" >"$T/vi.jpg" 2>/dev/null
pgmtopbm -threshold "$T/vi.pgm" 2>/dev/null | pnmtotiff -g4 >"$T/vi-lineart.tif" 2>/dev/null
run "$BIN" "${C[@]}" import --case "$CASE5" --component "Tờ khai" "$DATA/text_vi.png" "$T/vi.jpg" "$T/vi-lineart.tif"
expect_rc "import of PNG, JPEG and G4 TIFF pages" 0
run "$BIN" "${C[@]}" import --case "$CASE5" --component "Kết quả" --kind result "$PAGE"
expect_rc "a second component" 0
unzip -p "$PB" "$CASE5/data/to-khai.pdf" >"$T/tk.pdf"
unzip -p "$PB" "$CASE5/data/ket-qua.pdf" >"$T/kq1.pdf"
run qpdf --check "$T/tk.pdf"
expect_rc "qpdf --check passes on the component PDF" 0
expect_eq "the PDF has one page per page" "$(pdfinfo "$T/tk.pdf" | awk '/^Pages:/ {print $2}')" 3
expect_eq "the page size follows the dpi" "$(pdfinfo "$T/tk.pdf" | awk '/^Page size:/ {print $3 "x" $5}')" "480x168"
expect_eq "the JPEG is passed through" "$(pdfimages -list "$T/tk.pdf" | awk 'NR == 4 {print $9}')" "jpeg"
expect_eq "the lineart page stays 1 bit" "$(pdfimages -list "$T/tk.pdf" | awk 'NR == 5 {print $8}')" "1"
# PDF/A-2b: what can be checked without a PDF/A validator (Debian has none)
pdfa_checks() { # NAME PDF
	local meta
	meta=$(pdfinfo -meta "$2")
	expect_in "$1: XMP says PDF/A-2" "$meta" "<pdfaid:part>2</pdfaid:part>"
	expect_in "$1: XMP says conformance B" "$meta" "<pdfaid:conformance>B</pdfaid:conformance>"
	expect_in "$1: the XMP title is the Info title" "$meta" "$(pdfinfo "$2" | sed -n 's/^Title: *//p')"
	expect_in "$1: an sRGB output intent" "$(qpdf --show-object=1 "$2")" "/S /GTS_PDFA1"
	qpdf --show-object=11 --filtered-stream-data "$2" | cmp -s - /usr/share/color/icc/sRGB.icc &&
		ok "$1: the output intent embeds Debian's sRGB.icc" ||
		not_ok "$1: the output intent embeds Debian's sRGB.icc"
	expect_in "$1: a trailer /ID" "$(qpdf --show-object=trailer "$2")" "/ID ["
	expect_eq "$1: not encrypted" "$(pdfinfo "$2" | awk '/^Encrypted:/ {print $2}')" "no"
}
pdfa_checks "the component PDF" "$T/tk.pdf"
pdftotext "$T/tk.pdf" "$T/tk.txt"
missing=0
for page in 0001 0002 0003; do
	for w in $(unzip -p "$PB" "$CASE5/data/to-khai/$page.txt"); do
		grep -qF -- "$w" "$T/tk.txt" || { missing=$((missing + 1)); echo "    not in the PDF text: $w"; }
	done
done
expect_eq "every OCR word of the component extracts from the PDF" "$missing" 0
expect_in "Vietnamese diacritics survive extraction" "$(cat "$T/tk.txt")" "NGUYỄN THỊ LIÊN"
run "$BIN" "${C[@]}" show --json "$CASE5"
expect_eq "metadata names the component PDF" "$(printf '%s' "$out" | jq -r '.components[0].pdf')" "data/to-khai.pdf"
run "$BIN" "${C[@]}" append --case "$CASE5" --component "Tờ khai" "$PAGE"
expect_rc "append to the first component" 0
unzip -p "$PB" "$CASE5/data/to-khai.pdf" >"$T/tk2.pdf"
expect_eq "its PDF gets the new page" "$(pdfinfo "$T/tk2.pdf" | awk '/^Pages:/ {print $2}')" 4
cmp -s -n "$(stat -c %s "$T/tk.pdf")" "$T/tk.pdf" "$T/tk2.pdf" &&
	ok "the new page is an incremental update (old bytes kept)" ||
	not_ok "the new page is an incremental update (old bytes kept)"
run qpdf --check "$T/tk2.pdf"
expect_rc "qpdf --check passes on the updated PDF" 0
pdfa_checks "the updated PDF" "$T/tk2.pdf"
id_of() { qpdf --show-object=trailer "$1" | sed 's/.*\/ID \[ <\([0-9a-f]*\)>.*/\1/'; }
expect_eq "the update keeps the first /ID string" "$(id_of "$T/tk2.pdf")" "$(id_of "$T/tk.pdf")"
expect_in "the new page's text extracts" "$(pdftotext -f 4 -l 4 "$T/tk2.pdf" -)" "$(unzip -p "$PB" "$CASE5/data/to-khai/0004.txt" | awk '{print $1; exit}')"
unzip -p "$PB" "$CASE5/data/ket-qua.pdf" | cmp -s - "$T/kq1.pdf" &&
	ok "the other component's PDF is carried over unchanged" ||
	not_ok "the other component's PDF is carried over unchanged"
run bash "$HERE/bagit_check.sh" "$PB"
expect_rc "the bundle with PDFs passes the independent BagIt check" 0
# pages scanned sideways or upside down are shown upright, under their text
pamflip -r90 "$T/vi.pgm" >"$T/r90.pgm"
pamflip -r180 "$T/vi.pgm" >"$T/r180.pgm"
pamflip -r270 "$T/vi.pgm" >"$T/r270.pgm"
run "$BIN" "${C[@]}" append --case "$CASE5" --component "Xoay" "$T/r90.pgm" "$T/r180.pgm" "$T/r270.pgm"
expect_rc "append of rotated pages" 0
expect_eq "OCR found the rotations" \
	"$(unzip -p "$PB" "$CASE5/data/metadata.json" | jq -c '[.pages[] | select(.component == "Xoay") | .analysis.rotation]')" "[90,180,270]"
unzip -p "$PB" "$CASE5/data/xoay.pdf" >"$T/xoay.pdf"
expect_eq "every rotated page is upright in the PDF" \
	"$(pdfinfo -f 1 -l 3 "$T/xoay.pdf" | awk '/^Page.*size:/ {printf "%sx%s ", $4, $6}')" "480x168 480x168 480x168 "
first_words=$(for p in 1 2 3; do pdftotext -f $p -l $p -bbox "$T/xoay.pdf" - | grep -m1 '<word'; done | sort -u | wc -l)
upright_word=$(pdftotext -f 1 -l 1 -bbox "$T/tk.pdf" - | grep -m1 '<word')
expect_eq "the text lies where the upright page has it" "$first_words" 1
expect_in "same place as on the page scanned upright" "$(pdftotext -f 1 -l 1 -bbox "$T/xoay.pdf" - | grep -m1 '<word')" "$upright_word"
run "$BIN" "${C[@]}" extract --component Xoay "$CASE5" "$T/xoay"
cmp -s "$T/xoay/xoay/0001.pnm" "$T/r90.pgm" && ok "the rotated master is kept as captured" || not_ok "the rotated master is kept as captured"

# --- the PDF is an access copy: gray and colour rasters as JPEG (DCT) -----------
# unless the lossless Flate stream is no larger; masters stay byte-identical
CASE7=000.00.22.H27-250701-0017
JB=$T/data/archive/$CASE7.zip
pgmtoppm white "$T/vi.pgm" >"$T/vi.ppm" 2>/dev/null
pamgradient '#f0e0c0' '#c0d0f0' '#e0f0d0' '#f0c0d0' 2000 700 2>/dev/null |
	pamarith -multiply - "$T/vi.ppm" 2>/dev/null | pamtopnm >"$T/tint.ppm"
pnmtotiff -flate -truecolor "$T/tint.ppm" >"$T/tint.tif" 2>/dev/null
pamaddnoise -type gaussian -sigma1 8 -seed 3 "$T/vi.pgm" 2>/dev/null |
	pnmsmooth -width 3 -height 3 2>/dev/null >"$T/soft.pgm"
run "$BIN" "${C[@]}" import --case "$CASE7" --component "Ảnh" "$T/tint.tif" "$T/soft.pgm" "$DATA/text_vi.png"
expect_rc "import of a colour, a soft gray and a clean gray page" 0
unzip -p "$JB" "$CASE7/data/anh.pdf" >"$T/anh.pdf"
run qpdf --check "$T/anh.pdf"
expect_rc "qpdf --check passes on the PDF with JPEG pages" 0
pdfa_checks "the PDF with JPEG pages" "$T/anh.pdf"
imgs=$(pdfimages -list "$T/anh.pdf" | awk 'NR > 2 {printf "%s/%s/%s ", $6, $7, $9}')
expect_eq "colour and soft gray pages are JPEG, the clean page stays Flate" "$imgs" "rgb/3/jpeg gray/1/jpeg gray/1/image "
mkdir -p "$T/anh-img"
pdfimages -all "$T/anh.pdf" "$T/anh-img/p"
psnr_ok() { # NAME MASTER-PNM PDF-IMAGE FLOOR-dB
	local got
	got=$(jpegtopnm "$3" 2>/dev/null | pnmpsnr -machine "$2" - 2>/dev/null | awk '{m = $1; for (i = 2; i <= NF; i++) if ($i < m) m = $i; print m}')
	if [ -n "$got" ] && awk -v g="$got" -v f="$4" 'BEGIN {exit !(g >= f)}'; then
		ok "$1 (PSNR $got dB >= $4)"
	else not_ok "$1 (PSNR '$got' dB, want >= $4)"; fi
}
psnr_ok "the colour page's JPEG is close to the master" "$T/tint.ppm" "$T/anh-img/p-000.jpg" 38
psnr_ok "the gray page's JPEG is close to the master" "$T/soft.pgm" "$T/anh-img/p-001.jpg" 33
pngtopnm "$T/anh-img/p-002.png" 2>/dev/null | cmp -s - "$T/vi.pgm" &&
	ok "the Flate page is pixel-identical to its master" ||
	not_ok "the Flate page is pixel-identical to its master"
run "$BIN" "${C[@]}" extract "$CASE7" "$T/anh-x"
cmp -s "$T/anh-x/anh/0001.tif" "$T/tint.tif" && cmp -s "$T/anh-x/anh/0002.pnm" "$T/soft.pgm" &&
	cmp -s "$T/anh-x/anh/0003.png" "$DATA/text_vi.png" &&
	ok "the masters stay byte-identical" || not_ok "the masters stay byte-identical"
expect_eq "pdftotext reads the text layer over the JPEG page" \
	"$(pdftotext -f 1 -l 1 "$T/anh.pdf" - | tr -s ' \n' ' ' | grep -c "NGUYỄN")" 1

# --- encryption at rest ----------------------------------------------------------
mkdir -p "$T/keys"
head -c 32 /dev/urandom | base64 >"$T/keys/case.key"
head -c 32 /dev/urandom | base64 >"$T/keys/other.key"
encconf() { # FILE KEY TYPES
	sed "s|^root = data/archive|root = data/archive\nencrypt_key = $2\nencrypt_types = $3|" "$T/sohoa.conf" >"$1"
}
encconf "$T/enc.conf" keys/case.key "other, id_card_*"
encconf "$T/nokey.conf" keys/missing.key "id_card_*"
encconf "$T/wrongkey.conf" keys/other.key "id_card_*"
encconf "$T/inside.conf" data/archive/case.key "id_card_*"
encconf "$T/receipts.conf" keys/case.key "receipt"
CASE6=000.00.22.H27-250701-0006
EB=$T/data/archive/$CASE6.zip
run "$BIN" --config "$T/inside.conf" import --case "$CASE6" "$PAGE"
expect_rc "a key file inside the archive root is refused" 1
expect_in "the refusal says to keep it apart" "$err" "inside the archive root"
run "$BIN" --config "$T/enc.conf" import --case "$CASE6" --component "CCCD" "$PAGE"
expect_rc "import of a page of an encrypted type" 0
run "$BIN" --config "$T/receipts.conf" append --case "$CASE6" --component "Tờ khai" "$PAGE"
expect_rc "append of a page of another type" 0
aes=$(zipinfo "$EB" | awk '$6 == "u099" {print $9}' | sed "s|^$CASE6/||" | sort | tr '\n' ' ')
expect_eq "the encrypted page's entries and PDF are AES, nothing else" "$aes" \
	"data/cccd.pdf data/cccd/0001.hocr data/cccd/0001.json data/cccd/0001.png data/cccd/0001.txt "
if unzip -p "$EB" "$CASE6/data/metadata.json" | jq -e '.pages[0].analysis | has("text") or has("codes") or has("fields")' >/dev/null; then
	not_ok "the metadata keeps nothing personal of an encrypted page"
else ok "the metadata keeps nothing personal of an encrypted page"; fi
expect_eq "the metadata marks the page encrypted" \
	"$(unzip -p "$EB" "$CASE6/data/metadata.json" | jq '[.pages[].encrypted] | map(tostring) | join(",")')" '"true,false"'
run "$BIN" --config "$T/enc.conf" verify "$EB"
expect_rc "verify with the key passes" 0
run "$BIN" --config "$T/nokey.conf" verify "$EB"
expect_rc "verify without the key is an environment problem" 3
expect_in "it names the key file" "$out" "keys/missing.key"
run "$BIN" --config "$T/wrongkey.conf" verify "$EB"
expect_rc "verify with the wrong key exits 3" 3
expect_in "it says the key does not open it" "$out" "keys/other.key does not open it"
run "$BIN" --config "$T/nokey.conf" show "$EB"
expect_rc "show without the key exits 3" 3
expect_in "show names the key file" "$err" "keys/missing.key"
run "$BIN" --config "$T/enc.conf" show "$CASE6"
expect_rc "show with the key exits 0" 0
expect_in "show marks the encrypted page" "$out" "...), encrypted"
run "$BIN" --config "$T/nokey.conf" extract "$CASE6" "$T/enc-x"
expect_rc "extract without the key exits 3" 3
run "$BIN" --config "$T/enc.conf" extract "$CASE6" "$T/enc-x"
expect_rc "extract with the key exits 0" 0
cmp -s "$T/enc-x/cccd/0001.png" "$PAGE" && ok "the encrypted page extracts byte-identical" || not_ok "the encrypted page extracts byte-identical"
run "$BIN" --config "$T/nokey.conf" reindex "$CASE6"
expect_rc "reindex without the key exits 3" 3
expect_in "reindex names the key file" "$err" "keys/missing.key"
run "$BIN" --config "$T/enc.conf" reindex "$CASE6"
expect_rc "reindex with the key exits 0" 0
run "$BIN" --config "$T/nokey.conf" append --case "$CASE6" --component "Tờ khai" "$PAGE"
expect_rc "append to an encrypted bundle without the key exits 3" 3
run "$BIN" --config "$T/enc.conf" append --case "$CASE6" --component "CCCD" "$PAGE"
expect_rc "append with the key exits 0" 0
expect_eq "carried-over encrypted entries stay encrypted" \
	"$(zipinfo "$EB" | awk '$6 == "u099"' | grep -c "data/cccd/0001\.")" 4
run "$BIN" --config "$T/enc.conf" extract --component CCCD "$CASE6" "$T/enc-y"
cmp -s "$T/enc-y/cccd/0001.png" "$PAGE" && cmp -s "$T/enc-y/cccd/0002.png" "$PAGE" &&
	ok "both encrypted pages extract byte-identical after the append" ||
	not_ok "both encrypted pages extract byte-identical after the append"
run unzip -t "$EB"
expect_rc "Info-ZIP unzip cannot test AES entries (documented)" 81

# --- metadata.json against docs/metadata.schema.json ---------------------------
# python3-jsonschema, an independent validator, agrees with sohoa verify
# on every bundle made above (signed, encrypted, OCR'd, supplemented)
run python3 "$HERE/metadata_check.py" "$HERE/../docs/metadata.schema.json" "$T"/data/archive/*.zip
expect_rc "every bundle's metadata.json passes python3-jsonschema" 0
# a re-bagged bundle (manifests rewritten to match) whose metadata breaks
# the schema: only the schema can tell
python3 - "$PB" "$T/bad-meta.zip" <<'PY'
import hashlib, json, sys, zipfile
src, dst = sys.argv[1:3]
zin = zipfile.ZipFile(src)
files = {i.filename: zin.read(i.filename) for i in zin.infolist()}
top = next(n for n in files if n.endswith('/bagit.txt')).split('/')[0]
meta = json.loads(files[top + '/data/metadata.json'])
del meta['pages'][0]['capture_time']
meta['components'][0]['pages'] = 'three'
files[top + '/data/metadata.json'] = json.dumps(meta, ensure_ascii=False, indent=1).encode()
def relist(name, algo):
    lines = []
    for line in files[top + '/' + name].decode().splitlines():
        h, path = line.split('  ', 1)
        lines.append(getattr(hashlib, algo)(files[top + '/' + path]).hexdigest() + '  ' + path)
    files[top + '/' + name] = ('\n'.join(lines) + '\n').encode()
relist('manifest-sha256.txt', 'sha256')
relist('manifest-sha512.txt', 'sha512')
relist('tagmanifest-sha256.txt', 'sha256')
with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as z:
    for n, d in files.items():
        z.writestr(n, d)
PY
run "$BIN" "${C[@]}" verify "$T/bad-meta.zip"
expect_rc "verify fails a schema violation in a consistent bag" 1
expect_in "verify names the missing field" "$out$err" "data/metadata.json: /pages/0/capture_time: missing (required)"
expect_in "verify names the wrong type" "$out$err" "data/metadata.json: /components/0/pages: expected integer, got string"
run python3 "$HERE/metadata_check.py" "$HERE/../docs/metadata.schema.json" "$T/bad-meta.zip"
expect_rc "python3-jsonschema fails it too" 1
expect_in "python3-jsonschema names the same field" "$out" "/components/0/pages: 'three' is not of type 'integer'"

finish
