"""办事 tasks: the kitchen's headcount at each cutoff, vehicle paper reminders."""

import datetime

from celery import shared_task
from django.utils import timezone

from office.jobs import single_run
from office.tasks import TRANSIENT


@shared_task(**TRANSIENT)
def headcount_send(day: str, meal: str) -> int:
    """At a meal's cutoff: the headcount sheet PDF to the canteen keeper, once."""
    from logistics import reminders

    return reminders.headcount_send(datetime.date.fromisoformat(day), meal)


@shared_task(**TRANSIENT)
@single_run(ttl=4 * 60)
def headcount_due() -> int:
    """Beat calls this every few minutes; it sends the sheet of each meal whose cutoff
    has passed today (and not yet been sent)."""
    from logistics import reminders

    return reminders.headcount_due(timezone.now())


@shared_task(**TRANSIENT)
@single_run(ttl=30 * 60)
def vehicle_papers_sweep() -> int:
    from logistics import reminders

    return reminders.vehicle_papers(timezone.localdate())
