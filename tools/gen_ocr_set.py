#!/usr/bin/python3
# gen_ocr_set.py - labelled image set for the OCR accuracy bench (bench/ocr_accuracy.sh).
#
#   /usr/bin/python3 tools/gen_ocr_set.py OUTDIR [--count N]
#
# Writes OUTDIR/*.png|jpg and OUTDIR/truth.json (one entry per image: document type, blank,
# expected identity fields, case number, and for clean text pages the ground-truth text).
# The set is NOT committed: the bench makes it in a temporary folder.
#
# What it holds (default 220 images): 2021 chip cards (front, back), 2024 cards (front, back),
# cropped or photocopied on A4 at any place of the page; application forms with the labels
# of the CT01-style forms; results and receipts with a Code 128 and/or QR case number;
# blank pages with scanner noise, specks, punch holes and bleed-through; clean text pages.
# Variation: fonts (DejaVu, Liberation, FreeFont families), layouts (label offsets, value on
# the label's line or below), noise, blur, JPEG artefacts, skew up to +-4 degrees, quarter
# turns of whole pages, QR codes partly destroyed.
#
# ALL PEOPLE, ID NUMBERS AND CASE NUMBERS ARE RANDOM AND FICTITIOUS.
# Deterministic: one seed (--seed), no timestamps.
# Needs python3-pil, python3-qrcode, fonts-dejavu-core, fonts-liberation2, fonts-freefont-ttf.

import argparse
import datetime
import json
import math
import os
import random
import sys

from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_samples as gs  # noqa: E402  (helpers: fonts, QR, Code 128, emblem)

ROOT = gs.ROOT
DPI = 300
A4 = (2480, 3508)
nfc = gs.nfc

SANS_FONTS = [("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
              ("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"),
              ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
              ("FreeSans.ttf", "FreeSansBold.ttf")]
SERIF_FONTS = [("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
               ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
               ("FreeSerif.ttf", "FreeSerifBold.ttf"),
               ("DejaVuSerifCondensed.ttf", "DejaVuSerifCondensed-Bold.ttf")]


def load_names():
    fam, mid, giv = [], [], []
    with open(os.path.join(ROOT, "ocr", "data", "names.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            kind, word, weight = line.rstrip("\n").split("\t")
            {"family": fam, "middle": mid, "given": giv}[kind].append((word, float(weight)))
    return fam, mid, giv


def load_provinces():
    out = []
    with open(os.path.join(ROOT, "ocr", "data", "provinces.tsv"), encoding="utf-8") as f:
        for line in f:
            if line[:1].isdigit():
                code, name = line.rstrip("\n").split("\t")
                out.append((code, name))
    return out


FAM, MID, GIV = load_names()
PROV = load_provinces()
VILLAGES = ["Thôn Đông", "Thôn Tây", "Thôn Trung", "Xóm Mới", "Thôn Hạ", "Thôn Thượng",
            "Tổ dân phố 3", "Tổ 12", "Số 45 đường Lê Lợi", "Số 8 ngõ 21 phố Huế", "Ấp Bình Lợi",
            "Khu phố 2", "Bản Nà Phặc", "Thôn Phú Lộc", "Xóm Đồng Tâm"]


def load_places(path=os.path.join(ROOT, "ocr", "data", "places.tsv")):
    """Every commune of ocr/data/places.tsv (the GSO list) with its district and province:
    places are drawn from the whole country, not from a short list the reader was tuned on.
    --places FILE draws from another list of the same format (the bench's held-out sample)."""
    out, prov, dist = [], None, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line[:1] not in "123":
                continue
            level, unit, name = line.rstrip("\n").split("\t")
            if level == "1":
                prov = (unit, name)
            elif level == "2":
                dist = (unit, name)
            else:
                out.append(((unit, name), dist, prov))
    return out


COMMUNES = load_places()


def bare(unit_name):
    """As cards print a unit in a place of origin: the name alone, with its unit when the
    name is a number (Phường 12, Quận 3)."""
    unit, name = unit_name
    return "%s %s" % (unit, name) if name[:1].isdigit() else name


def prefixed(unit_name):
    unit, name = unit_name
    return "%s %s" % (unit.lower(), name)


def pick_weighted(rnd, items):
    total = sum(w for _, w in items)
    x = rnd.random() * total
    for word, w in items:
        x -= w
        if x <= 0:
            return word
    return items[-1][0]


def upper(s):
    return nfc(s).upper()


def person(rnd):
    fam = pick_weighted(rnd, FAM)
    n_mid = rnd.choice([1, 1, 1, 2])
    mids = [pick_weighted(rnd, MID) for _ in range(n_mid)]
    giv = rnd.choice(GIV)[0]
    sex = rnd.choice(["Nam", "Nữ"])
    if sex == "Nữ" and rnd.random() < 0.6:
        mids[0] = "Thị"
    if sex == "Nam" and rnd.random() < 0.4:
        mids[0] = "Văn"
    dob = datetime.date(rnd.randint(1945, 2006), rnd.randint(1, 12), rnd.randint(1, 28))
    code, pname = rnd.choice(PROV)
    g = (dob.year // 100 - 19) * 2 + (1 if sex == "Nữ" else 0)
    idn = "%s%d%02d%06d" % (code, g, dob.year % 100, rnd.randint(0, 999999))
    issue = datetime.date(rnd.randint(2021, 2024), rnd.randint(1, 12), rnd.randint(1, 28))
    if issue < dob + datetime.timedelta(days=14 * 366):
        issue = dob.replace(year=dob.year + 14) + datetime.timedelta(days=40)
    expiry = None
    for age in (25, 40, 60):
        due = dob.replace(year=dob.year + age)
        if issue < due.replace(year=due.year - 2):
            expiry = due
            break
    origin, home = rnd.choice(COMMUNES), rnd.choice(COMMUNES)
    return {
        "full_name": upper(" ".join([fam] + mids + [giv])),
        "id_number": idn,
        "old_id": "%09d" % rnd.randint(10 ** 8, 10 ** 9 - 1) if rnd.random() < 0.3 else "",
        "dob": dob, "sex": sex, "nationality": "Việt Nam",
        "origin": ", ".join(bare(u) for u in origin),
        "residence": "%s, %s, %s" % (rnd.choice(VILLAGES), prefixed(home[0]), prefixed(home[2])),
        "issue": issue, "expiry": expiry,
    }


def dmy(d):
    return d.strftime("%d/%m/%Y")


def iso(d):
    return d.strftime("%Y-%m-%d")


def card_qr(p):
    return "|".join([p["id_number"], p["old_id"], p["full_name"], p["dob"].strftime("%d%m%Y"),
                     p["sex"], p["residence"], p["issue"].strftime("%d%m%Y")])


def damage_qr(img, rnd):
    """Paint over a patch of the QR code: sometimes within what error correction repairs."""
    d = ImageDraw.Draw(img)
    w, h = img.size
    s = rnd.uniform(0.12, 0.35)
    x, y = rnd.randint(int(w * 0.25), int(w * 0.6)), rnd.randint(int(h * 0.25), int(h * 0.6))
    d.rectangle([x, y, x + int(w * s), y + int(h * s * 0.6)], fill=rnd.choice([0, 255, 200]))


def text(d, xy, s, f, fill=0):
    d.text(xy, nfc(s), font=f, fill=fill)
    return d.textlength(nfc(s), font=f)


def lv(d, x, y, label, value, fl, fv):
    """Label then value on one baseline; returns the x after the value."""
    base = y + fl.getmetrics()[0]
    x += d.textlength(nfc(label + " "), font=fl)
    d.text((x - d.textlength(nfc(label + " "), font=fl), base), nfc(label + " "), font=fl,
           fill=0, anchor="ls")
    d.text((x, base), nfc(value), font=fv, fill=0, anchor="ls")
    return x + d.textlength(nfc(value), font=fv)


def mrz_check(s):
    v = lambda ch: int(ch) if ch.isdigit() else (ord(ch) - 55 if ch.isalpha() else 0)
    return str(sum(v(ch) * (7, 3, 1)[i % 3] for i, ch in enumerate(s)) % 10)


def mrz(p):
    """ICAO TD1 lines as on the cards: line 1 holds the last 9 digits of the number, a check
    digit and the full 12-digit number; line 2 birth, sex, expiry; line 3 the name."""
    nm = gs.fold(p["full_name"]).upper().split(" ")
    name_line = (nm[0] + "<<" + "<".join(nm[1:])).ljust(30, "<")[:30]
    doc = p["id_number"][3:]
    l1 = ("IDVNM" + doc + mrz_check(doc) + p["id_number"]).ljust(30, "<")[:30]
    b = p["dob"].strftime("%y%m%d")
    e = p["expiry"].strftime("%y%m%d") if p["expiry"] else "<<<<<<"
    l2 = b + mrz_check(b) + ("M" if p["sex"] == "Nam" else "F") + e + mrz_check(e) + "VNM"
    l2 = l2.ljust(29, "<")
    l2 += mrz_check(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    return [l1, l2, name_line]


CARD = (1011, 638)


def card_base(rnd, title, subtitle, fonts):
    W, H = CARD
    card = Image.new("L", CARD, rnd.randint(228, 245))
    d = ImageDraw.Draw(card)
    for k in range(12):
        pts = [(x, H * 0.15 + k * 40 + 12 * math.sin(x / 33.0 + k)) for x in range(0, W, 8)]
        d.line(pts, fill=card.getpixel((0, 0)) - 5, width=2)
    reg, bold = fonts
    gs.emblem(d, 95, 92, 68)
    hx = 505
    for i, (s, b, px) in enumerate([("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1, 26),
                                    ("SOCIALIST REPUBLIC OF VIET NAM", 0, 23),
                                    ("Độc lập - Tự do - Hạnh phúc", 1, 25),
                                    ("Independence - Freedom - Happiness", 0, 23)]):
        gs.ctext(d, hx, 22 + 31 * i, s, gs.font(bold if b else reg, px))
    gs.ctext(d, hx, 148, title, gs.font(bold, 46))
    gs.ctext(d, hx, 202, subtitle, gs.font(bold, 28))
    return card, d


def card_2021_front(rnd, p, fonts, qr_ok):
    card, d = card_base(rnd, "CĂN CƯỚC CÔNG DÂN", "Citizen Identity Card", fonts)
    reg, bold = fonts
    lab, val = gs.font(reg, rnd.randint(23, 26)), gs.font(bold, rnd.randint(29, 33))
    qr = gs.qr_image(card_qr(p), box=4, border=2)
    if not qr_ok:
        damage_qr(qr, rnd)
    card.paste(qr, (CARD[0] - qr.width - 14, 14))
    d.rectangle([28, 200, 258, 500], fill=175, outline=120, width=2)
    text(d, (28, 512), "Có giá trị đến:", gs.font(reg, 21))
    text(d, (28, 538), "Date of expiry", gs.font(reg, 21))
    text(d, (28, 566), dmy(p["expiry"]) if p["expiry"] else "Không thời hạn", gs.font(bold, 28))
    x = 280 + rnd.randint(0, 16)
    lv(d, x, 244, "Số / No.:", p["id_number"], lab, gs.font(bold, 40))
    text(d, (x, 300), "Họ và tên / Full name:", lab)
    text(d, (x + 20, 336), p["full_name"], gs.font(bold, 34 if len(p["full_name"]) < 24 else 30))
    lv(d, x, 386, "Ngày sinh / Date of birth:", dmy(p["dob"]), lab, val)
    xx = lv(d, x, 428, "Giới tính / Sex:", p["sex"], lab, val)
    lv(d, xx + 30, 428, "Quốc tịch / Nationality:", p["nationality"], lab, val)
    # The place of origin beside its label, a little smaller if need be; a long one goes under
    # the label (as on real cards, beside the expiry column) rather than off the edge.
    label = "Quê quán / Place of origin:"
    right = CARD[0] - 16
    dy = 0
    size = val.size
    while size > 24 and x + d.textlength(nfc(label + " "), font=lab) + \
            d.textlength(nfc(p["origin"]), font=gs.font(bold, size)) > right:
        size -= 1
    if x + d.textlength(nfc(label + " "), font=lab) + \
            d.textlength(nfc(p["origin"]), font=gs.font(bold, size)) <= right:
        lv(d, x, 470, label, p["origin"], lab, gs.font(bold, size))
    else:
        size = val.size
        while size > 22 and x + 20 + d.textlength(nfc(p["origin"]), font=gs.font(bold, size)) > right:
            size -= 1
        text(d, (x, 466), label, lab)
        text(d, (x + 20, 500), p["origin"], gs.font(bold, size))
        dy = 36
    res = p["residence"].split(", ", 1)
    lv(d, x, 512 + dy, "Nơi thường trú / Place of residence:", res[0] + ",", lab, val)
    text(d, (x, 552 + dy), res[1], val)
    f = {"id_number": p["id_number"], "full_name": p["full_name"], "date_of_birth": iso(p["dob"]),
         "sex": p["sex"], "nationality": "Việt Nam", "place_of_origin": p["origin"],
         "place_of_residence": p["residence"]}
    if p["expiry"]:
        f["date_of_expiry"] = iso(p["expiry"])
    if qr_ok:
        f["date_of_issue"] = iso(p["issue"])
        if p["old_id"]:
            f["old_id_number"] = p["old_id"]
    return card, f


def card_2021_back(rnd, p, fonts):
    W, H = CARD
    reg, bold = fonts
    card = Image.new("L", CARD, rnd.randint(228, 245))
    d = ImageDraw.Draw(card)
    lab, val = gs.font(reg, 22), gs.font(bold, 26)
    text(d, (30, 30), "Đặc điểm nhân dạng / Personal identification:", lab)
    text(d, (30, 62), "Nốt ruồi C:1cm trên trước mép phải", val)
    lv(d, 30, 110, "Ngày, tháng, năm / Date, month, year:", dmy(p["issue"]), lab, val)
    text(d, (30, 150), "CỤC TRƯỞNG CỤC CẢNH SÁT", gs.font(bold, 22))
    text(d, (30, 176), "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", gs.font(bold, 22))
    for x0 in (560, 780):
        d.rectangle([x0, 30, x0 + 190, 250], outline=90, width=2)
        for r in range(10, 90, 9):
            d.ellipse([x0 + 95 - r, 140 - r * 1.2, x0 + 95 + r, 140 + r * 1.2], outline=150)
    mono = gs.font("DejaVuSansMono.ttf", 40)
    for i, line in enumerate(mrz(p)):
        text(d, (40, 430 + 60 * i), line, mono)
    # the MRZ carries the number, birth date and sex
    return card, {"date_of_issue": iso(p["issue"]), "id_number": p["id_number"],
                  "date_of_birth": iso(p["dob"]), "sex": p["sex"]}


def card_2024_front(rnd, p, fonts, qr_ok):
    card, d = card_base(rnd, "CĂN CƯỚC", "IDENTITY CARD", fonts)
    reg, bold = fonts
    lab, val = gs.font(reg, rnd.randint(22, 24)), gs.font(bold, rnd.randint(29, 32))
    d.rectangle([28, 200, 258, 500], fill=175, outline=120, width=2)
    x = 280 + rnd.randint(0, 12)
    text(d, (x, 240), "Số định danh cá nhân / Personal identification number:", lab)
    text(d, (x + 10, 270), p["id_number"], gs.font(bold, 40))
    text(d, (x, 326), "Họ, chữ đệm và tên khai sinh / Full name:", lab)
    text(d, (x + 10, 356), p["full_name"], gs.font(bold, 32 if len(p["full_name"]) < 24 else 28))
    lv(d, x, 410, "Ngày, tháng, năm sinh / Date of birth:", dmy(p["dob"]), lab, val)
    xx = lv(d, x, 454, "Giới tính / Sex:", p["sex"], lab, val)
    lv(d, xx + 30, 454, "Quốc tịch / Nationality:", p["nationality"], lab, val)
    return card, {"id_number": p["id_number"], "full_name": p["full_name"],
                  "date_of_birth": iso(p["dob"]), "sex": p["sex"], "nationality": "Việt Nam"}


def card_2024_back(rnd, p, fonts, qr_ok):
    W, H = CARD
    reg, bold = fonts
    card = Image.new("L", CARD, rnd.randint(228, 245))
    d = ImageDraw.Draw(card)
    lab, val = gs.font(reg, 22), gs.font(bold, 27)
    qr = gs.qr_image(card_qr(p), box=4, border=2)
    if not qr_ok:
        damage_qr(qr, rnd)
    card.paste(qr, (W - qr.width - 14, 14))
    text(d, (30, 24), "Nơi cư trú / Place of residence:", lab)
    res = p["residence"].split(", ", 1)
    text(d, (30, 54), res[0] + ",", val)
    text(d, (30, 90), res[1], val)
    text(d, (30, 134), "Nơi đăng ký khai sinh / Place of birth:", lab)
    text(d, (30, 164), p["origin"], val)
    lv(d, 30, 214, "Ngày, tháng, năm cấp / Date of issue:", dmy(p["issue"]), lab, val)
    lv(d, 30, 256, "Ngày, tháng, năm hết hạn / Date of expiry:",
       dmy(p["expiry"]) if p["expiry"] else "Không thời hạn", lab, val)
    mono = gs.font("DejaVuSansMono.ttf", 40)
    for i, line in enumerate(mrz(p)):
        text(d, (40, 430 + 60 * i), line, mono)
    f = {"place_of_residence": p["residence"], "date_of_issue": iso(p["issue"]),
         "id_number": p["id_number"], "date_of_birth": iso(p["dob"]), "sex": p["sex"]}
    if p["expiry"]:
        f["date_of_expiry"] = iso(p["expiry"])
    if qr_ok:
        f["full_name"] = p["full_name"]
    return card, f


def a4(tone=255):
    return Image.new("L", A4, tone)


def form_page(rnd, p, fonts):
    img = a4()
    d = ImageDraw.Draw(img)
    reg, bold = fonts
    size = rnd.randint(44, 56)
    f, fb = gs.font(reg, size), gs.font(bold, size)
    gs.ctext(d, A4[0] / 2, 200, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", gs.font(bold, 52))
    gs.ctext(d, A4[0] / 2, 270, "Độc lập - Tự do - Hạnh phúc", gs.font(bold, 50))
    title = rnd.choice(["TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "TỜ KHAI ĐĂNG KÝ KHAI SINH",
                        "ĐƠN ĐỀ NGHỊ CẤP GIẤY CHỨNG NHẬN", "TỜ KHAI CĂN CƯỚC"])
    gs.ctext(d, A4[0] / 2, 420, title, gs.font(bold, 64))
    x, y, dy = 200 + rnd.randint(0, 60), 620, size + rnd.randint(36, 50)
    name_label = rnd.choice(["Họ, chữ đệm và tên:", "Họ và tên:", "Họ, chữ đệm và tên khai sinh:"])
    if rnd.random() < 0.3:   # another person's fields first
        lv(d, x, y, "Họ, chữ đệm và tên chủ hộ:", upper("Lê Văn Hùng"), f, fb)
        y += dy
        lv(d, x, y, "Số định danh cá nhân của chủ hộ:", "001070012345", f, fb)
        y += dy
    lv(d, x, y, name_label, p["full_name"], f, fb)
    y += dy
    xx = lv(d, x, y, "Ngày, tháng, năm sinh:", dmy(p["dob"]), f, fb)
    lv(d, xx + 80, y, "Giới tính:", p["sex"], f, fb)
    y += dy
    lv(d, x, y, "Số định danh cá nhân:", p["id_number"], f, fb)
    y += dy
    lv(d, x, y, "Số điện thoại liên hệ:", "09%d %03d %03d" % (rnd.randint(10, 99), rnd.randint(0, 999),
                                                              rnd.randint(0, 999)), f, fb)
    y += dy
    lv(d, x, y, rnd.choice(["Nơi cư trú:", "Nơi thường trú:"]), p["residence"], f, fb)
    y += dy
    lv(d, x, y, "Nội dung đề nghị:", "Đăng ký thường trú", f, fb)
    y += 2 * dy
    text(d, (A4[0] - 1100, y), "Ngày %d tháng %d năm 2025" % (rnd.randint(1, 28), rnd.randint(1, 12)), f)
    gs.signature(d, A4[0] - 1000, y + 150, rnd)
    return img, {"full_name": p["full_name"], "date_of_birth": iso(p["dob"]), "sex": p["sex"],
                 "id_number": p["id_number"], "place_of_residence": p["residence"]}


def case_number(rnd):
    agency = rnd.choice(["000.00.22.H27", "H27.151.01", "000.30.15.H29", "H15.50.05.13", "H50.12"])
    d = datetime.date(2025, rnd.randint(1, 12), rnd.randint(1, 28))
    return "%s-%s-%0*d" % (agency, d.strftime("%y%m%d"), rnd.choice([4, 4, 6]), rnd.randint(1, 9999))


def result_page(rnd, fonts, kind):
    img = a4()
    d = ImageDraw.Draw(img)
    reg, bold = fonts
    f = gs.font(reg, 48)
    cn = case_number(rnd)
    has_bar, has_qr = rnd.random() < 0.8, rnd.random() < 0.6
    if not (has_bar or has_qr):
        has_bar = True
    if has_qr:
        q = gs.qr_image("%s|1.004194|%s|Kết quả|Hệ thống thông tin giải quyết TTHC" % (cn, "042190001234"), box=7)
        img.paste(q, (150, 150))
    if has_bar:
        b = gs.code128_image(cn, module=rnd.choice([3, 4]))
        img.paste(b, (A4[0] - b.width - 150, 180))
    gs.ctext(d, A4[0] / 2 + 200, 200, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", gs.font(bold, 48))
    title = {"result": rnd.choice(["GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH", "QUYẾT ĐỊNH",
                                   "GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", "TRÍCH LỤC KHAI SINH"]),
             "receipt": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"}[kind]
    gs.ctext(d, A4[0] / 2, 700, title, gs.font(bold, 62))
    y = 900
    for line in ["Mã hồ sơ: " + cn, "Căn cứ Luật Cư trú ngày 13 tháng 11 năm 2020;",
                 "Xét đề nghị của công dân tại hồ sơ nêu trên,",
                 "Ủy ban nhân dân xã xác nhận nội dung như sau."]:
        text(d, (250, y), line, f)
        y += 90
    return img, cn


def blank_page(rnd):
    img = a4(rnd.randint(238, 252))
    d = ImageDraw.Draw(img)
    for _ in range(rnd.randint(20, 200)):   # toner specks
        x, y, r = rnd.randint(0, A4[0]), rnd.randint(0, A4[1]), rnd.choice([1, 1, 2, 3])
        d.ellipse([x - r, y - r, x + r, y + r], fill=rnd.randint(60, 180))
    if rnd.random() < 0.5:                  # punch holes
        for yy in (A4[1] // 2 - 400, A4[1] // 2 + 400):
            d.ellipse([60, yy - 40, 140, yy + 40], fill=rnd.randint(20, 80))
    if rnd.random() < 0.5:                  # faint bleed-through, mirrored
        bf = gs.font("LiberationSerif-Regular.ttf", 50)
        tone = img.getpixel((10, 10)) - rnd.randint(8, 18)
        layer = Image.new("L", A4, 255)
        ld = ImageDraw.Draw(layer)
        for i in range(25):
            ld.text((250, 300 + 110 * i), nfc("Ủy ban nhân dân xã Thạch Hà xác nhận nội dung"), font=bf, fill=0)
        layer = layer.transpose(Image.FLIP_LEFT_RIGHT)
        img.paste(tone, (0, 0), layer.point(lambda v: 255 - v))
    return img


TEXT_LINES = [
    "Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024 và các văn bản hướng dẫn thi hành;",
    "Xét đơn đề nghị của bà Nguyễn Thị Liên về việc cấp Giấy chứng nhận quyền sử dụng đất,",
    "quyền sở hữu nhà ở và tài sản khác gắn liền với đất tại thửa đất số 125, tờ bản đồ số 7;",
    "Ủy ban nhân dân xã Thạch Hà đã kiểm tra hồ sơ, xác minh thực địa và niêm yết công khai",
    "trong thời hạn mười lăm ngày theo quy định; không có ý kiến phản ánh, khiếu nại.",
    "Hồ sơ gồm: tờ khai, bản sao giấy tờ tùy thân, sơ đồ thửa đất và biên lai nộp phí.",
    "Người nhận kết quả mang theo giấy hẹn trả kết quả và giấy tờ tùy thân bản chính.",
    "Trường hợp hồ sơ chưa đầy đủ, cán bộ tiếp nhận hướng dẫn bổ sung một lần bằng văn bản.",
]


def text_page(rnd, fonts):
    img = a4()
    d = ImageDraw.Draw(img)
    f = gs.font(fonts[0], rnd.randint(46, 54))
    lines = TEXT_LINES[:]
    rnd.shuffle(lines)
    y = 300
    out = []
    for line in lines:
        for l in gs.wrap(d, line, f, A4[0] - 400):
            text(d, (200, y), l, f)
            out.append(l)
            y += int(f.size * 1.6)
    return img, "\n".join(out)


def degrade(img, rnd, skew=True, turn=True):
    """Skew, quarter turns, blur and noise; returns (image, turns, angle)."""
    angle = rnd.uniform(-4, 4) if skew and rnd.random() < 0.6 else 0.0
    if angle:
        img = img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=img.getpixel((2, 2)))
    turns = rnd.choice([0, 0, 0, 0, 1, 2, 3]) if turn else 0
    if turns:
        img = img.rotate(90 * turns, expand=True)
    if rnd.random() < 0.4:
        img = img.filter(ImageFilter.GaussianBlur(rnd.uniform(0.4, 1.1)))
    if rnd.random() < 0.5:   # sensor noise: a little of a noise field mixed in
        img = Image.blend(img, Image.effect_noise(img.size, 40), rnd.uniform(0.03, 0.08))
    return img, turns, angle


def on_a4(card, rnd):
    page = a4(rnd.randint(240, 252))
    x = rnd.randint(120, A4[0] - card.width - 120)
    y = rnd.randint(120, A4[1] - card.height - 120)
    page.paste(card, (x, y))
    ImageDraw.Draw(page).rectangle([x - 2, y - 2, x + card.width + 1, y + card.height + 1], outline=90, width=2)
    return page


def save(img, path, rnd, jpeg):
    if jpeg:
        img.save(path, format="JPEG", quality=rnd.randint(40, 85), dpi=(DPI, DPI))
    else:
        img.save(path, format="PNG", dpi=(DPI, DPI))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--count", type=int, default=220)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--places", help="list of units to draw places from (places.tsv format)")
    a = ap.parse_args()
    if a.places:
        global COMMUNES
        COMMUNES = load_places(a.places)
    os.makedirs(a.outdir, exist_ok=True)
    rnd = random.Random(a.seed)
    plan = (["card21_front"] * 40 + ["card21_front_copy"] * 30 + ["card24_front"] * 25 +
            ["card21_back"] * 15 + ["card24_back"] * 15 + ["form"] * 30 + ["result"] * 20 +
            ["receipt"] * 10 + ["blank"] * 25 + ["text"] * 10)
    scale = a.count / len(plan)
    plan = [k for i, k in enumerate(plan) if int(i * scale) != int((i + 1) * scale) or scale >= 1]
    truth = []
    for i, kind in enumerate(plan):
        fonts = rnd.choice(SANS_FONTS if kind.startswith("card") else SANS_FONTS + SERIF_FONTS)
        p = person(rnd)
        qr_ok = rnd.random() > 0.15
        t = {"kind": kind, "blank": False, "fields": {}, "case_number": None, "text": None}
        jpeg = rnd.random() < 0.3
        if kind.startswith("card"):
            if kind.startswith("card21_front"):
                card, f = card_2021_front(rnd, p, fonts, qr_ok)
            elif kind == "card24_front":
                card, f = card_2024_front(rnd, p, fonts, qr_ok)
            elif kind == "card21_back":
                card, f = card_2021_back(rnd, p, fonts)
            else:
                card, f = card_2024_back(rnd, p, fonts, qr_ok)
            copy = kind.endswith("_copy") or rnd.random() < 0.2
            img = on_a4(card, rnd) if copy else card
            t["document_type"] = "id_card_copy" if copy else (
                "id_card_back" if "back" in kind else "id_card_front")
            t["fields"] = f
            t["qr_damaged"] = not qr_ok
            img, turns, angle = degrade(img, rnd, turn=copy)
        elif kind == "form":
            img, t["fields"] = form_page(rnd, p, fonts)
            t["document_type"] = "application_form"
            img, turns, angle = degrade(img, rnd)
        elif kind in ("result", "receipt"):
            img, t["case_number"] = result_page(rnd, fonts, kind)
            t["document_type"] = kind
            img, turns, angle = degrade(img, rnd)
        elif kind == "blank":
            img = blank_page(rnd)
            t["document_type"] = "blank"
            t["blank"] = True
            img, turns, angle = degrade(img, rnd, skew=False, turn=False)
        else:
            img, t["text"] = text_page(rnd, fonts)
            t["document_type"] = None   # a text body: not scored for its type
            turns, angle, jpeg = 0, 0.0, False   # clean 300 dpi pages
        t["rotation"] = turns * 90   # PIL turns counter-clockwise; we report the undo
        t["skew_deg"] = round(angle, 2)
        name = "%03d-%s.%s" % (i + 1, kind, "jpg" if jpeg else "png")
        save(img, os.path.join(a.outdir, name), rnd, jpeg)
        t["file"] = name
        truth.append(t)
    with open(os.path.join(a.outdir, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)
    print("%d images in %s" % (len(truth), a.outdir))


if __name__ == "__main__":
    main()
