"""作风 tasks: proposals from the day's events, the 通报 PDF, the end-of-day check."""

from celery import shared_task
from django.utils import timezone

from office.jobs import outbox_register, single_run
from office.tasks import TRANSIENT


@shared_task(**TRANSIENT)
@single_run(ttl=30 * 60)
def proposals_sweep_task() -> int:
    from conduct.services import proposals_sweep

    return proposals_sweep(timezone.localdate())


@shared_task(**TRANSIENT)
def bulletin_generate(entry_id: int) -> str:
    from conduct.pdf import bulletin_store

    return bulletin_store(entry_id)


@shared_task(**TRANSIENT)
@single_run(ttl=30 * 60)
def end_of_day_task() -> int:
    from conduct.services import end_of_day_send

    return end_of_day_send(timezone.localdate())


def _bulletins_pending(since, until):
    """通报 published whose PDF was not made (a Redis outage at request time)."""
    from conduct.models import ErrorEntry

    pending = ErrorEntry.objects.filter(published_at__gte=since, published_at__lt=until, bulletin="")
    return [(pk,) for pk in pending.values_list("pk", flat=True)]


outbox_register("conduct.bulletin", bulletin_generate, _bulletins_pending)
