"""督办 pages: the register, registering, the item page and its actions, exports, statistics."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from office import calendar
from office.concurrency import version_token
from supervision import services
from supervision.forms import ProgressForm
from supervision.models import Extension, ProgressReport, State, SupervisionItem


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def html(response) -> str:
    return response.content.decode()


def today():
    return timezone.localdate()


def register(office, title="整改财政预算执行审计查出的问题", *, unit=None, co_units=(), source="other", urgency="normal", **extra):
    return services.item_register(
        actor=office.staff, title=title, requirements="按审议意见逐项整改，报送整改情况。", source=source,
        urgency=urgency, lead_unit=unit or office.unit_a, supervisor=office.staff, leader=office.leader,
        co_units=co_units, **extra,
    )


def assigned(office, title="整改财政预算执行审计查出的问题", *, assigned_on=None, **kwargs):
    item = register(office, title, **kwargs)
    return services.item_assign(item=item, actor=office.staff, assigned_on=assigned_on)


def reported(office, title="办理区人大代表建议", **kwargs):
    item = assigned(office, title, **kwargs)
    return services.item_report_completion(item=item, actor=office.liaison_a, report="已按要求办结。")


def workdays_after(day, n) -> datetime.date:
    """A deadline the services accept: deadlines fall on working days."""
    return calendar.add_working_days(day, n)


def fresh(item) -> SupervisionItem:
    return SupervisionItem.objects.get(pk=item.pk)


def action_url(item, action):
    return reverse("supervision:action", args=[item.pk, action])


def titles_on_page(response) -> set[str]:
    return {item.title for item in response.context["page"]}


# --- who sees the register -----------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "director", "leader"])
def test_register_lists_every_item_for_office_and_leaders(office, who):
    a = assigned(office, "甲单位事项")
    b = register(office, "乙单位事项", unit=office.unit_b)
    response = office.client_for(getattr(office, who)).get(reverse("supervision:index"))
    assert response.status_code == 200
    page = html(response)
    assert a.number in page and b.number in page
    assert titles_on_page(response) == {"甲单位事项", "乙单位事项"}


def test_liaison_sees_only_items_of_their_unit(office):
    register(office, "甲主办", unit=office.unit_a)
    register(office, "乙主办甲协办", unit=office.unit_b, co_units=[office.unit_a])
    register(office, "乙单独办理", unit=office.unit_b)
    response = office.client_for(office.liaison_a).get(reverse("supervision:index"))
    assert response.status_code == 200
    assert titles_on_page(response) == {"甲主办", "乙主办甲协办"}
    assert "乙单独办理" not in html(response)
    assert "登记督办事项" not in html(response)


@pytest.mark.parametrize("who", ["driver", "canteen", "duty"])
def test_register_and_exports_forbidden_without_a_register_role(office, who):
    register(office)
    client = office.client_for(getattr(office, who))
    for name in ("supervision:index", "supervision:export_csv", "supervision:export_xlsx", "supervision:stats", "supervision:create"):
        assert client.get(reverse(name)).status_code == 403, name


def test_register_button_only_for_office(office):
    assert "登记督办事项" in html(office.client_for(office.staff).get(reverse("supervision:index")))
    assert "登记督办事项" in html(office.client_for(office.director).get(reverse("supervision:index")))
    assert "登记督办事项" not in html(office.client_for(office.leader).get(reverse("supervision:index")))
    for who in (office.leader, office.liaison_a):
        assert office.client_for(who).get(reverse("supervision:create")).status_code == 403


def test_other_units_liaison_gets_404_on_the_item_and_every_action(office):
    item = assigned(office, "甲单位事项")
    report = services.item_report_progress(
        item=item, actor=office.liaison_a, text="已召开专题会", attachment=SimpleUploadedFile("进展.txt", b"progress")
    )
    extension = services.extension_request(item=item, actor=office.liaison_a, new_deadline=workdays_after(item.deadline, 5), reason="需协调")
    client = office.client_for(office.liaison_b)
    gets = [
        reverse("supervision:detail", args=[item.pk]),
        reverse("supervision:edit", args=[item.pk]),
        reverse("supervision:notice_pdf", args=[item.pk]),
        reverse("supervision:report_attachment", args=[report.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        action_url(item, "assign"), action_url(item, "report"), action_url(item, "close"), action_url(item, "return"),
        reverse("supervision:progress", args=[item.pk]),
        reverse("supervision:extension_request", args=[item.pk]),
        reverse("supervision:extension_decide", args=[item.pk, extension.pk]),
    ]
    for url in posts:
        assert client.post(url, {"report-confirm": "on", "report-comment": "x"}).status_code == 404, url
    assert fresh(item).state == State.IN_PROGRESS
    assert ProgressReport.objects.count() == 1
    # The item's own unit sees it.
    assert office.client_for(office.liaison_a).get(reverse("supervision:detail", args=[item.pk])).status_code == 200


def test_stats_forbidden_for_liaisons(office):
    client = office.client_for(office.liaison_a)
    assert client.get(reverse("supervision:stats")).status_code == 403
    assert client.get(reverse("supervision:bulletin_pdf"), {"month": "2026-01"}).status_code == 403


# --- registering and editing ---------------------------------------------------------


def item_post_data(office, **overrides):
    data = {
        "title": "督促落实区十六届人大常委会第二十次会议审议意见",
        "requirements": "请于期限内报送落实情况。",
        "source": "meeting",
        "source_detail": "区十六届人大常委会第二十次会议审议意见",
        "urgency": "urgent",
        "lead_unit": office.unit_a.pk,
        "co_units": [office.unit_b.pk],
        "responsible": "",
        "supervisor": office.staff.pk,
        "leader": office.leader.pk,
        "deadline_override": "",
        "deadline_override_reason": "",
    }
    data.update(overrides)
    return data


def test_create_form_shows_3715_days_and_defaults_supervisor(office):
    response = office.client_for(office.staff).get(reverse("supervision:create"))
    assert response.status_code == 200
    page = html(response)
    assert "紧急（3个工作日）" in page and "一般（7个工作日）" in page and "复杂（15个工作日）" in page
    assert response.context["form"]["supervisor"].value() == office.staff.pk
    # Only office people as supervisors, only leaders as leaders.
    form = response.context["form"]
    assert set(form.fields["supervisor"].queryset) == {office.staff, office.director}
    assert set(form.fields["leader"].queryset) == {office.leader}


def test_create_registers_and_redirects_to_the_item(office):
    response = office.client_for(office.staff).post(reverse("supervision:create"), item_post_data(office), follow=True)
    item = SupervisionItem.objects.get()
    assert response.redirect_chain[-1][0].startswith(item.get_absolute_url())
    assert item.state == State.REGISTERED
    assert item.title == "督促落实区十六届人大常委会第二十次会议审议意见"
    assert item.registered_by == office.staff
    assert list(item.co_units.all()) == [office.unit_b]
    assert f"已登记督办事项 {item.number}" in html(response)


def test_create_without_title_shows_error_and_creates_nothing(office):
    response = office.client_for(office.staff).post(reverse("supervision:create"), item_post_data(office, title=""))
    assert response.status_code == 200
    assert "这个字段是必填项" in html(response)
    assert not SupervisionItem.objects.exists()


def test_create_override_without_reason_shows_service_message(office):
    data = item_post_data(office, deadline_override=workdays_after(today(), 20).isoformat())
    response = office.client_for(office.director).post(reverse("supervision:create"), data)
    assert response.status_code == 200
    assert "指定期限时须填写理由" in html(response)
    assert not SupervisionItem.objects.exists()


def test_edit_registered_item(office):
    item = register(office, "原标题")
    client = office.client_for(office.staff)
    assert client.get(reverse("supervision:edit", args=[item.pk])).status_code == 200
    response = client.post(reverse("supervision:edit", args=[item.pk]),
                           {**item_post_data(office, title="新标题", co_units=[]), "record_version": version_token(fresh(item))})
    assert response.status_code == 302
    item = fresh(item)
    assert item.title == "新标题" and item.urgency == "urgent"
    assert not item.co_units.exists()


def test_edit_after_assignment_is_refused_with_the_services_message(office):
    item = assigned(office, "原标题")
    client = office.client_for(office.staff)
    response = client.get(reverse("supervision:edit", args=[item.pk]), follow=True)
    assert "不能再修改" in html(response)
    response = client.post(reverse("supervision:edit", args=[item.pk]),
                           {**item_post_data(office, title="新标题"), "record_version": version_token(fresh(item))})
    assert response.status_code == 200
    assert "事项已交办，不能再修改" in html(response)
    assert fresh(item).title == "原标题"
    # Not office: 403.
    assert office.client_for(office.leader).get(reverse("supervision:edit", args=[item.pk])).status_code == 403


# --- the item page and its actions ---------------------------------------------------------


def test_detail_shows_facts_and_only_the_allowed_actions(office):
    item = register(office, "待交办事项", co_units=[office.unit_b])
    staff_page = office.client_for(office.staff).get(reverse("supervision:detail", args=[item.pk]))
    assert staff_page.status_code == 200
    assert item.number in html(staff_page)
    assert [t.action for t, _ in staff_page.context["actions"]] == ["assign"]
    assert 'id="act-assign"' in html(staff_page)
    liaison_page = office.client_for(office.liaison_a).get(reverse("supervision:detail", args=[item.pk]))
    assert liaison_page.context["actions"] == []
    assert 'id="act-assign"' not in html(liaison_page)
    assert "<script" not in html(staff_page)  # no inline JavaScript (CSP)


def test_assign_through_the_page(office):
    item = register(office, urgency="urgent")
    client = office.client_for(office.staff)
    # Without the confirmation tick nothing happens.
    response = client.post(action_url(item, "assign"), {})
    assert response.status_code == 200
    assert "请勾选“确认交办”后再提交" in html(response)
    assert fresh(item).state == State.REGISTERED
    response = client.post(action_url(item, "assign"), {"assign-confirm": "on"}, follow=True)
    item = fresh(item)
    assert item.state == State.ASSIGNED
    assert item.assigned_on == today()
    assert item.deadline == services.deadline_by_rule(today(), "urgent")
    assert f"{item.number}：已交办" in html(response)
    assert "交办通知单" in html(response)


def test_assign_refused_for_liaison_shows_message(office):
    item = register(office)
    response = office.client_for(office.liaison_a).post(action_url(item, "assign"), {"assign-confirm": "on"})
    assert response.status_code == 200
    assert "您没有权限交办" in html(response)
    assert fresh(item).state == State.REGISTERED


def test_unknown_action_is_404(office):
    item = register(office)
    assert office.client_for(office.staff).post(action_url(item, "explode"), {}).status_code == 404


def test_progress_report_with_attachment(office):
    item = assigned(office)
    client = office.client_for(office.liaison_a)
    upload = SimpleUploadedFile("整改进展.pdf", b"%PDF-1.4 progress", content_type="application/pdf")
    response = client.post(reverse("supervision:progress", args=[item.pk]), {"progress-text": "已完成第一阶段整改", "progress-attachment": upload}, follow=True)
    assert "进展情况已报送" in html(response)
    report = ProgressReport.objects.get()
    assert report.unit == office.unit_a and report.author == office.liaison_a
    assert fresh(item).state == State.IN_PROGRESS  # the first report starts the item
    download = reverse("supervision:report_attachment", args=[report.pk])
    assert download in html(response)
    got = office.client_for(office.staff).get(download)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == b"%PDF-1.4 progress"
    assert "attachment" in got["Content-Disposition"]


def test_progress_report_refuses_bad_attachment_and_empty_text(office, monkeypatch):
    item = assigned(office)
    client = office.client_for(office.liaison_a)
    url = reverse("supervision:progress", args=[item.pk])
    response = client.post(url, {"progress-text": "进展", "progress-attachment": SimpleUploadedFile("a.exe", b"MZ")})
    assert "只能上传" in html(response)
    monkeypatch.setattr(ProgressForm, "MAX_BYTES", 10)
    response = client.post(url, {"progress-text": "进展", "progress-attachment": SimpleUploadedFile("a.pdf", b"x" * 11)})
    assert "“a.pdf”太大了，每个文件不能超过 10 字节" in html(response)
    response = client.post(url, {"progress-text": "   "})
    assert response.status_code == 200
    assert not ProgressReport.objects.exists()
    assert fresh(item).state == State.ASSIGNED


def test_report_completion_needs_the_report(office):
    item = assigned(office)
    client = office.client_for(office.liaison_a)
    response = client.post(action_url(item, "report"), {"report-confirm": "on", "report-comment": ""})
    assert response.status_code == 200
    assert "请填写办结报告" in html(response)
    assert fresh(item).state == State.ASSIGNED
    client.post(action_url(item, "report"), {"report-confirm": "on", "report-comment": "整改全部完成，详见附件。"})
    item = fresh(item)
    assert item.state == State.REPORTED
    assert item.completion_report == "整改全部完成，详见附件。"
    page = html(office.client_for(office.leader).get(reverse("supervision:detail", args=[item.pk])))
    assert "整改全部完成，详见附件。" in page


def test_close_a_deputys_suggestion_needs_satisfaction(office):
    item = reported(office, source="suggestion")
    client = office.client_for(office.director)
    response = client.post(action_url(item, "close"), {"close-confirm": "on", "close-satisfaction": ""})
    assert response.status_code == 200
    assert "代表建议销号前须登记代表满意度" in html(response)
    assert fresh(item).state == State.REPORTED
    response = client.post(action_url(item, "close"), {"close-confirm": "on", "close-satisfaction": "basic"}, follow=True)
    item = fresh(item)
    assert item.state == State.CLOSED and item.satisfaction == "basic" and item.closed_on == today()
    assert "已销号" in html(response)


def test_close_other_source_without_satisfaction_and_liaison_refused(office):
    item = reported(office, source="other")
    response = office.client_for(office.liaison_a).post(action_url(item, "close"), {"close-confirm": "on"})
    assert "您没有权限销号" in html(response)
    assert fresh(item).state == State.REPORTED
    office.client_for(office.leader).post(action_url(item, "close"), {"close-confirm": "on"})
    assert fresh(item).state == State.CLOSED


def test_return_needs_a_reason(office):
    item = reported(office)
    client = office.client_for(office.leader)
    response = client.post(action_url(item, "return"), {"return-confirm": "on", "return-comment": ""})
    assert "请填写退回理由" in html(response)
    assert fresh(item).state == State.REPORTED
    client.post(action_url(item, "return"), {"return-confirm": "on", "return-comment": "整改材料不完整"})
    item = fresh(item)
    assert item.state == State.IN_PROGRESS and item.reported_on is None
    page = html(office.client_for(office.liaison_a).get(reverse("supervision:detail", args=[item.pk])))
    assert "整改材料不完整" in page  # in the timeline


def test_extension_request_and_decisions(office):
    item = assigned(office)
    old = item.deadline
    liaison = office.client_for(office.liaison_a)
    url = reverse("supervision:extension_request", args=[item.pk])
    # Not later than the current deadline: the service's message, nothing stored.
    response = liaison.post(url, {"extension-new_deadline": old.isoformat(), "extension-reason": "需协调"})
    assert "申请的期限须晚于现期限" in html(response)
    assert not Extension.objects.exists()
    new = workdays_after(old, 10)
    response = liaison.post(url, {"extension-new_deadline": new.isoformat(), "extension-reason": "涉及多个部门，需协调"}, follow=True)
    assert "延期申请已提交" in html(response)
    extension = Extension.objects.get()
    assert extension.decision == Extension.Decision.PENDING
    # The unit cannot decide; the leader in charge sees the form.
    decide = reverse("supervision:extension_decide", args=[item.pk, extension.pk])
    response = liaison.post(decide, {"decide-decision": "approve"})
    assert "只有办公室主任或分管领导可以审批延期" in html(response)
    leader = office.client_for(office.leader)
    assert leader.get(reverse("supervision:detail", args=[item.pk])).context["decide_form"] is not None
    response = leader.post(decide, {"decide-decision": "refuse", "decide-comment": ""})
    assert "不批准时请填写意见" in html(response)
    assert Extension.objects.get().decision == Extension.Decision.PENDING
    response = leader.post(decide, {"decide-decision": "approve", "decide-comment": "同意"}, follow=True)
    assert "已批准延期" in html(response)
    item = fresh(item)
    assert item.deadline == new and item.original_deadline == old
    page = html(response)
    assert "已批准" in page and f"{new.year}年{new.month}月{new.day}日" in page
    # A second request, refused with a reason.
    liaison.post(url, {"extension-new_deadline": workdays_after(new, 5).isoformat(), "extension-reason": "再次延期"})
    second = Extension.objects.get(decision=Extension.Decision.PENDING)
    leader.post(reverse("supervision:extension_decide", args=[item.pk, second.pk]), {"decide-decision": "refuse", "decide-comment": "请抓紧办理"})
    assert Extension.objects.get(pk=second.pk).decision == Extension.Decision.REFUSED
    assert fresh(item).deadline == new


def test_assignment_notice_pdf(office):
    item = register(office)
    client = office.client_for(office.liaison_a)
    response = client.get(reverse("supervision:notice_pdf", args=[item.pk]), follow=True)
    assert "尚未交办" in html(response)
    services.item_assign(item=item, actor=office.staff)
    response = client.get(reverse("supervision:notice_pdf", args=[item.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# --- filters, lights and exports ---------------------------------------------------------


@pytest.fixture
def lights(office):
    """One item per light and one not yet assigned."""
    long_ago = today() - datetime.timedelta(days=60)
    red = assigned(office, "逾期事项", urgency="urgent", assigned_on=long_ago)
    yellow = assigned(office, "临期事项", deadline_override=workdays_after(today(), 0), deadline_override_reason="会前须完成")
    green = assigned(office, "正常事项", unit=office.unit_b, co_units=[office.unit_a],
                     deadline_override=workdays_after(today(), 40), deadline_override_reason="工作量大")
    waiting = register(office, "待交办事项", unit=office.unit_b)
    return {"red": red, "yellow": yellow, "green": green, "waiting": waiting}


def test_light_counts_and_badges(office, lights):
    response = office.client_for(office.staff).get(reverse("supervision:index"))
    page = html(response)
    assert response.context["light_counts"] == [("red", "红灯", 1), ("yellow", "黄灯", 1), ("green", "绿灯", 1)]
    assert 'href="?light=red"' in page
    assert "light-red" in page and "红灯" in page
    # Red first, then yellow, then by deadline.
    assert [item.title for item in response.context["page"]][:2] == ["逾期事项", "临期事项"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"light": "red"}, {"逾期事项"}),
        ({"light": "yellow"}, {"临期事项"}),
        ({"light": "green"}, {"正常事项"}),
        ({"state": "registered"}, {"待交办事项"}),
        ({"unit": "unit_b"}, {"正常事项", "待交办事项"}),
        ({"unit": "unit_a"}, {"逾期事项", "临期事项", "正常事项"}),  # co-unit counts
        ({"q": "临期"}, {"临期事项"}),
        ({"urgency": "urgent"}, {"逾期事项"}),
    ],
)
def test_register_filters(office, lights, params, expected):
    params = {key: getattr(office, value).pk if key == "unit" else value for key, value in params.items()}
    response = office.client_for(office.staff).get(reverse("supervision:index"), params)
    assert titles_on_page(response) == expected


def test_search_by_number(office, lights):
    item = lights["yellow"]
    client = office.client_for(office.staff)
    for q in (item.number, f"{item.year}-{item.serial}", f"{item.year}〔{item.serial}"):
        assert titles_on_page(client.get(reverse("supervision:index"), {"q": q})) == {"临期事项"}, q


def test_bad_filter_is_reported_and_ignored(office, lights):
    response = office.client_for(office.staff).get(reverse("supervision:index"), {"assigned_from": "不是日期", "state": "registered"})
    assert response.status_code == 200
    assert "此条件未使用" in html(response)
    assert titles_on_page(response) == {"待交办事项"}


def test_assigned_period_filter(office, lights):
    client = office.client_for(office.staff)
    response = client.get(reverse("supervision:index"), {"assigned_to": (today() - datetime.timedelta(days=1)).isoformat()})
    assert titles_on_page(response) == {"逾期事项"}
    response = client.get(reverse("supervision:index"), {"assigned_from": today().isoformat()})
    assert titles_on_page(response) == {"临期事项", "正常事项"}


def test_csv_export_follows_the_filters(office, lights):
    response = office.client_for(office.staff).get(reverse("supervision:export_csv"), {"unit": office.unit_b.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert rows[0][:4] == ["督办编号", "预警", "状态", "事项"]
    by_title = {row[3]: row for row in rows[1:]}
    assert set(by_title) == {"正常事项", "待交办事项"}
    green = by_title["正常事项"]
    assert green[0] == lights["green"].number and green[1] == "绿灯" and green[2] == "已交办"
    assert green[7] == office.unit_b.name and green[8] == office.unit_a.name
    assert green[11] == "李副主任"
    assert green[14] == lights["green"].deadline.isoformat()


def test_csv_export_for_a_liaison_has_only_their_units_items(office, lights):
    response = office.client_for(office.liaison_b).get(reverse("supervision:export_csv"))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    titles = {row[3] for row in list(csv.reader(io.StringIO(content)))[1:]}
    assert titles == {"正常事项", "待交办事项"}


def test_csv_export_neutralises_formulas(office):
    register(office, "=HYPERLINK(\"http://evil\")")
    response = office.client_for(office.staff).get(reverse("supervision:export_csv"))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(content)))[1][3].startswith("'=")


def test_xlsx_export(office, lights):
    response = office.client_for(office.staff).get(reverse("supervision:export_xlsx"), {"light": "red"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "督办编号"
    assert len(rows) == 2
    assert rows[1][0] == lights["red"].number and rows[1][1] == "红灯" and rows[1][3] == "逾期事项"
    assert rows[1][14].date() == lights["red"].deadline


# --- statistics ----------------------------------------------------------------------------


def test_stats_numbers(office):
    long_ago = today() - datetime.timedelta(days=60)
    # unit A: one closed on time (satisfied), one closed late, one overdue and open.
    on_time = reported(office, "按期", source="suggestion")
    services.item_close(item=on_time, actor=office.director, satisfaction="satisfied")
    late = reported(office, "逾期办结", source="suggestion", urgency="urgent", assigned_on=long_ago)
    services.item_close(item=late, actor=office.director, satisfaction="unsatisfied")
    assigned(office, "逾期未结", urgency="urgent", assigned_on=long_ago)
    # unit B: one assigned, one still registered (not counted).
    assigned(office, "乙在办", unit=office.unit_b)
    register(office, "乙未交办", unit=office.unit_b)
    period = {"start": (today() - datetime.timedelta(days=365)).isoformat(), "end": today().isoformat()}
    response = office.client_for(office.leader).get(reverse("supervision:stats"), period)
    assert response.status_code == 200
    stats = {row.unit: row for row in response.context["stats"]}
    a, b = stats[office.unit_a], stats[office.unit_b]
    assert (a.assigned, a.answered, a.closed, a.closed_on_time, a.overdue_now) == (3, 2, 2, 1, 1)
    assert (a.on_time_rate, a.satisfaction_rate) == (50.0, 50.0)
    assert (b.assigned, b.answered, b.closed, b.on_time_rate) == (1, 0, 0, None)
    total = response.context["total"]
    assert (total.assigned, total.closed, total.overdue_now) == (4, 2, 1)
    page = html(response)
    assert "合计" in page and "50.0%" in page
    assert "<svg" in page and "按期办结率" in page


def test_stats_default_period_is_this_year(office):
    response = office.client_for(office.staff).get(reverse("supervision:stats"))
    assert response.status_code == 200
    assert response.context["start"] == today().replace(month=1, day=1)
    assert response.context["end"] == today()


def test_monthly_bulletin_pdf(office):
    reported(office, "本月事项")
    client = office.client_for(office.director)
    response = client.get(reverse("supervision:bulletin_pdf"), {"month": f"{today():%Y-%m}"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    response = client.get(reverse("supervision:bulletin_pdf"), {"month": "2026-13"}, follow=True)
    assert "月份格式应为" in html(response)


# --- constant query counts ---------------------------------------------------------------------


def count_queries(client, url, params=None) -> int:
    calendar.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def make_items(office, n, start=0):
    for index in range(start, start + n):
        unit = office.unit_a if index % 2 else office.unit_b
        item = assigned(office, f"事项{index}", unit=unit, co_units=[office.unit_a, office.unit_b], source="suggestion")
        if index % 3 == 0:
            services.item_report_completion(item=item, actor=office.staff, report="已办结")


@pytest.mark.parametrize("who", ["staff", "liaison_a"])
def test_register_query_count_is_constant(office, who):
    client = office.client_for(getattr(office, who))
    url = reverse("supervision:index")
    make_items(office, 3)
    small = count_queries(client, url)
    make_items(office, 27, start=3)
    assert count_queries(client, url) == small


def test_export_query_count_is_constant(office):
    client = office.client_for(office.staff)

    def run():
        calendar.clear_cache()
        with CaptureQueriesContext(connection) as queries:
            b"".join(client.get(reverse("supervision:export_csv")).streaming_content)
        return len(queries)

    make_items(office, 3)
    small = run()
    make_items(office, 27, start=3)
    assert run() == small


def test_stats_query_count_is_constant(office):
    client = office.client_for(office.director)
    url = reverse("supervision:stats")
    make_items(office, 3)
    small = count_queries(client, url)
    make_items(office, 27, start=3)
    assert count_queries(client, url) == small


@pytest.mark.parametrize("who", ["staff", "leader", "liaison_a"])
def test_detail_query_count_is_constant(office, who):
    item = assigned(office, "反馈很多的事项", co_units=[office.unit_b])
    client = office.client_for(getattr(office, who))
    url = reverse("supervision:detail", args=[item.pk])

    def feedback(n):
        for index in range(n):
            services.item_report_progress(
                item=item, actor=office.liaison_a if index % 2 else office.liaison_b, text=f"进展{index}",
                attachment=SimpleUploadedFile(f"进展{index}.txt", b"x") if index % 3 == 0 else None,
            )
            extension = services.extension_request(item=item, actor=office.staff, new_deadline=workdays_after(fresh(item).deadline, 1), reason="需要时间")
            services.extension_decide(extension=extension, actor=office.director, approve=bool(index % 2), comment="意见")

    feedback(3)
    small = count_queries(client, url)
    feedback(27)
    assert count_queries(client, url) == small


def test_register_order_open_items_first_then_waiting_then_closed(office, lights):
    done = reported(office, "已办结事项")
    services.item_close(item=done, actor=office.director)
    waiting_review = reported(office, "待销号事项")
    response = office.client_for(office.staff).get(reverse("supervision:index"))
    assert [item.title for item in response.context["page"]] == [
        "逾期事项", "临期事项", "正常事项", "待销号事项", "待交办事项", "已办结事项",
    ]
    assert waiting_review.state == State.REPORTED
