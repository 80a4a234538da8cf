"""办文 pages: the registers, 签收登记 and 拟稿, each step of both routes through the views
(allowed and refused per role), secrecy, the archive, exports and query counts."""

import csv
import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from documents import services
from documents.models import (
    Amendment,
    Attachment,
    Circulation,
    Countersign,
    IncomingDocument,
    InState,
    Instruction,
    OutgoingDocument,
    OutState,
    SecretAccess,
)
from office import calendar
from office.concurrency import version_token
from office.roles import Role
from supervision.models import SupervisionItem
from tests import upload_samples
from tests.factories import PersonFactory, UnitFactory, UserFactory


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


def fresh(doc):
    return type(doc).objects.get(pk=doc.pk)


# --- documents at each step, made through the services ------------------------------------


def register(office, title="关于报送2026年预算执行情况的报告", **extra):
    data = {
        "from_unit": "区财政局", "from_number": "区财〔2026〕15号", "title": title, "doc_type": "report",
        "received_on": today(), "due_date": calendar.add_working_days(today(), 10), "body_text": "请审议预算执行情况。",
    }
    data.update(extra)
    return services.incoming_register(actor=office.staff, **data)


def secret(office, title="关于某项工作的机密通报", **extra):
    return register(office, title, secrecy="confidential", secrecy_term="10年", **extra)


def reviewed(office, title="关于报送2026年预算执行情况的报告", **extra):
    return services.incoming_review(doc=register(office, title, **extra), actor=office.staff, accept=True)


def proposed(office, title="关于报送2026年预算执行情况的报告", leaders=None, **extra):
    doc = reviewed(office, title, **extra)
    return services.incoming_propose(doc=doc, actor=office.staff, proposal="拟请李副主任阅示。", leaders=leaders or [office.leader])


def instructed(office, title="关于报送2026年预算执行情况的报告", **extra):
    doc = proposed(office, title, **extra)
    services.incoming_instruct(doc=doc, actor=office.leader, text="请财经工委牵头办理。")
    return fresh(doc)


def handling(office, title="关于报送2026年预算执行情况的报告", co_units=(), **extra):
    doc = instructed(office, title, **extra)
    return services.incoming_assign(doc=doc, actor=office.staff, lead_unit=office.unit_a, co_units=list(co_units))


def done(office, title="关于报送2026年预算执行情况的报告", **extra):
    doc = handling(office, title, **extra)
    return services.incoming_complete(doc=doc, actor=office.liaison_a, result="已办结并书面报送。")


def archived(office, title="关于报送2026年预算执行情况的报告", **extra):
    return services.incoming_archive(doc=done(office, title, **extra), actor=office.staff)


def draft(office, title="关于召开区十六届人大常委会第二十次会议的通知", actor=None, **extra):
    data = {
        "doc_type": "notice", "title": title, "main_to": "各工作委员会、研究室", "copy_to": "区委办公室",
        "body": "经主任会议研究，定于下周召开常委会会议。\n请各单位做好准备。", "issuer": "清河区人大常委会办公室",
        "signature": "清河区人大常委会办公室", "prefix": "清人常办发",
    }
    data.update(extra)
    return services.outgoing_draft(actor=actor or office.staff, **data)


def out_to(office, state, title="关于召开区十六届人大常委会第二十次会议的通知", **extra):
    """A 发文 taken along the route to `state`."""
    doc = draft(office, title, **extra)
    steps = [
        (OutState.CHECKED, lambda d: services.outgoing_check(doc=d, actor=office.staff)),
        (OutState.AWAITING_SIGNATURE, lambda d: services.outgoing_transition(doc=d, action="submit", actor=office.staff)),
        (OutState.SIGNED, lambda d: services.outgoing_transition(doc=d, action="sign", actor=office.leader)),
        (OutState.NUMBERED, lambda d: services.outgoing_transition(doc=d, action="number", actor=office.staff)),
        (OutState.SEALED, lambda d: services.outgoing_transition(doc=d, action="seal", actor=office.staff)),
    ]
    for target, step in steps:
        if doc.state == state:
            break
        doc = step(doc)
    assert doc.state == state
    return doc


def incoming_action(doc, action):
    return reverse("documents:incoming_action", args=[doc.pk, action])


def outgoing_action(doc, action):
    return reverse("documents:outgoing_action", args=[doc.pk, action])


def page_numbers(response) -> set[str]:
    return {doc.number for doc in response.context["page"]}


def page_titles(response) -> set[str]:
    return {doc.title for doc in response.context["page"]}


def another_leader(office, username="leader2", name="王副主任", rank=3):
    from office.models import Unit

    user = UserFactory(username=username, roles=[Role.LEADER])
    PersonFactory(name=name, unit=Unit.objects.get(name="常委会领导办公室"), post="常委会副主任", protocol_rank=rank, user=user)
    return user


def liaison_of_unit_c():
    unit_c = UnitFactory(name="教育科学文化卫生工作委员会", short_name="教科文卫工委")
    user = UserFactory(username="liaison_c", roles=[Role.LIAISON])
    PersonFactory(name="钱联络员", unit=unit_c, post="联络员", protocol_rank=302, user=user)
    return user


# --- who sees the registers -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["driver", "canteen", "duty"])
def test_registers_and_exports_forbidden_without_a_documents_role(office, who):
    register(office)
    client = office.client_for(getattr(office, who))
    names = [
        "documents:index", "documents:waiting", "documents:incoming_list", "documents:outgoing_list",
        "documents:incoming_export_csv", "documents:incoming_export_xlsx", "documents:outgoing_export_csv",
        "documents:outgoing_export_xlsx", "documents:incoming_create", "documents:outgoing_create",
    ]
    for name in names:
        assert client.get(reverse(name)).status_code == 403, name


def test_anonymous_goes_to_login(office):
    doc = register(office)
    for url in (reverse("documents:index"), reverse("documents:incoming_list"), doc.get_absolute_url()):
        response = office.client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["staff", "director", "leader"])
def test_incoming_register_lists_every_plain_document_for_office_and_leaders(office, who):
    a = register(office, "甲文")
    b = register(office, "乙文")
    response = office.client_for(getattr(office, who)).get(reverse("documents:incoming_list"))
    assert response.status_code == 200
    assert page_numbers(response) == {a.number, b.number}
    page = html(response)
    assert "区财〔2026〕15号" in page and "区财政局" in page and "报告" in page


def test_liaison_sees_only_documents_of_their_unit(office):
    handling(office, "甲主办")
    handling(office, "甲主办乙协办", co_units=[office.unit_b])
    other = instructed(office, "乙单独办理")
    services.incoming_assign(doc=other, actor=office.staff, lead_unit=office.unit_b)
    register(office, "未交办")
    response = office.client_for(office.liaison_b).get(reverse("documents:incoming_list"))
    assert page_titles(response) == {"甲主办乙协办", "乙单独办理"}
    assert "签收登记" not in html(response)
    response = office.client_for(office.liaison_a).get(reverse("documents:incoming_list"))
    assert page_titles(response) == {"甲主办", "甲主办乙协办"}


def test_register_row_marks_secrecy_urgency_and_overdue(office):
    late = reviewed(office, "逾期来文", received_on=today() - datetime.timedelta(days=40), due_date=today() - datetime.timedelta(days=5),
                    urgency="extra_urgent")
    response = office.client_for(office.staff).get(reverse("documents:incoming_list"))
    page = html(response)
    assert "特急" in page and 'class="overdue-row"' in page and "逾期" in page
    [row] = response.context["page"]
    assert row.pk == late.pk and row.is_overdue


def test_register_filters_and_search(office):
    a = register(office, "关于开展执法检查的函", doc_type="letter", from_number="区政办〔2026〕7号", body_text="优化营商环境条例")
    b = register(office, "关于年度预算的报告", urgency="urgent")
    late = reviewed(office, "逾期的请示", doc_type="request", received_on=today() - datetime.timedelta(days=30),
                    due_date=today() - datetime.timedelta(days=3))
    client = office.client_for(office.staff)
    url = reverse("documents:incoming_list")
    assert page_numbers(client.get(url, {"doc_type": "letter"})) == {a.number}
    assert page_numbers(client.get(url, {"urgency": "urgent"})) == {b.number}
    assert page_numbers(client.get(url, {"overdue": "on"})) == {late.number}
    assert page_numbers(client.get(url, {"state": InState.REVIEWED})) == {late.number}
    assert page_numbers(client.get(url, {"q": b.number})) == {b.number}  # 收〔2026〕2号
    assert page_numbers(client.get(url, {"q": "区政办〔2026〕7号"})) == {a.number}
    assert page_numbers(client.get(url, {"q": "营商环境"})) == {a.number}
    assert page_numbers(client.get(url, {"received_from": str(today() - datetime.timedelta(days=1))})) == {a.number, b.number}
    response = client.get(url, {"received_from": "不是日期"})
    assert response.status_code == 200 and "此条件未使用" in html(response)


def test_register_paginates(office):
    for index in range(33):
        register(office, f"来文{index}")
    response = office.client_for(office.staff).get(reverse("documents:incoming_list"), {"page": 2})
    assert len(response.context["page"]) == 3
    assert "第 2 / 2 页" in html(response)


# --- 签收登记 and corrections ----------------------------------------------------------------------


def incoming_post(**overrides):
    data = {
        "received_on": str(today()), "from_unit": "区人民政府办公室", "from_number": "区政办〔2026〕21号",
        "title": "关于提请审议区级预算调整方案的议案", "doc_type": "motion", "secrecy": "", "secrecy_term": "",
        "urgency": "urgent", "copies": "2", "pages": "6", "due_date": str(calendar.add_working_days(today(), 5)),
        "body_text": "提请区人大常委会审议预算调整方案。",
    }
    data.update(overrides)
    return data


def test_staff_registers_with_several_files(office):
    data = incoming_post(files=[SimpleUploadedFile("来文扫描件.pdf", b"%PDF-1.4 scan"), SimpleUploadedFile("附件.docx", upload_samples.DOCX)])
    response = office.client_for(office.staff).post(reverse("documents:incoming_create"), data, follow=True)
    doc = IncomingDocument.objects.get()
    assert response.redirect_chain[-1][0].startswith(doc.get_absolute_url())
    assert doc.state == InState.REGISTERED and doc.registered_by == office.staff and doc.urgency == "urgent"
    assert sorted(doc.files.values_list("title", flat=True)) == ["来文扫描件.pdf", "附件.docx"]
    page = html(response)
    assert f"已登记收文 {doc.number}" in page and "来文扫描件.pdf" in page and "签收登记" in page


def test_register_form_refuses_a_bad_file_and_a_secret_without_term(office):
    client = office.client_for(office.staff)
    response = client.post(reverse("documents:incoming_create"), incoming_post(files=[SimpleUploadedFile("病毒.exe", b"MZ")]))
    assert response.status_code == 200 and "格式不能上传" in html(response)
    response = client.post(reverse("documents:incoming_create"), incoming_post(secrecy="secret"))
    assert "涉密公文须填写保密期限" in html(response)
    assert not IncomingDocument.objects.exists() and not Attachment.objects.exists()


@pytest.mark.parametrize("who", ["leader", "liaison_a"])
def test_only_the_office_registers(office, who):
    client = office.client_for(getattr(office, who))
    assert client.get(reverse("documents:incoming_create")).status_code == 403
    assert client.post(reverse("documents:incoming_create"), incoming_post()).status_code == 403
    assert not IncomingDocument.objects.exists()


def test_staff_edits_and_uploads_while_not_archived(office):
    doc = handling(office)
    client = office.client_for(office.staff)
    response = client.post(reverse("documents:incoming_edit", args=[doc.pk]),
                           {**incoming_post(title="更正后的标题"), "record_version": version_token(fresh(doc))}, follow=True)
    assert fresh(doc).title == "更正后的标题" and "已保存" in html(response)
    response = client.post(reverse("documents:incoming_file_upload", args=[doc.pk]),
                           {"upload-files": [SimpleUploadedFile("补充材料.pdf", b"%PDF-1.4\n")]}, follow=True)
    assert "已上传 1 个文件" in html(response)
    assert doc.files.get().title == "补充材料.pdf"
    # Not the leader, not the liaison.
    for who in (office.leader, office.liaison_a):
        other = office.client_for(who)
        assert other.post(reverse("documents:incoming_edit", args=[doc.pk]), incoming_post(title="改")).status_code == 403
        response = other.post(reverse("documents:incoming_file_upload", args=[doc.pk]), {"upload-files": [SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")]})
        assert response.status_code == 403 and "您不能为这份公文上传文件" in html(response)
    assert fresh(doc).title == "更正后的标题" and doc.files.count() == 1


# --- the 收文 route through the page -------------------------------------------------------------------


def test_the_whole_incoming_route_through_the_views(office):
    doc = register(office)
    staff, leader, liaison = (office.client_for(u) for u in (office.staff, office.leader, office.liaison_a))

    response = staff.post(incoming_action(doc, "review"), {"review-confirm": "on", "review-comment": "手续齐全"}, follow=True)
    assert fresh(doc).state == InState.REVIEWED and f"{doc.number}：已初审通过" in html(response)

    response = staff.post(incoming_action(doc, "propose"), {"propose-comment": "拟请李副主任阅示。", "propose-leader_1": office.leader.pk})
    assert response.status_code == 302
    assert fresh(doc).state == InState.PROPOSED and fresh(doc).proposal == "拟请李副主任阅示。"

    page = html(leader.get(doc.get_absolute_url()))
    assert 'id="act-instruct"' in page
    leader.post(incoming_action(doc, "instruct"), {"instruct-comment": "同意，请财经工委办理。"})
    assert fresh(doc).state == InState.INSTRUCTED
    assert Instruction.objects.get(document=doc).text == "同意，请财经工委办理。"

    response = staff.post(incoming_action(doc, "assign"), {"assign-lead_unit": office.unit_a.pk, "assign-co_units": [office.unit_b.pk]}, follow=True)
    assert fresh(doc).state == InState.HANDLING and fresh(doc).lead_unit == office.unit_a
    assert "主办单位：财政经济工作委员会" in html(response)

    liaison.post(incoming_action(doc, "complete"), {"complete-comment": "已按批示办结。"})
    assert fresh(doc).state == InState.DONE and fresh(doc).result == "已按批示办结。"
    for who in (liaison, leader):
        response = who.post(incoming_action(doc, "archive"), {"archive-confirm": "on"})
        assert "您没有权限归档" in html(response) and fresh(doc).state == InState.DONE

    response = staff.post(incoming_action(doc, "archive"), {"archive-confirm": "on"}, follow=True)
    assert fresh(doc).state == InState.ARCHIVED
    timeline = response.context["timeline"]
    assert [entry.what for entry in timeline] == ["签收登记", "初审通过", "拟办", "批示", "交承办", "办结", "归档"]
    page = html(response)
    assert "同意，请财经工委办理。" in page and "郑联络员" in page and "只读" in page and "修改登记" not in page


def test_refusals_are_in_chinese_and_change_nothing(office):
    doc = register(office)
    leader, staff = office.client_for(office.leader), office.client_for(office.staff)
    response = leader.post(incoming_action(doc, "review"), {"review-confirm": "on"})
    assert response.status_code == 200 and "您没有权限初审通过" in html(response)
    response = staff.post(incoming_action(doc, "reject"), {"reject-comment": "  "})
    assert "请填写退文理由" in html(response)
    response = staff.post(incoming_action(doc, "archive"), {"archive-confirm": "on"})
    assert "当前状态为“已登记”，不能归档" in html(response)
    response = staff.post(incoming_action(doc, "review"), {})
    assert "请勾选“确认初审通过”后再提交" in html(response)
    assert fresh(doc).state == InState.REGISTERED
    assert staff.post(incoming_action(doc, "nonsense"), {}).status_code == 404


def test_reject_with_reason(office):
    doc = register(office)
    office.client_for(office.staff).post(incoming_action(doc, "reject"), {"reject-comment": "非本机关办理事项"})
    assert fresh(doc).state == InState.REJECTED


def test_propose_orders_leaders_and_only_the_one_in_turn_instructs(office):
    second = another_leader(office)
    doc = reviewed(office)
    staff = office.client_for(office.staff)
    page = html(staff.get(doc.get_absolute_url()))
    assert "第一批示领导" in page and "第二批示领导" in page and "第三批示领导" in page
    response = staff.post(incoming_action(doc, "propose"), {"propose-comment": "拟请两位领导阅示。", "propose-leader_1": second.pk, "propose-leader_2": second.pk})
    assert "同一位领导不能重复选择" in html(response) and fresh(doc).state == InState.REVIEWED
    staff.post(incoming_action(doc, "propose"), {"propose-comment": "拟请两位领导阅示。", "propose-leader_1": second.pk, "propose-leader_2": office.leader.pk})
    assert list(doc.instructions.values_list("leader_id", flat=True)) == [second.pk, office.leader.pk]

    # 李副主任 is second: not yet.
    leader = office.client_for(office.leader)
    assert 'id="act-instruct"' not in html(leader.get(doc.get_absolute_url()))
    response = leader.post(incoming_action(doc, "instruct"), {"instruct-comment": "抢先批示"})
    assert "您没有权限批示" in html(response)
    assert not doc.instructions.filter(signed_at__isnull=False).exists()
    # Staff may not write 批示 at all.
    assert "您没有权限批示" in html(staff.post(incoming_action(doc, "instruct"), {"instruct-comment": "代批"}))

    office.client_for(second).post(incoming_action(doc, "instruct"), {"instruct-comment": "请李副主任阅处。"})
    assert fresh(doc).state == InState.PROPOSED
    leader.post(incoming_action(doc, "instruct"), {"instruct-comment": "同意。"})
    assert fresh(doc).state == InState.INSTRUCTED
    response = staff.get(doc.get_absolute_url())
    assert [i.text for i in response.context["instructions"]] == ["请李副主任阅处。", "同意。"]


def test_assign_needs_a_lead_unit_and_the_office(office):
    doc = instructed(office)
    response = office.client_for(office.staff).post(incoming_action(doc, "assign"), {"assign-lead_unit": ""})
    assert "请指定主办单位" in html(response)
    response = office.client_for(office.leader).post(incoming_action(doc, "assign"), {"assign-lead_unit": office.unit_a.pk})
    assert "您没有权限交承办" in html(response)
    assert fresh(doc).state == InState.INSTRUCTED


def test_lead_units_liaison_completes_co_unit_cannot_and_others_get_404(office):
    doc = handling(office, co_units=[office.unit_b])
    response = office.client_for(office.liaison_b).post(incoming_action(doc, "complete"), {"complete-comment": "协办已完成"})
    assert response.status_code == 200 and "您没有权限办结" in html(response)
    assert fresh(doc).state == InState.HANDLING
    outsider = office.client_for(liaison_of_unit_c())
    for url in (doc.get_absolute_url(), reverse("documents:incoming_edit", args=[doc.pk])):
        assert outsider.get(url).status_code == 404, url
    for action in ("complete", "archive", "assign", "review"):
        assert outsider.post(incoming_action(doc, action), {"complete-comment": "x"}).status_code == 404
    for name in ("documents:circulation_add", "documents:circulation_read", "documents:incoming_file_upload", "documents:incoming_grant", "documents:incoming_amend"):
        assert outsider.post(reverse(name, args=[doc.pk]), {}).status_code == 404, name
    assert fresh(doc).state == InState.HANDLING
    office.client_for(office.liaison_a).post(incoming_action(doc, "complete"), {"complete-comment": "已办结"})
    assert fresh(doc).state == InState.DONE


def test_instruction_becomes_a_supervision_item(office):
    doc = instructed(office)
    instruction = doc.instructions.get()
    url = reverse("documents:instruction_supervise", args=[doc.pk, instruction.pk])
    response = office.client_for(office.leader).post(url, {f"supervise-{instruction.pk}-lead_unit": office.unit_a.pk, f"supervise-{instruction.pk}-urgency": "urgent"})
    assert "只有办公室工作人员可以登记督办事项" in html(response)
    assert not SupervisionItem.objects.exists()
    staff = office.client_for(office.staff)
    assert "转为督办事项" in html(staff.get(doc.get_absolute_url()))
    response = staff.post(url, {f"supervise-{instruction.pk}-lead_unit": office.unit_a.pk, f"supervise-{instruction.pk}-urgency": "urgent"}, follow=True)
    item = SupervisionItem.objects.get()
    assert item.lead_unit == office.unit_a and item.urgency == "urgent" and item.requirements == "请财经工委牵头办理。"
    page = html(response)
    assert f"已将批示转为督办事项 {item.number}" in page
    assert f'href="{item.get_absolute_url()}" data-testid="supervision-link">{item.number}</a>' in page
    response = staff.post(url, {f"supervise-{instruction.pk}-lead_unit": office.unit_a.pk, f"supervise-{instruction.pk}-urgency": "normal"})
    assert "该批示已转为督办事项" in html(response) and SupervisionItem.objects.count() == 1


def test_circulation_shows_who_read_and_who_not(office):
    doc = handling(office)
    staff = office.client_for(office.staff)
    response = staff.post(reverse("documents:circulation_add", args=[doc.pk]), {"circulate-readers": [office.director.pk, office.leader.pk]}, follow=True)
    assert "已送孙主任、李副主任传阅" in html(response)
    assert html(response).count("未阅") == 2
    # A reader sees the 阅毕 button; someone else may not mark it read.
    leader = office.client_for(office.leader)
    assert "阅毕" in html(leader.get(doc.get_absolute_url()))
    response = office.client_for(office.liaison_a).post(reverse("documents:circulation_read", args=[doc.pk]), {"read-comment": ""})
    assert "您不在该文的传阅名单中" in html(response)
    leader.post(reverse("documents:circulation_read", args=[doc.pk]), {"read-comment": "已阅，同意。"})
    entries = {c.reader_id: c for c in Circulation.objects.filter(document=doc)}
    assert entries[office.leader.pk].read_at and entries[office.leader.pk].comment == "已阅，同意。"
    assert entries[office.director.pk].read_at is None
    response = staff.get(doc.get_absolute_url())
    assert response.context["read_count"] == 1 and "已阅 1 / 2" in html(response)
    assert "阅毕" in [entry.what for entry in response.context["timeline"]]
    # Only the office circulates.
    response = leader.post(reverse("documents:circulation_add", args=[doc.pk]), {"circulate-readers": [office.staff.pk]})
    assert "只有办公室工作人员可以安排传阅" in html(response)


# --- the archive ------------------------------------------------------------------------------------


def test_archived_incoming_is_read_only_and_corrected_by_amendment(office):
    doc = archived(office)
    staff = office.client_for(office.staff)
    page = html(staff.get(doc.get_absolute_url()))
    assert "修改登记" not in page and 'id="act-' not in page and "登记更正" in page
    response = staff.get(reverse("documents:incoming_edit", args=[doc.pk]), follow=True)
    assert "已归档，不能再修改" in html(response)
    staff.post(reverse("documents:incoming_edit", args=[doc.pk]), incoming_post(title="偷改"))
    assert fresh(doc).title == "关于报送2026年预算执行情况的报告"
    response = staff.post(reverse("documents:incoming_file_upload", args=[doc.pk]), {"upload-files": [SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")]})
    assert not doc.files.exists()
    response = staff.post(reverse("documents:incoming_amend", args=[doc.pk]), {"amend-field": "from_number", "amend-new_value": "区财〔2026〕16号", "amend-reason": "登记时字号笔误"}, follow=True)
    assert "已记录更正" in html(response)
    amendment = Amendment.objects.get()
    assert (amendment.old_value, amendment.new_value, amendment.amended_by) == ("区财〔2026〕15号", "区财〔2026〕16号", office.staff)
    assert fresh(doc).from_number == "区财〔2026〕16号"
    assert "登记时字号笔误" in html(response) and "来文字号" in html(response)
    # A number field takes a number; the leader may not amend.
    response = staff.post(reverse("documents:incoming_amend", args=[doc.pk]), {"amend-field": "copies", "amend-new_value": "三份", "amend-reason": "x"})
    assert response.status_code == 200 and Amendment.objects.count() == 1
    response = office.client_for(office.leader).post(reverse("documents:incoming_amend", args=[doc.pk]), {"amend-field": "title", "amend-new_value": "新", "amend-reason": "x"})
    assert "只有办公室可以更正归档公文" in html(response) and Amendment.objects.count() == 1


def test_amendment_refused_before_archive(office):
    doc = handling(office)
    response = office.client_for(office.staff).post(reverse("documents:incoming_amend", args=[doc.pk]), {"amend-field": "title", "amend-new_value": "新", "amend-reason": "x"})
    assert "未归档的公文请直接修改" in html(response) and not Amendment.objects.exists()


# --- secrecy --------------------------------------------------------------------------------------


def test_secret_document_is_404_and_invisible_for_the_ungranted_even_the_director(office):
    doc = secret(office, body_text="机密内容")
    attachment = Attachment.objects.create(incoming=doc, title="机密件.pdf", file=ContentFile(b"%PDF", name="机密件.pdf"), uploaded_by=office.staff)
    plain = register(office, "普通来文")
    director = office.client_for(office.director)
    for url in (doc.get_absolute_url(), reverse("documents:incoming_file", args=[doc.pk, attachment.pk]), reverse("documents:incoming_edit", args=[doc.pk])):
        assert director.get(url).status_code == 404, url
    assert director.post(incoming_action(doc, "review"), {"review-confirm": "on"}).status_code == 404
    assert fresh(doc).state == InState.REGISTERED
    response = director.get(reverse("documents:incoming_list"))
    assert page_numbers(response) == {plain.number} and doc.title not in html(response)
    assert "共 1 件" in html(response)
    assert page_numbers(director.get(reverse("documents:incoming_list"), {"q": "机密"})) == set()
    assert page_numbers(director.get(reverse("documents:incoming_list"), {"q": doc.number})) == set()
    assert page_numbers(director.get(reverse("documents:incoming_list"), {"secrecy": "classified"})) == set()
    csv_text = b"".join(director.get(reverse("documents:incoming_export_csv")).streaming_content).decode("utf-8-sig")
    assert doc.title not in csv_text and plain.title in csv_text
    sheet = load_workbook(io.BytesIO(director.get(reverse("documents:incoming_export_xlsx")).content)).active
    assert doc.title not in [cell.value for row in sheet.iter_rows() for cell in row]
    assert not SecretAccess.objects.exists()


def test_the_granted_see_it_and_every_view_is_logged(office):
    doc = secret(office)
    attachment = Attachment.objects.create(incoming=doc, title="机密件.pdf", file=ContentFile(b"%PDF", name="m.pdf"), uploaded_by=office.staff)
    staff = office.client_for(office.staff)  # the registrar is granted
    response = staff.get(doc.get_absolute_url())
    assert response.status_code == 200 and "机密★10年" in html(response)
    assert staff.get(reverse("documents:incoming_file", args=[doc.pk, attachment.pk])).status_code == 200
    assert doc.number in {d.number for d in staff.get(reverse("documents:incoming_list")).context["page"]}
    b"".join(staff.get(reverse("documents:incoming_export_csv")).streaming_content)
    assert list(SecretAccess.objects.filter(incoming=doc).order_by("id").values_list("user__username", "action")) == [
        ("staff", "查看"), ("staff", "下载文件"), ("staff", "导出"),
    ]
    # The office grants the director, who then sees it; the director's views are logged.
    response = staff.post(reverse("documents:incoming_grant", args=[doc.pk]), {"grant-users": [office.director.pk]}, follow=True)
    assert "已授权孙主任查阅" in html(response)
    director = office.client_for(office.director)
    assert director.get(doc.get_absolute_url()).status_code == 200
    assert SecretAccess.objects.filter(incoming=doc, user=office.director, action="查看").count() == 1
    page = html(staff.get(doc.get_absolute_url()))
    assert "查阅登记" in page and "孙主任" in page and "授权查阅" in page


def test_only_the_office_grants_and_sees_the_access_log(office):
    doc = proposed(office, secrecy="secret", secrecy_term="5年")  # the leader is granted by 拟办
    leader = office.client_for(office.leader)
    page = html(leader.get(doc.get_absolute_url()))
    assert "查阅登记" not in page and 'id="grant"' not in page
    assert leader.post(reverse("documents:incoming_grant", args=[doc.pk]), {"grant-users": [office.director.pk]}).status_code == 403
    assert office.client_for(office.director).get(doc.get_absolute_url()).status_code == 404


def test_secret_documents_stay_out_of_waiting_for_the_ungranted(office):
    visible = register(office, "普通来文")
    hidden = secret(office, "机密来文")
    response = office.client_for(office.director).get(reverse("documents:waiting"))
    section = next(s for s in response.context["sections"] if s["key"] == "to_route")
    assert [doc.pk for doc in section["rows"]] == [visible.pk] and section["count"] == 1
    assert hidden.title not in html(response)
    response = office.client_for(office.staff).get(reverse("documents:waiting"))
    section = next(s for s in response.context["sections"] if s["key"] == "to_route")
    assert {doc.pk for doc in section["rows"]} == {visible.pk, hidden.pk}


# --- 办文 home and 待我处理 ------------------------------------------------------------------------------


def test_home_counts_what_waits_on_me(office):
    proposed(office, "请批示的文")
    out_to(office, OutState.AWAITING_SIGNATURE, "请签发的文")
    response = office.client_for(office.leader).get(reverse("documents:index"))
    sections = {key: count for key, label, count in response.context["sections"]}
    assert sections["to_instruct"] == 1 and sections["to_sign"] == 1
    assert "to_route" not in sections
    page = html(response)
    assert "待批示" in page and "待签发" in page and reverse("documents:incoming_list") in page and reverse("documents:outgoing_list") in page
    response = office.client_for(office.leader).get(reverse("documents:waiting"))
    page = html(response)
    assert "请批示的文" in page and "请签发的文" in page


def test_waiting_for_a_liaison(office):
    handling(office, "请承办的文")
    doc = out_to(office, OutState.CHECKED, "请会签的文")
    services.countersign_request(doc=doc, actor=office.staff, units=[office.unit_a])
    response = office.client_for(office.liaison_a).get(reverse("documents:waiting"))
    keys = {s["key"]: s for s in response.context["sections"]}
    assert [d.title for d in keys["to_handle"]["rows"]] == ["请承办的文"]
    assert [d.title for d in keys["to_countersign"]["rows"]] == ["请会签的文"]
    assert "to_instruct" not in keys and "to_sign" not in keys  # not a leader's
    sections = {key for key, label, count in office.client_for(office.liaison_a).get(reverse("documents:index")).context["sections"]}
    assert sections == {"to_read", "to_handle", "to_countersign"}


# --- 发文 -----------------------------------------------------------------------------------------------


def outgoing_post(**overrides):
    data = {
        "doc_type": "notice", "title": "关于开展代表建议办理情况专题调研的通知", "main_to": "各工作委员会",
        "copy_to": "区委办公室", "body": "为做好代表建议办理工作，决定开展专题调研。\n请各单位做好准备。",
        "attachment_note": "调研安排表", "issuer": "清河区人大常委会办公室", "signature": "清河区人大常委会办公室",
        "prefix": "清人常办发", "printing_unit": "", "secrecy": "", "secrecy_term": "", "urgency": "",
    }
    data.update(overrides)
    return data


def test_draft_form_defaults_and_drafting(office):
    client = office.client_for(office.liaison_a)
    response = client.get(reverse("documents:outgoing_create"))
    assert response.context["form"]["prefix"].value() == "清人常办发"
    response = client.post(reverse("documents:outgoing_create"), outgoing_post(), follow=True)
    doc = OutgoingDocument.objects.get()
    assert doc.drafter == office.liaison_a and doc.drafting_unit == office.unit_a and doc.state == OutState.DRAFT
    assert "未编号" in html(response) and "为做好代表建议办理工作" in html(response)
    response = client.post(reverse("documents:outgoing_create"), outgoing_post(title=""))
    assert response.status_code == 200 and OutgoingDocument.objects.count() == 1


def test_the_whole_outgoing_route_through_the_views(office, django_capture_on_commit_callbacks):
    doc = draft(office)
    staff, leader = office.client_for(office.staff), office.client_for(office.leader)
    staff.post(outgoing_action(doc, "check"), {"check-confirm": "on", "check-comment": "文字已核"})
    assert fresh(doc).state == OutState.CHECKED
    staff.post(outgoing_action(doc, "submit"), {"submit-confirm": "on"})
    assert fresh(doc).state == OutState.AWAITING_SIGNATURE
    # Only a leader signs.
    response = staff.post(outgoing_action(doc, "sign"), {"sign-confirm": "on"})
    assert "您没有权限签发" in html(response) and fresh(doc).state == OutState.AWAITING_SIGNATURE
    leader.post(outgoing_action(doc, "sign"), {"sign-confirm": "on", "sign-comment": "同意印发"})
    signed = fresh(doc)
    assert signed.state == OutState.SIGNED and signed.signer == office.leader
    # Only the office numbers.
    assert "您没有权限编号" in html(leader.post(outgoing_action(doc, "number"), {"number-confirm": "on"}))
    response = staff.post(outgoing_action(doc, "number"), {"number-confirm": "on"}, follow=True)
    numbered = fresh(doc)
    year = signed.signed_on.year
    assert numbered.number == f"清人常办发〔{year}〕1号"
    assert f"已编号，发文字号：清人常办发〔{year}〕1号" in html(response)
    second = out_to(office, OutState.SIGNED, "第二份")
    staff.post(outgoing_action(second, "number"), {"number-confirm": "on"})
    assert fresh(second).number == f"清人常办发〔{year}〕2号"

    staff.post(outgoing_action(doc, "seal"), {"seal-confirm": "on"})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff.post(outgoing_action(doc, "print"), {"print-confirm": "on"}, follow=True)
    assert fresh(doc).state == OutState.PRINTED and "版式文件正在生成" in html(response)
    assert callbacks  # the PDF task is queued at commit
    # 分发: nothing registered yet → refused; then register, deliver, finish.
    response = staff.post(outgoing_action(doc, "distribute"), {"distribute-confirm": "on"})
    assert "请先登记分发对象" in html(response) and not response.context["distribute_form"].is_bound
    response = staff.get(doc.get_absolute_url())
    assert "各工作委员会 1" in response.context["distribute_form"]["recipients"].value()
    staff.post(reverse("documents:distribution_add", args=[doc.pk]), {"distribution-recipients": "各工作委员会 3\n区委办公室"})
    rows = list(doc.distribution.order_by("id"))
    assert [(r.recipient, r.copies) for r in rows] == [("各工作委员会", 3), ("区委办公室", 1)]
    assert "还有未送达的分发对象" in html(staff.post(outgoing_action(doc, "distribute"), {"distribute-confirm": "on"}))
    response = staff.post(reverse("documents:distribution_deliver", args=[doc.pk, rows[0].pk]), {f"deliver-{rows[0].pk}-receiver_name": ""})
    assert "这个字段是必填项" in html(response)
    for row in rows:
        staff.post(reverse("documents:distribution_deliver", args=[doc.pk, row.pk]), {f"deliver-{row.pk}-receiver_name": "张收发"})
    staff.post(outgoing_action(doc, "distribute"), {"distribute-confirm": "on"})
    staff.post(outgoing_action(doc, "archive"), {"archive-confirm": "on"})
    final = fresh(doc)
    assert final.state == OutState.ARCHIVED
    response = staff.get(doc.get_absolute_url())
    page = html(response)
    assert "已送达 2 / 2" in page and "张收发" in page and "修改文稿" not in page
    assert [e.what for e in response.context["timeline"]] == ["拟稿", "核稿", "送签", "签发", "编号", "用印", "印制", "分发完毕", "归档"]


def test_edit_after_signing_goes_back_for_signature(office):
    doc = out_to(office, OutState.SIGNED)
    staff = office.client_for(office.staff)
    response = staff.get(reverse("documents:outgoing_edit", args=[doc.pk]))
    assert "签发后修改须重新签发" in html(response)
    assert "签发后修改文稿须重新签发" in html(staff.get(doc.get_absolute_url()))
    response = staff.post(reverse("documents:outgoing_edit", args=[doc.pk]),
                          {**outgoing_post(title="修改后的标题"), "record_version": version_token(fresh(doc))}, follow=True)
    changed = fresh(doc)
    assert changed.state == OutState.AWAITING_SIGNATURE and changed.signer is None and changed.title == "修改后的标题"
    assert "已退回“待签发”，须领导重新签发" in html(response)
    assert "签发后修改，退回重新签发" in [e.what for e in response.context["timeline"]]


def test_edit_refused_for_others_and_after_numbering(office):
    doc = out_to(office, OutState.CHECKED)
    assert office.client_for(office.leader).post(reverse("documents:outgoing_edit", args=[doc.pk]), outgoing_post(title="领导改")).status_code == 403
    numbered = out_to(office, OutState.NUMBERED, "已编号的文")
    response = office.client_for(office.staff).post(reverse("documents:outgoing_edit", args=[numbered.pk]), outgoing_post(title="改"), follow=True)
    assert "公文当前为“已编号”，不能再修改文稿" in html(response)
    assert fresh(numbered).title == "已编号的文" and fresh(doc).title != "领导改"


def test_countersign_by_the_units_liaison(office):
    doc = out_to(office, OutState.CHECKED)
    staff = office.client_for(office.staff)
    staff.post(reverse("documents:countersign_request", args=[doc.pk]), {"countersign-units": [office.unit_a.pk, office.unit_b.pk]})
    assert fresh(doc).state == OutState.COUNTERSIGNING
    assert "还有单位未会签：财经工委、法制工委" in html(staff.post(outgoing_action(doc, "submit"), {"submit-confirm": "on"}))
    cs_a, cs_b = (Countersign.objects.get(document=doc, unit=u) for u in (office.unit_a, office.unit_b))
    liaison_a = office.client_for(office.liaison_a)
    page = html(liaison_a.get(doc.get_absolute_url()))
    assert f'data-testid="countersign-form-{office.unit_a.pk}"' in page and f'data-testid="countersign-form-{office.unit_b.pk}"' not in page
    # Another unit's liaison may not sign for unit A.
    response = office.client_for(office.liaison_b).post(reverse("documents:countersign_decide", args=[doc.pk, cs_a.pk]), {f"cs-{cs_a.pk}-decision": "approve"})
    assert "只有财政经济工作委员会可以会签" in html(response)
    liaison_a.post(reverse("documents:countersign_decide", args=[doc.pk, cs_a.pk]), {f"cs-{cs_a.pk}-decision": "approve", f"cs-{cs_a.pk}-comment": "无意见"})
    assert fresh(cs_a).decision == Countersign.Decision.SIGNED
    liaison_b = office.client_for(office.liaison_b)
    response = liaison_b.post(reverse("documents:countersign_decide", args=[doc.pk, cs_b.pk]), {f"cs-{cs_b.pk}-decision": "return"})
    assert "退回修改须填写会签意见" in html(response)
    liaison_b.post(reverse("documents:countersign_decide", args=[doc.pk, cs_b.pk]), {f"cs-{cs_b.pk}-decision": "return", f"cs-{cs_b.pk}-comment": "第二段表述需调整"})
    assert fresh(doc).state == OutState.DRAFT
    page = html(staff.get(doc.get_absolute_url()))
    assert "第二段表述需调整" in page and "法制工委退回修改" in page
    # A liaison of a unit not asked does not see the document at all.
    outsider = office.client_for(liaison_of_unit_c())
    assert outsider.get(doc.get_absolute_url()).status_code == 404
    assert outsider.post(reverse("documents:countersign_decide", args=[doc.pk, cs_b.pk]), {}).status_code == 404


def test_print_pdf_inline_with_the_pages_permission(office):
    pytest.importorskip("documents.gbt9704")
    doc = out_to(office, OutState.NUMBERED)
    response = office.client_for(office.staff).get(reverse("documents:outgoing_print", args=[doc.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline") and response.content.startswith(b"%PDF")
    assert office.client_for(liaison_of_unit_c()).get(reverse("documents:outgoing_print", args=[doc.pk])).status_code == 404


def test_print_link_and_stored_pdf(office):
    doc = out_to(office, OutState.SEALED, secrecy="secret", secrecy_term="1年")
    staff = office.client_for(office.staff)
    page = html(staff.get(doc.get_absolute_url()))
    assert "打印（GB/T 9704版式）" in page and 'data-testid="stored-pdf"' not in page
    assert staff.get(reverse("documents:outgoing_stored_pdf", args=[doc.pk])).status_code == 404
    doc.pdf.save("doc.pdf", ContentFile(b"%PDF-1.7 stored"), save=True)
    assert 'data-testid="stored-pdf"' in html(staff.get(doc.get_absolute_url()))
    response = staff.get(reverse("documents:outgoing_stored_pdf", args=[doc.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf" and b"".join(response.streaming_content) == b"%PDF-1.7 stored"
    assert SecretAccess.objects.filter(outgoing=doc, action="查看版式文件").count() == 1
    director = office.client_for(office.director)
    for name in ("documents:outgoing_stored_pdf", "documents:outgoing_print", "documents:outgoing_detail"):
        assert director.get(reverse(name, args=[doc.pk])).status_code == 404, name


def test_secret_outgoing_register_and_export(office):
    hidden = draft(office, "机密发文", secrecy="secret", secrecy_term="1年")
    plain = draft(office, "普通发文")
    director = office.client_for(office.director)
    assert page_titles(director.get(reverse("documents:outgoing_list"))) == {"普通发文"}
    csv_text = b"".join(director.get(reverse("documents:outgoing_export_csv")).streaming_content).decode("utf-8-sig")
    assert "机密发文" not in csv_text and "普通发文" in csv_text
    staff = office.client_for(office.staff)
    assert page_titles(staff.get(reverse("documents:outgoing_list"))) == {"机密发文", "普通发文"}
    assert page_titles(staff.get(reverse("documents:outgoing_list"), {"q": "机密"})) == {"机密发文"}
    assert page_titles(director.get(reverse("documents:outgoing_list"), {"q": "机密"})) == set()
    assert hidden.pk and plain.pk


def test_outgoing_register_filters_and_number_search(office):
    numbered = out_to(office, OutState.NUMBERED, "已编号的通知")
    draft(office, "关于调研的函", doc_type="letter")
    client = office.client_for(office.staff)
    url = reverse("documents:outgoing_list")
    assert page_titles(client.get(url, {"q": numbered.number})) == {"已编号的通知"}
    assert page_titles(client.get(url, {"doc_type": "letter"})) == {"关于调研的函"}
    assert page_titles(client.get(url, {"state": OutState.NUMBERED})) == {"已编号的通知"}
    page = html(client.get(url))
    assert numbered.number in page and "未编号" in page and "办公室" in page


def test_archived_outgoing_amendment(office):
    doc = out_to(office, OutState.SEALED)
    services.outgoing_transition(doc=doc, action="print", actor=office.staff)
    services.distribution_add(doc=doc, actor=office.staff, recipients=[("区委办公室", 1)])
    services.distribution_deliver(distribution=doc.distribution.get(), actor=office.staff, receiver_name="张")
    services.outgoing_transition(doc=doc, action="distribute", actor=office.staff)
    services.outgoing_transition(doc=doc, action="archive", actor=office.staff)
    staff = office.client_for(office.staff)
    response = staff.get(reverse("documents:outgoing_edit", args=[doc.pk]), follow=True)
    assert "不能再修改文稿" in html(response)
    staff.post(reverse("documents:outgoing_amend", args=[doc.pk]), {"amend-field": "copy_to", "amend-new_value": "区委办公室，区政府办公室", "amend-reason": "漏抄送"})
    assert Amendment.objects.get(outgoing=doc).old_value == "区委办公室"


def test_export_csv_and_xlsx_of_the_filtered_register(office):
    register(office, "=HYPERLINK(\"x\")")
    register(office, "关于预算的报告", urgency="urgent")
    client = office.client_for(office.staff)
    response = client.get(reverse("documents:incoming_export_csv"), {"urgency": "urgent"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:5] == ["收文编号", "收文日期", "来文单位", "来文字号", "标题"]
    assert [row[4] for row in rows[1:]] == ["关于预算的报告"]
    rows = list(csv.reader(io.StringIO(b"".join(client.get(reverse("documents:incoming_export_csv")).streaming_content).decode("utf-8-sig"))))
    assert "'=HYPERLINK(\"x\")" in [row[4] for row in rows]
    sheet = load_workbook(io.BytesIO(client.get(reverse("documents:outgoing_export_xlsx")).content)).active
    assert sheet["A1"].value == "发文字号"


# --- query counts -----------------------------------------------------------------------------------------


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


def make_incoming(office, n, start=0):
    for index in range(start, start + n):
        doc = handling(office, f"来文{index}", co_units=[office.unit_b]) if index % 2 else register(office, f"来文{index}")
        if index % 5 == 0:
            secret(office, f"密件{index}")
        assert doc


def make_outgoing(office, n, start=0):
    for index in range(start, start + n):
        out_to(office, [OutState.DRAFT, OutState.AWAITING_SIGNATURE, OutState.NUMBERED][index % 3], f"发文{index}")


@pytest.mark.parametrize("who", ["staff", "liaison_a", "leader"])
def test_incoming_register_query_count_is_constant(office, who):
    client = office.client_for(getattr(office, who))
    url = reverse("documents:incoming_list")
    make_incoming(office, 5)
    count_queries(client, url)
    small = count_queries(client, url)
    make_incoming(office, 35, start=5)
    assert count_queries(client, url) == small
    assert count_queries(client, url, {"q": "来文", "overdue": ""}) == small


@pytest.mark.parametrize("who", ["staff", "liaison_a"])
def test_outgoing_register_and_exports_query_count_is_constant(office, who):
    client = office.client_for(getattr(office, who))
    make_outgoing(office, 5)
    make_incoming(office, 5)
    urls = [reverse(name) for name in ("documents:outgoing_list", "documents:outgoing_export_csv", "documents:incoming_export_csv", "documents:incoming_export_xlsx")]
    for url in urls:
        count_queries(client, url)
    small = [count_queries(client, url) for url in urls]
    make_outgoing(office, 35, start=5)
    make_incoming(office, 35, start=5)
    assert [count_queries(client, url) for url in urls] == small


@pytest.mark.parametrize("who", ["staff", "leader", "liaison_a"])
def test_home_and_waiting_query_count_is_constant(office, who):
    client = office.client_for(getattr(office, who))
    make_incoming(office, 5)
    make_outgoing(office, 5)
    urls = [reverse("documents:index"), reverse("documents:waiting")]
    for url in urls:
        count_queries(client, url)
    small = [count_queries(client, url) for url in urls]
    make_incoming(office, 35, start=5)
    make_outgoing(office, 35, start=5)
    assert [count_queries(client, url) for url in urls] == small


@pytest.mark.parametrize("who", ["staff", "leader", "liaison_a"])
def test_incoming_page_query_count_is_constant(office, who):
    doc = handling(office, "很多人传阅的文", co_units=[office.unit_b], secrecy="secret", secrecy_term="5年")
    client = office.client_for(getattr(office, who))
    url = doc.get_absolute_url()
    users = []

    def grow(n):
        for index in range(n):
            user = UserFactory(username=f"reader{len(users)}", roles=[Role.STAFF])
            PersonFactory(name=f"阅文人{len(users)}", unit=office.office_unit, user=user)
            users.append(user)
            services.circulation_add(doc=doc, actor=office.staff, readers=[user])
            if index % 2:
                services.circulation_read(doc=doc, actor=user, comment="阅")
            Attachment.objects.create(incoming=doc, title=f"文件{index}.pdf", file=ContentFile(b"x", name="f.pdf"), uploaded_by=user)
            SecretAccess.objects.create(incoming=doc, user=user)
        make_incoming(office, n)

    grow(5)
    count_queries(client, url)
    small = count_queries(client, url)
    grow(35)
    assert count_queries(client, url) == small


@pytest.mark.parametrize("who", ["staff", "leader", "liaison_b"])
def test_outgoing_page_query_count_is_constant(office, who):
    doc = out_to(office, OutState.CHECKED, "会签很多的文")
    units = []

    def grow(n):
        for index in range(n):
            units.append(UnitFactory(name=f"会签单位{len(units)}"))
        services.countersign_request(doc=doc, actor=office.staff, units=[office.unit_b, *units])
        for index in range(n):
            Attachment.objects.create(outgoing=doc, title=f"附件{index}.pdf", file=ContentFile(b"x", name="f.pdf"), uploaded_by=office.staff)
        make_outgoing(office, n, start=len(units))

    client = office.client_for(getattr(office, who))
    url = doc.get_absolute_url()
    grow(5)
    count_queries(client, url)
    small = count_queries(client, url)
    grow(35)
    assert count_queries(client, url) == small


def test_distribution_page_query_count_is_constant(office):
    doc = out_to(office, OutState.SEALED)
    client = office.client_for(office.staff)
    url = doc.get_absolute_url()
    services.distribution_add(doc=doc, actor=office.staff, recipients=[(f"单位{i}", 1) for i in range(5)])
    for row in doc.distribution.all()[:2]:
        services.distribution_deliver(distribution=row, actor=office.staff, receiver_name="张")
    count_queries(client, url)
    small = count_queries(client, url)
    services.distribution_add(doc=doc, actor=office.staff, recipients=[(f"单位{i}", 2) for i in range(5, 40)])
    for row in doc.distribution.filter(delivered_at__isnull=True)[:20]:
        services.distribution_deliver(distribution=row, actor=office.staff, receiver_name="李")
    assert count_queries(client, url) == small
