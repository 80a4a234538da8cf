"""Two people edit the same record: the second save is told the record changed, and
nothing is overwritten silently (office/concurrency.py).

Every edit form of an existing record is listed here by URL name; a URL named like
an edit page (…edit, or an admin change page) that is missing from the list fails,
so a new edit form cannot ship without the version token.
"""

import datetime
from dataclasses import dataclass

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from documents import services as documents_services
from logistics.models import Room
from meetings import services as meetings_services
from meetings.models import Kind
from office import calendar
from office.concurrency import VERSION_FIELD, VersionedAdminMixin, version_token
from office.models import Body
from supervision import services as supervision_services
from tests.factories import MembershipFactory, PersonFactory, TermFactory, UserFactory
from tests.htmlforms import post_forms
from tests.urlwalk import app_urls


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Edit:
    record: object
    url: str
    field: str  # the form field both people change
    attribute: str  # the record's attribute it saves to
    first: object  # the user who saves first
    second: object  # the user whose later save is refused
    first_name: str  # how the refusal names the first


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _meeting(office):
    term = TermFactory(number=16)
    convener = MembershipFactory(term=term, body=Body.STANDING_COMMITTEE, person=PersonFactory(name="周主任")).person
    return meetings_services.meeting_create(
        actor=office.staff, kind=Kind.STANDING, term=term, start=_at(14, 9), end=_at(14, 12), convener=convener,
        room=None, venue="区政务中心",
    )


def _meeting_edit(office):
    meeting = _meeting(office)
    return Edit(meeting, reverse("meetings:edit", args=[meeting.pk]), "subject", "subject",
                office.staff, office.director, "杨科员")


def _agenda_edit(office):
    meeting = _meeting(office)
    item = meetings_services.agenda_add(meeting=meeting, actor=office.staff, title="审议预算调整方案", reporter="区财政局局长", to_vote=True)
    return Edit(item, reverse("meetings:agenda_edit", args=[item.pk]), "agenda-title", "title",
                office.director, office.staff, "孙主任")


def _incoming_edit(office):
    today = timezone.localdate()
    doc = documents_services.incoming_register(
        actor=office.staff, from_unit="区财政局", from_number="区财〔2026〕15号", title="关于报送预算执行情况的报告",
        doc_type="report", received_on=today, due_date=calendar.add_working_days(today, 10), body_text="请审议。",
    )
    return Edit(doc, reverse("documents:incoming_edit", args=[doc.pk]), "title", "title",
                office.staff, office.director, "杨科员")


def _outgoing_edit(office):
    doc = documents_services.outgoing_draft(
        actor=office.staff, doc_type="notice", title="关于召开常委会会议的通知", main_to="各工作委员会", copy_to="",
        body="定于下周召开常委会会议。", issuer="清河区人大常委会办公室", signature="清河区人大常委会办公室", prefix="清人常办发",
    )
    return Edit(doc, reverse("documents:outgoing_edit", args=[doc.pk]), "title", "title",
                office.director, office.staff, "孙主任")


def _supervision_edit(office):
    item = supervision_services.item_register(
        actor=office.staff, title="整改审计查出的问题", requirements="逐项整改，报送整改情况。", source="other",
        urgency="normal", lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader, co_units=[],
    )
    return Edit(item, reverse("supervision:edit", args=[item.pk]), "title", "title",
                office.staff, office.director, "杨科员")


def _admins():
    return (UserFactory(username="admin1", is_staff=True, is_superuser=True),
            UserFactory(username="admin2", is_staff=True, is_superuser=True))


def _person_change(office):
    person = PersonFactory(name="张委员", unit=office.unit_a)
    first, second = _admins()
    return Edit(person, reverse("admin:office_person_change", args=[person.pk]), "post", "post", first, second, "admin1")


def _unit_change(office):
    first, second = _admins()
    return Edit(office.unit_b, reverse("admin:office_unit_change", args=[office.unit_b.pk]), "short_name", "short_name",
                first, second, "admin1")


def _room_change(office):
    room = Room.objects.create(name="常委会议室", location="机关大楼四楼", capacity=80)
    first, second = _admins()
    return Edit(room, reverse("admin:logistics_room_change", args=[room.pk]), "location", "location", first, second, "admin1")


EDITS = {
    "meetings:edit": _meeting_edit,
    "meetings:agenda_edit": _agenda_edit,
    "documents:incoming_edit": _incoming_edit,
    "documents:outgoing_edit": _outgoing_edit,
    "supervision:edit": _supervision_edit,
    "admin:office_person_change": _person_change,
    "admin:office_unit_change": _unit_change,
    "admin:logistics_room_change": _room_change,
}


def _edit_form(response):
    """The form on the page that carries the version token."""
    assert response.status_code == 200, response.status_code
    forms = [form for form in post_forms(response.content.decode(), response.request["PATH_INFO"])
             if any(name.endswith(VERSION_FIELD) for name in form.fields)]
    assert len(forms) == 1, "the edit form has no version token"
    return forms[0]


def _changes(record) -> int:
    return LogEntry.objects.get_for_object(record).filter(action=LogEntry.Action.UPDATE).count()


def test_every_edit_page_of_our_apps_is_listed():
    edit_pages = {name for name, _ in app_urls() if name.split(":")[1].endswith("edit")}
    assert edit_pages <= set(EDITS), f"edit pages without a concurrency test: {sorted(edit_pages - set(EDITS))}"


def test_every_changeable_admin_of_our_apps_carries_the_token():
    ours = {"office", "meetings", "documents", "supervision", "logistics", "conduct"}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ours:
            continue
        if model_admin.has_change_permission.__func__ is not admin.ModelAdmin.has_change_permission:
            continue  # read-only evidence (the audit log)
        if {field.name for field in model._meta.fields if field.editable} <= set(model_admin.readonly_fields):
            continue  # shown, never edited (messages, deliveries)
        assert isinstance(model_admin, VersionedAdminMixin), f"{model.__name__} admin edits without the version token"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EDITS))
def test_the_edit_form_carries_the_records_version(office, name):
    edit = EDITS[name](office)
    form = _edit_form(office.client_for(edit.first).get(edit.url))
    token = next(field.value for key, field in form.fields.items() if key.endswith(VERSION_FIELD))
    assert token == version_token(type(edit.record).objects.get(pk=edit.record.pk))


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EDITS))
def test_the_second_save_is_refused_and_the_first_kept(office, name):
    edit = EDITS[name](office)
    first, second = office.client_for(edit.first), office.client_for(edit.second)
    first_form = _edit_form(first.get(edit.url))
    second_form = _edit_form(second.get(edit.url))  # both open the page before either saves
    changes_before = _changes(edit.record)

    response = first.post(edit.url, {**first_form.data(), edit.field: "甲修改的内容"})
    assert response.status_code == 302, response.content.decode()[:3000]
    changes_after_first = _changes(edit.record)
    assert changes_after_first > changes_before  # (an item's co-units are logged as a second entry)

    response = second.post(edit.url, {**second_form.data(), edit.field: "乙修改的内容"})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"该记录已被他人修改（{edit.first_name}，" in page
    assert "请刷新后重新填写；你的修改未保存。" in page
    assert "乙修改的内容" in page  # what the second person typed is still in the form
    saved = type(edit.record).objects.get(pk=edit.record.pk)
    assert getattr(saved, edit.attribute) == "甲修改的内容"
    assert _changes(edit.record) == changes_after_first  # the refused save left no trace


@pytest.mark.django_db
def test_a_save_without_the_token_is_refused(office):
    edit = _supervision_edit(office)
    client = office.client_for(edit.first)
    data = {key: value for key, value in _edit_form(client.get(edit.url)).data().items() if not key.endswith(VERSION_FIELD)}
    response = client.post(edit.url, {**data, "title": "没有版本信息的修改"})
    assert response.status_code == 200
    assert "页面缺少版本信息" in response.content.decode()
    assert type(edit.record).objects.get(pk=edit.record.pk).title == "整改审计查出的问题"


@pytest.mark.django_db
def test_a_change_by_a_task_also_counts(office):
    """Not only pages: any saved change (here a direct update) makes an open form stale."""
    edit = _incoming_edit(office)
    client = office.client_for(edit.first)
    form = _edit_form(client.get(edit.url))
    type(edit.record).objects.filter(pk=edit.record.pk).update(from_number="区财〔2026〕16号")
    response = client.post(edit.url, {**form.data(), "title": "我的修改"})
    assert response.status_code == 200
    assert "该记录已被他人修改" in response.content.decode()
    assert type(edit.record).objects.get(pk=edit.record.pk).title == "关于报送预算执行情况的报告"

