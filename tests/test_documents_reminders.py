"""催办 of 收文: incoming_chase(today) tells whoever holds the document the day before,
on and after its 办理期限 — each event once, on working days only — and the
overdue_incoming selector."""

import datetime

import pytest
from django.utils import timezone as django_timezone

from documents import reminders, services, tasks
from documents.models import InState
from office import calendar
from office.models import CalendarDay, Message
from office.roles import Role
from tests.factories import PersonFactory, UnitFactory, UserFactory

D = datetime.date

pytestmark = pytest.mark.django_db

THU, FRI, SAT, SUN, MON, TUE, WED = (D(2026, 11, 26), D(2026, 11, 27), D(2026, 11, 28), D(2026, 11, 29),
                                     D(2026, 11, 30), D(2026, 12, 1), D(2026, 12, 2))
TITLE = "关于开展优化营商环境条例执法检查的函"


@pytest.fixture(autouse=True)
def inbox_only(settings):
    settings.NOTIFICATION_CHANNELS = []


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


def register(office, due=MON, **overrides):
    data = dict(from_unit="市人大常委会办公室", from_number="市人常办〔2026〕45号", title=TITLE, doc_type="letter",
                received_on=D(2026, 11, 20), due_date=due)
    data.update(overrides)
    return services.incoming_register(actor=office.staff, **data)


def reviewed(office, **kwargs):
    return services.incoming_review(doc=register(office, **kwargs), actor=office.staff, accept=True)


def proposed(office, leaders, **kwargs):
    return services.incoming_propose(doc=reviewed(office, **kwargs), actor=office.staff, proposal="拟请阅示。", leaders=leaders)


def instructed(office, **kwargs):
    doc = proposed(office, [office.leader], **kwargs)
    services.incoming_instruct(doc=doc, actor=office.leader, text="请办理。")
    return doc


def handling(office, **kwargs):
    return services.incoming_assign(doc=instructed(office, **kwargs), actor=office.staff, lead_unit=office.unit_a, co_units=[office.unit_b])


def second_leader():
    user = UserFactory(username="leader2", roles=[Role.LEADER])
    PersonFactory(name="王副主任", unit=UnitFactory(name="常委会领导办公室", kind="leadership"), user=user)
    return user


def chase_messages(doc):
    return Message.objects.filter(event_key__startswith=f"documents:incoming:{doc.pk}:")


def told(doc, event_prefix=""):
    return {m.recipient for m in chase_messages(doc) if m.event_key.split(":", 3)[3].startswith(event_prefix)}


# --- the three events, once each -----------------------------------------------------------------


def test_due_tomorrow_today_and_overdue_each_once_to_the_lead_unit_and_office(office):
    doc = handling(office, due=MON)
    holders = {office.liaison_a, office.director, office.staff}

    assert reminders.incoming_chase(THU) == 0  # Monday is not the next working day yet
    assert not chase_messages(doc).exists()

    assert reminders.incoming_chase(FRI) == 3  # the next working day after Friday is Monday
    assert told(doc) == holders  # the co-unit's liaison and the leader are not the holders
    message = chase_messages(doc).filter(recipient=office.liaison_a).get()
    assert message.subject == "催办：收〔2026〕1号收文明天到期"
    assert message.body == f"{TITLE}，办理期限2026年11月30日，当前环节：承办中。"
    assert message.link == doc.get_absolute_url()
    assert message.event_key == f"documents:incoming:{doc.pk}:due-1:2026-11-30"
    assert reminders.incoming_chase(FRI) == 0  # run twice: nothing new
    assert chase_messages(doc).count() == 3

    assert reminders.incoming_chase(SAT) == 0
    assert reminders.incoming_chase(SUN) == 0
    assert chase_messages(doc).count() == 3

    assert reminders.incoming_chase(MON) == 3
    assert {m.subject for m in chase_messages(doc).filter(event_key__endswith=":due:2026-11-30")} == {"催办：收〔2026〕1号收文今天到期"}
    assert reminders.incoming_chase(MON) == 0

    assert reminders.incoming_chase(TUE) == 3
    overdue = chase_messages(doc).filter(event_key=f"documents:incoming:{doc.pk}:overdue:2026-12-01")
    assert {m.recipient for m in overdue} == holders
    assert {m.subject for m in overdue} == {"催办：收〔2026〕1号收文已逾期1个工作日"}
    assert reminders.incoming_chase(TUE) == 0

    # Overdue is chased once per working day while it stays open.
    assert reminders.incoming_chase(WED) == 3
    assert {m.subject for m in chase_messages(doc).filter(event_key__endswith=":overdue:2026-12-02")} == {"催办：收〔2026〕1号收文已逾期2个工作日"}
    assert reminders.incoming_chase(WED) == 0
    assert chase_messages(doc).count() == 12
    assert not chase_messages(doc).filter(recipient__in=[office.liaison_b, office.leader, office.driver]).exists()


def test_proposed_documents_chase_the_leader_whose_turn_it_is(office):
    leader2 = second_leader()
    doc = proposed(office, [office.leader, leader2], due=MON)
    assert reminders.incoming_chase(FRI) == 1
    assert told(doc) == {office.leader}
    assert chase_messages(doc).get().body.endswith("当前环节：待批办。")
    services.incoming_instruct(doc=doc, actor=office.leader, text="请王副主任阅示。")
    assert reminders.incoming_chase(MON) == 1
    assert told(doc, "due:") == {leader2}
    assert reminders.incoming_chase(MON) == 0
    assert not chase_messages(doc).filter(recipient__in=[office.staff, office.director, office.liaison_a]).exists()


@pytest.mark.parametrize("stage,label", [("reviewed", "初审通过"), ("instructed", "已批办")])
def test_documents_waiting_on_the_office_chase_the_office(office, stage, label):
    doc = reviewed(office, due=MON) if stage == "reviewed" else instructed(office, due=MON)
    assert reminders.incoming_chase(MON) == 2
    assert told(doc) == {office.director, office.staff}
    assert {m.body for m in chase_messages(doc)} == {f"{TITLE}，办理期限2026年11月30日，当前环节：{label}。"}


def test_inactive_users_are_not_told(office):
    office.director.is_active = False
    office.director.save()
    doc = handling(office, due=MON)
    assert reminders.incoming_chase(MON) == 2
    assert told(doc) == {office.staff, office.liaison_a}


@pytest.mark.parametrize("stage", ["done", "archived", "rejected"])
def test_finished_documents_are_not_chased(office, stage):
    if stage == "rejected":
        doc = services.incoming_review(doc=register(office, due=MON), actor=office.staff, accept=False, reason="非本机关事项")
    else:
        doc = services.incoming_complete(doc=handling(office, due=MON), actor=office.liaison_a, result="已办结。")
        if stage == "archived":
            doc = services.incoming_archive(doc=doc, actor=office.staff)
    for day in (FRI, MON, TUE, WED):
        assert reminders.incoming_chase(day) == 0
    assert not chase_messages(doc).exists()


def test_documents_without_a_due_date_or_far_from_it_are_not_chased(office):
    handling(office, due=None)
    handling(office, due=D(2026, 12, 31), title="年底到期")
    assert reminders.incoming_chase(MON) == 0
    assert not Message.objects.filter(event_key__startswith="documents:incoming:").exists()


def test_a_document_still_waiting_for_review_is_chased(office):
    doc = register(office, due=MON)
    assert reminders.incoming_chase(MON) == 2
    assert told(doc) == {office.director, office.staff}


# --- working days only ---------------------------------------------------------------------------


def test_nothing_is_sent_on_days_off(office):
    doc = handling(office, due=D(2026, 9, 30), received_on=D(2026, 9, 21))  # the eve of National Day
    assert not calendar.is_working_day(D(2026, 10, 1))
    for day in (D(2026, 10, 1), D(2026, 10, 4), D(2026, 10, 7), D(2026, 10, 11)):
        assert reminders.incoming_chase(day) == 0
    assert not chase_messages(doc).exists()
    # Saturday 10-10 is a 调休 working day: the chase runs.
    assert reminders.incoming_chase(D(2026, 10, 10)) == 3
    # 10-08 (1), 10-09 (2), Sat 10-10 (3) working days after 09-30.
    assert {m.subject for m in chase_messages(doc)} == {"催办：收〔2026〕1号收文已逾期3个工作日"}


def test_the_office_calendar_table_decides_the_day_off(office):
    doc = handling(office, due=MON)
    CalendarDay.objects.create(date=TUE, kind=CalendarDay.Kind.HOLIDAY, name="临时调整")
    calendar.clear_cache()
    assert reminders.incoming_chase(TUE) == 0
    assert reminders.incoming_chase(WED) == 3
    # Tuesday was not a working day: Wednesday is the first one past the deadline.
    assert {m.subject for m in chase_messages(doc)} == {"催办：收〔2026〕1号收文已逾期1个工作日"}


# --- secrecy in reminders -------------------------------------------------------------------------


def test_a_secret_documents_reminder_does_not_carry_its_title(office):
    doc = handling(office, due=MON, title="关于某重大案件线索移送情况的报告", secrecy="secret", secrecy_term="10年")
    assert reminders.incoming_chase(MON) == 3
    for message in chase_messages(doc):
        assert "重大案件" not in message.subject + message.body
        assert message.body.startswith("（涉密公文），办理期限2026年11月30日")


# --- the scheduled task -------------------------------------------------------------------------


def test_the_scheduled_task_chases_today(office, monkeypatch):
    original = django_timezone.localdate
    monkeypatch.setattr(django_timezone, "localdate", lambda value=None, timezone=None: MON if value is None else original(value, timezone))
    doc = handling(office, due=MON)
    assert tasks.incoming_chase_task() == 3
    assert tasks.incoming_chase_task() == 0
    assert told(doc, "due:") == {office.liaison_a, office.director, office.staff}


# --- overdue_incoming ----------------------------------------------------------------------------


def test_overdue_incoming_lists_open_documents_past_their_due_date(office):
    due_fri = reviewed(office, due=FRI, title="周五到期")
    proposed_doc = proposed(office, [office.leader], due=FRI, title="待批办周五到期")
    instructed_doc = instructed(office, due=THU, title="已批办周四到期")
    handling_doc = handling(office, due=FRI, title="承办中周五到期")
    due_mon = handling(office, due=MON, title="周一到期")
    handling(office, due=None, title="无期限")
    finished = services.incoming_complete(doc=handling(office, due=THU, title="已办结"), actor=office.liaison_a, result="已办结。")
    services.incoming_archive(doc=services.incoming_complete(doc=handling(office, due=THU, title="已归档"), actor=office.staff, result="已办结。"),
                              actor=office.staff)
    services.incoming_review(doc=register(office, due=THU, title="已退文"), actor=office.staff, accept=False, reason="退回")

    overdue = set(services.overdue_incoming(MON).values_list("pk", flat=True))
    assert overdue == {due_fri.pk, proposed_doc.pk, instructed_doc.pk, handling_doc.pk}
    assert due_mon.pk not in overdue  # due today is not overdue
    assert finished.pk not in overdue
    assert set(services.overdue_incoming(TUE).values_list("pk", flat=True)) == overdue | {due_mon.pk}
    assert not services.overdue_incoming(FRI).exclude(pk=instructed_doc.pk).exists()
    assert services.overdue_incoming(THU).count() == 0
    assert all(doc.state in (InState.REVIEWED, InState.PROPOSED, InState.INSTRUCTED, InState.HANDLING)
               for doc in services.overdue_incoming(D(2027, 1, 1)))
