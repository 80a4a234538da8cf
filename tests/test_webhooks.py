"""Group robots (企业微信 / 钉钉) against a local HTTP server that checks the payloads."""

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from office import notifications
from office.models import ChannelPreference, Delivery, WebhookConfig, WebhookPost
from office.webhooks import RATE_PER_MINUTE


class Robot:
    """A fake group robot on loopback: records posts, answers like the real ones."""

    def __init__(self):
        self.posts = []
        self.fail_next = 0
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                robot.posts.append({"path": self.path, "json": json.loads(body), "content_type": self.headers["Content-Type"]})
                if robot.fail_next:
                    robot.fail_next -= 1
                    answer = {"errcode": 45009, "errmsg": "api freq out of limit"}
                else:
                    answer = {"errcode": 0, "errmsg": "ok"}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


@pytest.fixture
def robot():
    server = Robot()
    yield server
    server.stop()


@pytest.fixture
def channels(settings):
    settings.NOTIFICATION_CHANNELS = ["webhook"]
    settings.REQUIRED_CHANNELS = []


def tell(users, key, subject="督办提醒", body="明天到期", link="/supervision/1/"):
    result = notifications.notify(users, key, subject, body, link)
    notifications.deliveries_flush()
    return result


def test_wecom_robot_gets_one_post_per_event_for_a_unit(office, robot, channels):
    WebhookConfig.objects.create(unit=office.unit_a, kind=WebhookConfig.Kind.WECOM, url=f"{robot.url}/cgi-bin/webhook/send?key=abc")
    office.liaison_b.person.unit = office.unit_a  # two people of one unit
    office.liaison_b.person.save()
    tell([office.liaison_a, office.liaison_b], "supervision:1:due-1")
    assert len(robot.posts) == 1
    post = robot.posts[0]
    assert post["path"] == "/cgi-bin/webhook/send?key=abc"
    assert post["json"]["msgtype"] == "text"
    assert post["json"]["text"]["content"].startswith("【督办提醒】\n明天到期")
    assert "/supervision/1/" in post["json"]["text"]["content"]
    assert post["content_type"].startswith("application/json")
    tell([office.liaison_a], "supervision:1:due-1")  # a repeat sends nothing
    assert len(robot.posts) == 1


def test_dingtalk_url_is_signed(office, robot, channels):
    WebhookConfig.objects.create(unit=office.unit_a, kind=WebhookConfig.Kind.DINGTALK, url=f"{robot.url}/robot/send?access_token=t", secret="SEC123")
    tell([office.liaison_a], "meetings:task:1:due")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(robot.posts[0]["path"]).query)
    timestamp, sign = query["timestamp"][0], query["sign"][0]
    expected = base64.b64encode(hmac.new(b"SEC123", f"{timestamp}\nSEC123".encode(), hashlib.sha256).digest()).decode()
    assert sign == expected
    assert query["access_token"] == ["t"]
    assert robot.posts[0]["json"]["msgtype"] == "text"


def test_a_refused_post_is_kept_and_retried(office, robot, channels):
    WebhookConfig.objects.create(unit=office.unit_a, kind=WebhookConfig.Kind.WECOM, url=f"{robot.url}/send")
    robot.fail_next = 1
    result = tell([office.liaison_a], "supervision:2:due")  # the request itself never waits on the robot
    delivery = Delivery.objects.get(pk=result.deliveries[0].pk)
    assert delivery.status == Delivery.Status.PENDING and "45009" in delivery.last_error
    assert not WebhookPost.objects.filter(sent_at__isnull=False).exists()
    assert notifications.deliveries_flush() == 1
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.SENT
    assert len(robot.posts) == 2


def test_twenty_posts_a_minute_at_most(office, robot, channels):
    WebhookConfig.objects.create(unit=office.unit_a, kind=WebhookConfig.Kind.WECOM, url=f"{robot.url}/send")
    for index in range(RATE_PER_MINUTE + 3):
        notifications.notify([office.liaison_a], f"burst:{index}", "提醒", "内容")
    notifications.deliveries_flush()
    assert len(robot.posts) == RATE_PER_MINUTE
    waiting = Delivery.objects.filter(channel="webhook", status=Delivery.Status.PENDING)
    assert waiting.count() == 3
    assert all(d.attempts == 0 for d in waiting)  # waiting for the minute is not a failed try


def test_a_person_may_switch_a_channel_off_unless_required(office, robot, channels, settings):
    WebhookConfig.objects.create(unit=office.unit_a, kind=WebhookConfig.Kind.WECOM, url=f"{robot.url}/send")
    client = office.client_for(office.liaison_a)
    response = client.post(reverse("office:profile"), {"channel-webhook": ""})  # unticked
    assert response.status_code == 302
    assert ChannelPreference.objects.get(user=office.liaison_a, channel="webhook").enabled is False
    tell([office.liaison_a], "pref:1")
    assert robot.posts == []
    settings.REQUIRED_CHANNELS = ["webhook"]
    tell([office.liaison_a], "pref:2")
    assert len(robot.posts) == 1


def test_the_nightly_summary_goes_to_the_office_robot_once(office, robot, channels, settings, smtp_server):
    import datetime

    from office.report import nightly_report_send

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.hostname, smtp_server.port
    WebhookConfig.objects.create(unit=office.office_unit, kind=WebhookConfig.Kind.WECOM, url=f"{robot.url}/send")
    day = datetime.date(2026, 11, 24)  # a Tuesday
    now = datetime.datetime(2026, 11, 24, 20, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    assert nightly_report_send(day, now) >= 1
    notifications.deliveries_flush()
    assert len(robot.posts) == 1
    assert robot.posts[0]["json"]["text"]["content"].startswith("【工作日报 11月24日】")
    nightly_report_send(day, now)
    notifications.deliveries_flush()
    assert len(robot.posts) == 1
