#!/usr/bin/env bash
# batch.sh -- result-digitization batch benchmark: N result documents for N
# cases (1-3 pages each; case number as Code 128, QR, text only, or on a
# receipt separator sheet; damaged codes with and without the number in
# the text; invalid case numbers; pages before the first code; continuation
# pages; some skewed or speckled) in ONE multi-page TIFF, through
# `sohoa batch`; prints precision and recall of filing overall and per
# category, how many pages that must not be filed went to review, and
# pages per minute.
#   bench/batch.sh [N] [SEED]  (default 100, 7; needs python3-pil, python3-qrcode)
set -eu
cd "$(dirname "$0")/.."
N=${1:-100}
SEED=${2:-7}
SOHOA=${SOHOA_BIN:-$PWD/build/cli/sohoa}
[ -x "$SOHOA" ] || { echo "build first: bash tools/test.sh" >&2; exit 3; }
W=$(mktemp -d /tmp/sohoa-bench-batch-XXXXXX)
[ -n "${KEEP:-}" ] && echo "work folder kept: $W" >&2 || trap 'rm -rf "$W"' EXIT
/usr/bin/python3 tools/gen_batch_fixtures.py --bench "$N" "$W/pages" "$SEED"
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
want, style_of, seps = {}, {}, set()  # position -> case or "review"
own = {}                       # position -> the case the paper belongs to
for d in truth["documents"]:
    for p in d["pages"]:
        want[pos[p]] = d["expect"]
        style_of[pos[p]] = d["style"]
        own[pos[p]] = d["case_number"]
    if "separator" in d:
        seps.add(pos[d["separator"]])
got = {}                       # position -> case filed to, or "review"
for d in report["documents"]:
    if d["filed"]:
        for p in d["positions"]:
            got[p] = d["case_number"]
for r in report["review"]:
    for p in r.get("positions", []):
        got[p] = "review"
filed = [p for p in got if got[p] != "review" and p in want]
# a damaged code that zbar still reads files the page to its own case:
# right, though the bench expected review
right = [p for p in filed if got[p] in (want[p], own[p])]
to_file = [p for p in want if want[p] != "review"]
to_review = [p for p in want if want[p] == "review"]
dropped = [p for p in want if p not in got]
n_pages = len(pos)
print("documents: %d (%d pages incl. %d separator sheets) in one multi-page TIFF"
      % (len(truth["documents"]), n_pages, len(seps)))
print("pages filed: %d, to the right case %d; in review %d; dropped %d"
      % (len(filed), len(right), sum(1 for v in got.values() if v == "review"), len(dropped)))
hit = [p for p in right if want[p] != "review"]
print("filing precision %.3f  recall %.3f  (pages that should be filed: %d, filed right: %d)"
      % (len(right) / len(filed) if filed else 0, len(hit) / len(to_file) if to_file else 0,
         len(to_file), len(hit)))
rv = sum(1 for p in to_review if got.get(p) == "review")
print("pages with no readable valid case number: %d, in review %d (%.3f), filed to their own "
      "case (damaged code still read) %d, filed to a wrong case %d"
      % (len(to_review), rv, rv / len(to_review) if to_review else 1,
         sum(1 for p in to_review if got.get(p) is not None and got.get(p) == own[p]),
         sum(1 for p in to_review if got.get(p) not in (None, "review", own[p]))))
docs = [d for d in truth["documents"] if d["expect"] != "review"]
docs_ok = sum(1 for d in docs if all(got.get(pos[p]) == d["expect"] for p in d["pages"]))
print("documents filed whole to the right case: %d/%d (%.3f)" % (docs_ok, len(docs), docs_ok / len(docs)))
one = 0                        # found as one report document, not split
for d in docs:
    ps = sorted(pos[p] for p in d["pages"])
    one += any(r["filed"] and sorted(r["positions"]) == ps for r in report["documents"])
print("documents found as one document (not split, nothing added): %d/%d (%.3f)"
      % (one, len(docs), one / len(docs)))
print("per category (pages):")
print("  %-13s %6s %6s %9s %7s %8s" % ("category", "pages", "filed", "precision", "recall", "review"))
for st in ("code128", "qr", "text", "separator", "damaged_text", "damaged_none", "invalid",
           "before_first"):
    ps = [p for p in want if style_of[p] == st]
    if not ps:
        continue
    f = [p for p in ps if got.get(p) not in (None, "review")]
    ok = [p for p in f if got[p] in (want[p], own[p])]
    need = [p for p in ps if want[p] != "review"]
    rv = [p for p in ps if got.get(p) == "review"]
    print("  %-13s %6d %6d %9s %7s %8d%s" % (
        st, len(ps), len(f), "%.3f" % (len(ok) / len(f)) if f else "-",
        "%.3f" % (len(ok) / len(need)) if need else "-", len(rv),
        "   (should go to review)" if not need else ""))
print("time %.1f s, %.1f pages/min (machine shared with other builds: pessimistic)"
      % (t1 - t0, 60 * n_pages / (t1 - t0)))
PY
