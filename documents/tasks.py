"""办文 tasks: the printed GB/T 9704 document and 催办 of incoming documents."""

from celery import shared_task
from django.utils import timezone

from office.tasks import TRANSIENT


@shared_task(**TRANSIENT)
def outgoing_print_pdf(document_id: int) -> str:
    """印制: lay the document out by GB/T 9704 and keep the PDF on the record."""
    from documents.gbt9704 import outgoing_pdf_store

    return outgoing_pdf_store(document_id)


@shared_task(**TRANSIENT)
def incoming_chase_task() -> int:
    from documents.reminders import incoming_chase

    return incoming_chase(timezone.localdate())
