"""作风 services: the error log and its proposals, lessons, leave, the duty roster and
the end-of-day check."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils import timezone

from conduct.models import (
    Category,
    DutyShift,
    EntryState,
    ErrorEntry,
    Leave,
    Proposal,
    Severity,
    SubKind,
    Swap,
)
from office import calendar
from office.models import Person
from office.request_cache import once_per_request
from office.roles import Role, has_role
from office.workflow import TransitionRefused, workflow_note


def is_director(user) -> bool:
    return has_role(user, Role.DIRECTOR)


def is_office(user) -> bool:
    return has_role(user, Role.DIRECTOR, Role.STAFF)


def can_see_person_record(user, person: Person) -> bool:
    """A person's own error record: themselves, the director and the leaders."""
    if not user.is_authenticated:
        return False
    return (person.user_id is not None and person.user_id == user.pk) or has_role(user, Role.DIRECTOR, Role.LEADER)


# --- the error log -------------------------------------------------------------------------------------


@transaction.atomic
def entry_register(*, actor, people, unit, date, category, sub_kind, what_happened, severity=Severity.MINOR,
                   concerns=None, cause="", corrective_action="", lesson="") -> ErrorEntry:
    """登记 a mistake (office staff or the director)."""
    if not is_office(actor):
        raise TransitionRefused("只有办公室可以登记差错")
    if not people:
        raise TransitionRefused("请选择当事人")
    if not (what_happened or "").strip():
        raise TransitionRefused("请填写差错经过")
    if date > timezone.localdate():
        raise TransitionRefused("发生日期不能晚于今天")
    entry = ErrorEntry(
        date=date, unit=unit, category=category, sub_kind=sub_kind, severity=severity, what_happened=what_happened.strip(),
        cause=cause.strip(), corrective_action=corrective_action.strip(), lesson=lesson.strip(), registered_by=actor,
    )
    if concerns is not None:
        entry.concerns = concerns
        # A secret document is named by its number only: the log and 通报 are not secret.
        secret = getattr(concerns, "is_secret", False)
        entry.concerns_label = (f"{concerns.number}（涉密公文）" if secret else str(concerns))[:200]
    entry.save()
    entry.people.set(people)
    return entry


def _entry_locked(entry) -> ErrorEntry:
    return ErrorEntry.objects.select_for_update().get(pk=entry.pk)


@transaction.atomic
def entry_account(*, entry, actor, text: str) -> ErrorEntry:
    """The person concerned adds their account, before the director confirms."""
    entry = _entry_locked(entry)
    if not entry.people.filter(user=actor).exists():
        raise TransitionRefused("只有当事人可以补充说明")
    if entry.state != EntryState.REGISTERED:
        raise TransitionRefused("差错已核实，不能再补充说明")
    if not text.strip():
        raise TransitionRefused("请填写说明")
    entry.account = text.strip()
    entry.save(update_fields=["account"])
    workflow_note(entry, action="account", label="当事人说明", actor=actor, state=entry.state, comment=text.strip())
    return entry


_STEPS = {
    # action: (from, to, label)
    "verify": (EntryState.REGISTERED, EntryState.VERIFIED, "核实"),
    "publish": (EntryState.VERIFIED, EntryState.PUBLISHED, "通报"),
    "rectify": (EntryState.PUBLISHED, EntryState.RECTIFIED, "整改完成"),
}


@transaction.atomic
def entry_step(*, entry, actor, action: str, comment: str = "") -> ErrorEntry:
    """核实 and 通报 by the director; 整改完成 by the director or the office."""
    from conduct.tasks import bulletin_generate
    from office.jobs import enqueue

    entry = _entry_locked(entry)
    if action not in _STEPS:
        raise TransitionRefused("没有这个操作")
    source, target, label = _STEPS[action]
    if entry.state != source:
        raise TransitionRefused(f"差错当前为“{entry.get_state_display()}”，不能{label}")
    if action in ("verify", "publish") and not is_director(actor):
        raise TransitionRefused(f"只有办公室主任可以{label}")
    if action == "rectify" and not is_office(actor):
        raise TransitionRefused("只有办公室可以登记整改完成")
    now = timezone.now()
    entry.state = target
    if action == "verify":
        entry.confirmed_by, entry.confirmed_at = actor, now
    elif action == "publish":
        entry.published_at = now
        transaction.on_commit(lambda: enqueue(bulletin_generate, entry.pk))
    else:
        entry.rectified_at = now
    entry.save()
    workflow_note(entry, action=action, label=label, actor=actor, state=target, from_state=source, comment=comment)
    return entry


# --- proposals from the system's own events --------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    key: str
    category: str
    sub_kind: str
    summary: str
    occurred_on: datetime.date
    concerns: object
    unit_id: int | None


def candidates(today: datetime.date, now: datetime.datetime) -> list[Candidate]:
    """Events that may be mistakes: overdue supervision items, incoming documents past
    their 办理期限, checklist tasks done late, trips back without their log."""
    from documents.services import overdue_incoming
    from logistics.models import Trip, TripState
    from meetings.models import ChecklistTask
    from supervision.models import OPEN_STATES, SupervisionItem

    found = []
    for item in SupervisionItem.objects.filter(state__in=OPEN_STATES, deadline__lt=today).select_related("lead_unit"):
        found.append(Candidate(f"supervision:{item.pk}:overdue:{item.deadline}", Category.AFFAIRS, SubKind.DELAY,
                               f"督办事项{item.number}“{item.title}”超过办理期限（{item.deadline}）未报结", item.deadline, item, item.lead_unit_id))
    for doc in overdue_incoming(today).select_related("lead_unit"):
        title = "（涉密公文）" if doc.is_secret else doc.title
        found.append(Candidate(f"incoming:{doc.pk}:overdue:{doc.due_date}", Category.DOCUMENTS, SubKind.DELAY,
                               f"{doc.number}{title}超过办理期限（{doc.due_date}）未办结", doc.due_date, doc, doc.lead_unit_id))
    # Only tasks due in the last 60 days: older ones were proposed long ago (or never will be).
    recent = today - datetime.timedelta(days=60)
    late_tasks = ChecklistTask.objects.filter(due_date__gte=recent, done_at__date__gt=F("due_date")).select_related("meeting__term")
    for task in late_tasks:
        found.append(Candidate(f"checklist:{task.pk}:late", Category.MEETINGS, SubKind.MEETING,
                               f"{task.meeting.name}：“{task.title}”应于{task.due_date}完成，实际{timezone.localtime(task.done_at).date()}完成",
                               task.due_date, task, None))
    cutoff = now - datetime.timedelta(hours=12)
    for trip in Trip.objects.filter(state=TripState.DISPATCHED, end__lt=cutoff).select_related("vehicle"):
        found.append(Candidate(f"trip:{trip.pk}:nolog", Category.AFFAIRS, SubKind.VEHICLE,
                               f"{trip.vehicle.plate}于{timezone.localtime(trip.end):%Y-%m-%d %H:%M}结束的出车未登记回场",
                               timezone.localtime(trip.end).date(), trip, trip.unit_id))
    return found


def proposals_sweep(today: datetime.date | None = None) -> int:
    """Record new candidates as proposals; a key seen before (even dismissed) never returns."""
    today = today or timezone.localdate()
    rows = []
    for candidate in candidates(today, timezone.now()):
        proposal = Proposal(key=candidate.key, category=candidate.category, sub_kind=candidate.sub_kind, summary=candidate.summary[:300],
                            occurred_on=candidate.occurred_on, unit_id=candidate.unit_id)
        proposal.concerns = candidate.concerns
        rows.append(proposal)
    before = Proposal.objects.count()
    Proposal.objects.bulk_create(rows, ignore_conflicts=True)
    return Proposal.objects.count() - before


@transaction.atomic
def proposal_confirm(*, proposal: Proposal, actor, people, severity=Severity.MINOR, what_happened="", unit=None) -> ErrorEntry:
    """The director turns a proposal into an error entry (then verified at once)."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not is_director(actor):
        raise TransitionRefused("只有办公室主任可以确认差错线索")
    if proposal.state != Proposal.State.OPEN:
        raise TransitionRefused(f"该线索{proposal.get_state_display()}")
    unit = unit or proposal.unit
    if unit is None:
        raise TransitionRefused("请选择责任单位")
    entry = entry_register(actor=actor, people=people, unit=unit, date=proposal.occurred_on, category=proposal.category,
                           sub_kind=proposal.sub_kind, severity=severity, what_happened=what_happened or proposal.summary,
                           concerns=proposal.concerns)
    entry_step(entry=entry, actor=actor, action="verify", comment="由系统线索确认")
    proposal.state, proposal.entry, proposal.decided_by, proposal.decided_at = Proposal.State.CONFIRMED, entry, actor, timezone.now()
    proposal.save()
    return entry


@transaction.atomic
def proposal_dismiss(*, proposal: Proposal, actor, reason: str) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not is_director(actor):
        raise TransitionRefused("只有办公室主任可以排除差错线索")
    if proposal.state != Proposal.State.OPEN:
        raise TransitionRefused(f"该线索{proposal.get_state_display()}")
    if not reason.strip():
        raise TransitionRefused("请填写排除理由")
    proposal.state, proposal.dismiss_reason = Proposal.State.DISMISSED, reason.strip()
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.save()
    return proposal


# --- lessons, shown where the same work is done again ---------------------------------------------------

TOPIC_FILTERS = {
    "meeting": Q(category=Category.MEETINGS),
    "document": Q(category=Category.DOCUMENTS),
    "trip": Q(sub_kind=SubKind.VEHICLE),
    "reception": Q(sub_kind=SubKind.RECEPTION),
}


@dataclass(frozen=True)
class Lesson:
    title: str
    text: str
    url: str
    date: datetime.date


def lessons(topic: str, limit: int = 5, record=None) -> list[Lesson]:
    """Lessons of confirmed entries for a topic like "meeting:standing" or "trip". Given the
    record the page shows, the entries about it (its related-records box) are read in the
    same query and kept for related_entries."""
    condition = TOPIC_FILTERS.get(topic.split(":")[0])
    if condition is None:
        return []
    chosen = (
        ErrorEntry.objects.filter(condition, state__in=(EntryState.VERIFIED, EntryState.PUBLISHED, EntryState.RECTIFIED))
        .exclude(lesson="")
        .order_by("-date", "-id")[:limit]
    )
    if record is None or record.pk is None:
        entries = list(chosen)
    else:
        is_lesson = Q(pk__in=chosen.values("pk"))
        rows = list(
            ErrorEntry.objects.filter(is_lesson | _concerning(record))
            .annotate(is_lesson=ExpressionWrapper(is_lesson, output_field=BooleanField()))
            .order_by("-date", "-id")
        )
        concerns_type = ContentType.objects.get_for_model(record)
        about = [row for row in rows if row.concerns_type_id == concerns_type.pk and row.concerns_id == record.pk]
        once_per_request(_related_key(record), lambda: about)
        entries = [row for row in rows if row.is_lesson]
    return [Lesson(f"{entry.date:%Y-%m-%d} {entry.get_sub_kind_display()}", entry.lesson, entry.get_absolute_url(), entry.date) for entry in entries]


def _concerning(obj) -> Q:
    return Q(concerns_type=ContentType.objects.get_for_model(obj), concerns_id=obj.pk)


def _related_key(obj) -> tuple:
    return ("conduct.entries_concerning", ContentType.objects.get_for_model(obj).pk, obj.pk)


def entries_concerning(obj):
    """Error entries about a record, for that record's page."""
    return ErrorEntry.objects.filter(_concerning(obj))


# --- leave -------------------------------------------------------------------------------------------------


def approver_for(person: Person):
    """By rank: the director approves staff; a leader approves the director; a leader's
    leave goes to a higher-ranked leader (the top leader's is recorded with the director)."""
    User = get_user_model()
    leaders = User.objects.filter(is_active=True, groups__name=Role.LEADER).order_by("person__protocol_rank")
    if person.user_id and has_role(person.user, Role.LEADER):
        higher = leaders.filter(person__protocol_rank__lt=person.protocol_rank).exclude(pk=person.user_id).last()
        if higher is not None:
            return higher
    elif person.user_id and has_role(person.user, Role.DIRECTOR):
        return leaders.first()
    return User.objects.filter(is_active=True, groups__name=Role.DIRECTOR).first()


@transaction.atomic
def leave_register(*, actor, person: Person, leave_type: str, start: datetime.date, end: datetime.date, reason: str) -> Leave:
    """请假, registered by the duty office (or the person themselves)."""
    if not (has_role(actor, Role.DUTY, Role.DIRECTOR, Role.STAFF) or person.user_id == actor.pk):
        raise TransitionRefused("请假由值班室登记，或由本人提出")
    if end < start:
        raise TransitionRefused("结束日期不能早于开始日期")
    if not reason.strip():
        raise TransitionRefused("请填写请假事由")
    overlapping = Leave.objects.filter(person=person, start__lte=end, end__gte=start, state__in=(Leave.State.REQUESTED, Leave.State.APPROVED))
    if overlapping.exists():
        raise TransitionRefused("这段时间已有请假记录")
    approver = approver_for(person)
    if approver is None:
        raise TransitionRefused("没有可审批的人员，请联系办公室")
    return Leave.objects.create(person=person, leave_type=leave_type, start=start, end=end, reason=reason.strip(),
                                approver=approver, registered_by=actor)


@transaction.atomic
def leave_decide(*, leave: Leave, actor, approve: bool) -> Leave:
    leave = Leave.objects.select_for_update().get(pk=leave.pk)
    if leave.approver_id != actor.pk:
        raise TransitionRefused("该请假不由您审批")
    if leave.state != Leave.State.REQUESTED:
        raise TransitionRefused(f"请假当前为“{leave.get_state_display()}”")
    leave.state = Leave.State.APPROVED if approve else Leave.State.REFUSED
    leave.decided_at = timezone.now()
    leave.save()
    if approve:
        transaction.on_commit(lambda: _mark_meetings_on_leave(leave))
    return leave


def _mark_meetings_on_leave(leave: Leave) -> None:
    """An approved leave marks the person 请假 in meetings they were invited to then."""
    from meetings.models import Participant, Reply, State

    Participant.objects.filter(
        person=leave.person, signed_in_at__isnull=True, meeting__state__in=(State.PLANNING, State.NOTICED),
        meeting__start__date__gte=leave.start, meeting__start__date__lte=leave.end,
    ).update(reply=Reply.LEAVE, leave_reason=f"{leave.get_leave_type_display()}（请假登记）", replied_at=timezone.now())


def away_on(day: datetime.date):
    """People on approved leave that day."""
    return Person.objects.filter(leaves__state=Leave.State.APPROVED, leaves__start__lte=day, leaves__end__gte=day).distinct()


def away_each_day(days: list[datetime.date]) -> dict[datetime.date, list[Person]]:
    """away_on for several days in one query: day → people, by protocol rank."""
    leaves = Leave.objects.filter(state=Leave.State.APPROVED, start__lte=max(days), end__gte=min(days)).select_related("person")
    away = {day: {} for day in days}
    for leave in leaves:
        for day in days:
            if leave.start <= day <= leave.end:
                away[day][leave.person_id] = leave.person
    return {day: sorted(people.values(), key=lambda person: (person.protocol_rank, person.pk)) for day, people in away.items()}


# --- the duty roster -------------------------------------------------------------------------------------------


@transaction.atomic
def roster_generate(*, actor, start: datetime.date, end: datetime.date, rota: list[Person], full_days=()) -> list[DutyShift]:
    """值班表 for the days off between start and end (weekends and holidays from the
    office calendar), taking the rota in turn; days in `full_days` are 24-hour duty.
    People on leave that day are skipped; existing shifts are kept."""
    if not has_role(actor, Role.DIRECTOR, Role.STAFF, Role.DUTY):
        raise TransitionRefused("只有办公室或值班室可以排班")
    if not rota:
        raise TransitionRefused("请选择轮值人员")
    if end < start:
        raise TransitionRefused("结束日期不能早于开始日期")
    full_days = set(full_days)
    taken = set(DutyShift.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind"))
    leaves = list(Leave.objects.filter(state=Leave.State.APPROVED, start__lte=end, end__gte=start).values_list("person_id", "start", "end"))
    shifts, turn, day = [], 0, start
    while day <= end:
        kind = DutyShift.Kind.FULL if day in full_days else DutyShift.Kind.DAY
        if (day in full_days or not calendar.is_working_day(day)) and (day, kind) not in taken:
            for _ in range(len(rota)):
                person = rota[turn % len(rota)]
                turn += 1
                if not any(pid == person.pk and s <= day <= e for pid, s, e in leaves):
                    shifts.append(DutyShift(date=day, kind=kind, person=person))
                    break
        day += datetime.timedelta(days=1)
    return DutyShift.objects.bulk_create(shifts)


def on_duty(day: datetime.date):
    return DutyShift.objects.filter(date=day).select_related("person").order_by("kind")


def duty_shifts(day: datetime.date) -> list[DutyShift]:
    """on_duty(day) as a list, read once per request: the page header shows it too."""
    from office.request_cache import once_per_request

    return once_per_request(("conduct.duty_shifts", day), lambda: list(on_duty(day)))


@transaction.atomic
def swap_request(*, shift: DutyShift, actor, substitute: Person, reason: str) -> Swap:
    if shift.person.user_id != actor.pk and not has_role(actor, Role.DUTY, Role.DIRECTOR, Role.STAFF):
        raise TransitionRefused("只有本人或值班室可以申请换班")
    if substitute.pk == shift.person_id:
        raise TransitionRefused("替班人不能是本人")
    if away_on(shift.date).filter(pk=substitute.pk).exists():
        raise TransitionRefused(f"{substitute.name}当天请假，不能替班")
    if not reason.strip():
        raise TransitionRefused("请填写换班原因")
    return Swap.objects.create(shift=shift, substitute=substitute, reason=reason.strip(), requested_by=actor)


@transaction.atomic
def swap_decide(*, swap: Swap, actor, approve: bool) -> Swap:
    swap = Swap.objects.select_for_update().select_related("shift").get(pk=swap.pk)
    if not is_director(actor):
        raise TransitionRefused("换班须由办公室主任审批")
    if swap.state != Swap.State.REQUESTED:
        raise TransitionRefused("该申请已审批")
    if approve and away_on(swap.shift.date).filter(pk=swap.substitute_id).exists():
        raise TransitionRefused("替班人当天请假，不能批准")
    swap.state, swap.decided_by = (Swap.State.APPROVED if approve else Swap.State.REFUSED), actor
    swap.save()
    if approve:
        DutyShift.objects.filter(pk=swap.shift_id).update(person=swap.substitute)
    return swap


@transaction.atomic
def duty_log(*, shift: DutyShift, actor, text: str, hand_over: bool = False) -> DutyShift:
    shift = DutyShift.objects.select_for_update().select_related("person").get(pk=shift.pk)
    if shift.person.user_id != actor.pk and not has_role(actor, Role.DUTY, Role.DIRECTOR):
        raise TransitionRefused("只有当班人员可以填写值班记录")
    if shift.handed_over_at:
        raise TransitionRefused("已交班，记录不能再修改")
    shift.log = text.strip()
    if hand_over:
        shift.handed_over_at = timezone.now()
    shift.save()
    return shift


# --- end of day ---------------------------------------------------------------------------------------------------


def end_of_day_send(day: datetime.date) -> int:
    """"我今天的任务完成了吗？": each person with items due today gets one short list, once a day."""
    from office.notifications import notify
    from office.today import items_for

    if not calendar.is_working_day(day):
        return 0
    sent = 0
    for user in get_user_model().objects.filter(is_active=True, person__isnull=False).select_related("person"):
        due = [item for item in items_for(user, day) if item.due_by(day)]
        if not due:
            continue
        lines = "\n".join(f"· [{item.duty}] {item.title}" for item in due[:15])
        more = f"\n……另有{len(due) - 15}项" if len(due) > 15 else ""
        result = notify([user], f"conduct:end-of-day:{day:%Y-%m-%d}", f"我今天的任务完成了吗？（{len(due)}项今日到期）",
                        f"今日事今日毕，以下事项今天到期：\n{lines}{more}", link="/conduct/today/")
        sent += len(result.created)
    return sent


def leave_commitments(person_ids, start, end):
    """The schedule provider for leave: someone on approved leave is not available."""
    from office.schedule import Commitment

    first, last = timezone.localtime(start).date(), timezone.localtime(end).date()
    leaves = Leave.objects.filter(person_id__in=person_ids, state=Leave.State.APPROVED, start__lte=last, end__gte=first)
    zone = timezone.get_current_timezone()
    return [
        Commitment(leave.person_id, datetime.datetime.combine(leave.start, datetime.time.min, zone),
                   datetime.datetime.combine(leave.end, datetime.time.max, zone), f"请假（{leave.get_leave_type_display()}）",
                   "/conduct/leave/", f"leave:{leave.pk}")
        for leave in leaves
    ]


def today_items(user, day: datetime.date):
    """作风 waiting on this person: proposals to confirm (director), leave to approve,
    today's duty shift."""
    from office.today import TodayItem

    found = []
    if is_director(user):
        count = Proposal.objects.filter(state=Proposal.State.OPEN).count()
        if count:
            found.append(TodayItem("作风", f"差错线索待确认 {count} 条", "/conduct/proposals/"))
    for leave in Leave.objects.filter(approver=user, state=Leave.State.REQUESTED).select_related("person"):
        found.append(TodayItem("作风", f"审批请假 {leave.person.name}（{leave.start}起）", "/conduct/leave/", leave.start))
    for shift in (shift for shift in duty_shifts(day) if shift.person.user_id == user.pk):
        found.append(TodayItem("作风", f"今日值班（{shift.get_kind_display()}），下班前填写值班记录", "/conduct/duty/", day))
    return found


def related_entries(obj):
    """The office.related provider: error-log entries about a record."""
    from office.related import RelatedRecord

    if obj is None or getattr(obj, "pk", None) is None:
        return []
    # Read already if the page's lessons box was given the record (lessons above).
    entries = once_per_request(_related_key(obj), lambda: list(entries_concerning(obj).order_by("-date", "-id")))
    return [
        RelatedRecord("差错登记", f"{entry.date:%Y-%m-%d} {entry.get_sub_kind_display()}（{entry.get_state_display()}）", entry.get_absolute_url())
        for entry in entries
    ]


def duty_header(day):
    """The office.related header provider: today's duty officer."""
    shifts = duty_shifts(day)  # one query whether or not anyone is on duty
    return [f"今日值班：{'、'.join(shift.person.name for shift in shifts)}"] if shifts else []


def away_note(day):
    """The office.related workbench provider: who is on leave today."""
    names = [person.name for person in away_on(day).order_by("protocol_rank")]
    return [("今日请假", "、".join(names) if names else "无", "/conduct/leave/")]
