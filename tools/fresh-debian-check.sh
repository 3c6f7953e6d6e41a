#!/usr/bin/env bash
# fresh-debian-check.sh -- prove README's two quick-start commands on a
# brand-new Debian 12: debootstrap a minbase bookworm into DIR, clone this
# repository's HEAD into it, and run tools/test.sh and tools/demo.sh there
# as root.  Needs root, debootstrap and access to Debian's mirror.
#   tools/fresh-debian-check.sh [DIR]     (default /tmp/sohoa-fresh)
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
F=${1:-/tmp/sohoa-fresh}
command -v debootstrap >/dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
[ -x "$F/bin/bash" ] || debootstrap --variant=minbase bookworm "$F" http://deb.debian.org/debian
cp /etc/resolv.conf "$F/etc/resolv.conf"
mountpoint -q "$F/proc" || mount -t proc proc "$F/proc"
mountpoint -q "$F/dev" || mount --bind /dev "$F/dev"
# a real machine has pseudo-terminals (the progress test runs under script)
mountpoint -q "$F/dev/pts" || mount -t devpts devpts "$F/dev/pts"
trap 'umount "$F/dev/pts" "$F/dev" "$F/proc" 2>/dev/null || true' EXIT
rm -rf "$F/root/sohoa"
git clone -q "$repo" "$F/root/sohoa"
# a checking machine may reach the npm registry through a TLS-inspecting
# proxy whose CA only its own bundle has: hand that bundle to node (a real
# fresh machine talks to the registry directly and needs nothing)
cp /etc/ssl/certs/ca-certificates.crt "$F/root/host-ca.crt"
chroot "$F" /usr/bin/env NODE_EXTRA_CA_CERTS=/root/host-ca.crt \
	/bin/bash -c 'cd /root/sohoa && bash tools/test.sh && bash tools/demo.sh' </dev/null
echo "fresh Debian 12: both quick-start commands passed"
