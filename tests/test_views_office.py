"""The office's own pages: people, history, inbox, home."""

import re

import pytest
from auditlog.context import set_actor
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from office import calendar
from office.models import CalendarDay, Message, Person
from tests.factories import MembershipFactory, PersonFactory


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


def html(response) -> str:
    return response.content.decode()


def names_on_page(response) -> set[str]:
    return {person.name for person in response.context["page"]}


# --- person_list ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "director", "leader", "liaison_a", "duty"])
def test_person_list_visible_to_roles_with_view_person(office, who):
    response = office.client_for(getattr(office, who)).get(reverse("office:person_list"))
    assert response.status_code == 200
    assert "孙主任" in html(response)


def test_person_list_forbidden_for_driver(office):
    response = office.client_for(office.driver).get(reverse("office:person_list"))
    assert response.status_code == 403
    assert "无权访问" in html(response)


def test_person_list_search_by_name(office):
    PersonFactory(name="欧阳明远", unit=office.unit_a)
    PersonFactory(name="欧阳静", unit=office.unit_b, is_active=False)
    client = office.client_for(office.staff)
    response = client.get(reverse("office:person_list"), {"q": "欧阳"})
    assert names_on_page(response) == {"欧阳明远"}
    assert "孙主任" not in html(response)
    # Former members only when asked for.
    response = client.get(reverse("office:person_list"), {"q": "欧阳", "include_inactive": "on"})
    assert names_on_page(response) == {"欧阳明远", "欧阳静"}
    # Search by post and filter by unit.
    response = client.get(reverse("office:person_list"), {"q": "联络员"})
    assert names_on_page(response) == {"郑联络员", "何联络员"}
    response = client.get(reverse("office:person_list"), {"unit": office.unit_b.pk})
    assert names_on_page(response) == {"何联络员"}


def test_person_list_filter_by_body(office):
    member = MembershipFactory(person=PersonFactory(name="常委甲", unit=office.unit_a)).person
    MembershipFactory(person=member, body="council", title="副主任")  # two memberships, one row
    response = office.client_for(office.staff).get(reverse("office:person_list"), {"body": "standing"})
    assert [person.name for person in response.context["page"]] == ["常委甲"]


def test_person_list_pagination(office):
    office_people = Person.objects.count()
    PersonFactory.create_batch(70, unit=office.unit_a)
    total = office_people + 70
    assert 60 < total <= 90  # three pages of 30
    client = office.client_for(office.staff)
    response = client.get(reverse("office:person_list"), {"page": 3})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.number == 3 and page.paginator.num_pages == 3
    assert len(page.object_list) == total - 60
    assert f"第 3 / 3 页，共 {total} 条" in html(response)
    # Beyond the end: the last real page.
    assert client.get(reverse("office:person_list"), {"page": 99}).context["page"].number == 3


def test_person_list_query_count_does_not_grow_with_people(office):
    client = office.client_for(office.staff)
    url = reverse("office:person_list")

    def queries_for_list():
        client.get(url)  # warm up (session, permissions)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), response

    # Each person gets a unit of their own, so a missing select_related would show.
    office_people = Person.objects.count()
    PersonFactory.create_batch(5)
    few, response = queries_for_list()
    assert len(response.context["page"].object_list) == office_people + 5
    PersonFactory.create_batch(55)
    many, response = queries_for_list()
    assert len(response.context["page"].object_list) == 30
    assert few == many


# --- person_detail and its audit history -----------------------------------------


def history_section(response) -> str:
    match = re.search(r'<section class="history">(.*?)</section>', html(response), re.S)
    assert match, "no history section"
    return match.group(1)


def test_person_detail_shows_who_changed_what(office):
    person = PersonFactory(name="周委员", unit=office.unit_a, post="委员")
    with set_actor(office.director):
        person.post = "副主任委员"
        person.save()
    response = office.client_for(office.staff).get(reverse("office:person_detail", args=[person.pk]))
    assert response.status_code == 200
    history = history_section(response)
    assert "孙主任" in history  # the director's person name, not the username
    assert "director" not in history
    assert "修改" in history
    assert "职务：<del>委员</del> → <ins>副主任委员</ins>" in history
    assert "系统" in history  # the creation, made without an actor


def test_person_detail_forbidden_for_driver(office):
    person = Person.objects.get(name="孙主任")
    response = office.client_for(office.driver).get(reverse("office:person_detail", args=[person.pk]))
    assert response.status_code == 403


# --- inbox -----------------------------------------------------------------------


@pytest.fixture
def mail(office):
    def message(user, key, subject, read=False, link=""):
        return Message.objects.create(
            recipient=user, event_key=key, subject=subject, link=link, read_at=timezone.now() if read else None
        )

    return {
        "staff_1": message(office.staff, "t:1", "督办事项甲即将到期"),
        "staff_2": message(office.staff, "t:2", "会议通知乙", link="/people/"),
        "staff_read": message(office.staff, "t:3", "已读旧消息丙", read=True),
        "director_1": message(office.director, "t:1", "主任专属消息丁"),
    }


def test_inbox_shows_only_own_messages(office, mail):
    client = office.client_for(office.staff)
    page = html(client.get(reverse("office:inbox")))
    assert "督办事项甲即将到期" in page and "会议通知乙" in page
    assert "已读旧消息丙" not in page  # unread only by default
    assert "主任专属消息丁" not in page
    page = html(client.get(reverse("office:inbox"), {"show": "all"}))
    assert "已读旧消息丙" in page
    assert "主任专属消息丁" not in page


def test_opening_someone_elses_message_is_404(office, mail):
    client = office.client_for(office.staff)
    response = client.get(reverse("office:message_open", args=[mail["director_1"].pk]))
    assert response.status_code == 404
    mail["director_1"].refresh_from_db()
    assert mail["director_1"].read_at is None


def test_opening_own_message_marks_it_read(office, mail):
    client = office.client_for(office.staff)
    response = client.get(reverse("office:message_open", args=[mail["staff_1"].pk]))
    assert response.status_code == 200
    assert "督办事项甲即将到期" in html(response)
    response = client.get(reverse("office:message_open", args=[mail["staff_2"].pk]))
    assert response.status_code == 302 and response["Location"] == "/people/"
    assert Message.objects.filter(recipient=office.staff, read_at__isnull=True).count() == 0


def test_message_link_to_another_site_is_not_followed(office):
    message = Message.objects.create(recipient=office.staff, event_key="t:x", subject="外链", link="//evil.example/x")
    response = office.client_for(office.staff).get(reverse("office:message_open", args=[message.pk]))
    assert not (response.status_code == 302 and response["Location"].startswith("//"))


def test_mark_all_read_marks_only_own_messages(office, mail):
    client = office.client_for(office.staff)
    assert client.get(reverse("office:inbox_mark_all_read")).status_code == 405
    response = client.post(reverse("office:inbox_mark_all_read"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("office:inbox")
    assert "已将 2 条消息标为已读" in html(response)
    assert not Message.objects.filter(recipient=office.staff, read_at__isnull=True).exists()
    mail["director_1"].refresh_from_db()
    assert mail["director_1"].read_at is None


def test_unread_count_badge(office, mail):
    page = html(office.client_for(office.staff).get(reverse("office:inbox")))
    assert re.search(r'data-testid="unread-count">2<', page)
    page = html(office.client_for(office.director).get(reverse("office:profile")))
    assert re.search(r'data-testid="unread-count">1<', page)
    page = html(office.client_for(office.leader).get(reverse("office:home")))
    assert 'data-testid="unread-count"' not in page  # nothing unread, no badge


# --- home ------------------------------------------------------------------------


def calendar_warning(response):
    match = re.search(r'<div[^>]*data-testid="calendar-warning"[^>]*>(.*?)</div>', html(response), re.S)
    return match.group(1) if match else None


def test_home_calendar_warning_until_years_are_entered(office):
    today = timezone.localdate()
    uncovered = calendar.coming_years_uncovered(today)
    client = office.client_for(office.staff)
    warning = calendar_warning(client.get(reverse("office:home")))
    assert (warning is not None) == bool(uncovered)
    for year in uncovered:
        assert f"{year}年" in warning
    if today.year == 2026:  # this machine: 2027 is not in chinese_calendar 1.11
        assert uncovered == [2027]

    for year in uncovered:
        CalendarDay.objects.create(date=today.replace(year=year, month=1, day=1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    assert calendar.coming_years_uncovered(today) == []
    response = client.get(reverse("office:home"))
    assert response.status_code == 200
    assert calendar_warning(response) is None
    assert 'data-testid="calendar-warning"' not in html(response)


def test_home_shows_own_unread_messages_only(office, mail):
    page = html(office.client_for(office.staff).get(reverse("office:home")))
    assert "督办事项甲即将到期" in page
    assert "主任专属消息丁" not in page
    assert "杨科员" in page and "工作人员" in page


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("director", ["工作台", "待我审批", "主任看板", "领导日程", "办会", "办文", "督办", "办事", "作风", "人员"]),
        ("leader", ["工作台", "待我审批", "主任看板", "领导日程", "办会", "办文", "督办", "办事", "作风", "人员"]),
        ("liaison_a", ["工作台", "办会", "办文", "督办", "办事", "作风", "人员"]),
        ("driver", ["工作台", "办会", "办事", "作风"]),
        ("canteen", ["工作台", "办会", "办事", "作风", "人员"]),
    ],
)
def test_navigation_shows_only_what_the_role_may_open(office, who, expected):
    response = office.client_for(getattr(office, who)).get(reverse("office:home"))
    labels = [item["label"] for item in response.context["nav_items"]]
    assert labels == expected
