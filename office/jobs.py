"""Queueing Celery tasks safely from request code.

Tasks are queued after the transaction commits (so the worker finds the rows),
and a broker that is down never breaks the request: the work is already kept in
the database (an outbox row) and a beat sweep picks it up when Redis returns.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> None:
    """Queue `task(*args)` when the current transaction commits (at once if none)."""

    def publish():
        try:
            task.apply_async(args=args, retry=False)
        except Exception as error:  # broker unreachable: the outbox sweep will do it
            logger.warning("could not queue %s%r (%s); left for the outbox sweep", task.name, args, error)

    transaction.on_commit(publish)
