#!/usr/bin/env bash
# test_web_security.sh -- sohoad's web layer from the outside: curl over
# HTTP (health, sessions, forged cookies, CSRF, path traversal, body
# limits, roles, login rate limit, TLS), the login page in Debian's
# Chromium (tests/web/security.mjs), and the audit trail of it all
# verified, then tampered with.
set -u
BIN=${SOHOA_BIN:?set SOHOA_BIN to the sohoa binary}
unset SOHOA_CONFIG
T=$(mktemp -d /tmp/sohoa-test-websec-XXXXXX)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web/web_lib.sh"
idle_pid=
cleanup() {
	web_stop
	[ -n "$idle_pid" ] && kill -TERM "$idle_pid" 2>/dev/null && wait "$idle_pid"
	[ "$fail" -gt 0 ] && sed 's/^/    log: /' "$T/sohoad.log" | tail -40
	rm -rf "$T"
}
trap cleanup EXIT
C=(--config "$T/sohoa.conf")

web_conf "$T/sohoa.conf"
DESK_PW='tiếp-nhận-2025'
ARCH_PW='lưu-trữ-2025'
ADMIN_PW='quản-trị-2025'
web_user lan front_desk "$DESK_PW"
web_user minh archivist "$ARCH_PW"
web_user hoa admin "$ADMIN_PW"

# --- users from the command line ----------------------------------------
run "$BIN" "${C[@]}" user list --json
expect_rc "user list --json" 0
expect_eq "three users, with their roles" "$(jq -c '[.users[] | .name + ":" + .role]' "$T/out")" \
	'["lan:front_desk","minh:archivist","hoa:admin"]'
grep -q "$DESK_PW" "$T/data/users.json" && not_ok "the users file holds no password" ||
	ok "the users file holds no password"
run bash -c "printf 'short\n' | '$BIN' --config '$T/sohoa.conf' user add tam --role archivist --password-stdin"
expect_rc "a short password is refused" 1
expect_in "it says how long" "$err" "at least 8"
run bash -c "printf 'long-enough-1\n' | '$BIN' --config '$T/sohoa.conf' user add tam --role boss --password-stdin"
expect_rc "an unknown role is a usage error" 2
run bash -c "printf 'long-enough-1\n' | '$BIN' --config '$T/sohoa.conf' user add lan --role admin --password-stdin"
expect_rc "a second lan is refused" 1
run "$BIN" "${C[@]}" audit show --json
expect_eq "each user added is in the audit trail" \
	"$(jq -c '[.[] | select(.action == "user_add") | .detail]' "$T/out")" \
	'["lan (front_desk)","minh (archivist)","hoa (admin)"]'

# --- listening: loopback only, unless TLS ---------------------------------
sed 's|^listen = 127.0.0.1:0$|listen = 0.0.0.0:0|' "$T/sohoa.conf" >"$T/open.conf"
run "$SOHOAD" --config "$T/open.conf"
expect_rc "sohoad refuses a non-loopback listen without TLS (exit 3)" 3
expect_in "it names the keys to set" "$err" "[web] tls_cert and [web] tls_key"
printf '[web]\ntls_cert = cert.pem\n' >>"$T/open.conf"
run "$SOHOAD" --config "$T/open.conf"
expect_rc "a certificate without a key is refused (exit 3)" 3
expect_in "it says both go together" "$err" "tls_cert and tls_key go together"

# a second sohoad whose sessions end after 1 idle minute, checked at the
# end (its own data folder)
T2=$T/idle
mkdir -p "$T2"
( T=$T2 && web_conf "$T2/sohoa.conf" &&
	printf '[web]\nsession_minutes = 1\nmax_connections_per_address = 8\n' >>"$T2/sohoa.conf" )
run "$BIN" --config "$T2/sohoa.conf" config check
expect_rc "[web] max_connections_per_address = 8 passes config check" 0
cp "$T2/sohoa.conf" "$T/limit0.conf"
printf '[web]\nmax_connections_per_address = 0\n' >>"$T/limit0.conf"
run "$BIN" --config "$T/limit0.conf" config check
expect_rc "a per-address limit of 0 fails config check" 1
expect_in "naming the key" "$out$err" "max_connections_per_address"
run "$BIN" --config "$T2/sohoa.conf" config show
expect_in "config show gives the per-address limit and where it comes from" "$out" "max_connections_per_address"

printf '%s\n' "$ARCH_PW" | "$BIN" --config "$T2/sohoa.conf" user add minh --role archivist --password-stdin >/dev/null
"$SOHOAD" --config "$T2/sohoa.conf" -v 2>"$T2/sohoad.log" >/dev/null &
idle_pid=$!
for _ in $(seq 200); do
	U2=$(sed -n 's|.*web pages at \(http://[^ /]*\)/.*|\1|p' "$T2/sohoad.log")
	[ -n "$U2" ] && break
	sleep 0.1
done
curl -s -o /dev/null -c "$T2/jar" -H 'Content-Type: application/json' \
	--data "$(jq -cn --arg p "$ARCH_PW" '{user: "minh", password: $p}')" "$U2/api/login"
idle_t0=$(date +%s)
expect_eq "a session is valid right after login" \
	"$(curl -s -o /dev/null -w '%{http_code}' -b "$T2/jar" "$U2/api/me")" 200
# a slow client: [web] max_connections_per_address (8 here) connections
# from one address that never finish their request take that address's
# share of the 200 threads and no more; they are closed after 30 s of
# silence (checked at the end)
P2=${U2##*:}
slow_fds=()
for _ in $(seq 8); do
	exec {fd}<>"/dev/tcp/127.0.0.1/$P2"
	printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n' "$P2" >&"$fd"
	slow_fds+=("$fd")
done
sleep 0.5
expect_eq "8 unfinished requests from one address: its 9th connection is refused" \
	"$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$U2/healthz")" 000
expect_eq "... while another address is served" \
	"$(curl -s -m 5 -o /dev/null -w '%{http_code}' --interface 127.0.0.2 "$U2/healthz")" 200

web_start || not_ok "sohoad starts and logs its web address"
U=$SOHOA_WEB_URL
# curl -s URL -> status in $code, body in $T/body, headers in $T/hdr
req() {
	code=$(curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@")
}
login() { # USER PASSWORD JAR -> csrf token in $csrf
	req -c "$3" -H 'Content-Type: application/json' \
		--data "$(jq -cn --arg u "$1" --arg p "$2" '{user: $u, password: $p}')" "$U/api/login"
	csrf=$(jq -r '.csrf // empty' "$T/body" 2>/dev/null)
}

# --- without a session ------------------------------------------------------
req "$U/healthz"
expect_eq "GET /healthz answers 200 without login" "$code" 200
expect_eq "... with 'ok'" "$(cat "$T/body")" ok
req "$U/tra-cuu"
expect_eq "a page without a session redirects (303)" "$code" 303
expect_in "... to the login page, keeping where to go" "$(cat "$T/hdr")" "Location: /dang-nhap?next=%2Ftra-cuu"
req "$U/ho-so?case=000.00.22.H27-250701-0001"
expect_in "... with the query too" "$(cat "$T/hdr")" "next=%2Fho-so%3Fcase%3D000.00.22.H27-250701-0001"
for p in /api/me /api/users /api/search; do
	req "$U$p"
	expect_eq "GET $p without a session: 401" "$code" 401
done
req -X POST -H 'Content-Type: application/json' --data '{}' "$U/api/logout"
expect_eq "POST /api/logout without a session: 401" "$code" 401
req "$U/dang-nhap"
expect_eq "the login page needs no session" "$code" 200
expect_in "it is the Vietnamese login form" "$(cat "$T/body")" "Tên đăng nhập"
for h in "Content-Security-Policy: default-src 'self'" "X-Content-Type-Options: nosniff" \
	"Referrer-Policy: same-origin" "frame-ancestors 'none'"; do
	expect_in "security header: $h" "$(cat "$T/hdr")" "$h"
done
req "$U/static/app.css"
expect_in "a stylesheet is served as text/css" "$(cat "$T/hdr")" "Content-Type: text/css"
req "$U/static/app.js"
expect_in "a script is served as text/javascript" "$(cat "$T/hdr")" "Content-Type: text/javascript"

# --- Host: DNS rebinding against the loopback listener --------------------------
P=${U##*:}
for h in "127.0.0.1:$P" "localhost:$P" "LOCALHOST:$P" "[::1]:$P"; do
	req -H "Host: $h" "$U/dang-nhap"
	expect_eq "Host $h is this server (200)" "$code" 200
done
for h in "evil.example:$P" "evil.example" "127.0.0.1" "127.0.0.1:$((P == 1 ? 2 : P - 1))" \
	"127.0.0.2:$P" "localhost.:$P" "localhost.evil.example:$P" "127.0.0.1:$P@evil.example" \
	"[::1]" "[::1]x:$P"; do
	req -H "Host: $h" "$U/dang-nhap"
	expect_eq "Host $h is refused (421)" "$code" 421
done
req -H "Host: evil.example:$P" "$U/api/me"
expect_in "... saying what to do" "$(jq -r .error "$T/body")" "[web] host_names"
expect_in "... with the security headers on the error too" "$(cat "$T/hdr")" "X-Frame-Options: DENY"
req -H 'Host:' -0 "$U/healthz"
expect_eq "an HTTP/1.0 request without Host is refused (421)" "$code" 421

# --- forged sessions ----------------------------------------------------------
forged=$(openssl rand -hex 32)
for c in "sohoa_session=$forged" "sohoa_session=" "sohoa_session=../../etc/passwd" \
	"sohoa_session=$forged$forged"; do
	req -H "Cookie: $c" "$U/api/me"
	expect_eq "a forged session cookie gets 401 (${c:0:30}...)" "$code" 401
done

# --- login, CSRF --------------------------------------------------------------
login hoa "$ADMIN_PW" "$T/admin.jar"
expect_eq "the admin logs in (200)" "$code" 200
expect_eq "... with a 64-hex CSRF token" "${#csrf}" 64
expect_in "the cookie is HttpOnly, SameSite=Strict, Path=/" "$(cat "$T/hdr")" "HttpOnly; SameSite=Strict; Path=/"
grep -qi '^Set-Cookie:.*Secure' "$T/hdr" && not_ok "no Secure flag over plain HTTP" || ok "no Secure flag over plain HTTP"
ADMIN_CSRF=$csrf
req -b "$T/admin.jar" "$U/api/me"
expect_eq "GET /api/me with the session: 200" "$code" 200
expect_eq "... says who" "$(jq -r '.user + " " + .role' "$T/body")" "hoa admin"
req -b "$T/admin.jar" "$U/api/users"
expect_eq "the admin lists the users (200)" "$code" 200
expect_eq "... without their hashes" "$(jq '[.users[] | has("hash")] | any' "$T/body")" false
req -b "$T/admin.jar" "$U/"
expect_in "/ redirects the admin by role" "$(cat "$T/hdr")" "Location: /tra-cuu"
login minh "$ARCH_PW" "$T/arch.jar"
ARCH_CSRF=$csrf
req -b "$T/admin.jar" -X POST "$U/api/logout"
expect_eq "a POST without X-CSRF-Token: 403" "$code" 403
req -b "$T/admin.jar" -X POST -H "X-CSRF-Token: $(openssl rand -hex 32)" "$U/api/logout"
expect_eq "a POST with a wrong X-CSRF-Token: 403" "$code" 403
req -b "$T/admin.jar" -X POST -H "X-CSRF-Token: $ARCH_CSRF" "$U/api/logout"
expect_eq "a POST with another session's token: 403" "$code" 403
req -b "$T/admin.jar" -X DELETE -H "X-CSRF-Token: " "$U/api/users"
expect_eq "a DELETE with an empty token: 403" "$code" 403
req -b "$T/admin.jar" "$U/api/me"
expect_eq "... and the session is still there" "$code" 200

# --- path traversal: every path that could name a file ------------------------
for p in /static/../../../../etc/passwd /static/..%2f..%2f..%2fetc%2fpasswd \
	/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd /static/%2e%2e%2fapp.css /static/..%5capp.css \
	/static/app.css%00.html /static/./app.css /static//app.css /static/ /static/%2fetc%2fpasswd \
	/static/static/app.css /dang-nhap/../api/users /tra-cuu%2f..%2f..%2fetc%2fpasswd \
	/api/../etc/passwd /api/cases/..%2f..%2f..%2fetc%2fpasswd /%2e%2e/%2e%2e/etc/passwd; do
	req --path-as-is -b "$T/admin.jar" "$U$p"
	if [ "$code" != 200 ] && ! grep -q 'root:' "$T/body"; then ok "path traversal refused: $p ($code)"
	else not_ok "path traversal refused: $p ($code: $(head -c 100 "$T/body"))"; fi
done
req --path-as-is "$U/static/..%2f..%2f..%2fetc%2fpasswd"
expect_eq "an encoded traversal is a bad request (400)" "$code" 400

# --- bodies over the limit ------------------------------------------------------
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$T/big"
req -H 'Content-Type: application/json' --data-binary @"$T/big" "$U/api/login"
expect_eq "a 2 MiB login body: 413" "$code" 413
req -b "$T/admin.jar" -H "X-CSRF-Token: $ADMIN_CSRF" -H 'Content-Type: application/json' \
	-H 'Transfer-Encoding: chunked' --data-binary @"$T/big" "$U/api/logout"
expect_eq "a 2 MiB chunked body (no Content-Length): 413" "$code" 413
# without a session a body is not read at all: a slow 512 KiB upload is
# answered (401) at once instead of after the 25 s it takes to send
head -c $((512 * 1024)) /dev/zero | tr '\0' 'a' >"$T/half"
t0=$(date +%s)
req -m 15 -H 'Expect:' --limit-rate 20k -H 'Content-Type: application/json' --data-binary @"$T/half" "$U/api/search"
expect_eq "a slow 512 KiB POST without a session: 401 before its body is sent" "$code" 401
check "... within 5 s ($(($(date +%s) - t0)) s)" '[ $(($(date +%s) - t0)) -le 5 ]'
req -b "$T/admin.jar" -H "X-CSRF-Token: $ADMIN_CSRF" -H 'Content-Type: application/json' \
	--data-binary @"$T/half" "$U/api/users"
expect_eq "with a session the same body is read (405: /api/users is GET only)" "$code" 405
head -c $((64 * 1024)) /dev/zero | tr '\0' 'a' >"$T/64k"
req -H 'Content-Type: application/json' --data-binary @"$T/64k" "$U/api/login"
expect_eq "a 64 KiB login body: 413 (16 KiB at most)" "$code" 413
req -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary @"$T/64k" "$U/api/login"
expect_eq "... chunked too" "$code" 413
req -b "$T/admin.jar" "$U/api/me"
expect_eq "the server still answers after them" "$code" 200

# --- wrong password, roles ------------------------------------------------------------
login minh not-the-password "$T/none.jar"
expect_eq "a wrong password: 401" "$code" 401
login nobody-here "$ARCH_PW" "$T/none.jar"
expect_eq "an unknown user: the same 401" "$code" 401
expect_eq "... and the same answer" "$(jq -r .error "$T/body")" "wrong user name or password"
# a password typed into the name field: not an account, not written down
login 'Mat-Khau-Go-Nham-77' "$ARCH_PW" "$T/none.jar"
expect_eq "a password typed as the user name: 401" "$code" 401
req -H 'Content-Type: application/json' -H 'Origin: http://evil.example' \
	--data "$(jq -cn --arg p "$ARCH_PW" '{user: "minh", password: $p}')" "$U/api/login"
expect_eq "a login from another origin is refused, even with the right password" "$code" 403
req -b "$T/arch.jar" -X POST -H "X-CSRF-Token: $ARCH_CSRF" -H 'Origin: http://evil.example' "$U/api/logout"
expect_eq "a POST from another origin is refused despite session and token" "$code" 403
req -H 'Content-Type: text/plain' --data '{"user":"minh","password":"x"}' "$U/api/login"
expect_eq "a login that is not JSON (a cross-site form) is refused" "$code" 415
login lan "$DESK_PW" "$T/desk.jar"
expect_eq "the front desk logs in" "$code" 200
req -b "$T/desk.jar" "$U/api/users"
expect_eq "the front desk is refused GET /api/users (admin only): 403" "$code" 403
req -b "$T/desk.jar" "$U/tra-cuu"
expect_eq "the front desk is refused the Tra cứu page: 403" "$code" 403
req -b "$T/desk.jar" "$U/xem-xet"
expect_eq "the front desk is refused the Chờ xử lý page: 403" "$code" 403
req -b "$T/desk.jar" "$U/"
expect_in "/ takes the front desk to Tiếp nhận hồ sơ" "$(cat "$T/hdr")" "Location: /tiep-nhan"
# archive routes come from cli/web_archive.c: when /api/search exists for
# the archivist, the front desk must be refused it
req -b "$T/arch.jar" "$U/api/search?q=nguyen"
arch_code=$code
req -b "$T/desk.jar" "$U/api/search?q=nguyen"
if [ "$arch_code" = 404 ]; then
	expect_eq "no /api/search yet: the front desk gets 404 too" "$code" 404
else
	expect_eq "the front desk is refused /api/search: 403" "$code" 403
fi
req -b "$T/arch.jar" "$U/tiep-nhan"
expect_eq "the archivist is refused the front-desk page: 403" "$code" 403
"$BIN" "${C[@]}" user del lan >/dev/null
req -b "$T/desk.jar" "$U/trang-thai"
expect_eq "a deleted user's session ends at once (redirect to login)" "$code" 303
req -b "$T/desk.jar" "$U/api/me"
expect_eq "... and the API says 401" "$code" 401
web_user lan front_desk "$DESK_PW"
run bash -c "printf 'neues-passwort-1\n' | '$BIN' --config '$T/sohoa.conf' user passwd minh --password-stdin"
expect_rc "user passwd changes a password" 0
req -b "$T/arch.jar" "$U/api/me"
expect_eq "a session made before the password change ends at once (401)" "$code" 401
login minh "$ARCH_PW" "$T/none.jar"
expect_eq "the old password no longer logs in" "$code" 401
login minh neues-passwort-1 "$T/none.jar"
expect_eq "the new one does" "$code" 200
printf '%s\n' "$ARCH_PW" | "$BIN" "${C[@]}" user passwd minh --password-stdin >/dev/null
run "$BIN" "${C[@]}" user passwd ghost --password-stdin </dev/null
expect_rc "user passwd of an unknown user fails" 1
expect_in "... saying how to see the users" "$err" "sohoa user list"

# --- the browser: login page, wrong password, roles, logout ------------------------
export SOHOA_TEST_DESK=lan SOHOA_TEST_DESK_PW=$DESK_PW SOHOA_TEST_ARCH=minh SOHOA_TEST_ARCH_PW=$ARCH_PW
web_node security.mjs
[ -s "$(dirname "$0")/../docs/screenshots/dang-nhap.png" ] && ok "a screenshot of the login page is in docs/screenshots" ||
	not_ok "a screenshot of the login page is in docs/screenshots"

# --- login rate limit ------------------------------------------------------------------
for i in 1 2 3 4 5; do login lan "wrong-$i" "$T/none.jar"; done
expect_eq "the fifth wrong password is still a 401" "$code" 401
login lan "$DESK_PW" "$T/none.jar"
expect_eq "then even the right password gets 429" "$code" 429
login minh "$ARCH_PW" "$T/none.jar"
expect_eq "another user from the same address still logs in" "$code" 200

# a burst of parallel wrong passwords for one name: each attempt is
# counted before its slow hash, so no more than 5 get to try (from four
# addresses, 6 each: one address alone may hold only
# [web] max_connections_per_address = 16 connections)
seq 24 | xargs -P 24 -I{} sh -c 'curl -s -o /dev/null -w "%{http_code}\n" -H "Content-Type: application/json" \
	--interface 127.0.0.$(({} % 4 + 1)) \
	--data "{\"user\":\"ghost-burst\",\"password\":\"wrong-password\"}" "$0/api/login"' "$U" >"$T/burst"
expect_eq "24 parallel wrong logins for one name: 5 tried (401), the rest refused (429)" \
	"$(sort "$T/burst" | uniq -c | awk '{printf "%s:%s ", $2, $1}')" "401:5 429:19 "
login minh "$ARCH_PW" "$T/none.jar"
expect_eq "right logins do not count against the address (minh still logs in)" "$code" 200
# 36 parallel logins from three addresses: scrypt takes 32 MiB each, so
# sohoad checks a few at a time instead of growing by a gigabyte
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$dpid/status"; }
hwm0=$(hwm)
for a in 2 3 4; do
	for i in $(seq 12); do
		curl -s -o /dev/null -w '%{http_code}\n' --interface "127.0.0.$a" -H 'Content-Type: application/json' \
			--data "{\"user\":\"many-$a-$i\",\"password\":\"wrong-password\"}" "$U/api/login" >>"$T/many" &
	done
done
for p in $(jobs -p); do [ "$p" = "$dpid" ] || [ "$p" = "$idle_pid" ] || wait "$p"; done
expect_eq "36 parallel logins from 3 addresses are all answered (401)" "$(grep -c '^401$' "$T/many")" 36
grow=$((($(hwm) - hwm0) / 1024))
check "... while sohoad's peak memory grows by less than 600 MiB (${grow} MiB; 36 at once: over 1 GiB)" \
	'[ "$grow" -lt 600 ]'
# one account cannot fill the session table (then nobody logs in for
# hours): its 21st session ends its least recently used one
login minh "$ARCH_PW" "$T/m.jar"
login hoa "$ADMIN_PW" "$T/s1.jar"
for i in $(seq 20); do login hoa "$ADMIN_PW" "$T/s-$i.jar"; done
req -b "$T/s1.jar" "$U/api/me"
expect_eq "20 logins later the account's oldest session has ended (401)" "$code" 401
req -b "$T/s-20.jar" "$U/api/me"
expect_eq "... its newest works" "$code" 200
req -b "$T/m.jar" "$U/api/me"
expect_eq "... and another user's session is untouched" "$code" 200

# --- the audit trail ----------------------------------------------------------------------
web_stop
run "$BIN" "${C[@]}" audit show --json
for a in login login_failed logout user_add user_passwd user_del; do
	n=$(jq --arg a "$a" '[.[] | select(.action == $a)] | length' "$T/out")
	[ "${n:-0}" -ge 1 ] && ok "the audit trail holds $a ($n)" || not_ok "the audit trail holds $a"
done
grep -q 'Mat-Khau-Go-Nham' "$T/data/audit.log" "$T/sohoad.log" &&
	not_ok "a name that is no account is in neither the audit trail nor the log" ||
	ok "a name that is no account is in neither the audit trail nor the log"
expect_eq "... its failure is audited as user '-', saying so" \
	"$(jq '[.[] | select(.action == "login_failed" and .user == "-" and (.detail | test("not an account")))] | length >= 1' "$T/out")" true
expect_eq "the wrong password for minh is audited with its user" \
	"$(jq '[.[] | select(.action == "login_failed" and .user == "minh")] | length >= 1' "$T/out")" true
run "$BIN" "${C[@]}" audit show --user lan --since 2000-01-01
expect_in "audit show --user filters" "$out" "login"
[ -z "$(printf '%s\n' "$out" | awk -F'\t' '$3 != "lan"')" ] && ok "... only lan's entries" ||
	not_ok "... only lan's entries"
run "$BIN" "${C[@]}" audit show --until 2000-01-01
expect_eq "audit show --until before everything is empty" "$out" ""
run "$BIN" "${C[@]}" audit verify
expect_rc "sohoa audit verify passes" 0
expect_in "... counting the entries" "$out" "chain intact"
cp "$T/data/audit.log" "$T/audit.good"
# edit entry 4: its user becomes someone else
awk 'NR == 4 { sub(/"user":"[^"]*"/, "\"user\":\"someone\"") } { print }' "$T/audit.good" >"$T/data/audit.log"
run "$BIN" "${C[@]}" audit verify
expect_rc "an edited entry fails audit verify" 1
expect_in "... naming its line" "$err" "audit.log:4:"
head -n -1 "$T/audit.good" >"$T/data/audit.log"
run "$BIN" "${C[@]}" audit verify
expect_rc "a removed last entry fails audit verify" 1
expect_in "... saying so" "$err" "were removed"
cp "$T/audit.good" "$T/data/audit.log"
run "$BIN" "${C[@]}" audit verify
expect_rc "the original trail verifies again" 0

# --- [web] enabled = false: no pages, the rest runs ----------------------------------------
{ cat "$T/sohoa.conf"; printf '[web]\nenabled = false\n'; } >"$T/off.conf"
"$SOHOAD" --config "$T/off.conf" -v 2>"$T/off.log" >/dev/null &
opid=$!
for _ in $(seq 100); do [ -S "$T/data/ctl.sock" ] && break; sleep 0.1; done
sleep 0.5
kill -TERM "$opid"
wait "$opid"
expect_eq "with [web] enabled = false sohoad runs and stops cleanly" "$?" 0
grep -q "web pages at" "$T/off.log" && not_ok "... without web pages" || ok "... without web pages"

# --- TLS on loopback: https, Secure cookie ---------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
printf '[web]\ntls_cert = cert.pem\ntls_key = key.pem\n' >>"$T/sohoa.conf"
web_start || not_ok "sohoad starts with TLS"
expect_in "the log gives an https address" "$SOHOA_WEB_URL" "https://127.0.0.1:"
U=$SOHOA_WEB_URL
req -k "$U/healthz"
expect_eq "GET /healthz over TLS" "$code" 200
req -k -H "Host: sohoa.example:${U##*:}" "$U/healthz"
expect_eq "under TLS without [web] host_names any name is taken (the certificate names the server)" "$code" 200
req -k -c "$T/tls.jar" -H 'Content-Type: application/json' \
	--data "$(jq -cn --arg p "$ARCH_PW" '{user: "minh", password: $p}')" "$U/api/login"
expect_eq "login over TLS" "$code" 200
expect_in "the cookie is Secure under TLS" "$(cat "$T/hdr")" "Path=/; Secure"
web_stop
printf 'host_names = sohoa.example, Sohoa.Local\n' >>"$T/sohoa.conf"
web_start || not_ok "sohoad starts with TLS and [web] host_names"
U=$SOHOA_WEB_URL
for h in "sohoa.example:${U##*:}" "sohoa.local:${U##*:}" "127.0.0.1:${U##*:}"; do
	req -k -H "Host: $h" "$U/healthz"
	expect_eq "under TLS with [web] host_names, Host $h is taken" "$code" 200
done
for h in "evil.example:${U##*:}" "sohoa.example:1"; do
	req -k -H "Host: $h" "$U/healthz"
	expect_eq "under TLS with [web] host_names, Host $h is refused (421)" "$code" 421
done
web_stop

# --- the idle session of the second sohoad -------------------------------------------------
left=$((idle_t0 + 62 - $(date +%s)))
[ "$left" -gt 0 ] && sleep "$left"
expect_eq "the slow connections were closed after 30 s of silence: the address is served again" \
	"$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$U2/healthz")" 200
for fd in "${slow_fds[@]}"; do exec {fd}>&-; done
expect_eq "a session unused for [web] session_minutes ends (401)" \
	"$(curl -s -o /dev/null -w '%{http_code}' -b "$T2/jar" "$U2/api/me")" 401
kill -TERM "$idle_pid"
wait "$idle_pid"
idle_pid=

cat "$T2/sohoad.log" >>"$T/sohoad.log"
grep -qE "Sanitizer|runtime error" "$T/sohoad.log" && not_ok "sohoad's log holds no sanitizer report" ||
	ok "sohoad's log holds no sanitizer report"
finish
