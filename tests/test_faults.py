"""Faults, with the real things: Redis down while people work, a worker killed in the
middle of a task, two workers and a beat that fires twice. Each time every effect —
a PDF file, an inbox message, an email — happens exactly once."""

import collections
import contextlib
import datetime
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu import Connection

from conduct import services as conduct
from conduct.models import Category, ErrorEntry, SubKind
from documents.models import OutgoingDocument
from meetings import services as meetings
from meetings.models import MeetingDocument
from office import calendar
from office.celery import app
from office.models import CalendarDay, Delivery, Message, NightlyReport
from supervision import services as supervision
from supervision.models import SupervisionItem
from tests.services import CeleryWorker, RedisServer, wait_for
from tests.test_documents_views import out_to
from tests.test_meetings_pdf import make_meeting

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def working_today(db):
    """Today is a working day (调休上班) whatever day the tests run, so the nightly
    report and the sweeps have work to do; the worker reads the same table."""
    CalendarDay.objects.update_or_create(date=timezone.localdate(), defaults={"kind": CalendarDay.Kind.WORKDAY, "name": "测试"})
    calendar.clear_cache()


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.NOTIFICATION_CHANNELS = ["email"]
    return root


@contextlib.contextmanager
def broker(url: str):
    """Make this process (the web side) publish to `url`."""

    def use(value):
        app.conf.broker_url = value
        app._pool = None  # the connection pools are keyed by URL and made on first use
        app.amqp._producer_pool = None

    previous = app.conf.broker_url
    use(url)
    try:
        yield
    finally:
        use(previous)


@pytest.fixture(autouse=True)
def publish_nowhere():
    """What this process queues goes nowhere unless a test says where (never to a Redis
    someone else runs on the default port); the workers get their tasks from `send`."""
    with broker("redis://127.0.0.1:1/0"):
        yield


def worker_env(smtp_server, media, **extra) -> dict:
    return {
        "EMAIL_HOST": smtp_server.hostname,
        "EMAIL_PORT": str(smtp_server.port),
        "NOTIFICATION_CHANNELS": "email",
        "MEDIA_ROOT": str(media),
        "OUTBOX_CATCH_UP_MINUTES": "0",  # the test does not wait five minutes
        "NIGHTLY_REPORT_TIME": "00:00",  # today's report is due whatever the hour
        **{key: str(value) for key, value in extra.items()},
    }


def send(broker_url: str, task_name: str, *args, **kwargs):
    with Connection(broker_url) as connection:
        app.send_task(task_name, args=args, kwargs=kwargs, connection=connection)


def wait_idle(*workers, at_least: int = 0):
    """Until every task received has finished (and at least `at_least` in all)."""

    def idle():
        finished = sum(worker.tasks_finished() for worker in workers)
        return finished >= at_least and finished == sum(worker.tasks_received() for worker in workers)

    wait_for(idle, 60, "the workers to finish")


def decoded(value: str) -> str:
    return str(make_header(decode_header(value)))


def emails(smtp_server) -> collections.Counter:
    """(recipient, subject) → how many emails the SMTP server received."""
    counter = collections.Counter()
    for envelope in smtp_server.handler.envelopes:
        subject = decoded(message_from_bytes(envelope.content)["Subject"])
        for recipient in envelope.rcpt_tos:
            counter[(recipient, subject)] += 1
    return counter


def media_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def confirm(action: str, **fields) -> dict:
    return {f"{action}-confirm": "on", **{f"{action}-{key}": value for key, value in fields.items()}}


# --- Redis down while people work ------------------------------------------------------------


def test_work_queued_while_redis_is_down_is_done_once_when_it_returns(office, media, smtp_server, tmp_path):
    redis = RedisServer(tmp_path)  # its port is chosen, the server not started: "Redis is down"
    staff, director, liaison = (office.client_for(user) for user in (office.staff, office.director, office.liaison_a))

    with broker(redis.url):
        # Records prepared through the services; the step that queues work is taken on the page.
        item = supervision.item_register(
            actor=office.staff, title="落实审议意见", requirements="按期报送办理情况。", source="other", urgency="normal",
            lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader,
        )
        meeting = make_meeting(office)
        meetings.meeting_transition(meeting=meeting, action="approve_plan", actor=office.director)
        outgoing = out_to(office, "sealed", "关于做好年终工作的通知")
        entry = conduct.entry_register(
            actor=office.staff, people=[office.staff.person], unit=office.office_unit, date=timezone.localdate(),
            category=Category.MEETINGS, sub_kind=SubKind.MEETING, what_happened="会议通知漏发一个单位", cause="核对不细",
        )
        conduct.entry_step(entry=entry, actor=office.director, action="verify")
        earlier = list(Message.objects.values_list("pk", flat=True))  # told during the preparation

        pages = [
            staff.post(reverse("supervision:action", args=[item.pk, "assign"]), confirm("assign")),
            staff.post(reverse("meetings:action", args=[meeting.pk, "send_notice"]), confirm("send_notice")),
            staff.post(reverse("meetings:document_request", args=[meeting.pk, "sign_in"])),
            staff.post(reverse("documents:outgoing_action", args=[outgoing.pk, "print"]), confirm("print")),
            director.post(reverse("conduct:entry_step", args=[entry.pk, "publish"]), confirm("publish")),
        ]
        item.refresh_from_db()
        new_deadline = calendar.add_working_days(item.deadline, 3)
        pages.append(liaison.post(reverse("supervision:extension_request", args=[item.pk]),
                                  {"extension-new_deadline": new_deadline.isoformat(), "extension-reason": "需要补充调研"}))
        extension = item.extensions.get()
        pages += [
            office.client_for(office.leader).post(reverse("supervision:extension_decide", args=[item.pk, extension.pk]),
                                                  {"decide-decision": "approve"}),
            liaison.post(reverse("supervision:action", args=[item.pk, "report"]), confirm("report", comment="已办结，报告附后。")),
        ]
        assert [page.status_code for page in pages] == [302] * len(pages), [page.content[:300] for page in pages]
        # Each page went on as if nothing were wrong, and nothing was done yet.
        assert staff.get(reverse("supervision:detail", args=[item.pk])).status_code == 200
        assert staff.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200

    item.refresh_from_db()
    assert item.state == "reported" and item.extensions.get().decision == "approved"
    assert Message.objects.exclude(pk__in=earlier).count() == 0 and media_files(media) == []
    assert set(MeetingDocument.objects.values_list("doc_kind", "status")) == {("sign_in", "pending")}
    assert OutgoingDocument.objects.get(pk=outgoing.pk).pdf == ""

    # Redis returns, a worker starts; the beat's catch-up and flush runs arrive — twice
    # each, and the nightly report's hourly run twice too.
    redis.start()
    worker = CeleryWorker(redis.url, tmp_path / "worker.log", extra_env=worker_env(smtp_server, media))
    worker.start()
    try:
        for _ in range(2):
            send(redis.url, "office.tasks.outbox_catch_up_task")
            send(redis.url, "office.tasks.nightly_report_task", catch_up_only=True)
            send(redis.url, "office.tasks.deliveries_flush")
        wait_for(lambda: Delivery.objects.exclude(status=Delivery.Status.SENT).count() == 0
                 and Message.objects.filter(event_key__startswith="meetings:").exists()
                 and NightlyReport.objects.filter(sent_at__isnull=False).count() == 2, 60, "the caught-up work")
        for _ in range(2):
            send(redis.url, "office.tasks.outbox_catch_up_task")
            send(redis.url, "office.tasks.deliveries_flush")
        wait_idle(worker, at_least=10)
    finally:
        worker.stop()
        redis.stop()

    item = SupervisionItem.objects.get(pk=item.pk)
    expected_files = [
        f"conduct/bulletins/差错通报-{entry.pk}.pdf",
        OutgoingDocument.objects.get(pk=outgoing.pk).pdf.name,
        f"meetings/{meeting.pk}/会议通知.pdf",
        f"meetings/{meeting.pk}/签到表.pdf",
        f"supervision/{item.year}/{item.serial}/交办通知单.pdf",
    ]
    assert media_files(media) == sorted(expected_files)  # one file each, no second copy
    for name in expected_files:
        assert (media / name).read_bytes().startswith(b"%PDF-")
    assert ErrorEntry.objects.get(pk=entry.pk).bulletin.name == expected_files[0]
    assert set(MeetingDocument.objects.values_list("doc_kind", "status")) == {("sign_in", "ready"), ("notice", "ready")}

    told = collections.Counter(Message.objects.exclude(pk__in=earlier).values_list("event_key", "recipient__username"))
    assert told == {
        (f"supervision:{item.pk}:assigned:{item.assigned_on:%Y-%m-%d}", "liaison"): 1,
        # The request was decided before anyone was told of it: only the decision is sent.
        (f"supervision:{item.pk}:extension:{extension.pk}:approved", "liaison"): 1,
        (f"supervision:{item.pk}:reported:{item_step(item, 'report')}", "leader"): 1,
        (f"supervision:{item.pk}:reported:{item_step(item, 'report')}", "staff"): 1,
        (f"meetings:{meeting.pk}:notice:{meeting_notice_stamp(meeting)}", "staff"): 1,
        # The nightly report's summary for the group robots (none configured: inbox only).
        (f"report:{timezone.localdate():%Y-%m-%d}:summary", "director"): 1,
        (f"report:{timezone.localdate():%Y-%m-%d}:summary", "leader"): 1,
    }
    # One email per message (those of the preparation too), and one nightly report
    # per director and leader.
    emailed = len(told) - 2 + len(earlier)
    assert Delivery.objects.count() == Delivery.objects.filter(status=Delivery.Status.SENT).count() == emailed
    sent = emails(smtp_server)
    assert set(sent.values()) == {1}
    assert len(sent) == emailed + 2
    reports = sorted(recipient for (recipient, subject) in sent if "工作日报" in subject)
    assert reports == sorted([office.director.email, office.leader.email])
    assert NightlyReport.objects.filter(sent_at__isnull=False).count() == 2


def item_step(item, action: str) -> int:
    from office.workflow import workflow_log_for

    return workflow_log_for(item).filter(action=action).get().pk


def meeting_notice_stamp(meeting) -> str:
    meeting.refresh_from_db()
    return f"{meeting.notice_sent_at:%Y%m%d%H%M%S}"


# --- a worker killed in the middle of a task -----------------------------------------------------


class StallingSMTPHandler:
    """A mail server that holds every message it is handed until `release` is set,
    then refuses it (451) — the test kills the sending worker in between. After the
    release it accepts and records normally."""

    def __init__(self):
        import threading

        self.envelopes = []
        self.stalled = 0
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        if not self.release.is_set():
            self.stalled += 1
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 try again later"
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def stalling_smtp():
    from aiosmtpd.controller import Controller

    from tests.services import free_port

    handler = StallingSMTPHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        handler.release.set()
        controller.stop()


@contextlib.contextmanager
def sqlite_write_lock(path):
    """Hold the database's write lock from another connection, as a long transaction
    elsewhere would: readers go on, every writer waits."""
    import sqlite3

    connection = sqlite3.connect(path, isolation_level=None, timeout=30)
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def test_a_killed_worker_s_tasks_run_again_and_take_effect_once(office, media, stalling_smtp, redis_server, tmp_path, settings):
    # A short visibility timeout and claim lease, so that the redelivery and the
    # take-over of a dead worker's claim happen within the test, not an hour later.
    env = worker_env(stalling_smtp, media, CELERY_VISIBILITY_TIMEOUT=1, OUTBOX_CLAIM_LEASE_SECONDS=1, EMAIL_TIMEOUT=120)
    handler = stalling_smtp.handler

    # A 督办 item overdue on Thu 2026-11-26: the sweep's 催办 (a PDF and an email) to the liaison.
    item = supervision.item_register(
        actor=office.staff, title="报送年度工作总结", requirements="按期报送。", source="other", urgency="normal",
        lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader,
    )
    SupervisionItem.objects.filter(pk=item.pk).update(state="in_progress", assigned_on=datetime.date(2026, 11, 16),
                                                      deadline=datetime.date(2026, 11, 25), original_deadline=datetime.date(2026, 11, 25))
    meeting = make_meeting(office)
    document = meetings.document_request(meeting=meeting, doc_kind="name_cards", actor=office.staff)  # sent below

    # One worker, three tasks at once (threads), each stopped half-way.
    first = CeleryWorker(redis_server.url, tmp_path / "first.log", extra_env=env, name="first",
                         pool=("--pool", "threads", "--concurrency", "3"))
    first.start()
    try:
        send(redis_server.url, "supervision.tasks.chase_send", [item.pk], "2026-11-26")
        wait_for(lambda: handler.stalled == 1, 60, "the 催办 email to reach the mail server")
        send(redis_server.url, "office.tasks.nightly_report_task", catch_up_only=True)
        wait_for(lambda: handler.stalled == 2, 60, "the nightly report to reach the mail server")
        pdf = media / f"meetings/{meeting.pk}/桌签.pdf"
        with sqlite_write_lock(settings.DATABASES["default"]["NAME"]):
            send(redis_server.url, "meetings.tasks.document_generate", document.pk)
            # The file is written, then the worker waits to mark the row ready: kill it there.
            wait_for(pdf.exists, 60, "the name cards PDF to be written")
            first.kill()
    finally:
        first.stop()
        handler.release.set()

    # Half-done: a file with its row still pending, a delivery and a report claimed, no email.
    assert MeetingDocument.objects.get(pk=document.pk).status == MeetingDocument.Status.PENDING
    [delivery] = Delivery.objects.all()
    assert delivery.status == Delivery.Status.SENDING and delivery.message.recipient == office.liaison_a
    assert list(NightlyReport.objects.values_list("recipient__username", "sent_at")) == [("director", None)]
    assert handler.envelopes == []
    assert first.tasks_finished() == 1  # only the 催办; the three others died with the worker

    second = CeleryWorker(redis_server.url, tmp_path / "second.log", extra_env=env, name="second")
    second.start()
    try:
        wait_for(lambda: MeetingDocument.objects.get(pk=document.pk).status == MeetingDocument.Status.READY
                 and Delivery.objects.filter(status=Delivery.Status.SENT).count() == 1
                 and NightlyReport.objects.filter(sent_at__isnull=False).count() == 2, 90, "the tasks to run again")
        wait_idle(second, at_least=3)
    finally:
        second.stop()

    # Each effect once: one PDF file, one reminder email, one report per recipient.
    [chase_pdf] = Message.objects.get(event_key__startswith=f"supervision:{item.pk}:").attachments
    assert media_files(media) == sorted([f"meetings/{meeting.pk}/桌签.pdf", chase_pdf])
    assert MeetingDocument.objects.get(pk=document.pk).file.name == f"meetings/{meeting.pk}/桌签.pdf"
    assert (media / f"meetings/{meeting.pk}/桌签.pdf").read_bytes().startswith(b"%PDF-")
    sent = emails(stalling_smtp)
    assert set(sent.values()) == {1}
    assert sorted(recipient for recipient, _ in sent) == sorted([office.liaison_a.email, office.director.email, office.leader.email])
    assert Message.objects.filter(event_key__startswith=f"supervision:{item.pk}:").count() == 1


# --- two workers and a beat that fires twice -----------------------------------------------------


def test_two_workers_and_a_doubled_beat_do_everything_once(office, media, smtp_server, redis_server, tmp_path):
    from meetings.models import ChecklistTask

    today = timezone.localdate()
    tomorrow = calendar.next_working_day(today)
    overdue_since = calendar.shift_working_days(today, -2)

    def item(title, deadline):
        registered = supervision.item_register(
            actor=office.staff, title=title, requirements="按期办理。", source="other", urgency="normal",
            lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader,
        )
        SupervisionItem.objects.filter(pk=registered.pk).update(state="in_progress", assigned_on=overdue_since - datetime.timedelta(days=20),
                                                                deadline=deadline, original_deadline=deadline)
        return registered

    due_soon, overdue = item("明天到期的事项", tomorrow), item("已逾期的事项", overdue_since)
    meeting = make_meeting(office)
    ChecklistTask.objects.create(meeting=meeting, phase="before", title="布置会场", owner_role="staff", owner=office.staff, due_date=tomorrow)

    env = worker_env(smtp_server, media)
    workers = [CeleryWorker(redis_server.url, tmp_path / f"{name}.log", extra_env=env, name=name) for name in ("one", "two")]
    for worker in workers:
        worker.start()
    try:
        beat = ["supervision.tasks.reminders_sweep_task", "meetings.tasks.checklist_sweep_task", "office.tasks.nightly_report_task",
                "office.tasks.outbox_catch_up_task", "office.tasks.deliveries_flush"]
        for name in beat:  # a second beat process sends each entry again at the same moment
            send(redis_server.url, name)
            send(redis_server.url, name)
        wait_for(lambda: NightlyReport.objects.filter(sent_at__isnull=False).count() == 2
                 and Message.objects.filter(event_key__contains=":overdue:").exists(), 90, "the beat's work")
        wait_idle(*workers, at_least=2 * len(beat))
        for name in beat[-2:]:  # and the next catch-up and flush find nothing left
            send(redis_server.url, name)
        wait_idle(*workers, at_least=2 * len(beat) + 2)
    finally:
        for worker in workers:
            worker.stop()

    # Both workers took part.
    assert all(worker.tasks_finished() > 0 for worker in workers)
    told = collections.Counter(Message.objects.values_list("event_key", "recipient__username"))
    assert set(told.values()) == {1}
    keys = {key for key, _ in told}
    assert f"supervision:{due_soon.pk}:due-1" in " ".join(keys) and f"supervision:{overdue.pk}:overdue:" in " ".join(keys)
    assert any(key.startswith("meetings:task:") for key in keys)
    assert Delivery.objects.count() == Delivery.objects.filter(status=Delivery.Status.SENT).count() > 0
    sent = emails(smtp_server)
    assert set(sent.values()) == {1}
    # An email for every delivery and a report for each of the director and the leader.
    assert len(sent) == Delivery.objects.count() + 2
    assert NightlyReport.objects.filter(sent_at__isnull=False).count() == 2
    [chase] = Message.objects.filter(event_key__contains=":overdue:")
    assert media_files(media) == chase.attachments  # the 催办通知单, once
