#!/usr/bin/python3
"""ocr_accuracy.py - accuracy of `sohoa ocr --json` on a generated labelled set.

    bench/ocr_accuracy.py [--sohoa BIN] [--set DIR] [--count N] [--corpus DIR] [--misses N]
                          [--holdout FRACTION]

Makes the set with tools/gen_ocr_set.py in a temporary folder (or uses --set DIR when it
already holds truth.json), runs `sohoa ocr --json` over it, and prints:
  - exact-match rate per identity field (value == truth, over the images that show it),
  - per document type: type accuracy and the exact-match rate of all its fields,
  - blank-page precision / recall / F1, case-number rate on pages with a code,
  - Vietnamese character accuracy on the clean 300 dpi text pages, and on the pages of
    ../shared/corpus/a_vietnamese_text that have a .gt.txt (skipped when absent).
  - what the place repair did to OCR-read places: parts changed, misreadings fixed, correct
    readings broken.
Character accuracy = 1 - edit distance / length of the truth, whitespace squeezed.

--holdout F: the places on the cards are drawn from a random share F of the communes of
ocr/data/places.tsv (seed 7), and sohoa reads with a copy of the data without those communes
(through a config file naming [ocr] data): how the reader does on communes it has no entry
for (names changed since the list, or missing from it).
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIELDS = ["id_number", "full_name", "date_of_birth", "sex", "nationality", "place_of_origin",
          "place_of_residence", "date_of_expiry", "date_of_issue", "old_id_number"]


def norm(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()


def edit_distance(a, b):
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def char_accuracy(out, gt):
    o, g = norm(out), norm(gt)
    return max(0.0, 1.0 - edit_distance(o, g) / max(1, len(g))), len(g)


def run_ocr(sohoa, files, config=None):
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    if config:
        env["SOHOA_CONFIG"] = config
    res = {}
    for k in range(0, len(files), 500):
        p = subprocess.run([sohoa, "ocr", "--json"] + files[k:k + 500], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for line in p.stdout.splitlines():
            o = json.loads(line)
            res.setdefault(o["file"], []).append(o)
        if p.returncode not in (0, 1):
            sys.stderr.write(p.stderr)
    return res


def pct(n, d):
    return "%6.1f%%" % (100.0 * n / d) if d else "     - "


def holdout(dirname, share):
    """Split the communes of places.tsv: a random share for the generator, the rest for a
    data folder of the reader.  Returns (config file, generator's list)."""
    import random
    src = os.path.join(ROOT, "ocr", "data")
    lines = open(os.path.join(src, "places.tsv"), encoding="utf-8").read().splitlines(True)
    communes = [i for i, l in enumerate(lines) if l.startswith("3\t")]
    held = set(random.Random(7).sample(communes, int(len(communes) * share)))
    data = os.path.join(dirname, "data")
    os.makedirs(data)
    for name in ("provinces.tsv", "names.tsv"):
        shutil.copy(os.path.join(src, name), data)
    with open(os.path.join(data, "places.tsv"), "w", encoding="utf-8") as f:
        f.writelines(l for i, l in enumerate(lines) if i not in held)
    gen = os.path.join(dirname, "gen_places.tsv")
    with open(gen, "w", encoding="utf-8") as f:
        f.writelines(l for i, l in enumerate(lines) if i in held or not l.startswith("3\t"))
    config = os.path.join(dirname, "sohoa.conf")
    with open(config, "w", encoding="utf-8") as f:
        f.write("[ocr]\ndata = %s\n" % data)
    return config, gen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sohoa", default=os.environ.get("SOHOA_BIN", os.path.join(ROOT, "build", "cli", "sohoa")))
    ap.add_argument("--set", help="folder of an existing set (truth.json), else a temporary one")
    ap.add_argument("--count", type=int, default=220)
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus", "a_vietnamese_text"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary set")
    ap.add_argument("--misses", type=int, default=3, help="misses to show per field")
    ap.add_argument("--holdout", type=float, default=0.0,
                    help="draw places from this share of communes, left out of the reader's list")
    a = ap.parse_args()

    tmp = None
    d = a.set
    config = gen_extra = None
    hold = None
    if a.holdout > 0:
        hold = tempfile.mkdtemp(prefix="sohoa-holdout.")
        config, gen_places = holdout(hold, a.holdout)
        gen_extra = ["--places", gen_places]
    if not d or not os.path.exists(os.path.join(d, "truth.json")):
        d = d or tempfile.mkdtemp(prefix="sohoa-ocrset.")
        tmp = None if a.set or a.keep else d
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "gen_ocr_set.py"), d,
                        "--count", str(a.count)] + (gen_extra or []), check=True)
    truth = json.load(open(os.path.join(d, "truth.json"), encoding="utf-8"))
    files = [os.path.join(d, t["file"]) for t in truth]
    res = run_ocr(a.sohoa, files, config)
    if hold:
        shutil.rmtree(hold, ignore_errors=True)

    field_n, field_ok = collections.Counter(), collections.Counter()
    type_n, type_ok = collections.Counter(), collections.Counter()
    tf_n, tf_ok = collections.Counter(), collections.Counter()
    misses = collections.defaultdict(list)
    repair = collections.Counter()
    tp = fp = fn = 0
    case_n = case_ok = 0
    text_acc, text_len = 0.0, 0
    review = 0
    for t in truth:
        path = os.path.join(d, t["file"])
        pages = res.get(path)
        o = pages[0] if pages else {"blank": False, "document_type": "(error)", "fields": {},
                                     "case_number": None, "text": "", "needs_review": []}
        if o["blank"] and t["blank"]:
            tp += 1
        elif o["blank"]:
            fp += 1
        elif t["blank"]:
            fn += 1
        if t["document_type"]:
            type_n[t["document_type"]] += 1
            type_ok[t["document_type"]] += o["document_type"] == t["document_type"]
        if t["case_number"]:
            case_n += 1
            case_ok += o["case_number"] == t["case_number"]
        if t["text"]:
            acc, n = char_accuracy(o["text"], t["text"])
            text_acc += acc * n
            text_len += n
        review += bool(o.get("needs_review"))
        for name, want in t["fields"].items():
            got = o["fields"].get(name, {}).get("value")
            good = got == want
            field_n[name] += 1
            field_ok[name] += good
            tf_n[t["document_type"]] += 1
            tf_ok[t["document_type"]] += good
            fo = o["fields"].get(name, {})
            if name.startswith("place_") and fo.get("source") == "ocr" and fo.get("raw"):
                raw = fo["raw"]
                if raw != got:
                    repair["changed"] += 1
                    repair["fixed"] += good
                    repair["broke"] += raw == want
            if not good and len(misses[name]) < a.misses:
                misses[name].append("%s: %r != %r" % (t["file"], got, want))

    print("OCR accuracy: %d images from tools/gen_ocr_set.py (%s)" % (len(truth), d))
    print()
    print("%-20s %6s %8s" % ("field", "n", "exact"))
    tot_n = tot_ok = 0
    for f in FIELDS:
        if field_n[f]:
            print("%-20s %6d %8s" % (f, field_n[f], pct(field_ok[f], field_n[f])))
            tot_n += field_n[f]
            tot_ok += field_ok[f]
    print("%-20s %6d %8s" % ("all fields", tot_n, pct(tot_ok, tot_n)))
    print()
    print("%-18s %6s %10s %10s" % ("document type", "n", "type ok", "fields ok"))
    for k in sorted(type_n):
        print("%-18s %6d %10s %10s" % (k, type_n[k], pct(type_ok[k], type_n[k]), pct(tf_ok[k], tf_n[k])))
    print()
    prec = tp / (tp + fp) if tp + fp else 0
    rec = tp / (tp + fn) if tp + fn else 0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0
    print("blank pages: precision %.3f recall %.3f F1 %.3f (tp %d fp %d fn %d)" % (prec, rec, f1, tp, fp, fn))
    print("case number (pages with a code): %d/%d %s" % (case_ok, case_n, pct(case_ok, case_n).strip()))
    if text_len:
        print("character accuracy, clean generated text pages: %.4f (%d chars)" % (text_acc / text_len, text_len))
    print("pages with needs_review: %d" % review)
    print("place repair on OCR-only places: %d changed, %d misreadings fixed, %d correct "
          "readings broken" % (repair["changed"], repair["fixed"], repair["broke"]))

    corpus = os.path.abspath(a.corpus)
    if os.path.isdir(corpus):
        pairs = []
        for dp, _, fs in os.walk(corpus):
            for f in sorted(fs):
                if f.endswith(".gt.txt"):
                    stem = f[:-len(".gt.txt")]
                    for ext in (".tif", ".png"):
                        if os.path.exists(os.path.join(dp, stem + ext)):
                            pairs.append((os.path.join(dp, stem + ext), os.path.join(dp, f)))
                            break
        if pairs:
            cres = run_ocr(a.sohoa, [p for p, _ in pairs])
            print()
            print("character accuracy on %s:" % corpus)
            all_acc = all_len = 0
            for img, gt in pairs:
                out = "\n".join(p["text"] for p in cres.get(img, []))
                acc, n = char_accuracy(out, open(gt, encoding="utf-8").read())
                all_acc += acc * n
                all_len += n
                print("  %-55s %6d chars %.4f" % (os.path.relpath(img, corpus), n, acc))
            print("  %-55s %6d chars %.4f" % ("all", all_len, all_acc / max(1, all_len)))
    else:
        print("(no corpus at %s: skipped)" % corpus)

    if misses:
        print()
        print("examples of misses:")
        for f in FIELDS:
            for m in misses.get(f, []):
                print("  %-18s %s" % (f, m))
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
