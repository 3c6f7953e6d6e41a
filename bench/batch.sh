#!/usr/bin/env bash
# batch.sh -- result-digitization batch benchmark: N result documents for N
# cases (1-3 pages each; case number as Code 128, QR, text only, or on a
# receipt separator sheet; some skewed or speckled) in ONE multi-page TIFF,
# through `sohoa batch`; prints precision and recall of filing (pages and
# whole documents) per case-number style, and pages per minute.
#   bench/batch.sh [N]      (default 100; needs python3-pil, python3-qrcode)
set -eu
cd "$(dirname "$0")/.."
N=${1:-100}
SOHOA=${SOHOA_BIN:-$PWD/build/cli/sohoa}
[ -x "$SOHOA" ] || { echo "build first: bash tools/test.sh" >&2; exit 3; }
W=$(mktemp -d /tmp/sohoa-bench-batch-XXXXXX)
trap 'rm -rf "$W"' EXIT
/usr/bin/python3 tools/gen_batch_fixtures.py --bench "$N" "$W/pages"
for f in "$W"/pages/p*.png; do
	pngtopnm "$f" 2>/dev/null | pnmtotiff -g4 >"${f%.png}.tif" 2>/dev/null
done
tiffcp "$W"/pages/p*.tif "$W/stack.tif" 2>/dev/null
printf '[archive]\nroot = archive\n[index]\npath = index.sqlite\n[spool]\npath = spool\n[hotfolder]\npath = hot\n[review]\npath = review\n[batch]\nreports = reports\n' >"$W/s.conf"
t0=$(date +%s.%N)
"$SOHOA" --config "$W/s.conf" -q batch "$W/stack.tif" >"$W/out.txt" || true
t1=$(date +%s.%N)
/usr/bin/python3 - "$W" "$t0" "$t1" <<'PY'
import glob, json, sys
w, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
truth = json.load(open(w + "/pages/truth.json", encoding="utf-8"))
report = json.load(open(glob.glob(w + "/reports/*.json")[0], encoding="utf-8"))
pos = {}                       # page name -> stack position
for i, name in enumerate(sorted(glob.glob(w + "/pages/p*.png")), 1):
    pos[name.rsplit("/", 1)[1]] = i
want, style_of = {}, {}        # position -> case (result pages only)
for d in truth["documents"]:
    for p in d["pages"]:
        want[pos[p]] = d["case_number"]
        style_of[pos[p]] = d["style"]
got = {}
for d in report["documents"]:
    if d["filed"]:
        for p in d["positions"]:
            got[p] = d["case_number"]
correct = sum(1 for p, c in got.items() if want.get(p) == c)
prec = correct / len(got) if got else 0
rec = correct / len(want)
docs_ok = sum(1 for d in truth["documents"]
              if all(got.get(pos[p]) == d["case_number"] for p in d["pages"]))
n_pages = sum(len(d["pages"]) + (1 if "separator" in d else 0) for d in truth["documents"])
print("documents: %d (%d pages incl. separators) in one multi-page TIFF" % (len(truth["documents"]), n_pages))
print("pages filed: %d, correct %d, in review %d" % (len(got), correct,
      sum(len(r.get("positions", [])) for r in report["review"])))
print("page precision %.3f  recall %.3f" % (prec, rec))
print("documents filed whole to the right case: %d/%d (%.3f)" % (docs_ok, len(truth["documents"]), docs_ok / len(truth["documents"])))
for st in ("code128", "qr", "text", "separator"):
    ps = [p for p in want if style_of[p] == st]
    if ps:
        ok = sum(1 for p in ps if got.get(p) == want[p])
        print("  %-9s recall %.3f (%d pages)" % (st, ok / len(ps), len(ps)))
print("time %.1f s, %.1f pages/min" % (t1 - t0, 60 * n_pages / (t1 - t0)))
PY
