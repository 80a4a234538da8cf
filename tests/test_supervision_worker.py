"""The 催办 path for real: a Redis server, a Celery worker process, an SMTP server."""

import datetime
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.core.files.storage import default_storage
from kombu import Connection

from office import calendar
from office.models import Delivery, Message
from supervision import services
from supervision.models import State, SupervisionItem
from supervision.tasks import chase_send
from tests.services import CeleryWorker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

D = datetime.date


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def worker(redis_server, smtp_server, media, tmp_path):
    process = CeleryWorker(
        redis_server.url,
        tmp_path / "worker.log",
        extra_env={
            "EMAIL_HOST": smtp_server.hostname,
            "EMAIL_PORT": str(smtp_server.port),
            "NOTIFICATION_CHANNELS": "email",
            "MEDIA_ROOT": str(media),
        },
    )
    process.start()
    try:
        yield process
    finally:
        process.stop()


def send(task, broker_url, *args):
    with Connection(broker_url) as connection:
        task.apply_async(args=args, connection=connection)


def decoded(value: str) -> str:
    return str(make_header(decode_header(value)))


def test_worker_chases_an_overdue_item_once(office, worker, redis_server, smtp_server, media):
    item = services.item_register(
        actor=office.staff, title="落实审议意见", requirements="按期报送办理情况。", source="other", urgency="normal",
        lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader,
    )
    # Assigned Mon 11-16, normal → due Wed 11-25. Set directly rather than through
    # item_assign: with transaction=True its commit would publish the 交办 notice
    # to this process's configured broker, not to the test's Redis.
    SupervisionItem.objects.filter(pk=item.pk).update(
        state=State.IN_PROGRESS, assigned_on=D(2026, 11, 16), deadline=D(2026, 11, 25), original_deadline=D(2026, 11, 25)
    )
    item = SupervisionItem.objects.get(pk=item.pk)

    # Thu 11-26: overdue by one working day. Sent twice, as a retried or doubly
    # queued task would be.
    send(chase_send, redis_server.url, [item.pk], "2026-11-26")
    send(chase_send, redis_server.url, [item.pk], "2026-11-26")

    key = f"supervision:{item.pk}:overdue:2026-11-26"
    message = wait_for(lambda: Message.objects.filter(event_key=key).first(), 30, "the chase message")
    wait_for(lambda: Delivery.objects.filter(message=message, status=Delivery.Status.SENT).exists(), 30, "the email")
    # Both chase_send runs and the deliveries_send run have finished.
    wait_for(lambda: worker.log_path.read_text().count("succeeded") >= 3, 30, "all tasks")
    # The first run chased one person, the repeat nobody.
    results = sorted(
        line.rsplit(":", 1)[1].strip()
        for line in worker.log_path.read_text().splitlines()
        if "supervision.tasks.chase_send[" in line and "succeeded" in line
    )
    assert results == ["0", "1"]

    assert list(Message.objects.filter(event_key__contains=":overdue:").values_list("recipient", flat=True)) == [office.liaison_a.pk]
    assert message.recipient == office.liaison_a
    assert message.subject == f"催办通知：{item.number}已逾期1个工作日"
    [path] = message.attachments
    assert path.endswith(".pdf")
    assert default_storage.exists(path)
    assert (media / path).read_bytes().startswith(b"%PDF-")

    assert len(smtp_server.handler.envelopes) == 1
    envelope = smtp_server.handler.envelopes[0]
    assert envelope.rcpt_tos == [office.liaison_a.email]
    email = message_from_bytes(envelope.content)
    assert decoded(email["Subject"]) == message.subject
    attachments = [part for part in email.walk() if part.get_content_disposition() == "attachment"]
    assert len(attachments) == 1
    assert attachments[0].get_payload(decode=True).startswith(b"%PDF-")
    assert decoded(attachments[0].get_filename()).endswith(".pdf")
