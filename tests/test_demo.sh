#!/usr/bin/env bash
# test_demo.sh -- README's demo, without the install step: the three sample
# pages through SANE's pnm backend into one bundle, and the search for the
# applicant's name typed without diacritics finds that case on every page.
set -u
: "${SOHOA_BIN:?set SOHOA_BIN}"
T=$(mktemp -d /tmp/sohoa-test-demo-XXXXXX)
trap 'rm -rf "$T"' EXIT
out=$(SOHOA_DEMO_DIR="$T/demo" bash "$(dirname "$0")/../tools/demo.sh" --no-setup 2>&1)
rc=$?
. "$(dirname "$0")/lib.sh"
check "the demo exits 0" '[ $rc -eq 0 ]'
check "three pages were scanned into the case" '[ "$(printf "%s\n" "$out" | grep -c "1 page added")" -eq 3 ]'
check "the bundle verifies" 'printf "%s\n" "$out" | grep -q "1 bundle checked, 0 failed"'
hits=$(printf '%s\n' "$out" | sed -n '/== search/,$p' | grep -c '^000.00.22.H27-250701-0001 ')
check "the search finds the case on all three pages ($hits)" '[ "$hits" -eq 3 ]'
[ $fail -eq 0 ] || printf '%s\n' "$out" | tail -20
finish
