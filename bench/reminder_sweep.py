"""Benchmark: the 督办 reminder sweep over 100,000 items, 5,000 of them due or overdue.

    .venv/bin/python bench/reminder_sweep.py [--items 100000] [--due 5000] [--seed 7]

Uses its own SQLite file (var/bench_supervision.sqlite3, or DATABASE_URL) and a
throwaway Redis server, so queueing the chases is part of what is measured.
Prints the sweep's wall time, its queries, and its peak Python memory.
"""

import argparse
import os
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")
os.environ.setdefault("SQLITE_PATH", str(ROOT / "var" / "bench_supervision.sqlite3"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from tests.services import RedisServer  # a real, throwaway broker

    import tempfile

    redis_dir = Path(tempfile.mkdtemp())
    redis = RedisServer(redis_dir)
    redis.start()
    os.environ["CELERY_BROKER_URL"] = redis.url
    try:
        run(args)
    finally:
        redis.stop()


def run(args):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from office import calendar
    from office.models import Message
    from supervision.models import SupervisionItem
    from supervision.reminders import reminders_sweep

    call_command("migrate", verbosity=0)
    if SupervisionItem.objects.count() != args.items:
        generate(args)
    today = timezone.localdate()
    while not calendar.is_working_day(today):
        today = calendar.next_working_day(today)
    Message.objects.filter(event_key__startswith="supervision:").delete()

    def measure(label, trace_memory=False):
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(1)
            return execute(sql, params, many, context)

        if trace_memory:
            tracemalloc.start()
        started = time.perf_counter()
        with connection.execute_wrapper(count):
            result = reminders_sweep(today)
        elapsed = time.perf_counter() - started
        memory = ""
        if trace_memory:
            memory = f", peak Python memory {tracemalloc.get_traced_memory()[1] / 1e6:.1f} MB (traced run; time inflated)"
            tracemalloc.stop()
        print(
            f"{label}: {elapsed:.2f} s, {len(queries)} queries{memory}; examined {result.examined}, "
            f"due-1 {result.due_soon}, due {result.due_today}, chases queued {result.chases_queued}"
        )

    measure("first run")
    measure("second run (nothing new)")
    Message.objects.filter(event_key__startswith="supervision:").delete()
    measure("first run again", trace_memory=True)
    print(f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"{SupervisionItem.objects.count()} items, {connection.vendor}")


def generate(args):
    """Ten years of items: most closed long ago, `due` open ones near or past their deadline."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.utils import timezone

    from office import calendar
    from office.models import Person, Unit
    from office.roles import Role, roles_sync
    from supervision.models import State, SupervisionItem

    rng = random.Random(args.seed)
    SupervisionItem.objects.all().delete()
    roles_sync()
    User = get_user_model()
    units = [Unit.objects.get_or_create(name=f"基准工委{i}", defaults={"short_name": f"工委{i}"})[0] for i in range(12)]
    liaison_group = Group.objects.get(name=Role.LIAISON)
    for unit in units:
        for n in range(2):
            user, _ = User.objects.get_or_create(username=f"bench-{unit.pk}-{n}", defaults={"email": f"b{unit.pk}{n}@x.example"})
            user.groups.add(liaison_group)
            Person.objects.get_or_create(user=user, defaults={"name": f"联络员{unit.pk}-{n}", "unit": unit})
    staff, _ = User.objects.get_or_create(username="bench-staff")
    leader, _ = User.objects.get_or_create(username="bench-leader", defaults={"email": "leader@x.example"})

    today = timezone.localdate()
    horizon = calendar.next_working_day(today)
    closed_total = args.items - args.due
    rows = []
    start = time.perf_counter()
    for serial in range(1, args.items + 1):
        open_item = serial > closed_total
        if open_item:
            deadline = today - datetime.timedelta(days=rng.randint(-1, 30)) if rng.random() < 0.8 else horizon
            deadline = min(deadline, horizon)
            state = rng.choice([State.ASSIGNED, State.IN_PROGRESS])
            assigned = deadline - datetime.timedelta(days=10)
            reported = closed = None
        else:
            assigned = today - datetime.timedelta(days=rng.randint(40, 3650))
            deadline = assigned + datetime.timedelta(days=rng.choice([5, 9, 21]))
            reported = deadline - datetime.timedelta(days=rng.randint(-3, 4))
            closed = reported + datetime.timedelta(days=2)
            state = State.CLOSED
        rows.append(SupervisionItem(
            year=2000 + serial // 10_000, serial=serial, title=f"基准事项{serial}", requirements="按期办结",
            source="other", urgency="normal", lead_unit=rng.choice(units), supervisor=staff, leader=leader,
            registered_by=staff, state=state, assigned_on=assigned, deadline=deadline, original_deadline=deadline,
            reported_on=reported, closed_on=closed,
        ))
        if len(rows) == 5000:
            with transaction.atomic():
                SupervisionItem.objects.bulk_create(rows)
            rows = []
    if rows:
        SupervisionItem.objects.bulk_create(rows)
    print(f"generated {args.items} items ({args.due} open) in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
