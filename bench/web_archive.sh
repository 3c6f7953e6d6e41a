#!/usr/bin/env bash
# web_archive.sh -- what the archive pages cost per request (sohoad over
# loopback, curl, median of R runs), next to the raw tools doing the same
# work:
#  1. GET /api/search (a folded name, 20 results, with the bundle lookups
#     for thumbnails) vs `sohoa search --json` (the same query, process
#     start included);
#  2. a thumbnail (first request of a page, and again: kept in memory) and
#     a page view (master read from the bundle, decoded, scaled, JPEG) vs
#     `unzip -p | pngtopnm | pnmscale | pnmtojpeg`;
#  3. GET /api/cases/CASE of a 10-page case (metadata, fields, signature
#     and a full verify) vs `sohoa verify` + `sohoa show --json`.
# Bundles are written with tests' mkbundle (no OCR): docs/samples pages,
# A4 300 dpi grey PNG.
#   bench/web_archive.sh [CASES] [RUNS]     (default 40 cases, 15 runs)
set -eu
cd "$(dirname "$0")/.."
N=${1:-40}
R=${2:-15}
SOHOA=${SOHOA_BIN:-build/cli/sohoa}
SOHOAD=$(dirname "$SOHOA")/sohoad
MK=${MKBUNDLE_BIN:-build/tests/mkbundle}
[ -x "$SOHOA" ] && [ -x "$SOHOAD" ] && [ -x "$MK" ] || { echo "build first" >&2; exit 3; }
W=$(mktemp -d /tmp/sohoa-bench-web-XXXXXX)
dpid=
trap '[ -n "$dpid" ] && kill "$dpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT
PAGE=docs/samples/01-to-khai.png
cat >"$W/sohoa.conf" <<CONF
[archive]
root = $W/archive
[index]
path = $W/index.sqlite
[spool]
path = $W/spool
[server]
listen = 127.0.0.1:0
socket = $W/ctl.sock
[review]
path = $W/review
[web]
users = $W/users.json
[audit]
path = $W/audit.log
CONF
C=(--config "$W/sohoa.conf")
names=("NGUYỄN THỊ LIÊN" "TRẦN VĂN AN" "LÊ THỊ HOA" "PHẠM ĐỨC MINH")
for i in $(seq 1 "$N"); do
	c=$(printf 'H27.151-250701-%04d' "$i")
	nm=${names[$((i % 4))]}
	"$MK" "$W/archive" "$c" "Đơn đề nghị" component 1.004194 "$PAGE" \
		"Đơn đề nghị. Người nộp: $nm, xã Thạch Hà, tỉnh Hà Tĩnh." \
		"{\"document_type\":\"application_form\",\"fields\":{\"full_name\":{\"value\":\"$nm\"}}}" >/dev/null
done
BIG=H27.151-250702-0001
for p in $(seq 1 10); do
	"$MK" "$W/archive" "$BIG" "Hồ sơ dài" component 1.004194 "$PAGE" \
		"Trang $p. NGUYỄN THỊ LIÊN." '{"document_type":"other"}' >/dev/null
done
"$SOHOA" "${C[@]}" reindex --all >/dev/null 2>&1
printf '%s\n' 'mat-khau-bench-1' | "$SOHOA" "${C[@]}" user add bench --role archivist --password-stdin >/dev/null
"$SOHOAD" "${C[@]}" 2>"$W/sohoad.log" >/dev/null &
dpid=$!
for _ in $(seq 100); do
	U=$(sed -n 's|.*web pages at \(http://[^ /]*\)/.*|\1|p' "$W/sohoad.log" | tail -1)
	[ -n "$U" ] && break
	sleep 0.1
done
curl -s -c "$W/jar" -o /dev/null -H 'Content-Type: application/json' \
	-d '{"user":"bench","password":"mat-khau-bench-1"}' "$U/api/login"
echo "cases: $N one-page + one of 10 pages; A4 300 dpi grey PNG; median of $R runs"
echo "(measured on a shared, loaded machine: figures are pessimistic)"

# median of R runs of a command printing seconds
median() {
	local i
	for i in $(seq "$R"); do "$@"; done | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
web() { curl -s -b "$W/jar" -o "$W/out" -w '%{time_total}\n' "$U$1"; }
timed() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
ms() { printf '%.1f ms' "$(echo "$1 * 1000" | bc -l)"; }

# 1. search
a=$(median web '/api/search?q=nguyen%20thi%20lien&per_page=20')
web '/api/search?q=nguyen%20thi%20lien&per_page=20' >/dev/null
b=$(median timed "$SOHOA" "${C[@]}" search --json --limit 20 nguyen thi lien)
echo "search 'nguyen thi lien' ($(jq '.results | length' "$W/out") of $(jq .total "$W/out") results shown): web $(ms "$a"), sohoa search $(ms "$b"), ratio $(ratio "$a" "$b")"

# 2. images
E=$(unzip -Z1 "$W/archive/$BIG.zip" | grep -m1 '/data/.*/0001\.png$')
raw() { unzip -p "$W/archive/$BIG.zip" "$E" | pngtopnm 2>/dev/null | pnmscale -xysize "$1" "$2" 2>/dev/null | pnmtojpeg >/dev/null 2>&1; }
F=$(jq -r '.components[0].folder' < <(curl -s -b "$W/jar" "$U/api/cases/$BIG"))
# the first request of each of the 10 pages renders; again, it is kept
a=$(for p in $(seq 1 10); do web "/api/cases/$BIG/pages/$F/$p?size=thumb"; done |
	sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
c=$(median web "/api/cases/$BIG/pages/$F/1?size=thumb")
b=$(median timed raw 240 340)
echo "thumbnail 240x340, first: web $(ms "$a"), unzip|pngtopnm|pnmscale|pnmtojpeg $(ms "$b"), ratio $(ratio "$a" "$b")"
echo "thumbnail 240x340, again (kept): web $(ms "$c"), ratio to raw tools $(ratio "$c" "$b")"
a=$(median web "/api/cases/$BIG/pages/$F/1?size=view")
b=$(median timed raw 1700 2400)
echo "page view 1700x2400: web $(ms "$a"), raw tools $(ms "$b"), ratio $(ratio "$a" "$b")"

# 3. the case page's data
a=$(median web "/api/cases/$BIG")
both() { "$SOHOA" "${C[@]}" verify "$W/archive/$BIG.zip" && "$SOHOA" "${C[@]}" show --json "$BIG"; }
b=$(median timed both)
echo "case of 10 pages (with verify): web $(ms "$a"), sohoa verify + show --json $(ms "$b"), ratio $(ratio "$a" "$b")"
