"""The "today" registry (office.today): every duty's provider answers for the right
people — 督办 for the lead unit's liaison and the supervisor, 办文 for the leader
whose turn it is to write 批示, 办会 checklist tasks by role, 办事 trips for the
driver, 作风 proposals and leave for the director — and the end-of-day check
"我今天的任务完成了吗？" that messages only people with items due, once a day."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from conduct import services as conduct
from conduct.models import Category, DutyShift, LeaveType, Proposal, SubKind
from documents import services as documents
from logistics import services as logistics
from logistics.models import Vehicle
from meetings import services as meetings
from meetings.models import ChecklistTask, Kind
from office import calendar
from office.models import Message
from office.roles import Role
from office.today import TodayItem, items_for
from supervision import services as supervision
from tests.factories import PersonFactory, TermFactory, UnitFactory, UserFactory

D = datetime.date
TZ = ZoneInfo("Asia/Shanghai")
DAY = D(2026, 12, 10)  # a Thursday; the next working day is Fri 12-11

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def inbox_only(settings):
    settings.NOTIFICATION_CHANNELS = []


def at(day, hour, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def titles(user, day=DAY, duty=None):
    return [(item.duty, item.title, item.due) for item in items_for(user, day) if duty is None or item.duty == duty]


def second_leader():
    user = UserFactory(username="leader2", roles=[Role.LEADER])
    PersonFactory(name="王副主任", unit=UnitFactory(name="常委会领导办公室", kind="leadership"), user=user, protocol_rank=3)
    return user


# --- the records, one per duty ----------------------------------------------------------------------


@pytest.fixture
def overdue_item(office):
    """Normal (7 working days) from Mon 11-30: deadline Wed 12-09, overdue on 12-10."""
    item = supervision.item_register(actor=office.staff, title="落实审议意见", requirements="按期报送。", source="other",
                                     urgency="normal", lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader)
    item = supervision.item_assign(item=item, actor=office.staff, assigned_on=D(2026, 11, 30))
    assert item.deadline == D(2026, 12, 9)
    return item


@pytest.fixture
def proposed_doc(office):
    """A 收文 waiting for 批示 by 李副主任 first, then 王副主任."""
    doc = documents.incoming_register(actor=office.staff, from_unit="市人大常委会办公室", title="关于开展执法检查的函", doc_type="letter",
                                      received_on=D(2026, 12, 7), due_date=DAY)
    documents.incoming_review(doc=doc, actor=office.staff, accept=True)
    documents.incoming_propose(doc=doc, actor=office.staff, proposal="拟请李副主任、王副主任阅示。", leaders=[office.leader, second_leader()])
    return type(doc).objects.get(pk=doc.pk)


@pytest.fixture
def one_leader_doc(office):
    """A 收文 waiting for 批示 by 李副主任 alone."""
    doc = documents.incoming_register(actor=office.staff, from_unit="市委办公室", title="关于征求意见的函", doc_type="letter",
                                      received_on=D(2026, 12, 7), due_date=DAY)
    documents.incoming_review(doc=doc, actor=office.staff, accept=True)
    documents.incoming_propose(doc=doc, actor=office.staff, proposal="拟请李副主任阅示。", leaders=[office.leader])
    return type(doc).objects.get(pk=doc.pk)


@pytest.fixture
def meeting_tasks(office):
    """A meeting whose checklist is far ahead, except a staff and a director task due today."""
    meeting = meetings.meeting_create(actor=office.staff, kind=Kind.STANDING, term=TermFactory(), start=at(D(2026, 12, 28), 9),
                                      end=at(D(2026, 12, 28), 12), convener=PersonFactory(name="王召集"), venue="机关会议中心")
    meeting.checklist.update(due_date=D(2026, 12, 28))
    staff_task = meeting.checklist.filter(owner_role=Role.STAFF).order_by("order").first()
    director_task = meeting.checklist.filter(owner_role=Role.DIRECTOR).order_by("order").first()
    done_task = meeting.checklist.filter(owner_role=Role.STAFF).order_by("order")[1]
    ChecklistTask.objects.filter(pk__in=[staff_task.pk, director_task.pk, done_task.pk]).update(due_date=DAY)
    meetings.task_done(task=done_task, actor=office.staff)
    return {"meeting": meeting, "staff": staff_task, "director": director_task, "done": done_task}


@pytest.fixture
def trip_today(office):
    car = Vehicle.objects.create(plate="苏A·G8001", model="别克GL8", seats=6, odometer=12000,
                                 insurance_expires=D(2031, 1, 1), inspection_expires=D(2031, 1, 1))
    trip = logistics.trip_request(actor=office.liaison_a, purpose="赴街道调研", destination="清河街道", passengers=2,
                                  start=at(DAY, 9, 30), end=at(DAY, 11), distance_km=30)
    trip = logistics.trip_decide(trip=trip, actor=office.director, approve=True)
    return logistics.trip_dispatch(trip=trip, actor=office.staff, vehicle=car, driver=office.driver)


@pytest.fixture
def conduct_waiting(office):
    """An open proposal and a leave request for the director; a duty shift today."""
    Proposal.objects.create(key="test:1", category=Category.AFFAIRS, sub_kind=SubKind.DELAY, summary="某事项超期", occurred_on=D(2026, 12, 9))
    Proposal.objects.create(key="test:2", category=Category.AFFAIRS, sub_kind=SubKind.DELAY, summary="另一事项超期", occurred_on=D(2026, 12, 9))
    Proposal.objects.create(key="test:3", category=Category.AFFAIRS, sub_kind=SubKind.DELAY, summary="已排除", occurred_on=D(2026, 12, 9),
                            state=Proposal.State.DISMISSED)
    leave = conduct.leave_register(actor=office.duty, person=office.staff.person, leave_type=LeaveType.ANNUAL,
                                   start=D(2026, 12, 14), end=D(2026, 12, 15), reason="年休假")
    shift = DutyShift.objects.create(date=DAY, kind=DutyShift.Kind.FULL, person=office.duty.person)
    return {"leave": leave, "shift": shift}


@pytest.fixture
def everything(overdue_item, one_leader_doc, meeting_tasks, trip_today, conduct_waiting):
    return {"item": overdue_item, "doc": one_leader_doc, "tasks": meeting_tasks, "trip": trip_today, **conduct_waiting}


# --- 7. items_for -----------------------------------------------------------------------------------------


def test_the_lead_units_liaison_sees_the_overdue_item(office, overdue_item):
    assert titles(office.liaison_a) == [("督办", f"{overdue_item.number} 落实审议意见", D(2026, 12, 9))]
    assert [item.url for item in items_for(office.liaison_a, DAY)] == [overdue_item.get_absolute_url()]
    assert titles(office.liaison_b) == []


def test_an_item_due_on_the_next_working_day_is_shown_one_further_is_not(office, overdue_item):
    # On Thu 12-03 the horizon is Fri 12-04; on Tue 12-08 it is Wed 12-09 (the deadline).
    assert titles(office.liaison_a, D(2026, 12, 3)) == []
    assert titles(office.liaison_a, D(2026, 12, 8)) == [("督办", f"{overdue_item.number} 落实审议意见", D(2026, 12, 9))]


def test_the_supervisor_sees_the_item_too(office, overdue_item):
    assert titles(office.staff, duty="督办") == [("督办", f"跟踪催办 {overdue_item.number} 落实审议意见", D(2026, 12, 9))]
    # Another staff member who does not supervise it does not.
    other = UserFactory(username="staff2", roles=[Role.STAFF])
    PersonFactory(name="钱科员", unit=office.office_unit, user=other)
    assert titles(other, duty="督办") == []


def test_a_reported_item_leaves_the_liaisons_list_and_waits_on_the_leader(office, overdue_item):
    supervision.item_report_completion(item=overdue_item, actor=office.liaison_a, report="已办结。")
    assert titles(office.liaison_a) == []
    assert titles(office.leader, duty="督办") == [("督办", f"待审核 {overdue_item.number} 落实审议意见", None)]


def test_the_leader_whose_turn_it_is_sees_the_document_to_instruct(office, proposed_doc):
    expected = [("办文", f"待批示 {proposed_doc.number} 关于开展执法检查的函", DAY)]
    assert titles(office.leader, duty="办文") == expected
    leader2 = type(office.leader).objects.get(username="leader2")
    documents.incoming_instruct(doc=proposed_doc, actor=office.leader, text="请财经工委研究。")
    assert titles(office.leader, duty="办文") == []
    assert titles(leader2, duty="办文") == expected


def test_the_second_leader_does_not_see_it_before_their_turn(office, proposed_doc):
    leader2 = type(office.leader).objects.get(username="leader2")
    assert titles(leader2, duty="办文") == []


def test_a_secret_documents_title_is_hidden(office):
    doc = documents.incoming_register(actor=office.staff, from_unit="市委办公室", title="关于某项绝密工作的请示", doc_type="letter",
                                      received_on=D(2026, 12, 7), due_date=DAY, secrecy="secret", secrecy_term="10年")
    documents.incoming_review(doc=doc, actor=office.staff, accept=True)
    documents.incoming_propose(doc=doc, actor=office.staff, proposal="请阅示。", leaders=[office.leader])
    assert titles(office.leader, duty="办文") == [("办文", f"待批示 {doc.number} （涉密公文）", DAY)]


def test_staff_see_the_checklist_task_of_their_role_due_today(office, meeting_tasks):
    meeting, task = meeting_tasks["meeting"], meeting_tasks["staff"]
    assert titles(office.staff, duty="办会") == [("办会", f"{task.title}（{meeting.name}）", DAY)]
    assert [i.url for i in items_for(office.staff, DAY) if i.duty == "办会"] == [meeting.get_absolute_url() + "#checklist"]
    director_task = meeting_tasks["director"]
    assert titles(office.director, duty="办会") == [("办会", f"{director_task.title}（{meeting.name}）", DAY)]
    assert titles(office.driver, duty="办会") == []
    # A task given to a named person is theirs, not the role's.
    ChecklistTask.objects.filter(pk=task.pk).update(owner=office.duty)
    assert titles(office.staff, duty="办会") == []
    assert titles(office.duty, duty="办会") == [("办会", f"{task.title}（{meeting.name}）", DAY)]


def test_a_task_due_tomorrow_shows_the_day_before(office, meeting_tasks):
    ChecklistTask.objects.filter(pk=meeting_tasks["staff"].pk).update(due_date=DAY + datetime.timedelta(days=1))
    assert [due for _, _, due in titles(office.staff, duty="办会")] == [DAY + datetime.timedelta(days=1)]
    ChecklistTask.objects.filter(pk=meeting_tasks["staff"].pk).update(due_date=DAY + datetime.timedelta(days=2))
    assert titles(office.staff, duty="办会") == []


def test_the_driver_sees_todays_trip(office, trip_today):
    assert titles(office.driver) == [("办事", "出车 09:30 清河街道", DAY)]
    assert titles(office.driver, D(2026, 12, 9)) == []
    logistics.trip_return(trip=trip_today, actor=office.driver, odometer_end=12060)
    assert titles(office.driver) == []


def test_the_director_sees_open_proposals_and_leave_to_approve(office, conduct_waiting):
    assert titles(office.director, duty="作风") == [
        ("作风", "审批请假 杨科员（2026-12-14起）", D(2026, 12, 14)),
        ("作风", "差错线索待确认 2 条", None),
    ]
    # Others see neither.
    assert titles(office.staff, duty="作风") == []
    assert titles(office.leader, duty="作风") == []
    conduct.leave_decide(leave=conduct_waiting["leave"], actor=office.director, approve=True)
    assert titles(office.director, duty="作风") == [("作风", "差错线索待确认 2 条", None)]


def test_the_leader_sees_the_directors_leave_to_approve(office):
    conduct.leave_register(actor=office.duty, person=office.director.person, leave_type=LeaveType.PERSONAL,
                           start=D(2026, 12, 11), end=D(2026, 12, 11), reason="家中有事")
    assert titles(office.leader, duty="作风") == [("作风", "审批请假 孙主任（2026-12-11起）", D(2026, 12, 11))]
    assert titles(office.director, duty="作风") == []


def test_the_person_on_duty_sees_the_shift(office, conduct_waiting):
    assert titles(office.duty) == [("作风", "今日值班（24小时），下班前填写值班记录", DAY)]
    assert titles(office.duty, DAY + datetime.timedelta(days=1)) == []


def test_items_from_several_duties_come_sorted_by_due_date(office, everything):
    found = titles(office.staff)
    assert [duty for duty, _, _ in found] == ["督办", "办会"]
    assert [due for _, _, due in found] == [D(2026, 12, 9), DAY]
    director = titles(office.director)
    # Dated items first (by date), then undated ones.
    assert [due for _, _, due in director] == [DAY, D(2026, 12, 14), None]


# --- the end-of-day check --------------------------------------------------------------------------------------------


def end_of_day_messages():
    return {m.recipient.username: m for m in Message.objects.filter(event_key__startswith="conduct:end-of-day:").select_related("recipient")}


def test_end_of_day_messages_only_people_with_items_due(office, everything):
    sent = conduct.end_of_day_send(DAY)
    messages = end_of_day_messages()
    # The director's items today: a checklist task (due) — the proposals and the leave from 12-14 are not due.
    assert sorted(messages) == ["director", "driver", "duty", "leader", "liaison", "staff"]
    assert sent == 6
    assert messages["leader"].body == f"今日事今日毕，以下事项今天到期：\n· [办文] 待批示 {everything['doc'].number} 关于征求意见的函"
    staff = messages["staff"]
    assert staff.event_key == "conduct:end-of-day:2026-12-10"
    assert staff.subject == "我今天的任务完成了吗？（2项今日到期）"
    assert staff.body.startswith("今日事今日毕，以下事项今天到期：\n· [督办] 跟踪催办 ")
    assert f"· [办会] {everything['tasks']['staff'].title}" in staff.body
    assert staff.link == "/conduct/today/"
    director = messages["director"]
    assert director.subject == "我今天的任务完成了吗？（1项今日到期）"
    assert "差错线索" not in director.body and "审批请假" not in director.body
    assert messages["driver"].body == "今日事今日毕，以下事项今天到期：\n· [办事] 出车 09:30 清河街道"


def test_the_second_leader_gets_no_reminder_before_their_turn(office, proposed_doc):
    conduct.end_of_day_send(DAY)
    assert sorted(end_of_day_messages()) == ["leader"]


def test_undated_items_alone_send_nothing(office, conduct_waiting):
    DutyShift.objects.all().delete()
    assert titles(office.director) != []
    assert conduct.end_of_day_send(DAY) == 0
    assert end_of_day_messages() == {}


def test_end_of_day_is_sent_once_a_day(office, everything):
    first = conduct.end_of_day_send(DAY)
    count = Message.objects.count()
    assert first > 0
    assert conduct.end_of_day_send(DAY) == 0
    assert Message.objects.count() == count
    # The next working day is a new day.
    assert conduct.end_of_day_send(D(2026, 12, 11)) > 0


@pytest.mark.parametrize("day", [D(2026, 12, 12), D(2026, 12, 13), D(2026, 10, 1)])
def test_nothing_on_a_day_off(office, everything, day):
    assert conduct.end_of_day_send(day) == 0
    assert end_of_day_messages() == {}


def test_a_make_up_working_day_counts(office, overdue_item):
    # Sat 2026-10-10 is a 调休 working day; an item already late then is due.
    from supervision.models import SupervisionItem

    SupervisionItem.objects.filter(pk=overdue_item.pk).update(deadline=D(2026, 10, 9))
    assert conduct.end_of_day_send(D(2026, 10, 10)) == 2  # the liaison and the supervisor
    assert sorted(end_of_day_messages()) == ["liaison", "staff"]


def test_more_than_fifteen_items_are_cut_short(office):
    for n in range(17):
        supervision.item_assign(
            item=supervision.item_register(actor=office.staff, title=f"事项{n:02d}", requirements="按期报送。", source="other",
                                           urgency="normal", lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader),
            actor=office.staff, assigned_on=D(2026, 11, 30))
    assert conduct.end_of_day_send(DAY) == 2
    body = end_of_day_messages()["liaison"].body
    assert body.count("· [督办]") == 15
    assert body.endswith("\n……另有2项")
    assert end_of_day_messages()["liaison"].subject == "我今天的任务完成了吗？（17项今日到期）"


def test_today_item_due_by():
    assert TodayItem("办文", "t", "/", D(2026, 12, 9)).due_by(DAY)
    assert TodayItem("办文", "t", "/", DAY).due_by(DAY)
    assert not TodayItem("办文", "t", "/", D(2026, 12, 11)).due_by(DAY)
    assert not TodayItem("办文", "t", "/").due_by(DAY)


def test_every_duty_registered_a_provider():
    from office import today as registry

    modules = {provider.__module__ for provider in registry._PROVIDERS}
    assert {"supervision.selectors", "documents.selectors", "meetings.selectors", "logistics.today", "conduct.services"} <= modules
