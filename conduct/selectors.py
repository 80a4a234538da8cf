"""作风 reads for the pages: the error log and its filters, statistics, the personal
record, lessons, leave lists and the roster month. Every list is a fixed number of
queries, whatever the number of rows."""

import calendar as month_calendar
import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404

from conduct.models import DutyShift, EntryState, ErrorEntry, Leave, Proposal, Swap
from office import calendar
from office.models import Person, Unit
from office.roles import Role, has_role

# Entries the director has confirmed: they count in statistics, "days without error" and lessons.
CONFIRMED = (EntryState.VERIFIED, EntryState.PUBLISHED, EntryState.RECTIFIED)


def can_see_log(user) -> bool:
    """The full 差错登记簿: the office and the leaders."""
    return has_role(user, Role.DIRECTOR, Role.STAFF, Role.LEADER)


def can_see_all_leave(user) -> bool:
    """The whole leave register: the duty office, the office and the leaders."""
    return has_role(user, Role.DUTY, Role.DIRECTOR, Role.STAFF, Role.LEADER)


def can_register_leave_for_others(user) -> bool:
    return has_role(user, Role.DUTY, Role.DIRECTOR, Role.STAFF)


def can_plan_roster(user) -> bool:
    return has_role(user, Role.DIRECTOR, Role.STAFF, Role.DUTY)


def person_of(user) -> Person | None:
    """The user's person record (cached on the user for the request)."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_conduct_person", False)
    if cached is False:
        cached = Person.objects.filter(user=user).select_related("unit").first()
        user._conduct_person = cached
    return cached


# --- the error log -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryFilters:
    q: str = ""
    state: str = ""
    category: str = ""
    sub_kind: str = ""
    severity: str = ""
    unit: Unit | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _with_people(entries: QuerySet) -> QuerySet:
    return entries.select_related("unit").prefetch_related(
        Prefetch("people", queryset=Person.objects.only("id", "name", "user_id").order_by("protocol_rank", "id"))
    )


def entry_list(filters: EntryFilters) -> QuerySet:
    entries = ErrorEntry.objects.all()
    if filters.q:
        words = filters.q.strip()
        entries = entries.filter(
            Q(what_happened__icontains=words) | Q(cause__icontains=words) | Q(corrective_action__icontains=words)
            | Q(lesson__icontains=words) | Q(concerns_label__icontains=words) | Q(people__name__icontains=words)
        ).distinct()
    for name in ("state", "category", "sub_kind", "severity", "unit"):
        value = getattr(filters, name)
        if value:
            entries = entries.filter(**{name: value})
    if filters.date_from:
        entries = entries.filter(date__gte=filters.date_from)
    if filters.date_to:
        entries = entries.filter(date__lte=filters.date_to)
    return _with_people(entries).order_by("-date", "-id")


def entry_get(user, pk) -> ErrorEntry:
    """One entry, for the log's readers and the people concerned; 404 for anyone else."""
    entry = (
        _with_people(ErrorEntry.objects.select_related("registered_by__person", "confirmed_by__person", "concerns_type"))
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("差错记录不存在")
    if can_see_log(user) or any(person.user_id == user.pk for person in entry.people.all()):
        return entry
    raise Http404("差错记录不存在，或您无权查看")


def concerned_object(entry: ErrorEntry):
    """The record an entry concerns, if it still exists."""
    if not entry.concerns_type_id or not entry.concerns_id:
        return None
    model = entry.concerns_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=entry.concerns_id).first()


@dataclass(frozen=True)
class DaysSince:
    label: str
    last: datetime.date | None
    days: int | None


def days_without_error(today: datetime.date) -> tuple[DaysSince, list[DaysSince]]:
    """Days since the last confirmed error: the whole office, then each unit (longest run last)."""
    confirmed = ErrorEntry.objects.filter(state__in=CONFIRMED)
    last_by_unit = dict(confirmed.order_by().values_list("unit_id").annotate(last=Max("date")))
    units = Unit.objects.filter(is_active=True).exclude(kind=Unit.Kind.EXTERNAL).order_by("order", "id")
    rows = []
    for unit in units:
        last = last_by_unit.get(unit.pk)
        rows.append(DaysSince(unit.label, last, (today - last).days if last else None))
    overall = max(last_by_unit.values(), default=None)
    office = DaysSince("全办", overall, (today - overall).days if overall else None)
    rows.sort(key=lambda row: (row.days is None, row.days if row.days is not None else 0))
    return office, rows


def person_entries(person: Person) -> QuerySet:
    return _with_people(ErrorEntry.objects.filter(people=person)).order_by("-date", "-id")


# --- proposals -------------------------------------------------------------------------------------


def open_proposals() -> QuerySet:
    return Proposal.objects.filter(state=Proposal.State.OPEN).select_related("unit").order_by("occurred_on", "id")


def decided_proposals(state: str, limit: int = 50) -> QuerySet:
    return (
        Proposal.objects.filter(state=state)
        .select_related("decided_by__person", "entry")
        .order_by("-decided_at", "-id")[:limit]
    )


# --- statistics ----------------------------------------------------------------------------------------


def confirmed_between(start: datetime.date, end: datetime.date) -> QuerySet:
    return ErrorEntry.objects.filter(state__in=CONFIRMED, date__gte=start, date__lte=end)


def stats_by_person(start, end) -> list[dict]:
    return list(
        Person.objects.filter(error_entries__in=confirmed_between(start, end))
        .values("id", "name", "unit__short_name", "unit__name")
        .annotate(count=Count("error_entries", distinct=True))
        .order_by("-count", "name")
    )


def stats_by_unit(start, end) -> list[dict]:
    return list(
        confirmed_between(start, end).values("unit_id", "unit__name").annotate(count=Count("id")).order_by("-count", "unit__name")
    )


def stats_by_category(start, end) -> list[dict]:
    return list(
        confirmed_between(start, end).values("category", "sub_kind").annotate(count=Count("id")).order_by("category", "-count")
    )


def month_starts(last: datetime.date, count: int) -> list[datetime.date]:
    """The first days of `count` months ending with last's month, oldest first."""
    months, year, month = [], last.year, last.month
    for _ in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def month_end(first: datetime.date) -> datetime.date:
    return first.replace(day=month_calendar.monthrange(first.year, first.month)[1])


def stats_by_month(start, end) -> dict[datetime.date, int]:
    rows = confirmed_between(start, end).annotate(month=TruncMonth("date")).values("month").annotate(count=Count("id")).order_by("month")
    found = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        found[month] = row["count"]
    return found


# --- lessons -----------------------------------------------------------------------------------------------


def lessons_search(words: str = "", category: str = "") -> QuerySet:
    """Confirmed entries with a lesson; no names, only what to learn."""
    entries = ErrorEntry.objects.filter(state__in=CONFIRMED).exclude(lesson="")
    if category:
        entries = entries.filter(category=category)
    if words.strip():
        words = words.strip()
        entries = entries.filter(
            Q(lesson__icontains=words) | Q(what_happened__icontains=words) | Q(corrective_action__icontains=words)
            | Q(concerns_label__icontains=words)
        )
    return entries.only("id", "date", "category", "sub_kind", "severity", "lesson", "what_happened", "corrective_action").order_by("-date", "-id")


# --- leave ---------------------------------------------------------------------------------------------------

LEAVE_WHEN = {"current": "正在请假", "upcoming": "即将开始", "past": "已结束"}


def leave_list(user, when: str, today: datetime.date, person: Person | None = None) -> QuerySet:
    leaves = Leave.objects.select_related("person__unit", "approver__person", "registered_by__person")
    if not can_see_all_leave(user):
        leaves = leaves.filter(Q(person__user=user) | Q(approver=user) | Q(registered_by=user))
    if person is not None:
        leaves = leaves.filter(person=person)
    if when == "current":
        leaves = leaves.filter(start__lte=today, end__gte=today)
    elif when == "upcoming":
        leaves = leaves.filter(start__gt=today)
    elif when == "past":
        leaves = leaves.filter(end__lt=today)
    return leaves.order_by("-start", "-id")


def leave_to_decide(user) -> QuerySet:
    return Leave.objects.filter(approver=user, state=Leave.State.REQUESTED).select_related("person__unit").order_by("start", "id")


def leave_get(pk) -> Leave:
    leave = Leave.objects.select_related("person").filter(pk=pk).first()
    if leave is None:
        raise Http404("请假记录不存在")
    return leave


def away_today(day: datetime.date) -> list[Leave]:
    """Approved leave covering the day, with the people (the 今日请假 box)."""
    return list(
        Leave.objects.filter(state=Leave.State.APPROVED, start__lte=day, end__gte=day)
        .select_related("person__unit")
        .order_by("person__protocol_rank", "id")
    )


# --- the duty roster ------------------------------------------------------------------------------------------


@dataclass
class RosterDay:
    date: datetime.date
    in_month: bool
    working: bool
    shifts: list


def roster_month(first: datetime.date) -> list[list[RosterDay]]:
    """Weeks (Monday first) of the month with each day's shifts and whether it is a working day."""
    last = month_end(first)
    grid_start = first - datetime.timedelta(days=first.weekday())
    grid_end = last + datetime.timedelta(days=6 - last.weekday())
    shifts: dict[datetime.date, list] = {}
    for shift in DutyShift.objects.filter(date__gte=grid_start, date__lte=grid_end).select_related("person").order_by("date", "kind"):
        shifts.setdefault(shift.date, []).append(shift)
    weeks, day = [], grid_start
    while day <= grid_end:
        week = []
        for _ in range(7):
            week.append(RosterDay(day, day.month == first.month, calendar.is_working_day(day), shifts.get(day, [])))
            day += datetime.timedelta(days=1)
        weeks.append(week)
    return weeks


def swappable_shifts(user, today: datetime.date) -> QuerySet:
    """Upcoming shifts the user may ask to swap: their own, or any for the duty office."""
    shifts = DutyShift.objects.filter(date__gte=today).select_related("person").order_by("date", "kind")
    if not has_role(user, Role.DUTY, Role.DIRECTOR, Role.STAFF):
        shifts = shifts.filter(person__user=user)
    return shifts


def pending_swaps() -> QuerySet:
    return (
        Swap.objects.filter(state=Swap.State.REQUESTED)
        .select_related("shift__person", "substitute", "requested_by__person")
        .order_by("shift__date", "id")
    )


def recent_swaps(limit: int = 10) -> QuerySet:
    return (
        Swap.objects.exclude(state=Swap.State.REQUESTED)
        .select_related("shift__person", "substitute", "decided_by__person")
        .order_by("-created_at")[:limit]
    )


def shift_get(pk) -> DutyShift:
    shift = DutyShift.objects.select_related("person").filter(pk=pk).first()
    if shift is None:
        raise Http404("班次不存在")
    return shift


def rota_people() -> QuerySet:
    """People who may stand duty: active office staff with a login, office first."""
    return (
        Person.objects.active()
        .filter(user__isnull=False, user__is_active=True)
        .exclude(unit__kind=Unit.Kind.EXTERNAL)
        .select_related("unit")
        .order_by("unit__order", "protocol_rank", "id")
    )


# --- the entry page -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    who: str
    what: str
    text: str = ""
    kind: str = "step"


def user_name(user) -> str:
    if user is None:
        return "系统"
    person = getattr(user, "person", None)
    return person.name if person else (user.get_full_name() or user.username)


def entry_timeline(entry: ErrorEntry) -> list[TimelineEntry]:
    """登记, the person's account and every step, oldest first."""
    from office.workflow import workflow_log_for

    entries = [TimelineEntry(entry.created_at, user_name(entry.registered_by), "登记")]
    for log in workflow_log_for(entry):
        entries.append(TimelineEntry(log.at, user_name(log.actor), log.action_label, log.comment, "report" if log.action == "account" else "step"))
    entries.sort(key=lambda row: row.when)
    return entries


def entry_history(entry: ErrorEntry, limit: int = 200) -> list[dict]:
    """office.audit.history_for with the content type joined: that one reads it once per row
    (changes_display_dict asks entry.content_type), which makes the page grow with its history."""
    from auditlog.models import LogEntry

    from office.audit import ACTION_LABELS, foreign_keys_read_together

    rows = list(LogEntry.objects.get_for_object(entry).select_related("actor__person", "content_type").order_by("-timestamp", "-id")[:limit])
    foreign_keys_read_together(rows)
    found = []
    for row in rows:
        changes = {}
        m2m = {name: value for name, value in row.changes_dict.items() if isinstance(value, dict)}
        for field, change in row.changes_display_dict.items():
            if field == "当事人" and m2m or field == "ID":
                continue
            if row.action == LogEntry.Action.CREATE and (len(change) != 2 or change[1] in ("None", "")):
                continue  # a field left empty at creation says nothing
            changes[field] = change
        for value in m2m.values():  # 当事人 added or removed (auditlog shows these badly)
            verb = "增加" if value.get("operation") == "add" else "移除"
            changes["当事人"] = f"{verb} {'、'.join(str(name) for name in value.get('objects', []))}"
        found.append({"when": row.timestamp, "who": user_name(row.actor), "action": ACTION_LABELS.get(row.action, str(row.action)), "changes": changes})
    return found
