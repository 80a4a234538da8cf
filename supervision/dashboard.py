"""督办 on the director's dashboard: open items by light, the red list, the weekly
flow and each unit's on-time rate — a fixed number of grouped queries."""

import datetime
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from office.charts import bar_chart, line_chart
from office.dashboard import DashboardNumber, DashboardSection, dashboard_section
from office.roles import Role, has_role
from supervision.forms import LIGHT_LABELS
from supervision.models import OPEN_STATES, Light, State
from supervision.selectors import items_visible_to, unit_stats, with_light

WEEKS = 12


def _register(**params) -> str:
    return f"{reverse('supervision:index')}?{urlencode(params)}"


def week_flow(user, today: datetime.date, weeks: int = WEEKS) -> tuple[list[dict], dict[str, int]]:
    """Per week (Monday to Sunday), the last `weeks` weeks: items assigned, closed
    (销号), and overdue at the week's end; and the items per light today (as
    selectors.light_counts) — from one query's rows, counted here: as 39 filtered
    COUNTs the ORM took 13 ms to write a query PostgreSQL ran in 2."""
    this_monday = today - datetime.timedelta(days=today.weekday())
    mondays = [this_monday - datetime.timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    # The overdue line: at the end of each week (today for this week).
    week_ends = [min(monday + datetime.timedelta(days=6), today) for monday in mondays]
    flow = [{"monday": monday, "opened": 0, "closed": 0, "overdue": 0} for monday in mondays]
    lights = dict.fromkeys(Light.values, 0)

    def week_of(day):
        index = (day - mondays[0]).days // 7 if day is not None and day >= mondays[0] else -1
        return index if index < weeks else -1

    # Only the rows a figure above can count, found through the indexes on assigned_on
    # and closed_on instead of scanning ten years of 销号 items: items not yet closed
    # (closed_on is set by 销号 alone, and 销号 is final), assigned or closed in the weeks
    # shown; a closed item overdue in a week shown was reported after its end, so closed
    # (after the report) within the weeks shown too.
    may_count = Q(closed_on__isnull=True) | Q(assigned_on__gte=mondays[0]) | Q(closed_on__gte=mondays[0])
    rows = (
        with_light(items_visible_to(user), today)
        .filter(may_count)
        .order_by()  # no ORDER BY: SQLite would walk the number index through every item for it
        .values_list("assigned_on", "closed_on", "deadline", "reported_on", "state", "light_code")
    )
    for assigned_on, closed_on, deadline, reported_on, state, light in rows:
        if light in lights:
            lights[light] += 1
        if (week := week_of(assigned_on)) >= 0:
            flow[week]["opened"] += 1
        if (week := week_of(closed_on)) >= 0:
            flow[week]["closed"] += 1
        if state == State.REGISTERED or assigned_on is None or deadline is None:
            continue
        for week, at in enumerate(week_ends):
            if assigned_on <= at and deadline < at and (reported_on is None or reported_on > at):
                flow[week]["overdue"] += 1
    return flow, lights


@dashboard_section(30)
def supervision_section(user, today):
    if not has_role(user, Role.DIRECTOR, Role.STAFF, Role.LEADER):
        return None
    flow, counts = week_flow(user, today)
    tones = {Light.RED: "red", Light.YELLOW: "yellow", Light.GREEN: "green"}
    numbers = [
        DashboardNumber(f"{LIGHT_LABELS[light]}", counts[light], _register(light=light), tones[light])
        for light in (Light.RED, Light.YELLOW, Light.GREEN)
    ]
    reds = (
        with_light(items_visible_to(user).filter(state__in=OPEN_STATES), today)
        .filter(light_code=Light.RED)
        .select_related("lead_unit")
        .order_by("deadline", "year", "serial")[:10]
    )
    rows = [
        (f"逾期 {item.number} {item.title}（{item.lead_unit.label}，期限{item.deadline:%-m月%-d日}）", item.get_absolute_url())
        for item in reds
    ]
    chart = line_chart(
        [(f"{week['monday']:%-m/%-d}", week["opened"]) for week in flow],
        [week["closed"] for week in flow],
        more=[[week["overdue"] for week in flow]],
        names=("交办", "销号", "逾期未结（周末）"),
        title="近12周交办、销号与逾期",
    )
    return DashboardSection("督办：预警与近12周进度", numbers=numbers, chart_svg=chart, rows=rows)


@dashboard_section(31)
def supervision_rates_section(user, today):
    if not has_role(user, Role.DIRECTOR, Role.STAFF, Role.LEADER):
        return None
    stats, total = unit_stats(datetime.date(today.year, 1, 1), today, today)
    chart = bar_chart([(row.unit.label, row.on_time_rate) for row in stats], max_value=100, unit="%",
                      title=f"{today.year}年各单位按期办结率")
    stats_url = f"{reverse('supervision:stats')}?{urlencode({'start': f'{today.year}-01-01', 'end': today.isoformat()})}"
    numbers = [
        DashboardNumber("今年交办", total.assigned, _register(assigned_from=f"{today.year}-01-01", assigned_to=today.isoformat())),
        DashboardNumber("已销号", total.closed, _register(state=State.CLOSED, assigned_from=f"{today.year}-01-01", assigned_to=today.isoformat())),
    ]
    rows = [(f"全部单位按期办结率：{'—' if total.on_time_rate is None else f'{total.on_time_rate}%'}（查看统计）", stats_url)]
    return DashboardSection(f"督办：{today.year}年各单位按期办结率", numbers=numbers, chart_svg=chart, rows=rows)
