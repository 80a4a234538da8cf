"""The Celery pipeline for real: a Redis server, a worker process, an SMTP server."""

import pytest
from kombu import Connection

from office.models import Delivery, Message
from office.tasks import notify_task
from tests.services import CeleryWorker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(redis_server, smtp_server, tmp_path):
    process = CeleryWorker(
        redis_server.url,
        tmp_path / "worker.log",
        extra_env={"EMAIL_HOST": smtp_server.hostname, "EMAIL_PORT": str(smtp_server.port), "NOTIFICATION_CHANNELS": "email"},
    )
    process.start()
    try:
        yield process
    finally:
        process.stop()


def send(task, broker_url, *args):
    with Connection(broker_url) as connection:
        task.apply_async(args=args, connection=connection)


def test_worker_writes_notification_and_sends_email_once(office, worker, redis_server, smtp_server):
    args = ([office.staff.pk], "pipeline:1", "督办提醒", "明天到期", "/supervision/")
    send(notify_task, redis_server.url, *args)
    send(notify_task, redis_server.url, *args)  # a repeat, as a retried task would be

    message = wait_for(lambda: Message.objects.filter(event_key="pipeline:1").first(), 30, "the worker's message")
    assert message.recipient == office.staff
    assert message.subject == "督办提醒"
    wait_for(lambda: Delivery.objects.filter(message=message, status=Delivery.Status.SENT).exists(), 30, "the email")
    wait_for(lambda: "notify_task" in worker.log_path.read_text() and worker.log_path.read_text().count("succeeded") >= 3, 30, "all tasks")

    assert Message.objects.filter(event_key="pipeline:1").count() == 1
    assert len(smtp_server.handler.envelopes) == 1
    assert smtp_server.handler.envelopes[0].rcpt_tos == [office.staff.email]
