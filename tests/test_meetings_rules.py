"""The legal rules of the 三会: thresholds in integers, the quorum counted against all
members of the body on the meeting's date, votes passed by more than half of ALL
members, the per-kind settings, and the rostrum's seating order."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from meetings import services
from meetings.models import Kind, KindRule, QuorumRule, Role, Vote, threshold
from office.models import Body
from office.workflow import TransitionRefused
from tests.factories import MembershipFactory, PersonFactory, TermFactory

TZ = ZoneInfo("Asia/Shanghai")
D = datetime.date
MORE, TWO = QuorumRule.MORE_THAN_HALF, QuorumRule.TWO_THIRDS
DAY = D(2026, 12, 10)  # a Thursday


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


# --- threshold ------------------------------------------------------------------


@pytest.mark.parametrize(
    "total, expected",
    [(35, 18), (34, 18), (1, 1), (2, 2), (3, 2), (4, 3), (99, 50), (100, 51), (0, 1)],
)
def test_more_than_half_is_the_smallest_count_above_half(total, expected):
    # 0 → 1: a body with no members can never be quorate nor pass anything.
    assert threshold(MORE, total) == expected
    assert threshold(MORE, total) * 2 > total
    assert (threshold(MORE, total) - 1) * 2 <= total


@pytest.mark.parametrize(
    "total, expected",
    [(99, 66), (100, 67), (3, 2), (1, 1), (2, 2), (6, 4), (7, 5), (300, 200), (301, 201)],
)
def test_two_thirds_includes_the_number_itself(total, expected):
    # 三分之二以上: 66 of 99 is exactly two thirds and is enough.
    assert threshold(TWO, total) == expected
    assert threshold(TWO, total) * 3 >= 2 * total
    assert (threshold(TWO, total) - 1) * 3 < 2 * total


def test_thresholds_use_integer_arithmetic_not_floats():
    # A float computation of 2n/3 rounds 2e17 + 2/3 down to 2e17 and gets this wrong.
    n = 3 * 10**17 + 1
    assert threshold(TWO, n) == 2 * 10**17 + 1
    assert threshold(MORE, 2 * 10**17 + 1) == 10**17 + 1


def test_two_thirds_of_an_empty_body_is_not_zero():
    assert threshold(TWO, 0) == 1


def test_threshold_refuses_an_unknown_rule():
    with pytest.raises(ValueError):
        threshold("unanimous", 10)


# --- fixtures -------------------------------------------------------------------


@pytest.fixture
def term(db):
    return TermFactory()


@pytest.fixture
def chair(db):
    return PersonFactory(name="王主持", protocol_rank=1)


def members(term, count, body=Body.STANDING_COMMITTEE, start_date=D(2022, 1, 6), end_date=None):
    return [
        MembershipFactory(term=term, body=body, start_date=start_date, end_date=end_date).person for _ in range(count)
    ]


def meeting_for(office, term, chair, *, kind=Kind.STANDING, start=None, hours=3):
    start = start or at(DAY, 9)
    return services.meeting_create(
        actor=office.staff, kind=kind, term=term, start=start, end=start + datetime.timedelta(hours=hours),
        convener=chair, venue="区人大机关会议中心",
    )


def notice(office, meeting, people, role=Role.ATTEND, report=False):
    """Through the real workflow up to 已发通知 (sign-in starts then): plan approved,
    people invited, agenda, notice. Returns the vote item (and a non-vote report item
    with report=True)."""
    services.meeting_transition(meeting=meeting, action="approve_plan", actor=office.director)
    services.participants_invite(meeting=meeting, actor=office.staff, people=people, role=role)
    item = services.agenda_add(meeting=meeting, actor=office.staff, title="表决关于优化营商环境的决议（草案）", to_vote=True)
    other = services.agenda_add(meeting=meeting, actor=office.staff, title="听取区人民政府工作汇报") if report else None
    services.meeting_transition(meeting=meeting, action="send_notice", actor=office.staff)
    return (item, other) if report else item


def open_(office, meeting):
    """宣布开会 (once enough members have signed in)."""
    services.meeting_transition(meeting=meeting, action="open", actor=office.staff)


def sign_in(office, meeting, people):
    for participant in meeting.participants.filter(person__in=people):
        services.sign_in(participant=participant, actor=office.staff)


# --- quorum ---------------------------------------------------------------------


def test_quorum_counts_all_members_on_the_date_and_only_signed_in_voting_members(office, term, chair):
    body = members(term, 35)
    # Not members on 12-10: the seat fell vacant before, or the appointment comes after.
    vacated = members(term, 1, end_date=D(2026, 12, 9))[0]
    appointed_later = members(term, 1, start_date=D(2026, 12, 11))[0]
    # Other bodies and other terms do not count either.
    council = members(term, 2, body=Body.COUNCIL)
    other_term = members(TermFactory(number=15, start_date=D(2017, 1, 6)), 3)
    guest = PersonFactory(name="区长")  # 列席, not a member
    clerk = PersonFactory(name="记录员")

    meeting = meeting_for(office, term, chair)
    quorum = services.quorum_status(meeting)
    assert (quorum.members, quorum.required, quorum.present, quorum.met) == (35, 18, 0, False)
    assert quorum.rule_label == "全体组成人员过半数"

    services.participants_invite(meeting=meeting, actor=office.staff, people=[guest, body[30]], role=Role.NONVOTING)
    services.participants_invite(meeting=meeting, actor=office.staff, people=[clerk], role=Role.STAFF)
    notice(office, meeting, body[:30] + [vacated, appointed_later, *council, *other_term])
    # Everyone who does not count signs in: 列席 (even a member invited as 列席), 工作人员,
    # non-members invited as 出席.
    sign_in(office, meeting, [vacated, appointed_later, *council, *other_term, guest, body[30], clerk])
    sign_in(office, meeting, body[:17])
    quorum = services.quorum_status(meeting)
    assert (quorum.members, quorum.required, quorum.present, quorum.met) == (35, 18, 17, False)

    sign_in(office, meeting, body[17:18])
    quorum = services.quorum_status(meeting)
    assert (quorum.present, quorum.met) == (18, True)


@pytest.mark.parametrize("size, required", [(34, 18), (35, 18), (14, 8), (15, 8)])
def test_quorum_is_met_exactly_at_the_threshold_for_even_and_odd_bodies(office, term, chair, size, required):
    body = members(term, size)
    meeting = meeting_for(office, term, chair)
    notice(office, meeting, body)
    sign_in(office, meeting, body[: required - 1])
    one_short = services.quorum_status(meeting)
    assert (one_short.members, one_short.required, one_short.present, one_short.met) == (size, required, required - 1, False)
    sign_in(office, meeting, body[required - 1 : required])
    assert services.quorum_status(meeting).met is True


def test_membership_boundaries_are_inclusive_on_the_meeting_day(office, term, chair):
    members(term, 3)
    ends_that_day = members(term, 1, end_date=DAY)
    starts_that_day = members(term, 1, start_date=DAY)
    members(term, 1, end_date=DAY - datetime.timedelta(days=1))
    members(term, 1, start_date=DAY + datetime.timedelta(days=1))
    meeting = meeting_for(office, term, chair)
    assert set(services.body_members(meeting)) >= set(ends_that_day + starts_that_day)
    assert services.quorum_status(meeting).members == 5


def test_the_meeting_date_is_the_local_date(office, term, chair):
    # 07:30 in Shanghai is still the previous day in UTC; a member appointed that
    # morning's date counts, one whose term ended the day before does not.
    members(term, 2)
    members(term, 1, start_date=DAY)
    members(term, 1, end_date=DAY - datetime.timedelta(days=1))
    meeting = meeting_for(office, term, chair, start=at(DAY, 7, 30), hours=2)
    assert meeting.start.astimezone(datetime.timezone.utc).date() == DAY - datetime.timedelta(days=1)
    assert services.quorum_status(meeting).members == 3


def test_congress_needs_two_thirds_of_the_deputies(office, term, chair):
    deputies = members(term, 10, body=Body.CONGRESS)
    members(term, 5)  # standing-committee members are not counted for the congress
    meeting = meeting_for(office, term, chair, kind=Kind.CONGRESS)
    notice(office, meeting, deputies)
    sign_in(office, meeting, deputies[:6])
    quorum = services.quorum_status(meeting)
    assert (quorum.members, quorum.required, quorum.present, quorum.met) == (10, 7, 6, False)
    assert quorum.rule_label == "全体组成人员三分之二以上"
    sign_in(office, meeting, deputies[6:7])
    assert services.quorum_status(meeting).met is True


def test_a_congress_without_deputies_is_not_quorate(office, term, chair):
    meeting = meeting_for(office, term, chair, kind=Kind.CONGRESS)
    assert services.quorum_status(meeting).met is False


def test_a_meeting_without_quorum_cannot_be_opened(office, term, chair):
    body = members(term, 5)
    meeting = meeting_for(office, term, chair)
    notice(office, meeting, body)
    sign_in(office, meeting, body[:2])  # 2 of 5: not more than half
    assert services.quorum_status(meeting).met is False
    with pytest.raises(TransitionRefused):
        open_(office, meeting)


# --- votes ----------------------------------------------------------------------


@pytest.fixture
def session(office, term, chair):
    """A 常委会会议 of 35 members in session with 20 of them signed in."""
    body = members(term, 35)
    meeting = meeting_for(office, term, chair)
    item = notice(office, meeting, body)
    sign_in(office, meeting, body[:20])
    open_(office, meeting)
    return meeting, item, body


def test_a_motion_needs_more_than_half_of_all_members_not_of_those_present(office, session):
    meeting, item, _ = session
    vote = services.vote_record(item=item, actor=office.staff, yes=17, no=2, abstain=1, not_voting=0)
    # 17 of 20 present is a large majority of the room, but not 18 of 35 members.
    assert (vote.passed, vote.members_total, vote.required) == (False, 35, 18)
    assert str(vote).endswith("：未通过")

    vote = services.vote_record(item=item, actor=office.staff, yes=18, no=1, abstain=1, not_voting=0)
    assert (vote.passed, vote.members_total, vote.required) == (True, 35, 18)
    stored = Vote.objects.get(agenda_item=item)  # re-recording replaces the one record
    assert (stored.yes, stored.no, stored.abstain, stored.not_voting) == (18, 1, 1, 0)
    assert (stored.members_total, stored.required, stored.passed, stored.recorded_by) == (35, 18, True, office.staff)
    assert Vote.objects.count() == 1


def test_the_vote_keeps_the_member_count_of_its_time(office, session, term):
    meeting, item, _ = session
    services.vote_record(item=item, actor=office.staff, yes=18, no=0, abstain=0, not_voting=2)
    members(term, 4)  # appointments after the vote do not rewrite it
    vote = Vote.objects.get(agenda_item=item)
    assert (vote.members_total, vote.required, vote.passed) == (35, 18, True)


@pytest.mark.parametrize(
    "counts, message",
    [
        (dict(yes=-1, no=0, abstain=0, not_voting=0), "票数须为不小于0的整数"),
        (dict(yes=10, no=0, abstain=-2, not_voting=0), "票数须为不小于0的整数"),
        (dict(yes=30, no=6, abstain=0, not_voting=0), "票数合计36超过全体组成人员数35"),
        (dict(yes=18, no=2, abstain=1, not_voting=0), "票数合计21超过出席人数20"),
    ],
)
def test_impossible_counts_are_refused_and_nothing_recorded(office, session, counts, message):
    _, item, _ = session
    with pytest.raises(TransitionRefused) as refused:
        services.vote_record(item=item, actor=office.staff, **counts)
    assert str(refused.value) == message
    assert not Vote.objects.exists()


def test_only_vote_items_of_a_meeting_in_session_or_ended_take_votes(office, term, chair):
    body = members(term, 35)
    meeting = meeting_for(office, term, chair)
    item, report = notice(office, meeting, body, report=True)
    sign_in(office, meeting, body[:20])
    open_(office, meeting)
    services.meeting_transition(meeting=meeting, action="close", actor=office.staff)  # ended: still allowed
    with pytest.raises(TransitionRefused, match="^该议题不是表决事项$"):
        services.vote_record(item=report, actor=office.staff, yes=20, no=0, abstain=0, not_voting=0)
    with pytest.raises(TransitionRefused, match="^只有会务工作人员可以登记表决结果$"):
        services.vote_record(item=item, actor=office.leader, yes=20, no=0, abstain=0, not_voting=0)
    assert not Vote.objects.exists()
    services.vote_record(item=item, actor=office.staff, yes=20, no=0, abstain=0, not_voting=0)
    services.meeting_transition(meeting=meeting, action="archive", actor=office.director)
    with pytest.raises(TransitionRefused, match="^会议当前为“已归档”，不能登记表决$"):
        services.vote_record(item=item, actor=office.staff, yes=19, no=1, abstain=0, not_voting=0)
    assert Vote.objects.get(agenda_item=item).yes == 20


def test_no_vote_before_the_meeting_opens(office, term, chair):
    members(term, 5)
    meeting = meeting_for(office, term, chair)
    item = services.agenda_add(meeting=meeting, actor=office.staff, title="表决事项", to_vote=True)
    with pytest.raises(TransitionRefused, match="^会议当前为“筹备中”，不能登记表决$"):
        services.vote_record(item=item, actor=office.staff, yes=5, no=0, abstain=0, not_voting=0)
    services.meeting_transition(meeting=meeting, action="approve_plan", actor=office.director)
    services.participants_invite(meeting=meeting, actor=office.staff, people=[PersonFactory()])
    services.meeting_transition(meeting=meeting, action="send_notice", actor=office.staff)
    with pytest.raises(TransitionRefused, match="^会议当前为“已发通知”，不能登记表决$"):
        services.vote_record(item=item, actor=office.staff, yes=5, no=0, abstain=0, not_voting=0)
    assert not Vote.objects.exists()


# --- rules per kind ---------------------------------------------------------------


def test_default_rules_per_kind_are_in_the_database(db):
    # Written out by hand from the Local Organic Law and the rules of procedure.
    expected = {
        Kind.CONGRESS: (Body.CONGRESS, TWO, MORE, 30),
        Kind.STANDING: (Body.STANDING_COMMITTEE, MORE, MORE, 7),
        Kind.COUNCIL: (Body.COUNCIL, MORE, MORE, 1),
        Kind.COUNCIL_OFFICE: (Body.COUNCIL, MORE, MORE, 1),
    }
    rows = {rule.kind: (rule.body, rule.quorum, rule.pass_rule, rule.notice_days) for rule in KindRule.objects.all()}
    assert rows == expected
    for kind, values in expected.items():
        rule = services.kind_rule(kind)
        assert (rule.body, rule.quorum, rule.pass_rule, rule.notice_days) == values
    # Without its row (deleted in the admin) a kind falls back to the legal default.
    KindRule.objects.filter(kind=Kind.STANDING).delete()
    rule = services.kind_rule(Kind.STANDING)
    assert rule.pk is None
    assert (rule.body, rule.quorum, rule.pass_rule, rule.notice_days) == expected[Kind.STANDING]


def test_notice_deadline_is_seven_days_before_a_standing_meeting(office, term, chair):
    meeting = meeting_for(office, term, chair)
    assert services.notice_deadline(meeting) == D(2026, 12, 3)
    KindRule.objects.filter(kind=Kind.STANDING).update(notice_days=3, notice_working_days=True)
    # 3 working days before Thursday 12-10: Mon 12-07.
    assert services.notice_deadline(meeting) == D(2026, 12, 7)


def test_a_changed_rule_in_the_database_is_used(office, term, chair):
    KindRule.objects.filter(kind=Kind.STANDING).update(quorum=TWO, pass_rule=TWO)
    body = members(term, 35)
    meeting = meeting_for(office, term, chair)
    item = notice(office, meeting, body)
    sign_in(office, meeting, body[:23])
    quorum = services.quorum_status(meeting)
    assert (quorum.required, quorum.met, quorum.rule_label) == (24, False, "全体组成人员三分之二以上")
    sign_in(office, meeting, body[23:30])
    open_(office, meeting)
    vote = services.vote_record(item=item, actor=office.staff, yes=23, no=7, abstain=0, not_voting=0)
    assert (vote.required, vote.passed) == (24, False)
    vote = services.vote_record(item=item, actor=office.staff, yes=24, no=6, abstain=0, not_voting=0)
    assert (vote.required, vote.passed) == (24, True)


def test_a_rule_naming_another_body_counts_that_body(office, term, chair):
    members(term, 7, body=Body.COUNCIL)
    members(term, 30)
    meeting = meeting_for(office, term, chair, kind=Kind.COUNCIL)
    assert services.quorum_status(meeting).members == 7
    KindRule.objects.filter(kind=Kind.COUNCIL).update(body=Body.STANDING_COMMITTEE)
    assert services.quorum_status(meeting).members == 30


# --- the rostrum ------------------------------------------------------------------

# Seat index 0 is the far left as seen by the people seated on the rostrum (facing
# the hall). Odd: first in the centre, second on their left (index - 1), third on
# their right (index + 1), alternating outward. Even: first just left of the centre
# line, second just right of it, third further left, fourth further right, ...
ROSTRUM = {
    1: [0],
    2: [0, 1],
    3: [1, 0, 2],
    4: [1, 2, 0, 3],
    5: [2, 1, 3, 0, 4],
    6: [2, 3, 1, 4, 0, 5],
    7: [3, 2, 4, 1, 5, 0, 6],
    8: [3, 4, 2, 5, 1, 6, 0, 7],
    9: [4, 3, 5, 2, 6, 1, 7, 0, 8],
}


@pytest.mark.parametrize("count", sorted(ROSTRUM))
def test_rostrum_order(count):
    assert services.rostrum_order(count) == ROSTRUM[count]


def test_rostrum_order_of_nobody():
    assert services.rostrum_order(0) == []
    assert services.rostrum_seats([]) == []


def test_rostrum_seats_place_people_in_rank_order():
    # Ranks 1..5 → seen by the seated, left to right: 4 2 1 3 5.
    assert services.rostrum_seats(["一", "二", "三", "四", "五"]) == ["四", "二", "一", "三", "五"]
    # Ranks 1..6 → 5 3 1 2 4 6.
    assert services.rostrum_seats(["一", "二", "三", "四", "五", "六"]) == ["五", "三", "一", "二", "四", "六"]
    assert services.rostrum_seats(["一", "二"]) == ["一", "二"]
    assert services.rostrum_seats(["一"]) == ["一"]
