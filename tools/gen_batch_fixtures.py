#!/usr/bin/python3
"""gen_batch_fixtures.py -- a small stack of scanned result documents for
the result-batch tests (tests/data/batch/), made with the helpers of
gen_samples.py.  Deterministic; all cases, names and numbers fictitious.

Stack, in feeder order:
  00  a page with no case number (before the first code: goes to review)
  01  result of case A: Code 128 + QR + "Mã hồ sơ" text
  02  its second page: no code, says it continues
  03  receipt slip of case B used as a separator sheet (QR)
  04  result of case B: no code (belongs to B through the separator)
  05  result of case C: Code 128 only
Pages are A5 portrait, 1-bit, 200 dpi (small files, ordinary office scans).

A second stack (tests/data/batch2/), the hard cases:
  00  result of case D: QR painted over, "Mã hồ sơ: D" in the text
  01  its second page: "Trang 2/2", no code
  02  result with an INVALID case number (31 February) in QR and text
  03  its second page: "(tiếp theo)", no code (goes to review with it)
  04  result of case E: Code 128 cut by the page edge, text "Số hồ sơ: E"
  05  result of case F: Code 128 only
  05b its page 2: "Trang 2/2" and the same Code 128 (one document)
  06  a new result (national heading), barcode smeared, no number in text:
      must not join F
  07  result whose QR says case G and whose text says case H: review

Run: /usr/bin/python3 tools/gen_batch_fixtures.py
     /usr/bin/python3 tools/gen_batch_fixtures.py --bench N DIR [SEED]
The second form writes a benchmark stack of N result documents for N
different cases into DIR as pNNNN.png pages, with DIR/truth.json: 1-3
pages each; the case number as Code 128, as QR, as text only, or on a
receipt separator sheet; damaged codes (painted over, cut, low contrast)
with the number in the text or with none; invalid case numbers; a few
pages before the first code; code position, label wording and the
continuation marks vary; some pages skewed or speckled.  truth.json gives
each page's expected outcome: a case number, or "review".
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_samples as g  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

DPI = 200
W, H = round(148 / 25.4 * DPI), round(210 / 25.4 * DPI)
OUT = os.path.join(g.ROOT, "tests", "data", "batch")
CASE_A = "H27.151-251008-090123"
CASE_B = "000.00.22.H27-250701-0002"
CASE_C = "H15.50.05.13-261008-0975"
CASE_D = "H27.151-251009-090200"
CASE_E = "000.00.31.H29-250815-0333"
CASE_F = "H50.12-250920-0417"
CASE_G = "H27.151-251010-090301"
CASE_H = "H27.151-251010-090302"
BAD = "H27.151-250231-0042"  # 31 February: shaped right, not valid


def px(points):
    return round(points * DPI / 72)


def page():
    img = Image.new("L", (W, H), 255)
    return img, ImageDraw.Draw(img)


def lines(d, y, rows, f, x=90, step=None):
    for r in rows:
        g.text(d, (x, y), r, f)
        y += step or round(f.size * 1.5)
    return y


def save(img, name):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    img.point(lambda v: 255 if v > 128 else 0).convert("1").save(
        path, format="PNG", dpi=(DPI, DPI), optimize=True)
    return path


def header(d, title, fb, f):
    g.ctext(d, W / 2, 70, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", fb)
    g.ctext(d, W / 2, 70 + round(fb.size * 1.5), "Độc lập - Tự do - Hạnh phúc", f)
    g.ctext(d, W / 2, 250, title, fb)


def main():
    f = g.font("DejaVuSans.ttf", px(11))
    fb = g.font("DejaVuSans-Bold.ttf", px(12))
    made = []

    img, d = page()
    header(d, "BIÊN BẢN KIỂM TRA HIỆN TRẠNG", fb, f)
    lines(d, 380, ["Hôm nay, tại thôn Đông, xã Thạch Hà, tỉnh Hà Tĩnh,",
                   "đoàn kiểm tra đã tiến hành kiểm tra hiện trạng thửa đất.",
                   "Kết quả: hiện trạng phù hợp với hồ sơ đề nghị."], f)
    made.append(save(img, "00-no-code.png"))

    img, d = page()
    img.paste(g.qr_image(CASE_A, 4), (W - 260, 60))
    header(d, "QUYẾT ĐỊNH", fb, f)
    g.ctext(d, W / 2, 300, "Về việc cấp giấy chứng nhận quyền sử dụng đất", f)
    y = lines(d, 420, ["Mã hồ sơ: " + CASE_A,
                       "Cấp cho bà NGUYỄN THỊ LIÊN, sinh năm 1990,",
                       "thửa đất số 125, tờ bản đồ số 07.",
                       "Điều 1. Cấp giấy chứng nhận cho người có tên trên."], f)
    img.paste(g.code128_image(CASE_A, module=2, height=90), (90, y + 40))
    made.append(save(img, "01-result-a-p1.png"))

    img, d = page()
    lines(d, 120, ["(tiếp theo) Trang 2/2",
                   "Điều 2. Quyết định có hiệu lực kể từ ngày ký.",
                   "Điều 3. Văn phòng đăng ký đất đai chịu trách nhiệm thi hành."], f)
    made.append(save(img, "02-result-a-p2.png"))

    img, d = page()
    img.paste(g.qr_image(CASE_B + "|1.004194|042190001234", 4), (60, 60))
    g.ctext(d, W / 2, 330, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", fb)
    lines(d, 450, ["Mã hồ sơ: " + CASE_B,
                   "Người nộp: TRẦN VĂN BÌNH",
                   "Ngày hẹn trả kết quả: 15/07/2025"], f)
    made.append(save(img, "03-separator-b.png"))

    img, d = page()
    header(d, "GIẤY XÁC NHẬN", fb, f)
    lines(d, 400, ["Ủy ban nhân dân xã Thạch Hà xác nhận ông TRẦN VĂN BÌNH",
                   "cư trú tại thôn Bắc, xã Thạch Hà, tỉnh Hà Tĩnh."], f)
    made.append(save(img, "04-result-b.png"))

    img, d = page()
    header(d, "THÔNG BÁO", fb, f)
    y = lines(d, 400, ["Thông báo kết quả giải quyết thủ tục hành chính",
                       "cho ông LÊ VĂN CƯỜNG."], f)
    img.paste(g.code128_image(CASE_C, module=2, height=90), (90, y + 60))
    made.append(save(img, "05-result-c.png"))

    expected = {
        "documents": [
            {"case_number": CASE_A, "pages": ["01-result-a-p1.png", "02-result-a-p2.png"]},
            {"case_number": CASE_B, "pages": ["04-result-b.png"], "separator": "03-separator-b.png"},
            {"case_number": CASE_C, "pages": ["05-result-c.png"]},
        ],
        "review": [{"pages": ["00-no-code.png"], "why": "before the first case number"}],
    }
    with open(OUT + "-expected.json", "w", encoding="utf-8") as fp:
        json.dump(expected, fp, ensure_ascii=False, indent=1)
        fp.write("\n")
    made += hard_stack()
    for p in made:
        print("%7d  %s" % (os.path.getsize(p), os.path.relpath(p, g.ROOT)))


QR_AT = (W - 190, 150)  # clear of the national heading and the title


def damage(code, how, rnd):
    """A code image made hard or impossible to read, as scanned codes get."""
    w, h = code.size
    d = ImageDraw.Draw(code)
    if how == "painted":  # a stamp or marker across the middle
        d.rectangle([w * 0.3, 0, w * 0.65, h], fill=0)
    elif how == "cut":  # torn, or cut by the page edge
        code = code.crop((0, 0, int(w * 0.45), h))
    elif how == "smear":  # wet ink or a bad fold: a band of noise
        for _ in range(w * h // 6):
            x, y = rnd.randrange(w), rnd.randrange(h // 4, 3 * h // 4)
            d.point((x, y), fill=rnd.choice((0, 255)))
    elif how == "faint":  # low contrast: light toner, dithered to 1 bit
        px_ = code.load()
        for y in range(h):
            for x in range(w):
                v = 170 if px_[x, y] < 128 else 245
                px_[x, y] = max(0, min(255, int(rnd.gauss(v, 45))))
    return code


def hard_stack():
    f = g.font("DejaVuSans.ttf", px(11))
    fb = g.font("DejaVuSans-Bold.ttf", px(12))
    rnd = random.Random(11)
    global OUT
    out_keep, OUT = OUT, os.path.join(g.ROOT, "tests", "data", "batch2")
    made = []

    img, d = page()
    img.paste(damage(g.qr_image(CASE_D, 4), "painted", rnd), QR_AT)
    header(d, "GIẤY PHÉP", fb, f)
    lines(d, 400, ["Mã hồ sơ: " + CASE_D, "Cấp cho ông PHẠM VĂN DŨNG,",
                   "được phép xây dựng nhà ở riêng lẻ."], f)
    made.append(save(img, "00-result-d-p1.png"))

    img, d = page()
    lines(d, 120, ["Trang 2/2", "Điều 2. Giấy phép có hiệu lực 12 tháng.",
                   "Điều 3. Chủ đầu tư chịu trách nhiệm thi hành."], f)
    made.append(save(img, "01-result-d-p2.png"))

    img, d = page()
    img.paste(g.qr_image(BAD, 4), QR_AT)
    header(d, "QUYẾT ĐỊNH", fb, f)
    lines(d, 400, ["Mã hồ sơ: " + BAD, "Về việc hỗ trợ hộ nghèo",
                   "cho bà VŨ THỊ HOA."], f)
    made.append(save(img, "02-result-invalid-p1.png"))

    img, d = page()
    lines(d, 120, ["(tiếp theo)", "Điều 2. Quyết định có hiệu lực kể từ ngày ký."], f)
    made.append(save(img, "03-result-invalid-p2.png"))

    img, d = page()
    header(d, "GIẤY CHỨNG NHẬN", fb, f)
    y = lines(d, 400, ["Số hồ sơ: " + CASE_E, "Chứng nhận hộ kinh doanh",
                       "của bà ĐỖ THỊ LAN."], f)
    code = g.code128_image(CASE_E, module=2, height=90)
    img.paste(code, (W - code.size[0] // 2, y + 40))  # half off the page
    made.append(save(img, "04-result-e.png"))

    img, d = page()
    header(d, "THÔNG BÁO", fb, f)
    y = lines(d, 400, ["Thông báo kết quả giải quyết thủ tục hành chính",
                       "cho ông HOÀNG VĂN NAM."], f)
    img.paste(g.code128_image(CASE_F, module=2, height=90), (90, y + 60))
    made.append(save(img, "05-result-f.png"))

    img, d = page()  # the code on every page, as some agencies print it
    y = lines(d, 120, ["Trang 2/2", "Điều 2. Thông báo có hiệu lực kể từ ngày ký."], f)
    img.paste(g.code128_image(CASE_F, module=2, height=90), (90, y + 60))
    made.append(save(img, "05b-result-f-p2.png"))

    img, d = page()
    header(d, "GIẤY XÁC NHẬN", fb, f)
    y = lines(d, 400, ["Xác nhận tình trạng hôn nhân",
                       "của ông NGÔ VĂN SƠN."], f)
    img.paste(damage(g.code128_image(CASE_G, module=2, height=90), "painted", rnd),
              (90, y + 60))
    made.append(save(img, "06-result-nocode.png"))

    img, d = page()
    img.paste(g.qr_image(CASE_G, 4), QR_AT)
    header(d, "QUYẾT ĐỊNH", fb, f)
    lines(d, 400, ["Mã hồ sơ: " + CASE_H, "Về việc công nhận",
                   "cho ông LÝ VĂN TÂM."], f)
    made.append(save(img, "07-result-conflict.png"))

    expected = {
        "documents": [
            {"case_number": CASE_D, "pages": ["00-result-d-p1.png", "01-result-d-p2.png"]},
            {"case_number": CASE_E, "pages": ["04-result-e.png"]},
            {"case_number": CASE_F, "pages": ["05-result-f.png", "05b-result-f-p2.png"]},
        ],
        "review": [
            {"pages": ["02-result-invalid-p1.png", "03-result-invalid-p2.png"],
             "why": BAD},
            {"pages": ["06-result-nocode.png"], "why": "new document"},
            {"pages": ["07-result-conflict.png"], "why": CASE_H},
        ],
    }
    with open(OUT + "-expected.json", "w", encoding="utf-8") as fp:
        json.dump(expected, fp, ensure_ascii=False, indent=1)
        fp.write("\n")
    OUT = out_keep
    return made


TITLES = ["QUYẾT ĐỊNH", "GIẤY CHỨNG NHẬN", "THÔNG BÁO", "GIẤY XÁC NHẬN", "GIẤY PHÉP"]
PEOPLE = ["NGUYỄN THỊ LIÊN", "TRẦN VĂN BÌNH", "LÊ VĂN CƯỜNG", "PHẠM THỊ DUNG", "HOÀNG VĂN ÉN",
          "VŨ THỊ GIANG", "ĐẶNG VĂN HẢI", "BÙI THỊ KHÁNH", "ĐỖ VĂN LỘC", "NGÔ THỊ MAI"]
AGENCIES = ["000.00.22.H27", "H27.151", "H15.50.05.13", "000.00.31.H29", "H50.12"]


def bench_case(rnd, i):
    ag = rnd.choice(AGENCIES)
    return "%s-25%02d%02d-%04d" % (ag, rnd.randint(1, 12), rnd.randint(1, 28), 1000 + i)


def bad_case(rnd, i):
    """Shaped like a case number, but not one: a date that does not exist."""
    ag = rnd.choice(AGENCIES)
    mm, dd = rnd.choice([(2, 30), (2, 31), (4, 31), (13, 5), (0, 12), (6, 31)])
    return "%s-25%02d%02d-%04d" % (ag, mm, dd, 1000 + i)


LABELS = ["Mã hồ sơ: ", "Mã số hồ sơ: ", "Số hồ sơ: ", "Mã hồ sơ "]
CONTINUED = ["(tiếp theo) Trang %d/%d", "Trang %d/%d", "(tiếp theo)"]


def place_code(rnd, img, code, y_text, qr):
    """A QR top right or top left (clear of the heading), a barcode under
    the text or at the foot of the page, as agencies print them."""
    w, h = code.size
    if qr:
        spot = rnd.choice(["tr", "tl"])
        img.paste(code, (W - w - 30, 150) if spot == "tr" else (30, 150))
    elif rnd.random() < 0.5:
        img.paste(code, (90, min(H - h - 20, y_text + 40)))
    else:
        img.paste(code, (W - w - 60, H - h - 60))


# Styles: how the first page shows its case number, and what must happen.
#   code128, qr, text, separator: filed to the case
#   damaged_text: code damaged, the number in the text: filed to the case
#   damaged_none: code damaged, no number in the text: review
#   invalid: an invalid number in code and text: review
STYLES = ["code128", "qr", "text", "separator", "damaged_text", "damaged_text",
          "damaged_none", "invalid"]


def bench_page(rnd, case, style, first, title, person, n_of):
    f = g.font(rnd.choice(["DejaVuSans.ttf", "LiberationSans-Regular.ttf", "FreeSans.ttf"]), px(11))
    fb = g.font("DejaVuSans-Bold.ttf", px(12))
    img, d = page()
    if first:
        header(d, title, fb, f)
        rows = ["Cấp cho: " + person, "Nội dung: giải quyết thủ tục hành chính."]
        if style in ("text", "qr", "damaged_text", "invalid") or \
                (style == "code128" and rnd.random() < 0.5):
            rows.insert(rnd.randrange(2), rnd.choice(LABELS) + case)
        if n_of[1] > 1 and rnd.random() < 0.3:
            rows.append("Trang 1/%d" % n_of[1])
        # "separator": no code on the result; the sheet before it has one
        y = lines(d, 400, rows, f)
        code, qr = None, False
        if style in ("qr", "invalid") or (style.startswith("damaged") and rnd.random() < 0.5):
            code, qr = g.qr_image(case, 4), True
        elif style in ("code128",) or style.startswith("damaged"):
            code = g.code128_image(case, module=2, height=90)
        if code is not None:
            if style.startswith("damaged"):
                code = damage(code, rnd.choice(["painted", "cut", "smear", "faint"]), rnd)
            place_code(rnd, img, code, y, qr)
    else:
        mark = rnd.choice(CONTINUED)
        mark = mark % n_of if "%" in mark else mark
        y = lines(d, 150, [mark, "Điều %d. Quyết định có hiệu lực "
                           "kể từ ngày ký." % n_of[0]], f)
        # some agencies print the code on every page; scans damage it
        if style in ("code128", "qr", "damaged_text") and rnd.random() < 0.25:
            qr = style == "qr" or (style != "code128" and rnd.random() < 0.5)
            code = g.qr_image(case, 4) if qr else g.code128_image(case, module=2, height=90)
            if style == "damaged_text":
                code = damage(code, rnd.choice(["painted", "cut", "smear", "faint"]), rnd)
            img.paste(code, (W - code.size[0] - 30, H - code.size[1] - 40))
    if rnd.random() < 0.2:  # speckle
        for _ in range(60):
            x, y = rnd.randrange(W), rnd.randrange(H)
            d.ellipse([x, y, x + 2, y + 2], fill=0)
    if rnd.random() < 0.3:  # skew up to 2 degrees
        img = img.rotate(rnd.uniform(-2, 2), resample=Image.BICUBIC, fillcolor=255)
    return img


def bench(n, out, seed):
    rnd = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    truth, k = {"documents": []}, 0

    def put(img):
        nonlocal k
        k += 1
        name = "p%04d.png" % k
        img.point(lambda v: 255 if v > 128 else 0).convert("1").save(
            os.path.join(out, name), format="PNG", dpi=(DPI, DPI), optimize=True)
        return name

    f = g.font("DejaVuSans.ttf", px(11))
    fb = g.font("DejaVuSans-Bold.ttf", px(12))
    # pages before the first code: a scanned cover note, nothing to file by
    orphans = {"case_number": None, "style": "before_first", "expect": "review", "pages": []}
    for _ in range(2):
        img, d = page()
        header(d, "BIÊN BẢN BÀN GIAO", fb, f)
        lines(d, 400, ["Bàn giao kết quả giải quyết thủ tục hành chính",
                       "cho bộ phận một cửa."], f)
        orphans["pages"].append(put(img))
    truth["documents"].append(orphans)
    for i in range(n):
        style = rnd.choice(STYLES)
        case = bad_case(rnd, i) if style == "invalid" else bench_case(rnd, i)
        npages = rnd.choice([1, 1, 2, 3])
        title, person = rnd.choice(TITLES), rnd.choice(PEOPLE)
        expect = "review" if style in ("damaged_none", "invalid") else case
        doc = {"case_number": case, "style": style, "expect": expect, "pages": []}
        if style == "separator":
            img, d = page()
            img.paste(g.qr_image(case + "|1.004194", 4), (60, 60))
            g.ctext(d, W / 2, 330, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", fb)
            lines(d, 450, ["Mã hồ sơ: " + case, "Người nộp: " + person], f)
            doc["separator"] = put(img)
        for p in range(npages):
            first = p == 0
            doc["pages"].append(put(bench_page(rnd, case, style, first, title, person,
                                               (p + 1, npages))))
        truth["documents"].append(doc)
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as fp:
        json.dump(truth, fp, ensure_ascii=False, indent=1)
    print("%d documents, %d pages in %s" % (n, k, out))


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--bench":
        bench(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 7)
    else:
        main()
