"""督办 in the nightly report: items overdue, due today and due tomorrow, with units."""

from office import calendar
from office.report import ReportSection, report_section
from supervision.models import OPEN_STATES
from supervision.selectors import items_visible_to

LISTED_OVERDUE = 20  # the most overdue by name; the rest counted (the PDF stays a page or two)


@report_section(20)
def supervision_section(day, tomorrow, recipient):
    items = items_visible_to(recipient).filter(state__in=OPEN_STATES, deadline__isnull=False, deadline__lte=tomorrow) \
        .select_related("lead_unit").order_by("deadline", "serial")
    overdue, today, coming = [], [], []
    for item in items:
        (overdue if item.deadline < day else today if item.deadline == day else coming).append(item)
    lines = []
    for item in overdue[:LISTED_OVERDUE]:
        late = calendar.working_days_between(item.deadline, day)
        lines.append(f"逾期：{item.number} {item.title}（主办：{item.lead_unit.label}，期限{item.deadline.month}月{item.deadline.day}日，已逾期{late}个工作日）")
    for item in today:
        lines.append(f"今日到期：{item.number} {item.title}（主办：{item.lead_unit.label}）")
    for item in coming:
        lines.append(f"明日到期：{item.number} {item.title}（主办：{item.lead_unit.label}）")
    rows = [("逾期未办结", len(overdue)), ("今日到期", len(today)), ("明日到期", len(coming))]
    return ReportSection("督办", rows=rows, lines=lines, unlisted=max(0, len(overdue) - LISTED_OVERDUE))
