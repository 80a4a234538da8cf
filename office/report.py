"""The nightly report (工作日报) to the director and leaders.

Each duty app contributes sections in its own report.py with `@report_section(order)`;
this module assembles them, renders the email (text, HTML) and the PDF, and sends
it once per (date, recipient) — see `nightly_report_send`.
"""

import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Min
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from office import calendar
from office.roles import Role
from office.text import chinese_date

log = logging.getLogger(__name__)

WEEKDAYS = "一二三四五六日"
LATE_PREFIX = "【补发】"
CATCH_UP_DAYS = 3  # a missed evening is sent late within this many days


@dataclass
class ReportSection:
    title: str
    rows: list[tuple[str, object]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    unlisted: int = 0  # items counted but left out of `lines` (shown as "另有 N 项，见系统")


@dataclass
class Report:
    day: datetime.date
    tomorrow: datetime.date
    recipient: object
    sections: list[ReportSection]
    generated_at: datetime.datetime

    @property
    def title(self) -> str:
        return f"{settings.OFFICE_NAME}工作日报"

    @property
    def day_text(self) -> str:
        return f"{chinese_date(self.day)}（星期{WEEKDAYS[self.day.weekday()]}）"

    @property
    def tomorrow_text(self) -> str:
        return f"{chinese_date(self.tomorrow)}（星期{WEEKDAYS[self.tomorrow.weekday()]}）"


_SECTIONS: list[tuple[int, Callable, bool]] = []
_discovered = False
_discover_lock = threading.Lock()


def report_section(order: int, per_recipient: bool = True):
    """Register section(day, tomorrow, recipient) -> ReportSection | None, shown by `order`.

    `per_recipient=False` for a section that never reads `recipient` (nothing in it depends
    on who may see what): an evening's run builds it once for all recipients."""

    def register(function: Callable) -> Callable:
        if all(existing is not function for _, existing, _ in _SECTIONS):
            _SECTIONS.append((order, function, per_recipient))
        return function

    return register


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    with _discover_lock:
        if not _discovered:
            autodiscover_modules("report")
            _discovered = True


def sections() -> list[tuple[Callable, bool]]:
    """(section function, per_recipient) in their order."""
    _discover()
    return [(function, per_recipient) for _, function, per_recipient in sorted(_SECTIONS, key=lambda entry: entry[0])]


def build_report(day: datetime.date, recipient, shared: dict | None = None) -> Report:
    """The report for one recipient. `shared` (one dict per evening run) keeps the sections
    that are the same for everyone, so they are built once, not once per recipient."""
    tomorrow = calendar.next_working_day(day)
    built = []
    for function, per_recipient in sections():
        if per_recipient or shared is None:
            section = function(day, tomorrow, recipient)
        else:
            if (function, day) not in shared:
                shared[function, day] = function(day, tomorrow, None)
            section = shared[function, day]
        if section is not None:
            built.append(section)
    return Report(day=day, tomorrow=tomorrow, recipient=recipient, sections=built, generated_at=timezone.localtime())


# --- rendering ---------------------------------------------------------------------------------------


def _context(report: Report, for_pdf: bool = False) -> dict:
    context = {"report": report, "for_pdf": for_pdf, "office_name": settings.OFFICE_NAME,
               "recipient_name": person_name(report.recipient)}
    if for_pdf:
        from office.pdf import css_font_family

        # The configured TrueType fonts by name (黑体, then 宋体 for the list bullet "•").
        context["pdf_font_family"] = css_font_family("hei", "song")
    return context


def render_html(report: Report) -> str:
    return render_to_string("office/report_email.html", _context(report))


def render_text(report: Report) -> str:
    return render_to_string("office/report_email.txt", _context(report))


def render_pdf(report: Report) -> bytes:
    from office.pdf import html_pdf

    return html_pdf(render_to_string("office/report_email.html", _context(report, for_pdf=True)))


def person_name(user) -> str:
    person = getattr(user, "person", None)
    if person is not None:
        return person.name
    return user.get_full_name() or user.username


# --- sending -----------------------------------------------------------------------------------------


def report_due_on(day: datetime.date) -> bool:
    """Working days and the evening before a working day (a Sunday before a Monday)."""
    return calendar.is_working_day(day) or calendar.is_working_day(day + datetime.timedelta(days=1))


def recipients():
    return (
        get_user_model().objects.filter(is_active=True, groups__name__in=(Role.DIRECTOR, Role.LEADER))
        .exclude(email="").distinct().order_by("pk")
    )


def subject_for(day: datetime.date, late: bool) -> str:
    subject = f"{settings.OFFICE_NAME}工作日报（{chinese_date(day)}）"
    return LATE_PREFIX + subject if late else subject


def pdf_filename(day: datetime.date) -> str:
    return f"工作日报-{day:%Y%m%d}.pdf"


def report_time_passed(now: datetime.datetime) -> bool:
    hour, minute = settings.NIGHTLY_REPORT_TIME
    local = timezone.localtime(now)
    return (local.hour, local.minute) >= (hour, minute)


def _send_email(row, day: datetime.date, recipient, shared: dict | None = None) -> None:
    report = build_report(day, recipient, shared)
    email = EmailMultiAlternatives(subject=row.subject, body=render_text(report), to=[recipient.email],
                                   from_email=settings.DEFAULT_FROM_EMAIL)
    email.attach_alternative(render_html(report), "text/html")
    email.attach(pdf_filename(day), render_pdf(report), "application/pdf")
    email.send()


def _claim(day: datetime.date, recipient, now: datetime.datetime, late: bool):
    """The row if this call claimed the (date, recipient) report, else None."""
    from office.models import NightlyReport

    with transaction.atomic():
        row, created = NightlyReport.objects.get_or_create(
            date=day, recipient=recipient, defaults={"late": late, "subject": subject_for(day, late), "claimed_at": now})
    if created:
        return row
    # A claimed row not sent within the outbox lease (10 minutes) is retried.
    stale = now - datetime.timedelta(seconds=settings.OUTBOX_CLAIM_LEASE_SECONDS)
    if row.sent_at is None and row.claimed_at < stale:
        # A run crashed between claiming and sending: take it over, once.
        taken = NightlyReport.objects.filter(pk=row.pk, sent_at=None, claimed_at=row.claimed_at).update(claimed_at=now)
        if taken:
            row.refresh_from_db()
            return row
    return None


def _deliver(row, recipient, now: datetime.datetime, shared: dict | None = None) -> bool:
    from office.models import NightlyReport

    try:
        _send_email(row, row.date, recipient, shared)
    except Exception:  # SMTP down, a section failing: the row stays unsent and is retried
        log.exception("nightly report %s for %s not sent", row.date, recipient.pk)
        return False
    NightlyReport.objects.filter(pk=row.pk).update(sent_at=now)
    return True


def nightly_report_send(day: datetime.date, now: datetime.datetime, catch_up_only: bool = False) -> int:
    """Send the report for `day` to each recipient once; also send late the reports of
    the last CATCH_UP_DAYS evenings that were missed, and retry stale claims.

    `catch_up_only` (the hourly run): today's report only once its time has passed.
    Returns the number of emails sent.
    """
    from office.models import NightlyReport

    people = list(recipients())
    # A past evening counts as missed only for someone who was already receiving reports
    # (no flood of late reports on the first run or for a newly appointed leader).
    first = dict(NightlyReport.objects.filter(recipient__in=people).values("recipient").annotate(first=Min("date"))
                 .values_list("recipient", "first"))
    unsent = set(NightlyReport.objects.filter(sent_at=None, date__gte=day - datetime.timedelta(days=CATCH_UP_DAYS))
                 .values_list("date", "recipient"))
    dates = [(day - datetime.timedelta(days=back), True) for back in range(CATCH_UP_DAYS, 0, -1)]
    if not catch_up_only or report_time_passed(now):
        dates.append((day, False))
    sent = 0
    shared = {}  # the sections that are the same for every recipient, built once per date
    for date, late in dates:
        if not report_due_on(date):
            continue
        for recipient in people:
            missed = recipient.pk in first and date > first[recipient.pk]
            if late and not missed and (date, recipient.pk) not in unsent:
                continue
            row = _claim(date, recipient, now, late)
            if row is not None and _deliver(row, recipient, now, shared):
                sent += 1
    if sent and (not catch_up_only or report_time_passed(now)) and report_due_on(day):
        summary_to_robots(day, people, shared)
    return sent


def summary_to_robots(day: datetime.date, people, shared: dict | None = None) -> None:
    """A short summary for the units' group robots (企业微信 / 钉钉), once per day and unit;
    the robots show only counts, never titles."""
    from office.notifications import notify

    report = build_report(day, people[0], shared) if people else None
    if report is None:
        return
    counts = "；".join(f"{section.title}{len(section.lines) + section.unlisted or len(section.rows)}项"
                      for section in report.sections if section.lines or section.rows)
    notify(people, f"report:{day:%Y-%m-%d}:summary", f"工作日报 {day.month}月{day.day}日", f"今日日报已发送到邮箱。{counts}",
           link="/reports/", channels=["webhook"])
