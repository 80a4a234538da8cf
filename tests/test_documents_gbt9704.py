"""The printed 发文 (documents.gbt9704): GB/T 9704-2012 layout, read back from the PDF.

Text and positions come from pypdf (extract_text with a visitor that records
where each string starts); colours from the content stream and from a
pdftoppm rendering sampled with Pillow."""

import datetime
import io
import re
import shutil
import statistics
import subprocess
import time

import pytest
from django.core.files.storage import default_storage
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from documents import gbt9704
from documents.models import OutgoingDocument
from office.pdf import font

pytestmark = pytest.mark.django_db

D = datetime.date
FILL = "人民代表大会常务委员会依法履行监督职责推进全过程人民民主建设加强和改进人大工作" * 12
TOLERANCE = 0.3 * mm


def plain(n: int, start: int = 0) -> str:
    """n characters of Chinese text without punctuation, ending in 。."""
    return FILL[start : start + n - 1] + "。"


def make_doc(office, **overrides) -> OutgoingDocument:
    data = dict(
        doc_type="notice",
        title="关于进一步规范区人大常委会机关公文处理工作的通知",
        main_to="常委会各委室、各街道人大工委",
        copy_to="区委办公室，区政府办公室",
        body="为进一步规范机关公文处理工作，现就有关事项通知如下。\n请各委室认真贯彻执行。",
        attachment_note="1. 公文处理工作流程图\n2、公文格式范例。",
        issuer="清河区人大常委会办公室文件",
        signature="清河区人大常委会办公室",
        prefix="清人常办发",
        year=2026,
        serial=12,
        signed_on=D(2026, 12, 1),
        printed_on=D(2026, 12, 3),
        printing_unit="清河区人大常委会办公室",
        drafter=office.staff,
        drafting_unit=office.office_unit,
    )
    data.update(overrides)
    return OutgoingDocument.objects.create(**data)


def two_page_body() -> str:
    return "\n".join(plain(100, 7 * index) for index in range(4))


def reader(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def runs(page) -> list:
    """(text, x mm from the left edge, baseline mm from the top edge, font size) of every string shown."""
    found = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x / mm, (gbt9704.PAGE_HEIGHT - y) / mm, font_size))

    page.extract_text(visitor_text=visit)
    return found


def lines(page) -> list:
    """Runs grouped into printed lines by baseline: [(baseline mm, first x mm, text, size)], top to bottom."""
    grouped, baseline = {}, {}
    for text, x, y, size in runs(page):
        key = round(y, 1)
        grouped.setdefault(key, []).append((x, text, size))
        baseline.setdefault(key, y)
    out = []
    for key in sorted(grouped):
        parts = sorted(grouped[key])
        out.append((baseline[key], parts[0][0], "".join(text for _, text, _ in parts), parts[0][2]))
    return out


def flat(text: str) -> str:
    return "".join(text.split())


def page_text(page) -> str:
    return flat(page.extract_text())


def content(page) -> bytes:
    return page.get_contents().get_data()


def is_page_number(text: str) -> bool:
    return re.fullmatch(r"—\s*\d+\s*—", text) is not None


# --- Elements and their order -------------------------------------------------------------


def assert_in_order(text: str, parts: list):
    positions = [text.find(part) for part in parts]
    assert all(position >= 0 for position in positions), list(zip(parts, positions))
    assert positions == sorted(positions), list(zip(parts, positions))


def test_one_page_document_has_every_element_in_order(office):
    # The 版头 takes the top ten lines of page 1: a one-line title, one 主送 line
    # and one body line leave just room for the signature block and the 版记.
    doc = make_doc(office, title="关于规范机关公文处理工作的通知", body="请各委室认真贯彻执行。", attachment_note="")
    pdf = reader(gbt9704.render_outgoing(doc))
    assert len(pdf.pages) == 1
    assert_in_order(
        page_text(pdf.pages[0]),
        [
            "清河区人大常委会办公室文件",  # 发文机关标志
            "清人常办发〔2026〕12号",  # 发文字号
            "关于规范机关公文处理工作的通知",  # title
            "常委会各委室、各街道人大工委：",  # 主送机关 with its full-width colon
            "请各委室认真贯彻执行。",  # body
            "清河区人大常委会办公室2026年12月1日",  # 署名, then 成文日期 (no padding zeros)
            "抄送：区委办公室，区政府办公室。",  # 版记
            "清河区人大常委会办公室2026年12月3日印发",
            "—1—",  # 页码
        ],
    )


def test_attachments_come_between_body_and_signature(office):
    doc = make_doc(office)
    pdf = reader(gbt9704.render_outgoing(doc))
    first = page_text(pdf.pages[0])
    assert_in_order(first, ["清河区人大常委会办公室文件", "清人常办发〔2026〕12号", "关于进一步规范区人大常委会", "常委会各委室、各街道人大工委：", "为进一步规范机关公文处理工作"])
    assert_in_order(
        "".join(page_text(page) for page in pdf.pages),
        [
            "请各委室认真贯彻执行。",
            "附件：1.公文处理工作流程图",  # 附件说明, the user's own numbering replaced
            "2.公文格式范例",  # no final mark after an attachment name
            "清河区人大常委会办公室2026年12月1日",
            "抄送：区委办公室，区政府办公室。",
            "2026年12月3日印发",
        ],
    )
    assert "2.公文格式范例。" not in "".join(page_text(page) for page in pdf.pages)


def test_two_page_document_header_first_page_note_last_page(office):
    doc = make_doc(office, body=two_page_body())
    pdf = reader(gbt9704.render_outgoing(doc))
    assert len(pdf.pages) == 2
    first, last = page_text(pdf.pages[0]), page_text(pdf.pages[1])
    assert "清河区人大常委会办公室文件" in first and "清人常办发〔2026〕12号" in first
    assert "清人常办发" not in last and "文件" not in last  # 版头 only on page 1
    assert "抄送" not in first and "印发" not in first
    assert "抄送：区委办公室，区政府办公室。" in last
    assert "2026年12月3日印发" in last
    assert "—1—" in first and "—2—" not in first
    assert "—2—" in last and "—1—" not in last
    # 版记 at the bottom of the last page: 抄送 above 印发, both under the 成文日期.
    rows = lines(pdf.pages[1])
    texts = [text for _, _, text, _ in rows]
    date_at = texts.index("2026年12月1日")
    copy_at = next(i for i, text in enumerate(texts) if text.startswith("抄送："))
    printed_at = next(i for i, text in enumerate(texts) if text.endswith("印发"))
    assert date_at < copy_at < printed_at
    printed_y = rows[printed_at][0] * mm
    assert printed_y == pytest.approx(gbt9704.line_baseline(gbt9704.LINES_PER_PAGE - 1, gbt9704.NOTE_SIZE), abs=TOLERANCE)
    assert rows[printed_at][3] == gbt9704.NOTE_SIZE == 14  # 4号


def test_page_numbers_alternate_sides_seven_mm_below_the_text_block(office):
    doc = make_doc(office, body=two_page_body())
    pdf = reader(gbt9704.render_outgoing(doc))
    song = font("song")
    for index, page in enumerate(pdf.pages, start=1):
        numbers = [(text, x, y, size) for text, x, y, size in runs(page) if is_page_number(text)]
        assert len(numbers) == 1, numbers
        text, x, y, size = numbers[0]
        assert text == f"— {index} —" and size == 14
        width = pdfmetrics.stringWidth(text, song, 14) / mm
        one_char = 14 / mm
        if index % 2:  # 单页码居右空一字
            assert x + width == pytest.approx(184 - one_char, abs=0.3)
        else:  # 双页码居左空一字
            assert x == pytest.approx(28 + one_char, abs=0.3)
        # The dash's top edge 7 mm under the 版心 (262 mm): the baseline a little lower.
        assert 269 < y < 273


# --- The grid -----------------------------------------------------------------------------


def test_layout_constants_follow_the_standard():
    assert gbt9704.PAGE_WIDTH == pytest.approx(210 * mm, abs=0.1) and gbt9704.PAGE_HEIGHT == pytest.approx(297 * mm, abs=0.1)
    assert gbt9704.TOP_MARGIN == pytest.approx(37 * mm) and gbt9704.LEFT_MARGIN == pytest.approx(28 * mm)
    assert gbt9704.BLOCK_WIDTH == pytest.approx(156 * mm) and gbt9704.BLOCK_HEIGHT == pytest.approx(225 * mm)
    assert gbt9704.BLOCK_RIGHT == pytest.approx(184 * mm) and gbt9704.BLOCK_BOTTOM == pytest.approx(262 * mm)
    assert gbt9704.CHARS_PER_LINE == 28 and gbt9704.LINES_PER_PAGE == 22
    assert gbt9704.CHAR_PITCH == pytest.approx(156 / 28 * mm) and gbt9704.LINE_PITCH == pytest.approx(225 / 22 * mm)
    assert gbt9704.BODY_SIZE == 16 and gbt9704.TITLE_SIZE == 22


def test_body_sits_on_the_grid_inside_the_text_block(office):
    body = "\n".join([plain(84)] + [plain(100, 5 * index) for index in range(1, 10)])
    doc = make_doc(office, body=body)
    pdf = reader(gbt9704.render_outgoing(doc))
    assert len(pdf.pages) == 3
    pitch = gbt9704.CHAR_PITCH / mm

    # Everything but the page number stays in the 版心: 28..184 mm across, 37..262 mm down.
    for page in pdf.pages:
        for text, x, y, size in runs(page):
            if is_page_number(text):
                continue
            assert 28 - 0.01 <= x <= 184, (text, x)
            assert 37 < y < 262, (text, y)
    for page in pdf.pages:
        for y, x, text, size in lines(page):
            if size == 16 and not is_page_number(text):
                assert x + len(text) * pitch <= 184 + 0.5, (text, x)

    page1 = lines(pdf.pages[0])
    main_to = next(i for i, (_, _, text, _) in enumerate(page1) if text.endswith("："))
    y0, x0, first, _ = page1[main_to]
    assert x0 == pytest.approx(28, abs=0.05)  # 主送机关 顶格
    y1, x1, body_first, _ = page1[main_to + 1]
    assert body_first == FILL[:26]  # 2 characters indent + 26 = 28
    assert x1 == pytest.approx(28 + 2 * pitch, abs=0.05)  # paragraphs indented two characters
    y2, x2, body_second, _ = page1[main_to + 2]
    assert body_second == FILL[26:54] and len(body_second) == 28  # a full line: 28 characters
    assert x2 == pytest.approx(28, abs=0.05)
    assert y2 - y1 == pytest.approx(225 / 22, abs=0.05)  # 22 lines to the 225 mm 版心

    # Page 2 is all body text: 22 lines at the grid's pitch, the first on the first
    # grid line; page 1's body lines are on the same grid.
    page2 = [row for row in lines(pdf.pages[1]) if not is_page_number(row[2])]
    assert len(page2) == gbt9704.LINES_PER_PAGE
    baselines = [y for y, _, _, _ in page2]
    assert baselines[0] * mm == pytest.approx(gbt9704.line_baseline(0), abs=TOLERANCE)
    for index, y in enumerate(baselines):
        assert y * mm == pytest.approx(gbt9704.line_baseline(index), abs=TOLERANCE)
    for y, _, _, size in page1:
        if size == 16 and y > y0 - 1:
            steps = (y - baselines[0]) / (225 / 22)
            assert steps == pytest.approx(round(steps), abs=0.01)
    # A full 28-character line starts at 28 mm and fills the 156 mm line.
    full = [(y, x, text) for y, x, text, _ in page2 if len(text) == 28 and re.fullmatch(r"[\u4e00-\u9fff]+", text)]
    assert full
    for y, x, text in full:
        assert x == pytest.approx(28, abs=0.05)


def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(office):
    # Marks placed where a naive 28-character cut would put them at a line's start or end.
    paragraphs = [
        FILL[:26] + "。" + FILL[:40] + "。",  # 。 would open line 2: pulled back
        FILL[:25] + "“" + FILL[:6] + "”" + FILL[:30] + "。",  # “ would close line 1: pushed down
        FILL[:24] + "，2026年12月" + FILL[:30] + "。",  # 2026 straddles the cut: kept whole
        FILL[:25] + "——" + FILL[:30] + "。",  # —— straddles the cut: kept whole
    ]
    doc = make_doc(office, body="\n".join(paragraphs))
    pdf = reader(gbt9704.render_outgoing(doc))
    body_lines = []
    for page in pdf.pages:
        body_lines += [text for _, _, text, size in lines(page) if size == 16 and not is_page_number(text)]
    for text in body_lines:
        assert text[0] not in gbt9704.NO_LINE_START, text
        assert text[-1] not in gbt9704.NO_LINE_END, text
    assert FILL[:26] + "。" in body_lines  # the pulled-back 。 shares the compressed line
    assert FILL[:25] in body_lines and "“" + FILL[:6] + "”" in "".join(body_lines)
    assert not any(text.endswith(("2", "20", "202")) for text in body_lines)
    assert not any(text.endswith("—") and not text.endswith("——") for text in body_lines)


def test_line_breaking_units():
    items = gbt9704.glyphs(FILL[:26] + "。" + FILL[:10])
    rows = gbt9704.paragraph_rows(items, first_indent=2 * gbt9704.CHAR_PITCH)
    first = rows[0]
    assert first.text == FILL[:26] + "。"
    assert first.width == pytest.approx(gbt9704.BLOCK_WIDTH - 2 * gbt9704.CHAR_PITCH)  # compressed to the line
    assert first.natural > first.width
    assert rows[-1].width is None  # a paragraph's last line is not spread
    # Half-width digits take half a cell and are never split.
    wide = gbt9704.glyphs("国")[0].width
    digit = gbt9704.glyphs("2")[0].width
    assert wide == pytest.approx(gbt9704.CHAR_PITCH) and digit < 0.6 * wide
    pieces = gbt9704.tokens(gbt9704.glyphs("第2026号……——"))
    assert ["".join(g.char for g in piece) for piece in pieces] == ["第", "2026", "号", "……", "——"]


def test_long_title_breaks_into_balanced_lines_without_splitting_words(office):
    title = "关于印发《清河区人大常委会关于加强和改进人大代表建议办理工作的实施办法》的通知"
    lines_ = ["".join(g.char for g in line) for line in gbt9704.title_lines(title, "title")]
    assert "".join(lines_) == title
    assert len(lines_) == 2
    assert all(len(line) <= gbt9704.TITLE_MAX_CHARS for line in lines_)
    assert abs(len(lines_[0]) - len(lines_[1])) <= 6
    assert not any(line.startswith(tuple(gbt9704.NO_LINE_START)) for line in lines_)
    short = "关于进一步规范区人大常委会机关公文处理工作的通知"
    lines_ = ["".join(g.char for g in line) for line in gbt9704.title_lines(short, "title")]
    assert lines_ == ["关于进一步规范区人大常委会", "机关公文处理工作的通知"]

    doc = make_doc(office, title=title)
    rows = lines(reader(gbt9704.render_outgoing(doc)).pages[0])
    title_rows = [(y, x, text) for y, x, text, size in rows if size == gbt9704.TITLE_SIZE]
    assert len(title_rows) == 2
    for y, x, text in title_rows:  # centred
        width = sum(g.width for g in gbt9704.glyphs(text, "title", 22, 22)) / mm
        assert x + width / 2 == pytest.approx(28 + 78, abs=0.3)


# --- 版头 -------------------------------------------------------------------------------------


def test_header_positions_and_red(office, tmp_path):
    doc = make_doc(office)
    data = gbt9704.render_outgoing(doc)
    page = reader(data).pages[0]
    rows = runs(page)
    issuer = next(row for row in rows if row[0] == "清河区人大常委会办公室文件")
    number = next(row for row in rows if row[0].startswith("清人常办发"))
    title = next(row for row in rows if row[3] == 22)
    assert issuer[1] > 28 - 0.01 and issuer[2] < number[2] < title[2]
    # The issuer mark's top edge 35 mm below the 版心's top (72 mm from the page's top):
    # the baseline sits one glyph height lower, at most 22 mm.
    assert 72 + 10 < issuer[2] < 72 + 22
    # 发文字号 centred; two blank lines (≥ 20 mm) below the mark.
    width = sum(g.width for g in gbt9704.glyphs("清人常办发〔2026〕12号")) / mm
    assert number[1] + width / 2 == pytest.approx(106, abs=0.3)
    assert number[2] - issuer[2] > 2 * 225 / 22
    # The title: at least two blank lines under the red rule.
    assert title[2] - number[2] > 3 * 225 / 22

    # Red: the issuer's fill and the rule's stroke, in the content stream …
    stream = content(page)
    assert b".901961 0 0 rg" in stream and b".901961 0 0 RG" in stream
    rule = re.search(rb"\.901961 0 0 RG\s+([\d.]+) w\s+n ([\d.]+) ([\d.]+) m ([\d.]+) ([\d.]+) l S", stream)
    assert rule, stream[:2000]
    thickness, x1, y1, x2, y2 = (float(value) for value in rule.groups())
    assert x1 == pytest.approx(28 * mm, abs=0.1) and x2 == pytest.approx(184 * mm, abs=0.1) and y1 == y2  # 版心 wide
    rule_top = (gbt9704.PAGE_HEIGHT - y1 - thickness / 2) / mm
    descent = 1 - gbt9704._ascent(font("fangsong"))  # the em box's part under the baseline
    number_bottom = number[2] + 16 * descent / mm
    assert rule_top - number_bottom == pytest.approx(4, abs=0.5)  # 4 mm under the 发文字号

    # … and on paper.
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm is not installed")
    image = rasterize(data, 1, tmp_path)
    dpi = 80

    def pixel(x_mm, y_mm):
        return image.getpixel((round(x_mm / 25.4 * dpi), round(y_mm / 25.4 * dpi)))

    def red(rgb):
        return rgb[0] > 180 and rgb[1] < 90 and rgb[2] < 90

    rule_y = rule_top + thickness / mm / 2
    for x in (30, 60, 106, 150, 182):
        assert any(red(pixel(x, rule_y + dy)) for dy in (-0.3, 0, 0.3)), x
    for x in (20, 190):
        assert not any(red(pixel(x, rule_y + dy)) for dy in (-0.3, 0, 0.3)), x
    issuer_band = [pixel(x, y) for x in range(30, 184, 2) for y in range(72, 94)]
    assert sum(1 for rgb in issuer_band if red(rgb)) > 50
    assert not any(red(pixel(x, y)) for x in range(30, 184, 3) for y in range(40, 71))  # nothing red above the mark


def rasterize(data: bytes, page: int, folder) -> Image.Image:
    source = folder / "document.pdf"
    source.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile", str(source), str(folder / "page")],
        capture_output=True, check=True, timeout=60,
    )
    return Image.open(folder / "page.png").convert("RGB")


def test_secret_and_urgent_marks_top_left(office):
    doc = make_doc(office, secrecy="secret", secrecy_term="5年", urgency="extra_urgent")
    page = reader(gbt9704.render_outgoing(doc, copy_no=7)).pages[0]
    rows = lines(page)
    texts = [text for _, _, text, _ in rows]
    assert texts[:4] == ["000007", "秘密★5年", "特急", "清河区人大常委会办公室文件"]
    for index in range(3):  # 顶格, stacked on the first three lines: 份号, 密级★保密期限, 紧急程度
        y, x, _, size = rows[index]
        assert x == pytest.approx(28, abs=0.05) and size == 16
        role = "fangsong" if index == 0 else "hei"
        assert y * mm == pytest.approx(gbt9704.line_baseline(index, role=role), abs=TOLERANCE)
    # 3号黑体 for 密级 and 紧急程度.
    hei_name = pdfmetrics.getFont(font("hei")).face.name.decode()
    fonts = base_fonts(page)
    assert hei_name in fonts["秘密★5年"] and hei_name in fonts["特急"], fonts

    no_copy = reader(gbt9704.render_outgoing(doc)).pages[0]
    rows = lines(no_copy)
    # Without a 份号 its line stays free for the numbering machine.
    assert rows[0][2] == "秘密★5年" and rows[0][0] * mm == pytest.approx(gbt9704.line_baseline(1, role="hei"), abs=TOLERANCE)

    plain_doc = make_doc(office, serial=13, urgency="urgent")
    rows = lines(reader(gbt9704.render_outgoing(plain_doc)).pages[0])
    assert rows[0][2] == "加急" and rows[0][0] * mm == pytest.approx(gbt9704.line_baseline(0, role="hei"), abs=TOLERANCE)


def base_fonts(page) -> dict:
    """Shown text → the BaseFont it is shown in."""
    found = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip() and font_dict:
            found[text.strip()] = str(font_dict.get("/BaseFont"))

    page.extract_text(visitor_text=visit)
    return found


def test_unnumbered_draft_leaves_the_number_blank(office):
    doc = make_doc(office, serial=None, year=None, signed_on=None, printed_on=None)
    text = "".join(page_text(page) for page in reader(gbt9704.render_outgoing(doc)).pages)
    assert "清人常办发〔" in text and "〕" in text and "None" not in text
    assert "（未编号）" not in text
    assert "清河区人大常委会办公室年月日" in text and "年月日印发" in text  # dates left blank
    signed = make_doc(office, serial=None, year=None, signed_on=D(2026, 3, 5), printed_on=None)
    text = "".join(page_text(page) for page in reader(gbt9704.render_outgoing(signed)).pages)
    assert "清人常办发〔2026〕" in text and "2026年3月5日" in text and "2026年3月5日印发" in text


# --- 主体 below the body -------------------------------------------------------------------


def test_attachments_signature_and_date_positions(office):
    # A body that puts the 附件说明 and the signature block together on page 2.
    doc = make_doc(office, body=two_page_body() + "\n请各委室认真贯彻执行。", attachment_note="附件：1、公文处理工作流程图；\n（2）公文格式范例")
    pdf = reader(gbt9704.render_outgoing(doc))
    assert len(pdf.pages) == 2
    rows = lines(pdf.pages[1])
    pitch = gbt9704.CHAR_PITCH / mm
    by_text = {text: (y, x) for y, x, text, _ in rows}
    first = next(text for text in by_text if text.startswith("附件："))
    second = next(text for text in by_text if text.startswith("2."))
    assert first == "附件：1.公文处理工作流程图" and second == "2.公文格式范例"
    assert by_text[first][1] == pytest.approx(28 + 2 * pitch, abs=0.05)  # 左空二字
    assert by_text[second][1] == pytest.approx(28 + 5 * pitch, abs=0.05)  # aligned under "1."
    body_last = by_text["请各委室认真贯彻执行。"][0]
    assert by_text[first][0] - body_last == pytest.approx(2 * 225 / 22, abs=0.05)  # 正文下空一行

    # Sealed (7.3.5.1): date 右空四字, the signature centred over it, room for the seal above.
    sig_y, sig_x = by_text["清河区人大常委会办公室"]
    date_y, date_x = by_text["2026年12月1日"]
    date_width = sum(g.width for g in gbt9704.glyphs("2026年12月1日")) / mm
    sig_width = 11 * pitch
    assert date_x + date_width == pytest.approx(184 - 4 * pitch, abs=0.05)
    assert sig_x + sig_width / 2 == pytest.approx(date_x + date_width / 2, abs=0.05)
    assert date_y - sig_y == pytest.approx(225 / 22, abs=0.05)
    assert sig_y - by_text[second][0] == pytest.approx(3 * 225 / 22, abs=0.05)  # two blank lines for the seal

    # Unsealed (7.3.5.2): one blank line, the signature 右空二字, the date two characters further right.
    rows = lines(reader(gbt9704.render_outgoing(doc, sealed=False)).pages[1])
    by_text = {text: (y, x) for y, x, text, _ in rows}
    sig_y, sig_x = by_text["清河区人大常委会办公室"]
    date_y, date_x = by_text["2026年12月1日"]
    assert sig_x + sig_width == pytest.approx(184 - 2 * pitch, abs=0.05)
    assert date_x == pytest.approx(sig_x + 2 * pitch, abs=0.05)
    assert sig_y - by_text["2.公文格式范例"][0] == pytest.approx(2 * 225 / 22, abs=0.05)


@pytest.mark.parametrize("paragraphs", range(3, 9))
def test_signature_never_stands_alone_on_a_page(office, paragraphs):
    body = "\n".join(plain(95, 3 * index) for index in range(paragraphs))
    doc = make_doc(office, body=body, attachment_note="")
    pdf = reader(gbt9704.render_outgoing(doc))
    with_signature = [page for page in pdf.pages if "2026年12月1日" in [text for _, _, text, _ in lines(page)]]
    assert len(with_signature) == 1
    texts = [text for _, _, text, _ in lines(with_signature[0])]
    at = texts.index("清河区人大常委会办公室")
    assert at > 0 and any(text in body for text in texts[:at]), texts  # some body text shares the page
    last = pdf.pages[-1]
    assert "印发" in page_text(last) and "抄送" in page_text(last)


RULE = re.compile(r"([\d.]+) w\s+n ([\d.]+) ([\d.]+) m ([\d.]+) ([\d.]+) l S")


def note_rule_widths(page) -> list:
    """Widths of the rules in the lower half of the page (the 版记's), top to bottom."""
    rules = [[float(value) for value in match] for match in RULE.findall(content(page).decode("latin-1"))]
    return [width for width, _, y, _, _ in sorted(rules, key=lambda rule: -rule[2]) if y < gbt9704.PAGE_HEIGHT / 2]


def test_note_rules_thick_thin_thick(office):
    doc = make_doc(office, body=two_page_body())
    pages = reader(gbt9704.render_outgoing(doc)).pages
    assert len(pages) == 2 and note_rule_widths(pages[0]) == []
    assert note_rule_widths(pages[1]) == pytest.approx([0.35 * mm, 0.25 * mm, 0.35 * mm], abs=0.01)
    stream = content(pages[1]).decode("latin-1")
    ends = re.findall(r"n ([\d.]+) ([\d.]+) m ([\d.]+) ([\d.]+) l S", stream)
    last = [float(v) for v in ends[-1]]
    assert last[0] == pytest.approx(28 * mm, abs=0.1) and last[2] == pytest.approx(184 * mm, abs=0.1)
    # The last rule's lower edge on the 版心's bottom edge (262 mm).
    assert gbt9704.PAGE_HEIGHT - last[1] + 0.35 * mm / 2 == pytest.approx(262 * mm, abs=0.1)

    no_copy = make_doc(office, serial=14, copy_to="", body=two_page_body())
    assert note_rule_widths(reader(gbt9704.render_outgoing(no_copy)).pages[-1]) == pytest.approx([0.35 * mm, 0.35 * mm], abs=0.01)
    assert "抄送" not in page_text(reader(gbt9704.render_outgoing(no_copy)).pages[-1])


def test_fonts_are_embedded(office):
    doc = make_doc(office, body="一、总体要求。" + plain(60) + "\n（一）工作目标。" + plain(40))
    pdf = reader(gbt9704.render_outgoing(doc))
    base_fonts = set()
    for page in pdf.pages:
        resources = page["/Resources"]["/Font"]
        current = None
        for operands, operator in ContentStream(page.get_contents(), pdf).operations:
            if operator == b"Tf":
                current = operands[0]
            elif operator in (b"Tj", b"TJ"):
                font_dict = resources[current].get_object()
                if font_dict.get("/Subtype") == "/Type0":
                    font_dict = font_dict["/DescendantFonts"][0].get_object()
                descriptor = font_dict["/FontDescriptor"].get_object()
                assert "/FontFile2" in descriptor
                assert len(descriptor["/FontFile2"].get_object().get_data()) > 1000
                base_fonts.add(str(font_dict["/BaseFont"]).split("+", 1)[-1])
    assert len(base_fonts) >= 3, base_fonts  # body, title/黑体, 楷体 at least


# --- Storage and speed ------------------------------------------------------------------------


def test_outgoing_pdf_store(office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = make_doc(office, title="关于印发《公文/处理:办法》的通知")
    before = OutgoingDocument.objects.get(pk=doc.pk).updated_at
    path = gbt9704.outgoing_pdf_store(doc.pk)
    assert path == f"documents/outgoing/{doc.pk}/关于印发《公文处理办法》的通知.pdf"
    assert default_storage.exists(path)
    with default_storage.open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    saved = OutgoingDocument.objects.get(pk=doc.pk)
    assert saved.pdf.name == path and saved.updated_at == before  # only the pdf column changed
    assert gbt9704.outgoing_pdf_store(doc.pk) == path  # idempotent: replaced in place

    OutgoingDocument.objects.filter(pk=doc.pk).update(title="关于印发公文处理办法的通知")
    new_path = gbt9704.outgoing_pdf_store(doc.pk)
    assert new_path.endswith("/关于印发公文处理办法的通知.pdf") and not default_storage.exists(path)

    long_title = "关于" + FILL[:280] + "的通知"
    OutgoingDocument.objects.filter(pk=doc.pk).update(title=long_title)
    assert len(gbt9704.outgoing_pdf_store(doc.pk)) <= 100  # FileField max_length

    assert gbt9704.outgoing_pdf_store(doc.pk + 1000) == ""


def test_task_calls_the_store(office, settings, tmp_path):
    from documents.tasks import outgoing_print_pdf

    settings.MEDIA_ROOT = tmp_path
    doc = make_doc(office)
    assert outgoing_print_pdf.run(doc.pk) == OutgoingDocument.objects.get(pk=doc.pk).pdf.name != ""


def test_two_page_document_renders_fast(office):
    doc = make_doc(office, body=two_page_body())
    gbt9704.render_outgoing(doc)  # fonts registered, caches warm
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        data = gbt9704.render_outgoing(doc)
        timings.append(time.perf_counter() - start)
    assert len(reader(data).pages) == 2
    assert statistics.median(timings) <= 0.3, timings
