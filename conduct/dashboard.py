"""作风 on the director's dashboard: who is away and on duty today, open error
proposals, this month's error entries, and errors per month for a year."""

import datetime
from urllib.parse import urlencode

from django.urls import reverse

from conduct.models import Proposal
from conduct.selectors import can_see_log, month_starts, stats_by_month
from conduct.services import away_on, duty_shifts
from office.charts import bar_chart
from office.dashboard import DashboardNumber, DashboardSection, dashboard_section

MONTHS = 12


def errors_per_month(today: datetime.date, months: int = MONTHS) -> list[tuple[datetime.date, int]]:
    """Confirmed error entries per month of occurrence (发生日期): one grouped query."""
    firsts = month_starts(today, months)
    found = stats_by_month(firsts[0], today)
    return [(first, found.get(first, 0)) for first in firsts]


@dashboard_section(50)
def conduct_section(user, today):
    if not can_see_log(user):
        return None
    away = list(away_on(today).order_by("protocol_rank", "name"))
    shifts = duty_shifts(today)
    open_proposals = Proposal.objects.filter(state=Proposal.State.OPEN).count()
    per_month = errors_per_month(today)
    this_month = per_month[-1][1]
    first = today.replace(day=1)
    leave_url = f"{reverse('conduct:leave')}?{urlencode({'when': 'current'})}"
    duty_url = f"{reverse('conduct:duty')}?{urlencode({'month': f'{today:%Y-%m}'})}"
    numbers = [
        DashboardNumber("今天请假", len(away), leave_url, "yellow" if away else ""),
        DashboardNumber("今天值班", len(shifts), duty_url),
        DashboardNumber("差错线索待确认", open_proposals, reverse("conduct:proposals"), "red" if open_proposals else ""),
        DashboardNumber("本月已核实差错", this_month,
                        f"{reverse('conduct:stats')}?{urlencode({'start': first.isoformat(), 'end': today.isoformat()})}"),
    ]
    rows = []
    if away:
        rows.append(("请假：" + "、".join(person.name for person in away), leave_url))
    if shifts:
        rows.append(("值班：" + "、".join(f"{shift.person.name}（{shift.get_kind_display()}）" for shift in shifts), duty_url))
    else:
        rows.append(("今天没有排班", duty_url))
    chart = bar_chart([(f"{month.year}年{month.month}月", n) for month, n in per_month], title="近12个月已核实差错（按发生月份）")
    return DashboardSection("作风：请假、值班与差错", numbers=numbers, chart_svg=chart, rows=rows)
