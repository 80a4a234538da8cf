"""Benchmark: a Celery worker's memory over 1,000 PDF tasks.

    .venv/bin/python bench/worker_memory.py [--tasks 1000] [--concurrency 2] [--no-results]

Starts a throwaway Redis (tests/services.py) and a real `celery -A office worker`
with the production pool (prefork, --concurrency children), on the data of
bench/pdfs.py (var/bench/pdfs.sqlite3). Queues the apps' own PDF tasks in turn:
meetings.tasks.document_generate for each of the seven meeting papers of a
60-member meeting (桌签, 座次图, 签到表 …) and documents.tasks.outgoing_print_pdf for
a two-page GB/T 9704 document. After 100, 500 and 1,000 tasks (queue drained) it
reads each pool child's VmRSS and Pss (/proc/<pid>/status, smaps_rollup) and
reports the growth from 100 to 1,000; target: within 20 %.
Writes "## Worker memory" in bench/RESULTS.md.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import BENCH_VAR, ROOT, load_average, machine, markdown_table, results_section_write  # noqa: E402

CHECKPOINTS = (100, 500, 1000)
GROWTH_LIMIT = 0.20


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--reports", type=int, default=300, help="nightly-report PDFs per weasyprint process; 0 skips them")
    parser.add_argument("--no-results", action="store_true", help="print only; leave bench/RESULTS.md alone")
    parser.add_argument("--weasyprint-child", choices=["new", "kept"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.weasyprint_child:
        return weasyprint_child(args.weasyprint_child, args.reports)
    checkpoints = sorted({*(c for c in CHECKPOINTS if c < args.tasks), args.tasks})

    from measure import django_setup
    from pdfs import bench_data

    django_setup("pdfs.sqlite3", media="worker-media")  # tasks inline while the data are made
    meeting_id, document_id = bench_data()
    jobs = task_list(meeting_id, document_id)

    from tests.services import RedisServer, wait_for

    redis = RedisServer(Path(tempfile.mkdtemp(prefix="bench-redis-")))
    redis.start()
    worker = log = None
    try:
        from office.celery import app

        app.conf.broker_url, app.conf.task_always_eager = redis.url, False
        log_path = BENCH_VAR / "worker_memory.log"
        log = open(log_path, "w")
        env = dict(os.environ, CELERY_BROKER_URL=redis.url, CELERY_TASK_ALWAYS_EAGER="false", PYTHONPATH=str(ROOT))
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "office", "worker", "--pool", "prefork", "--concurrency", str(args.concurrency),
             "--loglevel", "INFO", "--without-mingle", "--without-gossip", "--hostname", "bench-memory@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: "ready." in log_path.read_text() or worker.poll() is not None, 120, "celery worker")
        if worker.poll() is not None:
            raise SystemExit("celery worker died:\n" + log_path.read_text())
        children = wait_for(lambda: len(pool_children(worker.pid)) >= args.concurrency and pool_children(worker.pid), 60, "pool")
        samples = {0: memory_of(children)}
        main_at_start = memory_of([worker.pid])[worker.pid]
        queued, started = 0, time.perf_counter()
        for checkpoint in checkpoints:
            while queued < checkpoint:
                task, task_id = jobs[queued % len(jobs)]
                task.delay(task_id)
                queued += 1
            wait_for(lambda: drained(redis.url), 1800, f"{checkpoint} tasks")
            if set(pool_children(worker.pid)) != set(children):
                raise SystemExit("the pool replaced a child (max tasks or memory per child?): RSS would not be comparable")
            samples[checkpoint] = memory_of(children)
        elapsed = time.perf_counter() - started
        main_at_end = memory_of([worker.pid])[worker.pid]
        failures = log_path.read_text().count(" ERROR/")
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            worker.wait(30)
        if log is not None:
            log.close()
        redis.stop()

    body = summary(args, checkpoints, children, samples, main_at_start, main_at_end, elapsed, failures, len(jobs))
    if args.reports:
        body += "\n\n" + weasyprint_memory(args.reports)
    print(body)
    if not args.no_results:
        results_section_write("Worker memory", body)


REPORT_CHECKPOINTS = (1, 10, 50, 100, 200, 300, 500, 1000)


def weasyprint_child(mode: str, renders: int) -> None:
    """Render the nightly report `renders` times in this process; print RSS (MB) at checkpoints as JSON."""
    import json

    from measure import django_setup

    django_setup("pdfs.sqlite3", media="worker-media")
    from django.template.loader import render_to_string
    from django.utils import timezone
    from weasyprint import HTML

    from office import report as nightly
    from office.pdf import html_pdf

    report = nightly.build_report(timezone.localdate(), nightly.recipients().first())
    html = render_to_string("office/report_email.html", nightly._context(report, for_pdf=True))
    samples = {}
    for number in range(1, renders + 1):
        if mode == "new":
            HTML(string=html).write_pdf()  # weasyprint's default: a new FontConfiguration per PDF
        else:
            html_pdf(html)
        if number in REPORT_CHECKPOINTS or number == renders:
            samples[number] = memory_of([os.getpid()])[os.getpid()][0] // 1024
    print(json.dumps(samples))


def weasyprint_memory(renders: int) -> str:
    """RSS of one process making report PDFs, with a new font configuration per PDF and with the kept one."""
    import json

    rows = []
    for mode, label in (("new", "new FontConfiguration per PDF (before)"), ("kept", "one kept per thread (office.pdf.html_pdf)")):
        finished = subprocess.run([sys.executable, __file__, "--weasyprint-child", mode, "--reports", str(renders)],
                                  capture_output=True, text=True, check=True)
        samples = json.loads(finished.stdout.strip().splitlines()[-1])
        rows.append((label, samples))
    header = ["weasyprint, RSS after reports"] + list(rows[0][1])
    table = markdown_table(header, [[label] + [f"{mb} MB" for mb in samples.values()] for label, samples in rows])
    return (f"The nightly report's weasyprint PDF, {renders} times in one process (a worker sends them every evening; "
            "the report page renders them on demand):\n\n" + table)


def task_list(meeting_id: int, document_id: int) -> list:
    """(task, id) for every PDF the worker makes for the bench meeting and document."""
    from django.contrib.auth import get_user_model

    from documents.tasks import outgoing_print_pdf
    from meetings.models import MeetingDocument
    from meetings.tasks import document_generate

    staff = get_user_model().objects.get(username="staff")
    jobs = []
    for kind in MeetingDocument.DocKind.values:
        row, _ = MeetingDocument.objects.get_or_create(meeting_id=meeting_id, doc_kind=kind, defaults={"requested_by": staff})
        jobs.append((document_generate, row.pk))
    jobs.append((outgoing_print_pdf, document_id))
    return jobs


def pool_children(parent: int) -> list[int]:
    children = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if int(fields.get("PPid", "0").strip()) == parent:
            children.append(int(status.parent.name))
    return sorted(children)


def memory_of(pids: list[int]) -> dict[int, tuple[int, int]]:
    """pid → (VmRSS, Pss) in kB."""
    result = {}
    for pid in pids:
        rss = pss = 0
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
        result[pid] = (rss, pss)
    return result


def drained(url: str) -> bool:
    """No message waiting in the queue nor taken and not yet acknowledged (acks_late)."""
    import redis

    client = redis.Redis.from_url(url)
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


def summary(args, checkpoints, children, samples, main_at_start, main_at_end, elapsed, failures, kinds) -> str:
    def mb(kb: int) -> str:
        return f"{kb / 1024:.0f} MB"

    header = ["after tasks"] + [f"child {n + 1} RSS (Pss)" for n in range(len(children))] + ["total RSS"]
    rows = []
    for checkpoint in [0, *checkpoints]:
        values = [samples[checkpoint][pid] for pid in children]
        rows.append([checkpoint or "0 (ready)"] + [f"{mb(rss)} ({mb(pss)})" for rss, pss in values]
                    + [mb(sum(rss for rss, _ in values))])
    first, last = checkpoints[0], checkpoints[-1]
    growths = [(samples[last][pid][0] - samples[first][pid][0]) / samples[first][pid][0] for pid in children]
    worst = max(growths)
    met = "yes" if worst <= GROWTH_LIMIT else "**no**"
    return "\n\n".join([
        f"`bench/worker_memory.py --tasks {args.tasks} --concurrency {args.concurrency}` on {machine()}, {load_average()}.",
        f"A prefork worker with {len(children)} children made {args.tasks} PDFs ({kinds} kinds in turn: the seven meeting "
        f"papers of a 60-member meeting and a two-page GB/T 9704 document) in {elapsed:.0f} s; {failures} task errors logged.",
        markdown_table(header, rows),
        f"Growth of each child's RSS from {first} to {last} tasks: "
        + ", ".join(f"{growth:+.1%}" for growth in growths) + f"; target within {GROWTH_LIMIT:.0%}: {met}. "
        f"Main process: {mb(main_at_start[0])} RSS at start, {mb(main_at_end[0])} at the end. Pss counts pages shared "
        "with the main process (the fonts it parsed before forking, office/celery.py) once, split between their sharers.",
    ])


if __name__ == "__main__":
    main()
