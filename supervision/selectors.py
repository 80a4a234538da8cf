"""督办 reads for pages: who sees what, lists with filters, statistics, timelines."""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, DateField, Exists, F, Min, OuterRef, Q, QuerySet, Value, When
from django.http import Http404

from office.models import Message, Unit
from office.pagination import Concatenated
from office.roles import Role, has_role, user_unit_id
from office.workflow import workflow_log_for
from supervision.models import OPEN_STATES, Extension, Light, Satisfaction, State, SupervisionItem
from supervision.services import light_bounds


def _liaison_unit_id(user) -> int | None:
    """The unit whose items a liaison sees; None for the office and leaders (who see every
    item) and for anyone else (who sees none)."""
    if has_role(user, Role.DIRECTOR, Role.STAFF, Role.LEADER) or not has_role(user, Role.LIAISON):
        return None
    return user_unit_id(user)


def items_visible_to(user) -> QuerySet:
    """The office and leaders see every item; a liaison only their unit's (lead or co-unit)."""
    items = SupervisionItem.objects.all()
    if has_role(user, Role.DIRECTOR, Role.STAFF, Role.LEADER):
        return items
    unit_id = _liaison_unit_id(user)
    if unit_id is None:
        return items.none()
    co_unit = SupervisionItem.co_units.through.objects.filter(supervisionitem_id=OuterRef("pk"), unit_id=unit_id)
    return items.filter(Q(lead_unit_id=unit_id) | Exists(co_unit))


def can_see_register(user) -> bool:
    return has_role(user, Role.DIRECTOR, Role.STAFF, Role.LEADER, Role.LIAISON)


def item_get(user, pk) -> SupervisionItem:
    """The item if the user may see it; 404 otherwise, so its existence is not revealed."""
    try:
        return (
            items_visible_to(user)
            .select_related("lead_unit", "responsible", "supervisor__person", "leader__person", "registered_by__person")
            .prefetch_related("co_units")
            .get(pk=pk)
        )
    except SupervisionItem.DoesNotExist:
        raise Http404("没有这个督办事项") from None


def with_light(items: QuerySet, today: datetime.date) -> QuerySet:
    """Annotate `light_code` in the database, so lists can filter and count by light."""
    start, yellow_until = light_bounds(today)
    return items.annotate(
        light_code=Case(
            When(state__in=OPEN_STATES, deadline__lt=start, then=Value(Light.RED)),
            When(state__in=OPEN_STATES, deadline__lte=yellow_until, then=Value(Light.YELLOW)),
            When(state__in=OPEN_STATES, then=Value(Light.GREEN)),
            When(state=State.REPORTED, reported_on__gt=F("deadline"), then=Value(Light.RED)),
            When(state=State.REPORTED, then=Value(Light.GREEN)),
            default=Value(""),
            output_field=CharField(),
        )
    )


@dataclass
class ItemFilters:
    q: str = ""
    state: str = ""
    unit: Unit | None = None
    source: str = ""
    light: str = ""
    urgency: str = ""
    assigned_from: datetime.date | None = None
    assigned_to: datetime.date | None = None


def item_list(user, filters: ItemFilters, today: datetime.date) -> QuerySet:
    items = _item_filtered(with_light(items_visible_to(user), today), filters)
    # The register's order: open items red, yellow, then by deadline; then 已报结
    # (awaiting 销号), 已挂号 (awaiting 交办), and 已销号 newest first.
    rank = Case(
        When(state__in=OPEN_STATES, light_code=Light.RED, then=Value(0)),
        When(state__in=OPEN_STATES, light_code=Light.YELLOW, then=Value(1)),
        When(state__in=OPEN_STATES, then=Value(2)),
        When(state=State.REPORTED, then=Value(3)),
        When(state=State.REGISTERED, then=Value(4)),
        default=Value(5),
    )
    deadline = Case(When(state=State.CLOSED, then=Value(None)), default=F("deadline"), output_field=DateField())
    return (
        items.select_related("lead_unit", "leader__person", "supervisor__person")
        .prefetch_related("co_units")
        .order_by(rank, deadline.asc(nulls_last=True), "-year", "-serial")
    )


def _item_filtered(items: QuerySet, filters: ItemFilters) -> QuerySet:
    if filters.q:
        words = filters.q.strip()
        number_match = _parse_number(words)
        condition = Q(title__icontains=words) | Q(requirements__icontains=words) | Q(source_detail__icontains=words)
        if number_match:
            condition |= Q(year=number_match[0], serial=number_match[1])
        elif words.isdigit():
            condition |= Q(serial=int(words))
        items = items.filter(condition)
    if filters.state:
        items = items.filter(state=filters.state)
    if filters.unit:
        co_unit = SupervisionItem.co_units.through.objects.filter(supervisionitem_id=OuterRef("pk"), unit_id=filters.unit.pk)
        items = items.filter(Q(lead_unit=filters.unit) | Exists(co_unit))
    if filters.source:
        items = items.filter(source=filters.source)
    if filters.urgency:
        items = items.filter(urgency=filters.urgency)
    if filters.light:
        items = items.filter(light_code=filters.light)
    if filters.assigned_from:
        items = items.filter(assigned_on__gte=filters.assigned_from)
    if filters.assigned_to:
        items = items.filter(assigned_on__lte=filters.assigned_to)
    return items


def item_register(user, filters: ItemFilters, today: datetime.date) -> Concatenated:
    """item_list for paging, same rows in the same order: the items not yet 销号 (a few
    hundred, sorted by light and deadline), then the 已销号 ones (nearly all ten years),
    whose place in the order is fixed — newest number first, an order the number index
    serves — so a page never sorts the whole register."""
    items = item_list(user, filters, today)
    not_closed = [state for state in State.values if state != State.CLOSED]
    closed = items.filter(state=State.CLOSED).order_by("-year", "-serial")
    return Concatenated(items.filter(state__in=not_closed), closed.none() if filters.light else closed)


def item_register_count(user, filters: ItemFilters, today: datetime.date) -> int:
    """item_register(...).count(), cheaply: a liaison's items counted as their unit's lead
    items plus the ones it only co-handles — two index lookups, rather than testing "lead
    or co-unit" on every item of ten years. (A light filter leaves out 已销号 items in both.)"""
    unit_id = _liaison_unit_id(user)
    if unit_id is None:
        return item_list(user, filters, today).count()
    items = _item_filtered(with_light(SupervisionItem.objects.all(), today), filters)
    co_handled = SupervisionItem.co_units.through.objects.filter(unit_id=unit_id).values("supervisionitem_id")
    return items.filter(lead_unit_id=unit_id).count() + items.exclude(lead_unit_id=unit_id).filter(pk__in=co_handled).count()


def _parse_number(text: str):
    """督〔2026〕15号 or 2026-15 → (2026, 15)."""
    match = re.search(r"(\d{4})\D+(\d+)", text)
    if match:
        return int(match.group(1)), int(match.group(2))
    return None


def light_counts(user, today: datetime.date) -> dict[str, int]:
    rows = (
        with_light(items_visible_to(user).filter(state__in=(*OPEN_STATES, State.REPORTED)), today)
        .values("light_code")
        .annotate(n=Count("id"))
    )
    counts = {light: 0 for light in Light.values}
    counts.update({row["light_code"]: row["n"] for row in rows if row["light_code"]})
    return counts


# --- statistics ----------------------------------------------------------------


@dataclass
class UnitStats:
    unit: Unit
    assigned: int
    answered: int
    closed: int
    closed_on_time: int
    overdue_now: int
    graded: int
    satisfied: int

    @staticmethod
    def rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def answer_rate(self):  # 办复率: reported or closed, of those assigned
        return self.rate(self.answered, self.assigned)

    @property
    def on_time_rate(self):  # 按期办结率: closed and reported by the deadline, of those closed
        return self.rate(self.closed_on_time, self.closed)

    @property
    def satisfaction_rate(self):  # 满意率: 满意 or 基本满意, of those graded
        return self.rate(self.satisfied, self.graded)


def unit_stats(start: datetime.date, end: datetime.date, today: datetime.date) -> tuple[list[UnitStats], UnitStats]:
    """Per lead unit, items assigned in [start, end]: one grouped query whatever the count."""
    period = SupervisionItem.objects.filter(assigned_on__gte=start, assigned_on__lte=end)
    # The unit's own columns come with the counts (no second query for the units).
    unit_columns = [f"lead_unit__{field.attname}" for field in Unit._meta.concrete_fields]
    rows = period.values("lead_unit", *unit_columns).annotate(
        assigned=Count("id"),
        answered=Count("id", filter=Q(state__in=(State.REPORTED, State.CLOSED))),
        closed=Count("id", filter=Q(state=State.CLOSED)),
        closed_on_time=Count("id", filter=Q(state=State.CLOSED, reported_on__lte=F("deadline"))),
        overdue_now=Count("id", filter=Q(state__in=OPEN_STATES, deadline__lt=today)),
        graded=Count("id", filter=~Q(satisfaction="")),
        satisfied=Count("id", filter=Q(satisfaction__in=(Satisfaction.SATISFIED, Satisfaction.BASIC))),
    )
    stats = []
    for row in rows:
        del row["lead_unit"]
        unit = Unit(**{column.removeprefix("lead_unit__"): row.pop(column) for column in unit_columns})
        stats.append(UnitStats(unit=unit, **row))
    stats.sort(key=lambda s: (-(s.on_time_rate or 0), -(s.answer_rate or 0), s.unit.order))
    fields = ["assigned", "answered", "closed", "closed_on_time", "overdue_now", "graded", "satisfied"]
    total = UnitStats(unit=Unit(name="合计"), **{name: sum(getattr(s, name) for s in stats) for name in fields})
    return stats, total


# --- the item page ---------------------------------------------------------------


@dataclass
class TimelineEntry:
    when: datetime.datetime
    who: str
    what: str
    text: str = ""
    attachment: object = None
    kind: str = "step"


def _name(user) -> str:
    if user is None:
        return "系统"
    person = getattr(user, "person", None)
    return person.name if person else user.username


def item_timeline(item: SupervisionItem) -> list[TimelineEntry]:
    """Every step, report, extension and reminder of the item, oldest first."""
    entries = [
        TimelineEntry(log.at, _name(log.actor), log.action_label, log.comment)
        for log in workflow_log_for(item)
    ]
    entries.append(TimelineEntry(item.created_at, _name(item.registered_by), "挂号登记", item.number))
    for report in item.reports.select_related("author__person", "unit"):
        entries.append(TimelineEntry(report.created_at, f"{_name(report.author)}（{report.unit.label}）", "进展反馈", report.text, report.attachment or None, "report"))
    reminders = (
        Message.objects.filter(event_key__startswith=f"supervision:{item.pk}:")
        .values("event_key", "subject")
        .annotate(first=Min("created_at"), recipients=Count("id"))
        .order_by("first")
    )
    for reminder in reminders:
        entries.append(TimelineEntry(reminder["first"], "系统", "提醒", f"{reminder['subject']}（{reminder['recipients']}人）", kind="reminder"))
    entries.sort(key=lambda entry: entry.when)
    return entries


def item_extensions(item: SupervisionItem):
    return item.extensions.select_related("requested_by__person", "decided_by__person")


def pending_extension(item: SupervisionItem) -> Extension | None:
    return item.extensions.filter(decision=Extension.Decision.PENDING).first()


# --- for the 督办 pages (views) ---------------------------------------------------


def can_see_stats(user) -> bool:
    """统计 and the monthly 通报: the office and the leaders, not the units."""
    return has_role(user, Role.DIRECTOR, Role.STAFF, Role.LEADER)


def item_reports(item: SupervisionItem) -> list:
    """The item's progress reports, oldest first, with author and unit in the same query."""
    from supervision.models import ProgressReport

    return list(
        ProgressReport.objects.filter(item=item).select_related("author__person", "unit").order_by("created_at", "id")
    )


def report_get(user, pk):
    """A progress report whose item the user may see; 404 otherwise."""
    from supervision.models import ProgressReport

    report = ProgressReport.objects.filter(pk=pk, item__in=items_visible_to(user)).first()
    if report is None:
        raise Http404("没有这份进展反馈")
    return report



def today_items(user, day: datetime.date):
    """督办 waiting on this person: their unit's open items due by the next working day
    or overdue (a liaison), the items they supervise (staff), reported items to close
    and extensions to decide (director, leader in charge)."""
    from office.today import TodayItem
    from supervision.services import can_decide

    horizon = light_bounds(day)[1]
    # Only what a line shows and can_decide reads: a director may have a hundred waiting.
    items = items_visible_to(user).only("year", "serial", "title", "deadline", "leader_id")
    found = []
    if has_role(user, Role.LIAISON):
        for item in items.filter(state__in=OPEN_STATES, deadline__lte=horizon, lead_unit_id=user_unit_id(user)):
            found.append(TodayItem("督办", f"{item.number} {item.title}", item.get_absolute_url(), item.deadline))
    if has_role(user, Role.STAFF):
        for item in items.filter(state__in=OPEN_STATES, deadline__lte=horizon, supervisor=user):
            found.append(TodayItem("督办", f"跟踪催办 {item.number} {item.title}", item.get_absolute_url(), item.deadline))
    if has_role(user, Role.DIRECTOR, Role.LEADER):
        # Reported items UNION those with a pending extension, unordered (items_for sorts):
        # each half is read by its index, where "reported OR pending" in one WHERE made
        # PostgreSQL test every item of ten years.
        pending = Extension.objects.filter(decision=Extension.Decision.PENDING).values("item_id")
        deciding = items.filter(state=State.REPORTED).order_by().union(items.filter(pk__in=pending).order_by())
        for item in deciding:
            if can_decide(user, item):
                found.append(TodayItem("督办", f"待审核 {item.number} {item.title}", item.get_absolute_url()))
    return found
