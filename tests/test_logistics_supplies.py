"""Office supplies (办公用品): purchases add stock, requisitions approved by the director
issue it atomically, never below zero (also with five approvals at once), and the
low-stock alert."""

import threading

import pytest
from django.db import connections

from logistics.models import Requisition, StockMove, SupplyItem
from logistics.services import requisition_decide, requisition_request, supply_purchase
from office.models import Message
from office.workflow import TransitionRefused

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def channels(settings):
    settings.NOTIFICATION_CHANNELS = ["email"]


@pytest.fixture
def paper(db):
    return SupplyItem.objects.create(name="A4复印纸", spec="70g", measure="包", stock=20, low_threshold=5)


def stock(item) -> int:
    return SupplyItem.objects.get(pk=item.pk).stock


def moves(item):
    return [(m.kind, m.quantity, m.requisition_id, m.by.username) for m in StockMove.objects.filter(item=item).order_by("id")]


def alerts():
    return sorted((m.recipient.username, m.subject) for m in Message.objects.filter(event_key__startswith="logistics:supply:"))


def issue(office, item, quantity, requester=None):
    requisition = requisition_request(actor=requester or office.liaison_a, item=item, quantity=quantity, reason="日常办公")
    return requisition_decide(requisition=requisition, actor=office.director, approve=True)


# --- purchases --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "director"])
def test_a_purchase_adds_stock(office, paper, who):
    actor = getattr(office, who)
    move = supply_purchase(actor=actor, item=paper, quantity=30, unit_price="23.50")
    assert stock(paper) == 50
    move.refresh_from_db()
    assert (move.kind, move.quantity, str(move.unit_price), move.by) == (StockMove.Kind.PURCHASE, 30, "23.50", actor)


@pytest.mark.parametrize("who", ["liaison_a", "leader", "driver", "canteen"])
def test_only_the_office_registers_purchases(office, paper, who):
    with pytest.raises(TransitionRefused, match="^只有办公室可以登记采购入库$"):
        supply_purchase(actor=getattr(office, who), item=paper, quantity=30)
    assert stock(paper) == 20 and moves(paper) == []


@pytest.mark.parametrize("quantity", [0, -5])
def test_a_purchase_of_nothing_is_refused(office, paper, quantity):
    with pytest.raises(TransitionRefused, match="^数量须大于0$"):
        supply_purchase(actor=office.staff, item=paper, quantity=quantity)
    assert stock(paper) == 20 and moves(paper) == []


# --- requisitions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [0, -1])
def test_a_requisition_of_nothing_is_refused(office, paper, quantity):
    with pytest.raises(TransitionRefused, match="^数量须大于0$"):
        requisition_request(actor=office.liaison_a, item=paper, quantity=quantity)
    assert not Requisition.objects.exists()


def test_the_director_approves_and_the_goods_are_issued(office, paper, django_capture_on_commit_callbacks):
    requisition = requisition_request(actor=office.liaison_a, item=paper, quantity=4, reason="  打印材料 ")
    assert (requisition.state, requisition.reason, requisition.requester) == (Requisition.State.REQUESTED, "打印材料", office.liaison_a)
    assert stock(paper) == 20
    with django_capture_on_commit_callbacks(execute=True):
        requisition_decide(requisition=requisition, actor=office.director, approve=True)
    requisition.refresh_from_db()
    assert (requisition.state, requisition.decided_by, requisition.decided_at is not None) == (Requisition.State.ISSUED, office.director, True)
    assert stock(paper) == 16
    assert moves(paper) == [(StockMove.Kind.ISSUE, 4, requisition.pk, "director")]
    assert alerts() == []  # 16 is well above the threshold
    with pytest.raises(TransitionRefused, match="^申请当前为“已发放”，不能审批$"):
        requisition_decide(requisition=requisition, actor=office.director, approve=True)
    assert stock(paper) == 16


@pytest.mark.parametrize("who", ["leader", "staff", "liaison_a"])
def test_only_the_director_decides_requisitions(office, paper, who):
    requisition = requisition_request(actor=office.liaison_a, item=paper, quantity=4)
    with pytest.raises(TransitionRefused, match="^领用须由办公室主任审批$"):
        requisition_decide(requisition=requisition, actor=getattr(office, who), approve=True)
    requisition.refresh_from_db()
    assert (requisition.state, requisition.decided_by) == (Requisition.State.REQUESTED, None)
    assert stock(paper) == 20 and moves(paper) == []


def test_a_refused_requisition_issues_nothing(office, paper):
    requisition = requisition_request(actor=office.liaison_a, item=paper, quantity=4)
    requisition_decide(requisition=requisition, actor=office.director, approve=False)
    requisition.refresh_from_db()
    assert (requisition.state, requisition.decided_by) == (Requisition.State.REFUSED, office.director)
    assert stock(paper) == 20 and moves(paper) == []
    with pytest.raises(TransitionRefused, match="^申请当前为“未批准”，不能审批$"):
        requisition_decide(requisition=requisition, actor=office.director, approve=True)
    assert stock(paper) == 20


def test_insufficient_stock_is_refused_and_nothing_changes(office, paper):
    issue(office, paper, 17)
    requisition = requisition_request(actor=office.liaison_b, item=paper, quantity=4)
    with pytest.raises(TransitionRefused, match=r"^A4复印纸库存不足（现有3）$"):
        requisition_decide(requisition=requisition, actor=office.director, approve=True)
    requisition.refresh_from_db()
    assert (requisition.state, requisition.decided_by, requisition.decided_at) == (Requisition.State.REQUESTED, None, None)
    assert stock(paper) == 3
    assert [m[1] for m in moves(paper)] == [17]
    # Exactly what is left can be issued; the stock is then zero, not below.
    issue(office, paper, 3)
    assert stock(paper) == 0


# --- low stock ---------------------------------------------------------------------------------------


def test_the_low_stock_alert_goes_once_when_the_stock_falls_to_the_threshold(office, paper, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issue(office, paper, 14)  # 6 left: above the line
    assert alerts() == []
    with django_capture_on_commit_callbacks(execute=True):
        issue(office, paper, 1)  # 5 left: at the line
    assert alerts() == [("director", "库存提醒：A4复印纸仅剩5包"), ("staff", "库存提醒：A4复印纸仅剩5包")]
    message = Message.objects.filter(recipient=office.staff).get()
    assert "请及时采购" in message.body and message.link == "/logistics/supplies/"
    # A refused or failed requisition sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        requisition_decide(requisition=requisition_request(actor=office.liaison_a, item=paper, quantity=2), actor=office.director, approve=False)
        with pytest.raises(TransitionRefused):
            issue(office, paper, 9)
    assert len(alerts()) == 2


def test_no_alert_if_the_issue_is_rolled_back(office, paper, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        issue(office, paper, 18)
        raise RuntimeError("the page failed after the approval")
    assert stock(paper) == 20
    assert alerts() == []


def test_further_issues_below_the_threshold_do_not_alert_again(office, paper, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issue(office, paper, 15)  # 5 left: alert
        issue(office, paper, 1)  # 4 left
        issue(office, paper, 1)  # 3 left
    assert len(alerts()) == 2


def test_a_new_fall_after_restocking_alerts_again(office, paper, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issue(office, paper, 15)  # 5 left: alert
        supply_purchase(actor=office.staff, item=paper, quantity=30)  # 35
        issue(office, paper, 30)  # 5 left again: a new fall
    assert len(alerts()) == 4


# --- five approvals at once ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_five_approvals_at_once_never_take_the_stock_below_zero(office, settings):
    settings.NOTIFICATION_CHANNELS = []
    item = SupplyItem.objects.create(name="硒鼓", measure="个", stock=10, low_threshold=2)
    requisitions = [requisition_request(actor=office.liaison_a, item=item, quantity=3, reason=f"第{i}份") for i in range(5)]
    barrier = threading.Barrier(len(requisitions))
    results, lock = [], threading.Lock()

    def approve(requisition):
        try:
            barrier.wait(timeout=10)
            try:
                requisition_decide(requisition=requisition, actor=office.director, approve=True)
                outcome = ("issued", requisition.pk)
            except TransitionRefused as refused:
                outcome = ("refused", str(refused))
            except Exception as error:  # noqa: BLE001  a lock error is a failure too
                outcome = ("error", repr(error))
            with lock:
                results.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(r,)) for r in requisitions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    assert sorted(kind for kind, _ in results) == ["issued"] * 3 + ["refused"] * 2, results
    assert [text for kind, text in results if kind == "refused"] == ["硒鼓库存不足（现有1）"] * 2
    assert stock(item) == 1
    issued = {pk for kind, pk in results if kind == "issued"}
    assert set(Requisition.objects.filter(state=Requisition.State.ISSUED).values_list("pk", flat=True)) == issued
    assert Requisition.objects.filter(state=Requisition.State.REQUESTED).count() == 2
    assert sorted(StockMove.objects.filter(item=item).values_list("requisition_id", "quantity")) == sorted((pk, 3) for pk in issued)
    # The alert went out at 1 left (at or under the line of 2), to staff and director.
    assert ("staff", "库存提醒：硒鼓仅剩1个") in alerts()
