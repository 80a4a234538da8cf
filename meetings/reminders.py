"""Meeting notices and checklist reminders, each sent once per event."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from meetings.models import ChecklistTask, Meeting, MeetingDocument, Reply, State
from office import calendar
from office.notifications import notify
from office.text import chinese_date, month_day


def notice_send(meeting_id: int) -> int:
    """The 会议通知 PDF kept on the meeting, and a message to each invitee with a login."""
    from meetings.documents import document_generate

    meeting = Meeting.objects.select_related("term", "room").filter(pk=meeting_id).first()
    if meeting is None or meeting.notice_sent_at is None:
        return 0
    document, _ = MeetingDocument.objects.get_or_create(
        meeting=meeting, doc_kind=MeetingDocument.DocKind.NOTICE, defaults={"requested_by": meeting.created_by}
    )
    path = document_generate(document.pk)
    users = [
        participant.person.user
        for participant in meeting.participants.select_related("person__user").exclude(reply=Reply.LEAVE)
        if participant.person.user_id
    ]
    start = timezone.localtime(meeting.start)
    result = notify(
        users,
        f"meetings:{meeting.pk}:notice:{meeting.notice_sent_at:%Y%m%d%H%M%S}",
        f"会议通知：{meeting.name}",
        f"定于{chinese_date(start.date())} {start:%H:%M}在{meeting.place}召开{meeting.name}，请准时出席。",
        link=meeting.get_absolute_url(),
        attachments=[path] if path else [],
    )
    return len(result.created)


def _owners(task: ChecklistTask, by_role: dict[str, list]) -> list:
    if task.owner_id:
        return [task.owner] if task.owner.is_active else []
    return by_role.get(task.owner_role, [])


def checklist_sweep(today: datetime.date) -> int:
    """Remind owners the working day before a task is due and on the day."""
    if not calendar.is_working_day(today):
        return 0
    horizon = calendar.next_working_day(today)
    tasks = list(
        ChecklistTask.objects.filter(done_at__isnull=True, due_date__gte=today, due_date__lte=horizon)
        .exclude(meeting__state=State.ARCHIVED)
        .select_related("meeting__term", "owner")
    )
    roles = {task.owner_role for task in tasks if not task.owner_id}
    by_role: dict[str, list] = {}
    for user in get_user_model().objects.filter(is_active=True, groups__name__in=roles).prefetch_related("groups"):
        for group in user.groups.all():
            by_role.setdefault(group.name, []).append(user)
    sent = 0
    with transaction.atomic():
        for task in tasks:
            event = "due" if task.due_date == today else "due-1"
            when = "今天" if event == "due" else month_day(task.due_date)
            result = notify(
                _owners(task, by_role),
                f"meetings:task:{task.pk}:{event}:{task.due_date:%Y-%m-%d}",
                f"会务提醒：{task.title}（{when}到期）",
                f"{task.meeting.name}：“{task.title}”应于{chinese_date(task.due_date)}完成，完成后请在会务清单中勾选。",
                link=task.meeting.get_absolute_url() + "#checklist",
            )
            sent += len(result.created)
    return sent
