"""办文 secrecy (密级): a secret document exists only for those granted it — in lists,
counts, search, "待我处理" and the detail page; routing grants it to the people it
is routed to; every view is logged; messages never carry a secret title. And who
sees the ordinary documents: the office and leaders all, a liaison their unit's."""

import datetime

import pytest
from django.http import Http404

from documents import selectors, services
from documents.models import InState, OutgoingDocument, SecretAccess
from office.models import Message, WorkflowLog
from office.roles import Role
from office.workflow import workflow_log_for
from supervision.models import SupervisionItem
from tests.factories import PersonFactory, UnitFactory, UserFactory

D = datetime.date

pytestmark = pytest.mark.django_db

SECRET_TITLE = "关于某重大案件线索移送情况的报告"
OPEN_TITLE = "关于开展优化营商环境条例执法检查的函"
EVERYONE = ["director", "leader", "staff", "liaison_a", "liaison_b", "driver", "canteen", "duty"]


@pytest.fixture(autouse=True)
def inbox_only(settings):
    settings.NOTIFICATION_CHANNELS = []


def register(office, *, actor=None, secret=False, **overrides):
    data = dict(
        from_unit="区人民检察院" if secret else "市人大常委会办公室",
        from_number="区检〔2026〕7号" if secret else "市人常办〔2026〕45号",
        title=SECRET_TITLE if secret else OPEN_TITLE,
        doc_type="report" if secret else "letter",
        received_on=D(2026, 11, 20),
        due_date=D(2026, 11, 30),
        body_text="线索材料详见附件" if secret else "请按要求报送。",
    )
    if secret:
        data.update(secrecy="secret", secrecy_term="10年")
    data.update(overrides)
    return services.incoming_register(actor=actor or office.staff, **data)


def another_staff():
    user = UserFactory(username="staff2", roles=[Role.STAFF])
    PersonFactory(name="吴科员", unit=UnitFactory(name="办公室", kind="office"), user=user)
    return user


def another_leader():
    user = UserFactory(username="leader2", roles=[Role.LEADER])
    PersonFactory(name="王副主任", unit=UnitFactory(name="常委会领导办公室", kind="leadership"), user=user)
    return user


def visible_incoming(user):
    return set(selectors.incoming_visible_to(user).values_list("pk", flat=True))


def visible_outgoing(user):
    return set(selectors.outgoing_visible_to(user).values_list("pk", flat=True))


def in_waiting(user, pk):
    return {key for key, queryset in selectors.waiting_on(user).items() if queryset.filter(pk=pk).exists()}


def notes(doc, action="grant"):
    return [(log.action_label, log.actor, log.comment) for log in workflow_log_for(doc) if log.action == action]


# --- a secret 收文 exists only for those granted it ---------------------------------------------------


def test_secret_incoming_is_visible_only_to_its_registrar(office):
    secret = register(office, secret=True)
    ordinary = register(office)
    staff2 = another_staff()
    assert visible_incoming(office.staff) == {secret.pk, ordinary.pk}
    assert selectors.incoming_visible_to(office.staff).count() == 2
    for user in (office.director, staff2, office.leader):
        assert visible_incoming(user) == {ordinary.pk}
        assert selectors.incoming_visible_to(user).count() == 1
    for user in (office.liaison_a, office.liaison_b, office.driver, office.canteen, office.duty):
        assert visible_incoming(user) == set()
        assert selectors.incoming_visible_to(user).count() == 0


def test_secret_incoming_is_not_found_by_search(office):
    secret = register(office, secret=True)
    assert secret.number == "收〔2026〕1号"
    for words in ("重大案件", "区检〔2026〕7号", "区人民检察院", "线索材料", "收〔2026〕1号", "2026年1号"):
        assert list(selectors.search_incoming(selectors.incoming_visible_to(office.staff), words)) == [secret], words
        assert not selectors.search_incoming(selectors.incoming_visible_to(office.director), words).exists(), words
        assert not selectors.search_incoming(selectors.incoming_visible_to(office.leader), words).exists(), words
        assert selectors.search_incoming(selectors.incoming_visible_to(office.director), words).count() == 0


def test_secret_incoming_is_not_waiting_on_the_ungranted(office):
    secret = register(office, secret=True)
    assert in_waiting(office.staff, secret.pk) == {"to_route"}
    assert in_waiting(office.director, secret.pk) == set()
    assert in_waiting(another_staff(), secret.pk) == set()
    assert selectors.waiting_on(office.director)["to_route"].count() == 0
    # Proposed to the leader: now it waits on the leader, still not on the director.
    services.incoming_review(doc=secret, actor=office.staff, accept=True)
    services.incoming_propose(doc=secret, actor=office.staff, proposal="拟请李副主任阅示。", leaders=[office.leader])
    assert in_waiting(office.leader, secret.pk) == {"to_instruct"}
    assert in_waiting(office.director, secret.pk) == set()


def test_incoming_get_404_for_the_ungranted_and_logs_each_granted_view(office):
    secret = register(office, secret=True)
    for user in (office.director, office.leader, office.liaison_a, office.driver, another_staff()):
        with pytest.raises(Http404):
            selectors.incoming_get(user, secret.pk)
    assert not SecretAccess.objects.exists()

    assert selectors.incoming_get(office.staff, secret.pk) == secret
    selectors.incoming_get(office.staff, secret.pk)
    assert list(SecretAccess.objects.values_list("incoming", "outgoing", "user", "action")) == [
        (secret.pk, None, office.staff.pk, "查看"), (secret.pk, None, office.staff.pk, "查看")
    ]
    selectors.incoming_get(office.staff, secret.pk, log_access=False)
    assert SecretAccess.objects.count() == 2

    # An ordinary document's views are not logged.
    ordinary = register(office)
    assert selectors.incoming_get(office.director, ordinary.pk) == ordinary
    assert SecretAccess.objects.count() == 2


def test_grant_makes_it_visible_and_is_recorded(office):
    secret = register(office, secret=True)
    assert notes(secret) == []  # the registrar's own grant is not a routing step
    granted = services.grant(secret, [office.director], office.staff)
    assert granted == [office.director]
    assert secret.pk in visible_incoming(office.director)
    assert in_waiting(office.director, secret.pk) == {"to_route"}
    assert selectors.incoming_get(office.director, secret.pk) == secret
    assert SecretAccess.objects.filter(user=office.director).count() == 1
    assert notes(secret) == [("授权查阅", office.staff, "孙主任")]
    log = list(workflow_log_for(secret))[-1]
    assert log.from_state == log.to_state == InState.REGISTERED
    # Granting again changes nothing and records nothing.
    assert services.grant(secret, [office.director, office.staff], office.staff) == []
    assert len(notes(secret)) == 1
    # Still invisible to everyone else.
    assert secret.pk not in visible_incoming(office.leader)


def test_grant_on_an_ordinary_document_does_nothing(office):
    ordinary = register(office)
    assert services.grant(ordinary, [office.liaison_a], office.staff) == []
    assert notes(ordinary) == []
    assert ordinary.pk not in visible_incoming(office.liaison_a)  # not their unit's


# --- routing grants automatically --------------------------------------------------------------


def test_routing_grants_leaders_units_and_readers(office, django_capture_on_commit_callbacks):
    leader2 = another_leader()
    secret = register(office, secret=True)
    services.incoming_review(doc=secret, actor=office.staff, accept=True)

    # 拟办 → the leaders who write 批示.
    with django_capture_on_commit_callbacks(execute=True):
        services.incoming_propose(doc=secret, actor=office.staff, proposal="拟请阅示。", leaders=[office.leader, leader2])
    assert secret.pk in visible_incoming(office.leader) and secret.pk in visible_incoming(leader2)
    assert notes(secret)[-1] == ("授权查阅", office.staff, "李副主任、王副主任")
    assert secret.pk not in visible_incoming(office.director)
    with django_capture_on_commit_callbacks(execute=True):
        services.incoming_instruct(doc=secret, actor=office.leader, text="请阅办。")
    with django_capture_on_commit_callbacks(execute=True):
        services.incoming_instruct(doc=secret, actor=leader2, text="同意。")

    # 承办 → the lead and co-units' liaisons.
    with django_capture_on_commit_callbacks(execute=True):
        services.incoming_assign(doc=secret, actor=office.staff, lead_unit=office.unit_a, co_units=[office.unit_b])
    assert secret.pk in visible_incoming(office.liaison_a) and secret.pk in visible_incoming(office.liaison_b)
    assert notes(secret)[-1] == ("授权查阅", office.staff, "郑联络员、何联络员")
    assert in_waiting(office.liaison_a, secret.pk) == {"to_handle"}
    assert selectors.incoming_get(office.liaison_b, secret.pk) == secret

    # 传阅 → the readers.
    with django_capture_on_commit_callbacks(execute=True):
        services.circulation_add(doc=secret, actor=office.staff, readers=[office.director])
    assert secret.pk in visible_incoming(office.director)
    assert in_waiting(office.director, secret.pk) == {"to_read"}
    assert notes(secret)[-1] == ("授权查阅", office.staff, "孙主任")

    # Never the people it was not routed to.
    for user in (office.driver, office.canteen, office.duty, another_staff()):
        assert secret.pk not in visible_incoming(user)

    # Every message about it says 涉密, never the title.
    messages = Message.objects.filter(event_key__startswith=f"documents:incomingdocument:{secret.pk}:")
    assert {m.recipient for m in messages} == {office.leader, leader2, office.staff, office.director, office.liaison_a, office.liaison_b}
    for message in messages:
        assert "涉密" in message.subject, message.subject
        assert SECRET_TITLE not in message.subject + message.body
        assert "重大案件" not in message.subject + message.body


def test_an_ordinary_documents_messages_carry_the_title(office, django_capture_on_commit_callbacks):
    ordinary = register(office)
    services.incoming_review(doc=ordinary, actor=office.staff, accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.incoming_propose(doc=ordinary, actor=office.staff, proposal="拟请阅示。", leaders=[office.leader])
    [message] = Message.objects.filter(recipient=office.leader)
    assert message.subject == f"请批示：{OPEN_TITLE}"
    assert "涉密" not in message.subject


def test_a_secret_documents_instruction_does_not_leak_its_title_into_supervision(office):
    secret = register(office, secret=True)
    services.incoming_review(doc=secret, actor=office.staff, accept=True)
    services.incoming_propose(doc=secret, actor=office.staff, proposal="拟请阅示。", leaders=[office.leader])
    services.incoming_instruct(doc=secret, actor=office.leader, text="请依法处理。")
    item = services.instruction_to_supervision(instruction=secret.instructions.get(), actor=office.staff, lead_unit=office.unit_a)
    item = SupervisionItem.objects.get(pk=item.pk)
    assert SECRET_TITLE not in item.title
    assert "重大案件" not in item.title + item.source_detail


# --- 发文 -------------------------------------------------------------------------------------


def draft(office, *, actor=None, secret=False, **overrides) -> OutgoingDocument:
    data = dict(
        doc_type="notice", title=SECRET_TITLE if secret else "关于召开区第十六届人大常委会第二十次会议的通知",
        main_to="各位常委会组成人员", body="正文", issuer="清河区人大常委会办公室", signature="清河区人大常委会办公室", prefix="清人常办发",
    )
    if secret:
        data.update(secrecy="confidential", secrecy_term="长期")
    data.update(overrides)
    return services.outgoing_draft(actor=actor or office.staff, **data)


def test_secret_outgoing_is_visible_only_to_the_granted(office):
    secret = draft(office, secret=True)
    ordinary = draft(office)
    assert visible_outgoing(office.staff) == {secret.pk, ordinary.pk}
    assert selectors.outgoing_visible_to(office.staff).count() == 2
    for user in (office.director, office.leader, another_staff()):
        assert visible_outgoing(user) == {ordinary.pk}
        assert selectors.outgoing_visible_to(user).count() == 1
    for user in (office.liaison_a, office.liaison_b, office.driver):
        assert visible_outgoing(user) == set()
    assert in_waiting(office.staff, secret.pk) == {"to_issue"}
    assert in_waiting(office.director, secret.pk) == set()
    assert list(selectors.search_outgoing(selectors.outgoing_visible_to(office.staff), "重大案件")) == [secret]
    assert not selectors.search_outgoing(selectors.outgoing_visible_to(office.director), "重大案件").exists()


def test_outgoing_get_404_for_the_ungranted_and_logs_granted_views(office):
    secret = draft(office, secret=True)
    for user in (office.director, office.leader, office.liaison_a):
        with pytest.raises(Http404):
            selectors.outgoing_get(user, secret.pk)
    assert not SecretAccess.objects.exists()
    assert selectors.outgoing_get(office.staff, secret.pk) == secret
    assert list(SecretAccess.objects.values_list("incoming", "outgoing", "user", "action")) == [(None, secret.pk, office.staff.pk, "查看")]
    ordinary = draft(office)
    selectors.outgoing_get(office.director, ordinary.pk)
    assert SecretAccess.objects.count() == 1


def test_countersign_grants_the_units_liaisons(office, django_capture_on_commit_callbacks):
    secret = services.outgoing_check(doc=draft(office, secret=True), actor=office.staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.countersign_request(doc=secret, actor=office.staff, units=[office.unit_b])
    assert secret.pk in visible_outgoing(office.liaison_b)
    assert in_waiting(office.liaison_b, secret.pk) == {"to_countersign"}
    assert selectors.outgoing_get(office.liaison_b, secret.pk) == secret
    assert secret.pk not in visible_outgoing(office.liaison_a)  # its unit was not asked
    assert notes(secret)[-1] == ("授权查阅", office.staff, "何联络员")
    [message] = Message.objects.filter(recipient=office.liaison_b)
    assert "涉密" in message.subject and SECRET_TITLE not in message.subject + message.body


def test_secret_outgoing_drafted_by_a_liaison_is_theirs(office):
    secret = draft(office, actor=office.liaison_a, secret=True)
    assert visible_outgoing(office.liaison_a) == {secret.pk}
    assert secret.pk not in visible_outgoing(office.staff)
    services.grant(secret, [office.staff], office.liaison_a)
    assert secret.pk in visible_outgoing(office.staff)
    assert WorkflowLog.objects.filter(action="grant", comment="杨科员").count() == 1


def test_signing_notice_of_a_secret_outgoing_hides_the_title(office, django_capture_on_commit_callbacks):
    secret = services.outgoing_check(doc=draft(office, secret=True), actor=office.staff)
    services.outgoing_transition(doc=secret, action="submit", actor=office.staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.outgoing_transition(doc=secret, action="sign", actor=office.leader)
    messages = Message.objects.filter(event_key__startswith=f"documents:outgoingdocument:{secret.pk}:signed-")
    assert {m.recipient for m in messages} == {office.staff, office.director}
    for message in messages:
        assert "涉密" in message.subject and SECRET_TITLE not in message.subject + message.body


# --- ordinary documents: who sees what ------------------------------------------------------------


def test_ordinary_incoming_is_visible_to_the_office_and_leaders(office):
    doc = register(office)
    for who in ("director", "staff", "leader"):
        assert visible_incoming(getattr(office, who)) == {doc.pk}, who
        assert selectors.incoming_get(getattr(office, who), doc.pk) == doc
    assert visible_incoming(another_staff()) == {doc.pk}
    assert visible_incoming(another_leader()) == {doc.pk}


def test_a_liaison_sees_their_units_documents_or_those_circulated_to_them(office):
    unit_c = UnitFactory(name="教育科学文化卫生工作委员会", short_name="教科文卫工委")
    liaison_c = UserFactory(username="liaison_c", roles=[Role.LIAISON])
    PersonFactory(name="冯联络员", unit=unit_c, user=liaison_c)

    led = register(office, title="由财经工委主办")
    assisted = register(office, title="财经工委协办")
    circulated = register(office, title="送财经工委联络员传阅")
    other = register(office, title="法制工委主办")
    untouched = register(office, title="尚未交办")
    for doc in (led, assisted, circulated, other, untouched):
        services.incoming_review(doc=doc, actor=office.staff, accept=True)
    services.incoming_assign(doc=led, actor=office.staff, lead_unit=office.unit_a)
    services.incoming_assign(doc=assisted, actor=office.staff, lead_unit=office.unit_b, co_units=[office.unit_a])
    services.incoming_assign(doc=other, actor=office.staff, lead_unit=office.unit_b)
    services.circulation_add(doc=circulated, actor=office.staff, readers=[office.liaison_a])

    assert visible_incoming(office.liaison_a) == {led.pk, assisted.pk, circulated.pk}
    assert selectors.incoming_visible_to(office.liaison_a).count() == 3
    assert visible_incoming(office.liaison_b) == {assisted.pk, other.pk}
    assert visible_incoming(liaison_c) == set()
    assert in_waiting(office.liaison_a, led.pk) == {"to_handle"}
    assert in_waiting(office.liaison_a, assisted.pk) == set()  # the co-unit does not hold it
    assert in_waiting(office.liaison_a, circulated.pk) == {"to_read"}
    with pytest.raises(Http404):
        selectors.incoming_get(office.liaison_a, other.pk)
    with pytest.raises(Http404):
        selectors.incoming_get(office.liaison_a, untouched.pk)
    assert selectors.incoming_get(office.liaison_a, assisted.pk) == assisted
    assert not selectors.search_incoming(selectors.incoming_visible_to(office.liaison_a), "法制工委主办").exists()
    for who in ("director", "staff", "leader"):
        assert visible_incoming(getattr(office, who)) == {led.pk, assisted.pk, circulated.pk, other.pk, untouched.pk}


@pytest.mark.parametrize("who", ["driver", "canteen", "duty"])
def test_logistics_roles_see_no_documents(office, who):
    register(office)
    register(office, secret=True)
    draft(office)
    user = getattr(office, who)
    assert selectors.incoming_visible_to(user).count() == 0
    assert selectors.outgoing_visible_to(user).count() == 0
    assert all(not queryset.exists() for queryset in selectors.waiting_on(user).values())


def test_ordinary_outgoing_is_the_drafting_or_asked_units_for_a_liaison(office):
    own = draft(office, actor=office.liaison_a, title="财经工委拟稿")
    asked = services.outgoing_check(doc=draft(office, title="请财经工委会签"), actor=office.staff)
    services.countersign_request(doc=asked, actor=office.staff, units=[office.unit_a])
    office_only = draft(office, title="办公室自拟")
    assert visible_outgoing(office.liaison_a) == {own.pk, asked.pk}
    assert visible_outgoing(office.liaison_b) == set()
    for who in ("director", "staff", "leader"):
        assert visible_outgoing(getattr(office, who)) == {own.pk, asked.pk, office_only.pk}
    with pytest.raises(Http404):
        selectors.outgoing_get(office.liaison_b, own.pk)


def test_a_liaison_without_a_unit_sees_nothing(office):
    register(office)  # registered, no lead unit yet
    loose = UserFactory(username="liaison_nounit", roles=[Role.LIAISON])
    assert selectors.incoming_visible_to(loose).count() == 0
