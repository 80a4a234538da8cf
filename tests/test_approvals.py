"""待我审批: each duty's provider lists what waits on this person's decision, and the
page approves or returns it in one step; a refusal changes nothing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conduct import services as conduct_services
from conduct.models import Leave, LeaveType
from documents import services as doc_services
from documents.models import IncomingDocument, InState, OutgoingDocument, OutState
from logistics.models import Trip, TripState
from logistics.services import trip_request
from meetings import services as meeting_services
from meetings.models import Kind, Meeting
from office import approvals
from office.calendar import next_working_day
from office.roles import Role
from office.workflow import TransitionRefused
from supervision import services as sup_services
from supervision.models import Extension, Satisfaction, State, SupervisionItem
from tests.factories import PersonFactory, TermFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/approvals/"
DECIDE = "/approvals/decide/"


@pytest.fixture(autouse=True)
def inbox_only(settings):
    settings.NOTIFY_CHANNELS = ["inbox"]


# --- makers -------------------------------------------------------------------------------------


def second_leader():
    user = UserFactory(username="leader2", roles=[Role.LEADER])
    PersonFactory(name="王副主任", unit=UnitFactory(name="常委会领导办公室", kind="leadership"), user=user, protocol_rank=3)
    return user


def sup_item(office, *, leader=None, title="落实常委会关于优化营商环境工作报告的审议意见", **overrides):
    data = {"title": title, "requirements": "逐条研究处理审议意见，按期报送办理情况。", "source": "other", "urgency": "normal",
            "lead_unit": office.unit_a, "supervisor": office.staff, "leader": leader or office.leader}
    data.update(overrides)
    item = sup_services.item_register(actor=office.staff, **data)
    return sup_services.item_assign(item=item, actor=office.staff, assigned_on=timezone.localdate())


def reported(office, **kwargs):
    item = sup_item(office, **kwargs)
    return sup_services.item_report_completion(item=item, actor=office.staff, report="已全部办结。")


def extension(office, **kwargs):
    item = sup_item(office, **kwargs)
    return Extension.objects.create(item=item, requested_by=office.liaison_a, reason="需征求区政府意见",
                                    old_deadline=item.deadline, new_deadline=next_working_day(item.deadline + datetime.timedelta(days=7)))


def incoming_proposed(office, leaders, title="关于报送2026年度立法计划建议项目的函"):
    doc = doc_services.incoming_register(actor=office.staff, from_unit="市人大常委会办公室", from_number="市人常办〔2026〕45号",
                                         title=title, doc_type="letter", received_on=timezone.localdate())
    doc = doc_services.incoming_review(doc=doc, actor=office.staff, accept=True)
    return doc_services.incoming_propose(doc=doc, actor=office.staff, proposal="拟请领导阅示。", leaders=leaders)


def outgoing_awaiting(office, title="关于召开区第十六届人大常委会第二十次会议的通知"):
    doc = doc_services.outgoing_draft(actor=office.staff, doc_type="notice", title=title, main_to="各位常委会组成人员",
                                      body="特此通知。", issuer="清河区人大常委会办公室", signature="清河区人大常委会办公室", prefix="清人常办发")
    doc = doc_services.outgoing_check(doc=doc, actor=office.staff)
    return doc_services.outgoing_transition(doc=doc, action="submit", actor=office.staff)


def trip(office, distance_km=40, days=2):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    return trip_request(actor=office.liaison_a, purpose="赴街道调研", destination="清河街道", passengers=3,
                        start=start, end=start + datetime.timedelta(hours=2), distance_km=distance_km)


def leave_for(office, person, approver, days=3):
    start = timezone.localdate() + datetime.timedelta(days=days)
    return Leave.objects.create(person=person, leave_type=LeaveType.PERSONAL, start=start, end=start, reason="家中有事",
                                approver=approver, registered_by=office.duty)


def meeting(office, days=10):
    start = timezone.now().replace(microsecond=0, second=0, minute=0) + datetime.timedelta(days=days)
    return meeting_services.meeting_create(actor=office.staff, kind=Kind.STANDING, term=TermFactory(), start=start,
                                           end=start + datetime.timedelta(hours=3), convener=PersonFactory(name="王召集", protocol_rank=50),
                                           venue="区人大机关会议中心")


def keys(user):
    return {item.key for item in approvals.items_for(user)}


def kinds(user):
    return sorted(item.kind for item in approvals.items_for(user))


def post(office, user, key, action, comment="", **extra):
    return office.client_for(user).post(DECIDE, {"key": key, "action": action, "comment": comment, **extra})


# --- who sees what ------------------------------------------------------------------------------


def test_supervision_items_go_to_the_director_and_the_leader_in_charge(office):
    other = second_leader()
    mine = reported(office)
    theirs = extension(office, leader=other, title="另一项督办事项")
    assert keys(office.leader) == {f"supervision-close:{mine.pk}"}
    assert keys(other) == {f"supervision-extension:{theirs.pk}"}
    assert keys(office.director) == {f"supervision-close:{mine.pk}", f"supervision-extension:{theirs.pk}"}
    for who in ("staff", "liaison_a", "driver"):
        assert keys(getattr(office, who)) == set()


def test_decided_or_withdrawn_extensions_and_open_items_are_not_listed(office):
    sup_item(office)  # in progress: nothing to decide
    ext = extension(office)
    Extension.objects.filter(pk=ext.pk).update(decision=Extension.Decision.WITHDRAWN)
    assert keys(office.leader) == set()


def test_a_leader_sees_only_the_instruction_in_turn(office):
    other = second_leader()
    doc = incoming_proposed(office, [office.leader, other])
    assert kinds(office.leader) == ["批示"] and kinds(other) == []
    doc_services.incoming_instruct(doc=doc, actor=office.leader, text="请财经工委研究。")
    assert kinds(office.leader) == [] and keys(other) == {f"documents-instruct:{doc.pk}"}
    assert kinds(office.director) == [] and kinds(office.staff) == []


def test_signing_is_for_leaders_not_the_director(office):
    doc = outgoing_awaiting(office)
    assert keys(office.leader) == {f"documents-sign:{doc.pk}"}
    assert kinds(office.director) == [] and kinds(office.staff) == []


def test_trips_by_distance(office, settings):
    settings.TRIP_LEADER_APPROVAL_KM = 100
    near, far = trip(office, 40), trip(office, 150, days=3)
    assert keys(office.leader) == {f"logistics-trip:{near.pk}", f"logistics-trip:{far.pk}"}
    assert keys(office.director) == {f"logistics-trip:{near.pk}"}
    assert keys(office.staff) == set()
    Trip.objects.filter(pk=near.pk).update(state=TripState.APPROVED)
    assert keys(office.director) == set()


def test_leave_goes_to_its_approver_only(office):
    staff_leave = conduct_services.leave_register(actor=office.duty, person=office.staff.person, leave_type=LeaveType.SICK,
                                                  start=timezone.localdate(), end=timezone.localdate(), reason="发烧")
    director_leave = conduct_services.leave_register(actor=office.duty, person=office.director.person, leave_type=LeaveType.PERSONAL,
                                                     start=timezone.localdate(), end=timezone.localdate(), reason="家中有事")
    assert keys(office.director) == {f"conduct-leave:{staff_leave.pk}"}
    assert keys(office.leader) == {f"conduct-leave:{director_leave.pk}"}
    assert keys(office.duty) == set()


def test_meeting_plans_for_the_director_only(office):
    m = meeting(office)
    assert keys(office.director) == {f"meetings-plan:{m.pk}"}
    assert kinds(office.leader) == []
    meeting_services.meeting_transition(meeting=m, action="approve_plan", actor=office.director)
    assert keys(office.director) == set()


# --- deciding through the page ------------------------------------------------------------------


def test_the_page_lists_the_cards(office):
    item = reported(office)
    response = office.client_for(office.leader).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert item.title in page and "销号" in page and "退回重办" in page and item.get_absolute_url() in page


def test_approve_extension_moves_the_deadline(office):
    ext = extension(office)
    response = post(office, office.leader, f"supervision-extension:{ext.pk}", "approve")
    assert response.status_code == 302 and response.url == URL
    ext.refresh_from_db()
    assert ext.decision == Extension.Decision.APPROVED and ext.decided_by == office.leader
    assert SupervisionItem.objects.get(pk=ext.item_id).deadline == ext.new_deadline



def test_success_message_then_back_to_the_queue(office):
    entry = leave_for(office, office.director.person, office.leader)
    response = office.client_for(office.leader).post(DECIDE, {"key": f"conduct-leave:{entry.pk}", "action": "approve"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [(URL, 302)] and "已同意" in page and "没有等待您审批的事项" in page


def test_refuse_extension_needs_a_comment_then_refuses(office):
    ext = extension(office)
    response = post(office, office.leader, f"supervision-extension:{ext.pk}", "return")
    assert response.status_code == 400 and "不批准时请填写意见" in response.content.decode()
    ext.refresh_from_db()
    assert ext.decision == Extension.Decision.PENDING
    post(office, office.leader, f"supervision-extension:{ext.pk}", "return", "理由不充分")
    ext.refresh_from_db()
    assert (ext.decision, ext.decision_comment) == (Extension.Decision.REFUSED, "理由不充分")


def test_close_and_return_an_item(office):
    first, second = reported(office), reported(office, title="第二项")
    response = post(office, office.leader, f"supervision-close:{first.pk}", "approve")
    assert response.status_code == 302
    assert SupervisionItem.objects.get(pk=first.pk).state == State.CLOSED
    response = post(office, office.leader, f"supervision-close:{second.pk}", "return")
    assert response.status_code == 400 and "请填写退回理由" in response.content.decode()
    assert SupervisionItem.objects.get(pk=second.pk).state == State.REPORTED
    post(office, office.leader, f"supervision-close:{second.pk}", "return", "办结报告不完整")
    assert SupervisionItem.objects.get(pk=second.pk).state == State.IN_PROGRESS


def test_closing_a_deputys_suggestion_needs_satisfaction(office):
    item = reported(office, source="suggestion")
    page = office.client_for(office.leader).get(URL).content.decode()
    assert "代表满意度" in page and 'name="choice"' in page
    response = post(office, office.leader, f"supervision-close:{item.pk}", "approve")
    assert response.status_code == 400 and "代表建议销号前须登记代表满意度" in response.content.decode()
    assert SupervisionItem.objects.get(pk=item.pk).state == State.REPORTED
    post(office, office.leader, f"supervision-close:{item.pk}", "approve", choice=Satisfaction.BASIC)
    item.refresh_from_db()
    assert (item.state, item.satisfaction) == (State.CLOSED, Satisfaction.BASIC)


def test_sign_and_send_back(office):
    first, second = outgoing_awaiting(office), outgoing_awaiting(office, title="第二份通知")
    assert post(office, office.leader, f"documents-sign:{first.pk}", "approve").status_code == 302
    first.refresh_from_db()
    assert (first.state, first.signer) == (OutState.SIGNED, office.leader)
    response = post(office, office.leader, f"documents-sign:{second.pk}", "return")
    assert response.status_code == 400 and "请填写退回意见" in response.content.decode()
    assert OutgoingDocument.objects.get(pk=second.pk).state == OutState.AWAITING_SIGNATURE
    post(office, office.leader, f"documents-sign:{second.pk}", "return", "请核实会议时间")
    assert OutgoingDocument.objects.get(pk=second.pk).state == OutState.DRAFT


def test_the_director_cannot_sign_through_the_page(office):
    doc = outgoing_awaiting(office)
    response = post(office, office.director, f"documents-sign:{doc.pk}", "approve")
    assert response.status_code == 400 and "只有常委会领导可以签发" in response.content.decode()
    assert OutgoingDocument.objects.get(pk=doc.pk).state == OutState.AWAITING_SIGNATURE


def test_instruct_writes_the_comment_as_the_instruction(office):
    doc = incoming_proposed(office, [office.leader])
    response = post(office, office.leader, f"documents-instruct:{doc.pk}", "approve")
    assert response.status_code == 400 and "请填写批示" in response.content.decode()
    response = post(office, office.leader, f"documents-instruct:{doc.pk}", "return", "不同意")
    assert response.status_code == 400 and "收文批示不能退回" in response.content.decode()
    assert IncomingDocument.objects.get(pk=doc.pk).state == InState.PROPOSED
    post(office, office.leader, f"documents-instruct:{doc.pk}", "approve", "请财经工委牵头办理。")
    doc.refresh_from_db()
    assert doc.state == InState.INSTRUCTED
    assert doc.instructions.get().text == "请财经工委牵头办理。"


def test_instruct_out_of_turn_is_refused(office):
    other = second_leader()
    doc = incoming_proposed(office, [office.leader, other])
    response = post(office, other, f"documents-instruct:{doc.pk}", "approve", "同意")
    assert response.status_code == 400 and "该收文现在不由您批示" in response.content.decode()
    assert not doc.instructions.filter(signed_at__isnull=False).exists()


def test_approve_and_refuse_trips(office):
    first, second = trip(office), trip(office, days=3)
    assert post(office, office.director, f"logistics-trip:{first.pk}", "approve").status_code == 302
    assert Trip.objects.get(pk=first.pk).state == TripState.APPROVED
    response = post(office, office.director, f"logistics-trip:{second.pk}", "return")
    assert response.status_code == 400 and "不批准时请填写意见" in response.content.decode()
    post(office, office.director, f"logistics-trip:{second.pk}", "return", "请合并出行")
    assert Trip.objects.get(pk=second.pk).state == TripState.REFUSED
    response = post(office, office.director, f"logistics-trip:{second.pk}", "approve")
    assert response.status_code == 400 and "不能审批" in response.content.decode()


def test_a_long_trip_is_refused_to_the_director(office, settings):
    settings.TRIP_LEADER_APPROVAL_KM = 100
    far = trip(office, 150)
    response = post(office, office.director, f"logistics-trip:{far.pk}", "approve")
    assert response.status_code == 400 and "须由领导审批" in response.content.decode()
    assert Trip.objects.get(pk=far.pk).state == TripState.REQUESTED


def test_approve_and_refuse_leave(office):
    first, second = leave_for(office, office.staff.person, office.director), leave_for(office, office.driver.person, office.director)
    assert post(office, office.director, f"conduct-leave:{first.pk}", "approve").status_code == 302
    assert post(office, office.director, f"conduct-leave:{second.pk}", "return").status_code == 302
    assert Leave.objects.get(pk=first.pk).state == Leave.State.APPROVED
    assert Leave.objects.get(pk=second.pk).state == Leave.State.REFUSED


def test_leave_of_someone_else_is_refused(office):
    entry = leave_for(office, office.staff.person, office.director)
    response = post(office, office.leader, f"conduct-leave:{entry.pk}", "approve")
    assert response.status_code == 400 and "该请假不由您审批" in response.content.decode()
    assert Leave.objects.get(pk=entry.pk).state == Leave.State.REQUESTED


def test_meeting_plan_approve_only(office):
    m = meeting(office)
    response = post(office, office.director, f"meetings-plan:{m.pk}", "return", "再议")
    assert response.status_code == 400
    assert Meeting.objects.get(pk=m.pk).plan_approved_at is None
    post(office, office.director, f"meetings-plan:{m.pk}", "approve")
    assert Meeting.objects.get(pk=m.pk).plan_approved_by == office.director


@pytest.mark.parametrize("key", ["", "nothing:1", "conduct-leave:abc", "conduct-leave:999999"])
def test_unknown_keys_are_refused(office, key):
    response = post(office, office.leader, key, "approve")
    assert response.status_code == 400 and "没有找到" in response.content.decode()


def test_an_unknown_action_changes_nothing(office):
    entry = leave_for(office, office.director.person, office.leader)
    response = post(office, office.leader, f"conduct-leave:{entry.pk}", "maybe")
    assert response.status_code == 302
    assert Leave.objects.get(pk=entry.pk).state == Leave.State.REQUESTED


def test_decide_is_post_only_and_needs_login(office):
    assert office.client_for(office.leader).get(DECIDE).status_code == 405
    assert office.client_for(None).get(URL).status_code == 302


def test_registry_decide_raises_the_services_refusal(office):
    ext = extension(office)
    with pytest.raises(TransitionRefused, match="只有办公室主任或分管领导可以审批延期"):
        approvals.decide(office.staff, f"supervision-extension:{ext.pk}", True, "")


# --- constant queries ---------------------------------------------------------------------------


def fill(office, per_kind):
    """per_kind of each kind the leader decides: 批示, 签发, 延期, 销号, 用车, 请假."""
    for n in range(per_kind):
        incoming_proposed(office, [office.leader], title=f"来文{n}")
        outgoing_awaiting(office, title=f"发文{n}")
        extension(office, title=f"延期事项{n}")
        reported(office, title=f"销号事项{n}")
        trip(office, days=2 + n)
        leave_for(office, office.director.person, office.leader, days=3 + n)


def queries_for_page(office):
    client = office.client_for(office.leader)
    client.get(URL)  # warm up the session and caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    return len(captured), response


def test_the_page_takes_a_constant_number_of_queries(office):
    fill(office, 1)
    few = approvals.items_for(office.leader)
    few_queries, response = queries_for_page(office)
    assert len(few) == 6 and response.content.decode().count('name="key"') == 6
    fill(office, 1)
    fill(office, 1)
    many_queries, response = queries_for_page(office)
    assert response.content.decode().count('name="key"') == 18
    assert many_queries == few_queries


def test_a_long_queue_is_paged_and_a_decision_returns_to_its_page(office):
    """35 trips waiting on the leader: 30 on the first page, 5 on the second, oldest first;
    deciding one on page 2 comes back to page 2, a refused one re-shows page 2 with its error."""
    trips = [trip(office, days=2 + n) for n in range(35)]
    client = office.client_for(office.leader)
    first = client.get(URL)
    assert first.content.decode().count('name="key"') == 30 and "35项" in first.content.decode()
    assert "第 1 / 2 页，共 35 条" in first.content.decode()
    second = client.get(URL, {"page": 2}).content.decode()
    on_second = [key for key in (f"logistics-trip:{t.pk}" for t in trips) if f'value="{key}"' in second]
    assert on_second == [f"logistics-trip:{t.pk}" for t in trips[30:]]

    response = post(office, office.leader, on_second[0], "approve", page="2")
    assert response.status_code == 302 and response.url == URL + "?page=2"
    assert Trip.objects.get(pk=trips[30].pk).state == TripState.APPROVED

    refused = post(office, office.leader, on_second[1], "return", page="1")  # no comment: refused
    page = refused.content.decode()
    assert refused.status_code == 400 and "第 2 / 2 页" in page and f'value="{on_second[1]}"' in page
    assert 'href="/approvals/?page=1"' in page  # the page links lead back to the queue, not the POST URL
    assert Trip.objects.get(pk=trips[31].pk).state == TripState.REQUESTED
