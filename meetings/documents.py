"""Producing a meeting's PDFs in a worker and keeping the file on the record."""

import logging

from django.utils import timezone

from meetings.models import Meeting, MeetingDocument
from office.pdf import store

logger = logging.getLogger(__name__)


def meeting_for_print(meeting_id: int) -> Meeting | None:
    """The meeting with everything the PDFs print, in a fixed number of queries."""
    return (
        Meeting.objects.select_related("term", "room", "convener__unit", "plan_approved_by__person", "created_by__person__unit")
        .prefetch_related(
            "agenda__sponsor", "agenda__vote", "participants__person__unit", "checklist__done_by__person", "checklist__owner__person"
        )
        .filter(pk=meeting_id)
        .first()
    )


def document_generate(document_id: int) -> str:
    """Build the PDF for a MeetingDocument row; running it again just rebuilds it."""
    from meetings.pdf import PDF_BUILDERS

    document = MeetingDocument.objects.filter(pk=document_id).first()
    if document is None:
        return ""
    meeting = meeting_for_print(document.meeting_id)
    try:
        content = PDF_BUILDERS[document.doc_kind](meeting)
    except Exception as error:  # a broken PDF must say so on the page, not vanish
        logger.exception("meeting document %s failed", document_id)
        MeetingDocument.objects.filter(pk=document_id).update(status=MeetingDocument.Status.FAILED, error=str(error)[:2000])
        return ""
    path = store(f"meetings/{meeting.pk}/{document.get_doc_kind_display()}.pdf", content)
    MeetingDocument.objects.filter(pk=document_id).update(
        status=MeetingDocument.Status.READY, file=path, generated_at=timezone.now(), error=""
    )
    return path
