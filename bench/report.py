"""Benchmark: the nightly report (工作日报) for all its recipients, on ten years of data,
and the 督办 reminder sweep.

    .venv/bin/python bench/report.py [--scale 1.0] [--seed 2026] [--runs 5] [--sweep-items 100000] [--no-results]

The data come from bench/generate.py, in this script's own SQLite file
(var/bench/report-<scale>.sqlite3, made once per seed and scale). Times the whole
evening job, nightly_report_send (claim, build, text + HTML + PDF, send through
Django's in-memory mail backend, record), for every recipient, its rows deleted
before each run; then the parts for one recipient with their queries. The sweep is
bench/reminder_sweep.py, run as it is (its own data and Redis). Target: report ≤ 2 s,
sweep ≤ 5 s. "Report" is one recipient's report, built and rendered (sections, text,
HTML, PDF), as it is in the evening job (the shared sections already built); the whole
evening, all recipients and sending, is reported beside it per recipient. Writes "## Nightly report and reminder sweep" in bench/RESULTS.md.
"""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import BENCH_VAR, ROOT, load_average, machine, markdown_table, ms, results_section_write, timed  # noqa: E402

REPORT_TARGET = 2.0
SWEEP_TARGET = 5.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sweep-items", type=int, default=100_000, help="0 leaves the sweep out")
    parser.add_argument("--no-results", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args()

    database = BENCH_VAR / f"report-{args.scale:g}.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SQLITE_PATH=str(database), CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    env.pop("DATABASE_URL", None)
    copy_generated(BENCH_VAR / "office.sqlite3", database, args.seed, args.scale)
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--seed", str(args.seed), "--scale", str(args.scale)],
                   env=env, check=True)
    os.environ.update(SQLITE_PATH=str(database), CELERY_BROKER_URL=env["CELERY_BROKER_URL"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")
    report_body = nightly_report(args)
    sweep_body = reminder_sweep(args.sweep_items) if args.sweep_items else "The sweep was left out (--sweep-items 0)."
    body = f"{report_body}\n\n{sweep_body}"
    print(body)
    if not args.no_results:
        results_section_write("Nightly report and reminder sweep", body)


def copy_generated(source: Path, target: Path, seed: int, scale: float) -> None:
    """Copy the page benchmarks' database (SQLite's backup API) when it holds the same seed
    and scale and this script has none yet: the same ten years, without generating them
    again. A copy, because this script writes (and deletes) the evening's report rows."""
    import sqlite3

    from generate import sqlite_stale

    if target.exists() or not source.exists() or sqlite_stale(source, seed, scale):
        return
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)


def nightly_report(args) -> str:
    import datetime

    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from office import calendar
    from office.models import NightlyReport
    from office.report import build_report, nightly_report_send, recipients, render_html, render_pdf, render_text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_CHANNELS = []  # the robots' summary goes nowhere
    mail.outbox = []
    day = timezone.localdate()
    while not calendar.is_working_day(day):
        day -= datetime.timedelta(days=1)
    evening = timezone.make_aware(datetime.datetime.combine(day, datetime.time(20, 0)))
    people = list(recipients())

    def evening_job():
        NightlyReport.objects.filter(date__gte=day - datetime.timedelta(days=7)).delete()
        mail.outbox = []
        sent = nightly_report_send(day, evening)
        assert sent == len(people), (sent, len(people))

    with CaptureQueriesContext(connection) as job_queries:
        evening_job()
    job = timed(evening_job, args.runs, warmup=1)

    person = people[0]
    shared = {}
    report = build_report(day, person, shared)  # the shared sections built once, as in the evening job
    with CaptureQueriesContext(connection) as build_queries:
        build_report(day, person, shared)

    def one_recipient():
        built = build_report(day, person, shared)
        render_text(built), render_html(built), render_pdf(built)

    one = timed(one_recipient, args.runs * 2)
    parts = [
        ("build_report (sections' queries)", lambda: build_report(day, person), len(build_queries)),
        ("render_text + render_html", lambda: (render_text(report), render_html(report)), 0),
        ("render_pdf (weasyprint)", lambda: render_pdf(report), 0),
    ]
    rows = [["**nightly report build: one recipient, build + text + HTML + PDF**", ms(one.median), ms(one.p95), ms(one.cpu_median),
             len(build_queries), ms(REPORT_TARGET), "yes" if one.median <= REPORT_TARGET else "**no**"],
            [f"whole evening: nightly_report_send, {len(people)} recipients (sent)", ms(job.median), ms(job.p95), ms(job.cpu_median),
             len(job_queries), "", ""],
            ["whole evening, per recipient", ms(job.median / len(people)), "", ms(job.cpu_median / len(people)), "", "", ""]]
    for label, function, queries in parts:
        timing = timed(function, args.runs * 2)
        rows.append([f"one recipient: {label}", ms(timing.median), ms(timing.p95), ms(timing.cpu_median), queries or "", "", ""])
    lines = "、".join(f"{section.title} {len(section.rows)}+{len(section.lines)}" for section in report.sections)
    return "\n\n".join([
        f"`bench/report.py --scale {args.scale:g} --runs {args.runs}` on {machine()}, {load_average()}; "
        f"data from bench/generate.py (seed {args.seed}, scale {args.scale:g}), {connection.vendor}.",
        markdown_table(["step", "median", "p95", "CPU median", "queries", "target", "met"], rows),
        "Profile of one evening job (cProfile): " + profile_shares(evening_job),
        f"Report of {day} to {len(people)} recipients (director and leaders); sections (rows+lines): {lines}. "
        "The sections the same for everyone (办会, 后勤, 作风) are built once per evening; 督办 and 办文 per recipient "
        "(what each may see; secret documents are counted per reader); each recipient's PDF is their own.",
    ])


def profile_shares(function) -> str:
    """Where the job's time goes, by the cumulative time of its main steps."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    function()
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = sum(tottime for _, _, tottime, _, _ in stats.values())

    def cumulative(name: str, file_part: str) -> float:
        return sum(cum for (file, _, function_name), (_, _, _, cum, _) in stats.items()
                   if function_name == name and file_part in file)

    steps = [("build_report (sections)", cumulative("build_report", "office/report.py")),
             ("render_pdf", cumulative("render_pdf", "office/report.py")),
             ("of which weasyprint layout", cumulative("layout_document", "weasyprint/layout")),
             ("of which font subsetting", cumulative("_harfbuzz_subset", "weasyprint/pdf") + cumulative("_fonttools_subset", "weasyprint/pdf")),
             ("SQL", cumulative("execute", "django/db/backends/utils.py")),
             ("sending", cumulative("send", "django/core/mail/message.py"))]
    return f"{total:.2f} s profiled; " + ", ".join(f"{label} {seconds / total:.0%}" for label, seconds in steps) + "."


def reminder_sweep(items: int) -> str:
    """bench/reminder_sweep.py as it is; its lines, and the first run's time against the target."""
    due = max(1, items // 20)
    env = dict(os.environ)
    env.pop("SQLITE_PATH", None)  # its own file, var/bench_supervision.sqlite3
    finished = subprocess.run([sys.executable, str(ROOT / "bench" / "reminder_sweep.py"), "--items", str(items), "--due", str(due)],
                              env=env, capture_output=True, text=True, check=True)
    lines = [line for line in finished.stdout.splitlines() if line.strip()]
    first = next((line for line in lines if line.startswith("first run:")), "")
    seconds = float(re.search(r"([\d.]+) s", first).group(1)) if first else float("nan")
    met = "yes" if seconds <= SWEEP_TARGET else "**no**"
    return "\n".join([f"Reminder sweep (`bench/reminder_sweep.py --items {items} --due {due}`): first run {seconds:.2f} s, "
                      f"target {SWEEP_TARGET:g} s, met: {met}.", "", "```", *lines, "```"])


if __name__ == "__main__":
    main()
