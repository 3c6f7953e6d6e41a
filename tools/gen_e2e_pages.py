#!/usr/bin/python3
# gen_e2e_pages.py - one day's intake of dossiers for the end-to-end bench (bench/e2e.sh).
#
#   /usr/bin/python3 tools/gen_e2e_pages.py OUTDIR --pages N [--seed S] [--jobs J]
#
# Writes N realistic A4 300 dpi pages grouped into dossiers of 3-6 pages, one case number each
# (`H27.151.01-YYMMDD-NNNN`: one centre, one receipt day, sequences from 0001):
#   OUTDIR/drop/      the hot-folder files: a dossier is either one multi-page TIFF `CASE.tif`
#                     or several files `CASE__COMPONENT.ext` (form PNG, ID-card copy JPEG,
#                     enclosures as a multi-page TIFF, receipt PNG);
#   OUTDIR/pages/     every page once as its own image, the same pixels the drop files hold
#                     (the JPEG pages byte-identical), for the raw tesseract baseline;
#   OUTDIR/manifest.json  {"pages", "case_prefix", "dossiers": [{"case", "applicant",
#                     "pages", "files": [{"name", "component", "pages"}]}]}.
# Pages: application forms (gen_ocr_set.form_page), running administrative text with
# diacritics (headings, articles, paragraphs), photocopies of 2021/2024 ID cards (colour), and
# receipts carrying the dossier's case number (QR + Code 128 + text). Fonts vary (DejaVu,
# Liberation, FreeFont, sans and serif); light skew, blur, specks or sensor noise; a rare page upside
# down. Deterministic: each dossier draws from its own generator seeded with (seed, index),
# so --jobs does not change the output.
#
# ALL PEOPLE, ID NUMBERS AND CASE NUMBERS ARE RANDOM AND FICTITIOUS.
# Needs python3-pil, python3-qrcode, fonts-dejavu-core, fonts-liberation2, fonts-freefont-ttf.

import argparse
import datetime
import json
import multiprocessing
import os
import random
import sys

from PIL import Image, ImageDraw, ImageFilter, ImageOps

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_samples as gs  # noqa: E402  (fonts, QR, Code 128, emblem, wrap)
import gen_ocr_set as go  # noqa: E402  (people, forms, ID cards)

A4 = go.A4
DPI = go.DPI
AGENCY = "H27.151.01"
RECEIVED = datetime.date(2025, 10, 8)

# Sentences of the kind found in dossier enclosures and decisions (land, residence, civil
# status, household business, construction), to compose running text from.
SENTENCES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
    "Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024 và các văn bản hướng dẫn thi hành;",
    "Căn cứ Luật Cư trú ngày 13 tháng 11 năm 2020 và Nghị định số 154/2024/NĐ-CP;",
    "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014 và Nghị định số 123/2015/NĐ-CP;",
    "Căn cứ Nghị định số 61/2018/NĐ-CP về thực hiện cơ chế một cửa, một cửa liên thông;",
    "Xét đề nghị của công dân tại hồ sơ số {case} nộp ngày {received};",
    "Theo đề nghị của công chức địa chính - xây dựng và kết quả thẩm định hồ sơ.",
    "Ông (bà) {name} có yêu cầu cấp Giấy chứng nhận quyền sử dụng đất đối với thửa đất "
    "số {parcel}, tờ bản đồ số {sheet}, diện tích {area} mét vuông.",
    "Nguồn gốc sử dụng đất: được Nhà nước giao đất có thu tiền sử dụng đất, sử dụng ổn định "
    "từ năm {year}, không có tranh chấp, phù hợp với quy hoạch sử dụng đất đã được phê duyệt.",
    "Mục đích sử dụng: đất ở tại nông thôn; thời hạn sử dụng: lâu dài.",
    "Ủy ban nhân dân xã đã niêm yết công khai kết quả kiểm tra hồ sơ tại trụ sở và nhà văn hóa "
    "thôn trong thời hạn mười lăm ngày; không có ý kiến phản ánh, khiếu nại.",
    "Hộ gia đình ông (bà) {name} hiện đang cư trú tại {residence}.",
    "Người đề nghị cam đoan những nội dung kê khai trên là đúng sự thật và chịu trách nhiệm "
    "trước pháp luật về lời khai của mình.",
    "Hồ sơ gồm: tờ khai, bản sao giấy tờ tùy thân, sơ đồ thửa đất, biên lai nộp phí và các "
    "giấy tờ chứng minh nơi ở hợp pháp.",
    "Người nhận kết quả mang theo giấy hẹn trả kết quả và giấy tờ tùy thân bản chính.",
    "Trường hợp hồ sơ chưa đầy đủ, cán bộ tiếp nhận hướng dẫn bổ sung một lần bằng văn bản.",
    "Hợp đồng chuyển nhượng được công chứng tại Văn phòng công chứng số {sheet} ngày "
    "{received}, các bên đã thực hiện đầy đủ nghĩa vụ tài chính theo quy định.",
    "Tên hộ kinh doanh: Cửa hàng tạp hóa {given}; ngành nghề: bán lẻ lương thực, thực phẩm, "
    "đồ uống; vốn kinh doanh: {money} đồng.",
    "Địa điểm kinh doanh: {residence}; số lao động dự kiến: {workers} người.",
    "Công trình nhà ở riêng lẻ hai tầng, tổng diện tích sàn {area} mét vuông, chiều cao "
    "công trình 8,5 mét, cốt nền cao hơn mặt đường 0,45 mét.",
    "Chủ đầu tư có trách nhiệm thông báo khởi công cho Ủy ban nhân dân xã trước bảy ngày và "
    "treo biển báo tại địa điểm xây dựng.",
    "Trẻ em được khai sinh: {name}, sinh ngày {dob} tại Trạm y tế xã; quê quán: {origin}.",
    "Người đi khai sinh là cha của trẻ, có giấy tờ tùy thân hợp lệ, quan hệ với người được "
    "khai sinh đã được xác minh.",
    "Thời gian giải quyết: không quá năm ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.",
    "Lệ phí: theo Nghị quyết của Hội đồng nhân dân tỉnh; miễn lệ phí đối với hộ nghèo, người "
    "có công với cách mạng và đồng bào dân tộc thiểu số.",
    "Kết quả giải quyết được trả tại Bộ phận Một cửa hoặc qua dịch vụ bưu chính công ích "
    "theo yêu cầu của công dân.",
    "Trong quá trình sử dụng đất, người sử dụng đất phải chấp hành đúng quy định về bảo vệ môi "
    "trường, không làm tổn hại đến lợi ích hợp pháp của người sử dụng đất liền kề.",
    "Biên bản được lập thành ba bản có giá trị pháp lý như nhau, mỗi bên giữ một bản, một bản "
    "lưu hồ sơ.",
    "Ý kiến của trưởng thôn: xác nhận hộ gia đình sinh sống ổn định tại địa phương, chấp hành "
    "tốt chủ trương, chính sách của Đảng và pháp luật của Nhà nước.",
    "Số tiền đã nộp: {money} đồng (bằng chữ: theo biên lai thu số {parcel}).",
]
HEADINGS = ["QUYẾT ĐỊNH", "BIÊN BẢN KIỂM TRA HIỆN TRẠNG", "HỢP ĐỒNG CHUYỂN NHƯỢNG",
            "GIẤY XÁC NHẬN", "ĐƠN ĐỀ NGHỊ", "BẢN CAM KẾT", "TỜ TRÌNH", "SƠ ĐỒ VÀ MÔ TẢ THỬA ĐẤT"]
ALL_FONTS = go.SANS_FONTS + go.SERIF_FONTS


def fill(rnd, s, p, case):
    given = p["full_name"].split(" ")[-1].title()
    return s.format(case=case, received=RECEIVED.strftime("%d/%m/%Y"), name=p["full_name"].title(),
                    parcel=rnd.randint(12, 980), sheet=rnd.randint(1, 45),
                    area="%d,%d" % (rnd.randint(60, 600), rnd.randint(0, 9)),
                    year=rnd.randint(1975, 2010), residence=p["residence"], given=given,
                    money="{:,}".format(rnd.randint(20, 900) * 1000000).replace(",", "."),
                    workers=rnd.randint(1, 9), dob=go.dmy(p["dob"]), origin=p["origin"])


def text_page(rnd, p, case, first):
    """Running text: agency header and heading on an enclosure's first page, then articles and
    paragraphs until the page is full."""
    img = go.a4()
    d = ImageDraw.Draw(img)
    reg, bold = rnd.choice(ALL_FONTS)
    size = rnd.randint(44, 54)              # 10.5-13 pt at 300 dpi
    f, fb = gs.font(reg, size), gs.font(bold, size)
    left, right = 230 + rnd.randint(0, 60), A4[0] - 200 - rnd.randint(0, 60)
    y = 200 + rnd.randint(0, 60)
    if first:
        gs.ctext(d, 700, y, "ỦY BAN NHÂN DÂN", fb)
        gs.ctext(d, 700, y + 70, "XÃ THẠCH HÀ", fb)
        gs.ctext(d, 1750, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", gs.font(bold, size - 4))
        gs.ctext(d, 1750, y + 70, "Độc lập - Tự do - Hạnh phúc", fb)
        y += 260
        gs.ctext(d, A4[0] / 2, y, rnd.choice(HEADINGS), gs.font(bold, size + 14))
        y += 160
    step = int(size * rnd.uniform(1.45, 1.7))
    article = 1
    while y < A4[1] - 350:
        if rnd.random() < 0.3:
            go.text(d, (left, y), "Điều %d." % article, fb)
            article += 1
            y += step
        para = " ".join(fill(rnd, rnd.choice(SENTENCES), p, case)
                        for _ in range(rnd.randint(1, 3)))
        for i, line in enumerate(gs.wrap(d, para, f, right - left - 80)):
            if y >= A4[1] - 300:
                break
            go.text(d, (left + (80 if i == 0 else 0), y), line, f)
            y += step
        y += step // 3
    return img


def receipt_page(rnd, p, case):
    """The receipt slip (Giấy tiếp nhận hồ sơ và hẹn trả kết quả) of this dossier."""
    img = go.a4()
    d = ImageDraw.Draw(img)
    reg, bold = rnd.choice(go.SERIF_FONTS)
    f, fb = gs.font(reg, 50), gs.font(bold, 50)
    qr = gs.qr_image("%s|1.004194|%s|Giấy tiếp nhận hồ sơ|Hệ thống thông tin giải quyết TTHC"
                     % (case, p["id_number"]), box=6)
    img.paste(qr, (70, 70))
    gs.ctext(d, 1700, 250, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", gs.font(bold, 48))
    gs.ctext(d, 1700, 320, "Độc lập - Tự do - Hạnh phúc", fb)
    gs.ctext(d, A4[0] / 2, 640, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", gs.font(bold, 60))
    gs.ctext(d, A4[0] / 2, 740, "Mã hồ sơ: " + case, fb)
    bc = gs.code128_image(case, module=3, height=120)
    img.paste(bc, (int(A4[0] / 2 - bc.width / 2), 830))
    y = 1050
    for lab, v in [("Ông/Bà:", p["full_name"]), ("Số định danh cá nhân:", p["id_number"]),
                   ("Địa chỉ:", p["residence"]),
                   ("Thời gian nhận hồ sơ:", "08 giờ 30 phút, ngày " + RECEIVED.strftime("%d/%m/%Y")),
                   ("Thời gian trả kết quả:", "ngày %02d/10/2025" % (RECEIVED.day + 5)),
                   ("Đăng ký nhận kết quả tại:", "Bộ phận Một cửa UBND xã Thạch Hà")]:
        go.lv(d, 250, y, lab, v, f, fb)
        y += 95
    gs.ctext(d, 1750, y + 120, "NGƯỜI TIẾP NHẬN HỒ SƠ", fb)
    gs.signature(d, 1600, y + 230, rnd)
    return img


def card_copy(rnd, p):
    """A 2021 or 2024 card front photocopied in colour on A4."""
    fonts = rnd.choice(go.SANS_FONTS)
    if rnd.random() < 0.6:
        card, _ = go.card_2021_front(rnd, p, fonts, True)
    else:
        card, _ = go.card_2024_front(rnd, p, fonts, True)
    page = go.on_a4(card, rnd)
    tint = rnd.choice([("#1d2a3a", "#f4f1e8"), ("#20301f", "#f6f6ee"), ("#2b1d1d", "#fbf5ee")])
    return ImageOps.colorize(page, black=tint[0], white=tint[1])


def degrade(img, rnd):
    """Light scanner defects: small skew, blur, sensor noise, rarely upside down."""
    if rnd.random() < 0.5:
        a = rnd.uniform(-1.5, 1.5)
        bg = img.getpixel((2, 2))
        img = img.rotate(a, resample=Image.BICUBIC, expand=True, fillcolor=bg)
    if rnd.random() < 0.03:
        img = img.rotate(180)
    if rnd.random() < 0.3:
        img = img.filter(ImageFilter.GaussianBlur(rnd.uniform(0.3, 0.8)))
    if rnd.random() < 0.25:  # sensor noise (costly to compress, as on real scans)
        noise = Image.effect_noise(img.size, 30)
        if img.mode == "RGB":
            noise = noise.convert("RGB")
        img = Image.blend(img, noise, rnd.uniform(0.02, 0.05))
    else:  # toner specks and dust
        d = ImageDraw.Draw(img)
        for _ in range(rnd.randint(10, 120)):
            x, y, r = rnd.randint(0, img.width), rnd.randint(0, img.height), rnd.choice([1, 1, 2])
            tone = rnd.randint(60, 170)
            d.ellipse([x - r, y - r, x + r, y + r], fill=tone if img.mode == "L" else (tone,) * 3)
    return img


def plan_sizes(rnd, n):
    """Dossier sizes of 3..6 pages adding up to n (n >= 3)."""
    sizes = []
    while n:
        if n <= 6:
            s = n
        else:
            s = rnd.choice([k for k in range(3, 7) if n - k >= 3 or n - k == 0])
        sizes.append(s)
        n -= s
    return sizes


def make_dossier(args):
    """Draw dossier `idx` (case, pages) and write its drop files and page images."""
    outdir, seed, idx, size, first_page = args
    rnd = random.Random("%d-%d" % (seed, idx))
    case = "%s-%s-%04d" % (AGENCY, RECEIVED.strftime("%y%m%d"), idx + 1)
    p = go.person(rnd)
    # page plan: form first, an ID-card copy sometimes, a receipt last sometimes,
    # running text for the rest
    # The first dossier always holds the heaviest input of the set (a colour
    # ID-card copy inside a multi-page TIFF): the smaller run of bench/e2e.sh's
    # peak-RSS comparison is the first dossiers, and without it the two peaks
    # would compare page mixes rather than run lengths.
    heaviest = idx == 0
    kinds = ["form"]
    if rnd.random() < 0.35 or heaviest:
        kinds.append("card")
    tail = ["receipt"] if size - len(kinds) >= 2 and rnd.random() < 0.3 else []
    kinds += ["text"] * (size - len(kinds) - len(tail)) + tail
    pages = []
    for i, k in enumerate(kinds):
        if k == "form":
            img, _ = go.form_page(rnd, p, rnd.choice(ALL_FONTS))
        elif k == "card":
            img = card_copy(rnd, p)
        elif k == "receipt":
            img = receipt_page(rnd, p, case)
        else:
            img = text_page(rnd, p, case, i == 0 or kinds[i - 1] != "text")
        pages.append((k, degrade(img, rnd)))
    dpi = (DPI, DPI)
    drop, pdir = os.path.join(outdir, "drop"), os.path.join(outdir, "pages")
    files = []

    def page_png(j, img):
        img.save(os.path.join(pdir, "%05d.png" % (first_page + j)), format="PNG", dpi=dpi)

    def tiff(name, comp, imgs, j0):
        imgs[0].save(os.path.join(drop, name), format="TIFF", compression="tiff_deflate",
                     dpi=dpi, save_all=True, append_images=imgs[1:])
        for j, img in enumerate(imgs):
            page_png(j0 + j, img)
        files.append({"name": name, "component": comp, "pages": len(imgs)})

    if rnd.random() < 0.4 or heaviest:  # the whole dossier as one multi-page TIFF
        tiff(case + ".tif", "Hồ sơ", [img for _, img in pages], 0)
    else:
        j = 0
        while j < len(pages):
            k, img = pages[j]
            if k == "text":
                end = j
                while end < len(pages) and pages[end][0] == "text":
                    end += 1
                run = [im for _, im in pages[j:end]]
                tiff(case + "__Giấy tờ kèm theo.tif", "Giấy tờ kèm theo", run, j)
                j += len(run)
                continue
            if k == "card":  # photocopies often come as JPEG
                name = case + "__CCCD.jpg"
                img.save(os.path.join(drop, name), format="JPEG", quality=rnd.randint(75, 92),
                         dpi=dpi)
                with open(os.path.join(drop, name), "rb") as a, \
                        open(os.path.join(pdir, "%05d.jpg" % (first_page + j)), "wb") as b:
                    b.write(a.read())
                files.append({"name": name, "component": "CCCD", "pages": 1})
            else:
                comp = "Tờ khai" if k == "form" else "Giấy tiếp nhận"
                name = "%s__%s.png" % (case, comp)
                img.save(os.path.join(drop, name), format="PNG", dpi=dpi)
                page_png(j, img)
                files.append({"name": name, "component": comp, "pages": 1})
            j += 1
    return {"case": case, "applicant": p["full_name"], "pages": size,
            "kinds": kinds, "files": files}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    if a.pages < 3:
        sys.exit("gen_e2e_pages.py: --pages must be at least 3 (one dossier)")
    for sub in ("drop", "pages"):
        os.makedirs(os.path.join(a.outdir, sub), exist_ok=True)
    sizes = plan_sizes(random.Random(a.seed), a.pages)
    work, first = [], 0
    for i, s in enumerate(sizes):
        work.append((a.outdir, a.seed, i, s, first))
        first += s
    with multiprocessing.Pool(max(1, a.jobs)) as pool:
        dossiers = pool.map(make_dossier, work, chunksize=1)
    manifest = {"pages": a.pages, "seed": a.seed,
                "case_prefix": "%s-%s" % (AGENCY, RECEIVED.strftime("%y%m%d")),
                "dossiers": dossiers}
    with open(os.path.join(a.outdir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
    print("%d pages in %d dossiers in %s" % (a.pages, len(dossiers), a.outdir))


if __name__ == "__main__":
    main()
