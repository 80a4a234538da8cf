"""Celery tasks of the core: they take ids, re-read rows and are idempotent."""

from celery import shared_task
from django.db import OperationalError

from office import notifications
from office.jobs import outbox_catch_up, single_run

# Retry only what a moment later may succeed: a locked or unreachable database.
TRANSIENT = {"acks_late": True, "autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


@shared_task(**TRANSIENT)
def delivery_send(delivery_id: int) -> bool:
    return notifications.delivery_send(delivery_id)


@shared_task(**TRANSIENT)
def deliveries_send(delivery_ids: list[int]) -> int:
    return sum(notifications.delivery_send(delivery_id) for delivery_id in delivery_ids)


@shared_task(**TRANSIENT)
@single_run(ttl=55)
def deliveries_flush() -> int:
    return notifications.deliveries_flush()


@shared_task(**TRANSIENT)
def notify_task(user_ids: list[int], event_key: str, subject: str, body: str = "", link: str = "") -> int:
    """Notify from a worker (used by sweeps and by tests of the pipeline)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=user_ids)
    return len(notifications.notify(users, event_key, subject, body, link).created)


@shared_task(**TRANSIENT)
@single_run(ttl=15 * 60)
def nightly_report_task(catch_up_only: bool = False) -> int:
    """The nightly report (工作日报); the hourly run only sends missed or unsent ones."""
    from django.utils import timezone

    from office.report import nightly_report_send

    return nightly_report_send(timezone.localdate(), timezone.now(), catch_up_only=catch_up_only)


@shared_task(**TRANSIENT)
@single_run(ttl=4 * 60)
def outbox_catch_up_task() -> dict:
    """Queue again the work queued while Redis was down and still not done."""
    return outbox_catch_up()
