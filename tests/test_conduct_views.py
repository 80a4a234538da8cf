"""作风 pages: the error log, the entry page and its steps, proposals, the personal record,
lessons, statistics, leave, the duty roster and 我的今天 — who may, and who may not."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conduct import services
from conduct.models import Category, DutyShift, EntryState, ErrorEntry, Leave, Proposal, Severity, SubKind, Swap
from office import calendar
from office.roles import Role
from supervision import services as supervision_services
from tests.factories import PersonFactory


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def html(response) -> str:
    """The page, and for a refusal the reason Django hands the 403/404 template (shared
    templates/403.html does not print it yet)."""
    text = response.content.decode()
    if response.status_code in (403, 404) and response.context is not None:
        text += str(response.context.get("exception", ""))
    return text


def today():
    return timezone.localdate()


def register(office, *, people=None, unit=None, date=None, what="会议通知中把“第二十次”误写为“第二十一次”", lesson="", **extra):
    return services.entry_register(
        actor=office.staff, people=people or [office.staff.person], unit=unit or office.office_unit,
        date=date or today(), category=extra.pop("category", Category.DOCUMENTS), sub_kind=extra.pop("sub_kind", SubKind.TEXT),
        what_happened=what, lesson=lesson, **extra,
    )


def verified(office, **kwargs):
    entry = register(office, **kwargs)
    return services.entry_step(entry=entry, actor=office.director, action="verify")


def fresh(entry) -> ErrorEntry:
    return ErrorEntry.objects.get(pk=entry.pk)


def count_queries(client, url) -> int:
    calendar.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def overdue_item(office, title="关于城区停车难问题的审议意见"):
    """A supervision item assigned long ago, now past its deadline: a 时限延误 candidate."""
    item = supervision_services.item_register(
        actor=office.staff, title=title, requirements="研究解决", source="other", urgency="urgent",
        lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader,
    )
    return supervision_services.item_assign(item=item, actor=office.staff, assigned_on=today() - datetime.timedelta(days=40))


# --- the error log: who sees it ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "director", "leader"])
def test_log_lists_entries_for_office_and_leaders(office, who):
    register(office, what="通知标点错误")
    response = office.client_for(getattr(office, who)).get(reverse("conduct:index"))
    assert response.status_code == 200
    assert "通知标点错误" in html(response)
    assert "差错登记簿" in html(response)


@pytest.mark.parametrize("who", ["liaison_a", "driver", "duty"])
def test_others_get_the_front_page_without_the_log(office, who):
    register(office, what="通知标点错误")
    response = office.client_for(getattr(office, who)).get(reverse("conduct:index"))
    assert response.status_code == 200
    assert "通知标点错误" not in html(response)
    assert "经验教训" in html(response) and "我的今天" in html(response)


@pytest.mark.parametrize("name", ["conduct:export_csv", "conduct:export_xlsx", "conduct:stats", "conduct:proposals"])
def test_log_pages_forbidden_outside_office_and_leaders(office, name):
    response = office.client_for(office.liaison_a).get(reverse(name))
    assert response.status_code == 403
    assert "只有办公室和常委会领导" in html(response)


def test_log_filters_and_words(office):
    register(office, what="会议材料装订顺序错误", category=Category.MEETINGS, sub_kind=SubKind.MEETING, unit=office.unit_a)
    register(office, what="公文标点错误", severity=Severity.SERIOUS)
    client = office.client_for(office.staff)

    def found(**params):
        return {entry.what_happened for entry in client.get(reverse("conduct:index"), params).context["page"]}

    assert found(category="meetings") == {"会议材料装订顺序错误"}
    assert found(severity="serious") == {"公文标点错误"}
    assert found(unit=office.unit_a.pk) == {"会议材料装订顺序错误"}
    assert found(q="标点") == {"公文标点错误"}
    assert found(q=office.staff.person.name) == {"会议材料装订顺序错误", "公文标点错误"}
    assert found(state="verified") == set()
    assert found(date_from=f"{today() + datetime.timedelta(days=1):%Y-%m-%d}") == set()


def test_csv_export_follows_filters(office):
    register(office, what="会议材料装订顺序错误", category=Category.MEETINGS, sub_kind=SubKind.MEETING)
    register(office, what="=公文标点错误")
    response = office.client_for(office.director).get(reverse("conduct:export_csv"), {"category": "documents"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "发生日期"
    assert len(rows) == 2 and rows[1][8] == "'=公文标点错误"


def test_days_without_error_counts_only_confirmed_entries(office):
    register(office, date=today() - datetime.timedelta(days=1))  # not verified: does not count
    verified(office, date=today() - datetime.timedelta(days=12), unit=office.unit_a)
    response = office.client_for(office.staff).get(reverse("conduct:index"))
    office_days, unit_days = response.context["office_days"], response.context["unit_days"]
    assert office_days.days == 12
    assert {row.label: row.days for row in unit_days}[office.unit_a.label] == 12
    assert {row.label: row.days for row in unit_days}[office.office_unit.label] is None
    assert "已连续" in html(response)


# --- registering ---------------------------------------------------------------------------------------------


def entry_post(office, **overrides):
    data = {
        "people": [office.staff.person.pk], "unit": office.office_unit.pk, "date": f"{today():%Y-%m-%d}",
        "category": "affairs", "sub_kind": "vehicle", "severity": "minor",
        "what_happened": "派车单时间填错，车辆晚到十分钟", "cause": "未复核", "corrective_action": "派车前双人复核", "lesson": "派车单要复核",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", ["staff", "director"])
def test_office_registers_an_entry(office, who):
    client = office.client_for(getattr(office, who))
    assert client.get(reverse("conduct:entry_create")).status_code == 200
    response = client.post(reverse("conduct:entry_create"), entry_post(office))
    entry = ErrorEntry.objects.get()
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    assert entry.state == EntryState.REGISTERED and list(entry.people.all()) == [office.staff.person]
    assert entry.registered_by == getattr(office, who)


@pytest.mark.parametrize("who", ["leader", "liaison_a", "duty"])
def test_registering_refused_outside_the_office(office, who):
    client = office.client_for(getattr(office, who))
    assert client.get(reverse("conduct:entry_create")).status_code == 403
    response = client.post(reverse("conduct:entry_create"), entry_post(office))
    assert response.status_code == 403 and "只有办公室工作人员可以登记差错" in html(response)
    assert not ErrorEntry.objects.exists()


def test_registering_a_future_date_shows_the_services_message(office):
    tomorrow = today() + datetime.timedelta(days=1)
    response = office.client_for(office.staff).post(reverse("conduct:entry_create"), entry_post(office, date=f"{tomorrow:%Y-%m-%d}"))
    assert response.status_code == 200 and "发生日期不能晚于今天" in html(response)
    assert not ErrorEntry.objects.exists()


def test_registering_without_people_is_a_form_error(office):
    response = office.client_for(office.staff).post(reverse("conduct:entry_create"), entry_post(office, people=[]))
    assert response.status_code == 200 and "这个字段是必填项" in html(response) or "必填" in html(response)
    assert not ErrorEntry.objects.exists()


# --- the entry page: who sees it, the account, the steps ----------------------------------------------------------


def test_entry_page_visible_to_log_readers_and_people_concerned_only(office):
    entry = register(office, people=[office.liaison_a.person], unit=office.unit_a)
    url = entry.get_absolute_url()
    for user in (office.staff, office.director, office.leader, office.liaison_a):
        assert office.client_for(user).get(url).status_code == 200
    for user in (office.liaison_b, office.driver, office.duty):
        response = office.client_for(user).get(url)
        assert response.status_code == 404
    assert office.client_for(office.staff).get(reverse("conduct:entry_detail", args=[9999])).status_code == 404


def test_entry_page_links_the_record_it_concerns(office):
    item = overdue_item(office)
    entry = services.entry_register(actor=office.staff, people=[office.liaison_a.person], unit=office.unit_a, date=today(),
                                    category=Category.AFFAIRS, sub_kind=SubKind.DELAY, what_happened="逾期", concerns=item)
    response = office.client_for(office.staff).get(entry.get_absolute_url())
    assert f'href="{item.get_absolute_url()}"' in html(response)


def test_account_only_by_the_person_concerned_before_verification(office):
    entry = register(office, people=[office.liaison_a.person], unit=office.unit_a)
    url = reverse("conduct:entry_account", args=[entry.pk])
    page = office.client_for(office.liaison_a).get(entry.get_absolute_url())
    assert page.context["account_form"] is not None
    assert office.client_for(office.staff).get(entry.get_absolute_url()).context["account_form"] is None

    # Someone else (even the office) may not write it.
    response = office.client_for(office.staff).post(url, {"account-text": "代写说明"})
    assert response.status_code == 403 and "只有当事人可以补充说明" in html(response)
    assert office.client_for(office.liaison_b).post(url, {"account-text": "说明"}).status_code == 404

    response = office.client_for(office.liaison_a).post(url, {"account-text": "通知底稿由他人提供，我未核对原件"})
    assert response.status_code == 302
    assert fresh(entry).account == "通知底稿由他人提供，我未核对原件"
    assert "当事人说明" in html(office.client_for(office.director).get(entry.get_absolute_url()))

    services.entry_step(entry=entry, actor=office.director, action="verify")
    assert office.client_for(office.liaison_a).get(entry.get_absolute_url()).context["account_form"] is None
    response = office.client_for(office.liaison_a).post(url, {"account-text": "再补充"})
    assert response.status_code == 403 and "差错已核实，不能再补充说明" in html(response)
    assert fresh(entry).account == "通知底稿由他人提供，我未核对原件"


def step(client, entry, action, tick=True, comment=""):
    data = {f"{action}-comment": comment}
    if tick:
        data[f"{action}-confirm"] = "on"
    return client.post(reverse("conduct:entry_step", args=[entry.pk, action]), data)


def test_steps_through_the_page(office, settings):
    entry = register(office)
    director, staff = office.client_for(office.director), office.client_for(office.staff)

    # 核实: only the director, and only with the tick.
    assert staff.get(entry.get_absolute_url()).context["step_form"] is None
    response = step(staff, entry, "verify")
    assert response.status_code == 403 and "只有办公室主任可以核实" in html(response)
    response = step(director, entry, "verify", tick=False)
    assert "请勾选“确认核实”后再提交" in html(response) and fresh(entry).state == EntryState.REGISTERED
    assert step(director, entry, "verify", comment="情况属实").status_code == 302
    assert fresh(entry).state == EntryState.VERIFIED and fresh(entry).confirmed_by == office.director

    # 通报 by the director (the leader may not).
    assert step(office.client_for(office.leader), entry, "publish").status_code == 403
    assert step(director, entry, "publish").status_code == 302
    assert fresh(entry).state == EntryState.PUBLISHED

    # 整改完成 by the office; the liaison may not.
    response = step(director, entry, "verify")
    assert response.status_code == 409 and "不能核实" in html(response)
    assert step(office.client_for(office.liaison_a), entry, "rectify").status_code == 404
    assert step(staff, entry, "rectify").status_code == 302
    assert fresh(entry).state == EntryState.RECTIFIED
    timeline = html(director.get(entry.get_absolute_url()))
    for label in ("登记", "核实", "情况属实", "通报", "整改完成"):
        assert label in timeline
    assert office.client_for(office.staff).post(reverse("conduct:entry_step", args=[entry.pk, "delete"]), {}).status_code == 404


def test_bulletin_link_once_generated_and_preview(office):
    from conduct.pdf import bulletin_store

    entry = verified(office)
    services.entry_step(entry=entry, actor=office.director, action="publish")
    client = office.client_for(office.staff)
    assert client.get(reverse("conduct:entry_bulletin", args=[entry.pk])).status_code == 404
    assert "通报正在生成" in html(client.get(entry.get_absolute_url()))
    bulletin_store(entry.pk)
    page = html(client.get(entry.get_absolute_url()))
    assert reverse("conduct:entry_bulletin", args=[entry.pk]) in page
    response = client.get(reverse("conduct:entry_bulletin", args=[entry.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    preview = client.get(reverse("conduct:entry_preview", args=[entry.pk]))
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")


def test_preview_only_for_log_readers(office):
    entry = register(office, people=[office.liaison_a.person], unit=office.unit_a)
    response = office.client_for(office.liaison_a).get(reverse("conduct:entry_preview", args=[entry.pk]))
    assert response.status_code == 403


# --- proposals ----------------------------------------------------------------------------------------------------


def test_director_confirms_a_proposal(office):
    item = overdue_item(office)
    assert services.proposals_sweep(today()) == 1
    proposal = Proposal.objects.get()
    client = office.client_for(office.director)
    page = client.get(reverse("conduct:proposals"))
    assert item.number in html(page)
    form = page.context["rows"][0][1]
    assert form.initial["what_happened"] == proposal.summary and "unit" not in form.fields

    response = client.post(reverse("conduct:proposal_confirm", args=[proposal.pk]), {
        f"confirm-{proposal.pk}-people": [office.liaison_a.person.pk], f"confirm-{proposal.pk}-severity": "serious",
        f"confirm-{proposal.pk}-what_happened": proposal.summary, f"confirm-{proposal.pk}-confirm": "on",
    })
    proposal.refresh_from_db()
    entry = proposal.entry
    assert response.status_code == 302 and response["Location"].startswith(entry.get_absolute_url())
    assert proposal.state == Proposal.State.CONFIRMED
    assert entry.state == EntryState.VERIFIED and entry.severity == Severity.SERIOUS and entry.concerns == item
    assert entry.unit == office.unit_a


def test_confirm_needs_the_tick_and_people_and_only_the_director(office):
    overdue_item(office)
    services.proposals_sweep(today())
    proposal = Proposal.objects.get()
    url = reverse("conduct:proposal_confirm", args=[proposal.pk])
    data = {f"confirm-{proposal.pk}-severity": "minor", f"confirm-{proposal.pk}-what_happened": "逾期"}
    response = office.client_for(office.director).post(url, data)
    assert response.status_code == 400
    assert office.client_for(office.staff).post(url, data).status_code == 403
    assert office.client_for(office.leader).get(reverse("conduct:proposals")).context["rows"][0][1] is None
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.OPEN


def test_proposal_without_unit_asks_for_one(office):
    Proposal.objects.create(key="test:1", category=Category.MEETINGS, sub_kind=SubKind.MEETING, summary="会务工作逾期完成", occurred_on=today())
    proposal = Proposal.objects.get()
    client = office.client_for(office.director)
    form = client.get(reverse("conduct:proposals")).context["rows"][0][1]
    assert form.fields["unit"].required
    base = {f"confirm-{proposal.pk}-people": [office.staff.person.pk], f"confirm-{proposal.pk}-severity": "minor",
            f"confirm-{proposal.pk}-what_happened": "会务工作逾期完成", f"confirm-{proposal.pk}-confirm": "on"}
    assert client.post(reverse("conduct:proposal_confirm", args=[proposal.pk]), base).status_code == 400
    response = client.post(reverse("conduct:proposal_confirm", args=[proposal.pk]), {**base, f"confirm-{proposal.pk}-unit": office.office_unit.pk})
    assert response.status_code == 302
    assert ErrorEntry.objects.get().unit == office.office_unit


def test_dismissed_proposal_stays_dismissed_after_another_sweep(office):
    overdue_item(office)
    services.proposals_sweep(today())
    proposal = Proposal.objects.get()
    client = office.client_for(office.director)
    url = reverse("conduct:proposal_dismiss", args=[proposal.pk])
    response = client.post(url, {f"dismiss-{proposal.pk}-reason": "  "})
    assert response.status_code == 400 and "这个字段是必填项" in html(response) or "请填写" in html(response)
    assert office.client_for(office.staff).post(url, {f"dismiss-{proposal.pk}-reason": "x"}).status_code == 403
    assert client.post(url, {f"dismiss-{proposal.pk}-reason": "延期申请已口头报批，系统漏登"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.DISMISSED

    assert services.proposals_sweep(today()) == 0
    page = client.get(reverse("conduct:proposals"))
    assert page.context["rows"] == []
    assert "延期申请已口头报批，系统漏登" in html(page)
    # Deciding again is refused with the service's message.
    again = client.post(url, {f"dismiss-{proposal.pk}-reason": "再排除"})
    assert again.status_code == 400 and "该线索已排除" in html(again)


# --- the personal record and lessons ---------------------------------------------------------------------------


def test_personal_record_privacy(office):
    verified(office, people=[office.liaison_a.person], unit=office.unit_a, what="报送材料迟交")
    url = reverse("conduct:person", args=[office.liaison_a.person.pk])
    for user in (office.liaison_a, office.director, office.leader):
        response = office.client_for(user).get(url)
        assert response.status_code == 200 and "报送材料迟交" in html(response)
    for user in (office.staff, office.liaison_b, office.duty):
        assert office.client_for(user).get(url).status_code == 404
    me = office.client_for(office.liaison_a).get(reverse("conduct:my_record"))
    assert me.status_code == 302 and me["Location"] == url


def test_lessons_for_everyone_without_names_and_searchable(office):
    verified(office, lesson="会议通知发出前由第二人核对届次和会次", what="会次写错")
    register(office, lesson="未核实的教训不公开")
    response = office.client_for(office.driver).get(reverse("conduct:lessons"))
    page = html(response)
    assert response.status_code == 200 and "核对届次和会次" in page and "未核实的教训不公开" not in page
    assert office.staff.person.name not in page.split("</header>", 1)[1]
    assert len(office.client_for(office.driver).get(reverse("conduct:lessons"), {"q": "届次"}).context["page"]) == 1
    assert len(office.client_for(office.driver).get(reverse("conduct:lessons"), {"q": "用车"}).context["page"]) == 0


# --- statistics ------------------------------------------------------------------------------------------------------


def test_stats_numbers_and_chart(office):
    month_ago = today() - datetime.timedelta(days=31)
    verified(office, people=[office.staff.person, office.duty.person], date=today().replace(day=1))
    verified(office, people=[office.staff.person], unit=office.unit_a, date=max(month_ago, today().replace(month=1, day=1)))
    register(office)  # not verified: not counted
    response = office.client_for(office.leader).get(reverse("conduct:stats"))
    assert response.status_code == 200
    by_person = {row["name"]: row["count"] for row in response.context["by_person"]}
    assert by_person == {office.staff.person.name: 2, office.duty.person.name: 1}
    assert {row["unit__name"]: row["count"] for row in response.context["by_unit"]} == {office.office_unit.name: 1, office.unit_a.name: 1}
    assert response.context["total"] == 2
    assert response.context["chart"]["total"] == 2 and len(response.context["chart"]["bars"]) == 12
    assert "<svg" in html(response)


def test_monthly_summary_pdf(office):
    verified(office, lesson="要复核")
    client = office.client_for(office.director)
    response = client.get(reverse("conduct:stats_pdf"), {"month": f"{today():%Y-%m}"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(reverse("conduct:stats_pdf"), {"month": "bad"}).status_code == 302


# --- leave ------------------------------------------------------------------------------------------------------


def leave_post(person, start, end, reason="家中有事"):
    return {"leave-person": person.pk, "leave-leave_type": "personal", "leave-start": f"{start:%Y-%m-%d}", "leave-end": f"{end:%Y-%m-%d}", "leave-reason": reason}


def test_duty_office_registers_and_director_approves(office):
    client = office.client_for(office.duty)
    response = client.post(reverse("conduct:leave"), leave_post(office.staff.person, today(), today() + datetime.timedelta(days=1)))
    assert response.status_code == 302
    leave = Leave.objects.get()
    assert leave.approver == office.director and leave.registered_by == office.duty

    # Only the approver decides.
    assert office.client_for(office.leader).post(reverse("conduct:leave_decide", args=[leave.pk]), {"decision": "approve"}).status_code == 403
    director = office.client_for(office.director)
    assert len(director.get(reverse("conduct:leave")).context["to_decide"]) == 1
    assert director.post(reverse("conduct:leave_decide", args=[leave.pk]), {"decision": "approve"}).status_code == 302
    leave.refresh_from_db()
    assert leave.state == Leave.State.APPROVED

    page = client.get(reverse("conduct:leave"))
    assert [row.person for row in page.context["away"]] == [office.staff.person]
    assert office.staff.person.name in html(page).split('data-testid="away-today"')[1].split("</section>")[0]


def test_person_registers_own_leave_only(office):
    client = office.client_for(office.liaison_a)
    form = client.get(reverse("conduct:leave")).context["form"]
    assert list(form.fields["person"].queryset) == [office.liaison_a.person]
    response = client.post(reverse("conduct:leave"), leave_post(office.liaison_b.person, today(), today()))
    assert response.status_code == 400 and not Leave.objects.exists()
    response = client.post(reverse("conduct:leave"), leave_post(office.liaison_a.person, today(), today() - datetime.timedelta(days=1)))
    assert response.status_code == 400 and "结束日期不能早于开始日期" in html(response)
    assert client.post(reverse("conduct:leave"), leave_post(office.liaison_a.person, today(), today())).status_code == 302
    # Overlap: the service's message.
    response = client.post(reverse("conduct:leave"), leave_post(office.liaison_a.person, today(), today()))
    assert response.status_code == 400 and "这段时间已有请假记录" in html(response)


def test_director_leave_goes_to_a_leader_and_list_is_private(office):
    services.leave_register(actor=office.duty, person=office.director.person, leave_type="annual", start=today(), end=today(), reason="年休")
    services.leave_register(actor=office.duty, person=office.staff.person, leave_type="sick", start=today(), end=today(), reason="病")
    assert Leave.objects.get(person=office.director.person).approver == office.leader
    liaison_rows = office.client_for(office.liaison_a).get(reverse("conduct:leave")).context["page"]
    assert list(liaison_rows) == []
    assert len(office.client_for(office.duty).get(reverse("conduct:leave")).context["page"]) == 2
    assert len(office.client_for(office.staff).get(reverse("conduct:leave"), {"when": "past"}).context["page"]) == 0


# --- the duty roster ---------------------------------------------------------------------------------------------


def test_roster_across_the_national_day_holiday_and_a_make_up_working_day(office):
    client = office.client_for(office.duty)
    response = client.post(reverse("conduct:roster_generate"), {
        "roster-rota": [office.staff.person.pk, office.duty.person.pk],
        "roster-start": "2026-10-01", "roster-end": "2026-10-11", "roster-full_days": "2026-10-01",
    })
    assert response.status_code == 302 and response["Location"].endswith("?month=2026-10")
    shifts = {shift.date: shift for shift in DutyShift.objects.all()}
    expected = [datetime.date(2026, 10, day) for day in (1, 2, 3, 4, 5, 6, 7, 11)]
    assert sorted(shifts) == expected  # 10-10 (Saturday) is a 调休 working day: no duty; 10-08/09 are working days
    assert shifts[datetime.date(2026, 10, 1)].kind == DutyShift.Kind.FULL
    assert shifts[datetime.date(2026, 10, 2)].kind == DutyShift.Kind.DAY
    assert {shift.person for shift in shifts.values()} == {office.staff.person, office.duty.person}

    page = client.get(reverse("conduct:duty"), {"month": "2026-10"})
    assert page.status_code == 200
    body = html(page)
    assert 'data-date="2026-10-10"' in body
    cell = body.split('data-date="2026-10-10"')[1].split("</td>")[0]
    assert "班" in cell and "roster-shift" not in cell


def test_roster_generation_refused_for_liaison_and_bad_dates(office):
    data = {"roster-rota": [office.staff.person.pk], "roster-start": "2026-10-01", "roster-end": "2026-10-07", "roster-full_days": "2026-12-01"}
    assert office.client_for(office.liaison_a).post(reverse("conduct:roster_generate"), data).status_code == 403
    response = office.client_for(office.staff).post(reverse("conduct:roster_generate"), data)
    assert response.status_code == 400 and "不在排班期间内" in html(response)
    assert not DutyShift.objects.exists()


def test_swap_request_and_director_decision(office):
    day = today() + datetime.timedelta(days=3)
    shift = DutyShift.objects.create(date=day, person=office.staff.person)
    staff = office.client_for(office.staff)
    response = staff.post(reverse("conduct:swap_request"), {"swap-shift": shift.pk, "swap-substitute": office.duty.person.pk, "swap-reason": "外出开会"})
    assert response.status_code == 302
    swap = Swap.objects.get()
    assert staff.post(reverse("conduct:swap_decide", args=[swap.pk]), {"decision": "approve"}).status_code == 403
    # A liaison cannot pick someone else's shift.
    response = office.client_for(office.liaison_a).post(reverse("conduct:swap_request"), {"swap-shift": shift.pk, "swap-substitute": office.liaison_a.person.pk, "swap-reason": "x"})
    assert response.status_code == 400
    assert office.client_for(office.director).post(reverse("conduct:swap_decide", args=[swap.pk]), {"decision": "approve"}).status_code == 302
    shift.refresh_from_db()
    assert shift.person == office.duty.person


def test_duty_log_and_hand_over(office):
    shift = DutyShift.objects.create(date=today(), person=office.duty.person)
    url = reverse("conduct:duty_log", args=[shift.pk])
    page = office.client_for(office.staff).get(reverse("conduct:duty"))
    assert page.context["log_forms"][0][1] is None
    assert office.duty.person.name in html(page).split('data-testid="duty-today"')[1][:300]
    response = office.client_for(office.liaison_a).post(url, {f"log-{shift.pk}-text": "x"})
    assert response.status_code == 403
    client = office.client_for(office.duty)
    assert client.post(url, {f"log-{shift.pk}-text": "10:05 区委办来电，通知已转办公室主任"}).status_code == 302
    assert client.post(url, {f"log-{shift.pk}-text": "10:05 区委办来电，通知已转办公室主任。无其他事项", f"log-{shift.pk}-hand_over": "on"}).status_code == 302
    shift.refresh_from_db()
    assert shift.handed_over_at is not None and shift.log.endswith("无其他事项")
    response = client.post(url, {f"log-{shift.pk}-text": "改"})
    assert response.status_code == 400 and "已交班" in html(response)


# --- 我的今天 ---------------------------------------------------------------------------------------------------------


def test_today_lists_items_from_several_duties(office):
    from meetings.models import ChecklistTask
    from meetings.services import meeting_create
    from tests.factories import TermFactory

    item = overdue_item(office)
    term = TermFactory(number=16)
    start = timezone.make_aware(datetime.datetime.combine(today() + datetime.timedelta(days=10), datetime.time(9)))
    meeting = meeting_create(actor=office.staff, kind="standing", term=term, start=start, end=start + datetime.timedelta(hours=3),
                             convener=PersonFactory(name="王主任"), venue="区政务中心")
    ChecklistTask.objects.create(meeting=meeting, phase="before", title="核对桌签", owner_role=Role.STAFF, due_date=today())

    liaison = office.client_for(office.liaison_a).get(reverse("conduct:today"))
    assert liaison.status_code == 200
    groups = dict(liaison.context["groups"])
    assert [row["state"] for row in groups["督办"]] == ["overdue"]
    assert item.get_absolute_url() in html(liaison) and "已逾期" in html(liaison)

    staff = office.client_for(office.staff).get(reverse("conduct:today"))
    groups = dict(staff.context["groups"])
    assert "办会" in groups and "督办" in groups
    assert any(row["item"].title.startswith("核对桌签") and row["state"] == "today" for row in groups["办会"])
    assert "我今天的任务完成了吗？" in html(staff)

    DutyShift.objects.create(date=today(), person=office.duty.person)
    duty = dict(office.client_for(office.duty).get(reverse("conduct:today")).context["groups"])
    assert "作风" in duty


def test_today_with_nothing_to_do(office):
    response = office.client_for(office.driver).get(reverse("conduct:today"))
    assert response.status_code == 200 and "今天没有等我办理的事项" in html(response)


# --- constant query counts ----------------------------------------------------------------------------------------


def make_entries(office, n, start=0):
    units = [office.office_unit, office.unit_a, office.unit_b]
    people = [office.staff.person, office.liaison_a.person, office.duty.person]
    for index in range(start, start + n):
        entry = register(office, people=people[: 1 + index % 3], unit=units[index % 3], what=f"差错{index}", lesson=f"教训{index}",
                         date=today() - datetime.timedelta(days=index * 9))
        if index % 2:
            services.entry_step(entry=entry, actor=office.director, action="verify")
        Proposal.objects.create(key=f"test:{index}", category=Category.AFFAIRS, sub_kind=SubKind.DELAY, summary=f"线索{index}",
                                occurred_on=today(), unit=None if index % 2 else office.unit_a)
        Leave.objects.create(person=people[index % 3], leave_type="personal", start=today() + datetime.timedelta(days=index),
                             end=today() + datetime.timedelta(days=index), reason="事", approver=office.director, registered_by=office.duty,
                             state=Leave.State.APPROVED if index % 2 else Leave.State.REQUESTED)
        DutyShift.objects.get_or_create(date=today().replace(day=1) + datetime.timedelta(days=index % 28), kind=DutyShift.Kind.DAY,
                                        defaults={"person": people[index % 3]})


PAGES = [
    ("staff", "conduct:index", {}),
    ("director", "conduct:proposals", {}),
    ("leader", "conduct:stats", {}),
    ("driver", "conduct:lessons", {}),
    ("duty", "conduct:leave", {}),
    ("director", "conduct:leave", {}),
    ("duty", "conduct:duty", {}),
    ("director", "conduct:duty", {}),
    ("staff", "conduct:today", {}),
    ("director", "conduct:today", {}),
]


@pytest.mark.parametrize("who,name,kwargs", PAGES)
def test_pages_query_count_is_constant(office, who, name, kwargs):
    client = office.client_for(getattr(office, who))
    url = reverse(name, kwargs=kwargs)
    DutyShift.objects.create(date=today() + datetime.timedelta(days=40), kind=DutyShift.Kind.FULL, person=office.staff.person)
    make_entries(office, 3)
    small = count_queries(client, url)
    make_entries(office, 25, start=3)
    assert count_queries(client, url) == small


@pytest.mark.parametrize("who", ["director", "liaison_a"])
def test_entry_and_person_pages_query_count_is_constant(office, who):
    entry = register(office, people=[office.liaison_a.person, office.staff.person], unit=office.unit_a)
    client = office.client_for(getattr(office, who))
    entry_url = entry.get_absolute_url()
    person_url = reverse("conduct:person", args=[office.liaison_a.person.pk])
    services.entry_account(entry=entry, actor=office.liaison_a, text="说明")
    small = (count_queries(client, entry_url), count_queries(client, person_url))
    for index in range(10):
        services.entry_account(entry=entry, actor=office.liaison_a, text=f"说明{index}")
        register(office, people=[office.liaison_a.person], unit=office.unit_a, what=f"其他{index}")
    assert (count_queries(client, entry_url), count_queries(client, person_url)) == small
