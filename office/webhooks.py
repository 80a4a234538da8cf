"""Group-robot channels: 企业微信 and 钉钉 群机器人, configured per unit.

A message to a person goes to their unit's robot once per event (several people
of one unit told about one event make one post). Posts respect the robots' limit
of 20 a minute: over it, the delivery stays pending and the outbox sweep sends it
later. Failures are recorded on the delivery and retried by the sweep; nothing here
runs inside the request that caused the message.
"""

import base64
import datetime
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request

from django.db import IntegrityError, transaction
from django.utils import timezone

from office.notifications import Channel, site_url

RATE_PER_MINUTE = 20


class RateLimited(Exception):
    """The robot's minute is full; the delivery waits for the next sweep."""

    retry_later = True


def wecom_payload(message) -> dict:
    """企业微信群机器人: {"msgtype": "text", "text": {"content": …}}."""
    return {"msgtype": "text", "text": {"content": _text(message)}}


def dingtalk_payload(message) -> dict:
    """钉钉自定义机器人: {"msgtype": "text", "text": {"content": …}}."""
    return {"msgtype": "text", "text": {"content": _text(message)}}


def _text(message) -> str:
    text = f"【{message.subject}】\n{message.body}".strip()
    if message.link:
        text += f"\n{site_url(message.link)}"
    return text[:1800]


def dingtalk_signed_url(url: str, secret: str, now_ms: int | None = None) -> str:
    """钉钉 加签: timestamp and sign = base64(HMAC-SHA256(secret, "timestamp\\nsecret"))."""
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp}&sign={sign}"


def post_json(url: str, payload: dict, timeout: float = 10) -> dict:
    request = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode(), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = json.loads(response.read().decode() or "{}")
    # Both robots answer HTTP 200 with errcode ≠ 0 when they refuse.
    if body.get("errcode", 0) != 0:
        raise RuntimeError(f"机器人拒收：{body.get('errcode')} {body.get('errmsg', '')}")
    return body


class WebhookChannel(Channel):
    key = "webhook"
    label = "工作群机器人"

    def applies_to(self, user) -> bool:
        from office.models import WebhookConfig

        unit_id = getattr(getattr(user, "person", None), "unit_id", None)
        return unit_id is not None and WebhookConfig.objects.filter(unit_id=unit_id, enabled=True).exists()

    def send(self, message) -> None:
        from office.models import WebhookConfig, WebhookPost

        unit_id = message.recipient.person.unit_id
        for config in WebhookConfig.objects.filter(unit_id=unit_id, enabled=True):
            try:
                with transaction.atomic():
                    post = WebhookPost.objects.create(config=config, event_key=message.event_key)
            except IntegrityError:
                continue  # this unit's group was already told about this event
            recent = WebhookPost.objects.filter(config=config, sent_at__gte=timezone.now() - datetime.timedelta(minutes=1)).count()
            if recent >= RATE_PER_MINUTE:
                post.delete()
                raise RateLimited(f"{config}每分钟最多{RATE_PER_MINUTE}条，稍后重发")
            url = dingtalk_signed_url(config.url, config.secret) if config.kind == WebhookConfig.Kind.DINGTALK and config.secret else config.url
            payload = dingtalk_payload(message) if config.kind == WebhookConfig.Kind.DINGTALK else wecom_payload(message)
            try:
                post_json(url, payload)
            except Exception:
                post.delete()  # not sent: the next try may post it
                raise
            WebhookPost.objects.filter(pk=post.pk).update(sent_at=timezone.now())
