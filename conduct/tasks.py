"""作风 tasks: proposals from the day's events, the 通报 PDF, the end-of-day check."""

from celery import shared_task
from django.utils import timezone

from office.tasks import TRANSIENT


@shared_task(**TRANSIENT)
def proposals_sweep_task() -> int:
    from conduct.services import proposals_sweep

    return proposals_sweep(timezone.localdate())


@shared_task(**TRANSIENT)
def bulletin_generate(entry_id: int) -> str:
    from conduct.pdf import bulletin_store

    return bulletin_store(entry_id)


@shared_task(**TRANSIENT)
def end_of_day_task() -> int:
    from conduct.services import end_of_day_send

    return end_of_day_send(timezone.localdate())
