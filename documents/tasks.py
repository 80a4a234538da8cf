"""办文 tasks: the printed GB/T 9704 document and 催办 of incoming documents."""

from celery import shared_task
from django.utils import timezone

from office.jobs import outbox_register, single_run, steps_between
from office.tasks import TRANSIENT


@shared_task(**TRANSIENT)
def outgoing_print_pdf(document_id: int) -> str:
    """印制: lay the document out by GB/T 9704 and keep the PDF on the record."""
    from documents.gbt9704 import outgoing_pdf_store

    return outgoing_pdf_store(document_id)


@shared_task(**TRANSIENT)
@single_run(ttl=30 * 60)
def incoming_chase_task() -> int:
    from documents.reminders import incoming_chase

    return incoming_chase(timezone.localdate())


def _prints_pending(since, until):
    """印制 steps whose document still has no PDF (a Redis outage at request time)."""
    from documents.models import OutgoingDocument

    printed = steps_between(OutgoingDocument, ["print"], since, until).values_list("object_id", flat=True)
    return [(pk,) for pk in OutgoingDocument.objects.filter(pk__in=list(printed), pdf="").values_list("pk", flat=True)]


outbox_register("documents.print", outgoing_print_pdf, _prints_pending)
