#!/bin/bash
# bagit_check.sh BUNDLE.zip -- an independent BagIt check of a sohoa case
# bundle, using only unzip and coreutils: one bag folder, bagit.txt, both
# payload manifests and the tag manifest agree with the extracted files,
# every payload file is listed, Payload-Oxum matches.
set -euo pipefail
zip=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unzip -q "$zip" -d "$tmp"
cd "$tmp"
shopt -s nullglob
dirs=(*/)
[ ${#dirs[@]} -eq 1 ] || { echo "bagit_check: want one bag folder" >&2; exit 1; }
cd "${dirs[0]}"
grep -qx 'BagIt-Version: 1.0' bagit.txt
sha256sum -c --quiet --strict manifest-sha256.txt
sha512sum -c --quiet --strict manifest-sha512.txt
sha256sum -c --quiet --strict tagmanifest-sha256.txt
diff <(find data -type f | LC_ALL=C sort) \
	<(sed 's/^[0-9a-f]*  //' manifest-sha256.txt | LC_ALL=C sort)
oxum=$(sed -n 's/^Payload-Oxum: //p' bag-info.txt)
bytes=$(find data -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
files=$(find data -type f | wc -l)
[ "$oxum" = "$bytes.$files" ] || { echo "bagit_check: Payload-Oxum $oxum, files $bytes.$files" >&2; exit 1; }
