"""督办 business logic: the 3715 deadlines, numbers, every transition, extensions,
lights, who sees what and the statistics — through supervision.services and
supervision.selectors, on the real database and calendar."""

import datetime
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone as django_timezone

from office import calendar
from office.models import CalendarDay, WorkflowLog
from office.roles import Role
from office.workflow import TransitionRefused, workflow_log_for
from supervision import selectors, services
from supervision.models import Extension, Light, ProgressReport, State, SupervisionItem
from tests.factories import PersonFactory, UnitFactory, UserFactory

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    # The CalendarDay table is cached per process; rolled-back rows must not leak.
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


def register(office, *, actor=None, co_units=(), **overrides):
    data = dict(
        title="落实常委会关于优化营商环境工作报告的审议意见",
        requirements="逐条研究处理审议意见，按期报送办理情况。",
        source="other",
        urgency="normal",
        lead_unit=office.unit_a,
        supervisor=office.staff,
        leader=office.leader,
    )
    data.update(overrides)
    return services.item_register(actor=actor or office.staff, co_units=co_units, **data)


def assigned(office, on=D(2026, 11, 16), **overrides):
    return services.item_assign(item=register(office, **overrides), actor=office.staff, assigned_on=on)


def fetch(item) -> SupervisionItem:
    return SupervisionItem.objects.get(pk=item.pk)


def snapshot(item) -> dict:
    """Every stored column of the item, fresh from the database."""
    item = fetch(item)
    return {field.attname: getattr(item, field.attname) for field in SupervisionItem._meta.concrete_fields}


def logs(item):
    return list(workflow_log_for(item))


def other_leader():
    user = UserFactory(username="leader_other", roles=[Role.LEADER])
    PersonFactory(name="王副主任", unit=UnitFactory(name="常委会领导办公室", kind="leadership"), user=user)
    return user


def set_state(item, **fields):
    SupervisionItem.objects.filter(pk=item.pk).update(**fields)
    return fetch(item)


# --- 1. deadlines: the 3715 rule ------------------------------------------------


def test_3715_days_on_ordinary_weeks():
    # Assigned Monday 2026-11-16; the day itself does not count.
    monday = D(2026, 11, 16)
    # urgent 3: Tue 17 (1), Wed 18 (2), Thu 19 (3)
    assert services.deadline_by_rule(monday, "urgent") == D(2026, 11, 19)
    # normal 7: 17,18,19,20 (4), weekend, 23 (5), 24 (6), 25 (7)
    assert services.deadline_by_rule(monday, "normal") == D(2026, 11, 25)
    # complex 15: ... 25 (7), 26, 27 (9), 30 (10), 12-1..12-4 (14), 12-7 (15)
    assert services.deadline_by_rule(monday, "complex") == D(2026, 12, 7)


def test_counting_starts_the_day_after_assignment():
    # Assigned on a Friday: Saturday/Sunday do not count, Monday is day 1.
    friday = D(2026, 11, 20)
    assert services.deadline_by_rule(friday, "urgent") == D(2026, 11, 25)
    # Assigned on a Saturday (a day off) counts from Monday as well.
    assert services.deadline_by_rule(D(2026, 11, 21), "urgent") == D(2026, 11, 25)


def test_national_day_holiday_and_make_up_days_2026():
    # chinese_calendar for 2026: 10-01..10-07 off; Sun 09-20 and Sat 10-10 are 调休
    # working days; Fri 09-25 is the Mid-autumn holiday.
    assert not calendar.is_working_day(D(2026, 10, 1)) and not calendar.is_working_day(D(2026, 10, 7))
    assert calendar.is_working_day(D(2026, 9, 20)) and calendar.is_working_day(D(2026, 10, 10))
    # normal 7 from Mon 09-28: 29 (1), 30 (2), [10-01..07 off], 08 (3), 09 (4),
    # Sat 10 make-up (5), [Sun 11 off], 12 (6), 13 (7).
    assert services.deadline_by_rule(D(2026, 9, 28), "normal") == D(2026, 10, 13)
    # urgent 3 from Wed 09-30: 10-08 (1), 10-09 (2), Sat 10-10 make-up (3) — a
    # Saturday deadline, because that Saturday is a working day.
    assert services.deadline_by_rule(D(2026, 9, 30), "urgent") == D(2026, 10, 10)
    # urgent 3 from Fri 09-18: [Sat 19 off], Sun 20 make-up (1), Mon 21 (2), Tue 22 (3).
    assert services.deadline_by_rule(D(2026, 9, 18), "urgent") == D(2026, 9, 22)
    # complex 15 from Thu 09-17: 18 (1), Sun 20 (2), 21..24 (6), [25..27 Mid-autumn],
    # 28..30 (9), [10-01..07], 08 (10), 09 (11), Sat 10 (12), 12 (13), 13 (14), 14 (15).
    assert services.deadline_by_rule(D(2026, 9, 17), "complex") == D(2026, 10, 14)


def test_complex_item_crossing_into_a_year_unknown_to_chinese_calendar():
    # Assigned Mon 2026-12-21, complex = 15 working days; 2027 is not in
    # chinese_calendar, so 2027 falls back to Monday–Friday:
    #   Tue 12-22 (1), Wed 23 (2), Thu 24 (3), Fri 25 (4),   [Sat 26, Sun 27]
    #   Mon 12-28 (5), Tue 29 (6), Wed 30 (7), Thu 31 (8),
    #   Fri 2027-01-01 (9: a weekday, and nobody has entered the 元旦 holiday yet),
    #   [Sat 01-02, Sun 01-03]
    #   Mon 01-04 (10), Tue 05 (11), Wed 06 (12), Thu 07 (13), Fri 08 (14),
    #   [Sat 09, Sun 10]
    #   Mon 01-11 (15)  → 2027-01-11
    assert services.deadline_by_rule(D(2026, 12, 21), "complex") == D(2027, 1, 11)


def test_calendar_day_holiday_row_in_the_unknown_year_moves_the_deadline(office):
    # Once the office enters 2027-01-01 as a holiday, day 9 is 01-04 and day 15 is 01-12.
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    assert services.deadline_by_rule(D(2026, 12, 21), "complex") == D(2027, 1, 12)
    item = assigned(office, on=D(2026, 12, 21), urgency="complex")
    assert (item.deadline, item.original_deadline) == (D(2027, 1, 12), D(2027, 1, 12))
    assert fetch(item).deadline == D(2027, 1, 12)


def test_assignment_fixes_the_rule_deadline(office):
    item = assigned(office, on=D(2026, 9, 28), urgency="normal")
    item = fetch(item)
    assert item.state == State.ASSIGNED
    assert item.assigned_on == D(2026, 9, 28)
    assert item.deadline == item.original_deadline == D(2026, 10, 13)


def test_calendar_day_kind(settings):
    settings.SUPERVISION_DAY_KIND = "calendar"
    # Tue 11-24 + 3 calendar days = Fri 11-27.
    assert services.deadline_by_rule(D(2026, 11, 24), "urgent") == D(2026, 11, 27)
    # Wed 11-25 + 3 = Sat 11-28, a day off → Mon 11-30.
    assert services.deadline_by_rule(D(2026, 11, 25), "urgent") == D(2026, 11, 30)
    # Mon 09-28 + 7 = Mon 10-05 (National Day) → Thu 10-08, the first working day after.
    assert services.deadline_by_rule(D(2026, 9, 28), "normal") == D(2026, 10, 8)
    # Wed 10-07 + 3 = Sat 10-10, a 调休 working day: stays.
    assert services.deadline_by_rule(D(2026, 10, 7), "urgent") == D(2026, 10, 10)
    # Mon 11-16 + 15 = Tue 12-01.
    assert services.deadline_by_rule(D(2026, 11, 16), "complex") == D(2026, 12, 1)


def test_days_per_urgency_are_settings(settings, office):
    settings.SUPERVISION_DAYS = {"urgent": 1, "normal": 5, "complex": 10}
    monday = D(2026, 11, 16)
    assert services.deadline_by_rule(monday, "urgent") == D(2026, 11, 17)
    assert services.deadline_by_rule(monday, "normal") == D(2026, 11, 23)
    assert services.deadline_by_rule(monday, "complex") == D(2026, 11, 30)
    assert assigned(office, on=monday, urgency="normal").deadline == D(2026, 11, 23)
    assert [services.rule_days_text(u) for u in ("urgent", "normal", "complex")] == ["1个工作日", "5个工作日", "10个工作日"]


def test_deadline_override_is_used_at_assignment(office):
    item = register(office, deadline_override=D(2026, 12, 15), deadline_override_reason="区委要求年底前完成")
    item = services.item_assign(item=item, actor=office.staff, assigned_on=D(2026, 11, 16))
    item = fetch(item)
    assert item.deadline == item.original_deadline == D(2026, 12, 15)
    assert item.deadline_override_reason == "区委要求年底前完成"


def test_deadline_override_needs_a_reason(office):
    with pytest.raises(TransitionRefused, match="指定期限时须填写理由"):
        register(office, deadline_override=D(2026, 12, 15))
    with pytest.raises(TransitionRefused, match="指定期限时须填写理由"):
        register(office, deadline_override=D(2026, 12, 15), deadline_override_reason="   ")
    assert not SupervisionItem.objects.exists()
    item = register(office)
    with pytest.raises(TransitionRefused, match="指定期限时须填写理由"):
        services.item_update(item=item, actor=office.staff, deadline_override=D(2026, 12, 15))
    assert fetch(item).deadline_override is None


def test_deadline_override_before_assignment_is_refused(office):
    item = register(office, deadline_override=D(2026, 11, 10), deadline_override_reason="误填")
    before = snapshot(item)
    with pytest.raises(TransitionRefused, match="办理期限不能早于交办日期"):
        services.item_assign(item=item, actor=office.staff, assigned_on=D(2026, 11, 16))
    assert snapshot(item) == before
    assert logs(item) == []


def test_clearing_the_override_reason_later_is_refused(office):
    item = register(office, deadline_override=D(2026, 12, 15), deadline_override_reason="区委要求年底前完成")
    with pytest.raises(TransitionRefused):
        services.item_update(item=item, actor=office.staff, deadline_override_reason="")


def test_override_on_a_day_off_never_becomes_the_deadline(office):
    sunday = D(2026, 11, 29)
    assert not calendar.is_working_day(sunday)
    with pytest.raises(TransitionRefused, match="休息日"):
        register(office, deadline_override=sunday, deadline_override_reason="领导指定")
    assert not SupervisionItem.objects.exists()


# --- 2. numbering ---------------------------------------------------------------


def test_numbers_run_per_year(office, freeze_today):
    freeze_today(D(2026, 12, 31))
    first, second, third = (register(office, title=f"事项{i}") for i in range(3))
    assert [i.number for i in (first, second, third)] == ["督〔2026〕1号", "督〔2026〕2号", "督〔2026〕3号"]
    assert str(first).startswith("督〔2026〕1号 ")
    freeze_today(D(2027, 1, 4))
    new_year = register(office, title="新年第一件")
    assert (new_year.year, new_year.serial, new_year.number) == (2027, 1, "督〔2027〕1号")
    assert fetch(new_year).number == "督〔2027〕1号"
    freeze_today(D(2026, 12, 31))  # a late entry for the old year continues its series
    assert register(office, title="补登").number == "督〔2026〕4号"


def test_number_is_unique(office):
    item = register(office)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionItem.objects.create(
            year=item.year, serial=item.serial, title="重号", requirements="-", source="other",
            lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader, registered_by=office.staff,
        )


def test_refused_registration_takes_no_number(office):
    register(office)
    with pytest.raises(TransitionRefused):
        register(office, actor=office.liaison_a)
    with pytest.raises(TransitionRefused):
        register(office, deadline_override=D(2026, 12, 1))
    assert register(office).serial == 2


@pytest.mark.parametrize("who", ["leader", "liaison_a", "driver"])
def test_only_the_office_registers(office, who):
    with pytest.raises(TransitionRefused, match="只有办公室工作人员可以登记督办事项"):
        register(office, actor=getattr(office, who))
    assert not SupervisionItem.objects.exists()


def test_director_registers_and_co_units_exclude_the_lead_unit(office):
    item = register(office, actor=office.director, co_units=[office.unit_a, office.unit_b])
    assert item.registered_by == office.director
    assert set(fetch(item).co_units.all()) == {office.unit_b}


# --- 3. transitions ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "director"])
def test_assign_by_the_office(office, who):
    actor = getattr(office, who)
    item = register(office)
    services.item_assign(item=item, actor=actor, assigned_on=D(2026, 11, 16))
    assert fetch(item).state == State.ASSIGNED
    [log] = logs(item)
    assert (log.action, log.from_state, log.to_state, log.actor) == ("assign", State.REGISTERED, State.ASSIGNED, actor)


@pytest.mark.parametrize("who", ["liaison_a", "leader", "driver"])
def test_assign_refused_to_others(office, who):
    item = register(office)
    before = snapshot(item)
    with pytest.raises(TransitionRefused, match="您没有权限交办"):
        services.item_assign(item=item, actor=getattr(office, who), assigned_on=D(2026, 11, 16))
    assert snapshot(item) == before
    assert logs(item) == []


def test_assign_queues_the_notice_after_commit(office, django_capture_on_commit_callbacks):
    item = register(office)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.item_assign(item=item, actor=office.staff, assigned_on=D(2026, 11, 16))
    assert len(callbacks) == 1


@pytest.mark.parametrize("who", ["liaison_a", "liaison_b", "staff"])
def test_start_by_lead_unit_co_unit_or_office(office, who):
    item = assigned(office, co_units=[office.unit_b])
    actor = getattr(office, who)
    services.item_start(item=item, actor=actor)
    assert fetch(item).state == State.IN_PROGRESS
    log = logs(item)[-1]
    assert (log.action, log.from_state, log.to_state, log.actor) == ("start", State.ASSIGNED, State.IN_PROGRESS, actor)


@pytest.mark.parametrize("who", ["liaison_b", "driver", "leader"])
def test_start_refused_outside_the_item_units(office, who):
    item = assigned(office)  # unit_a only
    before = snapshot(item)
    with pytest.raises(TransitionRefused, match="您没有权限签收办理"):
        services.item_start(item=item, actor=getattr(office, who))
    assert snapshot(item) == before


def test_progress_report_by_lead_unit_starts_the_item(office):
    item = assigned(office, co_units=[office.unit_b])
    report = services.item_report_progress(item=item, actor=office.liaison_a, text="已召开专题会议研究。")
    assert (report.unit, report.author, report.text) == (office.unit_a, office.liaison_a, "已召开专题会议研究。")
    assert fetch(item).state == State.IN_PROGRESS
    log = logs(item)[-1]
    assert (log.action, log.from_state, log.to_state, log.actor) == ("start", State.ASSIGNED, State.IN_PROGRESS, office.liaison_a)


def test_progress_report_by_co_unit_is_filed_under_its_unit(office):
    item = assigned(office, co_units=[office.unit_b])
    services.item_start(item=item, actor=office.liaison_a)
    report = services.item_report_progress(item=item, actor=office.liaison_b, text="协办意见已提交主办单位。")
    assert report.unit == office.unit_b
    assert fetch(item).state == State.IN_PROGRESS
    assert [log.action for log in logs(item)] == ["assign", "start"]  # no second start


def test_progress_report_by_office_is_filed_under_the_lead_unit(office):
    item = assigned(office)
    report = services.item_report_progress(item=item, actor=office.staff, text="电话了解：正在起草方案。")
    assert report.unit == office.unit_a


def test_progress_report_refused_to_another_unit_and_when_empty(office):
    item = assigned(office)
    before = snapshot(item)
    with pytest.raises(TransitionRefused, match="您没有权限反馈该事项的进展"):
        services.item_report_progress(item=item, actor=office.liaison_b, text="不是我们的事")
    with pytest.raises(TransitionRefused, match="您没有权限反馈该事项的进展"):
        services.item_report_progress(item=item, actor=office.driver, text="x")
    with pytest.raises(TransitionRefused, match="请填写进展情况"):
        services.item_report_progress(item=item, actor=office.liaison_a, text="  ")
    assert snapshot(item) == before
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("state,label", [(State.REGISTERED, "已挂号"), (State.REPORTED, "已报结"), (State.CLOSED, "已销号")])
def test_progress_report_refused_outside_open_states(office, state, label):
    item = set_state(assigned(office), state=state)
    before = snapshot(item)
    with pytest.raises(TransitionRefused, match=f"当前状态为“{label}”，不能反馈进展"):
        services.item_report_progress(item=item, actor=office.liaison_a, text="进展")
    assert snapshot(item) == before
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("who", ["liaison_a", "staff", "director"])
def test_report_completion_by_lead_unit_or_office(office, who, freeze_today):
    freeze_today(D(2026, 11, 20))
    item = assigned(office, co_units=[office.unit_b])
    services.item_start(item=item, actor=office.liaison_a)
    actor = getattr(office, who)
    services.item_report_completion(item=item, actor=actor, report="  已全部办结，详见报告。 ")
    item = fetch(item)
    assert item.state == State.REPORTED
    assert item.reported_on == D(2026, 11, 20)
    assert item.completion_report == "已全部办结，详见报告。"
    log = logs(item)[-1]
    assert (log.action, log.from_state, log.to_state, log.actor, log.comment) == (
        "report", State.IN_PROGRESS, State.REPORTED, actor, "已全部办结，详见报告。"
    )


def test_report_completion_straight_from_assigned(office):
    item = assigned(office)
    services.item_report_completion(item=item, actor=office.liaison_a, report="当天即办结。")
    assert fetch(item).state == State.REPORTED
    assert logs(item)[-1].from_state == State.ASSIGNED


@pytest.mark.parametrize("who,message", [("liaison_b", "您没有权限报结"), ("leader", "您没有权限报结"), ("driver", "您没有权限报结")])
def test_report_completion_refused_to_co_unit_and_others(office, who, message):
    item = assigned(office, co_units=[office.unit_b])
    services.item_start(item=item, actor=office.liaison_a)
    before = snapshot(item)
    with pytest.raises(TransitionRefused, match=message):
        services.item_report_completion(item=item, actor=getattr(office, who), report="代为报结")
    assert snapshot(item) == before


def test_empty_completion_report_refused(office):
    item = assigned(office)
    before = snapshot(item)
    for empty in ("", "   ", None):
        with pytest.raises(TransitionRefused, match="请填写办结报告"):
            services.item_report_completion(item=item, actor=office.liaison_a, report=empty)
    assert snapshot(item) == before
    assert [log.action for log in logs(item)] == ["assign"]


def reported(office, **overrides):
    item = assigned(office, **overrides)
    services.item_start(item=item, actor=office.liaison_a)
    services.item_report_completion(item=item, actor=office.liaison_a, report="已办结。")
    return fetch(item)


@pytest.mark.parametrize("who", ["director", "leader"])
def test_close_by_director_or_the_leader_in_charge(office, who, freeze_today):
    freeze_today(D(2026, 11, 24))
    item = reported(office)
    actor = getattr(office, who)
    services.item_close(item=item, actor=actor, comment="审核通过")
    item = fetch(item)
    assert (item.state, item.closed_on, item.satisfaction) == (State.CLOSED, D(2026, 11, 24), "")
    log = logs(item)[-1]
    assert (log.action, log.from_state, log.to_state, log.actor, log.comment) == ("close", State.REPORTED, State.CLOSED, actor, "审核通过")


@pytest.mark.parametrize("who", ["other_leader", "staff", "liaison_a"])
def test_close_refused_to_others(office, who):
    item = reported(office)
    actor = other_leader() if who == "other_leader" else getattr(office, who)
    before = snapshot(item)
    with pytest.raises(TransitionRefused, match="您没有权限销号"):
        services.item_close(item=item, actor=actor)
    assert snapshot(item) == before
    assert logs(item)[-1].action == "report"


def test_deputy_suggestion_needs_satisfaction_to_close(office):
    item = reported(office, source="suggestion")
    before = snapshot(item)
    with pytest.raises(TransitionRefused, match="代表建议销号前须登记代表满意度"):
        services.item_close(item=item, actor=office.director)
    with pytest.raises(TransitionRefused, match="代表建议销号前须登记代表满意度"):
        services.item_close(item=item, actor=office.director, satisfaction="很好")
    assert snapshot(item) == before
    services.item_close(item=item, actor=office.director, satisfaction="basic")
    assert (fetch(item).state, fetch(item).satisfaction) == (State.CLOSED, "basic")


def test_invalid_satisfaction_refused_on_any_item(office):
    item = reported(office)
    with pytest.raises(TransitionRefused, match="满意度不正确"):
        services.item_close(item=item, actor=office.director, satisfaction="perfect")
    assert fetch(item).state == State.REPORTED


@pytest.mark.parametrize("who", ["director", "leader"])
def test_return_needs_a_reason_and_reopens(office, who):
    item = reported(office)
    assert item.reported_on is not None
    actor = getattr(office, who)
    before = snapshot(item)
    with pytest.raises(TransitionRefused, match="请填写退回理由"):
        services.item_return(item=item, actor=actor, reason="  ")
    assert snapshot(item) == before
    services.item_return(item=item, actor=actor, reason="未逐条答复审议意见")
    item = fetch(item)
    assert item.state == State.IN_PROGRESS
    assert item.reported_on is None
    log = logs(item)[-1]
    assert (log.action, log.from_state, log.to_state, log.actor, log.comment) == (
        "return", State.REPORTED, State.IN_PROGRESS, actor, "未逐条答复审议意见"
    )
    # The unit reports again and the item can be closed.
    services.item_report_completion(item=item, actor=office.liaison_a, report="已逐条答复。")
    services.item_close(item=item, actor=office.director)
    assert fetch(item).state == State.CLOSED


@pytest.mark.parametrize("who", ["staff", "other_leader", "liaison_a"])
def test_return_refused_to_others(office, who):
    item = reported(office)
    actor = other_leader() if who == "other_leader" else getattr(office, who)
    before = snapshot(item)
    with pytest.raises(TransitionRefused, match="您没有权限退回重办"):
        services.item_return(item=item, actor=actor, reason="不行")
    assert snapshot(item) == before


def test_the_whole_path_is_logged(office):
    item = assigned(office)
    services.item_report_progress(item=item, actor=office.liaison_a, text="进展一")
    services.item_report_completion(item=item, actor=office.liaison_a, report="报结一")
    services.item_return(item=item, actor=office.leader, reason="退回一")
    services.item_report_completion(item=item, actor=office.liaison_a, report="报结二")
    services.item_close(item=item, actor=office.leader, comment="同意销号")
    rows = [(log.action, log.from_state, log.to_state, log.actor, log.comment) for log in logs(item)]
    assert rows == [
        ("assign", "registered", "assigned", office.staff, "办理期限2026年11月25日（一般事项7个工作日）"),
        ("start", "assigned", "in_progress", office.liaison_a, ""),
        ("report", "in_progress", "reported", office.liaison_a, "报结一"),
        ("return", "reported", "in_progress", office.leader, "退回一"),
        ("report", "in_progress", "reported", office.liaison_a, "报结二"),
        ("close", "reported", "closed", office.leader, "同意销号"),
    ]
    assert all(log.at is not None for log in logs(item))


def _in_state(office, state):
    item = assigned(office)
    if state == State.REGISTERED:
        return register(office)
    if state in (State.IN_PROGRESS, State.REPORTED, State.CLOSED):
        services.item_start(item=item, actor=office.liaison_a)
    if state in (State.REPORTED, State.CLOSED):
        services.item_report_completion(item=item, actor=office.liaison_a, report="已办结")
    if state == State.CLOSED:
        services.item_close(item=item, actor=office.director)
    return fetch(item)


WRONG_STATE = [
    # (state, action, call, expected message)
    (State.IN_PROGRESS, "close", lambda o, i: services.item_close(item=i, actor=o.director), "当前状态为“办理中”，不能销号"),
    (State.ASSIGNED, "close", lambda o, i: services.item_close(item=i, actor=o.director), "当前状态为“已交办”，不能销号"),
    (State.CLOSED, "close", lambda o, i: services.item_close(item=i, actor=o.director), "当前状态为“已销号”，不能销号"),
    (State.ASSIGNED, "assign", lambda o, i: services.item_assign(item=i, actor=o.staff, assigned_on=D(2026, 11, 18)), "当前状态为“已交办”，不能交办"),
    (State.IN_PROGRESS, "start", lambda o, i: services.item_start(item=i, actor=o.liaison_a), "当前状态为“办理中”，不能签收办理"),
    (State.REGISTERED, "start", lambda o, i: services.item_start(item=i, actor=o.staff), "当前状态为“已挂号”，不能签收办理"),
    (State.REGISTERED, "report", lambda o, i: services.item_report_completion(item=i, actor=o.staff, report="x"), "当前状态为“已挂号”，不能报结"),
    (State.REPORTED, "report", lambda o, i: services.item_report_completion(item=i, actor=o.liaison_a, report="x"), "当前状态为“已报结”，不能报结"),
    (State.CLOSED, "report", lambda o, i: services.item_report_completion(item=i, actor=o.liaison_a, report="x"), "当前状态为“已销号”，不能报结"),
    (State.IN_PROGRESS, "return", lambda o, i: services.item_return(item=i, actor=o.director, reason="x"), "当前状态为“办理中”，不能退回重办"),
    (State.CLOSED, "return", lambda o, i: services.item_return(item=i, actor=o.director, reason="x"), "当前状态为“已销号”，不能退回重办"),
]


@pytest.mark.parametrize("state,action,call,message", WRONG_STATE, ids=[f"{a}-from-{s}" for s, a, _, _ in WRONG_STATE])
def test_wrong_state_is_refused_and_nothing_changes(office, state, action, call, message):
    item = _in_state(office, state)
    before = snapshot(item)
    log_count = WorkflowLog.objects.count()
    with pytest.raises(TransitionRefused) as refused:
        call(office, item)
    assert str(refused.value) == message
    assert snapshot(item) == before
    assert WorkflowLog.objects.count() == log_count


def test_item_transition_dispatches_by_name(office):
    item = register(office)
    with pytest.raises(TransitionRefused, match="没有这个操作"):
        services.item_transition(item=item, action="delete", actor=office.director)
    services.item_transition(item=item, action="assign", actor=office.staff)
    services.item_transition(item=item, action="start", actor=office.liaison_a)
    services.item_transition(item=item, action="report", actor=office.liaison_a, comment="已办结")
    services.item_transition(item=item, action="close", actor=office.director, satisfaction="satisfied")
    assert (fetch(item).state, fetch(item).satisfaction) == (State.CLOSED, "satisfied")


def test_available_transitions_follow_state_and_actor(office):
    item = fetch(assigned(office, co_units=[office.unit_b]))
    assert [t.action for t in services.WORKFLOW.available(office.liaison_a, item)] == ["start", "report"]
    assert [t.action for t in services.WORKFLOW.available(office.liaison_b, item)] == ["start"]
    assert services.WORKFLOW.available(office.driver, item) == []
    item = fetch(reported(office))
    assert [t.action for t in services.WORKFLOW.available(office.leader, item)] == ["close", "return"]
    assert services.WORKFLOW.available(office.staff, item) == []


def test_update_only_while_registered(office):
    item = register(office)
    services.item_update(item=item, actor=office.staff, title="改后的标题", urgency="urgent", co_units=[office.unit_b])
    item = fetch(item)
    assert (item.title, item.urgency) == ("改后的标题", "urgent")
    assert set(item.co_units.all()) == {office.unit_b}
    with pytest.raises(TransitionRefused, match="只有办公室工作人员可以修改督办事项"):
        services.item_update(item=item, actor=office.liaison_a, title="联络员改")
    with pytest.raises(ValueError):
        services.item_update(item=item, actor=office.staff, state=State.CLOSED)
    assert fetch(item).state == State.REGISTERED
    services.item_assign(item=item, actor=office.staff, assigned_on=D(2026, 11, 16))
    # urgent: 3 working days from Monday 11-16.
    assert fetch(item).deadline == D(2026, 11, 19)
    before = snapshot(item)
    with pytest.raises(TransitionRefused, match="事项已交办，不能再修改"):
        services.item_update(item=item, actor=office.staff, title="交办后再改")
    assert snapshot(item) == before


def test_changing_the_lead_unit_drops_it_from_the_co_units(office):
    item = register(office, co_units=[office.unit_b])
    services.item_update(item=item, actor=office.staff, lead_unit=office.unit_b)
    item = fetch(item)
    assert item.lead_unit == office.unit_b
    assert office.unit_b not in set(item.co_units.all())


# --- 4. extensions ----------------------------------------------------------------


@pytest.fixture
def open_item(office):
    # normal, assigned Mon 11-16 → deadline Wed 11-25.
    item = assigned(office, co_units=[office.unit_b])
    services.item_start(item=item, actor=office.liaison_a)
    assert fetch(item).deadline == D(2026, 11, 25)
    return fetch(item)


def test_extension_request_before_the_deadline(office, open_item, freeze_today):
    freeze_today(D(2026, 11, 20))
    extension = services.extension_request(item=open_item, actor=office.liaison_a, new_deadline=D(2026, 12, 2), reason=" 需征求区政府意见 ")
    assert (extension.decision, extension.old_deadline, extension.new_deadline, extension.reason, extension.requested_by) == (
        Extension.Decision.PENDING, D(2026, 11, 25), D(2026, 12, 2), "需征求区政府意见", office.liaison_a
    )
    assert fetch(open_item).deadline == D(2026, 11, 25)  # not yet moved
    log = logs(open_item)[-1]
    assert (log.action, log.actor, log.from_state, log.to_state) == ("extension_request", office.liaison_a, State.IN_PROGRESS, State.IN_PROGRESS)
    assert re.search(r"2026年12月0?2日", log.comment) and "需征求区政府意见" in log.comment


def test_extension_request_on_the_deadline_day_is_still_in_time(office, open_item, freeze_today):
    freeze_today(D(2026, 11, 25))  # a deadline ends at the end of its day
    services.extension_request(item=open_item, actor=office.staff, new_deadline=D(2026, 11, 30), reason="材料未齐")
    assert Extension.objects.filter(item=open_item, decision="pending").count() == 1


def test_extension_request_refusals(office, open_item, freeze_today):
    freeze_today(D(2026, 11, 20))
    before = snapshot(open_item)
    cases = [
        (dict(actor=office.liaison_a, new_deadline=D(2026, 11, 25), reason="同一天"), "申请的期限须晚于现期限（2026年11月25日）"),
        (dict(actor=office.liaison_a, new_deadline=D(2026, 11, 24), reason="更早"), "申请的期限须晚于现期限"),
        (dict(actor=office.liaison_a, new_deadline=D(2026, 12, 2), reason="   "), "请填写延期理由"),
        (dict(actor=office.liaison_b, new_deadline=D(2026, 12, 2), reason="协办单位申请"), "只有主办单位或办公室可以申请延期"),
        (dict(actor=office.driver, new_deadline=D(2026, 12, 2), reason="司机"), "只有主办单位或办公室可以申请延期"),
        (dict(actor=office.leader, new_deadline=D(2026, 12, 2), reason="领导"), "只有主办单位或办公室可以申请延期"),
    ]
    for kwargs, message in cases:
        with pytest.raises(TransitionRefused, match=message):
            services.extension_request(item=open_item, **kwargs)
    freeze_today(D(2026, 11, 26))
    with pytest.raises(TransitionRefused, match="已超过办理期限，不能再申请延期"):
        services.extension_request(item=open_item, actor=office.liaison_a, new_deadline=D(2026, 12, 2), reason="晚了")
    assert not Extension.objects.exists()
    assert snapshot(open_item) == before
    assert [log.action for log in logs(open_item)] == ["assign", "start"]


def test_only_one_pending_extension(office, open_item, freeze_today):
    freeze_today(D(2026, 11, 20))
    services.extension_request(item=open_item, actor=office.liaison_a, new_deadline=D(2026, 12, 2), reason="一")
    with pytest.raises(TransitionRefused, match="该事项已有一份待审批的延期申请"):
        services.extension_request(item=open_item, actor=office.staff, new_deadline=D(2026, 12, 9), reason="二")
    assert Extension.objects.count() == 1
    assert [log.action for log in logs(open_item)] == ["assign", "start", "extension_request"]


def test_extension_refused_for_items_not_open(office, freeze_today):
    freeze_today(D(2026, 11, 20))
    item = reported(office)
    with pytest.raises(TransitionRefused, match="当前状态为“已报结”，不能申请延期"):
        services.extension_request(item=item, actor=office.liaison_a, new_deadline=D(2026, 12, 2), reason="x")


@pytest.mark.parametrize("who", ["leader", "director"])
def test_extension_approved_moves_the_deadline_and_keeps_the_original(office, open_item, freeze_today, who):
    freeze_today(D(2026, 11, 20))
    extension = services.extension_request(item=open_item, actor=office.liaison_a, new_deadline=D(2026, 12, 2), reason="需调研")
    actor = getattr(office, who)
    services.extension_decide(extension=extension, actor=actor, approve=True)
    extension.refresh_from_db()
    item = fetch(open_item)
    assert (extension.decision, extension.decided_by, extension.decision_comment) == (Extension.Decision.APPROVED, actor, "")
    assert extension.decided_at is not None
    assert (item.deadline, item.original_deadline, item.state) == (D(2026, 12, 2), D(2026, 11, 25), State.IN_PROGRESS)
    log = logs(item)[-1]
    assert (log.action, log.action_label, log.actor) == ("extension_decide", "批准延期", actor)
    assert re.search(r"2026年11月25日 → 2026年12月0?2日", log.comment)
    # A later request starts from the new deadline and the original stays.
    second = services.extension_request(item=item, actor=office.liaison_a, new_deadline=D(2026, 12, 9), reason="再延")
    assert second.old_deadline == D(2026, 12, 2)
    services.extension_decide(extension=second, actor=actor, approve=True)
    item = fetch(item)
    assert (item.deadline, item.original_deadline) == (D(2026, 12, 9), D(2026, 11, 25))
    assert list(Extension.objects.filter(item=item).values_list("old_deadline", "new_deadline")) == [
        (D(2026, 11, 25), D(2026, 12, 2)), (D(2026, 12, 2), D(2026, 12, 9))
    ]


def test_extension_refusal_needs_a_comment(office, open_item, freeze_today):
    freeze_today(D(2026, 11, 20))
    extension = services.extension_request(item=open_item, actor=office.liaison_a, new_deadline=D(2026, 12, 2), reason="需调研")
    with pytest.raises(TransitionRefused, match="不批准时请填写意见"):
        services.extension_decide(extension=extension, actor=office.leader, approve=False, comment=" ")
    extension.refresh_from_db()
    assert extension.decision == Extension.Decision.PENDING
    services.extension_decide(extension=extension, actor=office.leader, approve=False, comment="时间充裕，按期办结")
    extension.refresh_from_db()
    item = fetch(open_item)
    assert (extension.decision, extension.decision_comment) == (Extension.Decision.REFUSED, "时间充裕，按期办结")
    assert (item.deadline, item.original_deadline) == (D(2026, 11, 25), D(2026, 11, 25))
    assert logs(item)[-1].action_label == "不批准延期"


@pytest.mark.parametrize("who", ["other_leader", "staff", "liaison_a"])
def test_extension_decided_only_by_director_or_leader_in_charge(office, open_item, freeze_today, who):
    freeze_today(D(2026, 11, 20))
    extension = services.extension_request(item=open_item, actor=office.liaison_a, new_deadline=D(2026, 12, 2), reason="需调研")
    actor = other_leader() if who == "other_leader" else getattr(office, who)
    with pytest.raises(TransitionRefused, match="只有办公室主任或分管领导可以审批延期"):
        services.extension_decide(extension=extension, actor=actor, approve=True)
    extension.refresh_from_db()
    assert extension.decision == Extension.Decision.PENDING
    assert fetch(open_item).deadline == D(2026, 11, 25)


def test_a_decided_extension_cannot_be_decided_again(office, open_item, freeze_today):
    freeze_today(D(2026, 11, 20))
    extension = services.extension_request(item=open_item, actor=office.liaison_a, new_deadline=D(2026, 12, 2), reason="需调研")
    services.extension_decide(extension=extension, actor=office.leader, approve=False, comment="不同意")
    with pytest.raises(TransitionRefused, match="该延期申请已审批"):
        services.extension_decide(extension=extension, actor=office.director, approve=True)
    extension.refresh_from_db()
    assert (extension.decision, extension.decided_by) == (Extension.Decision.REFUSED, office.leader)
    assert fetch(open_item).deadline == D(2026, 11, 25)


# --- 5. lights ----------------------------------------------------------------------


def lights(items, today):
    """light_of and with_light, side by side, per item pk."""
    annotated = dict(
        selectors.with_light(SupervisionItem.objects.filter(pk__in=[i.pk for i in items]), today).values_list("pk", "light_code")
    )
    return {item.pk: (services.light_of(fetch(item), today) or "", annotated[item.pk]) for item in items}


def test_lights_on_a_friday(office):
    friday = D(2026, 11, 27)
    make = lambda deadline, **extra: set_state(assigned(office), deadline=deadline, state=State.IN_PROGRESS, **extra)
    overdue = make(D(2026, 11, 26))
    today = make(friday)
    monday = make(D(2026, 11, 30))  # the next working day after Friday
    tuesday = make(D(2026, 12, 1))
    assigned_only = set_state(assigned(office), deadline=D(2026, 11, 30))  # 已交办 counts too
    expected = {
        overdue.pk: Light.RED, today.pk: Light.YELLOW, monday.pk: Light.YELLOW, tuesday.pk: Light.GREEN,
        assigned_only.pk: Light.YELLOW,
    }
    assert lights([overdue, today, monday, tuesday, assigned_only], friday) == {pk: (v, v) for pk, v in expected.items()}


def test_yellow_reaches_over_a_holiday(office):
    # Wed 2026-09-30: the next working day is Thu 10-08, after National Day.
    item = set_state(assigned(office), deadline=D(2026, 10, 8))
    later = set_state(assigned(office), deadline=D(2026, 10, 9))
    assert lights([item, later], D(2026, 9, 30)) == {item.pk: ("yellow", "yellow"), later.pk: ("green", "green")}


def test_lights_of_reported_closed_and_registered_items(office):
    today = D(2026, 11, 27)
    deadline = D(2026, 11, 25)
    on_time = set_state(assigned(office), state=State.REPORTED, deadline=deadline, reported_on=deadline)
    late = set_state(assigned(office), state=State.REPORTED, deadline=deadline, reported_on=D(2026, 11, 26))
    closed = set_state(assigned(office), state=State.CLOSED, deadline=deadline, reported_on=D(2026, 11, 26), closed_on=today)
    registered = register(office)
    assert lights([on_time, late, closed, registered], today) == {
        on_time.pk: ("green", "green"), late.pk: ("red", "red"), closed.pk: ("", ""), registered.pk: ("", ""),
    }


def test_light_counts_for_the_office(office):
    friday = D(2026, 11, 27)
    for deadline in (D(2026, 11, 26), D(2026, 11, 25), D(2026, 11, 30), D(2026, 12, 10)):
        set_state(assigned(office), state=State.IN_PROGRESS, deadline=deadline)
    set_state(assigned(office), state=State.REPORTED, deadline=D(2026, 11, 20), reported_on=D(2026, 11, 26))
    # The reported-late item counts as red too, as the list filtered by red shows it.
    assert selectors.light_counts(office.director, friday) == {"red": 3, "yellow": 1, "green": 1}


# --- 6. visibility ------------------------------------------------------------------


def test_items_visible_to(office):
    a_lead = register(office, title="甲主办")
    b_lead_a_co = register(office, title="乙主办甲协办", lead_unit=office.unit_b, co_units=[office.unit_a])
    b_only = register(office, title="乙主办", lead_unit=office.unit_b)
    office_only = register(office, title="办公室主办", lead_unit=office.office_unit)
    everything = {a_lead.pk, b_lead_a_co.pk, b_only.pk, office_only.pk}

    def visible(user):
        return set(selectors.items_visible_to(user).values_list("pk", flat=True))

    for user in (office.staff, office.director, office.leader):
        assert visible(user) == everything
    assert visible(office.liaison_a) == {a_lead.pk, b_lead_a_co.pk}
    assert visible(office.liaison_b) == {b_lead_a_co.pk, b_only.pk}
    for user in (office.driver, office.canteen, office.duty):
        assert visible(user) == set()
    # A liaison with no unit sees nothing; the query has no duplicates.
    assert visible(UserFactory(username="liaison_nounit", roles=[Role.LIAISON])) == set()
    assert selectors.items_visible_to(office.liaison_a).count() == 2


# --- 7. statistics ------------------------------------------------------------------


def test_unit_stats_numbers(office):
    today = D(2026, 11, 27)

    def item(unit, state, deadline, reported_on=None, satisfaction="", assigned_on=D(2026, 11, 2)):
        return set_state(
            assigned(office, on=assigned_on, lead_unit=unit), state=state, deadline=deadline,
            reported_on=reported_on, satisfaction=satisfaction,
        )

    a, b = office.unit_a, office.unit_b
    item(a, State.CLOSED, D(2026, 11, 10), D(2026, 11, 9), "satisfied")  # closed on time
    item(a, State.CLOSED, D(2026, 11, 10), D(2026, 11, 10))  # on time (the deadline day itself), not graded
    item(a, State.CLOSED, D(2026, 11, 10), D(2026, 11, 12), "unsatisfied")  # closed late
    item(a, State.REPORTED, D(2026, 11, 20), D(2026, 11, 19))  # answered, not closed
    item(a, State.IN_PROGRESS, D(2026, 11, 26))  # overdue now
    item(a, State.ASSIGNED, today)  # due today: not overdue
    item(a, State.IN_PROGRESS, D(2026, 12, 4))
    item(a, State.IN_PROGRESS, D(2026, 10, 30), assigned_on=D(2026, 10, 20))  # outside the period
    item(b, State.CLOSED, D(2026, 11, 10), D(2026, 11, 6), "basic")
    item(b, State.IN_PROGRESS, D(2026, 11, 20))
    register(office, lead_unit=b)  # never assigned: not counted

    stats, total = selectors.unit_stats(D(2026, 11, 1), D(2026, 11, 30), today)
    by_unit = {s.unit: s for s in stats}
    assert set(by_unit) == {a, b}
    sa, sb = by_unit[a], by_unit[b]
    assert (sa.assigned, sa.answered, sa.closed, sa.closed_on_time, sa.overdue_now, sa.graded, sa.satisfied) == (7, 4, 3, 2, 1, 2, 1)
    assert (sa.answer_rate, sa.on_time_rate, sa.satisfaction_rate) == (57.1, 66.7, 50.0)
    assert (sb.assigned, sb.answered, sb.closed, sb.closed_on_time, sb.overdue_now, sb.graded, sb.satisfied) == (2, 1, 1, 1, 1, 1, 1)
    assert (sb.answer_rate, sb.on_time_rate, sb.satisfaction_rate) == (50.0, 100.0, 100.0)
    assert [s.unit for s in stats] == [b, a]  # ranked by 按期办结率
    assert total.unit.name == "合计"
    assert (total.assigned, total.answered, total.closed, total.closed_on_time, total.overdue_now, total.graded, total.satisfied) == (9, 5, 4, 3, 2, 3, 2)
    assert (total.answer_rate, total.on_time_rate, total.satisfaction_rate) == (55.6, 75.0, 66.7)


def test_unit_stats_of_an_empty_period(office):
    stats, total = selectors.unit_stats(D(2026, 1, 1), D(2026, 1, 31), D(2026, 2, 1))
    assert stats == []
    assert (total.assigned, total.answer_rate, total.on_time_rate, total.satisfaction_rate) == (0, None, None, None)


def test_unit_stats_query_count_does_not_grow(office):
    units = [office.unit_a, office.unit_b, office.office_unit]
    today = D(2026, 11, 27)

    def add(n):
        for i in range(n):
            item = assigned(office, on=D(2026, 11, 2 + i % 20), lead_unit=units[i % 3])
            if i % 2:
                set_state(item, state=State.CLOSED, reported_on=D(2026, 11, 5), satisfaction="satisfied")

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            stats, total = selectors.unit_stats(D(2026, 11, 1), D(2026, 11, 30), today)
            [s.unit.name for s in stats]  # touching the units costs nothing more
        return len(queries), total.assigned

    add(3)
    few, assigned_few = count_queries()
    add(27)
    many, assigned_many = count_queries()
    assert (assigned_few, assigned_many) == (3, 30)
    assert few == many
