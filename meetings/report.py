"""办会 in the nightly report: today's and tomorrow's meetings, checklist tasks due."""

import datetime

from django.utils import timezone

from meetings.models import ChecklistTask, Meeting
from office.calendar import day_start
from office.report import ReportSection, person_name, report_section


def _meetings_between(first: datetime.date, last: datetime.date):
    return Meeting.objects.filter(start__gte=day_start(first), start__lt=day_start(last + datetime.timedelta(days=1))).exclude(state="archived").select_related("term", "room").order_by("start")


def _line(meeting) -> str:
    start = timezone.localtime(meeting.start)
    place = f"，{meeting.place}" if meeting.place else ""
    subject = f"（{meeting.subject}）" if meeting.subject else ""
    return f"{start.month}月{start.day}日 {start:%H:%M} {meeting.name}{subject}{place}"


@report_section(10, per_recipient=False)  # the same for every recipient
def meetings_section(day, tomorrow, recipient):
    # One query for both days, split at tomorrow's midnight.
    meetings = list(_meetings_between(day, tomorrow))
    split = day_start(day + datetime.timedelta(days=1))
    today = [meeting for meeting in meetings if meeting.start < split]
    coming = [meeting for meeting in meetings if meeting.start >= split]
    tasks = list(ChecklistTask.objects.filter(done_at__isnull=True, due_date__gt=day, due_date__lte=tomorrow)
                 .select_related("meeting", "meeting__term", "owner").order_by("due_date", "order"))
    lines = [f"今日：{_line(m)}" for m in today] + [f"明日：{_line(m)}" for m in coming]
    for task in tasks:
        owner = person_name(task.owner) if task.owner_id else task.owner_role
        lines.append(f"会务：{task.title}（{task.meeting.name}，{owner}）")
    return ReportSection("办会", rows=[("今日会议", len(today)), ("明日会议", len(coming)), ("明日到期会务工作", len(tasks))], lines=lines)
