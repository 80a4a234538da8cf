"""The notification service: inbox, email through a real SMTP server, once per event."""

from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from office import notifications
from office.models import Delivery, Message


@pytest.fixture
def smtp_settings(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.hostname
    settings.EMAIL_PORT = smtp_server.port
    settings.NOTIFICATION_CHANNELS = ["email"]
    return smtp_server


def subject_of(envelope) -> str:
    return str(make_header(decode_header(message_from_bytes(envelope.content)["Subject"])))


def test_notify_writes_inbox_message_and_pending_email(office, settings):
    settings.NOTIFICATION_CHANNELS = ["email"]
    result = notifications.notify([office.staff, office.director], "test:1", "督办事项即将到期", "正文", "/supervision/")
    assert {m.recipient for m in result.created} == {office.staff, office.director}
    assert Delivery.objects.filter(status=Delivery.Status.PENDING, channel="email").count() == 2
    assert notifications.unread_count(office.staff) == 1


def test_same_event_twice_is_one_message_and_one_email(office, smtp_settings, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=False):
            notifications.notify([office.staff], "supervision:15:due-1", "明天到期", "请按期办结")
    assert Message.objects.filter(recipient=office.staff, event_key="supervision:15:due-1").count() == 1
    assert notifications.deliveries_flush() == 1
    assert notifications.deliveries_flush() == 0  # nothing left to send
    envelopes = smtp_settings.handler.envelopes
    assert len(envelopes) == 1
    assert envelopes[0].rcpt_tos == [office.staff.email]
    assert subject_of(envelopes[0]) == "明天到期"


def test_delivery_claimed_once_even_if_sent_twice(office, smtp_settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        result = notifications.notify([office.leader], "test:claim", "主题")
    delivery_id = result.deliveries[0].pk
    assert notifications.delivery_send(delivery_id) is True
    assert notifications.delivery_send(delivery_id) is False
    assert len(smtp_settings.handler.envelopes) == 1
    assert Delivery.objects.get(pk=delivery_id).status == Delivery.Status.SENT


def test_email_carries_link_and_attachment(office, smtp_settings, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    path = default_storage.save("notices/交办通知单.pdf", ContentFile(b"%PDF-1.4 test"))
    with django_capture_on_commit_callbacks(execute=False):
        notifications.notify([office.staff], "test:attach", "交办通知", "请查收", "/supervision/1/", attachments=[path])
    notifications.deliveries_flush()
    parsed = message_from_bytes(smtp_settings.handler.envelopes[0].content)
    parts = list(parsed.walk())
    text = next(p for p in parts if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert "请查收" in text and "/supervision/1/" in text
    attachment = next(p for p in parts if p.get_filename())
    assert attachment.get_payload(decode=True) == b"%PDF-1.4 test"


def test_failed_email_is_kept_and_retried_then_given_up(office, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens on port 1
    settings.NOTIFICATION_CHANNELS = ["email"]
    with django_capture_on_commit_callbacks(execute=False):
        result = notifications.notify([office.staff], "test:fail", "主题")
    delivery = result.deliveries[0]
    for attempt in range(1, notifications.MAX_ATTEMPTS + 1):
        assert notifications.delivery_send(delivery.pk) is False
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        assert delivery.last_error
    assert delivery.status == Delivery.Status.FAILED
    assert notifications.deliveries_flush() == 0


def test_inactive_users_and_users_without_email(office, settings):
    settings.NOTIFICATION_CHANNELS = ["email"]
    office.driver.is_active = False
    office.driver.save()
    office.canteen.email = ""
    office.canteen.save()
    result = notifications.notify([office.driver, office.canteen, office.canteen], "test:skip", "主题")
    assert [m.recipient for m in result.created] == [office.canteen]
    assert result.deliveries == []  # no address, inbox only


def test_broker_down_keeps_the_delivery_pending(office, settings, django_capture_on_commit_callbacks):
    """Redis unreachable: the request still succeeds and the outbox keeps the work."""
    settings.NOTIFICATION_CHANNELS = ["email"]
    from office.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = notifications.notify([office.staff], "test:down", "主题")
    finally:
        app.conf.broker_url = previous
    assert Delivery.objects.get(pk=result.deliveries[0].pk).status == Delivery.Status.PENDING


def test_deliveries_of_one_transaction_are_queued_as_one_message(office, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_CHANNELS = ["email"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = notifications.notify([office.staff], "batch:1", "一")
        second = notifications.notify([office.director, office.leader], "batch:2", "二")
    assert len(callbacks) == 1
    queued = callbacks[0].ids
    assert queued == [d.pk for d in first.deliveries + second.deliveries]
