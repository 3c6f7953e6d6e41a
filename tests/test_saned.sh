#!/usr/bin/env bash
# test_saned.sh -- a scan through SANE's net backend against saned on
# loopback: saned serves the test backend from a project-local config,
# sohoa scans net:127.0.0.1:test:0 through a client SANE_CONFIG_DIR whose
# dll.conf holds only `net`.
#
# The net backend of Debian's SANE (1.1.1, net 1.0.14) always connects to
# the sane-port service, 6566/tcp, and takes no port in net.conf (checked:
# "127.0.0.1:7777" is looked up as a host name and fails).  So that the
# test never meets another saned or a colleague's run, it runs in a
# private network namespace (unshare -n as root, or unshare -rn with user
# namespaces), where 127.0.0.1:6566 is its own.  Without namespaces it uses
# the host's 127.0.0.1:6566 when that is free, and is skipped (77)
# otherwise, saying why.
set -u
BIN=${SOHOA_BIN:?set SOHOA_BIN to the sohoa binary}
SANED=$(command -v saned || echo /usr/sbin/saned)
if [ ! -x "$SANED" ]; then
	echo "skip: saned is not installed (Debian package sane-utils)"
	exit 77
fi
if [ -z "${SOHOA_IN_NETNS:-}" ]; then
	for how in "unshare -n" "unshare -rn"; do
		if $how true 2>/dev/null; then
			exec $how env SOHOA_IN_NETNS=1 bash "$0" "$@"
		fi
	done
	if (exec 3<>/dev/tcp/127.0.0.1/6566) 2>/dev/null; then
		echo "skip: no network namespace available and 127.0.0.1:6566 is taken"
		exit 77
	fi
	echo "# no network namespace: using the host's free 127.0.0.1:6566"
else
	ip link set lo up 2>/dev/null || {
		echo "skip: cannot bring up loopback in the namespace"
		exit 77
	}
fi

T=$(mktemp -d /tmp/sohoa-test-saned-XXXXXX)
. "$(dirname "$0")/lib.sh"
cleanup() {
	[ -n "${spid:-}" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

mkdir -p "$T/server" "$T/client"
printf 'test\n' >"$T/server/dll.conf"
printf '# who may connect\n127.0.0.1\n' >"$T/server/saned.conf"
printf 'net\n' >"$T/client/dll.conf"
printf 'connect_timeout = 5\n127.0.0.1\n' >"$T/client/net.conf"
data_conf "$T/sohoa.conf"

SANE_CONFIG_DIR="$T/server" "$SANED" -l -e -b 127.0.0.1 -p 6566 >"$T/saned.log" 2>&1 &
spid=$!
for _ in $(seq 50); do
	(exec 3<>/dev/tcp/127.0.0.1/6566) 2>/dev/null && break
	sleep 0.1
done
if ! (exec 3<>/dev/tcp/127.0.0.1/6566) 2>/dev/null; then
	echo "skip: saned did not start listening: $(head -3 "$T/saned.log")"
	exit 77
fi
ok "saned listens on 127.0.0.1:6566"

export SANE_CONFIG_DIR="$T/client"
out=$("$BIN" --config "$T/sohoa.conf" devices 2>&1)
printf '%s' "$out" | grep -qF "net:127.0.0.1:test:0	Noname	frontend-tester" &&
	ok "sohoa devices sees the test scanner through saned" ||
	not_ok "sohoa devices sees the test scanner through saned: $out"
printf '%s' "$out" | grep -qF "sources: flatbed, adf" &&
	ok "its capabilities come over the network" || not_ok "capabilities over the network"

CASE=000.00.22.H27-250707-0001
out=$("$BIN" --config "$T/sohoa.conf" scan --case "$CASE" --device net:127.0.0.1:test:0 \
	--source adf --dpi 50 --set test-picture=Grid 2>&1)
rc=$?
[ "$rc" -eq 0 ] && ok "an ADF scan through saned exits 0" || not_ok "ADF scan through saned (exit $rc): $out"
printf '%s' "$out" | grep -qF "10 pages added" && ok "the feeder's 10 sheets arrive" ||
	not_ok "10 sheets over the network: $out"
"$BIN" --config "$T/sohoa.conf" verify "$T/data/archive/$CASE.zip" >/dev/null 2>&1 &&
	ok "the bundle verifies" || not_ok "the bundle verifies"

# the same page scanned locally is byte-identical to the one over saned
CASE2=000.00.22.H27-250707-0002
SANE_CONFIG_DIR="$T/server" "$BIN" --config "$T/sohoa.conf" scan --case "$CASE2" \
	--device test:0 --source flatbed --dpi 50 --set test-picture=Grid >/dev/null 2>&1
a=$(unzip -Z1 "$T/data/archive/$CASE.zip" | grep -E '/0001\.tif$')
b=$(unzip -Z1 "$T/data/archive/$CASE2.zip" | grep -E '/0001\.tif$')
if [ -n "$a" ] && [ -n "$b" ] &&
	cmp -s <(unzip -p "$T/data/archive/$CASE.zip" "$a") <(unzip -p "$T/data/archive/$CASE2.zip" "$b"); then
	ok "a page over saned equals the same page scanned locally"
else
	not_ok "a page over saned equals the same page scanned locally"
fi

finish
