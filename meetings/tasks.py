"""办会 tasks: notices, PDFs and checklist reminders; each takes ids and is safe to repeat."""

from celery import shared_task
from django.utils import timezone

from office.tasks import TRANSIENT


@shared_task(**TRANSIENT)
def notice_send(meeting_id: int) -> int:
    """会议通知: the notice PDF, and a message to every invitee who has a login."""
    from meetings import reminders

    return reminders.notice_send(meeting_id)


@shared_task(**TRANSIENT)
def document_generate(document_id: int) -> str:
    from meetings import documents

    return documents.document_generate(document_id)


@shared_task(**TRANSIENT)
def checklist_sweep_task() -> int:
    from meetings import reminders

    return reminders.checklist_sweep(timezone.localdate())
