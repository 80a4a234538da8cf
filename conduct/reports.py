"""差错情况月度通报: the month's confirmed errors per unit and category, each entry, and the lessons."""

import datetime

from django.conf import settings
from django.db.models import Count
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from conduct import selectors
from conduct.models import Category, SubKind
from office.pdf import build, chinese_date, escape, grid_table, signature_block, styles


def monthly_summary(first: datetime.date, last: datetime.date) -> bytes:
    s = styles()
    entries = list(
        selectors.confirmed_between(first, last).select_related("unit").prefetch_related("people").order_by("date", "id")
    )
    by_unit = list(selectors.confirmed_between(first, last).values("unit__name").annotate(count=Count("id")).order_by("-count", "unit__name"))
    by_kind = list(selectors.confirmed_between(first, last).values("category", "sub_kind").annotate(count=Count("id")).order_by("-count"))
    month_text = f"{first.year}年{first.month}月"
    story = [
        Paragraph(escape(settings.OFFICE_NAME), s.subtitle),
        Paragraph(escape(f"{month_text}差错情况通报"), s.title),
        Spacer(1, 3 * mm),
    ]
    if not entries:
        story.append(Paragraph(escape(f"{month_text}（{chinese_date(first)}至{chinese_date(last)}）未发生经核实的差错。请继续保持“规范化、无差错”。"), s.body))
    else:
        units = "、".join(f"{row['unit__name']}{row['count']}起" for row in by_unit)
        story.append(Paragraph(escape(
            f"{month_text}（{chinese_date(first)}至{chinese_date(last)}）共核实差错{len(entries)}起，其中{units}。"
            "现将有关情况通报如下，请全体工作人员引以为戒，做到今日事今日毕、事事有着落。"
        ), s.body))
        story += [Spacer(1, 4 * mm), Paragraph("一、按类别统计", s.cell_label), Spacer(1, 2 * mm)]
        story.append(grid_table(["类别", "具体类型", "件数"], [
            [Category(row["category"]).label, SubKind(row["sub_kind"]).label, str(row["count"])] for row in by_kind
        ], col_widths=[40 * mm, 60 * mm, 25 * mm]))
        story += [Spacer(1, 4 * mm), Paragraph("二、差错明细", s.cell_label), Spacer(1, 2 * mm)]
        story.append(grid_table(["日期", "单位", "当事人", "类型", "程度", "经过", "状态"], [
            [f"{entry.date:%m-%d}", entry.unit.label, "、".join(p.name for p in entry.people.all()),
             f"{entry.get_category_display()}·{entry.get_sub_kind_display()}", entry.get_severity_display(),
             entry.what_happened, entry.get_state_display()]
            for entry in entries
        ], col_widths=[14 * mm, 20 * mm, 20 * mm, 26 * mm, 12 * mm, 52 * mm, 16 * mm], font_size=9.5))
        lessons = [entry for entry in entries if entry.lesson]
        if lessons:
            story += [Spacer(1, 4 * mm), Paragraph("三、经验教训", s.cell_label), Spacer(1, 2 * mm)]
            for index, entry in enumerate(lessons, start=1):
                story.append(Paragraph(escape(f"{index}. {entry.lesson}"), s.body))
    story += signature_block(chinese_date(last))
    return build(story, title=f"{month_text}差错情况通报")
