"""督办 reminders: due-1 / due / overdue from reminders_sweep(today), the 催办
通知单 from item_chase, escalation to the leader, each event once."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone as django_timezone

from office import calendar
from office.models import Message
from office.roles import Role
from supervision import reminders, services
from supervision.models import State, SupervisionItem
from tests.factories import PersonFactory, UserFactory

D = datetime.date

pytestmark = pytest.mark.django_db

WED, THU, FRI = D(2026, 11, 25), D(2026, 11, 26), D(2026, 11, 27)
SAT, SUN, MON, TUE = D(2026, 11, 28), D(2026, 11, 29), D(2026, 11, 30), D(2026, 12, 1)


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.NOTIFICATION_CHANNELS = ["email"]
    return tmp_path


@pytest.fixture
def freeze_today(monkeypatch):
    original = django_timezone.localdate

    def freeze(day):
        def localdate(value=None, timezone=None):
            return day if value is None else original(value, timezone)

        monkeypatch.setattr(django_timezone, "localdate", localdate)
        return day

    return freeze


def item_due(office, deadline, *, state=State.IN_PROGRESS, lead_unit=None, co_units=(), title="落实审议意见"):
    item = services.item_register(
        actor=office.staff, title=title, requirements="按期办结并报送办理情况。", source="other", urgency="normal",
        lead_unit=lead_unit or office.unit_a, supervisor=office.staff, leader=office.leader, co_units=co_units,
    )
    services.item_assign(item=item, actor=office.staff, assigned_on=D(2026, 11, 16))
    SupervisionItem.objects.filter(pk=item.pk).update(deadline=deadline, original_deadline=deadline, state=state)
    return SupervisionItem.objects.get(pk=item.pk)


def keys(user) -> list[str]:
    return sorted(Message.objects.filter(recipient=user).values_list("event_key", flat=True))


def sweep(today, django_capture_on_commit_callbacks):
    """Run the sweep; the queued chase tasks are captured, not published."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = reminders.reminders_sweep(today)
    return result, callbacks


# --- before and on the deadline -------------------------------------------------


def test_due_1_on_the_previous_working_day(office, django_capture_on_commit_callbacks):
    item = item_due(office, THU)
    result, _ = sweep(TUE - datetime.timedelta(days=7), django_capture_on_commit_callbacks)  # Tue 11-24
    assert (result.examined, result.due_soon) == (0, 0)
    assert keys(office.liaison_a) == []

    result, _ = sweep(WED, django_capture_on_commit_callbacks)
    assert (result.examined, result.due_soon, result.due_today, result.chases_queued) == (1, 1, 0, 0)
    [message] = Message.objects.filter(recipient=office.liaison_a)
    assert message.event_key == f"supervision:{item.pk}:due-1:2026-11-26"
    assert message.subject == f"督办提醒：{item.number}将于11月26日到期"
    assert item.title in message.body
    assert message.link == item.get_absolute_url()
    # Only the unit's liaison: not the other unit, not the leader (yet).
    assert keys(office.liaison_b) == [] and keys(office.leader) == []


def test_due_1_on_friday_for_a_monday_deadline(office, django_capture_on_commit_callbacks):
    item = item_due(office, MON)
    result, _ = sweep(THU, django_capture_on_commit_callbacks)
    assert result.examined == 0
    result, _ = sweep(FRI, django_capture_on_commit_callbacks)
    assert result.due_soon == 1
    assert keys(office.liaison_a) == [f"supervision:{item.pk}:due-1:2026-11-30"]


def test_due_1_before_a_long_holiday(office, django_capture_on_commit_callbacks):
    # Wed 09-30 is the last working day before National Day; 10-08 is the next.
    item = item_due(office, D(2026, 10, 8))
    result, _ = sweep(D(2026, 9, 30), django_capture_on_commit_callbacks)
    assert result.due_soon == 1
    assert keys(office.liaison_a) == [f"supervision:{item.pk}:due-1:2026-10-08"]


def test_due_on_the_day(office, django_capture_on_commit_callbacks):
    item = item_due(office, MON, co_units=[office.unit_b])
    result, _ = sweep(MON, django_capture_on_commit_callbacks)
    assert (result.due_soon, result.due_today, result.chases_queued) == (0, 1, 0)
    for liaison in (office.liaison_a, office.liaison_b):  # co-units are reminded as well
        [message] = Message.objects.filter(recipient=liaison)
        assert message.event_key == f"supervision:{item.pk}:due:2026-11-30"
        assert message.subject == f"督办提醒：{item.number}今天到期"


def test_responsible_person_with_a_login_is_reminded(office, django_capture_on_commit_callbacks):
    user = UserFactory(username="zeren", roles=[Role.STAFF])
    person = PersonFactory(name="赵责任", unit=office.unit_b, user=user)
    item = item_due(office, MON)
    SupervisionItem.objects.filter(pk=item.pk).update(responsible=person)
    sweep(MON, django_capture_on_commit_callbacks)
    assert keys(user) == [f"supervision:{item.pk}:due:2026-11-30"]
    assert keys(office.liaison_a) == [f"supervision:{item.pk}:due:2026-11-30"]


def test_reminders_are_sent_once(office, django_capture_on_commit_callbacks):
    item_due(office, THU)
    item_due(office, WED)
    first, _ = sweep(WED, django_capture_on_commit_callbacks)
    assert (first.due_soon, first.due_today) == (1, 1)
    count = Message.objects.count()
    assert count == 2
    again, _ = sweep(WED, django_capture_on_commit_callbacks)
    assert (again.due_soon, again.due_today, again.examined) == (0, 0, 2)
    assert Message.objects.count() == count


def test_a_new_liaison_gets_what_the_others_already_had(office, django_capture_on_commit_callbacks):
    item = item_due(office, THU)
    sweep(WED, django_capture_on_commit_callbacks)
    newcomer = UserFactory(username="liaison_a2", roles=[Role.LIAISON])
    PersonFactory(name="新联络员", unit=office.unit_a, user=newcomer)
    sweep(WED, django_capture_on_commit_callbacks)
    assert keys(newcomer) == [f"supervision:{item.pk}:due-1:2026-11-26"]
    assert Message.objects.filter(recipient=office.liaison_a).count() == 1


# --- after the deadline: the chase -----------------------------------------------


def test_overdue_item_is_queued_for_a_chase(office, django_capture_on_commit_callbacks):
    item = item_due(office, WED)
    result, callbacks = sweep(THU, django_capture_on_commit_callbacks)
    assert (result.chases_queued, result.chase_item_ids, result.due_soon, result.due_today) == (1, [item.pk], 0, 0)
    assert len(callbacks) == 1  # the chase_send task, published after commit
    assert not Message.objects.exists()  # the sweep itself sends no chase


def test_item_chase_sends_the_notice_pdf_to_the_units(office, media):
    item = item_due(office, WED, co_units=[office.unit_b])
    assert reminders.item_chase(item, THU) == 2
    for liaison in (office.liaison_a, office.liaison_b):
        [message] = Message.objects.filter(recipient=liaison)
        assert message.event_key == f"supervision:{item.pk}:overdue:2026-11-26"
        assert message.subject == f"催办通知：{item.number}已逾期1个工作日"
        [path] = message.attachments
        assert path.endswith(".pdf") and "催办通知单" in path
        assert default_storage.exists(path)
        assert (media / path).is_file()
        with default_storage.open(path, "rb") as handle:
            assert handle.read(5) == b"%PDF-"
    assert keys(office.leader) == []  # not escalated on the first overdue day
    assert message.deliveries.filter(channel="email").count() == 1


def test_chase_escalates_to_the_leader_from_the_third_overdue_working_day(office, settings):
    assert settings.SUPERVISION_ESCALATE_AFTER == 3
    item = item_due(office, WED)
    assert reminders.item_chase(item, THU) == 1  # overdue day 1
    assert reminders.item_chase(item, FRI) == 1  # overdue day 2
    assert keys(office.leader) == []
    assert reminders.item_chase(item, MON) == 2  # Mon 11-30: day 3 (the weekend does not count)
    [message] = Message.objects.filter(recipient=office.leader)
    assert message.event_key == f"supervision:{item.pk}:overdue:2026-11-30"
    assert message.subject == f"催办通知：{item.number}已逾期3个工作日（已报分管领导）"
    assert message.attachments and default_storage.exists(message.attachments[0])
    assert Message.objects.filter(recipient=office.liaison_a).count() == 3


def test_escalation_threshold_is_a_setting(office, settings, django_capture_on_commit_callbacks):
    settings.SUPERVISION_ESCALATE_AFTER = 1
    item = item_due(office, WED)
    result, _ = sweep(THU, django_capture_on_commit_callbacks)
    assert result.chase_item_ids == [item.pk]
    assert reminders.item_chase(item, THU) == 2
    assert keys(office.leader) == [f"supervision:{item.pk}:overdue:2026-11-26"]


def test_sweep_and_chase_twice_send_nothing_new(office, django_capture_on_commit_callbacks):
    overdue = item_due(office, WED)
    item_due(office, FRI)  # due today
    item_due(office, MON)  # due-1 on Friday
    result, _ = sweep(FRI, django_capture_on_commit_callbacks)
    assert (result.due_soon, result.due_today, result.chase_item_ids) == (1, 1, [overdue.pk])
    assert reminders.item_chase(overdue, FRI) == 1
    counts = {user.username: Message.objects.filter(recipient=user).count() for user in (office.liaison_a, office.leader)}
    total = Message.objects.count()
    assert counts == {"liaison": 3, "leader": 0}

    again, callbacks = sweep(FRI, django_capture_on_commit_callbacks)
    assert (again.due_soon, again.due_today, again.chases_queued, again.chase_item_ids) == (0, 0, 0, [])
    assert callbacks == []
    assert reminders.item_chase(overdue, FRI) == 0
    assert Message.objects.count() == total


def test_escalation_day_chases_again_even_if_units_were_told_that_day(office, settings, django_capture_on_commit_callbacks):
    # The liaison was chased earlier on day 3 — before the leader: the sweep still
    # queues a chase, and item_chase then tells only the leader.
    item = item_due(office, WED)
    settings.SUPERVISION_ESCALATE_AFTER = 99
    assert reminders.item_chase(item, MON) == 1
    settings.SUPERVISION_ESCALATE_AFTER = 3
    result, _ = sweep(MON, django_capture_on_commit_callbacks)
    assert result.chase_item_ids == [item.pk]
    assert reminders.item_chase(item, MON) == 1
    assert keys(office.leader) == [f"supervision:{item.pk}:overdue:2026-11-30"]
    assert Message.objects.filter(recipient=office.liaison_a).count() == 1


def test_no_chase_for_items_reported_or_extended_since_the_sweep(office):
    item = item_due(office, WED)
    SupervisionItem.objects.filter(pk=item.pk).update(state=State.REPORTED, reported_on=THU)
    assert reminders.item_chase(SupervisionItem.objects.get(pk=item.pk), THU) == 0
    SupervisionItem.objects.filter(pk=item.pk).update(state=State.IN_PROGRESS, reported_on=None, deadline=FRI)
    assert reminders.item_chase(SupervisionItem.objects.get(pk=item.pk), THU) == 0
    assert not Message.objects.exists()


# --- days off, extensions, what is not selected -------------------------------------


@pytest.mark.parametrize("day", [SAT, SUN, D(2026, 10, 5)], ids=["saturday", "sunday", "national-day"])
def test_sweep_on_a_day_off_does_nothing(office, day, django_capture_on_commit_callbacks):
    item_due(office, D(2026, 9, 30))  # overdue on any of these days
    item_due(office, MON)
    result, callbacks = sweep(day, django_capture_on_commit_callbacks)
    assert result.skipped_day_off is True
    assert (result.examined, result.due_soon, result.due_today, result.chases_queued) == (0, 0, 0, 0)
    assert callbacks == []
    assert not Message.objects.exists()


def test_sweep_runs_on_a_make_up_working_saturday(office, django_capture_on_commit_callbacks):
    # Sat 2026-10-10 is a 调休 working day: an item due Mon 10-12 gets its due-1 then.
    item = item_due(office, D(2026, 10, 12))
    result, _ = sweep(D(2026, 10, 10), django_capture_on_commit_callbacks)
    assert result.skipped_day_off is False
    assert keys(office.liaison_a) == [f"supervision:{item.pk}:due-1:2026-10-12"]


def test_an_extended_deadline_starts_fresh_reminders(office, freeze_today, django_capture_on_commit_callbacks):
    item = item_due(office, THU)
    sweep(WED, django_capture_on_commit_callbacks)
    assert keys(office.liaison_a) == [f"supervision:{item.pk}:due-1:2026-11-26"]
    freeze_today(WED)
    extension = services.extension_request(item=item, actor=office.liaison_a, new_deadline=D(2026, 12, 2), reason="需征求意见")
    services.extension_decide(extension=extension, actor=office.leader, approve=True)
    # The old deadline passes without a due or overdue reminder.
    result, _ = sweep(THU, django_capture_on_commit_callbacks)
    assert (result.examined, result.chases_queued) == (0, 0)
    result, _ = sweep(TUE, django_capture_on_commit_callbacks)
    assert result.due_soon == 1
    assert keys(office.liaison_a) == [f"supervision:{item.pk}:due-1:2026-11-26", f"supervision:{item.pk}:due-1:2026-12-02"]
    result, _ = sweep(D(2026, 12, 2), django_capture_on_commit_callbacks)
    assert result.due_today == 1


def test_only_open_items_near_their_deadline_are_selected(office, django_capture_on_commit_callbacks):
    near = item_due(office, MON)
    item_due(office, TUE)  # two working days away on Friday
    item_due(office, D(2026, 12, 31))
    item_due(office, WED, state=State.REPORTED)
    item_due(office, WED, state=State.CLOSED)
    registered = services.item_register(
        actor=office.staff, title="未交办", requirements="-", source="other", urgency="normal",
        lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader,
    )
    SupervisionItem.objects.filter(pk=registered.pk).update(deadline=WED)
    result, _ = sweep(FRI, django_capture_on_commit_callbacks)
    assert (result.examined, result.due_soon, result.chases_queued) == (1, 1, 0)
    assert keys(office.liaison_a) == [f"supervision:{near.pk}:due-1:2026-11-30"]


def test_sweep_queries_do_not_grow_with_far_items(office, django_capture_on_commit_callbacks):
    item_due(office, THU)  # due-1 on Wednesday
    item_due(office, WED, co_units=[office.unit_b])  # due today
    item_due(office, D(2026, 11, 20))  # overdue

    def add_far(n, start):
        SupervisionItem.objects.bulk_create(
            SupervisionItem(
                year=2026, serial=start + i, title=f"远期事项{i}", requirements="-", source="other", urgency="complex",
                lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader, registered_by=office.staff,
                state=State.IN_PROGRESS, assigned_on=D(2026, 11, 16), deadline=D(2026, 12, 20) + datetime.timedelta(days=i % 30),
                original_deadline=D(2026, 12, 20),
            )
            for i in range(n)
        )

    def measured():
        Message.objects.all().delete()  # both runs send the same reminders
        with CaptureQueriesContext(connection) as queries:
            result, _ = sweep(WED, django_capture_on_commit_callbacks)
        assert (result.examined, result.due_soon, result.due_today, result.chases_queued) == (3, 1, 1, 1)
        return len(queries)

    add_far(5, 1000)
    few = measured()
    add_far(195, 2000)
    assert SupervisionItem.objects.count() == 203
    many = measured()
    assert few == many, (few, many)


def test_reminder_dates_are_written_without_leading_zeros(office, django_capture_on_commit_callbacks):
    item = item_due(office, TUE)  # 2026-12-01
    sweep(MON, django_capture_on_commit_callbacks)
    [message] = Message.objects.filter(recipient=office.liaison_a)
    assert f"{item.number}将于12月1日到期" in message.subject
    assert "2026年12月1日" in message.body
