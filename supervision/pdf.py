"""督办 PDFs: 交办通知单, 催办通知单 and the monthly 通报."""

import datetime

from django.conf import settings
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from office.pdf import build, chinese_date, escape, field_table, grid_table, signature_block, styles
from supervision.models import SupervisionItem
from supervision.services import rule_days_text


def _units_text(item: SupervisionItem) -> tuple[str, str]:
    co_units = "、".join(unit.name for unit in item.co_units.all()) or "—"
    return item.lead_unit.name, co_units


def _leader_name(user) -> str:
    person = getattr(user, "person", None)
    return person.name if person else user.username


def assignment_notice(item: SupervisionItem) -> bytes:
    """交办通知单: what, who, by when, as handed to the units."""
    s = styles()
    lead, co_units = _units_text(item)
    rows = [
        ("督办编号", item.number),
        ("督办事项", item.title),
        ("事项来源", f"{item.get_source_display()}　{item.source_detail}".strip()),
        ("主办单位", lead),
        ("协办单位", co_units),
        ("责任人", item.responsible.name if item.responsible else "—"),
        ("紧急程度", f"{item.get_urgency_display()}（{rule_days_text(item.urgency)}）"),
        ("交办日期", chinese_date(item.assigned_on)),
        ("办理期限", chinese_date(item.deadline)),
        ("分管领导", _leader_name(item.leader)),
        ("督办人", _leader_name(item.supervisor)),
        ("办理要求", item.requirements),
    ]
    if item.deadline_override_reason:
        rows.insert(9, ("期限说明", item.deadline_override_reason))
    story = [
        Paragraph(escape(settings.OFFICE_NAME), s.subtitle),
        Paragraph("督办事项交办通知单", s.title),
        Spacer(1, 4 * mm),
        field_table(rows),
        Spacer(1, 6 * mm),
        Paragraph(
            escape(
                f"请{lead}按照“交必办、办必果、果必报”的要求，于{chinese_date(item.deadline)}前办结，"
                "并通过系统报送办结报告；确需延期的，请在期限届满前提出延期申请并说明理由。"
            ),
            s.body,
        ),
        *signature_block(chinese_date(item.assigned_on)),
    ]
    return build(story, title=f"交办通知单 {item.number}")


def chase_notice(item: SupervisionItem, today: datetime.date, overdue_days: int) -> bytes:
    """催办通知单: the item is past its deadline by `overdue_days` working days."""
    s = styles()
    lead, co_units = _units_text(item)
    rows = [
        ("督办编号", item.number),
        ("督办事项", item.title),
        ("主办单位", lead),
        ("协办单位", co_units),
        ("交办日期", chinese_date(item.assigned_on)),
        ("办理期限", chinese_date(item.deadline)),
        ("逾期天数", f"{overdue_days}个工作日"),
        ("分管领导", _leader_name(item.leader)),
    ]
    story = [
        Paragraph(escape(settings.OFFICE_NAME), s.subtitle),
        Paragraph("督办事项催办通知单", s.title),
        Spacer(1, 4 * mm),
        field_table(rows),
        Spacer(1, 6 * mm),
        Paragraph(
            escape(
                f"{lead}：上述事项已超过办理期限{overdue_days}个工作日，至今未报结。"
                "请抓紧办理，于收到本通知后尽快报送办理进展和办结报告。"
            ),
            s.body,
        ),
        *signature_block(chinese_date(today)),
    ]
    return build(story, title=f"催办通知单 {item.number}")


def monthly_bulletin(month_start: datetime.date, month_end: datetime.date, stats, total) -> bytes:
    """督办工作月度通报: units ranked by on-time rate."""
    s = styles()

    def pct(value):
        return "—" if value is None else f"{value:.1f}%"

    header = ["名次", "主办单位", "交办", "办复", "办结", "按期办结", "逾期未结", "办复率", "按期办结率", "满意率"]
    rows = [
        [str(rank), st.unit.label, st.assigned, st.answered, st.closed, st.closed_on_time, st.overdue_now,
         pct(st.answer_rate), pct(st.on_time_rate), pct(st.satisfaction_rate)]
        for rank, st in enumerate(stats, start=1)
    ]
    rows.append(["", "合计", total.assigned, total.answered, total.closed, total.closed_on_time, total.overdue_now,
                 pct(total.answer_rate), pct(total.on_time_rate), pct(total.satisfaction_rate)])
    widths = [10 * mm, 30 * mm, 12 * mm, 12 * mm, 12 * mm, 15 * mm, 15 * mm, 18 * mm, 19 * mm, 18 * mm]
    story = [
        Paragraph(escape(settings.OFFICE_NAME), s.subtitle),
        Paragraph(f"督办工作通报（{month_start.year}年{month_start.month}月）", s.title),
        Spacer(1, 3 * mm),
        Paragraph(
            escape(
                f"{chinese_date(month_start)}至{chinese_date(month_end)}，共交办督办事项{total.assigned}件，"
                f"办复{total.answered}件，办结{total.closed}件，其中按期办结{total.closed_on_time}件，"
                f"目前逾期未结{total.overdue_now}件。各单位情况如下（按“按期办结率”排序）："
            ),
            s.body,
        ),
        Spacer(1, 3 * mm),
        grid_table(header, rows, col_widths=widths),
        *signature_block(chinese_date(month_end)),
    ]
    return build(story, title=f"督办工作通报 {month_start:%Y-%m}", margins_mm=(25, 18, 25, 18))
