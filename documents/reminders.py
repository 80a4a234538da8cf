"""催办 of incoming documents: like supervision items, before, on and after the 办理期限."""

import datetime

from django.db import transaction

from documents.models import IncomingDocument, InState
from documents.services import OPEN_INCOMING
from office import calendar
from office.notifications import notify
from office.roles import Role, liaisons_by_unit
from office.text import chinese_date



def incoming_chase(today: datetime.date) -> int:
    """Remind whoever holds the document now; each (document, event, day) once."""
    from django.contrib.auth import get_user_model

    if not calendar.is_working_day(today):
        return 0
    horizon = calendar.next_working_day(today)
    documents = list(
        IncomingDocument.objects.filter(state__in=OPEN_INCOMING, due_date__lte=horizon).select_related("lead_unit").prefetch_related("instructions__leader")
    )
    office = list(get_user_model().objects.filter(is_active=True, groups__name__in=[Role.DIRECTOR, Role.STAFF]).distinct())
    contacts = liaisons_by_unit()
    sent = 0
    with transaction.atomic():
        for doc in documents:
            if doc.state == InState.HANDLING and doc.lead_unit_id:
                holders = contacts.get(doc.lead_unit_id, []) + office
            elif doc.state == InState.PROPOSED:
                pending = [i for i in doc.instructions.all() if i.signed_at is None]
                holders = [pending[0].leader] if pending else office
            else:
                holders = office
            if doc.due_date > today:
                event, subject = f"due-1:{doc.due_date}", "收文明天到期"
            elif doc.due_date == today:
                event, subject = f"due:{doc.due_date}", "收文今天到期"
            else:
                overdue = calendar.working_days_between(doc.due_date, today)
                event, subject = f"overdue:{today}", f"收文已逾期{overdue}个工作日"
            title = "（涉密公文）" if doc.is_secret else doc.title
            result = notify(
                holders, f"documents:incoming:{doc.pk}:{event}", f"催办：{doc.number}{subject}",
                f"{title}，办理期限{chinese_date(doc.due_date)}，当前环节：{doc.get_state_display()}。",
                link=doc.get_absolute_url(),
            )
            sent += len(result.created)
    return sent
