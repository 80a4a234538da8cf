"""主任看板 (office/dashboard.py + each duty's dashboard.py): numbers match the data,
secret documents count only for the granted, every number links to a list that
opens, only the director and leaders may look, the query count does not grow with
the data, and the charts are server-built SVG."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conduct.models import (
    Category,
    DutyShift,
    EntryState,
    ErrorEntry,
    Leave,
    LeaveType,
    Proposal,
    SubKind,
)
from documents import services as documents
from logistics.models import MealBooking, Trip, TripState
from meetings.models import ChecklistTask, Kind, Meeting
from office.charts import bar_chart, line_chart
from office.dashboard import DashboardSection, sections_for
from supervision.models import State, SupervisionItem
from tests.factories import PersonFactory, TermFactory

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inbox_only(settings):
    settings.NOTIFICATION_CHANNELS = []


def today():
    return timezone.localdate()


def at(day, hour):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


_serial = iter(range(1, 100000))


def item(office, deadline, state=State.IN_PROGRESS, **extra):
    day = today()
    return SupervisionItem.objects.create(
        year=day.year, serial=next(_serial), title=extra.pop("title", "落实审议意见"), requirements="按期报送。", source="other",
        lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader, registered_by=office.staff,
        state=state, assigned_on=extra.pop("assigned_on", day - datetime.timedelta(days=20)), deadline=deadline, **extra,
    )


def proposed_doc(office, title="关于开展执法检查的函", secret=False):
    data = {"secrecy": "secret", "secrecy_term": "10年"} if secret else {}
    doc = documents.incoming_register(actor=office.staff, from_unit="市人大常委会办公室", title=title, doc_type="letter",
                                      received_on=today(), due_date=today() + datetime.timedelta(days=10), **data)
    documents.incoming_review(doc=doc, actor=office.staff, accept=True)
    documents.incoming_propose(doc=doc, actor=office.staff, proposal="拟请李副主任阅示。", leaders=[office.leader])
    return type(doc).objects.get(pk=doc.pk)


def make_data(office, copies=1, first=0):
    day = today()
    for n in range(first, first + copies):
        item(office, day - datetime.timedelta(days=3), title=f"逾期事项{n}")  # red
        item(office, day, title=f"临期事项{n}")  # yellow: due today
        item(office, day + datetime.timedelta(days=40), title=f"正常事项{n}")  # green
        item(office, day - datetime.timedelta(days=5), state=State.CLOSED, reported_on=day - datetime.timedelta(days=6),
             closed_on=day - datetime.timedelta(days=2), title=f"已销号{n}")
        proposed_doc(office, title=f"待批示公文{n}")
        Trip.objects.create(requester=office.liaison_a, unit=office.unit_a, purpose="调研", destination="清河街道", passengers=2,
                            distance_km=30, start=at(day, 9), end=at(day, 11), state=TripState.APPROVED)
        person = PersonFactory(name=f"请假人{n}", unit=office.office_unit)
        Leave.objects.create(person=person, leave_type=LeaveType.ANNUAL, start=day, end=day + datetime.timedelta(days=1),
                             reason="年休假", approver=office.director, state=Leave.State.APPROVED, registered_by=office.duty)
        Proposal.objects.create(key=f"dash:{n}", category=Category.AFFAIRS, sub_kind=SubKind.DELAY, summary="某事项超期", occurred_on=day)
        entry = ErrorEntry.objects.create(date=day, unit=office.office_unit, category=Category.AFFAIRS, sub_kind=SubKind.DELAY,
                                          what_happened="延误", state=EntryState.VERIFIED, registered_by=office.director)
        entry.people.add(office.staff.person)
        MealBooking.objects.create(date=day, meal="lunch", kind=MealBooking.Kind.GUEST, unit=office.office_unit, count=3, note=f"接待{n}", booked_by=office.staff)
        meeting = Meeting.objects.create(kind=Kind.COUNCIL, term=TermFactory() if not Meeting.objects.exists() else Meeting.objects.first().term,
                                         sequence=n + 1, start=at(day, 15), end=at(day, 17), venue="机关会议中心",
                                         convener=office.leader.person, created_by=office.staff)
        for order in range(3):
            ChecklistTask.objects.create(meeting=meeting, phase="before", order=order, title=f"准备{order}", owner_role="工作人员",
                                         due_date=day, done_at=timezone.now() if order == 0 else None)
    if not first:
        DutyShift.objects.create(date=day, kind=DutyShift.Kind.DAY, person=office.duty.person)


def number(response, label):
    for section in response.context["sections"]:
        for found in section.numbers:
            if found.label == label:
                return found
    raise AssertionError(f"no number {label}: {[n.label for s in response.context['sections'] for n in s.numbers]}")


def test_numbers_match_the_data(office):
    make_data(office)
    response = office.client_for(office.director).get(reverse("office:dashboard"))
    assert response.status_code == 200
    assert (number(response, "红灯").value, number(response, "黄灯").value, number(response, "绿灯").value) == (1, 1, 1)
    assert number(response, "红灯").tone == "red" and number(response, "红灯").url == "/supervision/?light=red"
    assert number(response, "收文待批办（等领导）").value == 1
    assert number(response, "今天用车").value == 1
    assert number(response, "今天请假").value == 1
    assert number(response, "差错线索待确认").value == 1
    assert number(response, "本月已核实差错").value == 1
    assert number(response, "本周会议").value == 1
    assert number(response, "今年交办").value == 4 and number(response, "已销号").value == 1
    content = response.content.decode()
    assert "逾期事项0" in content  # the red list
    assert "会务清单 1/3" in content
    assert "请假人0" in content and "黄值班" in content


def test_a_secret_document_counts_only_once_granted(office):
    proposed_doc(office)
    secret = proposed_doc(office, title="绝密线索", secret=True)
    client = office.client_for(office.director)
    assert number(client.get(reverse("office:dashboard")), "收文待批办（等领导）").value == 1
    # The leader it waits on was granted it when it was routed to them.
    assert number(office.client_for(office.leader).get(reverse("office:dashboard")), "收文待批办（等领导）").value == 2
    documents.grant(secret, [office.director], actor=office.staff)
    assert number(client.get(reverse("office:dashboard")), "收文待批办（等领导）").value == 2


def test_every_number_links_to_a_list_that_opens(office):
    make_data(office)
    for user in (office.director, office.leader):
        client = office.client_for(user)
        response = client.get(reverse("office:dashboard"))
        urls = {found.url for section in response.context["sections"] for found in section.numbers}
        urls |= {url for section in response.context["sections"] for _, url in section.rows if url}
        assert len(urls) > 10
        for url in sorted(urls):
            assert client.get(url).status_code == 200, url


def test_the_filtered_register_shows_what_the_number_counts(office):
    make_data(office)
    client = office.client_for(office.director)
    url = number(client.get(reverse("office:dashboard")), "红灯").url
    page = client.get(url).content.decode()
    assert "逾期事项0" in page and "正常事项0" not in page


@pytest.mark.parametrize("who", ["staff", "liaison_a", "driver", "canteen", "duty"])
def test_others_get_403(office, who):
    assert office.client_for(getattr(office, who)).get(reverse("office:dashboard")).status_code == 403


def test_anonymous_is_sent_to_login(office):
    response = office.client_for(None).get(reverse("office:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_leader_may_open_it_and_sees_it_in_the_navigation(office):
    response = office.client_for(office.leader).get(reverse("office:dashboard"))
    assert response.status_code == 200
    assert "主任看板" in [item["label"] for item in response.context["nav_items"]]


def _queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("office:dashboard")).status_code == 200
    return len(captured)


def test_query_count_is_small_and_does_not_grow_with_the_data(office):
    client = office.client_for(office.director)
    make_data(office, copies=1)
    small = _queries(client)
    make_data(office, copies=12, first=1)
    large = _queries(client)
    assert small == large, (small, large)
    assert large <= 40, large


def test_the_charts_are_inline_svg(office):
    make_data(office)
    content = office.client_for(office.director).get(reverse("office:dashboard")).content.decode()
    assert content.count("<svg") >= 3
    assert "近12周交办、销号与逾期" in content and "按期办结率" in content
    svgs = re.findall(r"<svg.*?</svg>", content, re.DOTALL)
    assert svgs and all("<script" not in svg and "<text" in svg for svg in svgs)
    assert all("http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "") for svg in svgs)


def test_chart_helpers_escape_labels_and_draw_text():
    svg = bar_chart([("<b>单位</b>", 50.0), ("无", None)], max_value=100, unit="%")
    assert "<b>" not in svg and "&lt;b&gt;单位&lt;/b&gt;" in svg and "50%" in svg and "暂无" in svg
    line = line_chart([("11/2", 1), ("11/9", 3)], [0, 2], names=("交办", "销号"))
    assert line.startswith("<svg") and "polyline" in line and "交办" in line and "11/9" in line
    assert bar_chart([]) == "" and line_chart([]) == ""


def test_the_calendar_warning_shows_when_a_coming_year_lacks_holidays(office, monkeypatch):
    from office import calendar

    monkeypatch.setattr(calendar, "coming_years_uncovered", lambda day: [day.year + 1])
    response = office.client_for(office.director).get(reverse("office:dashboard"))
    assert 'data-testid="calendar-warning"' in response.content.decode()


def test_a_new_section_registers_without_editing_office(office):
    from office import dashboard

    def extra(user, day):
        return DashboardSection("测试板块")

    dashboard.dashboard_section(99)(extra)
    try:
        assert sections_for(office.director, today())[-1].title == "测试板块"
    finally:
        dashboard._SECTIONS[:] = [pair for pair in dashboard._SECTIONS if pair[1] is not extra]
