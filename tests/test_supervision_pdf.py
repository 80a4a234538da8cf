"""督办 PDFs: 交办通知单, 催办通知单 and the monthly 通报 — real reportlab output,
read back with pypdf: the text is there and the Chinese fonts are embedded."""

import datetime
import io

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from office import calendar
from supervision import pdf, selectors, services
from supervision.models import State, SupervisionItem

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


def make_item(office, *, assigned_on=D(2026, 11, 20), **overrides):
    data = dict(
        title="关于加快老旧小区改造的审议意见",
        requirements="逐条研究审议意见，提出整改措施，按期报送办理情况。",
        source="meeting",
        source_detail="区十六届人大常委会第二十次会议审议意见",
        urgency="normal",
        lead_unit=office.unit_a,
        supervisor=office.staff,
        leader=office.leader,
    )
    data.update(overrides)
    item = services.item_register(actor=office.staff, co_units=[office.unit_b], **data)
    services.item_assign(item=item, actor=office.staff, assigned_on=assigned_on)
    # As the tasks read it.
    return (
        SupervisionItem.objects.select_related("lead_unit", "responsible__user", "leader__person", "supervisor__person")
        .prefetch_related("co_units")
        .get(pk=item.pk)
    )


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Text without the line breaks a table cell may introduce."""
    return "".join(text.split())


def fonts_used(data: bytes) -> dict:
    """Per page font resource name → font dict, for the fonts that actually show text.

    reportlab opens every page with "BT /F1 12 Tf ET" (Helvetica, a standard-14
    font that is never embedded) without drawing a glyph in it, so fonts are
    checked where a text-showing operator (Tj, TJ, ', ") uses them.
    """
    reader = PdfReader(io.BytesIO(data))
    used = {}
    for page in reader.pages:
        resources = page["/Resources"]["/Font"]
        current = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = operands[0]
            elif operator in (b"Tj", b"TJ", b"'", b'"'):
                used[current] = resources[current].get_object()
    return used


def assert_fonts_embedded(data: bytes):
    used = fonts_used(data)
    assert used, "no text shown"
    base_fonts = set()
    for name, font in used.items():
        if font.get("/Subtype") == "/Type0":  # a composite font: the descendant holds the descriptor
            font = font["/DescendantFonts"][0].get_object()
        assert "/FontDescriptor" in font, f"{name} ({font.get('/BaseFont')}) is not embedded"
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, (font.get("/BaseFont"), list(descriptor.keys()))
        assert len(descriptor["/FontFile2"].get_object().get_data()) > 1000
        base_fonts.add(str(font["/BaseFont"]).split("+", 1)[-1])
    # At least the title font and the body font of PDF_FONTS (subset-tagged "ABCDEF+Name").
    assert len(base_fonts) >= 2, base_fonts


def test_assignment_notice(office):
    # normal = 7 working days from Fri 2026-11-20: 23..27 (5), 30 (6), 12-01 (7).
    item = make_item(office)
    assert item.deadline == D(2026, 12, 1)
    data = pdf.assignment_notice(item)
    text = pdf_text(data)
    compact = flat(text)
    assert "督办事项交办通知单" in compact
    assert item.number == f"督〔{item.year}〕1号" and item.number in compact
    assert "财政经济工作委员会" in compact  # the lead unit
    assert "法制工作委员会" in compact  # the co-unit
    assert "2026年12月1日" in compact  # the deadline, without leading zeros
    assert "2026年11月20日" in compact  # the assignment date
    assert "关于加快老旧小区改造的审议意见" in compact
    assert "一般（7个工作日）" in compact
    assert "李副主任" in compact and "杨科员" in compact  # leader in charge, supervisor
    assert "清河区人大常委会办公室" in compact
    assert "期限说明" not in compact
    assert_fonts_embedded(data)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_assignment_notice_shows_the_override_reason(office):
    item = make_item(office, deadline_override=D(2026, 12, 15), deadline_override_reason="区委要求年底前完成")
    compact = flat(pdf_text(pdf.assignment_notice(item)))
    assert "期限说明" in compact and "区委要求年底前完成" in compact
    assert "2026年12月15日" in compact


def test_assignment_notice_escapes_markup_in_user_text(office):
    item = make_item(office, title="关于<b>道路</b>&桥梁维护的意见")
    compact = flat(pdf_text(pdf.assignment_notice(item)))
    assert "关于<b>道路</b>&桥梁维护的意见" in compact


def test_chase_notice(office):
    item = make_item(office)
    data = pdf.chase_notice(item, D(2026, 12, 4), 3)
    compact = flat(pdf_text(data))
    assert "督办事项催办通知单" in compact
    assert item.number in compact
    assert "财政经济工作委员会" in compact
    assert "2026年12月1日" in compact  # the deadline
    assert "2026年12月4日" in compact  # the date of the notice
    assert "3个工作日" in compact
    assert "李副主任" in compact
    assert_fonts_embedded(data)


def test_monthly_bulletin(office):
    closed = make_item(office, assigned_on=D(2026, 11, 2))
    SupervisionItem.objects.filter(pk=closed.pk).update(state=State.CLOSED, reported_on=D(2026, 11, 5), satisfaction="satisfied")
    make_item(office, assigned_on=D(2026, 11, 3), lead_unit=office.unit_b)  # deadline 11-12: overdue on 12-01
    stats, total = selectors.unit_stats(D(2026, 11, 1), D(2026, 11, 30), D(2026, 12, 1))
    data = pdf.monthly_bulletin(D(2026, 11, 1), D(2026, 11, 30), stats, total)
    text = pdf_text(data)
    compact = flat(text)
    assert "督办工作通报（2026年11月）" in compact
    assert "2026年11月1日至2026年11月30日" in compact
    assert "共交办督办事项2件" in compact and "目前逾期未结1件" in compact
    # The table names units by their short name (label) where one is set.
    assert office.unit_a.label == "财经工委" and office.unit_b.label == "法制工委"
    assert "财经工委" in compact and "法制工委" in compact
    assert "合计" in compact
    assert "100.0%" in compact and "50.0%" in compact
    assert "—" in compact  # a rate with nothing to divide by
    assert compact.index("财经工委") < compact.index("法制工委")  # ranked by on-time rate
    assert_fonts_embedded(data)


def test_assignment_notice_names_calendar_days_when_so_configured(office, settings):
    settings.SUPERVISION_DAY_KIND = "calendar"
    item = make_item(office)
    compact = flat(pdf_text(pdf.assignment_notice(item)))
    assert "一般（7日）" in compact or "一般（7天）" in compact or "一般（7个自然日）" in compact
    assert "个工作日" not in compact
