"""办会 tasks: notices, PDFs and checklist reminders; each takes ids and is safe to repeat."""

from celery import shared_task
from django.utils import timezone

from office.jobs import outbox_register, single_run
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
@single_run(ttl=30 * 60)
def checklist_sweep_task() -> int:
    from meetings import reminders

    return reminders.checklist_sweep(timezone.localdate())


# --- outboxes: what a Redis outage at request time left undone --------------------


def _notices_pending(since, until):
    """Notices sent (通知已发出) whose notice PDF was not made since."""
    from django.db.models import Exists, OuterRef

    from meetings.models import Meeting, MeetingDocument

    made = MeetingDocument.objects.filter(
        meeting=OuterRef("pk"), doc_kind=MeetingDocument.DocKind.NOTICE, status=MeetingDocument.Status.READY,
        generated_at__gte=OuterRef("notice_sent_at"),
    )
    meetings = Meeting.objects.filter(notice_sent_at__gte=since, notice_sent_at__lt=until).exclude(Exists(made))
    return [(pk,) for pk in meetings.values_list("pk", flat=True)]


def _documents_pending(since, until):
    """Meeting PDFs requested and still 生成中."""
    from meetings.models import MeetingDocument

    pending = MeetingDocument.objects.filter(status=MeetingDocument.Status.PENDING, requested_at__gte=since, requested_at__lt=until)
    return [(pk,) for pk in pending.values_list("pk", flat=True)]


outbox_register("meetings.notice", notice_send, _notices_pending)
outbox_register("meetings.document", document_generate, _documents_pending)
