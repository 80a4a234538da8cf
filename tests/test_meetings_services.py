"""办会 business logic through meetings.services and meetings.selectors, on the real
database and the real working-day calendar: numbering and names, rooms, leaders'
clashes, the workflow, agenda, participants, checklists, review opinions → 督办."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone as django_timezone

from logistics.models import Room, RoomBooking
from meetings import selectors, services
from meetings.models import (
    AgendaItem,
    ChecklistTask,
    Kind,
    Meeting,
    MeetingDocument,
    Participant,
    Reply,
    ReviewOpinion,
    Role,
    State,
    Vote,
)
from office import calendar
from office.models import Body
from office.roles import Role as OfficeRole
from office.schedule import commitments
from office.workflow import TransitionRefused, workflow_log_for
from supervision.models import State as ItemState
from supervision.models import SupervisionItem
from tests.factories import MembershipFactory, PersonFactory, TermFactory, UserFactory

TZ = ZoneInfo("Asia/Shanghai")
D = datetime.date
DAY = D(2026, 12, 10)  # a Thursday, no holiday near

pytestmark = pytest.mark.django_db


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture
def freeze_today(monkeypatch):
    """Fix django.utils.timezone.localdate() (the services' "today")."""
    original = django_timezone.localdate

    def freeze(day):
        def localdate(value=None, timezone=None):
            return day if value is None else original(value, timezone)

        monkeypatch.setattr(django_timezone, "localdate", localdate)
        return day

    return freeze


@pytest.fixture
def term(db):
    return TermFactory()


@pytest.fixture
def chair(db):
    """A convener who is not a leader (no 领导 login, not on the 主任会议)."""
    return PersonFactory(name="王召集", protocol_rank=50)


@pytest.fixture
def room(db):
    return Room.objects.create(name="常委会会议室", capacity=80, rostrum_seats=7)


def create(office, term, convener, *, kind=Kind.STANDING, start=None, end=None, room=None, venue=None, actor=None, **extra):
    start = start or at(DAY, 9)
    end = end or start + datetime.timedelta(hours=3)
    if venue is None:
        venue = "" if room is not None else "区人大机关会议中心"
    return services.meeting_create(
        actor=actor or office.staff, kind=kind, term=term, start=start, end=end, convener=convener, room=room,
        venue=venue, **extra,
    )


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def snapshot(meeting) -> dict:
    meeting = fresh(meeting)
    return {field.attname: getattr(meeting, field.attname) for field in Meeting._meta.concrete_fields}


def bookings_of(meeting):
    return RoomBooking.objects.filter(owner_type=ContentType.objects.get_for_model(Meeting), owner_id=meeting.pk)


def approve_invite_agenda(office, meeting, people=None, to_vote=False):
    """Plan approved, people invited (by default one member of the body), one agenda item."""
    people = people or [MembershipFactory(term=meeting.term, person__name="赵委员").person]
    services.meeting_transition(meeting=meeting, action="approve_plan", actor=office.director)
    services.participants_invite(meeting=meeting, actor=office.staff, people=people)
    services.agenda_add(meeting=meeting, actor=office.staff, title="审议区人民政府关于优化营商环境工作情况的报告", to_vote=to_vote)


def sign_in_all(office, meeting):
    """Everyone invited signs in, and enough further members of the body for a quorum."""
    services.invite_body(meeting=meeting, actor=office.staff, confirm_clashes=True)
    for participant in meeting.participants.all():
        services.sign_in(participant=participant, actor=office.staff)


def advance(office, meeting, to: str, people=None, to_vote=False) -> Meeting:
    """Walk the real workflow up to state `to`; everyone invited signs in before 宣布开会."""
    if to == State.PLANNING:
        return meeting
    approve_invite_agenda(office, meeting, people, to_vote)
    steps = [(State.NOTICED, "send_notice", office.staff), (State.IN_SESSION, "open", office.staff),
             (State.ENDED, "close", office.staff), (State.ARCHIVED, "archive", office.director)]
    for state, action, actor in steps:
        if action == "open":
            sign_in_all(office, meeting)
        meeting = services.meeting_transition(meeting=meeting, action=action, actor=actor)
        if state == to:
            break
    assert fresh(meeting).state == to
    return fresh(meeting)


# --- numbering and names --------------------------------------------------------


def test_meetings_are_numbered_within_their_term_and_kind(office, term, chair):
    term17 = TermFactory(number=17, start_date=D(2027, 1, 6))
    made = [
        create(office, term, chair, kind=Kind.STANDING, start=at(DAY, 9)),
        create(office, term, chair, kind=Kind.COUNCIL, start=at(DAY, 14)),
        create(office, term, chair, kind=Kind.STANDING, start=at(DAY + datetime.timedelta(days=1), 9)),
        create(office, term17, chair, kind=Kind.STANDING, start=at(D(2027, 2, 4), 9)),
        create(office, term, chair, kind=Kind.COUNCIL, start=at(DAY + datetime.timedelta(days=1), 14)),
        create(office, term, chair, kind=Kind.STANDING, start=at(DAY + datetime.timedelta(days=2), 9)),
        create(office, term, chair, kind=Kind.COUNCIL_OFFICE, start=at(DAY + datetime.timedelta(days=2), 14)),
    ]
    assert [(m.kind, m.term.number, m.sequence) for m in made] == [
        (Kind.STANDING, 16, 1), (Kind.COUNCIL, 16, 1), (Kind.STANDING, 16, 2), (Kind.STANDING, 17, 1),
        (Kind.COUNCIL, 16, 2), (Kind.STANDING, 16, 3), (Kind.COUNCIL_OFFICE, 16, 1),
    ]
    assert made[3].name == "区第十七届人大常委会第一次会议"
    assert made[4].name == "区第十六届人大常委会第二次主任会议"
    assert made[5].name == "区第十六届人大常委会第三次会议"


def test_the_twentieth_standing_meeting_and_the_names_of_the_four_kinds(office, term, chair):
    for n in range(19):
        create(office, term, chair, start=at(D(2026, 1, 5) + datetime.timedelta(days=7 * n), 9))
    twentieth = create(office, term, chair)
    assert twentieth.sequence == 20
    assert twentieth.name == str(twentieth) == "区第十六届人大常委会第二十次会议"
    assert create(office, term, chair, kind=Kind.CONGRESS).name == "区第十六届人民代表大会第一次会议"
    assert create(office, term, chair, kind=Kind.COUNCIL).name == "区第十六届人大常委会第一次主任会议"
    assert create(office, term, chair, kind=Kind.COUNCIL_OFFICE).name == "区第十六届人大常委会第一次主任办公会议"


def test_a_refused_creation_does_not_use_up_a_number(office, term, chair, room):
    create(office, term, chair, room=room)
    with pytest.raises(TransitionRefused):
        create(office, term, chair, room=room, start=at(DAY, 10))
    assert create(office, term, chair, start=at(DAY, 10)).sequence == 2
    assert Meeting.objects.count() == 2


@pytest.mark.parametrize("who", ["leader", "liaison_a", "driver", "canteen", "duty"])
def test_only_organisers_create_meetings(office, term, chair, who):
    with pytest.raises(TransitionRefused, match="^只有办公室工作人员可以筹备会议$"):
        create(office, term, chair, actor=getattr(office, who))
    assert not Meeting.objects.exists()
    assert not ChecklistTask.objects.exists()


def test_the_director_may_create_a_meeting(office, term, chair):
    meeting = create(office, term, chair, actor=office.director)
    assert (meeting.state, meeting.created_by, meeting.sequence) == (State.PLANNING, office.director, 1)


@pytest.mark.parametrize("hours", [0, -1])
def test_the_end_must_come_after_the_start(office, term, chair, room, hours):
    with pytest.raises(TransitionRefused, match="^结束时间须晚于开始时间$"):
        create(office, term, chair, room=room, start=at(DAY, 9), end=at(DAY, 9) + datetime.timedelta(hours=hours))
    assert not Meeting.objects.exists() and not RoomBooking.objects.exists()


def test_a_meeting_needs_a_room_or_a_venue(office, term, chair):
    with pytest.raises(TransitionRefused, match="^请选择会议室或填写会议地点$"):
        create(office, term, chair, venue="   ")
    assert not Meeting.objects.exists()
    meeting = create(office, term, chair, venue="区政府第三会议室")
    assert meeting.place == "区政府第三会议室"
    assert not RoomBooking.objects.exists()


# --- rooms ----------------------------------------------------------------------


def test_a_meeting_books_its_room(office, term, chair, room):
    meeting = create(office, term, chair, room=room)
    booking = bookings_of(meeting).get()
    assert (booking.room, booking.start, booking.end, booking.purpose, booking.booked_by) == (
        room, meeting.start, meeting.end, meeting.name, office.staff,
    )
    assert meeting.place == "常委会会议室"


def test_an_overlapping_meeting_in_the_same_room_is_refused_naming_room_and_local_times(office, term, chair, room):
    first = create(office, term, chair, room=room, start=at(DAY, 9), end=at(DAY, 11, 30))
    with pytest.raises(TransitionRefused) as refused:
        create(office, term, chair, kind=Kind.COUNCIL, room=room, start=at(DAY, 11), end=at(DAY, 12))
    assert str(refused.value) == f"常委会会议室在 12月10日 09:00–11:30 已被预订（{first.name}）"
    assert list(Meeting.objects.all()) == [first]
    assert RoomBooking.objects.count() == 1


def test_back_to_back_meetings_share_a_room(office, term, chair, room):
    create(office, term, chair, room=room, start=at(DAY, 9), end=at(DAY, 11))
    second = create(office, term, chair, kind=Kind.COUNCIL, room=room, start=at(DAY, 11), end=at(DAY, 12))
    third = create(office, term, chair, kind=Kind.COUNCIL, room=room, start=at(DAY, 8), end=at(DAY, 9))
    assert RoomBooking.objects.count() == 3
    assert bookings_of(second).get().start == at(DAY, 11)
    assert bookings_of(third).get().end == at(DAY, 9)


def test_moving_a_meeting_moves_its_booking_and_frees_the_old_slot(office, term, chair, room):
    meeting = create(office, term, chair, room=room, start=at(DAY, 9), end=at(DAY, 11))
    services.meeting_update(meeting=meeting, actor=office.staff, start=at(DAY, 14), end=at(DAY, 16))
    booking = bookings_of(meeting).get()
    assert (booking.start, booking.end) == (at(DAY, 14), at(DAY, 16))
    other = create(office, term, chair, kind=Kind.COUNCIL, room=room, start=at(DAY, 9), end=at(DAY, 11))
    assert bookings_of(other).exists()
    assert RoomBooking.objects.count() == 2


def test_moving_into_a_booked_slot_is_refused_and_nothing_changes(office, term, chair, room):
    meeting = create(office, term, chair, room=room, start=at(DAY, 9), end=at(DAY, 11))
    other = create(office, term, chair, kind=Kind.COUNCIL, room=room, start=at(DAY, 14), end=at(DAY, 16))
    before = snapshot(meeting)
    with pytest.raises(TransitionRefused) as refused:
        services.meeting_update(meeting=meeting, actor=office.staff, start=at(DAY, 15), end=at(DAY, 17))
    assert str(refused.value) == f"常委会会议室在 12月10日 14:00–16:00 已被预订（{other.name}）"
    assert snapshot(meeting) == before
    booking = bookings_of(meeting).get()
    assert (booking.start, booking.end) == (at(DAY, 9), at(DAY, 11))


def test_changing_room_or_going_elsewhere_releases_the_room(office, term, chair, room):
    small = Room.objects.create(name="第二会议室", capacity=20)
    meeting = create(office, term, chair, room=room)
    services.meeting_update(meeting=meeting, actor=office.staff, room=small)
    assert bookings_of(meeting).get().room == small
    assert not RoomBooking.objects.filter(room=room).exists()
    services.meeting_update(meeting=meeting, actor=office.staff, room=None, venue="区会展中心")
    assert not RoomBooking.objects.exists()
    assert fresh(meeting).place == "区会展中心"


def test_an_inactive_room_is_refused(office, term, chair, room):
    Room.objects.filter(pk=room.pk).update(is_active=False)
    with pytest.raises(TransitionRefused, match="^常委会会议室已停用$"):
        create(office, term, chair, room=room)
    assert not Meeting.objects.exists()


# --- leaders' clashes ("防止撞车") -------------------------------------------------


def test_a_leader_convening_two_overlapping_meetings_is_warned(office, term, chair):
    leader = office.leader.person
    first = create(office, term, leader, start=at(DAY, 9), end=at(DAY, 12))
    with pytest.raises(services.ClashWarning) as warned:
        create(office, term, leader, kind=Kind.COUNCIL, start=at(DAY, 11), end=at(DAY, 12, 30))
    [clash] = warned.value.clashes
    assert (clash.person, clash.title, clash.start, clash.end, clash.url) == (
        leader, first.name, first.start, first.end, first.get_absolute_url(),
    )
    assert str(warned.value) == f"李副主任：12月10日 09:00–12:00 已有“{first.name}”"
    assert Meeting.objects.count() == 1

    second = create(office, term, leader, kind=Kind.COUNCIL, start=at(DAY, 11), end=at(DAY, 12, 30), confirm_clashes=True)
    assert second.pk and second.sequence == 1
    # Back to back is no clash.
    create(office, term, leader, kind=Kind.COUNCIL, start=at(DAY, 12, 30), end=at(DAY, 13))


def test_a_council_member_invited_elsewhere_clashes_as_convener(office, term, chair):
    vice = MembershipFactory(term=term, body=Body.COUNCIL, title="副主任", person__name="钱副主任").person
    first = create(office, term, chair, start=at(DAY, 9), end=at(DAY, 12))
    services.participants_invite(meeting=first, actor=office.staff, people=[vice])
    with pytest.raises(services.ClashWarning) as warned:
        create(office, term, vice, kind=Kind.COUNCIL, start=at(DAY, 10), end=at(DAY, 11))
    assert [c.person for c in warned.value.clashes] == [vice]


def test_people_on_leave_and_non_leaders_do_not_clash(office, term, chair):
    leader = office.leader.person
    first = create(office, term, chair, start=at(DAY, 9), end=at(DAY, 12))
    [participant] = services.participants_invite(meeting=first, actor=office.staff, people=[leader])
    services.reply_record(participant=participant, reply=Reply.LEAVE, reason="参加市人大常委会会议", actor=office.staff)
    create(office, term, leader, kind=Kind.COUNCIL, start=at(DAY, 10), end=at(DAY, 11))
    # The plain convener of the first meeting is no leader: no warning either.
    create(office, term, chair, kind=Kind.COUNCIL_OFFICE, start=at(DAY, 10), end=at(DAY, 11))
    # A council membership that ended before the day does not make a leader on that day.
    former = MembershipFactory(term=term, body=Body.COUNCIL, end_date=D(2026, 6, 30)).person
    services.participants_invite(meeting=first, actor=office.staff, people=[former])
    create(office, term, former, kind=Kind.CONGRESS, start=at(DAY, 10), end=at(DAY, 11))
    assert Meeting.objects.count() == 4


def test_updating_checks_invited_leaders_and_leaves_itself_out(office, term, chair):
    leader = office.leader.person
    busy = create(office, term, leader, start=at(DAY, 9), end=at(DAY, 12))
    # The leader's own meeting moving within its own time is no clash with itself.
    services.meeting_update(meeting=busy, actor=office.staff, start=at(DAY, 9, 30), end=at(DAY, 12))
    other = create(office, term, chair, kind=Kind.COUNCIL, start=at(DAY, 14), end=at(DAY, 15))
    services.participants_invite(meeting=other, actor=office.staff, people=[leader])
    before = snapshot(other)
    with pytest.raises(services.ClashWarning) as warned:
        services.meeting_update(meeting=other, actor=office.staff, start=at(DAY, 11), end=at(DAY, 12))
    assert [(c.person, c.title) for c in warned.value.clashes] == [(leader, busy.name)]
    assert snapshot(other) == before
    assert [(c.person, c.title) for c in services.meeting_clashes(other, start=at(DAY, 11), end=at(DAY, 12))] == [(leader, busy.name)]
    services.meeting_update(meeting=other, actor=office.staff, start=at(DAY, 11), end=at(DAY, 12), confirm_clashes=True)
    assert fresh(other).start == at(DAY, 11)


def test_inviting_a_busy_leader_is_flagged(office, term, chair):
    leader = office.leader.person
    create(office, term, leader, start=at(DAY, 9), end=at(DAY, 12))
    other = create(office, term, chair, kind=Kind.COUNCIL, start=at(DAY, 10), end=at(DAY, 11))
    with pytest.raises(services.ClashWarning):
        services.participants_invite(meeting=other, actor=office.staff, people=[leader])


# --- the workflow ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "leader", "liaison_a"])
def test_only_the_director_approves_the_plan(office, term, chair, who):
    meeting = create(office, term, chair)
    before = snapshot(meeting)
    with pytest.raises(TransitionRefused, match="^您没有权限审批会议方案$"):
        services.meeting_transition(meeting=meeting, action="approve_plan", actor=getattr(office, who))
    assert snapshot(meeting) == before
    assert not workflow_log_for(meeting).exists()


def test_the_director_approves_the_plan_once(office, term, chair):
    meeting = create(office, term, chair)
    services.meeting_transition(meeting=meeting, action="approve_plan", actor=office.director, comment="同意")
    meeting = fresh(meeting)
    assert (meeting.state, meeting.plan_approved_by) == (State.PLANNING, office.director)
    assert meeting.plan_approved_at is not None
    [log] = workflow_log_for(meeting)
    assert (log.action, log.action_label, log.from_state, log.to_state, log.actor, log.comment) == (
        "approve_plan", "审批会议方案", State.PLANNING, State.PLANNING, office.director, "同意",
    )
    with pytest.raises(TransitionRefused):
        services.meeting_transition(meeting=meeting, action="approve_plan", actor=office.director)
    assert fresh(meeting).plan_approved_at == meeting.plan_approved_at


def test_the_notice_needs_an_approved_plan(office, term, chair):
    meeting = create(office, term, chair)
    services.participants_invite(meeting=meeting, actor=office.staff, people=[PersonFactory()])
    services.agenda_add(meeting=meeting, actor=office.staff, title="议题一")
    before = snapshot(meeting)
    with pytest.raises(TransitionRefused):
        services.meeting_transition(meeting=meeting, action="send_notice", actor=office.staff)
    assert snapshot(meeting) == before
    assert fresh(meeting).notice_sent_at is None


def test_the_notice_refusal_says_the_plan_is_not_approved(office, term, chair):
    meeting = create(office, term, chair)
    services.participants_invite(meeting=meeting, actor=office.staff, people=[PersonFactory()])
    services.agenda_add(meeting=meeting, actor=office.staff, title="议题一")
    with pytest.raises(TransitionRefused, match="方案"):
        services.meeting_transition(meeting=meeting, action="send_notice", actor=office.staff)


def test_the_notice_needs_participants_and_an_agenda(office, term, chair):
    meeting = create(office, term, chair)
    services.meeting_transition(meeting=meeting, action="approve_plan", actor=office.director)
    before = snapshot(meeting)
    with pytest.raises(TransitionRefused, match="^还没有邀请参会人员，不能发出通知$"):
        services.meeting_transition(meeting=meeting, action="send_notice", actor=office.staff)
    services.participants_invite(meeting=meeting, actor=office.staff, people=[PersonFactory()])
    with pytest.raises(TransitionRefused, match="^还没有议程，不能发出通知$"):
        services.meeting_transition(meeting=meeting, action="send_notice", actor=office.staff)
    assert snapshot(meeting) == before
    assert list(workflow_log_for(meeting).values_list("action", flat=True)) == ["approve_plan"]


def test_the_whole_way_from_plan_to_archive(office, term, chair, django_capture_on_commit_callbacks):
    meeting = create(office, term, chair)
    approve_invite_agenda(office, meeting)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.meeting_transition(meeting=meeting, action="send_notice", actor=office.staff)
    assert callbacks  # the notice is queued for the worker after commit
    assert fresh(meeting).notice_sent_at is not None
    sign_in_all(office, meeting)
    for action, actor in [("open", office.staff), ("close", office.director), ("archive", office.director)]:
        services.meeting_transition(meeting=meeting, action=action, actor=actor)
    assert fresh(meeting).state == State.ARCHIVED
    steps = [(log.action, log.from_state, log.to_state, log.actor) for log in workflow_log_for(meeting)]
    assert steps == [
        ("approve_plan", State.PLANNING, State.PLANNING, office.director),
        ("send_notice", State.PLANNING, State.NOTICED, office.staff),
        ("open", State.NOTICED, State.IN_SESSION, office.staff),
        ("close", State.IN_SESSION, State.ENDED, office.director),
        ("archive", State.ENDED, State.ARCHIVED, office.director),
    ]


@pytest.mark.parametrize(
    "state, action, actor, message",
    [
        (State.PLANNING, "open", "staff", "当前状态为“筹备中”，不能宣布开会"),
        (State.NOTICED, "close", "staff", "当前状态为“已发通知”，不能宣布闭会"),
        (State.NOTICED, "open", "liaison_a", "您没有权限宣布开会"),
        (State.IN_SESSION, "archive", "director", "当前状态为“进行中”，不能归档"),
        (State.ENDED, "archive", "staff", "您没有权限归档"),
        (State.ENDED, "open", "staff", "当前状态为“已结束”，不能宣布开会"),
        (State.ARCHIVED, "close", "director", "当前状态为“已归档”，不能宣布闭会"),
        (State.NOTICED, "publish", "staff", "没有这个操作"),
    ],
)
def test_refused_transitions_say_why_and_change_nothing(office, term, chair, state, action, actor, message):
    meeting = advance(office, create(office, term, chair), state)
    before = snapshot(meeting)
    logs = workflow_log_for(meeting).count()
    with pytest.raises(TransitionRefused) as refused:
        services.meeting_transition(meeting=meeting, action=action, actor=getattr(office, actor))
    assert str(refused.value) == message
    assert snapshot(meeting) == before
    assert workflow_log_for(meeting).count() == logs


def test_a_noticed_meeting_may_still_be_edited(office, term, chair):
    meeting = advance(office, create(office, term, chair), State.NOTICED)
    services.meeting_update(meeting=meeting, actor=office.staff, subject="专题审议")
    services.agenda_add(meeting=meeting, actor=office.staff, title="补充议题")
    assert fresh(meeting).subject == "专题审议"


@pytest.mark.parametrize("state", [State.IN_SESSION, State.ENDED, State.ARCHIVED])
def test_no_editing_once_the_meeting_has_opened(office, term, chair, state):
    meeting = advance(office, create(office, term, chair), state)
    item = meeting.agenda.get()
    participant = meeting.participants.get()
    label = dict(State.choices)[state]
    message = f"^会议当前为“{label}”，不能再修改$"
    before = snapshot(meeting)
    with pytest.raises(TransitionRefused, match=message):
        services.meeting_update(meeting=meeting, actor=office.staff, subject="改")
    with pytest.raises(TransitionRefused, match=message):
        services.agenda_add(meeting=meeting, actor=office.staff, title="新议题")
    with pytest.raises(TransitionRefused, match=message):
        services.agenda_update(item=item, actor=office.staff, title="改名")
    with pytest.raises(TransitionRefused, match=message):
        services.agenda_remove(item=item, actor=office.staff)
    with pytest.raises(TransitionRefused, match=message):
        services.participants_invite(meeting=meeting, actor=office.staff, people=[PersonFactory()])
    with pytest.raises(TransitionRefused, match=message):
        services.participant_remove(participant=participant, actor=office.staff)
    assert snapshot(meeting) == before
    assert [i.title for i in meeting.agenda.all()] == ["审议区人民政府关于优化营商环境工作情况的报告"]
    assert meeting.participants.count() == 1


def test_only_organisers_edit(office, term, chair):
    meeting = create(office, term, chair)
    for actor in (office.leader, office.liaison_a, office.driver):
        with pytest.raises(TransitionRefused, match="^只有办公室工作人员可以筹备会议$"):
            services.meeting_update(meeting=meeting, actor=actor, subject="改")
        with pytest.raises(TransitionRefused, match="^只有办公室工作人员可以筹备会议$"):
            services.agenda_add(meeting=meeting, actor=actor, title="议题")
    assert fresh(meeting).subject == "" and not meeting.agenda.exists()


# --- agenda ----------------------------------------------------------------------


def titles(meeting):
    return [(item.order, item.title) for item in meeting.agenda.order_by("order", "id")]


@pytest.fixture
def agenda(office, term, chair):
    meeting = create(office, term, chair)
    items = [services.agenda_add(meeting=meeting, actor=office.staff, title=title) for title in ("甲", "乙", "丙", "丁")]
    return meeting, items


def test_agenda_items_are_numbered_in_order(office, agenda):
    meeting, items = agenda
    assert titles(meeting) == [(1, "甲"), (2, "乙"), (3, "丙"), (4, "丁")]
    with pytest.raises(TransitionRefused, match="^请填写议题$"):
        services.agenda_add(meeting=meeting, actor=office.staff, title="  ")
    item = services.agenda_add(meeting=meeting, actor=office.staff, title="  戊 ", sponsor=office.unit_a, reporter="张主任", to_vote=True)
    assert (item.order, item.title, item.sponsor_name, item.to_vote) == (5, "戊", "财政经济工作委员会", True)


def test_agenda_move_up_and_down(office, agenda):
    meeting, items = agenda
    services.agenda_move(item=items[2], actor=office.staff, offset=-1)
    assert titles(meeting) == [(1, "甲"), (2, "丙"), (3, "乙"), (4, "丁")]
    services.agenda_move(item=items[0], actor=office.staff, offset=-1)  # already first
    assert titles(meeting) == [(1, "甲"), (2, "丙"), (3, "乙"), (4, "丁")]
    services.agenda_move(item=items[0], actor=office.staff, offset=+1)
    assert titles(meeting) == [(1, "丙"), (2, "甲"), (3, "乙"), (4, "丁")]
    services.agenda_move(item=items[3], actor=office.staff, offset=+1)  # already last
    assert titles(meeting) == [(1, "丙"), (2, "甲"), (3, "乙"), (4, "丁")]


def test_agenda_reorder_and_a_stale_reorder(office, agenda):
    meeting, items = agenda
    a, b, c, d = (item.pk for item in items)
    services.agenda_reorder(meeting=meeting, actor=office.staff, ordered_ids=[d, c, b, a])
    assert titles(meeting) == [(1, "丁"), (2, "丙"), (3, "乙"), (4, "甲")]
    # Someone added an item meanwhile; a page showing the old four must not reorder.
    services.agenda_add(meeting=meeting, actor=office.staff, title="戊")
    for stale in ([a, b, c, d], [a, b, c, d, d], [a, b, c, 10**9]):
        with pytest.raises(TransitionRefused, match="^议程已被他人修改，请刷新后重新排序$"):
            services.agenda_reorder(meeting=meeting, actor=office.staff, ordered_ids=stale)
    assert titles(meeting) == [(1, "丁"), (2, "丙"), (3, "乙"), (4, "甲"), (5, "戊")]


def test_agenda_remove_renumbers(office, agenda):
    meeting, items = agenda
    services.agenda_remove(item=items[1], actor=office.staff)
    assert titles(meeting) == [(1, "甲"), (2, "丙"), (3, "丁")]
    assert services.agenda_add(meeting=meeting, actor=office.staff, title="戊").order == 4


def test_an_item_with_a_vote_cannot_be_removed(office, term, chair):
    member = MembershipFactory(term=term).person
    meeting = advance(office, create(office, term, chair), State.IN_SESSION, people=[member], to_vote=True)
    item = meeting.agenda.get()
    services.vote_record(item=item, actor=office.staff, yes=1, no=0, abstain=0, not_voting=0)
    with pytest.raises(TransitionRefused):
        services.agenda_remove(item=item, actor=office.staff)
    assert Vote.objects.filter(agenda_item=item).exists()
    # And the guard itself, should a voted item ever be in an editable meeting.
    planning = create(office, term, chair, start=at(DAY, 14))
    voted = services.agenda_add(meeting=planning, actor=office.staff, title="已表决议题", to_vote=True)
    Vote.objects.create(agenda_item=voted, yes=1, no=0, abstain=0, not_voting=0, members_total=1, required=1, passed=True, recorded_by=office.staff)
    with pytest.raises(TransitionRefused, match="^该议题已有表决结果，不能删除$"):
        services.agenda_remove(item=voted, actor=office.staff)
    assert AgendaItem.objects.filter(pk=voted.pk).exists()


# --- participants ------------------------------------------------------------------


def test_inviting_again_leaves_existing_participants_as_they_are(office, term, chair):
    meeting = create(office, term, chair)
    a, b, c = PersonFactory(name="甲委员"), PersonFactory(name="乙委员"), PersonFactory(name="丙局长")
    new = services.participants_invite(meeting=meeting, actor=office.staff, people=[a, b])
    assert {p.person for p in new} == {a, b}
    services.reply_record(participant=meeting.participants.get(person=a), reply=Reply.LEAVE, reason="出差", actor=office.staff)
    new = services.participants_invite(meeting=meeting, actor=office.staff, people=[a, b, c], role=Role.NONVOTING)
    assert [p.person for p in new] == [c]
    rows = {p.person: (p.role, p.reply) for p in meeting.participants.all()}
    assert rows == {a: (Role.ATTEND, Reply.LEAVE), b: (Role.ATTEND, Reply.PENDING), c: (Role.NONVOTING, Reply.PENDING)}
    assert services.participants_invite(meeting=meeting, actor=office.staff, people=[a, b, c]) == []
    assert meeting.participants.count() == 3


def test_invite_body_adds_exactly_the_members_on_the_meeting_day(office, term, chair):
    body = [MembershipFactory(term=term).person for _ in range(5)]
    MembershipFactory(term=term, end_date=D(2026, 12, 9))  # vacancy
    MembershipFactory(term=term, start_date=D(2026, 12, 11))  # appointed later
    MembershipFactory(term=term, body=Body.COUNCIL)
    MembershipFactory(term=TermFactory(number=15, start_date=D(2017, 1, 6)))
    meeting = create(office, term, chair)
    new = services.invite_body(meeting=meeting, actor=office.staff)
    assert {p.person for p in new} == set(body)
    assert {(p.person, p.role) for p in meeting.participants.all()} == {(person, Role.ATTEND) for person in body}
    assert services.invite_body(meeting=meeting, actor=office.staff) == []


def test_reply_rules(office, term, chair):
    meeting = create(office, term, chair)
    [participant] = services.participants_invite(meeting=meeting, actor=office.staff, people=[PersonFactory()])
    with pytest.raises(TransitionRefused, match="^请假须填写事由$"):
        services.reply_record(participant=participant, reply=Reply.LEAVE, reason="  ", actor=office.staff)
    with pytest.raises(TransitionRefused, match="^请选择参会或请假$"):
        services.reply_record(participant=participant, reply=Reply.PENDING, actor=office.staff)
    with pytest.raises(TransitionRefused, match="^只有办公室工作人员可以代为登记回复$"):
        services.reply_record(participant=participant, reply=Reply.ATTEND, actor=office.liaison_a)
    assert fresh(participant).reply == Reply.PENDING and fresh(participant).replied_at is None

    services.reply_record(participant=participant, reply=Reply.LEAVE, reason=" 出差 ", actor=office.staff)
    row = fresh(participant)
    assert (row.reply, row.leave_reason, row.replied_via_link) == (Reply.LEAVE, "出差", False)
    assert row.replied_at is not None
    # The invitee's own link: no actor.
    services.reply_record(participant=participant, reply=Reply.ATTEND, reason="ignored")
    row = fresh(participant)
    assert (row.reply, row.leave_reason, row.replied_via_link) == (Reply.ATTEND, "", True)


def test_no_reply_after_the_meeting_ended(office, term, chair):
    meeting = advance(office, create(office, term, chair), State.ENDED)
    participant = meeting.participants.get()
    with pytest.raises(TransitionRefused, match="^会议已结束，不能再回复$"):
        services.reply_record(participant=participant, reply=Reply.LEAVE, reason="补假")
    row = fresh(participant)
    assert (row.reply, row.replied_at, row.replied_via_link) == (Reply.ATTEND, None, False)  # as sign-in left it


def test_sign_in_once_and_undo(office, term, chair):
    meeting = create(office, term, chair)
    [participant] = services.participants_invite(meeting=meeting, actor=office.staff, people=[PersonFactory()])
    with pytest.raises(TransitionRefused, match="^会议当前为“筹备中”，不能签到$"):
        services.sign_in(participant=participant, actor=office.staff)
    services.reply_record(participant=participant, reply=Reply.LEAVE, reason="出差", actor=office.staff)
    approve_invite_agenda(office, meeting)
    services.meeting_transition(meeting=meeting, action="send_notice", actor=office.staff)

    with pytest.raises(TransitionRefused, match="^只有会务工作人员可以登记签到$"):
        services.sign_in(participant=participant, actor=office.liaison_a)
    services.sign_in(participant=participant, actor=office.staff)
    first = fresh(participant)
    # Came after all: signing in turns the 请假 into 参会.
    assert (first.reply, first.leave_reason, first.signed_in_by) == (Reply.ATTEND, "", office.staff)
    assert first.signed_in_at is not None
    services.sign_in(participant=participant, actor=office.director)
    again = fresh(participant)
    assert (again.signed_in_at, again.signed_in_by) == (first.signed_in_at, office.staff)
    with pytest.raises(TransitionRefused, match="^已签到，不能再请假$"):
        services.reply_record(participant=participant, reply=Reply.LEAVE, reason="临时有事", actor=office.staff)
    with pytest.raises(TransitionRefused, match="^已签到的人员不能移除$"):
        services.participant_remove(participant=fresh(participant), actor=office.staff)

    services.sign_in_undo(participant=participant, actor=office.staff)
    undone = fresh(participant)
    assert (undone.signed_in_at, undone.signed_in_by) == (None, None)
    services.participant_remove(participant=undone, actor=office.staff)
    assert not Participant.objects.filter(pk=participant.pk).exists()


def test_no_sign_in_changes_after_the_meeting(office, term, chair):
    meeting = advance(office, create(office, term, chair), State.IN_SESSION)
    participant = meeting.participants.get()
    services.meeting_transition(meeting=meeting, action="close", actor=office.staff)
    with pytest.raises(TransitionRefused, match="^会议已结束，签到记录不能再更改$"):
        services.sign_in_undo(participant=participant, actor=office.staff)
    with pytest.raises(TransitionRefused, match="^会议当前为“已结束”，不能签到$"):
        services.sign_in(participant=participant, actor=office.staff)
    assert fresh(participant).signed_in_at is not None


# --- checklist ----------------------------------------------------------------------

# A 常委会会议 on Friday 2026-10-09, right after the National Day holiday
# (10-01..10-07 off; Sunday 09-20 and Saturday 10-10 are 调休 working days; Friday
# 09-25 is 中秋, off). Working days before 10-09: 10-08, 09-30, 09-29, 09-28, 09-24,
# 09-23, 09-22, 09-21, 09-20 (Sun), 09-18. After: 10-10 (Sat), 10-12, 10-13, 10-14,
# 10-15, 10-16, 10-19, 10-20, 10-21, 10-22.
NATIONAL_DAY_DUES = {
    "拟定会议方案报主任审批": (OfficeRole.STAFF, D(2026, 9, 18)),  # -10, counting Sun 09-20
    "发出会议通知（会前七日）": (OfficeRole.STAFF, D(2026, 9, 24)),  # -5, over holiday and 中秋
    "督促回复参会情况，统计请假": (OfficeRole.STAFF, D(2026, 9, 29)),  # -3
    "收集、审核、印制会议材料": (OfficeRole.STAFF, D(2026, 9, 29)),  # -3
    "审核主持词和会议议程": (OfficeRole.DIRECTOR, D(2026, 9, 30)),  # -2
    "安排会议用车": (OfficeRole.DRIVER, D(2026, 10, 8)),  # -1
    "安排会议用餐": (OfficeRole.CANTEEN, D(2026, 10, 8)),
    "布置会场、调试表决器和音响": (OfficeRole.STAFF, D(2026, 10, 8)),
    "制作桌签、座次图和签到表": (OfficeRole.STAFF, D(2026, 10, 8)),
    "签到并统计出席人数": (OfficeRole.STAFF, D(2026, 10, 9)),  # 0
    "会议记录和表决结果登记": (OfficeRole.STAFF, D(2026, 10, 9)),
    "整理会议纪要": (OfficeRole.STAFF, D(2026, 10, 12)),  # +2, counting Sat 10-10
    "审议意见交办": (OfficeRole.DIRECTOR, D(2026, 10, 15)),  # +5
    "会议材料立卷归档": (OfficeRole.STAFF, D(2026, 10, 22)),  # +10
}


def test_the_2026_calendar_is_as_the_checklist_dates_assume():
    for day in range(1, 8):
        assert not calendar.is_working_day(D(2026, 10, day))
    assert not calendar.is_working_day(D(2026, 9, 25))
    assert calendar.is_working_day(D(2026, 9, 20)) and calendar.is_working_day(D(2026, 10, 10))


def test_checklist_due_dates_follow_the_office_calendar(office, term, chair):
    meeting = create(office, term, chair, start=at(D(2026, 10, 9), 9))
    tasks = list(meeting.checklist.all())
    assert {t.title: (t.owner_role, t.due_date) for t in tasks} == NATIONAL_DAY_DUES
    assert len(tasks) == len(NATIONAL_DAY_DUES)
    assert all(t.done_at is None and t.owner is None for t in tasks)
    assert [t.title for t in selectors.checklist_of(meeting)][0] == "拟定会议方案报主任审批"


def test_a_meeting_on_a_saturday_keeps_its_day_for_day_zero(office, term, chair):
    meeting = create(office, term, chair, kind=Kind.COUNCIL_OFFICE, start=at(D(2026, 12, 12), 9))
    dues = {t.title: t.due_date for t in meeting.checklist.all()}
    assert dues == {"准备会议材料": D(2026, 12, 11), "会议记录": D(2026, 12, 12), "整理会议纪要": D(2026, 12, 15)}


def test_moving_the_meeting_moves_only_open_tasks(office, term, chair):
    meeting = create(office, term, chair, start=at(D(2026, 10, 9), 9))
    done = meeting.checklist.get(title="拟定会议方案报主任审批")
    services.task_done(task=done, actor=office.staff)
    services.meeting_update(meeting=meeting, actor=office.staff, start=at(D(2026, 10, 16), 9), end=at(D(2026, 10, 16), 12))
    dues = {t.title: t.due_date for t in meeting.checklist.all()}
    assert dues["拟定会议方案报主任审批"] == D(2026, 9, 18)  # done: stays
    assert dues["发出会议通知（会前七日）"] == D(2026, 10, 10)  # -5 from Fri 10-16: the 调休 Saturday
    assert dues["安排会议用车"] == D(2026, 10, 15)
    assert dues["签到并统计出席人数"] == D(2026, 10, 16)
    assert dues["整理会议纪要"] == D(2026, 10, 20)
    assert dues["会议材料立卷归档"] == D(2026, 10, 30)


def task(meeting, title) -> ChecklistTask:
    return meeting.checklist.get(title=title)


@pytest.mark.parametrize(
    "title, allowed, refused",
    [
        ("安排会议用车", ["driver", "staff", "director"], ["canteen", "liaison_a", "leader"]),
        ("安排会议用餐", ["canteen", "staff"], ["driver", "duty", "leader"]),
        ("布置会场、调试表决器和音响", ["staff", "director"], ["driver", "canteen", "leader", "liaison_a"]),
    ],
)
def test_tasks_are_ticked_by_their_owner_role_or_the_office(office, term, chair, title, allowed, refused):
    meeting = create(office, term, chair)
    for who in refused:
        with pytest.raises(TransitionRefused, match="^这项工作不由您负责$"):
            services.task_done(task=task(meeting, title), actor=getattr(office, who))
        assert task(meeting, title).done_at is None
    for who in allowed:
        user = getattr(office, who)
        services.task_done(task=task(meeting, title), actor=user)
        row = task(meeting, title)
        assert (row.done_by, row.done_at is not None) == (user, True)
        for other in refused:
            with pytest.raises(TransitionRefused, match="^这项工作不由您负责$"):
                services.task_undo(task=row, actor=getattr(office, other))
        services.task_undo(task=row, actor=user)
        row = task(meeting, title)
        assert (row.done_by, row.done_at) == (None, None)


def test_ticking_twice_keeps_the_first_and_a_named_owner_may_tick(office, term, chair):
    meeting = create(office, term, chair)
    row = task(meeting, "安排会议用车")
    services.task_done(task=row, actor=office.driver)
    first = task(meeting, "安排会议用车")
    services.task_done(task=row, actor=office.staff)
    again = task(meeting, "安排会议用车")
    assert (again.done_at, again.done_by) == (first.done_at, office.driver)
    ChecklistTask.objects.filter(pk=row.pk).update(owner=office.liaison_a)
    services.task_undo(task=row, actor=office.liaison_a)
    assert task(meeting, "安排会议用车").done_at is None


def test_tasks_of_an_archived_meeting_are_frozen(office, term, chair):
    meeting = advance(office, create(office, term, chair), State.ARCHIVED)
    row = task(meeting, "整理会议纪要")
    with pytest.raises(TransitionRefused, match="^会议已归档$"):
        services.task_done(task=row, actor=office.staff)
    assert task(meeting, "整理会议纪要").done_at is None


# --- review opinions → 督办 ----------------------------------------------------------


@pytest.fixture
def in_session(office, term, chair):
    return advance(office, create(office, term, chair), State.IN_SESSION)


def test_opinions_are_recorded_once_the_meeting_has_opened(office, term, chair, in_session):
    planning = create(office, term, chair, start=at(DAY, 14))
    item = services.agenda_add(meeting=planning, actor=office.staff, title="议题")
    with pytest.raises(TransitionRefused, match="^会议开始后才能登记审议意见$"):
        services.opinion_add(item=item, actor=office.staff, text="意见", lead_unit=office.unit_a)
    item = in_session.agenda.get()
    with pytest.raises(TransitionRefused, match="^只有办公室工作人员可以登记审议意见$"):
        services.opinion_add(item=item, actor=office.liaison_a, text="意见", lead_unit=office.unit_a)
    with pytest.raises(TransitionRefused, match="^请填写审议意见$"):
        services.opinion_add(item=item, actor=office.staff, text=" ", lead_unit=office.unit_a)
    assert not ReviewOpinion.objects.exists()
    opinion = services.opinion_add(
        item=item, actor=office.staff, text=" 进一步压减审批时限。 ", lead_unit=office.unit_a, co_units=[office.unit_a, office.unit_b]
    )
    assert (opinion.text, opinion.lead_unit, opinion.created_by) == ("进一步压减审批时限。", office.unit_a, office.staff)
    assert list(opinion.co_units.all()) == [office.unit_b]  # the lead unit is not also a co-unit


@pytest.mark.parametrize("urgency, deadline", [("normal", D(2026, 10, 13)), ("urgent", D(2026, 10, 8)), ("complex", D(2026, 10, 23))])
def test_assigning_an_opinion_makes_a_supervision_item_under_the_3715_rule(office, in_session, freeze_today, urgency, deadline):
    # Assigned Mon 09-28, just before National Day: 3 working days → 10-08; 7 → 10-13
    # (counting Sat 10-10); 15 → 10-23.
    freeze_today(D(2026, 9, 28))
    item = in_session.agenda.get()
    opinion = services.opinion_add(item=item, actor=office.staff, text="进一步压减审批时限。", lead_unit=office.unit_a, co_units=[office.unit_b])
    supervised = services.opinion_assign(opinion=opinion, actor=office.staff, leader=office.leader, urgency=urgency)

    row = SupervisionItem.objects.get()
    assert row.pk == supervised.pk == fresh(opinion).supervision_item_id
    assert row.source == "meeting"
    assert row.source_object == opinion
    assert (row.lead_unit, list(row.co_units.all())) == (office.unit_a, [office.unit_b])
    assert (row.title, row.requirements) == (f"{item.title}的审议意见", "进一步压减审批时限。")
    assert row.source_detail == f"{in_session.name}审议意见"
    assert (row.urgency, row.leader, row.supervisor, row.registered_by) == (urgency, office.leader, office.staff, office.staff)
    assert (row.state, row.assigned_on, row.deadline) == (ItemState.ASSIGNED, D(2026, 9, 28), deadline)
    assert (row.year, row.serial) == (2026, 1)

    with pytest.raises(TransitionRefused, match="^该审议意见已交办$"):
        services.opinion_assign(opinion=opinion, actor=office.staff, leader=office.leader)
    assert SupervisionItem.objects.count() == 1


def test_only_the_office_assigns_opinions(office, in_session):
    opinion = services.opinion_add(item=in_session.agenda.get(), actor=office.staff, text="意见", lead_unit=office.unit_a)
    with pytest.raises(TransitionRefused):
        services.opinion_assign(opinion=opinion, actor=office.liaison_a, leader=office.leader)
    assert fresh(opinion).supervision_item_id is None
    assert not SupervisionItem.objects.exists()
    opinions = selectors.opinions_of(in_session)
    assert [(o["opinion"], o["item"], o["light"]) for o in opinions] == [(opinion, None, None)]


# --- documents, attendance, schedule ----------------------------------------------------


def test_document_request_creates_then_reuses_the_row(office, term, chair, django_capture_on_commit_callbacks):
    meeting = create(office, term, chair)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = services.document_request(meeting=meeting, doc_kind=MeetingDocument.DocKind.SIGN_IN, actor=office.staff)
    assert len(callbacks) == 1  # the worker is asked after commit
    assert (first.status, first.requested_by, first.doc_kind) == (MeetingDocument.Status.PENDING, office.staff, "sign_in")
    MeetingDocument.objects.filter(pk=first.pk).update(status=MeetingDocument.Status.FAILED, error="字体缺失")
    again = services.document_request(meeting=meeting, doc_kind=MeetingDocument.DocKind.SIGN_IN, actor=office.director)
    assert again.pk == first.pk
    row = MeetingDocument.objects.get()
    assert (row.status, row.error, row.requested_by) == (MeetingDocument.Status.PENDING, "", office.director)
    with pytest.raises(TransitionRefused):
        services.document_request(meeting=meeting, doc_kind=MeetingDocument.DocKind.NOTICE, actor=office.liaison_a)
    assert MeetingDocument.objects.count() == 1


def test_attendance_rate_counts_members_invited_to_attend(office, term, chair):
    meeting = create(office, term, chair)
    assert services.attendance_rate(meeting) is None
    attend = [PersonFactory() for _ in range(3)]
    guest = PersonFactory()
    services.participants_invite(meeting=meeting, actor=office.staff, people=attend)
    services.participants_invite(meeting=meeting, actor=office.staff, people=[guest], role=Role.NONVOTING)
    approve_invite_agenda(office, meeting, people=attend)
    services.meeting_transition(meeting=meeting, action="send_notice", actor=office.staff)
    for person in attend[:2] + [guest]:
        services.sign_in(participant=meeting.participants.get(person=person), actor=office.staff)
    assert services.attendance_rate(meeting) == 66.7
    counts = selectors.participant_counts(meeting)
    assert counts["by_role"] == {Role.ATTEND: 3, Role.NONVOTING: 1}
    assert counts["signed"] == {Role.ATTEND: 2, Role.NONVOTING: 1}


def test_member_attendance_over_meetings(office, term, chair):
    member, other = PersonFactory(name="周委员"), PersonFactory(name="吴委员")
    early = create(office, term, chair, start=at(D(2026, 11, 5), 9))
    late = create(office, term, chair, start=at(DAY, 9))
    for meeting in (early, late):
        approve_invite_agenda(office, meeting, people=[member, other])
        services.meeting_transition(meeting=meeting, action="send_notice", actor=office.staff)
    services.sign_in(participant=early.participants.get(person=member), actor=office.staff)
    stats = selectors.member_attendance([member.pk, other.pk])
    assert stats[member.pk] == {"person_id": member.pk, "invited": 2, "signed": 1, "rate": 50.0}
    assert stats[other.pk] == {"person_id": other.pk, "invited": 2, "signed": 0, "rate": 0.0}
    since = selectors.member_attendance([member.pk], since=D(2026, 12, 1))
    assert since == {member.pk: {"person_id": member.pk, "invited": 1, "signed": 0, "rate": 0.0}}


def test_meetings_appear_in_peoples_commitments(office, term, chair):
    leader = office.leader.person
    invitee, absent = PersonFactory(name="郑局长"), PersonFactory(name="冯局长")
    meeting = create(office, term, leader, start=at(DAY, 9), end=at(DAY, 12))
    services.participants_invite(meeting=meeting, actor=office.staff, people=[invitee, absent, leader])
    services.reply_record(participant=meeting.participants.get(person=absent), reply=Reply.LEAVE, reason="出差", actor=office.staff)

    found = commitments([leader.pk, invitee.pk, absent.pk], at(DAY, 11), at(DAY, 14))
    assert [(c.person_id, c.start, c.end, c.title, c.url, c.key) for c in found] == [
        (p.pk, meeting.start, meeting.end, meeting.name, meeting.get_absolute_url(), f"meeting:{meeting.pk}")
        for p in sorted([leader, invitee], key=lambda p: p.pk)
    ]
    assert commitments([leader.pk], at(DAY, 12), at(DAY, 14)) == []  # half-open
    assert commitments([leader.pk], at(DAY, 8), at(DAY, 10), exclude_key=meeting.schedule_key) == []
    assert commitments([], at(DAY, 8), at(DAY, 10)) == []


def test_archived_meetings_are_no_longer_commitments(office, term, chair):
    meeting = advance(office, create(office, term, chair), State.ARCHIVED)
    assert commitments([chair.pk], meeting.start, meeting.end) == []
    ended = advance(office, create(office, term, chair, start=at(DAY, 14)), State.ENDED)
    assert [c.key for c in commitments([chair.pk], ended.start, ended.end)] == [ended.schedule_key]


def test_a_new_office_member_with_the_leader_role_counts_as_a_leader(office, term, chair):
    user = UserFactory(username="new_leader", roles=[OfficeRole.LEADER])
    person = PersonFactory(name="新副主任", user=user)
    create(office, term, person, start=at(DAY, 9), end=at(DAY, 12))
    with pytest.raises(services.ClashWarning):
        create(office, term, person, kind=Kind.COUNCIL, start=at(DAY, 10), end=at(DAY, 11))
