"""办会 state changes and rules. Views call these; nothing else changes a meeting."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from logistics.services import BookingRefused, room_book, room_release
from meetings.models import (
    AgendaItem,
    ChecklistTask,
    ChecklistTemplateTask,
    Kind,
    KindRule,
    Material,
    Meeting,
    Participant,
    Phase,
    QuorumRule,
    Reply,
    ReviewOpinion,
    Role,
    State,
    Vote,
    threshold,
)
from office import calendar
from office.jobs import enqueue
from office.models import Body, Membership, Person
from office.numbering import number_take
from office.roles import Role as OfficeRole
from office.roles import has_role
from office.schedule import Clash, ClashWarning, leader_clashes  # noqa: F401  (ClashWarning: part of this API)
from office.text import chinese_date
from office.workflow import Transition, TransitionRefused, Workflow

# --- rules per kind --------------------------------------------------------------

# The legal defaults (Local Organic Law, committee rules of procedure); the
# director may change them in the admin (会议规则).
DEFAULT_RULES = {
    Kind.CONGRESS: {"body": Body.CONGRESS, "quorum": QuorumRule.TWO_THIRDS, "pass_rule": QuorumRule.MORE_THAN_HALF, "notice_days": 30},
    Kind.STANDING: {"body": Body.STANDING_COMMITTEE, "quorum": QuorumRule.MORE_THAN_HALF, "pass_rule": QuorumRule.MORE_THAN_HALF, "notice_days": 7},
    Kind.COUNCIL: {"body": Body.COUNCIL, "quorum": QuorumRule.MORE_THAN_HALF, "pass_rule": QuorumRule.MORE_THAN_HALF, "notice_days": 1},
    Kind.COUNCIL_OFFICE: {"body": Body.COUNCIL, "quorum": QuorumRule.MORE_THAN_HALF, "pass_rule": QuorumRule.MORE_THAN_HALF, "notice_days": 1},
}

S, D, L, C = OfficeRole.STAFF, OfficeRole.DIRECTOR, OfficeRole.DRIVER, OfficeRole.CANTEEN
# (phase, title, owner role, working days from the meeting day)
DEFAULT_CHECKLIST = {
    Kind.STANDING: [
        (Phase.BEFORE, "拟定会议方案报主任审批", S, -10),
        (Phase.BEFORE, "发出会议通知（会前七日）", S, -5),
        (Phase.BEFORE, "督促回复参会情况，统计请假", S, -3),
        (Phase.BEFORE, "收集、审核、印制会议材料", S, -3),
        (Phase.BEFORE, "审核主持词和会议议程", D, -2),
        (Phase.BEFORE, "安排会议用车", L, -1),
        (Phase.BEFORE, "安排会议用餐", C, -1),
        (Phase.BEFORE, "布置会场、调试表决器和音响", S, -1),
        (Phase.BEFORE, "制作桌签、座次图和签到表", S, -1),
        (Phase.DURING, "签到并统计出席人数", S, 0),
        (Phase.DURING, "会议记录和表决结果登记", S, 0),
        (Phase.AFTER, "整理会议纪要", S, 2),
        (Phase.AFTER, "审议意见交办", D, 5),
        (Phase.AFTER, "会议材料立卷归档", S, 10),
    ],
    Kind.CONGRESS: [
        (Phase.BEFORE, "拟定大会筹备方案报主任会议审定", D, -25),
        (Phase.BEFORE, "发出会议通知（会前一个月）", S, -22),
        (Phase.BEFORE, "代表报到和住宿安排", S, -3),
        (Phase.BEFORE, "印制大会文件和代表证", S, -3),
        (Phase.BEFORE, "安排代表接送车辆", L, -1),
        (Phase.BEFORE, "安排会议用餐", C, -1),
        (Phase.BEFORE, "布置会场、主席台座次", S, -1),
        (Phase.DURING, "代表签到、统计出席人数", S, 0),
        (Phase.AFTER, "整理大会决议和纪要", S, 3),
        (Phase.AFTER, "代表建议交办", D, 10),
        (Phase.AFTER, "大会文件立卷归档", S, 15),
    ],
    Kind.COUNCIL: [
        (Phase.BEFORE, "拟定议题报主任审定", D, -3),
        (Phase.BEFORE, "发出会议通知", S, -1),
        (Phase.BEFORE, "准备会议材料", S, -1),
        (Phase.DURING, "会议记录", S, 0),
        (Phase.AFTER, "整理会议纪要", S, 2),
        (Phase.AFTER, "交办事项登记督办", S, 3),
    ],
    Kind.COUNCIL_OFFICE: [
        (Phase.BEFORE, "准备会议材料", S, -1),
        (Phase.DURING, "会议记录", S, 0),
        (Phase.AFTER, "整理会议纪要", S, 2),
    ],
}


def defaults_ensure() -> None:
    """Create the per-kind rules and checklist templates the first time (after migrate)."""
    for kind, values in DEFAULT_RULES.items():
        KindRule.objects.get_or_create(kind=kind, defaults=values)
    for kind, tasks in DEFAULT_CHECKLIST.items():
        if not ChecklistTemplateTask.objects.filter(kind=kind).exists():
            ChecklistTemplateTask.objects.bulk_create(
                ChecklistTemplateTask(kind=kind, phase=phase, order=index, title=title, owner_role=role, offset_days=offset)
                for index, (phase, title, role, offset) in enumerate(tasks, start=1)
            )


def kind_rule(kind: str) -> KindRule:
    return rule_or_default(kind, KindRule.objects.filter(kind=kind).first())


def rule_or_default(kind: str, rule: KindRule | None) -> KindRule:
    """The kind's rule as kept (会议规则), or the statutory default if none is."""
    return rule or KindRule(kind=kind, **DEFAULT_RULES[kind])


def rule_of(meeting: Meeting) -> KindRule:
    """The meeting's kind rule: the one its page read once (selectors.meeting_get), else read now."""
    rule = meeting.__dict__.get("_kind_rule")
    return rule if rule is not None and rule.kind == meeting.kind else kind_rule(meeting.kind)


# --- who may do what ---------------------------------------------------------------


def is_organiser(user, meeting=None) -> bool:
    """Office staff and the director organise meetings."""
    return has_role(user, OfficeRole.DIRECTOR, OfficeRole.STAFF)


def is_director(user, meeting=None) -> bool:
    return has_role(user, OfficeRole.DIRECTOR)


def plan_approved(user, meeting) -> bool:
    return is_organiser(user) and meeting.plan_approved_at is not None


WORKFLOW = Workflow(
    "meetings",
    "state",
    [
        Transition("approve_plan", "审批会议方案", (State.PLANNING,), None, allowed=lambda u, m: is_director(u) and m.plan_approved_at is None, style="primary"),
        Transition("send_notice", "发出会议通知", (State.PLANNING,), State.NOTICED, allowed=plan_approved, style="primary"),
        Transition("open", "宣布开会", (State.NOTICED,), State.IN_SESSION, allowed=is_organiser, style="primary"),
        Transition("close", "宣布闭会", (State.IN_SESSION,), State.ENDED, allowed=is_organiser),
        Transition("archive", "归档", (State.ENDED,), State.ARCHIVED, allowed=is_director),
    ],
    dict(State.choices),
)

EDITABLE_STATES = (State.PLANNING, State.NOTICED)


def _check_editable(meeting, actor) -> None:
    if not is_organiser(actor):
        raise TransitionRefused("只有办公室工作人员可以筹备会议")
    if meeting.state not in EDITABLE_STATES:
        raise TransitionRefused(f"会议当前为“{meeting.get_state_display()}”，不能再修改")


# --- leaders' time ("防止撞车") ------------------------------------------------------


def meeting_clashes(meeting: Meeting, person_ids=None, start=None, end=None) -> list[Clash]:
    """Leaders among the convener and participants who are committed elsewhere then."""
    if person_ids is None:
        person_ids = set(meeting.participants.exclude(reply=Reply.LEAVE).values_list("person_id", flat=True))
        person_ids.add(meeting.convener_id)
    return leader_clashes(person_ids, start or meeting.start, end or meeting.end,
                          exclude_key=meeting.schedule_key if meeting.pk else "")


def meetings_commitments(person_ids, start, end):
    """The schedule provider for meetings: convener or invited (not on leave)."""
    from office.schedule import Commitment

    overlapping = Meeting.objects.filter(start__lt=end, end__gt=start).exclude(state=State.ARCHIVED).select_related("term")
    result = []
    for meeting in overlapping.filter(convener_id__in=person_ids):
        result.append(Commitment(meeting.convener_id, meeting.start, meeting.end, meeting.name, meeting.get_absolute_url(), meeting.schedule_key))
    invited = (
        Participant.objects.filter(meeting__in=overlapping, person_id__in=person_ids)
        .exclude(reply=Reply.LEAVE)
        .select_related("meeting__term")
    )
    for participant in invited:
        meeting = participant.meeting
        if meeting.convener_id != participant.person_id:
            result.append(Commitment(participant.person_id, meeting.start, meeting.end, meeting.name, meeting.get_absolute_url(), meeting.schedule_key))
    return result


# --- meetings ------------------------------------------------------------------------


def _book_room(meeting: Meeting, actor) -> None:
    if meeting.room_id:
        room_book(room=meeting.room, start=meeting.start, end=meeting.end, purpose=meeting.name, booked_by=actor, owner=meeting)
    else:
        room_release(meeting)


def _check_times(start, end) -> None:
    if end <= start:
        raise TransitionRefused("结束时间须晚于开始时间")


@transaction.atomic
def meeting_create(*, actor, kind, term, start, end, convener, room=None, venue="", subject="", confirm_clashes=False) -> Meeting:
    """Create the meeting with its number in the term, book its room and make its checklist."""
    if not is_organiser(actor):
        raise TransitionRefused("只有办公室工作人员可以筹备会议")
    _check_times(start, end)
    if room is None and not venue.strip():
        raise TransitionRefused("请选择会议室或填写会议地点")
    meeting = Meeting(kind=kind, term=term, start=start, end=end, room=room, venue=venue, convener=convener, subject=subject, created_by=actor)
    if not confirm_clashes:
        clashes = meeting_clashes(meeting, person_ids={convener.pk})
        if clashes:
            raise ClashWarning(clashes)
    meeting.sequence = number_take(series=f"meeting-{kind}", year=term.number)
    meeting.save()
    try:
        _book_room(meeting, actor)
    except BookingRefused as error:
        raise TransitionRefused(str(error)) from None
    checklist_generate(meeting)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, actor, confirm_clashes=False, **changes) -> Meeting:
    """Change times, place, convener or subject before the meeting; the room and the
    checklist's open tasks move with it."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_editable(meeting, actor)
    allowed = {"start", "end", "room", "venue", "convener", "subject"}
    for name, value in changes.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(meeting, name, value)
    _check_times(meeting.start, meeting.end)
    if meeting.room_id is None and not meeting.venue.strip():
        raise TransitionRefused("请选择会议室或填写会议地点")
    if not confirm_clashes:
        clashes = meeting_clashes(meeting)
        if clashes:
            raise ClashWarning(clashes)
    meeting.save()
    try:
        _book_room(meeting, actor)
    except BookingRefused as error:
        raise TransitionRefused(str(error)) from None
    checklist_reschedule(meeting)
    return meeting


@transaction.atomic
def meeting_transition(*, meeting: Meeting, action: str, actor, comment: str = "") -> Meeting:
    from meetings.tasks import notice_send

    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    changes = {}
    on_commit = None
    if action == "approve_plan":
        if meeting.plan_approved_at is not None:
            raise TransitionRefused("会议方案已审批")
        changes = {"plan_approved_by": actor, "plan_approved_at": timezone.now()}
    elif action == "send_notice":
        if meeting.plan_approved_at is None:
            raise TransitionRefused("会议方案尚未审批，不能发出通知")
        if not meeting.participants.exists():
            raise TransitionRefused("还没有邀请参会人员，不能发出通知")
        if not meeting.agenda.exists():
            raise TransitionRefused("还没有议程，不能发出通知")
        changes = {"notice_sent_at": timezone.now()}
        on_commit = lambda: enqueue(notice_send, meeting.pk)  # noqa: E731
    elif action == "open":
        WORKFLOW.check(meeting, action, actor, comment)
        quorum = quorum_status(meeting)
        if not quorum.met:
            raise TransitionRefused(
                f"未达法定人数：应到{quorum.members}人，须{quorum.required}人出席，现签到{quorum.present}人，不能宣布开会"
            )
    WORKFLOW.perform(meeting, action, actor, comment=comment, on_commit=on_commit, **changes)
    return meeting


def notice_deadline(meeting: Meeting) -> datetime.date:
    """The last day the notice may go out (7 days before a 常委会会议 by default)."""
    rule = rule_of(meeting)
    day = timezone.localtime(meeting.start).date()
    if rule.notice_working_days:
        return calendar.shift_working_days(day, -rule.notice_days)
    return day - datetime.timedelta(days=rule.notice_days)


def notice_late(meeting: Meeting) -> bool:
    if meeting.notice_sent_at:
        return timezone.localtime(meeting.notice_sent_at).date() > notice_deadline(meeting)
    return timezone.localdate() > notice_deadline(meeting)


# --- agenda ----------------------------------------------------------------------------


@transaction.atomic
def agenda_add(*, meeting: Meeting, actor, title: str, sponsor=None, sponsor_text="", reporter="", to_vote=False) -> AgendaItem:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_editable(meeting, actor)
    if not title.strip():
        raise TransitionRefused("请填写议题")
    last = meeting.agenda.aggregate(m=Max("order"))["m"] or 0
    return AgendaItem.objects.create(
        meeting=meeting, order=last + 1, title=title.strip(), sponsor=sponsor, sponsor_text=sponsor_text,
        reporter=reporter, to_vote=to_vote,
    )


@transaction.atomic
def agenda_update(*, item: AgendaItem, actor, **changes) -> AgendaItem:
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    _check_editable(item.meeting, actor)
    for name, value in changes.items():
        if name not in {"title", "sponsor", "sponsor_text", "reporter", "to_vote"}:
            raise ValueError(name)
        setattr(item, name, value)
    if not item.title.strip():
        raise TransitionRefused("请填写议题")
    item.save()
    return item


@transaction.atomic
def agenda_reorder(*, meeting: Meeting, actor, ordered_ids: list[int]) -> None:
    """Set the agenda's order to ordered_ids (every item exactly once)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_editable(meeting, actor)
    items = {item.pk: item for item in meeting.agenda.all()}
    if sorted(ordered_ids) != sorted(items):
        raise TransitionRefused("议程已被他人修改，请刷新后重新排序")
    for position, pk in enumerate(ordered_ids, start=1):
        items[pk].order = position
    AgendaItem.objects.bulk_update(items.values(), ["order"])


def agenda_move(*, item: AgendaItem, actor, offset: int) -> None:
    """Move an item up (-1) or down (+1)."""
    ids = list(item.meeting.agenda.order_by("order", "id").values_list("pk", flat=True))
    index = ids.index(item.pk)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    agenda_reorder(meeting=item.meeting, actor=actor, ordered_ids=ids)


@transaction.atomic
def agenda_remove(*, item: AgendaItem, actor) -> None:
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    _check_editable(item.meeting, actor)
    if hasattr(item, "vote"):
        raise TransitionRefused("该议题已有表决结果，不能删除")
    meeting = item.meeting
    item.delete()
    agenda_reorder(meeting=meeting, actor=actor, ordered_ids=list(meeting.agenda.order_by("order", "id").values_list("pk", flat=True)))


def material_add(*, item: AgendaItem, actor, title: str, file) -> Material:
    if not is_organiser(actor):
        raise TransitionRefused("只有办公室工作人员可以上传会议材料")
    item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
    if item.meeting.state == State.ARCHIVED:
        raise TransitionRefused("会议已归档，不能再上传材料")
    return Material.objects.create(agenda_item=item, title=title.strip() or file.name, file=file, uploaded_by=actor)


# --- participants -----------------------------------------------------------------------


def body_members(meeting: Meeting):
    """The voting members of the meeting's body on its date (vacancies excluded)."""
    rule = rule_of(meeting)
    day = timezone.localtime(meeting.start).date()
    person_ids = Membership.objects.on(day).filter(term=meeting.term, body=rule.body).values("person_id")
    return Person.objects.filter(pk__in=person_ids)


@transaction.atomic
def participants_invite(*, meeting: Meeting, actor, people, role=Role.ATTEND, confirm_clashes=False) -> list[Participant]:
    """Invite people (already invited ones are left as they are). Leaders busy
    elsewhere then raise ClashWarning unless the caller confirms."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_editable(meeting, actor)
    existing = set(meeting.participants.values_list("person_id", flat=True))
    new = [Participant(meeting=meeting, person=person, role=role) for person in people if person.pk not in existing]
    if not confirm_clashes:
        clashes = meeting_clashes(meeting, person_ids={p.person_id for p in new})
        if clashes:
            raise ClashWarning(clashes)
    Participant.objects.bulk_create(new)
    return new


def invite_body(*, meeting: Meeting, actor, confirm_clashes=False) -> list[Participant]:
    """Invite every voting member of the body (出席)."""
    return participants_invite(meeting=meeting, actor=actor, people=list(body_members(meeting)), role=Role.ATTEND,
                               confirm_clashes=confirm_clashes)


@transaction.atomic
def participant_remove(*, participant: Participant, actor) -> None:
    participant = Participant.objects.select_related("meeting").get(pk=participant.pk)
    _check_editable(participant.meeting, actor)
    if participant.signed_in_at:
        raise TransitionRefused("已签到的人员不能移除")
    participant.delete()


@transaction.atomic
def reply_record(*, participant: Participant, reply: str, reason: str = "", actor=None) -> Participant:
    """参会 or 请假 (with a reason), entered by staff (actor) or by the invitee's link (no actor)."""
    participant = Participant.objects.select_for_update().select_related("meeting").get(pk=participant.pk)
    if actor is not None and not is_organiser(actor):
        raise TransitionRefused("只有办公室工作人员可以代为登记回复")
    if participant.meeting.state not in (State.PLANNING, State.NOTICED, State.IN_SESSION):
        raise TransitionRefused("会议已结束，不能再回复")
    if reply not in (Reply.ATTEND, Reply.LEAVE):
        raise TransitionRefused("请选择参会或请假")
    reason = (reason or "").strip()
    if reply == Reply.LEAVE and not reason:
        raise TransitionRefused("请假须填写事由")
    if participant.signed_in_at and reply == Reply.LEAVE:
        raise TransitionRefused("已签到，不能再请假")
    participant.reply = reply
    participant.leave_reason = reason if reply == Reply.LEAVE else ""
    participant.replied_at = timezone.now()
    participant.replied_via_link = actor is None
    participant.save()
    return participant


@transaction.atomic
def sign_in(*, participant: Participant, actor) -> Participant:
    """签到 at the door: one click; signing twice keeps the first time."""
    if not is_organiser(actor):
        raise TransitionRefused("只有会务工作人员可以登记签到")
    participant = Participant.objects.select_for_update().select_related("meeting").get(pk=participant.pk)
    if participant.meeting.state not in (State.NOTICED, State.IN_SESSION):
        raise TransitionRefused(f"会议当前为“{participant.meeting.get_state_display()}”，不能签到")
    if participant.signed_in_at is None:
        participant.signed_in_at = timezone.now()
        participant.signed_in_by = actor
        if participant.reply != Reply.ATTEND:
            participant.reply, participant.leave_reason = Reply.ATTEND, ""
        participant.save()
    return participant


@transaction.atomic
def sign_in_undo(*, participant: Participant, actor) -> Participant:
    if not is_organiser(actor):
        raise TransitionRefused("只有会务工作人员可以更正签到")
    participant = Participant.objects.select_for_update().select_related("meeting").get(pk=participant.pk)
    if participant.meeting.state not in (State.NOTICED, State.IN_SESSION):
        raise TransitionRefused("会议已结束，签到记录不能再更改")
    participant.signed_in_at = None
    participant.signed_in_by = None
    participant.save()
    return participant


# --- quorum and votes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    members: int  # all members of the body on the meeting's date
    required: int
    present: int  # members signed in as 出席
    rule_label: str

    @property
    def met(self) -> bool:
        return self.present >= self.required


def quorum_status(meeting: Meeting) -> Quorum:
    """Whether enough members of the body are present now (one query)."""
    rule = rule_of(meeting)
    signed_in = meeting.participants.filter(person=OuterRef("pk"), role=Role.ATTEND, signed_in_at__isnull=False)
    counts = body_members(meeting).aggregate(total=Count("id"), present=Count("id", filter=Q(Exists(signed_in))))
    total = counts["total"]
    return Quorum(total, threshold(rule.quorum, total), counts["present"], rule.get_quorum_display())


@transaction.atomic
def vote_record(*, item: AgendaItem, actor, yes: int, no: int, abstain: int, not_voting: int) -> Vote:
    """Record a vote; the result is computed against all members of the body, and the
    count used is kept with it."""
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    meeting = item.meeting
    if not is_organiser(actor):
        raise TransitionRefused("只有会务工作人员可以登记表决结果")
    if not item.to_vote:
        raise TransitionRefused("该议题不是表决事项")
    if meeting.state not in (State.IN_SESSION, State.ENDED):
        raise TransitionRefused(f"会议当前为“{meeting.get_state_display()}”，不能登记表决")
    counts = [yes, no, abstain, not_voting]
    if any(value is None or value < 0 for value in counts):
        raise TransitionRefused("票数须为不小于0的整数")
    quorum = quorum_status(meeting)
    if sum(counts) > quorum.members:
        raise TransitionRefused(f"票数合计{sum(counts)}超过全体组成人员数{quorum.members}")
    if yes + no + abstain + not_voting > quorum.present and quorum.present:
        raise TransitionRefused(f"票数合计{sum(counts)}超过出席人数{quorum.present}")
    rule = rule_of(meeting)
    required = threshold(rule.pass_rule, quorum.members)
    values = dict(yes=yes, no=no, abstain=abstain, not_voting=not_voting, members_total=quorum.members,
                  required=required, passed=yes >= required, recorded_by=actor)
    vote, _ = Vote.objects.update_or_create(agenda_item=item, defaults=values)
    return vote


# --- seats ------------------------------------------------------------------------------------


def rostrum_order(count: int) -> list[int]:
    """Seat index (0 = the seated person's far left) for each rank, as the office seats a
    rostrum: odd — first in the centre, second on their left, third on their right …;
    even — first and second either side of the centre line (first on the left)."""
    if count <= 0:
        return []
    positions = []
    if count % 2:
        centre = count // 2
        positions.append(centre)
        for step in range(1, count // 2 + 1):
            positions.extend([centre - step, centre + step])
    else:
        left, right = count // 2 - 1, count // 2
        for step in range(count // 2):
            positions.extend([left - step, right + step])
    return positions[:count]


def rostrum_seats(people: list) -> list:
    """People in rank order → the row as seen by the seated people, left to right."""
    row = [None] * len(people)
    for person, position in zip(people, rostrum_order(len(people))):
        row[position] = person
    return row


# --- checklist --------------------------------------------------------------------------------


def _due(meeting: Meeting, offset: int) -> datetime.date:
    return calendar.shift_working_days(timezone.localtime(meeting.start).date(), offset)


def checklist_generate(meeting: Meeting) -> list[ChecklistTask]:
    templates = ChecklistTemplateTask.objects.filter(kind=meeting.kind)
    tasks = [
        ChecklistTask(meeting=meeting, phase=t.phase, order=t.order, title=t.title, owner_role=t.owner_role,
                      due_date=_due(meeting, t.offset_days))
        for t in templates
    ]
    return ChecklistTask.objects.bulk_create(tasks)


def checklist_reschedule(meeting: Meeting) -> None:
    """After the meeting moved: open tasks take the template's offset from the new date."""
    offsets = {(t.title, t.phase): t.offset_days for t in ChecklistTemplateTask.objects.filter(kind=meeting.kind)}
    changed = []
    for task in meeting.checklist.filter(done_at__isnull=True):
        offset = offsets.get((task.title, task.phase))
        if offset is not None:
            task.due_date = _due(meeting, offset)
            changed.append(task)
    ChecklistTask.objects.bulk_update(changed, ["due_date"])


def can_tick(user, task: ChecklistTask) -> bool:
    return is_organiser(user) or task.owner_id == user.pk or has_role(user, task.owner_role)


@transaction.atomic
def task_done(*, task: ChecklistTask, actor) -> ChecklistTask:
    task = ChecklistTask.objects.select_for_update().select_related("meeting").get(pk=task.pk)
    if not can_tick(actor, task):
        raise TransitionRefused("这项工作不由您负责")
    if task.meeting.state == State.ARCHIVED:
        raise TransitionRefused("会议已归档")
    if task.done_at is None:
        task.done_at, task.done_by = timezone.now(), actor
        task.save()
    return task


@transaction.atomic
def task_undo(*, task: ChecklistTask, actor) -> ChecklistTask:
    task = ChecklistTask.objects.select_for_update().select_related("meeting").get(pk=task.pk)
    if not can_tick(actor, task):
        raise TransitionRefused("这项工作不由您负责")
    if task.meeting.state == State.ARCHIVED:
        raise TransitionRefused("会议已归档")
    task.done_at = task.done_by = None
    task.save()
    return task


# --- review opinions → supervision ------------------------------------------------------------


@transaction.atomic
def opinion_add(*, item: AgendaItem, actor, text: str, lead_unit, co_units=()) -> ReviewOpinion:
    if not is_organiser(actor):
        raise TransitionRefused("只有办公室工作人员可以登记审议意见")
    item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
    if item.meeting.state not in (State.IN_SESSION, State.ENDED):
        raise TransitionRefused("会议开始后才能登记审议意见")
    if not (text or "").strip():
        raise TransitionRefused("请填写审议意见")
    opinion = ReviewOpinion.objects.create(agenda_item=item, text=text.strip(), lead_unit=lead_unit, created_by=actor)
    opinion.co_units.set([unit for unit in co_units if unit.pk != lead_unit.pk])
    return opinion


@transaction.atomic
def opinion_assign(*, opinion: ReviewOpinion, actor, leader, urgency="normal"):
    """交办: the opinion becomes a supervision item under the 3715 rule, linked both ways."""
    from supervision import services as supervision

    opinion = ReviewOpinion.objects.select_for_update().select_related("agenda_item__meeting__term").get(pk=opinion.pk)
    if opinion.supervision_item_id:
        raise TransitionRefused("该审议意见已交办")
    meeting = opinion.agenda_item.meeting
    item = supervision.item_register(
        actor=actor,
        title=f"{opinion.agenda_item.title}的审议意见"[:200],
        requirements=opinion.text,
        source="meeting",
        source_detail=f"{meeting.name}审议意见"[:200],
        urgency=urgency,
        lead_unit=opinion.lead_unit,
        co_units=list(opinion.co_units.all()),
        supervisor=actor,
        leader=leader,
        source_object=opinion,
    )
    item = supervision.item_assign(item=item, actor=actor)
    opinion.supervision_item_id = item.pk
    opinion.save(update_fields=["supervision_item_id"])
    return item


# --- documents --------------------------------------------------------------------------------


def document_request(*, meeting: Meeting, doc_kind: str, actor):
    """Ask a worker to (re)produce one of the meeting's PDFs."""
    from meetings.models import MeetingDocument
    from meetings.tasks import document_generate

    if not is_organiser(actor):
        raise TransitionRefused("只有办公室工作人员可以生成会议文书")
    try:
        with transaction.atomic():
            document, _ = MeetingDocument.objects.update_or_create(
                meeting=meeting, doc_kind=doc_kind,
                defaults={"status": MeetingDocument.Status.PENDING, "requested_by": actor, "error": ""},
            )
    except IntegrityError:
        document = MeetingDocument.objects.get(meeting=meeting, doc_kind=doc_kind)
    enqueue(document_generate, document.pk)
    return document


def attendance_rate(meeting: Meeting, counts: dict | None = None) -> float | None:
    """到会率: members invited to attend who signed in (from selectors.participant_counts
    when the page has them already)."""
    if counts is not None:
        total, signed = counts["by_role"].get(Role.ATTEND, 0), counts["signed"].get(Role.ATTEND, 0)
        return round(100 * signed / total, 1) if total else None
    invited = meeting.participants.filter(role=Role.ATTEND)
    total = invited.count()
    return round(100 * invited.filter(signed_in_at__isnull=False).count() / total, 1) if total else None


def deadline_text(meeting: Meeting) -> str:
    return chinese_date(notice_deadline(meeting))
