"""作风 PDFs: the 差错通报."""

from django.conf import settings
from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from conduct.models import ErrorEntry
from office.pdf import (
    build,
    chinese_date,
    escape,
    field_table,
    signature_block,
    store,
    styles,
)


def bulletin(entry: ErrorEntry) -> bytes:
    """差错通报: what happened, why, what is done about it, and the lesson."""
    s = styles()
    people = "、".join(person.name for person in entry.people.all())
    rows = [
        ("发生日期", chinese_date(entry.date)),
        ("当事人", people),
        ("单位", entry.unit.name),
        ("类别", f"{entry.get_category_display()}·{entry.get_sub_kind_display()}"),
        ("程度", entry.get_severity_display()),
        ("涉及事项", entry.concerns_label or "—"),
        ("差错经过", entry.what_happened),
        ("原因分析", entry.cause or "—"),
        ("整改措施", entry.corrective_action or "—"),
        ("经验教训", entry.lesson or "—"),
    ]
    if entry.account:
        rows.insert(7, ("当事人说明", entry.account))
    published = timezone.localtime(entry.published_at).date() if entry.published_at else timezone.localdate()
    story = [
        Paragraph(escape(settings.OFFICE_NAME), s.subtitle),
        Paragraph("差错通报", s.title),
        Spacer(1, 4 * mm),
        Paragraph(escape("为落实“规范化、无差错”要求，现将以下差错予以通报，请全体工作人员引以为戒。"), s.body),
        Spacer(1, 3 * mm),
        field_table(rows),
        *signature_block(chinese_date(published)),
    ]
    return build(story, title=f"差错通报 {entry.date}")


def bulletin_store(entry_id: int) -> str:
    entry = ErrorEntry.objects.select_related("unit").prefetch_related("people").filter(pk=entry_id).first()
    if entry is None:
        return ""
    path = store(f"conduct/bulletins/差错通报-{entry.pk}.pdf", bulletin(entry))
    ErrorEntry.objects.filter(pk=entry_id).update(bulletin=path)
    return path
