#!/usr/bin/python3
# gen_samples.py - generator of sohoa's synthetic sample pages and test fixtures.
#
# Makes (paths relative to the repository root):
#   tests/data/text_vi.png, text_vi.gt.txt  clean printed Vietnamese text + ground truth
#   tests/data/blank_noisy.png              blank A5 page with scanner noise (should count as blank)
#   tests/data/one_line.png                 same noise + one short line of text (NOT blank)
#   docs/samples/01-to-khai.png             application form (tờ khai), A4
#   docs/samples/02-cccd-front.png          photocopy of a synthetic 2021 chip ID card front, A4
#   docs/samples/03-giay-tiep-nhan.png      receipt with QR (top-left) and Code 128 case number, A4
#   docs/samples/expected.json              ground truth of the samples
#   docs/samples/README.md                  what the samples are
#
# ALL PEOPLE, ADDRESSES, ID NUMBERS AND CASE NUMBERS HERE ARE FICTITIOUS.
# Any resemblance to a real person or dossier is coincidental.
#
# Deterministic: fixed random seeds, no timestamps; rerunning rewrites identical files
# (given the same Pillow/zlib/qrcode versions and fonts).  All text is NFC UTF-8.
# Needs: Debian python3-pil, python3-qrcode, fonts-dejavu-core, fonts-liberation2.
# Run from anywhere:  /usr/bin/python3 tools/gen_samples.py
#
# 8-bit grayscale PNGs, 300 dpi (pHYs chunk).  Code 128 barcodes are drawn here from the
# Code 128 symbol table (this is a test-image generator, not product code).

import json
import math
import os
import random
import sys
import unicodedata

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

try:
    import qrcode
    import qrcode.constants
except ImportError:  # pragma: no cover
    sys.exit("gen_samples.py: needs python3-qrcode (apt-get install python3-qrcode)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTDATA = os.path.join(ROOT, "tests", "data")
SAMPLES = os.path.join(ROOT, "docs", "samples")
DPI = 300

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation2",
             "/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/freefont"]


def font(name, px):
    for d in FONT_DIRS:
        p = os.path.join(d, name)
        if os.path.exists(p):
            return ImageFont.truetype(p, px)
    sys.exit("gen_samples.py: font %s not found (install fonts-dejavu-core, fonts-liberation2)" % name)


def pt(points):
    """Font size in pixels (em) for a point size at 300 dpi."""
    return round(points * DPI / 72)


def mm(v):
    return round(v * DPI / 25.4)


def nfc(s):
    return unicodedata.normalize("NFC", s)


def save_png(img, path, quant=None):
    """Save 8-bit gray PNG with 300 dpi metadata.  quant=N reduces to gray levels that are
    multiples of N (keeps 0 and 255) to help compression."""
    assert img.mode == "L"
    if quant:
        img = img.point(lambda v: 255 if v >= 255 - quant // 2 else (v + quant // 2) // quant * quant)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    img.save(path, format="PNG", dpi=(DPI, DPI), optimize=True)
    return path


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(nfc(text))


# ---------------------------------------------------------------------------------------------
# The fictitious person and dossier shared by all samples.

PERSON = {
    "full_name": "NGUYỄN THỊ LIÊN",
    "id_number": "042190001234",        # 042 Hà Tĩnh, G=1 female born 1900s, YY=90
    "old_id": "",
    "birth_date": "12/03/1990",
    "sex": "Nữ",
    "nationality": "Việt Nam",
    "place_of_origin": "Thạch Hà, Hà Tĩnh",
    "residence": "Thôn Đông, xã Thạch Hà, tỉnh Hà Tĩnh",
    "phone": "0912 345 678",
    "card_issue_date": "15/08/2021",
    "card_expiry": "12/03/2030",       # renewed at 40 -> valid until the 40th birthday
}
CASE = {
    "case_number": "000.00.22.H27-250701-0001",
    "agency_code": "000.00.22.H27",
    "receipt_date": "01/07/2025",
    "return_date": "04/07/2025",
    "procedure_code": "1.004194",
    "procedure_name": "Đăng ký thường trú",
    "agency": "Bộ phận Một cửa UBND xã Thạch Hà",
    "system": "Hệ thống thông tin giải quyết TTHC tỉnh Hà Tĩnh",
    "issued_at": "01/07/2025 08:15",
}


def ddmmyyyy(d):
    return d.replace("/", "")


CCCD_QR = "|".join([PERSON["id_number"], PERSON["old_id"], PERSON["full_name"],
                    ddmmyyyy(PERSON["birth_date"]), PERSON["sex"], PERSON["residence"],
                    ddmmyyyy(PERSON["card_issue_date"])])
RECEIPT_QR = "|".join([CASE["case_number"], CASE["procedure_code"], PERSON["id_number"],
                       "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", CASE["system"],
                       CASE["issued_at"]])

# ---------------------------------------------------------------------------------------------
# 1. text_vi.png

TEXT_VI_LINES = [
    "Đơn đề nghị cấp giấy chứng nhận quyền sử dụng đất",
    "Người nộp đơn: NGUYỄN THỊ LIÊN, sinh năm 1990.",
    "Nơi cư trú: thôn Đông, xã Thạch Hà, tỉnh Hà Tĩnh.",
    "Số định danh cá nhân: 042190001234.",
    "Thửa đất số 125, tờ bản đồ số 07, diện tích 315,5 mét vuông.",
    "Bộ phận Một cửa đã tiếp nhận hồ sơ ngày 01 tháng 7 năm 2025.",
]


def gen_text_vi():
    w, h = 2000, 700
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    f = font("DejaVuSans.ttf", pt(11.5))   # 48 px em
    y, step = 48, 102
    for line in TEXT_VI_LINES:
        line = nfc(line)
        assert d.textlength(line, font=f) < w - 120, line
        d.text((60, y), line, font=f, fill=0)
        y += step
    save_png(img, os.path.join(TESTDATA, "text_vi.png"))
    write_text(os.path.join(TESTDATA, "text_vi.gt.txt"), "\n".join(TEXT_VI_LINES) + "\n")


# ---------------------------------------------------------------------------------------------
# 2. blank_noisy.png / one_line.png

BLEED_LINES = [
    "UỶ BAN NHÂN DÂN XÃ THẠCH HÀ",
    "Về việc xác nhận nơi cư trú của công dân",
    "Căn cứ Luật Cư trú ngày 13 tháng 11 năm 2020;",
    "Xét đề nghị của công dân và hồ sơ kèm theo,",
    "xác nhận ông/bà có nơi cư trú tại địa phương",
    "từ năm 2015 đến nay, chấp hành tốt chính sách",
    "pháp luật của Nhà nước và quy định địa phương.",
    "Giấy xác nhận này có giá trị trong 30 ngày.",
]


def noisy_page(seed=20250701):
    """A5-ish gray page (1750x2480) with scanner noise; returns an L image."""
    rnd = random.Random(seed)
    w, h = 1750, 2480
    # Low-frequency background variation 234..246, smooth, quantized to even levels.
    small = Image.new("L", (6, 9))
    small.putdata([rnd.randint(234, 246) for _ in range(6 * 9)])
    img = small.resize((w, h), Image.BICUBIC).point(lambda v: v // 2 * 2)

    # Bleed-through: mirrored text from the other side, blurred, ~8% darkness.
    bleed = Image.new("L", (w, h), 0)
    bd = ImageDraw.Draw(bleed)
    bf = font("LiberationSerif-Regular.ttf", pt(13))
    y = 260
    for i, line in enumerate(BLEED_LINES):
        bd.text((170, y), nfc(line), font=bf, fill=255)
        y += 95 if i != 0 else 150
    bleed = bleed.transpose(Image.FLIP_LEFT_RIGHT).filter(ImageFilter.GaussianBlur(1.2))
    bleed = bleed.point(lambda v: round(v * 0.08 * 0.92))  # max ~19 levels darker
    img = ImageChops.subtract(img, bleed)

    d = ImageDraw.Draw(img)
    # Faint dark border strip along the right edge (lid shadow), slowly ragged inner edge.
    for yy in range(0, h, 4):
        width = 16 + round(5 * math.sin(yy / 170.0) + 2 * math.sin(yy / 23.0))
        d.rectangle([w - width, yy, w - 1, yy + 3], fill=156)
        d.rectangle([w - width - 2, yy, w - width - 1, yy + 3], fill=196)
    # Two punch holes, 6 mm, 80 mm apart, centred vertically, ~12 mm from the left edge.
    r = mm(6) // 2
    cx = mm(12)
    for cy in (h // 2 - mm(40), h // 2 + mm(40)):
        d.ellipse([cx - r - 3, cy - r - 3, cx + r + 3, cy + r + 3], fill=110)  # soft rim
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=40)
    # A few dozen small specks (dust), a couple of short hair-like marks.
    for _ in range(40):
        x, y = rnd.randint(40, w - 60), rnd.randint(20, h - 20)
        rr = rnd.choice([1, 1, 2, 2, 3, 4])
        d.ellipse([x - rr, y - rr, x + rr, y + rr], fill=rnd.randint(50, 160))
    for _ in range(3):
        x, y = rnd.randint(200, w - 200), rnd.randint(200, h - 200)
        pts = [(x, y)]
        for _ in range(6):
            x += rnd.randint(-6, 9)
            y += rnd.randint(3, 9)
            pts.append((x, y))
        d.line(pts, fill=rnd.randint(120, 170), width=1)
    # Sparse pixel noise (~0.05% of pixels), so the page is not perfectly smooth.
    px = img.load()
    for _ in range(w * h // 2000):
        x, y = rnd.randrange(w), rnd.randrange(h)
        px[x, y] = max(0, min(255, px[x, y] + rnd.choice([-24, -16, -12, 10])))
    return img


def gen_blank_pages():
    page = noisy_page()
    save_png(page, os.path.join(TESTDATA, "blank_noisy.png"))
    one = page.copy()
    d = ImageDraw.Draw(one)
    d.text((230, 1850), nfc("Ghi chú: đã nhận đủ"), font=font("DejaVuSans.ttf", pt(12)), fill=20)
    save_png(one, os.path.join(TESTDATA, "one_line.png"))


# ---------------------------------------------------------------------------------------------
# Drawing helpers for the A4 samples.

A4 = (2480, 3508)
SERIF = "LiberationSerif-Regular.ttf"
SERIF_B = "LiberationSerif-Bold.ttf"
SERIF_I = "LiberationSerif-Italic.ttf"
SERIF_BI = "LiberationSerif-BoldItalic.ttf"
SANS = "LiberationSans-Regular.ttf"
SANS_B = "LiberationSans-Bold.ttf"


def text(d, xy, s, f, fill=0, anchor="la"):
    d.text(xy, nfc(s), font=f, fill=fill, anchor=anchor)
    return d.textlength(nfc(s), font=f)


def ctext(d, cx, y, s, f, fill=0):
    """Centred on cx, top at y; returns (left, right)."""
    w = d.textlength(nfc(s), font=f)
    d.text((cx - w / 2, y), nfc(s), font=f, fill=fill)
    return cx - w / 2, cx + w / 2


def wrap(d, s, f, width):
    words, lines, cur = nfc(s).split(" "), [], ""
    for wd in words:
        t = (cur + " " + wd).strip()
        if d.textlength(t, font=f) <= width or not cur:
            cur = t
        else:
            lines.append(cur)
            cur = wd
    if cur:
        lines.append(cur)
    return lines


def label_value(d, x, y, label, value, fl, fv, fill=0):
    """'label value' on one line (y = top of the label), value in another font, both on the
    label's baseline; returns x after the value."""
    base = y + fl.getmetrics()[0]
    x += text(d, (x, base), label + " ", fl, fill, anchor="ls")
    return x + text(d, (x, base), value, fv, fill, anchor="ls")


def signature(d, x, y, rnd, w=300, h=80):
    """A scribbled signature (a smooth random curve)."""
    pts = []
    n = 48
    f1, f2, ph = 14 + 10 * rnd.random(), 8 + 6 * rnd.random(), 6.28 * rnd.random()
    for i in range(n + 1):
        t = i / n
        px = x + t * w + 18 * math.sin(t * f1 + ph)
        py = y + h / 2 + (h / 2) * math.sin(t * f2 + ph + rnd.random() * 0.3) * (1 - 0.5 * t)
        pts.append((px, py))
    d.line(pts, fill=30, width=4, joint="curve")
    d.line([(x + 0.1 * w, y + h * 0.9), (x + 1.05 * w, y + h * 0.55)], fill=30, width=3)


def qr_image(payload, box, border=4, ecc=None):
    """QR code of the UTF-8 bytes of payload (byte mode, no ECI), as an L image."""
    q = qrcode.QRCode(error_correction=ecc or qrcode.constants.ERROR_CORRECT_M,
                      box_size=box, border=border)
    q.add_data(nfc(payload).encode("utf-8"), optimize=0)
    q.make(fit=True)
    return q.make_image(fill_color="black", back_color="white").get_image().convert("L")


# Code 128 symbol table: bar/space module widths of values 0..106 (106 = stop).
CODE128 = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 "
    "221312 231212 112232 122132 122231 113222 123122 123221 223211 221132 "
    "221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 "
    "212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 "
    "231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 "
    "231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 "
    "314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 "
    "112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 "
    "111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 "
    "214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 "
    "114131 311141 411131 211412 211214 211232 2331112").split()
assert len(CODE128) == 107 and all(sum(map(int, p)) == 11 for p in CODE128[:106])


def code128_modules(data):
    """Code set B encoding of printable ASCII; returns the module widths (bar first)."""
    vals = [104] + [ord(c) - 32 for c in data]
    assert all(0 <= v < 95 for v in vals[1:]), "Code 128 B: printable ASCII only"
    vals.append((104 + sum(i * v for i, v in enumerate(vals[1:], 1))) % 103)
    vals.append(106)
    return "".join(CODE128[v] for v in vals)


def code128_image(data, module=3, height=130, quiet=12):
    widths = code128_modules(data)
    total = sum(map(int, widths)) + 2 * quiet
    img = Image.new("L", (total * module, height), 255)
    d = ImageDraw.Draw(img)
    x, bar = quiet * module, True
    for wch in widths:
        wpx = int(wch) * module
        if bar:
            d.rectangle([x, 0, x + wpx - 1, height - 1], fill=0)
        x += wpx
        bar = not bar
    return img


def emblem(d, cx, cy, r, fill=110):
    """A stand-in for the national emblem: concentric rings and a five-pointed star."""
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=fill, width=4)
    d.ellipse([cx - r * 0.8, cy - r * 0.8, cx + r * 0.8, cy + r * 0.8], outline=fill, width=2)
    pts = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        rr = r * (0.5 if i % 2 == 0 else 0.2)
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    d.polygon(pts, fill=fill)


def motto(d, cx, y, f_b, f_motto):
    """'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc' centred on cx."""
    ctext(d, cx, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f_b)
    l, r = ctext(d, cx, y + 66, "Độc lập - Tự do - Hạnh phúc", f_motto)
    d.line([(l, y + 138), (r, y + 138)], fill=0, width=3)


def paper(tone=255):
    """A4 page of uniform tone (a clean scan: the scanner has flattened the paper white)."""
    return Image.new("L", A4, tone)


# ---------------------------------------------------------------------------------------------
# 3a. 01-to-khai.png - application form

def gen_to_khai():
    rnd = random.Random(101)
    img = paper()
    d = ImageDraw.Draw(img)
    f13, f13b, f13i = font(SERIF, pt(13)), font(SERIF_B, pt(13)), font(SERIF_I, pt(13))
    f14b = font(SERIF_B, pt(14))
    f11i = font(SERIF_I, pt(11))
    L, R = mm(30), A4[0] - mm(20)
    cx = (L + R) // 2

    text(d, (R, mm(12)), "Mẫu CT01", f11i, anchor="ra")
    motto(d, cx, mm(20), f13b, f14b)
    y = mm(20) + 230
    ctext(d, cx, y, "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", f14b)
    y += 120
    ctext(d, cx, y, "Kính gửi: Công an xã Thạch Hà, tỉnh Hà Tĩnh", f13)
    y += 130
    step = 88
    P = PERSON
    rows = [
        [("Họ, chữ đệm và tên:", P["full_name"])],
        [("Ngày, tháng, năm sinh:", P["birth_date"]), ("Giới tính:", P["sex"])],
        [("Số định danh cá nhân:", P["id_number"])],
        [("Số điện thoại liên hệ:", P["phone"]), ("Email:", "không có")],
        [("Họ, chữ đệm và tên chủ hộ:", TO_KHAI["head_name"])],
        [("Mối quan hệ với chủ hộ:", TO_KHAI["relation"])],
        [("Số định danh cá nhân của chủ hộ:", TO_KHAI["head_id"])],
        [("Nơi cư trú:", P["residence"])],
    ]
    for row in rows:
        x = L
        for lab, val in row:   # a second field follows on the same line after a gap
            x = label_value(d, x, y, lab, val, f13, f13b) + 110
        y += step
    # 11. Nội dung đề nghị (wrapped)
    lab = "Nội dung đề nghị:"
    lw = d.textlength(lab + " ", font=f13)
    lines = wrap(d, TO_KHAI["request"], f13b, R - L - lw)
    text(d, (L, y), lab, f13)
    for i, ln in enumerate(lines):
        text(d, (L + (lw if i == 0 else 0), y), ln, f13b)
        y += step
    text(d, (L, y), "Những thành viên trong hộ gia đình cùng thay đổi:", f13)
    y += step
    # A small table of members (none besides the applicant: one row "Không").
    cols = [("TT", 100), ("Họ, chữ đệm và tên", 560), ("Ngày, tháng,\nnăm sinh", 300),
            ("Giới tính", 220), ("Số định danh\ncá nhân", 360), ("Mối quan hệ\nvới chủ hộ", R - L - 1540)]
    th, tr = 140, 90
    x = L
    d.rectangle([L, y, R, y + th + tr], outline=0, width=3)
    d.line([(L, y + th), (R, y + th)], fill=0, width=2)
    fth = font(SERIF_B, pt(12))
    for name, wcol in cols:
        parts = name.split("\n")
        for j, part in enumerate(parts):
            ctext(d, x + wcol / 2, y + (th - 58 * len(parts)) / 2 + 58 * j + 4, part, fth)
        x += wcol
        if x < R - 5:
            d.line([(x, y), (x, y + th + tr)], fill=0, width=2)
    ctext(d, L + 100 + 280, y + th + 16, "Không có", f13i)
    y += th + tr + 90

    # Signature blocks: left the head of household, right the applicant.
    lx, rx = L + 420, R - 480
    ctext(d, rx, y, "Thạch Hà, ngày %s" % TO_KHAI["date_words"], f13i)
    y += 80
    ctext(d, lx, y, "Ý KIẾN CỦA CHỦ HỘ", f13b)
    ctext(d, rx, y, "NGƯỜI KÊ KHAI", f13b)
    y += 66
    ctext(d, lx, y, "(Ghi rõ nội dung, ký, ghi rõ họ tên)", f13i)
    ctext(d, rx, y, "(Ký, ghi rõ họ tên)", f13i)
    ctext(d, lx, y + 72, "Đồng ý cho đăng ký thường trú", f13)
    signature(d, lx - 150, y + 170, rnd)
    signature(d, rx - 150, y + 150, rnd)
    y += 330
    ctext(d, lx, y, "Nguyễn Văn An", f13b)
    ctext(d, rx, y, "Nguyễn Thị Liên", f13b)
    save_png(img, os.path.join(SAMPLES, "01-to-khai.png"), quant=4)


TO_KHAI = {
    "title": "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
    "form": "Mẫu CT01",
    "head_name": "NGUYỄN VĂN AN",
    "head_id": "042065004321",          # 042 Hà Tĩnh, G=0 male born 1900s, YY=65
    "relation": "Con",
    "request": "Đăng ký thường trú vào hộ gia đình của bố đẻ tại Thôn Đông, "
               "xã Thạch Hà, tỉnh Hà Tĩnh.",
    "date": "30/06/2025",
    "date_words": "30 tháng 6 năm 2025",
}


# ---------------------------------------------------------------------------------------------
# 3b. 02-cccd-front.png - photocopy of a 2021 chip ID card front

def draw_cccd_front(rnd):
    W, H = mm(85.6), mm(54)        # 1011 x 638
    card = Image.new("L", (W, H), 238)
    d = ImageDraw.Draw(card)
    # Faint guilloche background.
    for k in range(0, 14):
        pts = [(x, H * 0.15 + k * 38 + 14 * math.sin(x / 37.0 + k)) for x in range(0, W, 6)]
        d.line(pts, fill=234, width=2)
    d.ellipse([W * 0.42, H * 0.32, W * 0.78, H * 0.92], outline=228, width=3)
    P = PERSON
    lab = font(SANS, 26)
    val = font("DejaVuSansCondensed-Bold.ttf", 34)
    hdr_b, hdr = font(SANS_B, 27), font(SANS, 24)
    # Emblem, header, QR.
    emblem(d, 95, 92, 70)
    hx = 505
    ctext(d, hx, 22, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", hdr_b)
    ctext(d, hx, 54, "SOCIALIST REPUBLIC OF VIET NAM", hdr)
    ctext(d, hx, 84, "Độc lập - Tự do - Hạnh phúc", hdr_b)
    ctext(d, hx, 116, "Independence - Freedom - Happiness", hdr)
    ctext(d, hx, 146, "CĂN CƯỚC CÔNG DÂN", font(SANS_B, 50))
    ctext(d, hx, 202, "Citizen Identity Card", font(SANS_B, 30))
    qr = qr_image(CCCD_QR, box=4, border=2)
    card.paste(qr, (W - qr.width - 14, 14))
    # Photo (grey box with a head-and-shoulders silhouette).
    px0, py0, px1, py1 = 28, 200, 258, 500
    d.rectangle([px0, py0, px1, py1], fill=175, outline=120, width=2)
    d.ellipse([px0 + 70, py0 + 50, px1 - 70, py0 + 180], fill=140)
    d.chord([px0 + 25, py0 + 180, px1 - 25, py1 + 120], 180, 360, fill=140)
    # Expiry under the photo.
    text(d, (px0, 512), "Có giá trị đến:", font(SANS, 22))
    text(d, (px0, 538), "Date of expiry", font("LiberationSans-Italic.ttf", 22))
    text(d, (px0, 568), P["card_expiry"], font("DejaVuSansCondensed-Bold.ttf", 30))
    # Fields.
    x = 290
    label_value(d, x, 244, "Số / No.:", P["id_number"], lab, font("DejaVuSans-Bold.ttf", 42))
    text(d, (x, 304), "Họ và tên / Full name:", lab)
    text(d, (x + 20, 342), P["full_name"], font("DejaVuSans-Bold.ttf", 38))
    label_value(d, x, 390, "Ngày sinh / Date of birth:", P["birth_date"], lab, val)
    xx = label_value(d, x, 432, "Giới tính / Sex:", P["sex"], lab, val)
    xx = label_value(d, xx + 36, 432, "Quốc tịch / Nationality:", P["nationality"], lab, val)
    assert xx < W - 12, xx
    label_value(d, x, 474, "Quê quán / Place of origin:", P["place_of_origin"], lab, val)
    text(d, (x, 516), "Nơi thường trú / Place of residence:", lab)
    res = P["residence"].split(", ", 1)   # the card wraps the address
    xx = x + d.textlength(nfc("Nơi thường trú / Place of residence: "), font=lab)
    text(d, (xx, 516 + lab.getmetrics()[0]), res[0] + ",", val, anchor="ls")
    text(d, (x, 556), res[1], val)
    mask = Image.new("L", (W, H), 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, W - 1, H - 1], radius=mm(3.2), fill=255)
    return card, mask


def gen_cccd_front():
    rnd = random.Random(202)
    img = paper(246)
    d = ImageDraw.Draw(img)
    card, mask = draw_cccd_front(rnd)
    x0, y0 = mm(30), mm(30)
    # Photocopy shadow/edge around the card.
    sh = Image.new("L", A4, 0)
    ImageDraw.Draw(sh).rounded_rectangle([x0 - 3, y0 - 3, x0 + card.width + 4, y0 + card.height + 5],
                                         radius=mm(3.2) + 4, fill=255)
    img.paste(90, (0, 0), sh.filter(ImageFilter.GaussianBlur(2)))
    img.paste(card, (x0, y0), mask)
    # A light copier streak and a few toner specks (off the card).
    for _ in range(25):
        x, y = rnd.randint(50, A4[0] - 50), rnd.randint(y0 + card.height + 30, A4[1] - 50)
        rr = rnd.choice([1, 2, 2, 3])
        d.ellipse([x - rr, y - rr, x + rr, y + rr], fill=rnd.randint(90, 170))
    d.line([(A4[0] - mm(12), 0), (A4[0] - mm(12), A4[1])], fill=238, width=3)
    save_png(img, os.path.join(SAMPLES, "02-cccd-front.png"), quant=4)


# ---------------------------------------------------------------------------------------------
# 3c. 03-giay-tiep-nhan.png - receipt with QR (top-left) and Code 128 of the case number

RECEIPT = {
    "title": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "receiver": "TRẦN VĂN BÌNH",
    "components": [
        "Tờ khai thay đổi thông tin cư trú (Mẫu CT01): 01 bản chính",
        "Bản sao Căn cước công dân: 01 bản",
        "Giấy tờ chứng minh chỗ ở hợp pháp: 01 bản sao",
    ],
    "received": "08 giờ 15 phút, ngày 01/07/2025",
    "returned": "16 giờ 00 phút, ngày 04/07/2025",
}


def gen_receipt():
    rnd = random.Random(303)
    img = paper()
    d = ImageDraw.Draw(img)
    f13, f13b, f13i = font(SERIF, pt(13)), font(SERIF_B, pt(13)), font(SERIF_I, pt(13))
    f12b, f14b = font(SERIF_B, pt(12)), font(SERIF_B, pt(14))
    L, R = mm(30), A4[0] - mm(20)
    C, P = CASE, PERSON

    qr = qr_image(RECEIPT_QR, box=5, border=4)
    img.paste(qr, (mm(5), mm(5)))
    # Header: agency (left), national motto (right).
    lcx, rcx = 730, 1720
    y = mm(22)
    ctext(d, lcx, y, "UBND XÃ THẠCH HÀ", f12b)
    l, r = ctext(d, lcx, y + 62, "BỘ PHẬN MỘT CỬA", f12b)
    d.line([(l + 60, y + 128), (r - 60, y + 128)], fill=0, width=3)
    f12b_m = font(SERIF_B, pt(12))
    ctext(d, rcx, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f12b_m)
    l, r = ctext(d, rcx, y + 62, "Độc lập - Tự do - Hạnh phúc", f13b)
    d.line([(l, y + 130), (r, y + 130)], fill=0, width=3)
    ctext(d, rcx, y + 160, "Thạch Hà, ngày 01 tháng 7 năm 2025", f13i)
    y = mm(22) + 300
    cx = (L + R) // 2
    ctext(d, cx, y, RECEIPT["title"], f14b)
    y += 86
    l, r = ctext(d, cx, y, "Mã hồ sơ: " + C["case_number"], f13b)
    y += 80
    bc = code128_image(C["case_number"], module=3, height=120)
    img.paste(bc, (int(cx - bc.width / 2), y))
    y += bc.height + 8
    ctext(d, cx, y, C["case_number"], font("DejaVuSansMono.ttf", 38))
    y += 90
    step = 84
    lines = [
        ("Bộ phận Một cửa UBND xã Thạch Hà tiếp nhận hồ sơ của:", None),
        ("Ông/Bà:", P["full_name"]),
        ("Số định danh cá nhân:", P["id_number"]),
        ("Địa chỉ:", P["residence"]),
        ("Số điện thoại:", P["phone"]),
        ("Nội dung yêu cầu giải quyết:", "%s (mã thủ tục %s)" % (C["procedure_name"],
                                                                 C["procedure_code"])),
        ("Thành phần hồ sơ nộp gồm:", None),
    ]
    for lab, v in lines:
        if v is None:
            text(d, (L, y), lab, f13)
        else:
            label_value(d, L, y, lab, v, f13, f13b)
        y += step
    for i, comp in enumerate(RECEIPT["components"]):
        text(d, (L + 60, y), "%s) %s" % ("abc"[i], comp), f13)
        y += step
    for lab, v in [("Số lượng hồ sơ:", "01 bộ"),
                   ("Thời gian giải quyết hồ sơ theo quy định là:", "03 ngày làm việc"),
                   ("Thời gian nhận hồ sơ:", RECEIPT["received"]),
                   ("Thời gian trả kết quả giải quyết hồ sơ:", RECEIPT["returned"]),
                   ("Đăng ký nhận kết quả tại:", "Bộ phận Một cửa UBND xã Thạch Hà"),
                   ("Vào Sổ theo dõi hồ sơ, Quyển số:", "01, Số thứ tự: 0001")]:
        label_value(d, L, y, lab, v, f13, f13b)
        y += step
    y += 60
    lx, rx = L + 420, R - 480
    ctext(d, lx, y, "NGƯỜI NỘP HỒ SƠ", f13b)
    ctext(d, rx, y, "NGƯỜI TIẾP NHẬN HỒ SƠ", f13b)
    y += 66
    ctext(d, lx, y, "(Ký và ghi rõ họ tên)", f13i)
    ctext(d, rx, y, "(Ký và ghi rõ họ tên)", f13i)
    signature(d, lx - 150, y + 110, rnd)
    signature(d, rx - 150, y + 100, rnd)
    y += 270
    ctext(d, lx, y, "Nguyễn Thị Liên", f13b)
    ctext(d, rx, y, "Trần Văn Bình", f13b)
    save_png(img, os.path.join(SAMPLES, "03-giay-tiep-nhan.png"), quant=4)


# ---------------------------------------------------------------------------------------------
# expected.json - ground truth of the samples

def fold(q):
    """What a user types: no diacritics, đ -> d, lower case."""
    q = nfc(q).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", q)
                   if unicodedata.category(c) != "Mn").lower()


def gen_expected():
    P, C = PERSON, CASE
    person = {k: P[k] for k in ("full_name", "id_number", "old_id", "birth_date", "sex",
                                "nationality", "place_of_origin", "residence", "phone")}
    samples = {
        "01-to-khai.png": {
            "kind": "application_form",
            "title": TO_KHAI["title"],
            "form": TO_KHAI["form"],
            "fields": {
                "full_name": P["full_name"], "birth_date": P["birth_date"], "sex": P["sex"],
                "id_number": P["id_number"], "phone": P["phone"], "residence": P["residence"],
                "head_of_household": TO_KHAI["head_name"],
                "head_of_household_id": TO_KHAI["head_id"],
                "relation_to_head": TO_KHAI["relation"], "request": TO_KHAI["request"],
                "signed_date": TO_KHAI["date"],
            },
            "id_numbers": [P["id_number"], TO_KHAI["head_id"]],
            "case_number": None,
            "qr": None, "barcodes": [],
            "search_words": ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                             TO_KHAI["title"], "NGUYỄN THỊ LIÊN", "NGUYỄN VĂN AN",
                             P["id_number"], TO_KHAI["head_id"], "12/03/1990",
                             "Thôn Đông", "Thạch Hà", "Hà Tĩnh", "thường trú", "0912 345 678"],
        },
        "02-cccd-front.png": {
            "kind": "id_card_2021_front",
            "card": {"x": mm(30), "y": mm(30), "width": mm(85.6), "height": mm(54)},
            "fields": {
                "id_number": P["id_number"], "full_name": P["full_name"],
                "birth_date": P["birth_date"], "sex": P["sex"],
                "nationality": P["nationality"], "place_of_origin": P["place_of_origin"],
                "residence": P["residence"], "expiry_date": P["card_expiry"],
            },
            "id_numbers": [P["id_number"]],
            "case_number": None,
            "qr": {
                "position": "top-right of the card",
                "encoding": "UTF-8 bytes, byte mode, no ECI",
                "payload": CCCD_QR,
                "fields": {"id_number": P["id_number"], "old_id": P["old_id"],
                           "full_name": P["full_name"], "birth_date": ddmmyyyy(P["birth_date"]),
                           "sex": P["sex"], "residence": P["residence"],
                           "issue_date": ddmmyyyy(P["card_issue_date"])},
            },
            "barcodes": [],
            "search_words": ["CĂN CƯỚC CÔNG DÂN", "Citizen Identity Card", "NGUYỄN THỊ LIÊN",
                             P["id_number"], "12/03/1990", "Thạch Hà", "Hà Tĩnh", "Thôn Đông"],
        },
        "03-giay-tiep-nhan.png": {
            "kind": "receipt",
            "title": RECEIPT["title"],
            "fields": {
                "case_number": C["case_number"], "procedure_code": C["procedure_code"],
                "procedure_name": C["procedure_name"], "applicant": P["full_name"],
                "id_number": P["id_number"], "address": P["residence"], "phone": P["phone"],
                "received": RECEIPT["received"], "return": RECEIPT["returned"],
                "receiver": RECEIPT["receiver"], "components": RECEIPT["components"],
            },
            "id_numbers": [P["id_number"]],
            "case_number": C["case_number"],
            "qr": {
                "position": "top-left of the page",
                "encoding": "UTF-8 bytes, byte mode, no ECI",
                "payload": RECEIPT_QR,
                "fields": {"case_number": C["case_number"], "procedure_code": C["procedure_code"],
                           "id_number": P["id_number"],
                           "document": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
                           "system": C["system"], "issued_at": C["issued_at"]},
            },
            "barcodes": [{"symbology": "CODE128", "data": C["case_number"]}],
            "search_words": [RECEIPT["title"], "Mã hồ sơ", C["case_number"], "NGUYỄN THỊ LIÊN",
                             P["id_number"], "Đăng ký thường trú", C["procedure_code"],
                             "01/07/2025", "04/07/2025", "Trần Văn Bình", "Thạch Hà"],
        },
    }
    queries = []
    for q, hits in [("nguyen thi lien", sorted(samples)),
                    ("NGUYỄN THỊ LIÊN", sorted(samples)),
                    ("042190001234", sorted(samples)),
                    ("dang ky thuong tru", ["01-to-khai.png", "03-giay-tiep-nhan.png"]),
                    ("thach ha", sorted(samples)),
                    ("tran van binh", ["03-giay-tiep-nhan.png"]),
                    ("000.00.22.H27-250701-0001", ["03-giay-tiep-nhan.png"]),
                    ("can cuoc cong dan", ["02-cccd-front.png", "03-giay-tiep-nhan.png"])]:
        queries.append({"query": q, "folded": fold(q), "expect": hits})
    doc = {
        "generator": "tools/gen_samples.py",
        "note": "All people, addresses, ID numbers and case numbers are fictitious.",
        "dpi": DPI, "page_size_px": list(A4),
        "person": person,
        "case": C,
        "samples": samples,
        "queries": queries,
    }
    path = os.path.join(SAMPLES, "expected.json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")
    # Everything we wrote must already be NFC.
    with open(path, encoding="utf-8") as f:
        t = f.read()
    assert t == nfc(t)


# ---------------------------------------------------------------------------------------------

def main():
    gen_text_vi()
    gen_blank_pages()
    if "--fixtures-only" in sys.argv:
        return
    gen_to_khai()
    gen_cccd_front()
    gen_receipt()
    gen_expected()
    for path in [os.path.join(TESTDATA, n) for n in
                 ("text_vi.png", "text_vi.gt.txt", "blank_noisy.png", "one_line.png")] + \
            [os.path.join(SAMPLES, n) for n in sorted(os.listdir(SAMPLES))]:
        print("%8d  %s" % (os.path.getsize(path), os.path.relpath(path, ROOT)))


if __name__ == "__main__":
    main()
