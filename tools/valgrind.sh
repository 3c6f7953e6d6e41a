#!/usr/bin/env bash
# valgrind.sh -- run the module test programs of ./build under valgrind
# memcheck; any error or definite/indirect leak fails.
#   tools/valgrind.sh [MODULE...]     (default: config scan archive index ocr web_core)
set -u
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || {
	[ "$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
}
export SANE_CONFIG_DIR=$PWD/tests/data/sane OMP_THREAD_LIMIT=1
mods=("$@")
[ ${#mods[@]} -gt 0 ] || mods=(config scan archive index ocr web_core)
pass=0 fail=0
for m in "${mods[@]}"; do
	log=$(mktemp)
	if valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
		--suppressions=tests/valgrind.supp \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		"build/tests/test_$m" >"$log" 2>&1; then
		pass=$((pass + 1)); echo "valgrind $m: clean"
	else
		fail=$((fail + 1)); echo "valgrind $m: FAILED"; grep -E '^==[0-9]+==' "$log" | head -40
	fi
	rm -f "$log"
done
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
