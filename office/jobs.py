"""Queueing Celery tasks safely from request code.

Tasks are queued after the transaction commits (so the worker finds the rows),
and a broker that is down never breaks the request: the work is already kept in
the database (an outbox row) and a beat sweep picks it up when Redis returns.
"""

import datetime
import functools
import logging
import uuid
from dataclasses import dataclass
from typing import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


def _publish(task, args) -> None:
    try:
        task.apply_async(args=args, retry=False)
    except Exception as error:  # broker unreachable: the outbox sweep will do it
        logger.warning("could not queue %s (%s); left for the outbox sweep", task.name, error)


def enqueue(task, *args) -> None:
    """Queue `task(*args)` when the current transaction commits (at once if none)."""
    transaction.on_commit(lambda: _publish(task, args))


class _Batch:
    def __init__(self, task):
        self.task = task
        self.ids: list[int] = []

    def __call__(self):
        for start in range(0, len(self.ids), BATCH_SIZE):
            _publish(self.task, (self.ids[start : start + BATCH_SIZE],))


def enqueue_ids(task, ids) -> None:
    """Queue `task(ids)` at commit, one message per BATCH_SIZE ids for the whole
    transaction: a sweep that notifies thousands publishes a handful of messages."""
    ids = list(ids)
    if not ids:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _publish(task, (ids,))
        return
    batches = connection.__dict__.setdefault("_office_id_batches", {})
    batch = batches.get(task.name)
    # A batch whose callback was discarded (rolled back, or already run) starts anew.
    if batch is None or not any(callback is batch for _, callback, _ in connection.run_on_commit):
        batch = _Batch(task)
        batches[task.name] = batch
        transaction.on_commit(batch)
    batch.ids.extend(ids)


# --- catch-up: work whose message never reached Redis ----------------------------
#
# Every kind of queued work leaves a row behind that says it is still to do (a
# MeetingDocument still pending, a printed document without its PDF, a 交办 without
# its message...). Each app registers how to find those rows; one beat task
# (`office.tasks.outbox_catch_up_task`) queues them again. Tasks are idempotent, so
# queueing one that is merely slow does no harm.


@dataclass(frozen=True)
class Outbox:
    name: str
    task: object
    pending: Callable  # (since, until) -> iterable of argument tuples for `task`


_OUTBOXES: dict[str, Outbox] = {}

# Rows older than this are given up on (looked at by hand instead of retried forever).
CATCH_UP_WINDOW = datetime.timedelta(days=2)


def outbox_register(name: str, task, pending: Callable) -> None:
    """`pending(since, until)` yields the args of work queued between those times
    and not done yet; the catch-up sweep queues `task(*args)` for each."""
    _OUTBOXES[name] = Outbox(name, task, pending)


def outbox_catch_up(now: datetime.datetime | None = None) -> dict[str, int]:
    """Queue again what each registered outbox still shows as pending after
    OUTBOX_CATCH_UP_MINUTES; returns how many per outbox."""
    autodiscover_modules("tasks")  # the apps register their outboxes next to their tasks
    now = now or timezone.now()
    until = now - datetime.timedelta(minutes=settings.OUTBOX_CATCH_UP_MINUTES)
    counts = {}
    for outbox in _OUTBOXES.values():
        pending = list(outbox.pending(now - CATCH_UP_WINDOW, until))
        for args in pending:
            _publish(outbox.task, tuple(args))
        counts[outbox.name] = len(pending)
    return counts


# --- one run at a time -------------------------------------------------------------


def _redis():
    import redis

    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2)


def single_run(ttl: int):
    """Decorate a beat task so two copies never run at once (a second beat, a message
    delivered twice): the later one returns None. The lock lives in Redis for at most
    `ttl` seconds (a killed worker's lock expires) and is released when the run ends,
    so a later repeat still runs, and finds nothing left to do (tasks are idempotent).
    The lock never outlives the broker's visibility timeout: by then a killed worker's
    task is handed to another worker, which must not find it locked."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            import redis

            key = f"office:single-run:{function.__module__}.{function.__qualname__}"
            token = uuid.uuid4().hex
            try:
                client = _redis()
                seconds = min(ttl, settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", ttl))
                acquired = client.set(key, token, nx=True, ex=seconds)
            except redis.RedisError as error:  # no Redis (a run by hand): idempotency still holds
                logger.warning("single_run lock for %s unavailable (%s); running anyway", key, error)
                return function(*args, **kwargs)
            if not acquired:
                logger.info("%s is already running elsewhere; skipped", key)
                return None
            try:
                return function(*args, **kwargs)
            finally:
                try:
                    client.eval(_RELEASE, 1, key, token)
                except redis.RedisError:
                    pass  # expires by itself

        return wrapper

    return decorate


# Delete the lock only if it is still ours (it may have expired and been taken).
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


# Helpers for the apps' `pending` functions.


def steps_between(model, actions, since, until):
    """WorkflowLog rows of `model` for `actions` recorded in [since, until)."""
    from django.contrib.contenttypes.models import ContentType

    from office.models import WorkflowLog

    return WorkflowLog.objects.filter(
        content_type=ContentType.objects.get_for_model(model), action__in=actions, at__gte=since, at__lt=until
    )


def keys_told(keys) -> set[str]:
    """Which of these notification event keys already have a message."""
    from office.models import Message

    return set(Message.objects.filter(event_key__in=list(keys)).values_list("event_key", flat=True))
