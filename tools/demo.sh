#!/usr/bin/env bash
# demo.sh -- the main job on an embedded default: install what is missing,
# build, scan the bundled sample pages through SANE's `pnm` virtual scanner
# (a project-local SANE_CONFIG_DIR; nothing in /etc changes) into one case
# bundle, index it and print a search whose hit is the scanned case.
#   tools/demo.sh               install, build, run (README's first command)
#   tools/demo.sh --no-setup    run only, with $SOHOA_BIN (ctest's `demo`)
set -eu
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--no-setup" ]; then
	tools/setup-debian.sh
fi
BIN=${SOHOA_BIN:-build/cli/sohoa}

DEMO=${SOHOA_DEMO_DIR:-$PWD/sohoa-data/demo}
rm -rf "$DEMO"
mkdir -p "$DEMO/sane" "$DEMO/pages"
echo pnm >"$DEMO/sane/dll.conf"
export SANE_CONFIG_DIR="$DEMO/sane"
cat >"$DEMO/sohoa.conf" <<CONF
[station]
name = demo
operator = demo
[archive]
root = archive
[index]
path = index.sqlite
[spool]
path = spool
[hotfolder]
path = hot
CONF
SOHOA=("$BIN" --config "$DEMO/sohoa.conf")
CASE=000.00.22.H27-250701-0001

echo "== scanners SANE sees"
"${SOHOA[@]}" devices
for png in docs/samples/*.png; do
	pnm="$DEMO/pages/$(basename "${png%.png}").pnm"
	pngtopnm "$png" >"$pnm" 2>/dev/null
	echo "== scanning $(basename "$png") on pnm:0 into case $CASE"
	"${SOHOA[@]}" scan --case "$CASE" --component "Hồ sơ đề nghị" \
		--device pnm:0 --set filename="$pnm"
done
echo "== verifying the bundle"
"${SOHOA[@]}" verify --all
echo "== search: nguyen thi lien (typed without diacritics)"
"${SOHOA[@]}" search nguyen thi lien
