"""作风 — leave (请假, registered by the duty office) and the duty roster (值班):
who registers and who approves, overlaps, what an approved leave does elsewhere
(meetings marked 请假, no dispatch of a driver on leave, a leader's clash), the
roster over weekends, holidays and 调休 days, swaps, the duty log and hand-over."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone as django_timezone

from conduct import services
from conduct.models import DutyShift, Leave, LeaveType, Swap
from logistics import services as logistics
from logistics.models import TripState, Vehicle, VehicleBooking
from meetings import services as meetings
from meetings.models import Kind, Participant, Reply, State
from office import calendar
from office.roles import Role
from office.schedule import commitments
from office.workflow import TransitionRefused
from tests.factories import PersonFactory, TermFactory, UnitFactory, UserFactory

D = datetime.date
TZ = ZoneInfo("Asia/Shanghai")
TODAY = D(2026, 11, 24)
FROM, TO = D(2026, 12, 14), D(2026, 12, 16)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def inbox_only(settings):
    settings.NOTIFICATION_CHANNELS = []


@pytest.fixture(autouse=True)
def today(monkeypatch):
    original = django_timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else original(value, timezone)

    monkeypatch.setattr(django_timezone, "localdate", localdate)
    return TODAY


def at(day, hour, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def leave(office, person, start=FROM, end=TO, *, actor=None, leave_type=LeaveType.PERSONAL, reason="家中有事"):
    return services.leave_register(actor=actor or office.duty, person=person, leave_type=leave_type, start=start, end=end, reason=reason)


def approved(office, person, start=FROM, end=TO, **kwargs):
    entry = leave(office, person, start, end, **kwargs)
    return services.leave_decide(leave=entry, actor=entry.approver, approve=True)


def fetch(obj):
    return type(obj).objects.get(pk=obj.pk)


def snapshot(obj) -> dict:
    obj = fetch(obj)
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


def second_leader(rank=1, username="leader_top", name="王主任"):
    user = UserFactory(username=username, roles=[Role.LEADER])
    PersonFactory(name=name, unit=UnitFactory(name="常委会领导办公室", kind="leadership"), user=user, protocol_rank=rank)
    return user


# --- 5. leave: registration -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["duty", "staff", "director"])
def test_the_duty_office_registers_leave_for_anyone(office, who):
    entry = leave(office, office.driver.person, actor=getattr(office, who), reason="  就医 ")
    entry = fetch(entry)
    assert (entry.person, entry.start, entry.end, entry.reason, entry.leave_type) == (
        office.driver.person, D(2026, 12, 14), D(2026, 12, 16), "就医", LeaveType.PERSONAL)
    assert (entry.state, entry.registered_by, entry.approver, entry.decided_at) == (
        Leave.State.REQUESTED, getattr(office, who), office.director, None)


@pytest.mark.parametrize("who", ["liaison_a", "driver", "leader", "canteen"])
def test_a_person_registers_their_own_leave(office, who):
    user = getattr(office, who)
    assert fetch(leave(office, user.person, actor=user)).registered_by == user


@pytest.mark.parametrize("who", ["liaison_a", "leader", "canteen", "driver"])
def test_others_do_not_register_someone_elses_leave(office, who):
    with pytest.raises(TransitionRefused, match="^请假由值班室登记，或由本人提出$"):
        leave(office, office.staff.person, actor=getattr(office, who))
    assert Leave.objects.count() == 0


def test_end_before_start_and_empty_reason_are_refused(office):
    with pytest.raises(TransitionRefused, match="^结束日期不能早于开始日期$"):
        leave(office, office.staff.person, D(2026, 12, 16), D(2026, 12, 15))
    with pytest.raises(TransitionRefused, match="^请填写请假事由$"):
        leave(office, office.staff.person, reason="   ")
    assert Leave.objects.count() == 0
    # A one-day leave (start == end) is fine.
    assert fetch(leave(office, office.staff.person, D(2026, 12, 15), D(2026, 12, 15))).end == D(2026, 12, 15)


@pytest.mark.parametrize("start,end", [
    (D(2026, 12, 10), D(2026, 12, 14)),  # ends on the first day
    (D(2026, 12, 16), D(2026, 12, 20)),  # starts on the last day
    (D(2026, 12, 15), D(2026, 12, 15)),  # inside
    (D(2026, 12, 1), D(2026, 12, 31)),  # around
])
@pytest.mark.parametrize("decided", [False, True])
def test_overlapping_leave_is_refused(office, start, end, decided):
    first = approved(office, office.staff.person) if decided else leave(office, office.staff.person)
    with pytest.raises(TransitionRefused, match="^这段时间已有请假记录$"):
        leave(office, office.staff.person, start, end)
    assert list(Leave.objects.all()) == [first]


def test_adjacent_leave_someone_elses_leave_and_refused_leave_do_not_overlap(office):
    first = leave(office, office.staff.person)
    leave(office, office.staff.person, D(2026, 12, 17), D(2026, 12, 18))
    leave(office, office.staff.person, D(2026, 12, 10), D(2026, 12, 13))
    leave(office, office.driver.person)
    services.leave_decide(leave=first, actor=office.director, approve=False)
    leave(office, office.staff.person, D(2026, 12, 15), D(2026, 12, 15))
    assert Leave.objects.count() == 5


# --- the approver --------------------------------------------------------------------------------------------


def test_approver_by_rank(office):
    for who in ("staff", "liaison_a", "driver", "duty", "canteen"):
        assert services.approver_for(getattr(office, who).person) == office.director, who
    assert services.approver_for(PersonFactory(name="无账号人员")) == office.director
    # The director's leave goes to a leader: the highest-ranked one (lowest protocol rank).
    assert services.approver_for(office.director.person) == office.leader
    top = second_leader(rank=1)
    assert services.approver_for(office.director.person) == top


def test_the_directors_leave_needs_a_leader(office):
    office.leader.is_active = False
    office.leader.save()
    with pytest.raises(TransitionRefused, match="^没有可审批的人员，请联系办公室$"):
        leave(office, office.director.person)
    assert Leave.objects.count() == 0


def test_a_leaders_leave_goes_to_a_higher_ranked_leader(office):
    top = second_leader(rank=1)
    assert services.approver_for(office.leader.person) == top


# --- decisions ----------------------------------------------------------------------------------------------


def test_only_the_approver_decides(office):
    entry = leave(office, office.director.person)
    assert entry.approver == office.leader
    before = snapshot(entry)
    for who in ("director", "staff", "duty"):
        with pytest.raises(TransitionRefused, match="^该请假不由您审批$"):
            services.leave_decide(leave=entry, actor=getattr(office, who), approve=True)
    assert snapshot(entry) == before
    services.leave_decide(leave=entry, actor=office.leader, approve=True)
    entry = fetch(entry)
    assert entry.state == Leave.State.APPROVED and entry.decided_at is not None


def test_decided_once(office):
    entry = leave(office, office.staff.person)
    services.leave_decide(leave=entry, actor=office.director, approve=False)
    assert fetch(entry).state == Leave.State.REFUSED
    before = snapshot(entry)
    with pytest.raises(TransitionRefused, match="^请假当前为“未批准”$"):
        services.leave_decide(leave=entry, actor=office.director, approve=True)
    assert snapshot(entry) == before


def test_away_on_lists_approved_leave_only(office):
    approved(office, office.staff.person, D(2026, 12, 14), D(2026, 12, 16))
    leave(office, office.driver.person, D(2026, 12, 14), D(2026, 12, 16))  # not decided
    refused = leave(office, office.canteen.person, D(2026, 12, 14), D(2026, 12, 16))
    services.leave_decide(leave=refused, actor=office.director, approve=False)
    assert list(services.away_on(D(2026, 12, 13))) == []
    assert list(services.away_on(D(2026, 12, 14))) == [office.staff.person]
    assert list(services.away_on(D(2026, 12, 16))) == [office.staff.person]
    assert list(services.away_on(D(2026, 12, 17))) == []
    # Two leaves of the same person on one day still list them once.
    approved(office, office.staff.person, D(2026, 12, 17), D(2026, 12, 18))
    approved(office, office.duty.person, D(2026, 12, 16), D(2026, 12, 16))
    assert sorted(p.name for p in services.away_on(D(2026, 12, 16))) == sorted([office.staff.person.name, office.duty.person.name])


# --- what an approved leave does elsewhere -------------------------------------------------------------------------


@pytest.fixture
def term(db):
    return TermFactory()


def meeting_on(office, term, start, state=State.PLANNING, convener=None):
    meeting = meetings.meeting_create(actor=office.staff, kind=Kind.COUNCIL, term=term, start=start, end=start + datetime.timedelta(hours=2),
                                      convener=convener or PersonFactory(name="召集人"), venue="机关会议室")
    meetings.participants_invite(meeting=meeting, actor=office.staff, people=[office.staff.person, office.driver.person])
    type(meeting).objects.filter(pk=meeting.pk).update(state=state)
    return meeting


def reply_of(meeting, person):
    participant = Participant.objects.get(meeting=meeting, person=person)
    return participant.reply, participant.leave_reason


def test_approval_marks_the_person_on_leave_in_meetings_then(office, term, django_capture_on_commit_callbacks):
    person = office.staff.person
    planning = meeting_on(office, term, at(D(2026, 12, 14), 9))
    noticed = meeting_on(office, term, at(D(2026, 12, 16), 15), state=State.NOTICED)
    just_after_midnight = meeting_on(office, term, at(D(2026, 12, 14), 0, 30))  # the 13th in UTC
    late_evening = meeting_on(office, term, at(D(2026, 12, 16), 23, 0))  # the 16th in Shanghai, not UTC's 17th
    before = meeting_on(office, term, at(D(2026, 12, 13), 23, 0))
    after = meeting_on(office, term, at(D(2026, 12, 17), 0, 30))
    in_session = meeting_on(office, term, at(D(2026, 12, 15), 9), state=State.IN_SESSION)
    signed = meeting_on(office, term, at(D(2026, 12, 15), 14), state=State.NOTICED)
    Participant.objects.filter(meeting=signed, person=person).update(reply=Reply.ATTEND, signed_in_at=at(D(2026, 12, 15), 13, 50))

    entry = leave(office, person, leave_type=LeaveType.SICK)
    with django_capture_on_commit_callbacks(execute=True):
        services.leave_decide(leave=entry, actor=office.director, approve=True)

    marked = (Reply.LEAVE, "病假（请假登记）")
    for meeting in (planning, noticed, just_after_midnight, late_evening):
        assert reply_of(meeting, person) == marked, meeting.start
        assert Participant.objects.get(meeting=meeting, person=person).replied_at is not None
    for meeting in (before, after, in_session):
        assert reply_of(meeting, person) == (Reply.PENDING, ""), meeting.start
    assert reply_of(signed, person) == (Reply.ATTEND, "")
    # Only the person on leave.
    assert reply_of(planning, office.driver.person) == (Reply.PENDING, "")


def test_refusal_or_a_pending_leave_marks_nothing(office, term, django_capture_on_commit_callbacks):
    meeting = meeting_on(office, term, at(D(2026, 12, 15), 9))
    entry = leave(office, office.staff.person)
    assert reply_of(meeting, office.staff.person) == (Reply.PENDING, "")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.leave_decide(leave=entry, actor=office.director, approve=False)
    assert callbacks == []
    assert reply_of(meeting, office.staff.person) == (Reply.PENDING, "")


@pytest.fixture
def car(db):
    return Vehicle.objects.create(plate="苏A·G8001", model="别克GL8", seats=6, odometer=12000,
                                  insurance_expires=D(2031, 1, 1), inspection_expires=D(2031, 1, 1))


def approved_trip(office, day):
    trip = logistics.trip_request(actor=office.liaison_a, purpose="赴街道调研", destination="清河街道", passengers=2,
                                  start=at(day, 9), end=at(day, 11), distance_km=30)
    return logistics.trip_decide(trip=trip, actor=office.director, approve=True)


def test_a_driver_on_leave_is_not_dispatched(office, car):
    approved(office, office.driver.person, leave_type=LeaveType.ANNUAL)
    with pytest.raises(logistics.BookingRefused, match="^该驾驶员请假（年休假），不能派车$"):
        logistics.vehicle_book(vehicle=car, driver=office.driver, start=at(D(2026, 12, 16), 17), end=at(D(2026, 12, 17), 9),
                               purpose="接站", booked_by=office.staff, owner=car)
    trip = approved_trip(office, D(2026, 12, 15))
    before = snapshot(trip)
    with pytest.raises(TransitionRefused, match="^该驾驶员请假（年休假），不能派车$"):
        logistics.trip_dispatch(trip=trip, actor=office.staff, vehicle=car, driver=office.driver)
    assert snapshot(trip) == before and fetch(trip).state == TripState.APPROVED
    assert VehicleBooking.objects.count() == 0
    # The day after the leave, the driver may go.
    other = approved_trip(office, D(2026, 12, 17))
    assert logistics.trip_dispatch(trip=other, actor=office.staff, vehicle=car, driver=office.driver).state == TripState.DISPATCHED


def test_a_pending_leave_does_not_stop_a_dispatch(office, car):
    leave(office, office.driver.person)
    trip = approved_trip(office, D(2026, 12, 15))
    assert logistics.trip_dispatch(trip=trip, actor=office.staff, vehicle=car, driver=office.driver).state == TripState.DISPATCHED


def test_leave_is_a_commitment_and_a_leader_on_leave_clashes_with_a_meeting(office, term):
    entry = leave(office, office.leader.person, D(2026, 12, 14), D(2026, 12, 15), leave_type=LeaveType.BUSINESS)
    start, end = at(D(2026, 12, 15), 15), at(D(2026, 12, 15), 17)
    assert [c for c in commitments([office.leader.person.pk], start, end) if c.key.startswith("leave:")] == []
    services.leave_decide(leave=entry, actor=entry.approver, approve=True)
    [commitment] = commitments([office.leader.person.pk], start, end)
    assert (commitment.person_id, commitment.title, commitment.key, commitment.url) == (
        office.leader.person.pk, "请假（公差）", f"leave:{entry.pk}", "/conduct/leave/")
    assert commitment.start == at(D(2026, 12, 14), 0) and commitment.end.date() == D(2026, 12, 15)
    assert commitments([office.leader.person.pk], at(D(2026, 12, 16), 9), at(D(2026, 12, 16), 10)) == []
    assert commitments([office.leader.person.pk], at(D(2026, 12, 13), 9), at(D(2026, 12, 13), 10)) == []

    with pytest.raises(meetings.ClashWarning) as warning:
        meetings.meeting_create(actor=office.staff, kind=Kind.COUNCIL, term=term, start=start, end=end,
                                convener=office.leader.person, venue="机关会议室")
    [clash] = warning.value.clashes
    assert (clash.person, clash.title) == (office.leader.person, "请假（公差）")
    assert str(clash).startswith("李副主任：") and "请假（公差）" in str(clash)
    # Confirmed anyway, the meeting is saved; another day has no clash.
    meeting = meetings.meeting_create(actor=office.staff, kind=Kind.COUNCIL, term=term, start=at(D(2026, 12, 16), 9),
                                      end=at(D(2026, 12, 16), 11), convener=office.leader.person, venue="机关会议室")
    assert meetings.meeting_clashes(meeting) == []


# --- 6. the duty roster --------------------------------------------------------------------------------------------

# 2026-09-19 (Sat) .. 10-11 (Sun): Sat 09-19 off; Sun 09-20 a 调休 working day; 09-25..27
# the Mid-autumn holiday; 10-01..07 National Day; Sat 10-10 a 调休 working day; Sun 10-11 off.
PERIOD = (D(2026, 9, 19), D(2026, 10, 11))
DAYS_OFF = [D(2026, 9, 19), D(2026, 9, 25), D(2026, 9, 26), D(2026, 9, 27)] + [D(2026, 10, d) for d in range(1, 8)] + [D(2026, 10, 11)]


@pytest.fixture
def rota(office):
    return [office.duty.person, office.staff.person, office.canteen.person]


def roster(office, rota, **kwargs):
    kwargs.setdefault("start", PERIOD[0])
    kwargs.setdefault("end", PERIOD[1])
    return services.roster_generate(actor=kwargs.pop("actor", office.duty), rota=rota, **kwargs)


def table():
    return [(s.date, s.kind, s.person.name) for s in DutyShift.objects.select_related("person").order_by("date", "kind")]


def test_the_calendar_of_the_period(office):
    day, off = PERIOD[0], []
    while day <= PERIOD[1]:
        if not calendar.is_working_day(day):
            off.append(day)
        day += datetime.timedelta(days=1)
    assert off == DAYS_OFF


def test_shifts_on_days_off_only_the_rota_in_turn(office, rota):
    created = roster(office, rota)
    names = [p.name for p in rota]
    assert [(s.date, s.kind, s.person.name) for s in created] == [
        (day, DutyShift.Kind.DAY, names[i % 3]) for i, day in enumerate(DAYS_OFF)
    ]
    assert D(2026, 9, 20) not in {s.date for s in created} and D(2026, 10, 10) not in {s.date for s in created}
    assert len(table()) == 12


def test_special_days_are_24_hour_shifts_even_on_a_working_day(office, rota):
    full = {D(2026, 9, 30), D(2026, 10, 1), D(2026, 10, 2)}  # 09-30 is a working day before the holiday
    created = roster(office, rota, full_days=full)
    kinds = {s.date: s.kind for s in created}
    assert {day for day, kind in kinds.items() if kind == DutyShift.Kind.FULL} == full
    assert kinds[D(2026, 10, 3)] == DutyShift.Kind.DAY
    assert len(created) == 13
    order = sorted(DAYS_OFF + [D(2026, 9, 30)])
    assert [s.person for s in sorted(created, key=lambda s: s.date)] == [rota[i % 3] for i in range(len(order))]


def test_people_on_leave_are_skipped(office, rota):
    approved(office, office.staff.person, D(2026, 10, 1), D(2026, 10, 3))
    duty, staff, canteen = rota
    created = [(s.date, s.person) for s in roster(office, rota)]
    # The turn passes on: 10-01 and 10-03 would be 杨科员's, who is away; the next in the rota takes them.
    assert created == list(zip(DAYS_OFF, [duty, staff, canteen, duty, canteen, duty, canteen, duty, staff, canteen, duty, staff]))
    # A requested (not yet approved) leave does not count.
    DutyShift.objects.all().delete()
    Leave.objects.all().delete()
    leave(office, office.staff.person, D(2026, 10, 1), D(2026, 10, 3))
    assert {s.date: s.person for s in roster(office, rota)}[D(2026, 10, 1)] == office.staff.person


def test_a_second_run_keeps_the_shifts(office, rota):
    roster(office, rota)
    first = table()
    assert roster(office, list(reversed(rota))) == []
    assert table() == first


def test_an_existing_shift_is_kept_and_its_day_skipped(office, rota):
    DutyShift.objects.create(date=D(2026, 10, 5), kind=DutyShift.Kind.DAY, person=office.director.person)
    created = roster(office, rota)
    assert D(2026, 10, 5) not in {s.date for s in created}
    assert len(created) == 11
    assert DutyShift.objects.get(date=D(2026, 10, 5)).person == office.director.person


@pytest.mark.parametrize("who", ["duty", "staff", "director"])
def test_roster_by_the_office_or_the_duty_office(office, rota, who):
    assert len(roster(office, rota, actor=getattr(office, who))) == 12


def test_roster_refusals(office, rota):
    with pytest.raises(TransitionRefused, match="^只有办公室或值班室可以排班$"):
        roster(office, rota, actor=office.liaison_a)
    with pytest.raises(TransitionRefused, match="^只有办公室或值班室可以排班$"):
        roster(office, rota, actor=office.leader)
    with pytest.raises(TransitionRefused, match="^请选择轮值人员$"):
        roster(office, [])
    with pytest.raises(TransitionRefused, match="^结束日期不能早于开始日期$"):
        roster(office, rota, start=D(2026, 10, 2), end=D(2026, 10, 1))
    assert DutyShift.objects.count() == 0


def test_on_duty(office, rota):
    roster(office, rota, full_days={D(2026, 10, 1)})
    # 10-01 is the fifth day off: the rota's second person (index 4 % 3).
    assert [(s.kind, s.person) for s in services.on_duty(D(2026, 10, 1))] == [(DutyShift.Kind.FULL, rota[1])]
    assert list(services.on_duty(D(2026, 9, 20))) == []


# --- swaps ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def shift(office):
    return DutyShift.objects.create(date=D(2026, 12, 19), kind=DutyShift.Kind.DAY, person=office.staff.person)


@pytest.mark.parametrize("who", ["staff", "duty", "director"])
def test_swap_request_by_the_person_or_the_duty_office(office, shift, who):
    swap = services.swap_request(shift=shift, actor=getattr(office, who), substitute=office.canteen.person, reason="  家中有事 ")
    swap = fetch(swap)
    assert (swap.shift, swap.substitute, swap.reason, swap.state, swap.requested_by, swap.decided_by) == (
        shift, office.canteen.person, "家中有事", Swap.State.REQUESTED, getattr(office, who), None)
    assert fetch(shift).person == office.staff.person


def test_swap_request_refusals(office, shift):
    with pytest.raises(TransitionRefused, match="^只有本人或值班室可以申请换班$"):
        services.swap_request(shift=shift, actor=office.canteen, substitute=office.canteen.person, reason="替班")
    with pytest.raises(TransitionRefused, match="^替班人不能是本人$"):
        services.swap_request(shift=shift, actor=office.staff, substitute=office.staff.person, reason="替班")
    with pytest.raises(TransitionRefused, match="^请填写换班原因$"):
        services.swap_request(shift=shift, actor=office.staff, substitute=office.canteen.person, reason=" ")
    assert Swap.objects.count() == 0


def test_the_director_approves_a_swap_and_the_shift_changes_hands(office, shift):
    swap = services.swap_request(shift=shift, actor=office.staff, substitute=office.canteen.person, reason="家中有事")
    for who in ("staff", "duty", "leader"):
        with pytest.raises(TransitionRefused, match="^换班须由办公室主任审批$"):
            services.swap_decide(swap=swap, actor=getattr(office, who), approve=True)
    assert fetch(swap).state == Swap.State.REQUESTED and fetch(shift).person == office.staff.person
    services.swap_decide(swap=swap, actor=office.director, approve=True)
    assert (fetch(swap).state, fetch(swap).decided_by) == (Swap.State.APPROVED, office.director)
    assert fetch(shift).person == office.canteen.person
    with pytest.raises(TransitionRefused, match="^该申请已审批$"):
        services.swap_decide(swap=swap, actor=office.director, approve=False)


def test_a_refused_swap_keeps_the_shift(office, shift):
    swap = services.swap_request(shift=shift, actor=office.staff, substitute=office.canteen.person, reason="家中有事")
    services.swap_decide(swap=swap, actor=office.director, approve=False)
    assert fetch(swap).state == Swap.State.REFUSED
    assert fetch(shift).person == office.staff.person


def test_a_swap_to_someone_on_leave_that_day_is_refused(office, shift):
    approved(office, office.canteen.person, D(2026, 12, 18), D(2026, 12, 20))
    with pytest.raises(TransitionRefused):
        swap = services.swap_request(shift=shift, actor=office.staff, substitute=office.canteen.person, reason="家中有事")
        services.swap_decide(swap=swap, actor=office.director, approve=True)
    assert fetch(shift).person == office.staff.person


# --- the duty log and hand-over ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "duty", "director"])
def test_the_person_on_duty_or_the_duty_office_writes_the_log(office, shift, who):
    services.duty_log(shift=shift, actor=getattr(office, who), text="  09:10 接区政府办来电，已转主任。 ")
    assert fetch(shift).log == "09:10 接区政府办来电，已转主任。"
    assert fetch(shift).handed_over_at is None


@pytest.mark.parametrize("who", ["canteen", "liaison_a", "leader", "driver"])
def test_others_do_not_write_the_log(office, shift, who):
    before = snapshot(shift)
    with pytest.raises(TransitionRefused, match="^只有当班人员可以填写值班记录$"):
        services.duty_log(shift=shift, actor=getattr(office, who), text="记录")
    assert snapshot(shift) == before


def test_hand_over_locks_the_log(office, shift):
    services.duty_log(shift=shift, actor=office.staff, text="上午无事")
    services.duty_log(shift=shift, actor=office.staff, text="全天无事，已交班", hand_over=True)
    shift = fetch(shift)
    assert shift.log == "全天无事，已交班" and shift.handed_over_at is not None
    before = snapshot(shift)
    for who in ("staff", "duty", "director"):
        with pytest.raises(TransitionRefused, match="^已交班，记录不能再修改$"):
            services.duty_log(shift=shift, actor=getattr(office, who), text="补记")
    assert snapshot(shift) == before
