"""One place that knows the fonts and produces PDFs.

reportlab with TrueType Chinese fonts is the fast path (a notice in tens of
milliseconds, fonts subset and embedded). Font files are settings
(PDF_FONT_SONG, PDF_FONT_HEI, PDF_FONT_KAI, PDF_FONT_FANGSONG, PDF_FONT_TITLE,
each "path" or "path:index" for a .ttc): an office with licensed 仿宋 and
小标宋 fonts points these at them; the free Debian fonts keep the layout.
"""

import io
import threading
from dataclasses import dataclass

from django.conf import settings
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
_registered: set[str] = set()
_lock = threading.Lock()


def font(role: str) -> str:
    """The reportlab font name for a role, registering the file on first use."""
    name = f"office-{role}"
    if name in _registered:
        return name
    with _lock:
        if name not in _registered:
            spec = settings.PDF_FONTS[role]
            path, _, index = spec.partition(":")
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=int(index or 0)))
            _registered.add(name)
    return name


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


def store(path: str, content: bytes) -> str:
    """Save a PDF under MEDIA_ROOT at exactly `path`, replacing an older copy."""
    if default_storage.exists(path):
        default_storage.delete(path)
    return default_storage.save(path, ContentFile(content))


def signature_block(date_text: str) -> list:
    s = styles()
    return [Spacer(1, 10 * mm), Paragraph(escape(settings.OFFICE_NAME), s.right), Paragraph(escape(date_text), s.right)]
