"""The printed outgoing document (发文), laid out by GB/T 9704-2012 《党政机关公文格式》.

Drawn on a reportlab canvas at exact positions, with our own line breaking:

* A4; 版心 156 × 225 mm, 天头 37 mm, 订口 28 mm (5.2.1, 5.2.2).
* 3号仿宋 (16 pt) on a grid of 22 lines × 28 characters that fills the 版心
  (5.2.4): a full-width character takes 156/28 mm, a line 225/22 mm. Half-width
  characters (Arabic numerals, Latin letters) take their own width; a number
  or word is never broken. Lines other than a paragraph's last are justified
  to the full width, as Word's character grid does.
* 标点 (GB/T 15834): a line never starts with 。，、；：？！）」』”’》… (避头: the
  mark is pulled back onto the previous line, which is compressed evenly to
  hold it) and never ends with （「『“‘《… (避尾: the mark moves down and the
  line is spread). —— and …… are never split.
* 版头 (7.2), page 1 only: 份号 (6 digits, when `copy_no` is given), 密级★保密期限
  in 3号黑体 and 紧急程度 in 3号黑体, stacked top-left from the first line; the
  发文机关标志 in red 小标宋, centred, its top edge 35 mm below the 版心's top edge
  (下行文 layout); characters at most 15 mm wide and 21 mm high (the 1999
  edition's limit), narrowed as needed to fit the 版心; the 发文字号 centred two
  blank lines below it; the red 版头分隔线, 版心-wide, 4 mm below the 发文字号.
* 主体 (7.3): the title in 2号小标宋 two blank lines below the red rule (7.3.1
  says 空二行), centred, broken into balanced lines at sensible places (after
  关于/的/、, around 《》, never inside a number); one blank line; 主送机关 flush
  left ending in "："; the body, paragraphs indented two characters, with
  "一、" headings in 黑体 and "（一）" headings in 楷体 (7.3.3); 附件说明 one blank
  line below, indented two characters, "附件：1.名称" with later items and wrapped
  lines aligned (7.3.4); then 署名 and 成文日期:
    - sealed (default, 7.3.5.1, the office stamps its seal at 用印): two blank
      lines left for the seal, the date 右空四字 and the signature centred over it;
    - `sealed=False` (7.3.5.2): one blank line, the signature 右空二字, the date on
      the next line starting two characters right of the signature.
  The signature block always shares its page with the body's last line.
* 版记 (7.4) at the bottom of the last page, its last rule on the 版心's bottom
  edge: 抄送 (4号仿宋, 左右各空一字, wrapped lines aligned after the colon, ending
  in "。") and 印发机关 / 印发日期 (左右各空一字); rules 156 mm wide, first and last
  0.35 mm, the middle 0.25 mm. When it does not fit under the text, it gets a
  page of its own.
* 页码 (7.5): "— 1 —" in 4号宋体, the dash 7 mm below the 版心, odd pages 右空一字,
  even pages 左空一字.

An unnumbered document (a draft) prints its 发文字号 with the number left blank,
"清人常办发〔2026〕　号" (year from the 成文日期 when there is one), and a missing
成文日期 / 印发日期 as "　　年　月　日", to be filled in by hand: no wording that is
not part of a real 公文 is added to the page.

Fonts come from office.pdf.font(role): roles "fangsong" (body), "title" (小标宋),
"hei", "kai", "song". A character missing from a role's font is drawn in the
first other configured font that has it.
"""

from __future__ import annotations

import io
import math
import re
import struct
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.core.files.storage import default_storage
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from documents.models import OutgoingDocument
from office.pdf import FONT_ROLES, font, store
from office.text import chinese_date

# --- Layout constants (points; 1 mm = 2.835 pt). "from the top" = from the page's top edge.

PAGE_WIDTH, PAGE_HEIGHT = A4  # 210 × 297 mm
TOP_MARGIN = 37 * mm  # 天头
LEFT_MARGIN = 28 * mm  # 订口
BLOCK_WIDTH = 156 * mm  # 版心
BLOCK_HEIGHT = 225 * mm
BLOCK_LEFT = LEFT_MARGIN
BLOCK_RIGHT = LEFT_MARGIN + BLOCK_WIDTH  # 184 mm from the left edge
BLOCK_TOP = TOP_MARGIN  # 37 mm from the top
BLOCK_BOTTOM = TOP_MARGIN + BLOCK_HEIGHT  # 262 mm from the top

CHARS_PER_LINE = 28
LINES_PER_PAGE = 22
CHAR_PITCH = BLOCK_WIDTH / CHARS_PER_LINE  # ≈ 5.57 mm
LINE_PITCH = BLOCK_HEIGHT / LINES_PER_PAGE  # ≈ 10.23 mm

BODY_SIZE = 16  # 3号
TITLE_SIZE = 22  # 2号
NOTE_SIZE = 14  # 4号: 版记
PAGE_NUMBER_SIZE = 14  # 4号
TITLE_MAX_CHARS = 20  # a 2号 line across the 版心 holds 20 characters

RED = Color(230 / 255, 0, 0)  # #E60000
ISSUER_TOP = 35 * mm  # 发文机关标志's top edge below the 版心's top edge (下行文)
ISSUER_HEIGHT = 21 * mm  # font size of the 发文机关标志 (under the 22 mm limit)
ISSUER_MAX_CHAR_WIDTH = 15 * mm
ISSUER_MAX_WIDTH = BLOCK_WIDTH
ISSUER_MIN_SCALE = 0.5  # narrowest horizontal scale before the size is reduced
NUMBER_GAP_LINES = 2  # 发文字号: 发文机关标志下空二行
RED_RULE_GAP = 4 * mm  # 版头分隔线 4 mm below the 发文字号
RED_RULE_WIDTH = 2.25  # pt, the usual weight of the red rule (the standard leaves it open)
TITLE_GAP_LINES = 2  # title: 红色分隔线下空二行
SEAL_GAP_LINES = 2  # blank lines above the signature of a sealed document (room for the seal)
PLAIN_GAP_LINES = 1  # … of an unsealed one (正文下空一行)
DATE_RIGHT_CHARS = 4  # sealed: 成文日期右空四字
SIGNATURE_RIGHT_CHARS = 2  # unsealed: 署名右空二字, date two characters right of it
NOTE_RULE_THICK = 0.35 * mm
NOTE_RULE_THIN = 0.25 * mm
NOTE_INDENT = NOTE_SIZE  # 版记: 左右各空一字 (of 4号)
PAGE_NUMBER_GAP = 7 * mm  # 一字线上距版心下边缘 7 mm
PAGE_NUMBER_INDENT = PAGE_NUMBER_SIZE  # 单页码居右空一字, 双页码居左空一字

# 避头 / 避尾 (GB/T 15834-2011 4.1).
NO_LINE_START = frozenset("。，、；：？！）」』”’》〉】〕〗·％‰!),.:;?]}%…")
NO_LINE_END = frozenset("（「『“‘《〈【〔〖([{")
_MAX_PULL_BACK = 2  # at most this many marks are squeezed onto the previous line
_MAX_STRETCH = 1.2  # a line is not spread wider than this (a long word was pushed down)

_OPENING = frozenset("（「『“‘《〈【〔〖")
_CLOSING = frozenset("）」』”’》〉】〕〗，。、；：？！")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:[.,:/\-][A-Za-z0-9]+)*%?")
_LEVEL1 = re.compile(r"^[一二三四五六七八九十百]+、")
_LEVEL2 = re.compile(r"^（[一二三四五六七八九十百]+）")
_SENTENCE_END = "。？！"
_ITEM_NUMBER = re.compile(r"^\s*(?:\d+\s*[.．、]|（\d+）|\(\d+\)|[一二三四五六七八九十]+、)\s*")
_BLANK = "　"


# --- Fonts and metrics --------------------------------------------------------------------


@lru_cache(maxsize=None)
def _face(font_name: str):
    return pdfmetrics.getFont(font_name).face


@lru_cache(maxsize=None)
def _advance(font_name: str, char: str) -> float:
    """The glyph's advance in em."""
    return pdfmetrics.stringWidth(char, font_name, 1000) / 1000


def _has_glyph(font_name: str, char: str) -> bool:
    return ord(char) in _face(font_name).charToGlyph


@lru_cache(maxsize=4096)
def _role_for(role: str, char: str) -> str:
    """`role`, or the first other font role whose font has the character."""
    if char.isspace() or _has_glyph(font(role), char):
        return role
    for other in FONT_ROLES:
        if other != role and _has_glyph(font(other), char):
            return other
    return role


def _ascent(font_name: str) -> float:
    """The baseline's height in the em box, as a fraction of the em (0.88 for most CJK fonts)."""
    face = _face(font_name)
    span = (face.ascent - face.descent) or 1000
    return face.ascent / span


@lru_cache(maxsize=256)
def _ink(font_name: str, text: str) -> tuple[float, float]:
    """(top, bottom) of the glyphs' ink relative to the baseline, in em (bottom < 0).

    Read from the TrueType glyf headers that reportlab already holds; the em box
    (ascent/descent) stands in when that is not possible."""
    face = _face(font_name)
    try:
        base = face.table["glyf"]["offset"]
        data, positions, upm = face._ttf_data, face.glyphPos, face.unitsPerEm
        tops, bottoms = [], []
        for char in set(text):
            gid = face.charToGlyph.get(ord(char))
            if gid is None or positions[gid + 1] == positions[gid]:
                continue
            _, _, y_min, _, y_max = struct.unpack_from(">hhhhh", data, base + positions[gid])
            tops.append(y_max / upm)
            bottoms.append(y_min / upm)
        if tops:
            return max(tops), min(bottoms)
    except (AttributeError, KeyError, IndexError, TypeError, struct.error):
        pass
    return face.ascent / 1000, face.descent / 1000


def _is_wide(char: str) -> bool:
    """Full-width in Chinese typesetting (ambiguous-width marks such as “” — … count as full)."""
    return unicodedata.east_asian_width(char) in "FWA"


# --- Glyphs, rows and line breaking -----------------------------------------------------


@dataclass(frozen=True)
class Glyph:
    char: str
    role: str
    width: float  # the room it takes on the line before justification, in pt


@dataclass
class Row:
    """One printed line: glyphs from x (pt from the page's left edge)."""

    glyphs: list
    size: float = BODY_SIZE
    x: float = BLOCK_LEFT
    width: float | None = None  # justify (spread or compress) the glyphs to exactly this width
    role: str = "fangsong"  # the font whose metrics place the baseline
    color: Color = black

    @property
    def natural(self) -> float:
        return sum(g.width for g in self.glyphs)

    @property
    def text(self) -> str:
        return "".join(g.char for g in self.glyphs)


BLANK_ROW = None  # a blank grid line in a flow


def glyphs(text: str, role: str = "fangsong", size: float = BODY_SIZE, cell: float = CHAR_PITCH, roles=None) -> list:
    """Glyphs for text: full-width characters take one cell, the others their own width."""
    out = []
    for index, char in enumerate(text):
        char_role = _role_for(roles[index] if roles else role, char)
        width = cell if _is_wide(char) else _advance(font(char_role), char) * size
        out.append(Glyph(char, char_role, width))
    return out


def tokens(items: list) -> list:
    """Unbreakable pieces: one CJK character, a Latin word or number, —— or ……."""
    text = "".join(g.char for g in items)
    out, i = [], 0
    while i < len(items):
        pair = text[i : i + 2]
        if pair in ("——", "……"):
            end = i + 2
        elif text[i].isascii() and text[i].isalnum():
            end = _ASCII_WORD.match(text, i).end()
        else:
            end = i + 1
        out.append(items[i:end])
        i = end
    return out


def wrap(pieces: list, first_width: float, rest_width: float) -> list:
    """Break tokens into lines: [(glyphs, is_last_line)]. Widths in pt."""
    narrowest = min(first_width, rest_width)
    split = []
    for piece in pieces:  # a word longer than a line is broken anywhere
        if len(piece) > 1 and sum(g.width for g in piece) > narrowest:
            split.extend([g] for g in piece)
        else:
            split.append(piece)
    pieces = split
    widths = [sum(g.width for g in piece) for piece in pieces]
    lines, i, n, width = [], 0, len(pieces), first_width
    while i < n:
        start, used = i, 0.0
        while i < n and used + widths[i] <= width + 0.01:
            used += widths[i]
            i += 1
        if i == start:
            i += 1
        pulled = 0
        while i < n and pulled < _MAX_PULL_BACK and pieces[i][0].char in NO_LINE_START:  # 避头
            i += 1
            pulled += 1
        while i < n and i - start > 1 and pieces[i - 1][-1].char in NO_LINE_END:  # 避尾
            i -= 1
        lines.append(([g for piece in pieces[start:i] for g in piece], i >= n))
        width = rest_width
    return lines


def paragraph_rows(items: list, *, first_indent: float = 0.0, rest_indent: float = 0.0, left: float = BLOCK_LEFT, width: float = BLOCK_WIDTH, size: float = BODY_SIZE) -> list:
    """Rows of one paragraph: lines justified to the width, the last one left as it is
    unless a pulled-back mark makes it too long."""
    rows = []
    for index, (line, last) in enumerate(wrap(tokens(items), width - first_indent, width - rest_indent)):
        indent = first_indent if index == 0 else rest_indent
        room = width - indent
        natural = sum(g.width for g in line)
        justify = natural > room + 0.01 or (not last and natural > 0 and room / natural <= _MAX_STRETCH)
        rows.append(Row(line, size=size, x=left + indent, width=room if justify else None))
    return rows


def centred_row(items: list, size: float, role: str, color: Color = black) -> Row:
    natural = sum(g.width for g in items)
    return Row(items, size=size, x=BLOCK_LEFT + (BLOCK_WIDTH - natural) / 2, role=role, color=color)


# Words a title line should not split: the office's own vocabulary (there is no
# word segmenter here; everything else falls back to balanced lengths).
TITLE_WORDS = (
    "人民代表大会", "常务委员会", "人大常委会", "常委会", "委员会", "工作委员会", "办公室", "人民政府", "人民法院",
    "人民检察院", "代表", "主任会议", "组成人员", "审议意见", "执法检查", "工作报告", "专项工作", "实施意见",
    "实施办法", "暂行办法", "规定", "条例", "决定", "决议", "通知", "通报", "意见", "报告", "请示", "批复", "函",
    "纪要", "公告", "通告", "机关", "公文", "工作", "管理", "制度", "建设", "监督", "落实", "进一步", "加强",
    "做好", "开展", "关于", "印发", "转发", "年度", "街道", "乡镇",
)


def _word_spans(text: str) -> set:
    """Positions j (a break before character j) that would split a TITLE_WORDS word."""
    inside = set()
    for word in TITLE_WORDS:
        start = text.find(word)
        while start != -1:
            inside.update(range(start + 1, start + len(word)))
            start = text.find(word, start + 1)
    return inside


def _break_cost(before: str, after: str, depth: int) -> float:
    if after in NO_LINE_START or before in NO_LINE_END:
        return 1000.0  # 避头/避尾: only when nothing else fits
    cost = 3.0
    if before in "、，；：":
        cost = 0.0
    elif before == "的" or after in "《“（" or before in "》”）":
        cost = 1.0
    elif before in "和与及":
        cost = 2.0
    return cost + (4.0 if depth else 0.0)


def title_lines(title: str, role: str) -> list:
    """The title's lines: as few as fit TITLE_MAX_CHARS, balanced in length (梯形/菱形),
    broken where the words allow."""
    cell = TITLE_SIZE
    pieces = tokens(glyphs(title, role, TITLE_SIZE, cell))
    widths = [sum(g.width for g in piece) for piece in pieces]
    total, limit, n = sum(widths), TITLE_MAX_CHARS * cell + 0.01, len(pieces)
    if total <= limit or n < 2:
        return [[g for piece in pieces for g in piece]]
    text = [(piece[0].char, piece[-1].char) for piece in pieces]
    inside = _word_spans(title)
    costs, depth, offset = [0.0] * (n + 1), 0, 0  # costs[j]: breaking before piece j
    for j in range(1, n):
        depth += sum(1 for g in pieces[j - 1] if g.char in "《“（") - sum(1 for g in pieces[j - 1] if g.char in "》”）")
        offset += len(pieces[j - 1])
        costs[j] = _break_cost(text[j - 1][1], text[j][0], max(depth, 0)) + (6.0 if offset in inside else 0.0)
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    fewest = math.ceil(total / limit)
    for count in (fewest, fewest + 1):
        target = total / count
        best = {(0, 0): (0.0, None)}  # (pieces set, lines used) → (cost, previous end)
        for lines_used in range(1, count + 1):
            for j in range(1, n + 1):
                options = []
                for i in range(j - 1, -1, -1):
                    width = prefix[j] - prefix[i]
                    if width > limit:
                        break
                    if (i, lines_used - 1) in best:
                        shape = ((width - target) / cell) ** 2
                        options.append((best[(i, lines_used - 1)][0] + shape + (costs[j] if j < n else 0.0), i))
                if options:
                    best[(j, lines_used)] = min(options)
        if (n, count) in best:
            ends, j = [], n
            for lines_used in range(count, 0, -1):
                ends.append(j)
                j = best[(j, lines_used)][1]
            ends.append(0)
            ends.reverse()
            return [[g for piece in pieces[a:b] for g in piece] for a, b in zip(ends, ends[1:])]
    return [line for line, _ in wrap(pieces, limit, limit)]


# --- Drawing ------------------------------------------------------------------------------


def _y(from_top: float) -> float:
    return PAGE_HEIGHT - from_top


def line_top(line: int) -> float:
    """The top of grid line `line` (0-based), from the page's top edge."""
    return BLOCK_TOP + line * LINE_PITCH


def line_baseline(line: int, size: float = BODY_SIZE, role: str = "fangsong") -> float:
    """The baseline of text set on grid line `line`, its em box centred in the line."""
    return line_top(line) + (LINE_PITCH - size) / 2 + _ascent(font(role)) * size


def draw_row(canvas: Canvas, row: Row, baseline: float):
    """Draw a row with its baseline `baseline` pt from the top. Consecutive glyphs
    of a font set at an even pitch go out as one string with character spacing."""
    if not row.glyphs:
        return
    natural = row.natural
    scale = row.width / natural if row.width and natural else 1.0
    runs, x = [], row.x  # run: [role, x of the first glyph, char spacing, chars, end of the last advance]
    for g in row.glyphs:
        name = font(g.role)
        advance = _advance(name, g.char) * row.size
        cell = g.width * scale
        offset = 0.0
        if advance < cell * 0.9:  # a narrow glyph in a full cell (e.g. “ in some fonts)
            offset = cell - advance if g.char in _OPENING else 0.0 if g.char in _CLOSING else (cell - advance) / 2
        at = x + offset
        run = runs[-1] if runs else None
        if run and run[0] == g.role:
            spacing = at - run[4]
            if len(run[3]) == 1 and abs(spacing) < row.size:
                run[2] = spacing
                run[3].append(g.char)
                run[4] = at + advance
                x += cell
                continue
            if len(run[3]) > 1 and abs(spacing - run[2]) < 0.005:
                run[3].append(g.char)
                run[4] = at + advance
                x += cell
                continue
        runs.append([g.role, at, 0.0, [g.char], at + advance])
        x += cell
    text = canvas.beginText()
    text.setTextOrigin(runs[0][1], _y(baseline))
    text.setFillColor(row.color)
    current_font, origin = None, runs[0][1]
    for role, at, spacing, chars, _ in runs:
        if role != current_font:
            text.setFont(font(role), row.size)
            current_font = role
        if at != origin:
            text.moveCursor(at - origin, 0)
            origin = at
        text.setCharSpace(spacing if len(chars) > 1 else 0)
        text.textOut("".join(chars))
    text.setCharSpace(0)  # Tc outlives the text object
    canvas.drawText(text)


def draw_rule(canvas: Canvas, top: float, thickness: float, color: Color = black):
    """A 版心-wide rule whose top edge is `top` pt from the page's top."""
    canvas.setStrokeColor(color)
    canvas.setLineWidth(thickness)
    y = _y(top + thickness / 2)
    canvas.line(BLOCK_LEFT, y, BLOCK_RIGHT, y)


# --- The document's parts -----------------------------------------------------------------


def number_text(doc: OutgoingDocument) -> str:
    """发文字号, or for an unnumbered draft the same with the number left blank."""
    if doc.number:
        return doc.number
    year = str(doc.signed_on.year) if doc.signed_on else _BLANK * 2
    return f"{doc.prefix}〔{year}〕{_BLANK}号"


def date_text(day) -> str:
    return chinese_date(day) if day else f"{_BLANK * 2}年{_BLANK}月{_BLANK}日"


def secrecy_text(doc: OutgoingDocument) -> str:
    """密级和保密期限: 秘密★5年 (GB/T 9704 7.2.2)."""
    if not doc.secrecy:
        return ""
    term = (doc.secrecy_term or "").strip()
    return f"{doc.get_secrecy_display()}★{term}" if term else doc.get_secrecy_display()


def _strip(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _paragraphs(text: str) -> list:
    return [line.strip(" \t" + _BLANK) for line in _strip(text).split("\n") if line.strip(" \t" + _BLANK)]


def body_paragraph_rows(paragraph: str) -> list:
    """A body paragraph: indented two characters; "一、…。" in 黑体, "（一）…。" in 楷体."""
    roles = ["fangsong"] * len(paragraph)
    heading = "hei" if _LEVEL1.match(paragraph) else "kai" if _LEVEL2.match(paragraph) else None
    if heading:
        ends = [paragraph.find(mark) for mark in _SENTENCE_END if mark in paragraph]
        end = min(ends) + 1 if ends else len(paragraph)
        roles[:end] = [heading] * end
    return paragraph_rows(glyphs(paragraph, roles=roles), first_indent=2 * CHAR_PITCH)


def main_to_rows(main_to: str) -> list:
    """主送机关: flush left, wrapped lines flush left too, ending in a full-width colon."""
    text = " ".join(_paragraphs(main_to)).rstrip(":：")
    return paragraph_rows(glyphs(text + "：")) if text else []


def attachment_items(note: str) -> list:
    """附件名称, one a line, without the user's own numbering or a final mark."""
    items = []
    for index, line in enumerate(_paragraphs(note)):
        if index == 0:
            line = re.sub(r"^附\s*件\s*[:：]?\s*", "", line)
        line = _ITEM_NUMBER.sub("", line).rstrip("。；;，,.．、 ")
        if line:
            items.append(line)
    return items


def attachment_rows(note: str) -> list:
    """附件说明 (7.3.4): "附件：1.名称", later numbers and wrapped lines aligned."""
    items = attachment_items(note)
    rows = []
    label = glyphs("附件：")
    label_width = sum(g.width for g in label)
    indent = 2 * CHAR_PITCH
    for index, item in enumerate(items, start=1):
        number = glyphs(f"{index}.") if len(items) > 1 else []
        number_width = sum(g.width for g in number)
        lead = label if index == 1 else []
        name_indent = indent + label_width + number_width
        item_rows = paragraph_rows(glyphs(item), first_indent=name_indent, rest_indent=name_indent)
        first = item_rows[0]
        first.glyphs = lead + number + first.glyphs
        first.x = BLOCK_LEFT + indent + (0 if index == 1 else label_width)
        if first.width is not None:
            first.width += (label_width if index == 1 else 0) + number_width
        rows.extend(item_rows)
    return rows


def signature_rows(doc: OutgoingDocument, sealed: bool) -> list:
    """署名 and 成文日期 (7.3.5.1 sealed / 7.3.5.2 unsealed)."""
    signature = glyphs(doc.signature.strip())
    date = glyphs(date_text(doc.signed_on))
    sig_width, date_width = sum(g.width for g in signature), sum(g.width for g in date)
    if sealed:
        date_x = BLOCK_RIGHT - DATE_RIGHT_CHARS * CHAR_PITCH - date_width
        sig_x = date_x + (date_width - sig_width) / 2
        sig_x = max(BLOCK_LEFT, min(sig_x, BLOCK_RIGHT - sig_width))
    else:
        right = BLOCK_RIGHT - SIGNATURE_RIGHT_CHARS * CHAR_PITCH
        sig_x = right - sig_width
        date_x = sig_x + 2 * CHAR_PITCH
        if date_x + date_width > right:
            date_x = right - date_width
            sig_x = date_x - 2 * CHAR_PITCH
        sig_x = max(BLOCK_LEFT, sig_x)
    return [Row(signature, x=sig_x), Row(date, x=date_x)]


def note_rows(doc: OutgoingDocument) -> tuple[list, list]:
    """版记: (抄送 rows, [印发机关, 印发日期]), in 4号仿宋."""
    copy_rows = []
    copy_to = " ".join(_paragraphs(doc.copy_to)).rstrip("。.；;，,")
    if copy_to:
        label = glyphs("抄送：", size=NOTE_SIZE, cell=NOTE_SIZE)
        label_width = sum(g.width for g in label)
        copy_rows = paragraph_rows(
            label + glyphs(copy_to + "。", size=NOTE_SIZE, cell=NOTE_SIZE),
            rest_indent=label_width, left=BLOCK_LEFT + NOTE_INDENT, width=BLOCK_WIDTH - 2 * NOTE_INDENT, size=NOTE_SIZE,
        )
    unit = (doc.printing_unit or "").strip() or re.sub(r"文件$", "", doc.issuer.strip())
    left = glyphs(unit, size=NOTE_SIZE, cell=NOTE_SIZE)
    right = glyphs(date_text(doc.printed_on or doc.signed_on) + "印发", size=NOTE_SIZE, cell=NOTE_SIZE)
    right_x = BLOCK_RIGHT - NOTE_INDENT - sum(g.width for g in right)
    printed = [Row(left, size=NOTE_SIZE, x=BLOCK_LEFT + NOTE_INDENT), Row(right, size=NOTE_SIZE, x=right_x)]
    return copy_rows, printed


# --- Pages --------------------------------------------------------------------------------


@dataclass
class Page:
    rows: list  # (grid line, Row)
    note: bool = False  # the 版记 goes at the bottom of this page


def paginate(flow: list, signature: list, first_line: int, gap_lines: int, note_lines: int) -> list:
    """Place rows on grid lines. Blank rows never start a page; the signature block
    stays on the page of the body's last line; the 版记 takes the last
    `note_lines` lines of the last page (a page of its own if the text is in the way)."""
    pages = [Page([])]
    line = first_line

    def place(row):
        nonlocal line
        if line >= LINES_PER_PAGE:
            pages.append(Page([]))
            line = 0
        if row is BLANK_ROW and line == 0 and len(pages) > 1:
            return
        if row is not BLANK_ROW:
            pages[-1].rows.append((line, row))
        line += 1

    for row in flow:
        place(row)
    needed = gap_lines + len(signature)
    if line + needed > LINES_PER_PAGE:  # take the body's last line over to the next page
        last = pages[-1].rows.pop() if len(pages[-1].rows) > 1 else None
        pages.append(Page([]))
        line = 0
        if last is not None:
            place(last[1])
    for _ in range(gap_lines):
        place(BLANK_ROW)
    for row in signature:
        place(row)
    if line + 1 + note_lines > LINES_PER_PAGE:
        pages.append(Page([]))
    pages[-1].note = True
    return pages


def _issuer_mark(canvas: Canvas, issuer: str) -> float:
    """Draw the 发文机关标志; return its ink's bottom edge, from the page's top."""
    name = font("title")
    em_width = pdfmetrics.stringWidth(issuer, name, 1.0) or 1.0
    chars = max(em_width, 1.0)
    char_width = min(ISSUER_MAX_CHAR_WIDTH, ISSUER_MAX_WIDTH / chars)
    size = ISSUER_HEIGHT
    scale = char_width / size
    if scale < ISSUER_MIN_SCALE:
        scale = ISSUER_MIN_SCALE
        size = char_width / scale
    top, bottom = _ink(name, issuer)
    baseline = BLOCK_TOP + ISSUER_TOP + top * size
    width = em_width * size * scale
    text = canvas.beginText()
    text.setTextOrigin(BLOCK_LEFT + (BLOCK_WIDTH - width) / 2, _y(baseline))
    text.setFont(name, size)
    text.setHorizScale(scale * 100)
    text.setFillColor(RED)
    text.textOut(issuer)
    text.setHorizScale(100)  # Tz outlives the text object
    canvas.drawText(text)
    return baseline - bottom * size


def _header(canvas: Canvas, doc: OutgoingDocument, copy_no) -> int:
    """版头 on page 1; returns the grid line of the title."""
    marks = []
    if doc.secrecy or copy_no is not None:
        marks.append(("fangsong", f"{copy_no:06d}" if copy_no is not None else ""))  # 份号: a numbering machine's place when blank
    if doc.secrecy:
        marks.append(("hei", secrecy_text(doc)))
    if doc.urgency:
        marks.append(("hei", doc.get_urgency_display()))
    for line, (role, text) in enumerate(marks):
        if text:
            draw_row(canvas, Row(glyphs(text, role), role=role), line_baseline(line, role=role))
    bottom = _issuer_mark(canvas, doc.issuer.strip())
    # 发文字号: two blank lines (of the grid's pitch) under the mark, its em box
    # centred in the line that follows them.
    number_top = bottom + NUMBER_GAP_LINES * LINE_PITCH + (LINE_PITCH - BODY_SIZE) / 2
    number = centred_row(glyphs(number_text(doc)), BODY_SIZE, "fangsong")
    draw_row(canvas, number, number_top + _ascent(font("fangsong")) * BODY_SIZE)
    rule_top = number_top + BODY_SIZE + RED_RULE_GAP
    draw_rule(canvas, rule_top, RED_RULE_WIDTH, RED)
    # The title: the first grid line with at least two blank lines above it, so
    # that the text below keeps to the grid of every other page.
    return math.ceil((rule_top + RED_RULE_WIDTH + TITLE_GAP_LINES * LINE_PITCH - BLOCK_TOP) / LINE_PITCH - 0.001)


def _note(canvas: Canvas, copy_rows: list, printed: list):
    """版记 at the bottom of the page: its last rule on the 版心's bottom edge."""
    first = LINES_PER_PAGE - len(copy_rows) - 1
    draw_rule(canvas, line_top(first), NOTE_RULE_THICK)
    for offset, row in enumerate(copy_rows):
        draw_row(canvas, row, line_baseline(first + offset, NOTE_SIZE))
    if copy_rows:
        draw_rule(canvas, line_top(LINES_PER_PAGE - 1) - NOTE_RULE_THIN / 2, NOTE_RULE_THIN)
    for row in printed:
        draw_row(canvas, row, line_baseline(LINES_PER_PAGE - 1, NOTE_SIZE))
    draw_rule(canvas, BLOCK_BOTTOM - NOTE_RULE_THICK, NOTE_RULE_THICK)


def _page_number(canvas: Canvas, number: int):
    """— 1 —: the dash's top 7 mm below the 版心; odd pages right, even pages left."""
    name = font("song")
    text = f"— {number} —"
    baseline = BLOCK_BOTTOM + PAGE_NUMBER_GAP + _ink(name, "—")[0] * PAGE_NUMBER_SIZE
    width = pdfmetrics.stringWidth(text, name, PAGE_NUMBER_SIZE)
    x = BLOCK_RIGHT - PAGE_NUMBER_INDENT - width if number % 2 else BLOCK_LEFT + PAGE_NUMBER_INDENT
    canvas.setFillColor(black)
    canvas.setFont(name, PAGE_NUMBER_SIZE)
    canvas.drawString(x, _y(baseline), text)


def render_outgoing(doc: OutgoingDocument, *, sealed: bool = True, copy_no: int | None = None) -> bytes:
    """The document as a GB/T 9704-2012 PDF.

    sealed: leave room for the seal above the 成文日期 (7.3.5.1) rather than the
    unsealed layout (7.3.5.2). copy_no: print this 份号 (涉密公文 carry one; left
    blank for a numbering machine when not given)."""
    title_role = "title"
    title = [centred_row(line, TITLE_SIZE, title_role) for line in title_lines(_strip(doc.title), title_role)]
    flow = [*title, BLANK_ROW, *main_to_rows(doc.main_to)]
    for paragraph in _paragraphs(doc.body):
        flow.extend(body_paragraph_rows(paragraph))
    if attachment_items(doc.attachment_note):
        flow.extend([BLANK_ROW, *attachment_rows(doc.attachment_note)])
    copy_rows, printed = note_rows(doc)

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(_strip(doc.title))
    canvas.setAuthor(doc.issuer)
    canvas.setSubject(number_text(doc))
    canvas.setCreator("GB/T 9704-2012")
    first_line = _header(canvas, doc, copy_no)
    gap = SEAL_GAP_LINES if sealed else PLAIN_GAP_LINES
    pages = paginate(flow, signature_rows(doc, sealed), first_line, gap, len(copy_rows) + 1)
    for number, page in enumerate(pages, start=1):
        if number > 1:
            canvas.showPage()
        for line, row in page.rows:
            draw_row(canvas, row, line_baseline(line, row.size, row.role))
        if page.note:
            _note(canvas, copy_rows, printed)
        _page_number(canvas, number)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- Storage ------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')
_PATH_LIMIT = 100  # FileField's default max_length


def file_name(doc: OutgoingDocument) -> str:
    """The title as a file name: no path or shell-hostile characters, short enough
    for the FileField's 100 characters and the file system's 255 bytes."""
    name = _UNSAFE.sub("", _strip(doc.title)).strip(".") or "公文"
    room = _PATH_LIMIT - len(f"documents/outgoing/{doc.pk}/.pdf")
    return name[: max(8, min(room, 60))]


def outgoing_pdf_store(document_id: int) -> str:
    """印制: render the document, keep it at documents/outgoing/<id>/<title>.pdf and
    on the record (doc.pdf). Returns the stored path, or "" if the document is gone."""
    doc = OutgoingDocument.objects.filter(pk=document_id).first()
    if doc is None:
        return ""
    content = render_outgoing(doc)
    path = store(f"documents/outgoing/{doc.pk}/{file_name(doc)}.pdf", content)
    old = doc.pdf.name if doc.pdf else ""
    OutgoingDocument.objects.filter(pk=doc.pk).update(pdf=path)
    if old and old != path and old.startswith(f"documents/outgoing/{doc.pk}/") and default_storage.exists(old):
        default_storage.delete(old)  # the title changed: drop the copy under the old name
    return path
