"""Queueing Celery tasks safely from request code.

Tasks are queued after the transaction commits (so the worker finds the rows),
and a broker that is down never breaks the request: the work is already kept in
the database (an outbox row) and a beat sweep picks it up when Redis returns.
"""

import logging

from django.db import transaction

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
