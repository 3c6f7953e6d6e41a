#!/usr/bin/env bash
# Structure checks (STYLE.md R1, R2, R9): no module includes another
# module's private header, and no third-party type leaks into a public
# header.
set -u
root=${1:?usage: check_structure.sh REPO}
fail=0
for m in config scan ocr archive index web cli; do
	# a private header may only be included by bare name, from its folder
	if grep -n '#include "[a-z]*/[a-z_]*_int\.h"' "$root/$m"/*.[ch] 2>/dev/null; then
		echo "FAIL: $m includes another module's private header"
		fail=1
	fi
done
for m in config scan ocr archive index; do
	h="$root/$m/$m.h"
	[ -f "$h" ] || { echo "FAIL: $h missing"; fail=1; continue; }
	if grep -nE 'SANE_Handle|TIFF \*|TessBaseAPI|PIX \*|zip_t|sqlite3|MHD_|json_t|zbar_' "$h"; then
		echo "FAIL: a third-party type in public header $h"
		fail=1
	fi
	if grep -nE '#include <(sane|tiffio|tesseract|leptonica|zip|sqlite3|jansson|zbar|openssl|microhttpd)' "$h"; then
		echo "FAIL: $h includes a third-party header"
		fail=1
	fi
done
# modules depend on config only (the star of STYLE.md R1)
for m in scan ocr archive index web; do
	others=$(echo config scan ocr archive index web | tr ' ' '\n' | grep -vx "$m" | grep -vx config)
	for o in $others; do
		if grep -n "#include \"$o/$o.h\"" "$root/$m"/*.[ch] 2>/dev/null; then
			echo "FAIL: module $m includes module $o"
			fail=1
		fi
	done
done
if [ $fail -eq 0 ]; then
	echo "1 passed, 0 failed"
else
	echo "0 passed, 1 failed"
fi
exit $fail
