"""The two big registers page with cheap queries (issue 9) and still show exactly what the
plain queryset shows: the 督办台账 split into not-yet-销号 and 已销号 parts, the 收文 and
发文 registers counted as non-secret plus granted secret."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from documents import services as doc_services
from documents.forms import IncomingFilterForm, OutgoingFilterForm
from documents.models import IncomingDocument
from documents.selectors import incoming_list, incoming_list_count, outgoing_list, outgoing_list_count
from office import calendar
from office.pagination import Concatenated, _Paginator, _totally_ordered, paginate
from supervision import services
from supervision.forms import ItemFilterForm
from supervision.models import State, SupervisionItem
from supervision.selectors import item_list, item_register, item_register_count


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


def today():
    return timezone.localdate()


def register(office, title, *, unit=None, urgency="normal", **extra):
    return services.item_register(
        actor=office.staff, title=title, requirements="按要求办理并报送情况。", source="other", urgency=urgency,
        lead_unit=unit or office.unit_a, supervisor=office.staff, leader=office.leader, **extra,
    )


def assigned(office, title, **kwargs):
    return services.item_assign(item=register(office, title, **kwargs), actor=office.staff)


def reported(office, title, **kwargs):
    item = assigned(office, title, **kwargs)
    liaison = office.liaison_b if item.lead_unit == office.unit_b else office.liaison_a
    return services.item_report_completion(item=item, actor=liaison, report="已办结。")


def closed(office, title, **kwargs):
    return services.item_close(item=reported(office, title, **kwargs), actor=office.director, comment="审核通过")


def later(days):
    return {"deadline_override": calendar.add_working_days(today(), days), "deadline_override_reason": "工作量大"}


@pytest.fixture
def register_of_every_state(office):
    """Open items of each light, one 已报结, one 已挂号 and several 已销号, across two units."""
    items = [
        services.item_assign(item=register(office, "逾期事项", urgency="urgent"), actor=office.staff,
                             assigned_on=today() - datetime.timedelta(days=60)),
        assigned(office, "临期事项", **later(0)),
        assigned(office, "正常事项甲", **later(30)),
        assigned(office, "正常事项乙", unit=office.unit_b, co_units=[office.unit_a], **later(20)),
        reported(office, "已报结事项"),
        register(office, "待交办事项", unit=office.unit_b),
    ]
    items += [closed(office, f"已销号事项{n}", unit=office.unit_b if n % 3 == 0 else office.unit_a) for n in range(7)]
    return items


def page_rows(objects, per_page, number):
    request = RequestFactory().get("/", {"page": number})
    return [row.pk for row in paginate(request, objects, per_page=per_page).object_list]


@pytest.mark.parametrize("data", [{}, {"state": State.CLOSED}, {"light": "red"}, {"q": "事项"}, {"source": "other"}])
@pytest.mark.parametrize("who", ["director", "liaison_a"])
def test_supervision_pages_match_the_plain_queryset_across_the_open_closed_boundary(office, register_of_every_state, who, data):
    user = getattr(office, who)
    filters = ItemFilterForm(data or None).filters()
    plain = list(item_list(user, filters, today()).values_list("pk", flat=True))
    assert plain, "the filter must leave rows to compare"
    for per_page in (2, 3, 5):
        split = item_register(user, filters, today())
        assert split.count() == len(plain)
        pages = [page_rows(split, per_page, number) for number in range(1, -(-len(plain) // per_page) + 1)]
        assert [pk for page in pages for pk in page] == plain
    # Every window, including those straddling the boundary, reads the same rows.
    split = item_register(user, filters, today())
    for start in range(len(plain) + 1):
        assert [row.pk for row in split[start : start + 4]] == plain[start : start + 4]


@pytest.mark.parametrize("data", [{}, {"state": State.CLOSED}, {"light": "red"}, {"light": "green"}, {"q": "事项"}, {"unit": "b"}])
@pytest.mark.parametrize("who", ["director", "leader", "liaison_a", "liaison_b", "driver"])
def test_supervision_count_equals_the_plain_count_for_everyone(office, register_of_every_state, who, data):
    if data.get("unit"):
        data = {"unit": office.unit_b.pk}
    user = getattr(office, who)
    filters = ItemFilterForm(data or None).filters()
    assert item_register_count(user, filters, today()) == item_list(user, filters, today()).count()


def test_a_liaisons_page_never_counts_lead_or_co_unit_row_by_row(office, register_of_every_state):
    """The paginator takes the split total, and reading the page counts only the open part:
    no COUNT tests "lead unit or co-unit" (the EXISTS) on every item."""
    client = office.client_for(office.liaison_a)
    client.get(reverse("supervision:index"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("supervision:index"))
    visible = item_list(office.liaison_a, ItemFilterForm(None).filters(), today()).count()
    # unit A leads 3 open items and 1 reported, co-handles 正常事项乙, and led 4 now 已销号
    assert response.context["page"].paginator.count == visible == 9
    assert len(response.context["page"].object_list) == 9
    counts = [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"] and "supervision_supervisionitem" in query["sql"]]
    assert counts and not [sql for sql in counts if "EXISTS" in sql and "closed" in sql]


def test_supervision_register_page_shows_open_items_before_closed_ones(office, register_of_every_state):
    response = office.client_for(office.director).get(reverse("supervision:index"))
    titles = [item.title for item in response.context["page"]]
    assert titles[:2] == ["逾期事项", "临期事项"]
    assert titles[4:6] == ["已报结事项", "待交办事项"]
    # 已销号 newest number first.
    assert titles[6:] == [f"已销号事项{n}" for n in reversed(range(7))]
    assert response.context["page"].paginator.count == 13


def test_concatenated_reads_only_the_parts_a_page_spans(office, register_of_every_state, django_assert_num_queries):
    items = item_list(office.director, ItemFilterForm(None).filters(), today())
    split = Concatenated(items.filter(state__in=[s for s in State.values if s != State.CLOSED]),
                         items.filter(state=State.CLOSED).order_by("-year", "-serial"))
    assert split.count() == 13
    with django_assert_num_queries(2):  # the first part and its co-units
        assert len(split[0:3]) == 3
    with django_assert_num_queries(4):  # both parts, each with its co-units
        assert len(split[4:9]) == 5
    with pytest.raises(TypeError):
        split[3]


# --- 收文登记簿: the cheap count -------------------------------------------------------------------


def incoming(office, n, *, secret=False, actor=None, **overrides):
    data = dict(from_unit="市人大常委会办公室", from_number=f"市人常办〔2026〕{n}号", title=f"关于报送材料的通知{n}",
                doc_type="letter", received_on=datetime.date(2026, 11, 20), due_date=datetime.date(2026, 11, 30),
                body_text="请按要求报送。")
    if secret:
        data.update(secrecy="secret", secrecy_term="10年", title=f"涉密线索材料{n}")
    data.update(overrides)
    doc = doc_services.incoming_register(actor=actor or office.staff, **data)
    # A lead unit, so the liaisons' scope (their unit's documents) has rows on both sides.
    IncomingDocument.objects.filter(pk=doc.pk).update(lead_unit=office.unit_a if n % 2 else office.unit_b)
    return doc


@pytest.mark.parametrize("data", [{}, {"secrecy": "plain"}, {"secrecy": "classified"}, {"secrecy": "secret"}, {"q": "涉密"}, {"doc_type": "letter"}])
@pytest.mark.parametrize("who", ["director", "staff", "leader", "liaison_a", "liaison_b", "driver"])
def test_incoming_count_equals_the_plain_count_for_everyone(office, who, data):
    for n in range(1, 6):
        incoming(office, n)
    secrets = [incoming(office, n, secret=True) for n in range(6, 10)]
    doc_services.grant(secrets[0], [office.director, office.liaison_a], office.staff)
    doc_services.grant(secrets[1], [office.leader], office.staff)
    user = getattr(office, who)
    form = IncomingFilterForm(data or None)
    form.is_valid()
    filters = form.filters()
    assert incoming_list_count(user, filters, today()) == incoming_list(user, filters, today()).count()


def test_incoming_register_total_counts_granted_secret_documents_only(office):
    for n in range(1, 4):
        incoming(office, n)
    secret = incoming(office, 4, secret=True)
    incoming(office, 5, secret=True)
    doc_services.grant(secret, [office.director], office.staff)
    director_page = office.client_for(office.director).get(reverse("documents:incoming_list")).context["page"]
    leader_page = office.client_for(office.leader).get(reverse("documents:incoming_list")).context["page"]
    staff_page = office.client_for(office.staff).get(reverse("documents:incoming_list")).context["page"]
    assert (director_page.paginator.count, leader_page.paginator.count, staff_page.paginator.count) == (4, 3, 5)
    assert len(director_page.object_list) == 4


# --- 发文登记簿: the same cheap count ------------------------------------------------------------------


def outgoing(office, n, *, secret=False, actor=None):
    data = dict(title=f"关于召开会议的通知{n}", main_to="各专门委员会", body="请准时参加。", issuer="区人大常委会办公室",
                signature="区人大常委会办公室", prefix="区人大办")
    if secret:
        data.update(secrecy="secret", secrecy_term="10年", title=f"涉密发文{n}")
    return doc_services.outgoing_draft(actor=actor or office.staff, **data)


@pytest.mark.parametrize("data", [{}, {"secrecy": "plain"}, {"secrecy": "classified"}, {"q": "涉密"}])
@pytest.mark.parametrize("who", ["director", "staff", "leader", "liaison_a", "liaison_b", "driver"])
def test_outgoing_count_equals_the_plain_count_for_everyone(office, who, data):
    for n in range(1, 4):
        outgoing(office, n)
    outgoing(office, 4, actor=office.liaison_a)
    secrets = [outgoing(office, n, secret=True) for n in range(5, 8)]
    secrets.append(outgoing(office, 8, secret=True, actor=office.liaison_a))
    doc_services.grant(secrets[0], [office.leader, office.liaison_b], office.staff)
    user = getattr(office, who)
    form = OutgoingFilterForm(data or None)
    form.is_valid()
    filters = form.filters()
    expected = outgoing_list(user, filters).count()
    assert outgoing_list_count(user, filters) == expected
    if who == "director":  # granted the committee's secret draft, not the staff's
        assert expected == {"": 5, "plain": 4, "classified": 1, "涉密": 1}[data.get("secrecy", data.get("q", ""))]


def test_outgoing_register_total_is_the_split_count(office):
    for n in range(1, 3):
        outgoing(office, n)
    secret = outgoing(office, 3, secret=True)
    outgoing(office, 4, secret=True)
    doc_services.grant(secret, [office.leader], office.staff)
    leader_page = office.client_for(office.leader).get(reverse("documents:outgoing_list")).context["page"]
    staff_page = office.client_for(office.staff).get(reverse("documents:outgoing_list")).context["page"]
    assert (leader_page.paginator.count, staff_page.paginator.count) == (3, 4)
    assert len(leader_page.object_list) == 3


# --- a page deep in a long list is read from its end ----------------------------------------------


@pytest.fixture
def read_from_either_end(monkeypatch):
    """Every page past the first is a "deep" one, so small data take the backwards path."""
    import office.pagination

    monkeypatch.setattr(office.pagination, "NEAR_ENOUGH", 0)


def pages_of(objects, per_page, count=None):
    rows = []
    for number in range(1, 50):
        page = _Paginator(objects, per_page, count).get_page(number)
        rows.append([row.pk for row in page.object_list])
        if not page.has_next():
            return rows
    raise AssertionError("too many pages")


def test_backwards_pages_are_the_forward_pages(office, register_of_every_state, read_from_either_end):
    for n in range(1, 12):
        incoming(office, n)
    for n in range(1, 8):
        outgoing(office, n)
    registers = [
        incoming_list(office.director, IncomingFilterForm(None).filters(), today()),
        outgoing_list(office.director, OutgoingFilterForm(None).filters()),
        item_list(office.director, ItemFilterForm(None).filters(), today()).filter(state=State.CLOSED).order_by("-year", "-serial"),
    ]
    for objects in registers:
        plain = [row.pk for row in objects.all()]  # a copy: objects itself stays unread
        assert len(plain) >= 7 and _totally_ordered(objects)
        for per_page in (2, 3, 4):
            with CaptureQueriesContext(connection) as captured:
                pages = pages_of(objects, per_page)
            assert [pk for page in pages for pk in page] == plain
            # The later pages were read in the reversed (ascending) order.
            read = [query["sql"].split("ORDER BY")[-1] for query in captured.captured_queries if "LIMIT" in query["sql"] and "ORDER BY" in query["sql"]]
            assert any(" ASC" in order for order in read) and any(" DESC" in order for order in read), read
    split = item_register(office.director, ItemFilterForm(None).filters(), today())
    plain = list(item_list(office.director, ItemFilterForm(None).filters(), today()).values_list("pk", flat=True))
    for per_page in (2, 3, 5):
        total = item_register_count(office.director, ItemFilterForm(None).filters(), today())
        assert [pk for page in pages_of(split, per_page, lambda: total) for pk in page] == plain


def test_an_order_that_is_not_total_is_read_forwards(office, register_of_every_state, read_from_either_end):
    by_title = SupervisionItem.objects.order_by("title")  # titles repeat: its mirror is not exact
    assert not _totally_ordered(by_title)
    assert _totally_ordered(SupervisionItem.objects.order_by("title", "pk"))
    with CaptureQueriesContext(connection) as captured:
        pages = pages_of(by_title, 3)
    assert [pk for page in pages for pk in page] == [row.pk for row in by_title]
    assert not [query for query in captured.captured_queries if "DESC" in query["sql"]]
