"""Every GET page of every app runs a bounded number of queries (at most 15) that does
not grow with the data: each page is opened on a small data set, then again after the
data have grown several times (more rows in every list, more children on the record the
page shows), by a user who may see it.

The table below is keyed by URL name and must name every URL of our apps, so a new
view without an entry fails `test_every_url_has_a_case`. Views that cannot be opened
with GET are listed in NOT_PAGES with the reason."""

import datetime
from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from office import calendar
from tests.bulk_data import BulkData
from tests.urlwalk import app_urls

MAX_QUERIES = 15
SMALL, LARGE = 2, 6  # children per record in the first round, and in the rounds that grow it


@dataclass(frozen=True)
class Case:
    who: str  # an attribute of the office fixture, or "anonymous"
    args: Callable = lambda r: []  # the round → the URL's arguments
    query: dict = field(default_factory=dict)
    label: str = ""
    status: int = 200


def by(*who, args=lambda r: [], query=None, label="", status=200):
    return [Case(person, args, query or {}, label, status) for person in who]


def pk(attr):
    return lambda r: [getattr(r, attr).pk]


def extra(key):
    return lambda r: [r.extra[key].pk]


TODAY = lambda r: timezone.localdate()  # noqa: E731
MONTH = {"month": f"{datetime.date.today():%Y-%m}"}

POST = "a POST-only action (require_POST)"
NOT_PAGES = {
    "office:approvals_decide": POST,
    "office:inbox_mark_all_read": POST,
    **{f"meetings:{name}": POST for name in (
        "action", "agenda_add", "document_request", "invite", "invite_body", "agenda_move", "agenda_remove", "material_add",
        "vote", "opinion_add", "opinion_assign", "task_done", "task_undo", "reply_for", "participant_remove", "sign_in_do",
        "sign_in_undo")},
    **{f"documents:{name}": POST for name in (
        "incoming_action", "instruction_supervise", "circulation_add", "circulation_read", "outgoing_action",
        "countersign_request", "countersign_decide", "distribution_add", "distribution_deliver", "incoming_file_upload",
        "outgoing_file_upload", "incoming_grant", "outgoing_grant", "incoming_amend", "outgoing_amend")},
    **{f"supervision:{name}": POST for name in ("action", "progress", "extension_request", "extension_decide")},
    **{f"logistics:{name}": POST for name in (
        "trip_decide", "trip_dispatch", "trip_cancel", "trip_return", "group_meals", "supply_purchase", "requisition_create",
        "requisition_decide")},
    **{f"conduct:{name}": POST for name in (
        "entry_account", "entry_step", "proposal_confirm", "proposal_dismiss", "leave_decide", "roster_generate",
        "swap_request", "swap_decide", "duty_log")},
}

CASES: dict[str, list[Case]] = {
    # --- office ---
    "office:home": by("director", "staff", "liaison_a"),
    "office:dashboard": by("director", "leader"),
    "office:approvals": by("director", "leader"),
    "office:leader_week": by("director", "leader"),
    "office:inbox": by("director") + by("director", query={"show": "all"}, label="all"),
    "office:message_open": by("director", args=pk("message")),
    "office:person_list": by("director") + by("director", query={"body": "standing"}, label="body"),
    "office:people_import": by("director"),
    "office:people_import_template": by("director"),
    "office:person_detail": by("director", args=pk("person")),
    "office:unit_list": by("director"),
    "office:profile": by("director"),
    "office:reports": by("director"),
    "office:report_preview": by("director", "leader", args=lambda r: [timezone.localdate().isoformat()])
    + by("director", args=lambda r: [timezone.localdate().isoformat()], query={"format": "pdf"}, label="pdf"),
    # --- meetings ---
    "meetings:index": by("director", "liaison_a") + by("director", query={"mine": "1"}, label="mine"),
    "meetings:create": by("director"),
    "meetings:attendance": by("director"),
    "meetings:reply": by("anonymous", args=lambda r: [r.meeting_planning.participants.first().token]),
    "meetings:detail": by("director", "staff", "liaison_a", args=pk("meeting"))
    + by("director", args=pk("meeting_planning"), label="planning"),
    "meetings:edit": by("director", args=pk("meeting_planning")),
    "meetings:participants": by("director", args=pk("meeting")) + by("director", args=pk("meeting_planning"), label="planning"),
    "meetings:sign_in": by("director", args=pk("meeting")) + by("director", args=pk("meeting"), query={"q": "委员"}, label="search"),
    "meetings:agenda_edit": by("director", args=extra("planning_item")),
    "meetings:material": by("director", args=pk("material")),
    "meetings:document": by("director", args=pk("meeting_document")),
    # --- documents ---
    "documents:index": by("director", "leader", "liaison_a"),
    "documents:waiting": by("director", "leader", "liaison_a"),
    "documents:incoming_list": by("director", "liaison_a"),
    "documents:outgoing_list": by("director", "liaison_a"),
    "documents:incoming_create": by("director"),
    "documents:outgoing_create": by("director"),
    "documents:incoming_detail": by("director", "leader", args=pk("incoming"))
    + by("director", args=pk("incoming_archived"), label="archived") + by("director", args=pk("incoming_secret"), label="secret"),
    "documents:incoming_edit": by("director", args=pk("incoming")),
    "documents:outgoing_detail": by("director", "liaison_a", args=pk("outgoing"))
    + by("director", args=pk("outgoing_distributed"), label="distributed") + by("director", args=pk("outgoing_secret"), label="secret"),
    "documents:outgoing_edit": by("director", args=pk("outgoing")),
    "documents:outgoing_print": by("director", args=pk("outgoing_distributed")),
    "documents:outgoing_stored_pdf": by("director", args=pk("outgoing_distributed")),
    "documents:incoming_export_csv": by("director", "liaison_a"),
    "documents:incoming_export_xlsx": by("director"),
    "documents:outgoing_export_csv": by("director", "liaison_a"),
    "documents:outgoing_export_xlsx": by("director"),
    "documents:incoming_file": by("director", args=lambda r: [r.incoming.pk, r.incoming_file.pk]),
    "documents:outgoing_file": by("director", args=lambda r: [r.outgoing.pk, r.outgoing_file.pk]),
    # --- supervision ---
    "supervision:index": by("director", "liaison_a"),
    "supervision:export_csv": by("director", "liaison_a"),
    "supervision:export_xlsx": by("director"),
    "supervision:create": by("director"),
    "supervision:stats": by("director"),
    "supervision:bulletin_pdf": by("director", query=MONTH),
    "supervision:detail": by("director", "leader", "liaison_a", args=pk("item")),
    "supervision:edit": by("director", args=extra("item_registered")),
    "supervision:notice_pdf": by("director", args=pk("item")),
    "supervision:report_attachment": by("director", args=pk("report")),
    # --- logistics ---
    "logistics:index": by("director", "driver", "canteen"),
    "logistics:trips": by("director", "staff"),
    "logistics:trip_create": by("staff"),
    "logistics:trips_export_csv": by("director"),
    "logistics:trips_export_xlsx": by("director"),
    "logistics:trip_totals": by("director"),
    "logistics:trip_detail": by("director", args=pk("trip")),
    "logistics:driver": by("driver"),
    "logistics:vehicles": by("director", "driver"),
    "logistics:vehicle_calendar": by("director"),
    "logistics:vehicle_detail": by("director", args=pk("vehicle")),
    "logistics:canteen": by("staff", "director"),
    "logistics:headcounts": by("canteen"),
    "logistics:headcount_pdf": by("canteen", query={"day": f"{datetime.date.today():%Y-%m-%d}", "meal": "lunch"}),
    "logistics:meal_totals": by("canteen"),
    "logistics:meal_totals_csv": by("canteen"),
    "logistics:meal_totals_xlsx": by("canteen"),
    "logistics:rooms": by("director"),
    "logistics:supplies": by("director", "staff"),
    "logistics:receptions": by("director"),
    "logistics:reception_create": by("director"),
    "logistics:reception_detail": by("director", args=pk("reception")),
    # --- conduct ---
    "conduct:index": by("director", "liaison_a"),
    "conduct:export_csv": by("director"),
    "conduct:export_xlsx": by("director"),
    "conduct:entry_create": by("director"),
    "conduct:entry_detail": by("director", "staff", args=pk("entry")),
    "conduct:entry_bulletin": by("director", args=extra("entry_published")),
    "conduct:entry_preview": by("director", args=pk("entry")),
    "conduct:proposals": by("director"),
    "conduct:stats": by("director"),
    "conduct:stats_pdf": by("director", query=MONTH),
    "conduct:my_record": by("staff", status=302),  # to the person's own record
    "conduct:person": by("director", args=pk("person")),
    "conduct:lessons": by("director", "liaison_a"),
    "conduct:leave": by("duty", "director"),
    "conduct:duty": by("duty", "director"),
    "conduct:today": by("director", "staff", "driver"),
}


def test_every_url_has_a_case():
    names = {name for name, _ in app_urls()}
    missing = sorted(names - set(CASES) - set(NOT_PAGES))
    assert not missing, f"URLs without a query-count case (add one to CASES, or to NOT_PAGES with the reason): {missing}"
    assert not set(CASES) & set(NOT_PAGES)
    assert not (set(CASES) | set(NOT_PAGES)) - names, "cases for URLs that no longer exist"


@pytest.mark.parametrize("name", sorted(NOT_PAGES))
def test_not_pages_refuse_get(office, name):
    """What NOT_PAGES calls POST-only is so: a GET is refused before any work."""
    path = next(path for url_name, path in app_urls() if url_name == name)
    response = office.client_for(office.director).get(path)
    assert response.status_code == 405, (name, response.status_code)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _count(client, url, query) -> tuple[int, int, list[str]]:
    # The working-day table is a per-process copy read once a minute (office.calendar):
    # load it before, as a running server has it.
    calendar.clear_cache()
    calendar.is_working_day(timezone.localdate())
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return response.status_code, len(captured), [q["sql"] for q in captured.captured_queries]


def _measure(office, latest, cases) -> dict:
    clients = {}
    found = {}
    for name, case in cases:
        who = case.who
        if who not in clients:
            clients[who] = Client() if who == "anonymous" else office.client_for(getattr(office, who))
        url = reverse(name, args=case.args(latest))
        status, count, sql = _count(clients[who], url, case.query)
        found[(name, who, case.label)] = (status == case.status, count, sql)
    return found


def _cases(app):
    return [(name, case) for name, cases in sorted(CASES.items()) if name.split(":")[0] == app for case in cases]


@pytest.mark.parametrize("app", ["office", "meetings", "documents", "supervision", "logistics", "conduct"])
def test_query_counts_are_bounded_and_do_not_grow(office, app):
    cases = _cases(app)
    data = BulkData(office)
    small = _measure(office, data.grow(SMALL), cases)
    data.grow(LARGE)
    large = _measure(office, data.grow(LARGE), cases)
    rows, problems = [], []
    for key in small:
        (answered_small, n_small, _), (answered_large, n_large, _) = small[key], large[key]
        rows.append(f"{' '.join(filter(None, key)):60} {n_small:3} → {n_large:3}")
        if not (answered_small and answered_large):
            problems.append(f"{key}: not the expected status")
        elif max(n_small, n_large) > MAX_QUERIES or n_large > n_small:
            problems.append(f"{key}: {n_small} queries on the small data, {n_large} on the grown data")
    assert not problems, "\n".join(problems) + "\n\nAll pages (small → grown):\n" + "\n".join(rows)
