"""办事 PDFs: the kitchen's headcount sheet."""

import datetime

from django.conf import settings
from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from logistics.models import Meal, MealBooking
from office.pdf import build, chinese_date, escape, grid_table, styles

KIND_LABELS = dict(MealBooking.Kind.choices)


def headcount_sheet(day: datetime.date, meal: str, counts: dict) -> bytes:
    """报餐统计单: the total in large figures, then staff by unit, meetings and guests."""
    s = styles()
    rows = [[row["unit__name"] or "（未填单位）", row["n"]] for row in counts["by_unit"]]
    groups = [[KIND_LABELS.get(g["kind"], g["kind"]), g["note"], g["count"]] for g in counts["groups"]]
    story = [
        Paragraph(escape(settings.OFFICE_NAME + "机关食堂"), s.subtitle),
        Paragraph(f"{chinese_date(day)}{Meal(meal).label}就餐人数", s.title),
        Spacer(1, 4 * mm),
        Paragraph(f"合计　<font size=28>{counts['total']}</font>　人", s.title),
        Spacer(1, 4 * mm),
        Paragraph("一、职工报餐（按单位）", s.body),
        grid_table(["单位", "人数"], rows or [["—", 0]], col_widths=[110 * mm, 40 * mm]),
        Spacer(1, 4 * mm),
        Paragraph("二、会议及接待用餐", s.body),
        grid_table(["类别", "事由", "人数"], groups or [["—", "—", 0]], col_widths=[30 * mm, 90 * mm, 30 * mm]),
        Spacer(1, 6 * mm),
        Paragraph(f"报餐截止后生成：{timezone.localtime():%Y-%m-%d %H:%M}", s.small),
    ]
    return build(story, title=f"报餐统计 {day} {Meal(meal).label}")
