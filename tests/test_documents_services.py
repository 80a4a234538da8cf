"""办文 business logic: the 收文 and 发文 routes through documents.services — numbers,
every step and who may take it, refusals that change nothing, the route in
WorkflowLog, notifications, 批示 → 督办, and the archive's read-only rule."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone as django_timezone

from documents import selectors, services
from documents.models import (
    Amendment,
    Circulation,
    Countersign,
    Distribution,
    IncomingDocument,
    InState,
    Instruction,
    OutgoingDocument,
    OutState,
)
from office import calendar
from office.models import Counter, Message, WorkflowLog
from office.roles import Role
from office.workflow import TransitionRefused, workflow_log_for
from supervision.models import State as SupervisionState
from supervision.models import SupervisionItem
from tests.factories import PersonFactory, UnitFactory, UserFactory

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inbox_only(settings):
    # Messages only: no email outbox rows, so executed on_commit callbacks never
    # try to reach a broker.
    settings.NOTIFICATION_CHANNELS = []


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture
def freeze_today(monkeypatch):
    """Fix django.utils.timezone.localdate() (the services' "today") to a date."""
    original = django_timezone.localdate

    def freeze(day):
        def localdate(value=None, timezone=None):
            return day if value is None else original(value, timezone)

        monkeypatch.setattr(django_timezone, "localdate", localdate)
        return day

    return freeze


# --- helpers -------------------------------------------------------------------------------


TITLE = "关于开展优化营商环境条例执法检查的函"


def register(office, *, actor=None, **overrides) -> IncomingDocument:
    data = dict(
        from_unit="市人大常委会办公室",
        from_number="市人常办〔2026〕45号",
        title=TITLE,
        doc_type="letter",
        received_on=D(2026, 11, 20),
        due_date=D(2026, 11, 30),
    )
    data.update(overrides)
    return services.incoming_register(actor=actor or office.staff, **data)


def second_leader():
    user = UserFactory(username="leader2", roles=[Role.LEADER])
    PersonFactory(name="王副主任", unit=UnitFactory(name="常委会领导办公室", kind="leadership"), user=user, protocol_rank=3)
    return user


def fetch(doc):
    return type(doc).objects.get(pk=doc.pk)


def snapshot(doc) -> dict:
    """Every stored column of the document and of its rows, fresh from the database."""
    fresh = fetch(doc)
    data = {field.attname: getattr(fresh, field.attname) for field in type(fresh)._meta.concrete_fields}
    if isinstance(fresh, IncomingDocument):
        data["co_units"] = sorted(fresh.co_units.values_list("pk", flat=True))
        data["instructions"] = list(fresh.instructions.order_by("order").values_list("order", "leader_id", "text", "signed_at", "supervision_item_id"))
        data["circulation"] = list(fresh.circulation.order_by("id").values_list("reader_id", "read_at", "comment"))
    else:
        data["countersigns"] = list(fresh.countersigns.order_by("id").values_list("unit_id", "decision", "comment", "decided_by_id"))
        data["distribution"] = list(fresh.distribution.order_by("id").values_list("recipient", "delivered_at", "receiver_name"))
    return data


def logs(doc):
    return list(workflow_log_for(doc))


def log_rows(doc):
    return [(log.action, log.from_state, log.to_state, log.actor, log.comment) for log in logs(doc)]


def reviewed(office, **overrides):
    doc = register(office, **overrides)
    return services.incoming_review(doc=doc, actor=office.staff, accept=True)


def proposed(office, leaders=None, **overrides):
    doc = reviewed(office, **overrides)
    return services.incoming_propose(doc=doc, actor=office.staff, proposal="拟请李副主任阅示。", leaders=leaders or [office.leader])


def instructed(office, **overrides):
    doc = proposed(office, **overrides)
    services.incoming_instruct(doc=doc, actor=office.leader, text="请财经工委牵头办理。")
    return fetch(doc)


def handling(office, co_units=(), **overrides):
    doc = instructed(office, **overrides)
    return services.incoming_assign(doc=doc, actor=office.staff, lead_unit=office.unit_a, co_units=co_units)


def done(office, **overrides):
    doc = handling(office, **overrides)
    return services.incoming_complete(doc=doc, actor=office.liaison_a, result="已办理完毕。")


def archived(office, **overrides):
    return services.incoming_archive(doc=done(office, **overrides), actor=office.staff)


def incoming_in(office, state):
    return {
        InState.REGISTERED: lambda: register(office),
        InState.REJECTED: lambda: services.incoming_review(doc=register(office), actor=office.staff, accept=False, reason="非本机关办理事项"),
        InState.REVIEWED: lambda: reviewed(office),
        InState.PROPOSED: lambda: proposed(office),
        InState.INSTRUCTED: lambda: instructed(office),
        InState.HANDLING: lambda: handling(office),
        InState.DONE: lambda: done(office),
        InState.ARCHIVED: lambda: archived(office),
    }[state]()


# --- 收文: 登记 and numbers ------------------------------------------------------------------


def test_register_stores_the_document_with_the_next_number(office):
    doc = register(office, secrecy="", urgency="urgent", copies=2, pages=6, body_text="请于11月30日前报送。")
    doc = fetch(doc)
    assert (doc.year, doc.serial, doc.number) == (2026, 1, "收〔2026〕1号")
    assert str(doc) == f"收〔2026〕1号 {TITLE}"
    assert (doc.state, doc.registered_by, doc.from_unit, doc.from_number) == (
        InState.REGISTERED, office.staff, "市人大常委会办公室", "市人常办〔2026〕45号"
    )
    assert (doc.urgency, doc.copies, doc.pages, doc.due_date) == ("urgent", 2, 6, D(2026, 11, 30))
    assert logs(doc) == []  # registration is the start; no non-secret grant note


def test_numbers_run_per_received_year_without_gaps(office):
    first, second, third = (register(office, title=f"来文{i}") for i in range(3))
    assert [d.number for d in (first, second, third)] == ["收〔2026〕1号", "收〔2026〕2号", "收〔2026〕3号"]
    # A late 2025 document starts (and continues) its own year's series.
    late = register(office, title="去年的来文", received_on=D(2025, 12, 30), due_date=None)
    assert (late.year, late.serial, late.number) == (2025, 1, "收〔2025〕1号")
    assert register(office, title="新年来文", received_on=D(2027, 1, 4), due_date=None).number == "收〔2027〕1号"
    assert register(office, title="来文3").number == "收〔2026〕4号"
    assert register(office, title="去年的来文2", received_on=D(2025, 12, 31), due_date=None).number == "收〔2025〕2号"


def test_refused_registrations_take_no_number(office):
    register(office)
    with pytest.raises(TransitionRefused):
        register(office, actor=office.liaison_a)
    with pytest.raises(TransitionRefused):
        register(office, secrecy="secret")
    with pytest.raises(TransitionRefused):
        register(office, due_date=D(2026, 11, 19))
    assert register(office).serial == 2
    assert Counter.objects.get(series="incoming", year=2026).last_value == 2
    assert IncomingDocument.objects.count() == 2


def test_number_is_unique_in_the_database(office):
    doc = register(office)
    with pytest.raises(IntegrityError), transaction.atomic():
        IncomingDocument.objects.create(year=doc.year, serial=doc.serial, from_unit="x", title="重号", doc_type="letter",
                                        received_on=D(2026, 11, 20), registered_by=office.staff)


@pytest.mark.parametrize("who", ["leader", "liaison_a", "driver", "duty"])
def test_only_the_office_registers(office, who):
    with pytest.raises(TransitionRefused, match="^只有办公室工作人员可以登记收文$"):
        register(office, actor=getattr(office, who))
    assert not IncomingDocument.objects.exists()
    assert not Counter.objects.exists()


def test_director_registers(office):
    assert register(office, actor=office.director).registered_by == office.director


@pytest.mark.parametrize("term", ["", "   ", None])
def test_secret_document_needs_a_secrecy_term(office, term):
    data = {"secrecy": "secret"} if term is None else {"secrecy": "secret", "secrecy_term": term}
    with pytest.raises(TransitionRefused, match="^涉密公文须填写保密期限$"):
        register(office, **data)
    assert not IncomingDocument.objects.exists()
    doc = register(office, secrecy="confidential", secrecy_term="10年")
    assert (fetch(doc).secrecy, fetch(doc).secrecy_term, fetch(doc).is_secret) == ("confidential", "10年", True)


def test_due_date_before_received_is_refused(office):
    with pytest.raises(TransitionRefused, match="^办理期限不能早于收文日期$"):
        register(office, received_on=D(2026, 11, 20), due_date=D(2026, 11, 19))
    assert not IncomingDocument.objects.exists()
    assert register(office, received_on=D(2026, 11, 20), due_date=D(2026, 11, 20)).due_date == D(2026, 11, 20)
    assert register(office, due_date=None).due_date is None


def test_unknown_fields_are_refused(office):
    with pytest.raises(ValueError):
        register(office, state=InState.ARCHIVED)
    with pytest.raises(ValueError):
        register(office, serial=99)
    assert not IncomingDocument.objects.exists()


@pytest.mark.parametrize("field", ["title", "from_unit"])
def test_register_without_title_or_sender_is_refused(office, field):
    with pytest.raises(TransitionRefused):
        register(office, **{field: "  "})
    assert not IncomingDocument.objects.exists()


def test_update_corrects_the_registration(office):
    doc = register(office)
    services.incoming_update(doc=doc, actor=office.staff, from_number="市人常办〔2026〕46号", copies=3)
    assert (fetch(doc).from_number, fetch(doc).copies) == ("市人常办〔2026〕46号", 3)
    with pytest.raises(TransitionRefused, match="^只有办公室工作人员可以修改收文登记$"):
        services.incoming_update(doc=doc, actor=office.liaison_a, title="联络员改")
    with pytest.raises(ValueError):
        services.incoming_update(doc=doc, actor=office.staff, state=InState.DONE)
    assert fetch(doc).state == InState.REGISTERED
    with pytest.raises(TransitionRefused, match="^涉密公文须填写保密期限$"):
        services.incoming_update(doc=doc, actor=office.staff, secrecy="secret")
    assert fetch(doc).secrecy == ""


def test_update_cannot_put_the_due_date_before_receipt(office):
    doc = register(office)
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="办理期限不能早于收文日期"):
        services.incoming_update(doc=doc, actor=office.staff, due_date=D(2026, 11, 1))
    assert snapshot(doc) == before


# --- 收文: 初审 -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "director"])
def test_review_accepts(office, who):
    doc = register(office)
    actor = getattr(office, who)
    services.incoming_review(doc=doc, actor=actor, accept=True)
    assert fetch(doc).state == InState.REVIEWED
    assert log_rows(doc) == [("review", InState.REGISTERED, InState.REVIEWED, actor, "")]
    assert logs(doc)[0].action_label == "初审通过"


def test_reject_needs_a_reason_then_returns_the_document(office):
    doc = register(office)
    before = snapshot(doc)
    for empty in ("", "   "):
        with pytest.raises(TransitionRefused, match="^请填写退文理由$"):
            services.incoming_review(doc=doc, actor=office.staff, accept=False, reason=empty)
    assert snapshot(doc) == before
    assert logs(doc) == []
    services.incoming_review(doc=doc, actor=office.staff, accept=False, reason="  非本机关办理事项，退回来文单位 ")
    assert fetch(doc).state == InState.REJECTED
    assert log_rows(doc) == [("reject", InState.REGISTERED, InState.REJECTED, office.staff, "非本机关办理事项，退回来文单位")]
    # A returned document can only be archived.
    services.incoming_archive(doc=doc, actor=office.staff)
    assert fetch(doc).state == InState.ARCHIVED


@pytest.mark.parametrize("who", ["leader", "liaison_a", "driver"])
def test_review_refused_outside_the_office(office, who):
    doc = register(office)
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="^您没有权限初审通过$"):
        services.incoming_review(doc=doc, actor=getattr(office, who), accept=True)
    with pytest.raises(TransitionRefused, match="^您没有权限退文$"):
        services.incoming_review(doc=doc, actor=getattr(office, who), accept=False, reason="退")
    assert snapshot(doc) == before
    assert logs(doc) == []


# --- 收文: 拟办 -------------------------------------------------------------------------------


def test_propose_names_the_leaders_in_order_and_tells_the_first(office, django_capture_on_commit_callbacks):
    leader2 = second_leader()
    doc = reviewed(office)
    with django_capture_on_commit_callbacks(execute=True):
        services.incoming_propose(doc=doc, actor=office.staff, proposal="  拟请李副主任、王副主任阅示。 ", leaders=[office.leader, leader2])
    doc = fetch(doc)
    assert (doc.state, doc.proposal) == (InState.PROPOSED, "拟请李副主任、王副主任阅示。")
    assert list(doc.instructions.values_list("order", "leader", "text", "signed_at")) == [
        (1, office.leader.pk, "", None), (2, leader2.pk, "", None)
    ]
    assert log_rows(doc)[-1] == ("propose", InState.REVIEWED, InState.PROPOSED, office.staff, "拟请李副主任、王副主任阅示。")
    told = Message.objects.filter(event_key__startswith=f"documents:incomingdocument:{doc.pk}:")
    assert [(m.recipient, m.subject) for m in told] == [(office.leader, f"请批示：{TITLE}")]
    assert told[0].link == doc.get_absolute_url()


def test_propose_needs_a_proposal(office):
    doc = reviewed(office)
    before, log_count = snapshot(doc), WorkflowLog.objects.count()
    with pytest.raises(TransitionRefused, match="^请填写拟办意见$"):
        services.incoming_propose(doc=doc, actor=office.staff, proposal="  ", leaders=[office.leader])
    assert snapshot(doc) == before
    assert WorkflowLog.objects.count() == log_count
    assert not Instruction.objects.exists()


@pytest.mark.parametrize("case,message", [
    ("none", "请选择批示领导"),
    ("nones", "请选择批示领导"),
    ("director", "批示人须为常委会领导"),
    ("liaison", "批示人须为常委会领导"),
    ("duplicate", "同一位领导不能重复选择"),
])
def test_propose_leaders_must_be_leaders_once_each(office, case, message):
    leaders = {
        "none": [],
        "nones": [None],
        "director": [office.leader, office.director],
        "liaison": [office.liaison_a],
        "duplicate": [office.leader, office.leader],
    }[case]
    doc = reviewed(office)
    before, log_count = snapshot(doc), WorkflowLog.objects.count()
    with pytest.raises(TransitionRefused, match=f"^{message}$"):
        services.incoming_propose(doc=doc, actor=office.staff, proposal="拟请阅示。", leaders=leaders)
    assert snapshot(doc) == before
    assert WorkflowLog.objects.count() == log_count
    assert not Instruction.objects.exists()


@pytest.mark.parametrize("who", ["leader", "liaison_a"])
def test_propose_refused_outside_the_office(office, who):
    doc = reviewed(office)
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="^您没有权限拟办$"):
        services.incoming_propose(doc=doc, actor=getattr(office, who), proposal="拟请阅示。", leaders=[office.leader])
    assert snapshot(doc) == before


# --- 收文: 批示 in order -----------------------------------------------------------------------


def test_instructions_in_the_proposed_order(office, django_capture_on_commit_callbacks):
    leader2 = second_leader()
    doc = proposed(office, leaders=[office.leader, leader2])
    before, log_count = snapshot(doc), WorkflowLog.objects.count()

    # The second leader cannot write before the first.
    with pytest.raises(TransitionRefused, match="^您没有权限批示$"):
        services.incoming_instruct(doc=doc, actor=leader2, text="同意。")
    assert snapshot(doc) == before
    assert WorkflowLog.objects.count() == log_count

    with django_capture_on_commit_callbacks(execute=True):
        first = services.incoming_instruct(doc=doc, actor=office.leader, text="  请财经工委牵头办理。 ")
    assert (first.order, first.leader, first.text) == (1, office.leader, "请财经工委牵头办理。")
    assert first.signed_at is not None
    assert fetch(doc).state == InState.PROPOSED  # still waiting for the second
    assert log_rows(doc)[-1] == ("instruct", InState.PROPOSED, InState.PROPOSED, office.leader, "请财经工委牵头办理。")
    assert Message.objects.filter(recipient=leader2, subject=f"请批示：{TITLE}").count() == 1
    assert not Message.objects.filter(recipient__in=[office.staff, office.director]).exists()

    # The first leader has had their turn.
    with pytest.raises(TransitionRefused, match="^您没有权限批示$"):
        services.incoming_instruct(doc=doc, actor=office.leader, text="再批一次")

    with django_capture_on_commit_callbacks(execute=True):
        services.incoming_instruct(doc=doc, actor=leader2, text="同意李副主任意见。")
    doc = fetch(doc)
    assert doc.state == InState.INSTRUCTED
    assert list(doc.instructions.values_list("leader", "text")) == [
        (office.leader.pk, "请财经工委牵头办理。"), (leader2.pk, "同意李副主任意见。")
    ]
    assert logs(doc)[-1].actor == leader2 and logs(doc)[-1].comment == "同意李副主任意见。"
    # After the last 批示 the office staff are told to route it.
    told = Message.objects.filter(event_key=f"documents:incomingdocument:{doc.pk}:instructed")
    assert {m.recipient for m in told} == {office.staff, office.director}
    assert {m.subject for m in told} == {f"领导已批示，请交承办：{TITLE}"}
    assert not told.filter(recipient__in=[office.leader, leader2, office.liaison_a, office.driver]).exists()


def test_instruction_text_is_required(office):
    doc = proposed(office)
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="^请填写批示$"):
        services.incoming_instruct(doc=doc, actor=office.leader, text="   ")
    assert snapshot(doc) == before


@pytest.mark.parametrize("who", ["staff", "director", "liaison_a"])
def test_only_the_leader_whose_turn_it_is_instructs(office, who):
    doc = proposed(office)
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="^您没有权限批示$"):
        services.incoming_instruct(doc=doc, actor=getattr(office, who), text="同意。")
    assert snapshot(doc) == before


def test_no_instruction_after_the_last_one(office):
    doc = instructed(office)
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="^当前状态为“已批办”，不能批示$"):
        services.incoming_instruct(doc=doc, actor=office.leader, text="补充批示")
    assert snapshot(doc) == before


def test_the_last_instruction_is_logged_as_the_move_to_instructed(office):
    doc = instructed(office)
    assert log_rows(doc)[-1] == ("instruct_last", InState.PROPOSED, InState.INSTRUCTED, office.leader, "请财经工委牵头办理。")


# --- 批示 → 督办 -----------------------------------------------------------------------------


@pytest.mark.parametrize("urgency,deadline", [("normal", D(2026, 11, 25)), ("urgent", D(2026, 11, 19))])
def test_instruction_becomes_a_supervision_item_in_one_step(office, freeze_today, urgency, deadline):
    freeze_today(D(2026, 11, 16))  # Monday; 3715: urgent 3, normal 7 working days
    doc = instructed(office)
    instruction = doc.instructions.get()
    item = services.instruction_to_supervision(instruction=instruction, actor=office.staff, lead_unit=office.unit_a,
                                               urgency=urgency, co_units=[office.unit_a, office.unit_b])
    item = SupervisionItem.objects.get(pk=item.pk)
    assert item.source == "instruction"
    assert item.source_object == instruction
    assert item.leader == office.leader
    assert (item.state, item.assigned_on, item.deadline) == (SupervisionState.ASSIGNED, D(2026, 11, 16), deadline)
    assert item.lead_unit == office.unit_a
    assert set(item.co_units.all()) == {office.unit_b}
    assert item.requirements == "请财经工委牵头办理。"
    assert TITLE in item.title
    assert doc.number in item.source_detail and "李副主任" in item.source_detail
    assert item.number == "督〔2026〕1号"
    assert Instruction.objects.get(pk=instruction.pk).supervision_item_id == item.pk
    # The document itself is untouched.
    assert fetch(doc).state == InState.INSTRUCTED


def test_instruction_converts_only_once(office):
    doc = instructed(office)
    instruction = doc.instructions.get()
    item = services.instruction_to_supervision(instruction=instruction, actor=office.staff, lead_unit=office.unit_a)
    with pytest.raises(TransitionRefused, match="^该批示已转为督办事项$"):
        services.instruction_to_supervision(instruction=instruction, actor=office.director, lead_unit=office.unit_b)
    assert list(SupervisionItem.objects.values_list("pk", flat=True)) == [item.pk]
    assert Instruction.objects.get(pk=instruction.pk).supervision_item_id == item.pk


def test_unsigned_instruction_is_not_converted(office):
    leader2 = second_leader()
    doc = proposed(office, leaders=[office.leader, leader2])
    services.incoming_instruct(doc=doc, actor=office.leader, text="请办理。")
    pending = doc.instructions.get(order=2)
    with pytest.raises(TransitionRefused, match="^领导尚未批示$"):
        services.instruction_to_supervision(instruction=pending, actor=office.staff, lead_unit=office.unit_a)
    assert not SupervisionItem.objects.exists()
    assert Instruction.objects.get(pk=pending.pk).supervision_item_id is None


def test_only_the_office_converts_an_instruction(office):
    doc = instructed(office)
    instruction = doc.instructions.get()
    with pytest.raises(TransitionRefused, match="只有办公室工作人员可以登记督办事项"):
        services.instruction_to_supervision(instruction=instruction, actor=office.leader, lead_unit=office.unit_a)
    assert not SupervisionItem.objects.exists()
    assert Instruction.objects.get(pk=instruction.pk).supervision_item_id is None


# --- 收文: 承办 --------------------------------------------------------------------------------


def test_assign_needs_a_lead_unit(office):
    doc = instructed(office)
    before, log_count = snapshot(doc), WorkflowLog.objects.count()
    with pytest.raises(TransitionRefused, match="^请指定主办单位$"):
        services.incoming_assign(doc=doc, actor=office.staff, lead_unit=None, co_units=[office.unit_b])
    assert snapshot(doc) == before
    assert WorkflowLog.objects.count() == log_count


def test_assign_sets_lead_and_co_units_and_tells_their_liaisons(office, django_capture_on_commit_callbacks):
    doc = instructed(office)
    with django_capture_on_commit_callbacks(execute=True):
        services.incoming_assign(doc=doc, actor=office.staff, lead_unit=office.unit_a, co_units=[office.unit_a, office.unit_b])
    doc = fetch(doc)
    assert (doc.state, doc.lead_unit) == (InState.HANDLING, office.unit_a)
    assert set(doc.co_units.all()) == {office.unit_b}  # the lead unit is never also a co-unit
    assert log_rows(doc)[-1] == (
        "assign", InState.INSTRUCTED, InState.HANDLING, office.staff, "主办：财政经济工作委员会；协办：法制工作委员会"
    )
    told = Message.objects.filter(event_key=f"documents:incomingdocument:{doc.pk}:assigned-{office.unit_a.pk}")
    assert {m.recipient for m in told} == {office.liaison_a, office.liaison_b}
    assert {m.subject for m in told} == {f"请承办：{TITLE}"}


def test_assign_straight_after_review_without_co_units(office):
    doc = reviewed(office)
    services.incoming_assign(doc=doc, actor=office.director, lead_unit=office.unit_b)
    doc = fetch(doc)
    assert (doc.state, doc.lead_unit, list(doc.co_units.all())) == (InState.HANDLING, office.unit_b, [])
    assert log_rows(doc)[-1] == ("assign", InState.REVIEWED, InState.HANDLING, office.director, "主办：法制工作委员会")


@pytest.mark.parametrize("who", ["leader", "liaison_a", "driver"])
def test_assign_refused_outside_the_office(office, who):
    doc = instructed(office)
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="^您没有权限交承办$"):
        services.incoming_assign(doc=doc, actor=getattr(office, who), lead_unit=office.unit_a)
    assert snapshot(doc) == before


# --- 收文: 传阅 --------------------------------------------------------------------------------


def test_circulation_readers_read_receipts_and_who_has_not_read(office, django_capture_on_commit_callbacks):
    doc = handling(office)
    with django_capture_on_commit_callbacks(execute=True):
        added = services.circulation_add(doc=doc, actor=office.staff, readers=[office.director, office.leader])
    assert [entry.reader for entry in added] == [office.director, office.leader]
    note = logs(doc)[-1]
    assert (note.action, note.action_label, note.actor, note.comment) == ("circulate", "送传阅", office.staff, "孙主任、李副主任")
    assert note.from_state == note.to_state == InState.HANDLING
    assert {m.recipient for m in Message.objects.filter(event_key=f"documents:incomingdocument:{doc.pk}:circulate")} == {
        office.director, office.leader
    }

    # Adding again only adds who is new.
    again = services.circulation_add(doc=doc, actor=office.staff, readers=[office.leader, office.liaison_b])
    assert [entry.reader for entry in again] == [office.liaison_b]
    assert Circulation.objects.filter(document=doc).count() == 3
    assert fetch(doc).state == InState.HANDLING  # circulation does not move the document

    def unread():
        return set(Circulation.objects.filter(document=doc, read_at__isnull=True).values_list("reader", flat=True))

    assert unread() == {office.director.pk, office.leader.pk, office.liaison_b.pk}
    assert list(selectors.waiting_on(office.leader)["to_read"]) == [fetch(doc)]

    entry = services.circulation_read(doc=doc, actor=office.leader, comment="  已阅。 ")
    assert (entry.comment, entry.read_at is not None) == ("已阅。", True)
    assert unread() == {office.director.pk, office.liaison_b.pk}
    assert list(selectors.waiting_on(office.leader)["to_read"]) == []
    assert list(selectors.waiting_on(office.director)["to_read"]) == [fetch(doc)]

    # Reading again keeps the first receipt.
    first_read = entry.read_at
    services.circulation_read(doc=doc, actor=office.leader, comment="再阅")
    assert Circulation.objects.get(document=doc, reader=office.leader).read_at == first_read
    assert Circulation.objects.get(document=doc, reader=office.leader).comment == "已阅。"

    services.circulation_read(doc=doc, actor=office.director)
    services.circulation_read(doc=doc, actor=office.liaison_b)
    assert unread() == set()


def test_a_non_reader_cannot_mark_read(office):
    doc = handling(office)
    services.circulation_add(doc=doc, actor=office.staff, readers=[office.director])
    for outsider in (office.leader, office.liaison_a, office.staff):
        with pytest.raises(TransitionRefused, match="^您不在该文的传阅名单中$"):
            services.circulation_read(doc=doc, actor=outsider)
    assert not Circulation.objects.filter(read_at__isnull=False).exists()
    assert Circulation.objects.filter(document=doc).count() == 1


def test_circulation_by_the_office_after_review_only(office):
    doc = register(office)
    with pytest.raises(TransitionRefused, match="^初审通过后才能传阅$"):
        services.circulation_add(doc=doc, actor=office.staff, readers=[office.director])
    doc = reviewed(office, title="另一份来文")
    with pytest.raises(TransitionRefused, match="^只有办公室工作人员可以安排传阅$"):
        services.circulation_add(doc=doc, actor=office.leader, readers=[office.director])
    assert not Circulation.objects.exists()
    assert not WorkflowLog.objects.filter(action="circulate").exists()


def test_the_same_reader_twice_in_one_call_is_one_entry(office):
    doc = handling(office)
    services.circulation_add(doc=doc, actor=office.staff, readers=[office.director, office.director])
    assert Circulation.objects.filter(document=doc).count() == 1


# --- 收文: 办结 and 归档 ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["liaison_a", "staff", "director"])
def test_complete_by_lead_unit_or_office(office, who, freeze_today):
    freeze_today(D(2026, 11, 27))
    doc = handling(office, co_units=[office.unit_b])
    actor = getattr(office, who)
    services.incoming_complete(doc=doc, actor=actor, result="  已书面报送办理情况。 ")
    doc = fetch(doc)
    assert (doc.state, doc.result, doc.done_on) == (InState.DONE, "已书面报送办理情况。", D(2026, 11, 27))
    assert log_rows(doc)[-1] == ("complete", InState.HANDLING, InState.DONE, actor, "已书面报送办理情况。")


@pytest.mark.parametrize("who", ["liaison_b", "leader", "driver"])
def test_complete_refused_to_co_unit_and_others(office, who):
    doc = handling(office, co_units=[office.unit_b])  # liaison_b is the co-unit's liaison
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="^您没有权限办结$"):
        services.incoming_complete(doc=doc, actor=getattr(office, who), result="代为办结")
    assert snapshot(doc) == before


def test_complete_needs_a_result(office):
    doc = handling(office)
    before, log_count = snapshot(doc), WorkflowLog.objects.count()
    with pytest.raises(TransitionRefused, match="^请填写办理结果$"):
        services.incoming_complete(doc=doc, actor=office.liaison_a, result="  ")
    assert snapshot(doc) == before
    assert WorkflowLog.objects.count() == log_count


@pytest.mark.parametrize("who", ["liaison_a", "leader"])
def test_archive_by_the_office_only(office, who):
    doc = done(office)
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="^您没有权限归档$"):
        services.incoming_archive(doc=doc, actor=getattr(office, who))
    assert snapshot(doc) == before
    services.incoming_archive(doc=doc, actor=office.director)
    assert fetch(doc).state == InState.ARCHIVED
    assert log_rows(doc)[-1] == ("archive", InState.DONE, InState.ARCHIVED, office.director, "")


def test_the_whole_incoming_route_is_logged(office):
    leader2 = second_leader()
    doc = proposed(office, leaders=[office.leader, leader2])
    services.incoming_instruct(doc=doc, actor=office.leader, text="请阅办。")
    services.incoming_instruct(doc=doc, actor=leader2, text="同意。")
    services.incoming_assign(doc=doc, actor=office.staff, lead_unit=office.unit_a)
    services.circulation_add(doc=doc, actor=office.staff, readers=[office.director])
    services.incoming_complete(doc=doc, actor=office.liaison_a, result="已办结。")
    services.incoming_archive(doc=doc, actor=office.staff)
    rows = [(action, actor, comment) for action, _, _, actor, comment in log_rows(doc)]
    assert rows == [
        ("review", office.staff, ""),
        ("propose", office.staff, "拟请李副主任阅示。"),
        ("instruct", office.leader, "请阅办。"),
        ("instruct_last", leader2, "同意。"),
        ("assign", office.staff, "主办：财政经济工作委员会"),
        ("circulate", office.staff, "孙主任"),
        ("complete", office.liaison_a, "已办结。"),
        ("archive", office.staff, ""),
    ]
    assert all(log.at is not None and log.action_label for log in logs(doc))
    assert fetch(doc).state == InState.ARCHIVED


INCOMING_WRONG_STATE = [
    # (state, step, call, message)
    (InState.REVIEWED, "review", lambda o, d: services.incoming_review(doc=d, actor=o.staff, accept=True), "当前状态为“初审通过”，不能初审通过"),
    (InState.PROPOSED, "reject", lambda o, d: services.incoming_review(doc=d, actor=o.staff, accept=False, reason="退"), "当前状态为“待批办”，不能退文"),
    (InState.ARCHIVED, "review", lambda o, d: services.incoming_review(doc=d, actor=o.staff, accept=True), "当前状态为“已归档”，不能初审通过"),
    (InState.REGISTERED, "propose", lambda o, d: services.incoming_propose(doc=d, actor=o.staff, proposal="拟", leaders=[o.leader]), "当前状态为“已登记”，不能拟办"),
    (InState.PROPOSED, "propose", lambda o, d: services.incoming_propose(doc=d, actor=o.staff, proposal="拟", leaders=[o.leader]), "当前状态为“待批办”，不能拟办"),
    (InState.HANDLING, "propose", lambda o, d: services.incoming_propose(doc=d, actor=o.staff, proposal="拟", leaders=[o.leader]), "当前状态为“承办中”，不能拟办"),
    (InState.REVIEWED, "instruct", lambda o, d: services.incoming_instruct(doc=d, actor=o.leader, text="同意"), "当前状态为“初审通过”，不能批示"),
    (InState.HANDLING, "instruct", lambda o, d: services.incoming_instruct(doc=d, actor=o.leader, text="同意"), "当前状态为“承办中”，不能批示"),
    (InState.REGISTERED, "assign", lambda o, d: services.incoming_assign(doc=d, actor=o.staff, lead_unit=o.unit_a), "当前状态为“已登记”，不能交承办"),
    (InState.PROPOSED, "assign", lambda o, d: services.incoming_assign(doc=d, actor=o.staff, lead_unit=o.unit_a), "当前状态为“待批办”，不能交承办"),
    (InState.HANDLING, "assign", lambda o, d: services.incoming_assign(doc=d, actor=o.staff, lead_unit=o.unit_b), "当前状态为“承办中”，不能交承办"),
    (InState.REJECTED, "assign", lambda o, d: services.incoming_assign(doc=d, actor=o.staff, lead_unit=o.unit_a), "当前状态为“已退文”，不能交承办"),
    (InState.INSTRUCTED, "complete", lambda o, d: services.incoming_complete(doc=d, actor=o.staff, result="办结"), "当前状态为“已批办”，不能办结"),
    (InState.DONE, "complete", lambda o, d: services.incoming_complete(doc=d, actor=o.staff, result="办结"), "当前状态为“已办结”，不能办结"),
    (InState.HANDLING, "archive", lambda o, d: services.incoming_archive(doc=d, actor=o.staff), "当前状态为“承办中”，不能归档"),
    (InState.REGISTERED, "archive", lambda o, d: services.incoming_archive(doc=d, actor=o.staff), "当前状态为“已登记”，不能归档"),
    (InState.ARCHIVED, "archive", lambda o, d: services.incoming_archive(doc=d, actor=o.staff), "当前状态为“已归档”，不能归档"),
    (InState.ARCHIVED, "complete", lambda o, d: services.incoming_complete(doc=d, actor=o.liaison_a, result="办结"), "当前状态为“已归档”，不能办结"),
]


@pytest.mark.parametrize("state,step,call,message", INCOMING_WRONG_STATE, ids=[f"{s}-from-{st}" for st, s, _, _ in INCOMING_WRONG_STATE])
def test_incoming_step_from_the_wrong_state_is_refused_and_nothing_changes(office, state, step, call, message):
    doc = incoming_in(office, state)
    assert fetch(doc).state == state
    before, log_count, messages = snapshot(doc), WorkflowLog.objects.count(), Message.objects.count()
    with pytest.raises(TransitionRefused) as refused:
        call(office, doc)
    assert str(refused.value) == message
    assert snapshot(doc) == before
    assert WorkflowLog.objects.count() == log_count
    assert Message.objects.count() == messages


# --- 发文 ----------------------------------------------------------------------------------


OUT_TITLE = "关于召开区第十六届人大常委会第二十次会议的通知"


def draft(office, *, actor=None, **overrides) -> OutgoingDocument:
    data = dict(
        doc_type="notice",
        title=OUT_TITLE,
        main_to="各位常委会组成人员",
        copy_to="区委办公室，区人民政府办公室。",
        body="根据工作安排，现将有关事项通知如下：……特此通知。",
        issuer="清河区人大常委会办公室",
        signature="清河区人大常委会办公室",
        prefix="清人常办发",
    )
    data.update(overrides)
    return services.outgoing_draft(actor=actor or office.staff, **data)


def step(doc, action, actor, comment=""):
    return services.outgoing_transition(doc=doc, action=action, actor=actor, comment=comment)


def out_checked(office, **overrides):
    return services.outgoing_check(doc=draft(office, **overrides), actor=office.staff)


def out_awaiting(office, **overrides):
    return step(out_checked(office, **overrides), "submit", office.staff)


def out_signed(office, **overrides):
    return step(out_awaiting(office, **overrides), "sign", office.leader)


def out_numbered(office, **overrides):
    return step(out_signed(office, **overrides), "number", office.staff)


def out_printed(office, **overrides):
    doc = step(out_numbered(office, **overrides), "seal", office.staff)
    return step(doc, "print", office.staff)


def out_distributed(office, **overrides):
    doc = out_printed(office, **overrides)
    for row in services.distribution_add(doc=doc, actor=office.staff, recipients=[("各工作委员会", 8)]):
        services.distribution_deliver(distribution=row, actor=office.staff, receiver_name="王收发")
    return step(doc, "distribute", office.staff)


def out_archived(office, **overrides):
    return step(out_distributed(office, **overrides), "archive", office.staff)


@pytest.mark.parametrize("who,unit", [("staff", "office_unit"), ("liaison_a", "unit_a"), ("director", "office_unit"), ("leader", None)])
def test_draft_takes_the_unit_of_the_drafter(office, who, unit):
    actor = getattr(office, who)
    doc = fetch(draft(office, actor=actor))
    expected = getattr(office, unit) if unit else actor.person.unit
    assert (doc.state, doc.drafter, doc.drafting_unit) == (OutState.DRAFT, actor, expected)
    assert (doc.title, doc.prefix, doc.number, doc.serial, doc.signer) == (OUT_TITLE, "清人常办发", "", None, None)
    assert str(doc) == f"（未编号） {OUT_TITLE}"


@pytest.mark.parametrize("field,label", [("title", "标题"), ("main_to", "主送机关"), ("body", "正文"), ("issuer", "发文机关"),
                                         ("signature", "署名"), ("prefix", "机关代字")])
def test_draft_required_fields(office, field, label):
    with pytest.raises(TransitionRefused, match=f"^请填写{label}$"):
        draft(office, **{field: "  "})
    assert not OutgoingDocument.objects.exists()


def test_draft_with_a_required_field_missing_is_refused(office):
    data = dict(doc_type="notice", main_to="各位常委会组成人员", body="正文", issuer="清河区人大常委会办公室",
                signature="清河区人大常委会办公室", prefix="清人常办发")  # no title
    with pytest.raises(TransitionRefused, match="请填写标题"):
        services.outgoing_draft(actor=office.staff, **data)
    assert not OutgoingDocument.objects.exists()


def test_draft_refusals(office):
    with pytest.raises(TransitionRefused, match="^您没有拟稿权限$"):
        draft(office, actor=office.driver)
    with pytest.raises(TransitionRefused, match="^涉密公文须填写保密期限$"):
        draft(office, secrecy="secret")
    nobody = UserFactory(username="staff_no_person", roles=[Role.STAFF])
    with pytest.raises(TransitionRefused, match="^您的账号没有所属单位，请联系办公室$"):
        draft(office, actor=nobody)
    with pytest.raises(ValueError):
        draft(office, state=OutState.SIGNED)
    with pytest.raises(ValueError):
        draft(office, serial=5)
    assert not OutgoingDocument.objects.exists()


@pytest.mark.parametrize("who", ["staff", "director"])
def test_check_by_the_office(office, who):
    doc = draft(office, actor=office.liaison_a)
    actor = getattr(office, who)
    services.outgoing_check(doc=doc, actor=actor, comment="文字已校核")
    assert fetch(doc).state == OutState.CHECKED
    assert log_rows(doc) == [("check", OutState.DRAFT, OutState.CHECKED, actor, "文字已校核")]


@pytest.mark.parametrize("who", ["liaison_a", "leader"])
def test_check_refused_outside_the_office(office, who):
    doc = draft(office, actor=office.liaison_a)
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="^您没有权限核稿$"):
        services.outgoing_check(doc=doc, actor=getattr(office, who))
    assert snapshot(doc) == before


# --- 发文: 会签 --------------------------------------------------------------------------------


def test_countersign_request_excludes_the_drafting_unit(office, django_capture_on_commit_callbacks):
    doc = services.outgoing_check(doc=draft(office, actor=office.liaison_a), actor=office.staff)
    with django_capture_on_commit_callbacks(execute=True):
        created = services.countersign_request(doc=doc, actor=office.staff, units=[office.unit_a, office.unit_b])
    assert [row.unit for row in created] == [office.unit_b]
    assert list(fetch(doc).countersigns.values_list("unit", "decision")) == [(office.unit_b.pk, Countersign.Decision.PENDING)]
    assert fetch(doc).state == OutState.COUNTERSIGNING
    note = logs(doc)[-1]
    assert (note.action, note.action_label, note.actor, note.comment, note.to_state) == (
        "countersign_request", "发起会签", office.staff, "法制工作委员会", OutState.COUNTERSIGNING
    )
    told = Message.objects.filter(event_key=f"documents:outgoingdocument:{doc.pk}:countersign")
    assert [(m.recipient, m.subject) for m in told] == [(office.liaison_b, f"请会签：{OUT_TITLE}")]
    assert list(selectors.waiting_on(office.liaison_b)["to_countersign"]) == [fetch(doc)]


def test_countersign_request_refusals(office):
    doc = draft(office, actor=office.liaison_a)
    with pytest.raises(TransitionRefused, match="^公文当前为“拟稿”，核稿后才能会签$"):
        services.countersign_request(doc=doc, actor=office.staff, units=[office.unit_b])
    services.outgoing_check(doc=doc, actor=office.staff)
    before, log_count = snapshot(doc), WorkflowLog.objects.count()
    with pytest.raises(TransitionRefused, match="^请选择会签单位$"):
        services.countersign_request(doc=doc, actor=office.staff, units=[office.unit_a])  # only the drafting unit
    with pytest.raises(TransitionRefused, match="^只有办公室可以发起会签$"):
        services.countersign_request(doc=doc, actor=office.liaison_a, units=[office.unit_b])
    assert snapshot(doc) == before
    assert WorkflowLog.objects.count() == log_count


def countersigning(office):
    doc = out_checked(office)  # drafted by the office
    services.countersign_request(doc=doc, actor=office.staff, units=[office.unit_a, office.unit_b])
    rows = {row.unit_id: row for row in fetch(doc).countersigns.all()}
    return fetch(doc), rows[office.unit_a.pk], rows[office.unit_b.pk]


def test_countersign_by_the_units_liaison_or_the_office_then_submit(office):
    doc, sign_a, sign_b = countersigning(office)
    for outsider in (office.liaison_a, office.driver):
        with pytest.raises(TransitionRefused, match="^只有法制工作委员会可以会签$"):
            services.countersign_decide(countersign=sign_b, actor=outsider, approve=True)
    assert fetch(doc).countersigns.filter(decision=Countersign.Decision.PENDING).count() == 2

    services.countersign_decide(countersign=sign_b, actor=office.liaison_b, approve=True, comment=" 无意见 ")
    row = Countersign.objects.get(pk=sign_b.pk)
    assert (row.decision, row.comment, row.decided_by, row.decided_at is not None) == (Countersign.Decision.SIGNED, "无意见", office.liaison_b, True)
    note = logs(doc)[-1]
    assert (note.action, note.action_label, note.actor, note.comment) == ("countersign", "法制工委会签", office.liaison_b, "无意见")
    with pytest.raises(TransitionRefused, match="^本单位已会签$"):
        services.countersign_decide(countersign=sign_b, actor=office.liaison_b, approve=True)

    # Not yet all countersigned: 送签 is refused.
    before = snapshot(doc)
    with pytest.raises(TransitionRefused):
        step(doc, "submit", office.staff)
    assert snapshot(doc) == before

    # The office director signs for unit A.
    services.countersign_decide(countersign=sign_a, actor=office.director, approve=True)
    step(doc, "submit", office.staff)
    assert fetch(doc).state == OutState.AWAITING_SIGNATURE
    assert log_rows(doc)[-1] == ("submit", OutState.COUNTERSIGNING, OutState.AWAITING_SIGNATURE, office.staff, "")


def test_countersign_return_needs_a_comment_and_sends_the_draft_back(office):
    doc, sign_a, sign_b = countersigning(office)
    services.countersign_decide(countersign=sign_a, actor=office.liaison_a, approve=True)
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="^退回修改须填写会签意见$"):
        services.countersign_decide(countersign=sign_b, actor=office.liaison_b, approve=False, comment="  ")
    assert snapshot(doc) == before

    services.countersign_decide(countersign=sign_b, actor=office.liaison_b, approve=False, comment="第二条表述需与条例一致")
    doc = fetch(doc)
    assert doc.state == OutState.DRAFT
    assert Countersign.objects.get(pk=sign_b.pk).decision == Countersign.Decision.RETURNED
    assert Countersign.objects.get(pk=sign_b.pk).comment == "第二条表述需与条例一致"
    # The other unit signed a text that is going to change: it signs again.
    assert Countersign.objects.get(pk=sign_a.pk).decision == Countersign.Decision.PENDING
    note = logs(doc)[-1]
    assert (note.action, note.action_label, note.actor, note.comment) == (
        "countersign", "法制工委退回修改", office.liaison_b, "第二条表述需与条例一致"
    )
    with pytest.raises(TransitionRefused, match="^公文不在会签中$"):
        services.countersign_decide(countersign=sign_a, actor=office.liaison_a, approve=True)


def test_after_a_return_the_revised_draft_can_be_countersigned_again(office):
    doc, sign_a, sign_b = countersigning(office)
    services.countersign_decide(countersign=sign_b, actor=office.liaison_b, approve=False, comment="请修改第二条")
    services.outgoing_edit(doc=doc, actor=office.staff, body="修改后的正文。")
    services.outgoing_check(doc=doc, actor=office.staff)
    services.countersign_request(doc=doc, actor=office.staff, units=[office.unit_a, office.unit_b])
    services.countersign_decide(countersign=sign_a, actor=office.liaison_a, approve=True)
    services.countersign_decide(countersign=sign_b, actor=office.liaison_b, approve=True)
    step(doc, "submit", office.staff)
    assert fetch(doc).state == OutState.AWAITING_SIGNATURE


def test_the_same_unit_twice_in_one_request_is_one_countersign(office):
    doc = out_checked(office)
    services.countersign_request(doc=doc, actor=office.staff, units=[office.unit_b, office.unit_b])
    assert fetch(doc).countersigns.count() == 1


def test_send_back_needs_a_comment_and_reopens_the_countersigns(office):
    doc, sign_a, sign_b = countersigning(office)
    services.countersign_decide(countersign=sign_a, actor=office.liaison_a, approve=True)
    services.countersign_decide(countersign=sign_b, actor=office.liaison_b, approve=True)
    step(doc, "submit", office.staff)
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="^请填写退回意见$"):
        step(doc, "send_back", office.leader, comment=" ")
    assert snapshot(doc) == before
    step(doc, "send_back", office.leader, comment="请补充会议议程")
    assert fetch(doc).state == OutState.DRAFT
    assert set(fetch(doc).countersigns.values_list("decision", flat=True)) == {Countersign.Decision.PENDING}
    assert log_rows(doc)[-1] == ("send_back", OutState.AWAITING_SIGNATURE, OutState.DRAFT, office.leader, "请补充会议议程")


# --- 发文: 签发 and edits ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "director", "liaison_a"])
def test_only_a_leader_signs(office, who):
    doc = out_awaiting(office)
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="^您没有权限签发$"):
        step(doc, "sign", getattr(office, who))
    assert snapshot(doc) == before


def test_leader_signs_and_the_office_is_told(office, freeze_today, django_capture_on_commit_callbacks):
    freeze_today(D(2026, 11, 24))
    doc = out_awaiting(office)
    with django_capture_on_commit_callbacks(execute=True):
        step(doc, "sign", office.leader, comment="同意印发")
    doc = fetch(doc)
    assert (doc.state, doc.signer, doc.signed_on, doc.signed_at is not None) == (OutState.SIGNED, office.leader, D(2026, 11, 24), True)
    assert log_rows(doc)[-1] == ("sign", OutState.AWAITING_SIGNATURE, OutState.SIGNED, office.leader, "同意印发")
    told = Message.objects.filter(event_key__startswith=f"documents:outgoingdocument:{doc.pk}:signed-")
    assert {m.recipient for m in told} == {office.staff, office.director}
    assert {m.subject for m in told} == {f"已签发，请编号印发：{OUT_TITLE}"}


def test_edit_after_signing_sends_it_back_for_signing(office):
    doc = out_signed(office)
    # An "edit" that changes nothing keeps the signature.
    services.outgoing_edit(doc=doc, actor=office.staff, title=OUT_TITLE)
    assert (fetch(doc).state, fetch(doc).signer) == (OutState.SIGNED, office.leader)
    log_count = len(logs(doc))

    services.outgoing_edit(doc=doc, actor=office.staff, title="关于召开区第十六届人大常委会第二十一次会议的通知")
    doc = fetch(doc)
    assert doc.title == "关于召开区第十六届人大常委会第二十一次会议的通知"
    assert (doc.state, doc.signer, doc.signed_at, doc.signed_on) == (OutState.AWAITING_SIGNATURE, None, None, None)
    assert len(logs(doc)) == log_count + 1
    note = logs(doc)[-1]
    assert (note.action, note.action_label, note.actor, note.to_state) == (
        "resign", "签发后修改，退回重新签发", office.staff, OutState.AWAITING_SIGNATURE
    )
    assert note.comment == "修改了：标题"
    # It is signed again before it can be numbered.
    with pytest.raises(TransitionRefused, match="^当前状态为“待签发”，不能编号$"):
        step(doc, "number", office.staff)
    step(doc, "sign", office.leader)
    step(doc, "number", office.staff)
    assert fetch(doc).number.startswith("清人常办发〔")


def test_edit_before_signing_keeps_the_state(office):
    doc = draft(office, actor=office.liaison_a)
    services.outgoing_edit(doc=doc, actor=office.liaison_a, body="修改后的正文。", copy_to="")
    assert (fetch(doc).state, fetch(doc).body, fetch(doc).copy_to) == (OutState.DRAFT, "修改后的正文。", "")
    with pytest.raises(TransitionRefused, match="^只有拟稿人或办公室可以修改文稿$"):
        services.outgoing_edit(doc=doc, actor=office.liaison_b, body="别的单位改")
    with pytest.raises(TransitionRefused, match="^请填写正文$"):
        services.outgoing_edit(doc=doc, actor=office.staff, body="")
    with pytest.raises(ValueError):
        services.outgoing_edit(doc=doc, actor=office.staff, serial=1)
    assert fetch(doc).body == "修改后的正文。"


@pytest.mark.parametrize("state", ["numbered", "printed", "archived"])
def test_edit_after_numbering_is_refused(office, state):
    doc = {"numbered": out_numbered, "printed": out_printed, "archived": out_archived}[state](office)
    before, log_count = snapshot(doc), WorkflowLog.objects.count()
    with pytest.raises(TransitionRefused, match="不能再修改文稿"):
        services.outgoing_edit(doc=doc, actor=office.staff, title="编号后再改")
    assert snapshot(doc) == before
    assert WorkflowLog.objects.count() == log_count


def test_edit_after_numbering_message_reads_well(office):
    doc = out_numbered(office)
    with pytest.raises(TransitionRefused) as refused:
        services.outgoing_edit(doc=doc, actor=office.staff, title="编号后再改")
    assert "已已" not in str(refused.value)


def test_edit_cannot_clear_the_term_of_a_secret_draft(office):
    doc = draft(office, secrecy="secret", secrecy_term="10年")
    with pytest.raises(TransitionRefused, match="涉密公文须填写保密期限"):
        services.outgoing_edit(doc=doc, actor=office.staff, secrecy_term="")
    assert fetch(doc).secrecy_term == "10年"


# --- 发文: 编号 ---------------------------------------------------------------------------------


def test_numbers_per_prefix_per_year(office, freeze_today):
    freeze_today(D(2026, 12, 30))
    first, second = out_numbered(office), out_numbered(office)
    letter = out_numbered(office, prefix="清人常办函", doc_type="letter")
    third = out_numbered(office)
    assert [fetch(d).number for d in (first, second, letter, third)] == [
        "清人常办发〔2026〕1号", "清人常办发〔2026〕2号", "清人常办函〔2026〕1号", "清人常办发〔2026〕3号"
    ]
    assert str(fetch(first)) == f"清人常办发〔2026〕1号 {OUT_TITLE}"
    freeze_today(D(2027, 1, 4))
    assert fetch(out_numbered(office)).number == "清人常办发〔2027〕1号"
    assert log_rows(first)[-1] == ("number", OutState.SIGNED, OutState.NUMBERED, office.staff, "")


def test_numbering_never_happens_twice(office):
    doc = out_numbered(office)
    assert fetch(doc).serial == 1
    before = snapshot(doc)
    counter = Counter.objects.get(series="outgoing:清人常办发").last_value
    for actor in (office.staff, office.director):
        with pytest.raises(TransitionRefused, match="^当前状态为“已编号”，不能编号$"):
            step(doc, "number", actor)
    assert snapshot(doc) == before
    assert Counter.objects.get(series="outgoing:清人常办发").last_value == counter == 1
    assert out_numbered(office).serial == 2  # no number was used up by the refusals


def test_refused_numbering_takes_no_number(office):
    doc = out_signed(office)
    for outsider in (office.leader, office.liaison_a):
        with pytest.raises(TransitionRefused, match="^您没有权限编号$"):
            step(doc, "number", outsider)
    with pytest.raises(TransitionRefused, match="^当前状态为“待签发”，不能编号$"):
        step(out_awaiting(office), "number", office.staff)
    assert not Counter.objects.filter(series="outgoing:清人常办发").exists()
    assert fetch(step(doc, "number", office.staff)).serial == 1


def test_outgoing_number_is_unique_in_the_database(office):
    doc = fetch(out_numbered(office))
    other = out_signed(office)
    with pytest.raises(IntegrityError), transaction.atomic():
        OutgoingDocument.objects.filter(pk=other.pk).update(year=doc.year, serial=doc.serial)


# --- 发文: 用印, 印制, 分发, 归档 --------------------------------------------------------------------


def test_distribution_needs_every_recipient_delivered(office):
    doc = out_numbered(office)
    with pytest.raises(TransitionRefused, match="^用印后才能登记分发$"):
        services.distribution_add(doc=doc, actor=office.staff, recipients=[("各工作委员会", 8)])
    step(doc, "seal", office.staff)
    step(doc, "print", office.staff)
    with pytest.raises(TransitionRefused, match="^请先登记分发对象$"):
        step(doc, "distribute", office.staff)
    with pytest.raises(TransitionRefused, match="^请填写分发对象$"):
        services.distribution_add(doc=doc, actor=office.staff, recipients=[("  ", 1)])
    with pytest.raises(TransitionRefused, match="^只有办公室可以登记分发$"):
        services.distribution_add(doc=doc, actor=office.liaison_a, recipients=[("各工作委员会", 1)])
    committees, party = services.distribution_add(doc=doc, actor=office.staff, recipients=[("各工作委员会", 8), ("区委办公室", 0)])
    assert (committees.copies, party.copies) == (8, 1)
    services.distribution_deliver(distribution=committees, actor=office.staff, receiver_name="王收发")
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="^还有未送达的分发对象$"):
        step(doc, "distribute", office.staff)
    with pytest.raises(TransitionRefused, match="^请填写签收人$"):
        services.distribution_deliver(distribution=party, actor=office.staff, receiver_name=" ")
    with pytest.raises(TransitionRefused, match="^只有办公室可以登记送达$"):
        services.distribution_deliver(distribution=party, actor=office.driver, receiver_name="张三")
    assert snapshot(doc) == before
    services.distribution_deliver(distribution=party, actor=office.staff, receiver_name="李秘书")
    step(doc, "distribute", office.staff)
    assert fetch(doc).state == OutState.DISTRIBUTED
    assert list(Distribution.objects.filter(document=doc).values_list("receiver_name", "delivered_by")) == [
        ("王收发", office.staff.pk), ("李秘书", office.staff.pk)
    ]
    step(doc, "archive", office.staff)
    assert fetch(doc).state == OutState.ARCHIVED


def test_the_whole_outgoing_route_is_logged(office, freeze_today):
    freeze_today(D(2026, 11, 24))
    doc = draft(office, actor=office.liaison_a)
    services.outgoing_check(doc=doc, actor=office.staff)
    services.countersign_request(doc=doc, actor=office.staff, units=[office.unit_b])
    services.countersign_decide(countersign=fetch(doc).countersigns.get(), actor=office.liaison_b, approve=True)
    for action, actor in [("submit", office.staff), ("sign", office.leader), ("number", office.staff), ("seal", office.staff),
                          ("print", office.staff)]:
        step(doc, action, actor)
    for row in services.distribution_add(doc=doc, actor=office.staff, recipients=[("区委办公室", 1)]):
        services.distribution_deliver(distribution=row, actor=office.staff, receiver_name="李秘书")
    step(doc, "distribute", office.staff)
    step(doc, "archive", office.director)
    doc = fetch(doc)
    assert (doc.state, doc.number, doc.printed_on, doc.printing_unit) == (
        OutState.ARCHIVED, "清人常办发〔2026〕1号", D(2026, 11, 24), "清河区人大常委会办公室"
    )
    assert [(log.action, log.from_state, log.to_state, log.actor) for log in logs(doc)] == [
        ("check", "draft", "checked", office.staff),
        ("countersign_request", "countersigning", "countersigning", office.staff),
        ("countersign", "countersigning", "countersigning", office.liaison_b),
        ("submit", "countersigning", "awaiting_signature", office.staff),
        ("sign", "awaiting_signature", "signed", office.leader),
        ("number", "signed", "numbered", office.staff),
        ("seal", "numbered", "sealed", office.staff),
        ("print", "sealed", "printed", office.staff),
        ("distribute", "printed", "distributed", office.staff),
        ("archive", "distributed", "archived", office.director),
    ]


def out_in(office, state):
    return {
        OutState.DRAFT: lambda: draft(office),
        OutState.CHECKED: lambda: out_checked(office),
        OutState.AWAITING_SIGNATURE: lambda: out_awaiting(office),
        OutState.SIGNED: lambda: out_signed(office),
        OutState.NUMBERED: lambda: out_numbered(office),
        OutState.PRINTED: lambda: out_printed(office),
        OutState.DISTRIBUTED: lambda: out_distributed(office),
        OutState.ARCHIVED: lambda: out_archived(office),
    }[state]()


OUTGOING_WRONG_STATE = [
    (OutState.CHECKED, "check", lambda o, d: services.outgoing_check(doc=d, actor=o.staff), "当前状态为“已核稿”，不能核稿"),
    (OutState.DRAFT, "submit", lambda o, d: step(d, "submit", o.staff), "当前状态为“拟稿”，不能送签"),
    (OutState.DRAFT, "sign", lambda o, d: step(d, "sign", o.leader), "当前状态为“拟稿”，不能签发"),
    (OutState.CHECKED, "sign", lambda o, d: step(d, "sign", o.leader), "当前状态为“已核稿”，不能签发"),
    (OutState.SIGNED, "sign", lambda o, d: step(d, "sign", o.leader), "当前状态为“已签发”，不能签发"),
    (OutState.SIGNED, "send_back", lambda o, d: step(d, "send_back", o.leader, "再改"), "当前状态为“已签发”，不能退回修改"),
    (OutState.CHECKED, "number", lambda o, d: step(d, "number", o.staff), "当前状态为“已核稿”，不能编号"),
    (OutState.SIGNED, "seal", lambda o, d: step(d, "seal", o.staff), "当前状态为“已签发”，不能用印"),
    (OutState.NUMBERED, "print", lambda o, d: step(d, "print", o.staff), "当前状态为“已编号”，不能印制"),
    (OutState.PRINTED, "archive", lambda o, d: step(d, "archive", o.staff), "当前状态为“已印制”，不能归档"),
    (OutState.ARCHIVED, "archive", lambda o, d: step(d, "archive", o.staff), "当前状态为“已归档”，不能归档"),
    (OutState.ARCHIVED, "sign", lambda o, d: step(d, "sign", o.leader), "当前状态为“已归档”，不能签发"),
    (OutState.DISTRIBUTED, "countersign_request",
     lambda o, d: services.countersign_request(doc=d, actor=o.staff, units=[o.unit_b]), "公文当前为“已分发”，核稿后才能会签"),
]


@pytest.mark.parametrize("state,action,call,message", OUTGOING_WRONG_STATE, ids=[f"{a}-from-{s}" for s, a, _, _ in OUTGOING_WRONG_STATE])
def test_outgoing_step_from_the_wrong_state_is_refused_and_nothing_changes(office, state, action, call, message):
    doc = out_in(office, state)
    assert fetch(doc).state == state
    before, log_count, counters = snapshot(doc), WorkflowLog.objects.count(), list(Counter.objects.values_list("series", "last_value"))
    with pytest.raises(TransitionRefused) as refused:
        call(office, doc)
    assert str(refused.value) == message
    assert snapshot(doc) == before
    assert WorkflowLog.objects.count() == log_count
    assert list(Counter.objects.values_list("series", "last_value")) == counters


def test_unknown_action_is_refused(office):
    doc = out_signed(office)
    with pytest.raises(TransitionRefused, match="^没有这个操作$"):
        step(doc, "delete", office.director)
    assert fetch(doc).state == OutState.SIGNED


# --- the archive is read-only: corrections through amendments -----------------------------------------


def test_archived_incoming_cannot_be_updated_or_circulated(office):
    doc = archived(office)
    before, log_count = snapshot(doc), WorkflowLog.objects.count()
    with pytest.raises(TransitionRefused, match="^公文已归档，只能通过更正记录修改$"):
        services.incoming_update(doc=doc, actor=office.staff, title="归档后改标题")
    with pytest.raises(TransitionRefused, match="^公文已归档，只能通过更正记录修改$"):
        services.circulation_add(doc=doc, actor=office.staff, readers=[office.director])
    assert snapshot(doc) == before
    assert WorkflowLog.objects.count() == log_count


def test_archived_outgoing_cannot_be_edited(office):
    doc = out_archived(office)
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="不能再修改文稿"):
        services.outgoing_edit(doc=doc, actor=office.staff, main_to="改主送")
    assert snapshot(doc) == before


def test_amendment_keeps_the_old_and_the_new_value(office):
    doc = archived(office)
    first = services.amendment_record(doc=doc, actor=office.staff, field="title", new_value="关于开展《优化营商环境条例》执法检查的函",
                                      reason="  书名号遗漏 ")
    assert (first.incoming, first.outgoing, first.field, first.old_value, first.new_value, first.reason, first.amended_by) == (
        doc, None, "title", TITLE, "关于开展《优化营商环境条例》执法检查的函", "书名号遗漏", office.staff
    )
    second = services.amendment_record(doc=doc, actor=office.director, field="copies", new_value=3, reason="份数登记错误")
    assert (second.old_value, second.new_value) == ("1", "3")
    doc = fetch(doc)
    assert (doc.title, doc.copies, doc.state) == ("关于开展《优化营商环境条例》执法检查的函", 3, InState.ARCHIVED)
    assert list(doc.amendments.values_list("field", "old_value", "new_value")) == [
        ("title", TITLE, "关于开展《优化营商环境条例》执法检查的函"), ("copies", "1", "3")
    ]


def test_amendment_of_an_outgoing_document(office):
    doc = out_archived(office)
    amendment = services.amendment_record(doc=doc, actor=office.staff, field="main_to", new_value="各位常委会组成人员、各工作委员会",
                                          reason="漏列主送机关")
    assert (amendment.outgoing, amendment.incoming, amendment.old_value) == (doc, None, "各位常委会组成人员")
    assert fetch(doc).main_to == "各位常委会组成人员、各工作委员会"
    assert fetch(doc).number == "清人常办发〔2026〕1号"


def test_amendment_only_on_archived_documents(office):
    doc = done(office)
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="^未归档的公文请直接修改$"):
        services.amendment_record(doc=doc, actor=office.staff, field="title", new_value="新标题", reason="更正")
    out = out_printed(office)
    with pytest.raises(TransitionRefused, match="^未归档的公文请直接修改$"):
        services.amendment_record(doc=out, actor=office.staff, field="title", new_value="新标题", reason="更正")
    assert snapshot(doc) == before
    assert not Amendment.objects.exists()


@pytest.mark.parametrize("kind,field", [
    ("incoming", "received_on"), ("incoming", "state"), ("incoming", "serial"), ("incoming", "year"), ("incoming", "secrecy"),
    ("incoming", "result"), ("incoming", "body_text"), ("incoming", "due_date"),
    ("outgoing", "body"), ("outgoing", "serial"), ("outgoing", "prefix"), ("outgoing", "signer_id"), ("outgoing", "state"),
    ("outgoing", "secrecy"), ("outgoing", "issuer"),
])
def test_amendment_only_of_amendable_fields(office, kind, field):
    doc = archived(office) if kind == "incoming" else out_archived(office)
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="^该项目不能更正$"):
        services.amendment_record(doc=doc, actor=office.staff, field=field, new_value="x", reason="更正")
    assert snapshot(doc) == before
    assert not Amendment.objects.exists()


@pytest.mark.parametrize("kind,field", sorted((kind, field) for kind, fields in services.AMENDABLE.items() for field in fields))
def test_every_amendable_field_can_be_amended(office, kind, field):
    doc = archived(office) if kind == "incoming" else out_archived(office)
    value = 4 if field in ("copies", "pages") else "更正后的内容"
    services.amendment_record(doc=doc, actor=office.staff, field=field, new_value=value, reason="登记错误")
    assert getattr(fetch(doc), field) == value
    assert Amendment.objects.get().field == field


def test_amendable_fields_never_include_the_number_state_or_secrecy():
    for kind, fields in services.AMENDABLE.items():
        assert fields, kind
        assert not fields & {"state", "year", "serial", "prefix", "secrecy", "signer", "signed_on", "received_on", "body"}


def test_amendment_needs_a_reason_and_the_office(office):
    doc = archived(office)
    before = snapshot(doc)
    with pytest.raises(TransitionRefused, match="^请填写更正理由$"):
        services.amendment_record(doc=doc, actor=office.staff, field="title", new_value="新标题", reason="  ")
    for outsider in (office.leader, office.liaison_a):
        with pytest.raises(TransitionRefused, match="^只有办公室可以更正归档公文$"):
            services.amendment_record(doc=doc, actor=outsider, field="title", new_value="新标题", reason="更正")
    assert snapshot(doc) == before
    assert not Amendment.objects.exists()
