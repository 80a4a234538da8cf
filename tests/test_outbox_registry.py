"""Every kind of queued work can be caught up after a Redis outage: each task that
request code queues has an outbox (office/jobs.py) or is re-derived by a beat sweep.
(The real outage, with Redis and a worker, is tests/test_faults.py.)"""

import datetime
import re

import pytest
from django.utils import timezone

from office import jobs
from office.models import Message
from supervision import services as supervision
from tests.services import ROOT

pytestmark = pytest.mark.django_db

# Queued only by beat sweeps that run again and re-derive their work, or outboxes themselves.
SWEPT = {
    "deliveries_send_task": "the same, imported under another name",
    "chase_send": "queued by the hourly 督办 reminder sweep, which queues it again while the item is overdue",
}


def queued_tasks() -> set[str]:
    """The task names passed to enqueue()/enqueue_ids() anywhere in the apps."""
    names = set()
    for path in ROOT.glob("*/*.py"):
        if path.parts[-2] in {"tests", "bench", ".venv"} or path.name == "jobs.py":
            continue
        names.update(re.findall(r"\benqueue(?:_ids)?\((\w+)", path.read_text()))
    return names


def test_every_queued_task_has_an_outbox_or_a_sweep():
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")  # the apps register their outboxes next to their tasks
    registered = {outbox.task.__name__ for outbox in jobs._OUTBOXES.values()}
    queued = queued_tasks()
    assert {"assignment_notice_send", "document_generate", "outgoing_print_pdf", "bulletin_generate"} <= queued
    missing = queued - registered - set(SWEPT)
    assert missing == set(), f"queued without an outbox (office/jobs.py outbox_register): {missing}"


def test_an_assignment_nobody_was_told_of_is_pending_until_told(office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from supervision.tasks import _assignments_pending, assignment_notice_send

    item = supervision.item_register(
        actor=office.staff, title="落实审议意见", requirements="按期报送。", source="other", urgency="normal",
        lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader,
    )
    item = supervision.item_assign(item=item, actor=office.staff)  # its message never reached a worker
    now = timezone.now()
    window = (now - datetime.timedelta(days=2), now + datetime.timedelta(seconds=1))
    assert list(_assignments_pending(*window)) == [(item.pk,)]
    # Not yet: within the grace period the first message may still be on its way.
    assert list(_assignments_pending(now - datetime.timedelta(days=2), now - datetime.timedelta(minutes=5))) == []

    assert assignment_notice_send(item.pk) == 1  # what the re-queued task does
    assert Message.objects.filter(event_key__startswith=f"supervision:{item.pk}:assigned:").count() == 1
    assert list(_assignments_pending(*window)) == []
    assert assignment_notice_send(item.pk) == 0  # and once more changes nothing
