"""One place that knows the fonts and produces PDFs.

reportlab with TrueType Chinese fonts is the fast path (a notice in tens of
milliseconds, fonts subset and embedded). Font files are settings
(PDF_FONT_SONG, PDF_FONT_HEI, PDF_FONT_KAI, PDF_FONT_FANGSONG, PDF_FONT_TITLE,
each "path" or "path:index" for a .ttc): an office with licensed 仿宋 and
小标宋 fonts points these at them; the free Debian fonts keep the layout.
"""

import ctypes.util
import io
import os
import threading
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core import checks
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from office.text import chinese_date  # noqa: F401  (re-exported for the PDF modules)

FONT_ROLES = ("song", "hei", "kai", "fangsong", "title")
# (path, index) → reportlab font name. Roles that share a file (the free fonts give
# 宋体 and 仿宋 the same UMing face) share one parsed font: a CJK .ttc costs about
# 0.15 s and 20-35 MB to parse, once per process, however many PDFs follow.
_registered: dict[tuple[str, int], str] = {}
_lock = threading.Lock()


def font_file(role: str) -> tuple[str, int]:
    """(path, index in a .ttc) of a role's font, from settings.PDF_FONTS."""
    path, _, index = settings.PDF_FONTS[role].partition(":")
    return path, int(index or 0)


def font(role: str) -> str:
    """The reportlab font name for a role, registering the file on first use."""
    spec = font_file(role)
    name = _registered.get(spec)
    if name is not None:
        return name
    with _lock:
        if spec not in _registered:
            taken = set(_registered.values())
            name = f"office-{role}" if f"office-{role}" not in taken else f"office-{role}-{len(taken)}"
            pdfmetrics.registerFont(TTFont(name, spec[0], subfontIndex=spec[1]))
            _registered[spec] = name
    return _registered[spec]


def fonts_preload() -> None:
    """Parse every configured font now: in a Celery worker's parent process, before
    it forks, so the children share the parsed fonts instead of each reading them."""
    for role in FONT_ROLES:
        font(role)


@lru_cache(maxsize=None)
def _family_of(path: str, index: int) -> str:
    from fontTools.ttLib import TTFont as FontFile  # reads only the name table (lazy)

    with FontFile(path, fontNumber=index, lazy=True) as face:
        name = face["name"].getBestFamilyName() or ""
    return "".join(char for char in name if char not in "\"'\\<>;{}")


def css_font_family(*roles: str) -> str:
    """A CSS font-family naming exactly the configured (TrueType) fonts of `roles`, for
    weasyprint. Naming them keeps fontconfig from substituting another font, such as
    an OpenType-CFF Noto CJK, which takes seconds to subset (see bench/RESULTS.md)."""
    families = dict.fromkeys(_family_of(*font_file(role)) for role in roles)
    return ", ".join(f'"{family}"' for family in families if family)


@checks.register(checks.Tags.compatibility)
def pdf_fonts_check(app_configs=None, **kwargs) -> list:
    """The font files must exist; weasyprint needs HarfBuzz's subsetter to be fast."""
    problems = [
        checks.Error(f"PDF 字体文件不存在：{path}（设置 PDF_FONT_{role.upper()}）", id="office.E010")
        for role in FONT_ROLES
        for path in [font_file(role)[0]]
        if not os.path.exists(path)
    ]
    if ctypes.util.find_library("harfbuzz-subset") is None:
        # Without it weasyprint subsets fonts with fontTools in Python: a CJK font takes
        # seconds per PDF instead of milliseconds (bench/RESULTS.md, "## PDF").
        problems.append(checks.Warning(
            "未安装 HarfBuzz 子集库（libharfbuzz-subset0）：工作日报 PDF 每份要多用数秒。",
            hint="apt-get install libharfbuzz-subset0（scripts/bootstrap 会安装）", id="office.W010"))
    return problems


def escape(text) -> str:
    """Text for a reportlab Paragraph (which reads a little XML)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    body: ParagraphStyle
    cell: ParagraphStyle
    cell_label: ParagraphStyle
    right: ParagraphStyle
    small: ParagraphStyle


def styles() -> Styles:
    body_font, title_font, hei = font("fangsong"), font("title"), font("hei")
    base = ParagraphStyle("body", fontName=body_font, fontSize=14, leading=24, wordWrap="CJK", firstLineIndent=28)
    return Styles(
        title=ParagraphStyle("title", fontName=title_font, fontSize=22, leading=32, alignment=TA_CENTER, spaceAfter=6),
        subtitle=ParagraphStyle("subtitle", fontName=body_font, fontSize=14, leading=22, alignment=TA_CENTER, spaceAfter=12),
        body=base,
        cell=ParagraphStyle("cell", parent=base, fontSize=12, leading=18, firstLineIndent=0),
        cell_label=ParagraphStyle("cell_label", fontName=hei, fontSize=12, leading=18, alignment=TA_CENTER, wordWrap="CJK"),
        right=ParagraphStyle("right", parent=base, alignment=TA_RIGHT, firstLineIndent=0),
        small=ParagraphStyle("small", fontName=body_font, fontSize=10, leading=14, wordWrap="CJK"),
    )


def field_table(rows: list[tuple[str, str]], label_width=32 * mm, total_width=160 * mm) -> Table:
    """A two-column form table (label | value), as on a printed 通知单."""
    s = styles()
    data = [[Paragraph(escape(label), s.cell_label), Paragraph(escape(value), s.cell)] for label, value in rows]
    table = Table(data, colWidths=[label_width, total_width - label_width])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.8, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def grid_table(header: list[str], rows: list[list], col_widths=None, repeat_header=True, font_size=10.5) -> Table:
    """A ruled table with a header row, for lists and rankings."""
    s = styles()
    head = ParagraphStyle("grid_head", parent=s.cell_label, fontSize=font_size, leading=font_size * 1.35)
    cell = ParagraphStyle("grid_cell", parent=s.cell, fontSize=font_size, leading=font_size * 1.35)
    data = [[Paragraph(escape(h), head) for h in header]]
    data += [[Paragraph(escape(value), cell) for value in row] for row in rows]
    table = Table(data, colWidths=col_widths, repeatRows=1 if repeat_header else 0)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def build(flowables: list, title: str, margins_mm=(25, 25, 25, 25), page_number=True) -> bytes:
    """Lay out flowables on A4 pages and return the PDF bytes."""
    buffer = io.BytesIO()
    top, right, bottom, left = (value * mm for value in margins_mm)
    document = SimpleDocTemplate(
        buffer, pagesize=A4, topMargin=top, rightMargin=right, bottomMargin=bottom, leftMargin=left,
        title=title, author=settings.OFFICE_NAME, creator=settings.OFFICE_NAME,
    )

    def number_pages(canvas, doc):
        if page_number:
            canvas.setFont(font("song"), 10)
            canvas.drawCentredString(A4[0] / 2, 12 * mm, f"— {doc.page} —")

    document.build(flowables, onFirstPage=number_pages, onLaterPages=number_pages)
    return buffer.getvalue()


_weasyprint = threading.local()


def html_pdf(html: str) -> bytes:
    """An HTML page as PDF bytes through weasyprint, with one font configuration kept per
    thread (pango is not thread-safe). A new one per PDF, weasyprint's default, loads
    fontconfig and the fonts again and leaves them to the garbage collector: a process
    making reports swung between 140 and 380 MB; with one kept it stays flat."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_weasyprint, "font_config", None)
    if config is None:
        config = _weasyprint.font_config = FontConfiguration()
    return HTML(string=html).write_pdf(font_config=config)


def store(path: str, content: bytes) -> str:
    """Save a PDF under MEDIA_ROOT at exactly `path`, replacing an older copy."""
    if default_storage.exists(path):
        default_storage.delete(path)
    return default_storage.save(path, ContentFile(content))


def signature_block(date_text: str) -> list:
    s = styles()
    return [Spacer(1, 10 * mm), Paragraph(escape(settings.OFFICE_NAME), s.right), Paragraph(escape(date_text), s.right)]
