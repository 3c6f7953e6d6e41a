#!/usr/bin/env bash
# test.sh -- install what is missing, build, and run every test (ctest).
#   tools/test.sh          the normal build in ./build
#   tools/test.sh --asan   the ASan+UBSan build in ./build-asan
set -eu
cd "$(dirname "$0")/.."
tools/setup-debian.sh "$@"
# setup-debian.sh installs playwright-core; a checkout made by another
# user may still lack it
[ -d tests/web/node_modules/playwright-core ] ||
	npm ci --prefix tests/web --no-audit --no-fund >/dev/null
dir=build
[ "${1:-}" = "--asan" ] && dir=build-asan
ctest --test-dir "$dir" --output-on-failure -j2
