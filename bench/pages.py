"""Server time of every main page on ten years of data, on SQLite and on PostgreSQL.

    .venv/bin/python bench/pages.py [--db both|sqlite|postgres] [--requests 30] [--seed 2026] [--scale 1.0]

For each database: generate the data if they are not there yet (bench/generate.py),
then, in one process, open each main page through django.test.Client (the whole
middleware stack, no network) as the director — or the first of staff, leader,
driver, canteen, duty who may see it — a few times to warm up and then --requests
times, timing each call with perf_counter around client.get (server time in-process).
The queries are counted on one more request (CaptureQueriesContext). The last page of
each long register (LAST_PAGES) is measured too.

Beside each page, its floor is measured the same way: the page's main query (for a
list, its first page: list(selector(...)[:per_page])) in a bare view that returns a
trivial HttpResponse through the same middleware. Pages with no single main query
(dashboards, workbench) get the bare view with session and user only. ratio = page
median / floor median.

Pages are found from the URL conf: every route without arguments that answers GET
with 200 (exports, PDFs and forms for new records left out), plus one item page of
each kind. The three slowest pages are profiled (cProfile and their slowest SQL).
Writes its section of bench/RESULTS.md (machine, tables, pages over target) and prints it;
--report-only rewrites that section from the last run's saved measurements.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import subprocess
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BENCH_VAR, PYTHON, ROOT, bench_postgres, child_env, generate_into, machine, median, percentile  # noqa: E402
from measure import load_average, results_section_write  # noqa: E402

SECTION = "Pages: server time on ten years of data"

TARGET_MEDIAN_MS, TARGET_P95_MS, TARGET_QUERIES = 50, 150, 15
SKIP_NAME = re.compile(r"export|pdf|template|create|import|purchase|swap_request|roster_generate|decide|mark_all|password|logout|login|^admin:")
SKIP_ROUTE = re.compile(r"\.(csv|xlsx|pdf)$")
ITEM_PAGES = [  # url name, label
    ("meetings:detail", "会议"), ("documents:incoming_detail", "收文"), ("documents:outgoing_detail", "发文"),
    ("supervision:detail", "督办事项"), ("logistics:trip_detail", "用车"), ("logistics:vehicle_detail", "车辆"),
    ("logistics:reception_detail", "公务接待"), ("conduct:entry_detail", "差错登记"), ("office:person_detail", "人员"),
    ("conduct:person", "个人作风记录"),
]
# The same page seen by another person, where what they see differs.
EXTRA_VIEWS = [("office:approvals", "leader"), ("office:home", "staff"), ("conduct:today", "staff"), ("documents:waiting", "leader"),
               ("supervision:index", "liaison")]
USERS = ["director", "staff", "leader", "driver", "canteen", "duty"]
# The last page of the long registers (a page number past the end shows the last page).
LAST_PAGES = ["documents:incoming_list", "documents:outgoing_list", "supervision:index", "logistics:trips", "conduct:index"]


# --- discovery ------------------------------------------------------------------------------------


def url_names():
    """(name, route) of every URL in the conf, namespaced."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix, route):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                namespace = entry.namespace
                yield from walk(entry.url_patterns, f"{prefix}{namespace}:" if namespace else prefix, route + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{prefix}{entry.name}", route + str(entry.pattern)

    return list(walk(get_resolver().url_patterns, "", ""))


def main_pages():
    """(name, url) of every no-argument page worth measuring."""
    from django.urls import NoReverseMatch, reverse

    pages = []
    for name, route in url_names():
        if SKIP_NAME.search(name) or SKIP_ROUTE.search(route.rstrip("/")) or "<" in route:
            continue
        try:
            pages.append((name, reverse(name)))
        except NoReverseMatch:
            continue
    return pages


def item_pks():
    """One record of each kind for the item pages: a recent one in a busy state."""
    from conduct.models import ErrorEntry
    from documents.models import InState, IncomingDocument, OutgoingDocument, OutState
    from logistics.models import Reception, Trip, TripState, Vehicle
    from meetings.models import Meeting, State
    from office.models import Person
    from supervision.models import State as ItemState
    from supervision.models import SupervisionItem

    def first(queryset):
        row = queryset.values_list("pk", flat=True).first()
        return row

    director_person = first(Person.objects.filter(user__username="director"))
    return {
        "meetings:detail": first(Meeting.objects.filter(state=State.ENDED).order_by("-start")),
        "documents:incoming_detail": first(IncomingDocument.objects.filter(state=InState.HANDLING, secrecy="").order_by("-received_on", "-id")),
        "documents:outgoing_detail": first(OutgoingDocument.objects.filter(state=OutState.DISTRIBUTED, secrecy="").order_by("-created_at", "-id")),
        "supervision:detail": first(SupervisionItem.objects.filter(state=ItemState.IN_PROGRESS).order_by("-assigned_on", "-id")),
        "logistics:trip_detail": first(Trip.objects.filter(state=TripState.RETURNED).order_by("-start")),
        "logistics:vehicle_detail": first(Vehicle.objects.order_by("id")),
        "logistics:reception_detail": first(Reception.objects.order_by("-start")),
        "conduct:entry_detail": first(ErrorEntry.objects.order_by("-date", "-id")),
        "office:person_detail": director_person,
        "conduct:person": director_person,
    }


# --- floors: the page's main query in a bare view --------------------------------------------------


def floors(items: dict) -> dict:
    """name → function(user) running that page's main query."""
    from django.utils import timezone

    from conduct import selectors as conduct
    from conduct.forms import EntryFilterForm
    from documents import selectors as documents
    from documents.forms import IncomingFilterForm, OutgoingFilterForm
    from logistics import selectors as logistics
    from logistics.forms import TripFilterForm
    from logistics.models import Reception, Trip, Vehicle
    from meetings import selectors as meetings
    from meetings.forms import MeetingFilterForm
    from meetings.models import Meeting
    from office.models import Message, Person
    from supervision import selectors as supervision
    from supervision.forms import ItemFilterForm
    from supervision.models import SupervisionItem
    from conduct.models import ErrorEntry

    today = timezone.localdate

    def one(model, pk):
        return lambda user: [model.objects.get(pk=pk)]

    table = {
        "documents:incoming_list": lambda user: list(documents.incoming_list(user, IncomingFilterForm(None).filters(), today())[:30]),
        "documents:outgoing_list": lambda user: list(documents.outgoing_list(user, OutgoingFilterForm(None).filters())[:30]),
        "supervision:index": lambda user: list(supervision.item_list(user, ItemFilterForm(None).filters(), today())[:30]),
        "meetings:index": lambda user: list(meetings.meeting_list(user, MeetingFilterForm(None).filters())[:20]),
        "logistics:trips": lambda user: list(logistics.trip_list(user, TripFilterForm(None).filters())[:30]),
        "logistics:receptions": lambda user: list(logistics.reception_list()[:30]),
        "logistics:supplies": lambda user: list(logistics.requisition_list(user)[:30]),
        "conduct:index": lambda user: list(conduct.entry_list(EntryFilterForm(None).filters())[:30]),
        "conduct:lessons": lambda user: list(conduct.lessons_search("", "")[:20]),
        "office:inbox": lambda user: list(Message.objects.filter(recipient=user, read_at__isnull=True)[:20]),
        "office:person_list": lambda user: list(Person.objects.select_related("unit").filter(is_active=True).order_by("protocol_rank", "name", "id")[:30]),
        "meetings:detail": one(Meeting, items.get("meetings:detail")),
        "documents:incoming_detail": lambda user: [documents.incoming_get(user, items["documents:incoming_detail"], log_access=False)],
        "documents:outgoing_detail": lambda user: [documents.outgoing_get(user, items["documents:outgoing_detail"], log_access=False)],
        "supervision:detail": one(SupervisionItem, items.get("supervision:detail")),
        "logistics:trip_detail": one(Trip, items.get("logistics:trip_detail")),
        "logistics:vehicle_detail": one(Vehicle, items.get("logistics:vehicle_detail")),
        "logistics:reception_detail": one(Reception, items.get("logistics:reception_detail")),
        "conduct:entry_detail": one(ErrorEntry, items.get("conduct:entry_detail")),
        "office:person_detail": one(Person, items.get("office:person_detail")),
        "conduct:person": one(Person, items.get("conduct:person")),
    }
    return table


def install_floor_urls(table: dict):
    """The URL conf plus /__floor__/<name>/, each a bare view around one floor query."""
    from django.conf import settings
    from django.http import HttpResponse
    from django.urls import clear_url_caches, path

    import office.urls

    def floor_view(request, key):
        run = table.get(key)
        rows = run(request.user) if run else [request.user.pk]  # session and user only
        return HttpResponse(f"{len(rows)}", content_type="text/plain")

    module = types.ModuleType("bench_floor_urls")
    module.urlpatterns = [path("__floor__/<str:key>/", floor_view)] + list(office.urls.urlpatterns)
    sys.modules["bench_floor_urls"] = module
    settings.ROOT_URLCONF = "bench_floor_urls"
    clear_url_caches()


# --- measuring ------------------------------------------------------------------------------------


def timed(client, url: str, requests: int, warmup: int):
    """Status, per-request milliseconds and the query count of one more request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    status = None
    for _ in range(warmup):
        status = client.get(url).status_code
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return status, times, len(queries)


def measure(database: str, requests: int, warmup: int) -> dict:
    import logging

    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # probing who may see a page logs every 403
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    User = get_user_model()
    started_load = load_average()
    items = item_pks()
    table = floors(items)
    install_floor_urls(table)
    clients = {}

    def client_for(username):
        if username not in clients:
            user = User.objects.filter(username=username).first()
            if user is None:
                return None
            client = Client(raise_request_exception=False)  # a failing page is reported as HTTP 500, not fatal
            client.force_login(user)
            clients[username] = client
        return clients[username]

    pages = [(name, url, None) for name, url in main_pages()]
    pages += [(name, reverse(name, args=[pk]), None) for name, pk in items.items() if pk]
    pages += [(name, reverse(name), username) for name, username in EXTRA_VIEWS]
    pages += [(name, reverse(name) + "?page=999999", "director") for name in LAST_PAGES]
    rows = []
    for name, url, only in pages:
        # Who may see it: the director first, else the first role that gets a page.
        for username in [only] if only else USERS:
            client = client_for(username)
            if client is None:
                continue
            status = client.get(url).status_code
            if status in (200, 500):
                break
        if status != 200:
            if status != 405:  # 405: a POST-only endpoint, not a page
                rows.append({"name": name, "url": url, "user": "-", "status": status})
            continue
        status, times, queries = timed(client, url, requests, warmup)
        floor_status, floor_times, floor_queries = timed(client, f"/__floor__/{name}/", requests, warmup)
        rows.append({
            "name": name, "url": url, "user": username, "status": status, "queries": queries,
            "median": median(times), "p95": percentile(times, 0.95),
            "floor_kind": "main query" if name in table else "session+user", "floor_status": floor_status,
            "floor_queries": floor_queries, "floor_median": median(floor_times), "floor_p95": percentile(floor_times, 0.95),
        })
        print(f"  {name:<32} {username:<9} {rows[-1]['median']:7.1f} ms  p95 {rows[-1]['p95']:7.1f}  q {queries:3d}"
              f"   floor {rows[-1]['floor_median']:6.1f} ms", flush=True)
    measured = [row for row in rows if "median" in row]
    worst = sorted(measured, key=lambda row: row["median"], reverse=True)[:3]
    profiles = [profile(client_for(row["user"]), row, connection) for row in worst]
    return {"database": database, "vendor": connection.vendor, "rows": rows, "profiles": profiles, "counts": data_counts(), "load": started_load}


def profile(client, row: dict, connection) -> dict:
    """Where the time of one request goes: our functions by cumulative time, and the slowest SQL."""
    from django.test.utils import CaptureQueriesContext

    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        profiler.enable()
        client.get(row["url"])
        profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream).sort_stats("cumulative")
    ours = []
    for (filename, line, function), (_, _, _, cumulative, _) in stats.stats.items():
        relative = os.path.relpath(filename, ROOT)
        if filename.endswith(".py") and not relative.startswith(("..", ".venv", "bench")):
            ours.append((cumulative * 1000, f"{relative}:{line} {function}"))
    ours.sort(reverse=True)
    sql = sorted(queries.captured_queries, key=lambda query: float(query["time"]), reverse=True)
    total_sql = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    repeated = {}
    for query in queries.captured_queries:
        shape = re.sub(r"\b\d+\b", "N", query["sql"])[:160]
        repeated[shape] = repeated.get(shape, 0) + 1
    return {
        "name": row["name"], "url": row["url"], "queries": len(queries), "sql_ms": total_sql,
        "functions": [f"{ms:8.1f} ms  {where}" for ms, where in ours[:12]],
        "slowest_sql": [f"{float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}" for query in sql[:5]],
        "repeated_sql": [f"{count}×  {shape}" for shape, count in sorted(repeated.items(), key=lambda item: -item[1])[:3] if count > 1],
    }


def data_counts() -> dict:
    from conduct.models import ErrorEntry
    from django.contrib.auth import get_user_model
    from documents.models import IncomingDocument, OutgoingDocument
    from logistics.models import MealBooking, Trip
    from meetings.models import Meeting, Participant
    from supervision.models import SupervisionItem

    models = {"users": get_user_model(), "incoming": IncomingDocument, "outgoing": OutgoingDocument, "supervision": SupervisionItem,
              "meetings": Meeting, "participations": Participant, "trips": Trip, "meals": MealBooking, "errors": ErrorEntry}
    return {key: model.objects.count() for key, model in models.items()}


# --- the report -----------------------------------------------------------------------------------


def over_target(row: dict) -> list[str]:
    reasons = []
    if row["median"] > TARGET_MEDIAN_MS:
        reasons.append("median")
    if row["p95"] > TARGET_P95_MS:
        reasons.append("p95")
    if row["queries"] > TARGET_QUERIES:
        reasons.append("queries")
    return reasons


def markdown(results: list[dict], args) -> str:
    lines = [
        f"Machine: {machine()}. The times are wall times on a shared machine: see each database's load average.", "",
        f"Data: `bench/generate.py --seed {args.seed} --scale {args.scale}` (ten years of a large office).", "",
        f"Each page {args.requests} times after {args.warmup} warm-up requests, through `django.test.Client` in one process "
        "(the whole middleware stack, no network): server time measured around the client call. Queries counted on one more "
        "request. *Floor*: the page's main query (a list's first page) in a bare view through the same middleware; "
        "\"session+user\" where a page has no single main query. Ratio = page median / floor median. "
        f"Targets: median ≤ {TARGET_MEDIAN_MS} ms, p95 ≤ {TARGET_P95_MS} ms, queries ≤ {TARGET_QUERIES}; ❌ marks a page over target.", "",
    ]
    for result in results:
        counts = "，".join(f"{key} {value:,}" for key, value in result["counts"].items())
        lines += [f"### {result['database']}", "", f"Rows: {counts}; {result.get('load', '?')} when its pages were measured.", "",
                  "| page | URL | as | queries | median ms | p95 ms | floor | floor q | floor median ms | ratio | |",
                  "|---|---|---|---:|---:|---:|---|---:|---:|---:|---|"]
        for row in result["rows"]:
            if "median" not in row:
                lines.append(f"| {row['name']} | `{row['url']}` | — | | | | | | | | not measured: HTTP {row['status']} |")
                continue
            reasons = over_target(row)
            mark = "❌ " + ", ".join(reasons) if reasons else "✓"
            ratio = row["median"] / row["floor_median"] if row["floor_median"] else 0
            lines.append(f"| {row['name']} | `{row['url']}` | {row['user']} | {row['queries']} | {row['median']:.1f} | {row['p95']:.1f} | "
                         f"{row['floor_kind']} | {row['floor_queries']} | {row['floor_median']:.1f} | {ratio:.1f}× | {mark} |")
        measured = [row for row in result["rows"] if "median" in row]
        over = [row for row in measured if over_target(row)]
        lines += ["", f"{len(measured)} pages measured, {len(over)} over target"
                  + (": " + ", ".join(f"{row['name']} ({row['median']:.0f} ms, {row['queries']} q)" for row in over) if over else "") + ".", ""]
        lines += ["Where the time goes on the three slowest pages (one request under cProfile):", ""]
        for item in result["profiles"]:
            lines += [f"- **{item['name']}** `{item['url']}`: {item['queries']} queries, {item['sql_ms']:.0f} ms in SQL", "", "```"]
            lines += item["functions"][:10] + ["-- slowest SQL"] + item["slowest_sql"]
            if item["repeated_sql"]:
                lines += ["-- repeated SQL"] + item["repeated_sql"]
            lines += ["```", ""]
    return "\n".join(lines) + "\n"


def run_child(database: str, url: str, args) -> dict:
    out = BENCH_VAR / f"pages-{database}.json"
    env = child_env(database, url)
    command = [PYTHON, __file__, "--child", database, "--requests", str(args.requests), "--warmup", str(args.warmup), "--json", str(out)]
    subprocess.run(command, env=env, check=True)
    return json.loads(out.read_text())


def main():
    parser = argparse.ArgumentParser(description="各主要页面的服务器耗时（SQLite 与 PostgreSQL）")
    parser.add_argument("--db", choices=["both", "sqlite", "postgres"], default="both")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--report-only", action="store_true", help="rewrite the section from the last run's measurements")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")
        result = measure(args.child, args.requests, args.warmup)
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False))
        return
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    results = []
    if args.report_only:
        for database, label in (("sqlite", "SQLite"), ("postgres", "PostgreSQL")):
            saved = BENCH_VAR / f"pages-{database}.json"
            if args.db in ("both", database) and saved.exists():
                results.append(json.loads(saved.read_text()) | {"database": label})
    elif args.db in ("both", "sqlite"):
        print("SQLite", flush=True)
        generate_into("sqlite", "", args.seed, args.scale)
        results.append(run_child("sqlite", "", args) | {"database": "SQLite"})
    if args.db in ("both", "postgres") and not args.report_only:
        print("PostgreSQL", flush=True)
        with bench_postgres() as url:
            generate_into("postgres", url, args.seed, args.scale)
            results.append(run_child("postgres", url, args) | {"database": "PostgreSQL"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")
    text = markdown(results, args)
    results_section_write(SECTION, text)
    print(text)


if __name__ == "__main__":
    main()
