"""办会 on the director's dashboard: this week's meetings with checklist progress."""

import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from meetings.selectors import MeetingFilters, can_read, meeting_list
from office.dashboard import DashboardNumber, DashboardSection, dashboard_section


@dashboard_section(10)
def meetings_section(user, today):
    if not can_read(user):
        return None
    monday = today - datetime.timedelta(days=today.weekday())
    sunday = monday + datetime.timedelta(days=6)
    meetings = list(meeting_list(user, MeetingFilters(start_from=monday, start_to=sunday)).order_by("start", "id"))
    week_url = f"{reverse('meetings:index')}?{urlencode({'start_from': monday.isoformat(), 'start_to': sunday.isoformat()})}"
    day_url = f"{reverse('meetings:index')}?{urlencode({'start_from': today.isoformat(), 'start_to': today.isoformat()})}"
    unfinished = sum(1 for meeting in meetings if meeting.tasks_done < meeting.tasks_total)
    numbers = [
        DashboardNumber("本周会议", len(meetings), week_url),
        DashboardNumber("今天", sum(1 for meeting in meetings if timezone.localtime(meeting.start).date() == today), day_url),
        DashboardNumber("会务清单未完成", unfinished, week_url, "yellow" if unfinished else ""),
    ]
    rows = []
    for meeting in meetings:
        start = timezone.localtime(meeting.start)
        title = f"{meeting.name}{'（' + meeting.subject + '）' if meeting.subject else ''}"
        rows.append((f"{start:%-m月%-d日 %H:%M} {title}　会务清单 {meeting.tasks_done}/{meeting.tasks_total}", meeting.get_absolute_url()))
    if not rows:
        rows.append(("本周没有会议", ""))
    return DashboardSection("办会：本周会议", numbers=numbers, rows=rows)
