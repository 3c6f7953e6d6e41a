# web_lib.sh -- shell side of the web tests: a throwaway data folder,
# sohoad with its web pages on a free loopback port, users made with
# `sohoa user add`, and the node side (tests/web/*.mjs) run against it.
# Source after tests/lib.sh with T set; needs SOHOA_BIN.
SOHOAD=$(dirname "$BIN")/sohoad
WEB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dpid=

# web_conf FILE: data_conf plus the web and audit keys the tests use
# (listen on port 0: sohoad picks a free one and logs it).
web_conf() {
	data_conf "$1"
	cat >>"$1" <<CONF
[station]
name = test-station
operator = tester
[server]
listen = 127.0.0.1:0
socket = data/ctl.sock
[review]
path = data/review
[batch]
reports = data/reports
[web]
users = data/users.json
[audit]
path = data/audit.log
CONF
}

# web_user NAME ROLE PASSWORD
web_user() {
	printf '%s\n' "$3" | "$BIN" user add "$1" --role "$2" --password-stdin \
		--config "$T/sohoa.conf" >/dev/null
}

# web_start: sohoad in the background; sets SOHOA_WEB_URL from its log.
# SOHOA_WEB_WRAP (optional, by hand) runs it under a tool, e.g.
#   SOHOA_WEB_WRAP='valgrind --error-exitcode=9 --leak-check=full' \
#     SOHOA_BIN=build/cli/sohoa bash tests/test_web_security.sh
# and web_stop then counts the tool's exit status (9: errors found).
web_start() {
	local from tries=200
	[ -n "${SOHOA_WEB_WRAP:-}" ] && tries=3000 # a slow start under valgrind
	# only this start's line counts when sohoad ran before with this log
	from=$(($(cat "$T/sohoad.log" 2>/dev/null | wc -l) + 1))
	# shellcheck disable=SC2086 # the wrapper is words
	${SOHOA_WEB_WRAP:-} "$SOHOAD" --config "$T/sohoa.conf" -v 2>>"$T/sohoad.log" >/dev/null &
	dpid=$!
	SOHOA_WEB_URL=
	for _ in $(seq "$tries"); do
		SOHOA_WEB_URL=$(tail -n +"$from" "$T/sohoad.log" |
			sed -n 's|.*web pages at \(http[s]*://[^ /]*\)/.*|\1|p' | tail -1)
		[ -n "$SOHOA_WEB_URL" ] && break
		kill -0 "$dpid" 2>/dev/null || break # it exited (see the log)
		sleep 0.1
	done
	export SOHOA_WEB_URL
	[ -n "$SOHOA_WEB_URL" ]
}

web_stop() {
	local st
	[ -n "$dpid" ] || return 0
	kill -TERM "$dpid" 2>/dev/null
	wait "$dpid" 2>/dev/null
	st=$?
	dpid=
	if [ -n "${SOHOA_WEB_WRAP:-}" ]; then
		[ "$st" -eq 0 ] && ok "sohoad under '$SOHOA_WEB_WRAP' exits 0" ||
			not_ok "sohoad under '$SOHOA_WEB_WRAP' exits 0 (exit $st; see $T/sohoad.log)"
	fi
}

# web_node SCRIPT.mjs: run a browser test; its ok/not ok lines count here
web_node() {
	local line
	if [ ! -d "$WEB_DIR/node_modules/playwright-core" ]; then
		not_ok "playwright-core is installed (run: npm ci --prefix tests/web)"
		return
	fi
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "${line#ok - }" ;;
		"not ok - "*) not_ok "${line#not ok - }" ;;
		*" passed, "*" failed") ;;
		*) echo "    $line" ;;
		esac
	done < <(node "$WEB_DIR/$1" 2>&1)
}
