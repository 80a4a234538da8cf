"""One notification service for every duty.

`notify()` writes one in-app Message per (event_key, recipient) — the unique
constraint makes a repeated or retried call a no-op — and one Delivery row per
extra channel (email now; the group-robot webhooks plug in the same way). The
Delivery rows are the outbox: a task sends each one after commit, and a beat
sweep sends whatever is still pending (Redis was down, a worker died).
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from office.models import Delivery, Message

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A delivery claimed this long ago by a worker that never finished is claimed again.
CLAIM_LEASE = datetime.timedelta(minutes=10)


class Channel:
    """A way to reach a person besides the inbox. Subclasses send one message."""

    key = ""
    label = ""

    def applies_to(self, user) -> bool:
        return True

    def send(self, message: Message) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    key = "email"
    label = "电子邮件"

    def applies_to(self, user) -> bool:
        return bool(user.email)

    def send(self, message: Message) -> None:
        from django.core.files.storage import default_storage

        body = message.body
        if message.link:
            body = f"{body}\n\n查看：{site_url(message.link)}"
        email = EmailMultiAlternatives(
            subject=message.subject, body=body, to=[message.recipient.email], from_email=settings.DEFAULT_FROM_EMAIL
        )
        for path in message.attachments:
            with default_storage.open(path, "rb") as handle:
                email.attach(path.rsplit("/", 1)[-1], handle.read())
        email.send()


_CHANNELS: dict[str, Channel] = {}


def channel_register(channel: Channel) -> None:
    _CHANNELS[channel.key] = channel


def channel_get(key: str) -> Channel | None:
    return _CHANNELS.get(key)


channel_register(EmailChannel())


def wants_channel(user, key: str) -> bool:
    """The person's own choice, within what the office requires (REQUIRED_CHANNELS)."""
    from office.models import ChannelPreference

    if key in settings.REQUIRED_CHANNELS:
        return True
    return not ChannelPreference.objects.filter(user=user, channel=key, enabled=False).exists()


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


@dataclass(frozen=True)
class NotifyResult:
    created: list[Message]
    deliveries: list[Delivery]


def notify(recipients, event_key: str, subject: str, body: str = "", link: str = "", attachments=(), channels=None) -> NotifyResult:
    """Tell each recipient once about `event_key` (e.g. "supervision:15:due-1").

    Recipients are users; inactive users and repeats are skipped. `channels` narrows
    the channels for this event (e.g. only the group robots). Returns what was new this
    time, so callers and tests can see a repeat did nothing.
    """
    from office.tasks import deliveries_send as deliveries_send_task

    created, deliveries = [], []
    seen = set()
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    recipient=user,
                    event_key=event_key,
                    subject=subject[:200],
                    body=body,
                    link=link,
                    attachments=list(attachments),
                )
        except IntegrityError:
            continue  # already told about this event
        created.append(message)
        for key in settings.NOTIFICATION_CHANNELS if channels is None else [k for k in channels if k in settings.NOTIFICATION_CHANNELS]:
            channel = channel_get(key)
            if channel is None or not channel.applies_to(user) or not wants_channel(user, key):
                continue
            delivery = Delivery.objects.create(message=message, channel=key)
            deliveries.append(delivery)
    if deliveries:
        from office.jobs import enqueue_ids

        enqueue_ids(deliveries_send_task, [delivery.pk for delivery in deliveries])
    return NotifyResult(created=created, deliveries=deliveries)


def _claimable() -> Q:
    stale = timezone.now() - CLAIM_LEASE
    return Q(status=Delivery.Status.PENDING) | Q(status=Delivery.Status.SENDING, claimed_at__lt=stale)


def delivery_send(delivery_id: int) -> bool:
    """Send one delivery if nobody else has; True when this call sent it."""
    claimed = (
        Delivery.objects.filter(_claimable(), pk=delivery_id)
        .update(status=Delivery.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return False
    delivery = Delivery.objects.select_related("message__recipient").get(pk=delivery_id)
    channel = channel_get(delivery.channel)
    if channel is None:
        Delivery.objects.filter(pk=delivery_id).update(status=Delivery.Status.SKIPPED, last_error="渠道未启用")
        return False
    try:
        channel.send(delivery.message)
    except Exception as error:  # any channel failure is retried by the sweep, then given up
        if getattr(error, "retry_later", False):  # e.g. a robot's rate limit: not a failed attempt
            Delivery.objects.filter(pk=delivery_id).update(status=Delivery.Status.PENDING, claimed_at=None,
                                                           attempts=F("attempts") - 1, last_error=str(error)[:2000])
            return False
        logger.warning("delivery %s via %s failed: %s", delivery_id, delivery.channel, error)
        status = Delivery.Status.FAILED if delivery.attempts >= MAX_ATTEMPTS else Delivery.Status.PENDING
        Delivery.objects.filter(pk=delivery_id).update(status=status, last_error=str(error)[:2000])
        return False
    Delivery.objects.filter(pk=delivery_id).update(status=Delivery.Status.SENT, sent_at=timezone.now(), last_error="")
    return True


def missing_recipients(event_key: str, users) -> list:
    """The users not yet told about event_key (one query), for sweeps that batch."""
    told = set(Message.objects.filter(event_key=event_key, recipient__in=users).values_list("recipient_id", flat=True))
    return [user for user in users if user.pk not in told]


def deliveries_flush(limit: int = 500) -> int:
    """Send deliveries still pending; returns how many were sent."""
    ids = list(Delivery.objects.filter(_claimable()).order_by("id").values_list("id", flat=True)[:limit])
    return sum(delivery_send(delivery_id) for delivery_id in ids)


def messages_mark_read(user, message_ids=None) -> int:
    unread = Message.objects.filter(recipient=user, read_at__isnull=True)
    if message_ids is not None:
        unread = unread.filter(pk__in=message_ids)
    return unread.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()
