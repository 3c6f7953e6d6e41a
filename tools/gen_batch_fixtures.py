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
Run: /usr/bin/python3 tools/gen_batch_fixtures.py
     /usr/bin/python3 tools/gen_batch_fixtures.py --bench N DIR [SEED]
The second form writes a benchmark stack of N result documents for N
different cases (1-3 pages each; the case number as Code 128, as QR, as
text only, or on a receipt separator sheet; some with a skew or speckle)
into DIR as pNNNN.png pages, with DIR/truth.json.
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
    for p in made:
        print("%7d  %s" % (os.path.getsize(p), os.path.relpath(p, g.ROOT)))


TITLES = ["QUYẾT ĐỊNH", "GIẤY CHỨNG NHẬN", "THÔNG BÁO", "GIẤY XÁC NHẬN", "GIẤY PHÉP"]
PEOPLE = ["NGUYỄN THỊ LIÊN", "TRẦN VĂN BÌNH", "LÊ VĂN CƯỜNG", "PHẠM THỊ DUNG", "HOÀNG VĂN ÉN",
          "VŨ THỊ GIANG", "ĐẶNG VĂN HẢI", "BÙI THỊ KHÁNH", "ĐỖ VĂN LỘC", "NGÔ THỊ MAI"]
AGENCIES = ["000.00.22.H27", "H27.151", "H15.50.05.13", "000.00.31.H29", "H50.12"]


def bench_case(rnd, i):
    ag = rnd.choice(AGENCIES)
    return "%s-25%02d%02d-%04d" % (ag, rnd.randint(1, 12), rnd.randint(1, 28), 1000 + i)


def bench_page(rnd, case, style, first, title, person, n_of):
    f = g.font(rnd.choice(["DejaVuSans.ttf", "LiberationSans-Regular.ttf", "FreeSans.ttf"]), px(11))
    fb = g.font("DejaVuSans-Bold.ttf", px(12))
    img, d = page()
    if first:
        if style == "qr":
            img.paste(g.qr_image(case, 4), (W - 260, 60))
        header(d, title, fb, f)
        rows = ["Cấp cho: " + person, "Nội dung: giải quyết thủ tục hành chính."]
        if style in ("text", "qr"):
            rows.insert(0, "Mã hồ sơ: " + case)
        # "separator": no code on the result; the sheet before it has one
        y = lines(d, 400, rows, f)
        if style == "code128":
            img.paste(g.code128_image(case, module=2, height=90), (90, y + 40))
    else:
        lines(d, 150, ["(tiếp theo) Trang %d/%d" % n_of, "Điều %d. Quyết định có hiệu lực "
                       "kể từ ngày ký." % n_of[0]], f)
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

    for i in range(n):
        case = bench_case(rnd, i)
        style = rnd.choice(["code128", "qr", "text", "separator"])
        npages = rnd.choice([1, 1, 2, 3])
        title, person = rnd.choice(TITLES), rnd.choice(PEOPLE)
        doc = {"case_number": case, "style": style, "pages": []}
        if style == "separator":
            img, d = page()
            img.paste(g.qr_image(case + "|1.004194", 4), (60, 60))
            f = g.font("DejaVuSans.ttf", px(11))
            g.ctext(d, W / 2, 330, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                    g.font("DejaVuSans-Bold.ttf", px(12)))
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
