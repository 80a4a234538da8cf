"""The nightly report's PDF (weasyprint) is set in the configured TrueType fonts only,
named from settings.PDF_FONTS, page number and list bullets included: fontconfig never
gets to substitute another font (an OpenType-CFF Noto CJK takes seconds to subset)."""

import datetime
import io

import pytest
from pypdf import PdfReader

from office.pdf import css_font_family
from office.report import build_report, render_pdf
from supervision import services as supervision

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 10)  # a Thursday
FONT_DIR = "/usr/share/fonts/truetype"


def embedded_fonts(content: bytes) -> list[tuple[str, set[str]]]:
    """(BaseFont without its subset tag, the font file keys of its descriptor) per embedded font."""
    fonts = []
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descendant = descendant.get_object()
                descriptor = descendant["/FontDescriptor"].get_object()
                keys = {key for key in descriptor if key.startswith("/FontFile")}
                fonts.append((str(descendant["/BaseFont"]).split("+", 1)[-1], keys))
    return fonts


def fonts_drawing(content: bytes, wanted: str) -> set[str]:
    """The fonts that draw text containing `wanted`."""
    found = set()

    def visit(text, cm, tm, font, size):
        if wanted in text and font is not None:
            found.add(str(font.get("/BaseFont")).split("+", 1)[-1])

    for page in PdfReader(io.BytesIO(content)).pages:
        page.extract_text(visitor_text=visit)
    return found


def configured_prefixes() -> tuple[str, ...]:
    # weasyprint names an embedded font "<family>-<style>" with spaces as dashes.
    return tuple(family.strip('"').replace(" ", "-") for family in css_font_family("hei", "song").split(", "))


@pytest.fixture
def report(office):
    # An overdue item: the report gets a list (bullets "•") besides its tables.
    item = supervision.item_register(actor=office.staff, title="落实审议意见", requirements="按期报送。", source="other",
                                     urgency="normal", lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader)
    supervision.item_assign(item=item, actor=office.staff, assigned_on=datetime.date(2026, 11, 30))
    return build_report(DAY, office.director)


def test_only_the_configured_truetype_fonts_are_embedded(report):
    content = render_pdf(report)
    fonts = embedded_fonts(content)
    assert fonts
    assert all(keys == {"/FontFile2"} for _, keys in fonts), fonts  # TrueType glyf, never CFF (/FontFile3)
    prefixes = configured_prefixes()
    assert prefixes == ("WenQuanYi-Zen-Hei", "AR-PL-UMing-CN")
    assert all(name.startswith(prefixes) for name, _ in fonts), fonts
    assert fonts_drawing(content, "— 1 —") and all(name.startswith(prefixes) for name in fonts_drawing(content, "— 1 —"))
    assert "落实审议意见" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_report_follows_the_font_settings(report, settings):
    """An office pointing PDF_FONT_HEI / PDF_FONT_SONG at other files gets them in the report too."""
    settings.PDF_FONTS = {**settings.PDF_FONTS, "hei": f"{FONT_DIR}/arphic/ukai.ttc:0", "song": f"{FONT_DIR}/arphic/ukai.ttc:0"}
    content = render_pdf(report)
    names = {name for name, _ in embedded_fonts(content)}
    assert names and all(name.startswith("AR-PL-UKai-CN") for name in names), names
