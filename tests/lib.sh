# lib.sh -- what the shell tests share: counters, checks and the closing
# line ctest's output is read for ("N passed, M failed").  Source it after
# setting T to the test's temp folder.
pass=0 fail=0

# data_conf FILE: add to FILE the configuration that keeps every data folder
# under data/ beside it (archive, index, spool, hot folder), with two OCR
# workers, and sohoad's web pages on a free loopback port (sohoad logs
# it) with the users and audit files under data/ too.  Tests write their
# own sections before or after it.
data_conf() {
	printf '%s\n' '[ocr]' 'workers = 2' '[archive]' 'root = data/archive' \
		'[index]' 'path = data/index.sqlite' '[spool]' 'path = data/spool' \
		'[hotfolder]' 'path = data/hot' '[server]' 'listen = 127.0.0.1:0' \
		'[web]' 'users = data/users.json' '[audit]' 'path = data/audit.log' >>"$1"
}

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; }
# check NAME SHELL-CONDITION
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }
# run CMD...: sets $rc, $out (stdout) and $err (stderr)
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}
expect_rc() { # NAME WANT
	if [ "$rc" -eq "$2" ]; then ok "$1"; else
		not_ok "$1 (exit $rc, want $2)"
		sed 's/^/    stdout: /' "$T/out" | head -20
		sed 's/^/    stderr: /' "$T/err" | head -20
	fi
}
expect_in() { # NAME HAYSTACK NEEDLE
	if printf '%s' "$2" | grep -qF -- "$3"; then ok "$1"; else
		not_ok "$1 (no '$3' in: $(printf '%s' "$2" | head -c 600))"
	fi
}
expect_eq() { # NAME GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', want '$3')"; fi
}
expect_absent() { # NAME PATH: missing or empty
	if [ -e "$2" ] && [ -n "$(ls -A "$2" 2>/dev/null)" ]; then
		not_ok "$1 ($2 is not empty: $(ls -A "$2" | head -5))"
	else ok "$1"; fi
}
# the closing line, and the exit status
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
