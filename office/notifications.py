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


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


@dataclass(frozen=True)
class NotifyResult:
    created: list[Message]
    deliveries: list[Delivery]


@dataclass(frozen=True)
class Notice:
    """One event to tell some people about, for `notify_many`."""

    recipients: list
    event_key: str
    subject: str
    body: str = ""
    link: str = ""
    attachments: tuple = ()
    channels: list | None = None


def notify(recipients, event_key: str, subject: str, body: str = "", link: str = "", attachments=(), channels=None) -> NotifyResult:
    """Tell each recipient once about `event_key` (e.g. "supervision:15:due-1").

    Recipients are users; inactive users and repeats are skipped. `channels` narrows
    the channels for this event (e.g. only the group robots). Returns what was new this
    time, so callers and tests can see a repeat did nothing.
    """
    return notify_many([Notice(list(recipients), event_key, subject, body, link, tuple(attachments), channels)])


def notify_many(notices) -> NotifyResult:
    """`notify` for many events at once (a sweep's batch): the messages and deliveries are
    written in a few queries whatever their number, and queued in one message per batch."""
    from office.models import ChannelPreference
    from office.tasks import deliveries_send as deliveries_send_task

    planned = []  # (notice, user)
    for notice in notices:
        seen = set()
        for user in notice.recipients:
            if user is None or not user.is_active or user.pk in seen:
                continue
            seen.add(user.pk)
            planned.append((notice, user))
    if not planned:
        return NotifyResult(created=[], deliveries=[])
    told = set(
        Message.objects.filter(event_key__in={notice.event_key for notice, _ in planned},
                               recipient__in={user.pk for _, user in planned})
        .values_list("event_key", "recipient_id")
    )
    planned = [(notice, user) for notice, user in planned if (notice.event_key, user.pk) not in told]
    created = _messages_create(planned)

    opted_out = set(
        ChannelPreference.objects.filter(user__in={message.recipient_id for _, message in created}, enabled=False)
        .values_list("user_id", "channel")
    )
    applies: dict[tuple[int, str], bool] = {}  # a person's channels, asked once per call
    deliveries = []
    for notice, message in created:
        user = message.recipient
        keys = settings.NOTIFICATION_CHANNELS if notice.channels is None else [k for k in notice.channels if k in settings.NOTIFICATION_CHANNELS]
        for key in keys:
            channel = channel_get(key)
            if channel is None:
                continue
            if (user.pk, key) not in applies:
                applies[user.pk, key] = channel.applies_to(user) and (key in settings.REQUIRED_CHANNELS or (user.pk, key) not in opted_out)
            if applies[user.pk, key]:
                deliveries.append(Delivery(message=message, channel=key))
    if deliveries:
        from office.jobs import enqueue_ids

        deliveries = Delivery.objects.bulk_create(deliveries)
        enqueue_ids(deliveries_send_task, [delivery.pk for delivery in deliveries])
    return NotifyResult(created=[message for _, message in created], deliveries=deliveries)


def _messages_create(planned) -> list:
    """(notice, Message) for each (notice, user) newly told. One insert; if someone else told
    one of them meanwhile (a concurrent run), row by row, skipping those already told."""
    def message(notice, user):
        return Message(recipient=user, event_key=notice.event_key, subject=notice.subject[:200], body=notice.body,
                       link=notice.link, attachments=list(notice.attachments))

    try:
        with transaction.atomic():
            messages = Message.objects.bulk_create([message(notice, user) for notice, user in planned])
        return list(zip((notice for notice, _ in planned), messages))
    except IntegrityError:
        pass
    created = []
    for notice, user in planned:
        try:
            row = message(notice, user)
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            continue  # already told about this event
        created.append((notice, row))
    return created


def _claimable() -> Q:
    # A delivery claimed this long ago by a worker that never finished is claimed again.
    stale = timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_CLAIM_LEASE_SECONDS)
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
