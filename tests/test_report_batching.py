"""The evening jobs at scale: the nightly report builds the sections that are the same for
everyone once, lists a bounded number of overdue 督办 items (counting them all), and
notify_many writes a sweep's messages in a few queries, each person told once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from office import calendar, report
from office.models import Delivery, Message
from office.notifications import Notice, notify_many
from office.report import build_report, nightly_report_send, render_pdf, render_text
from supervision import services as supervision
from supervision.report import LISTED_OVERDUE

D = datetime.date
TZ = ZoneInfo("Asia/Shanghai")
DAY = D(2026, 12, 10)  # Thursday

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quiet_channels(settings):
    settings.NOTIFICATION_CHANNELS = []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    calendar.clear_cache()
    yield
    calendar.clear_cache()


def overdue_items(office, count):
    for n in range(count):
        item = supervision.item_register(actor=office.staff, title=f"逾期事项{n}", requirements="按期报送。", source="other",
                                         urgency="normal", lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader)
        supervision.item_assign(item=item, actor=office.staff, assigned_on=D(2026, 11, 30))


def test_the_overdue_list_is_bounded_and_the_rest_counted(office):
    overdue_items(office, LISTED_OVERDUE + 3)
    built = build_report(DAY, office.director)
    section = next(s for s in built.sections if s.title == "督办")
    assert dict(section.rows)["逾期未办结"] == LISTED_OVERDUE + 3
    assert len([line for line in section.lines if line.startswith("逾期：")]) == LISTED_OVERDUE
    assert section.unlisted == 3
    assert "另有 3 项未列出，见系统" in render_text(built)
    assert render_pdf(built).startswith(b"%PDF")


def test_shared_sections_are_built_once_per_evening_and_the_others_per_recipient(office, monkeypatch):
    calls = []
    sections = report.sections()

    def counting(function, per_recipient):
        def section(day, tomorrow, recipient):
            calls.append((function.__module__, recipient))
            return function(day, tomorrow, recipient)
        return section, per_recipient

    counted = [counting(function, per) for function, per in sections]
    monkeypatch.setattr(report, "sections", lambda: counted)
    people = list(report.recipients())
    assert len(people) >= 2
    sent = nightly_report_send(DAY, datetime.datetime(2026, 12, 10, 20, 0, tzinfo=TZ))
    assert sent == len(people) == len(mail.outbox)
    by_module = {}
    for module, recipient in calls:
        by_module.setdefault(module, []).append(recipient)
    for module in ("meetings.report", "logistics.report", "conduct.report"):
        assert by_module[module] == [None], module  # once, for no one in particular
    # 办文 and 督办 depend on what each may see: built for every recipient (and the robots' summary).
    for module in ("documents.report", "supervision.report"):
        assert set(by_module[module]) == set(people), module


def test_notify_many_writes_a_batch_in_a_few_queries_and_tells_each_person_once(office, settings):
    settings.NOTIFICATION_CHANNELS = ["email"]
    people = [office.staff, office.director, office.leader, office.liaison_a, office.liaison_b]
    notices = [Notice(people, f"test:batch:{n}", f"事项{n}", "正文") for n in range(30)]
    with CaptureQueriesContext(connection) as queries:
        result = notify_many(notices)
    assert len(result.created) == 30 * len(people)
    assert len(queries) <= 10  # not a few per person: 150 messages
    emailed = [person for person in people if person.email]
    assert Delivery.objects.filter(message__event_key__startswith="test:batch:").count() == 30 * len(emailed)

    again = notify_many(notices + [Notice([office.driver], "test:batch:0", "事项0")])
    assert [message.recipient for message in again.created] == [office.driver]
    assert Message.objects.filter(event_key="test:batch:0").count() == len(people) + 1
