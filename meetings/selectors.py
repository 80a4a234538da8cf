"""办会 reads for pages, each in a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from meetings.models import ChecklistTask, Meeting, MeetingDocument, Participant, ReviewOpinion, Role
from office.lessons import lessons_for


def can_read(user) -> bool:
    """Every office login may read meetings; organising is for staff (services.is_organiser)."""
    return user.is_authenticated


@dataclass
class MeetingFilters:
    q: str = ""
    kind: str = ""
    state: str = ""
    start_from: datetime.date | None = None
    start_to: datetime.date | None = None
    mine: bool = False


def meeting_list(user, filters: MeetingFilters) -> QuerySet:
    meetings = Meeting.objects.select_related("term", "room", "convener")
    if filters.kind:
        meetings = meetings.filter(kind=filters.kind)
    if filters.state:
        meetings = meetings.filter(state=filters.state)
    if filters.start_from:
        meetings = meetings.filter(start__date__gte=filters.start_from)
    if filters.start_to:
        meetings = meetings.filter(start__date__lte=filters.start_to)
    if filters.q:
        words = filters.q.strip()
        meetings = meetings.filter(Q(subject__icontains=words) | Q(agenda__title__icontains=words)).distinct()
    if filters.mine:
        person = getattr(user, "person", None)
        if person is None:
            return meetings.none()
        invited = Participant.objects.filter(meeting=OuterRef("pk"), person=person)
        meetings = meetings.filter(Q(convener=person) | Exists(invited))
    return meetings.annotate(
        invited=Count("participants", filter=Q(participants__role=Role.ATTEND), distinct=True),
        signed=Count("participants", filter=Q(participants__role=Role.ATTEND, participants__signed_in_at__isnull=False), distinct=True),
        tasks_total=Count("checklist", distinct=True),
        tasks_done=Count("checklist", filter=Q(checklist__done_at__isnull=False), distinct=True),
    ).order_by("-start")


def meeting_get(pk) -> Meeting:
    try:
        return Meeting.objects.select_related("term", "room", "convener__unit", "plan_approved_by__person", "created_by__person").get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404("没有这个会议") from None


def agenda_of(meeting: Meeting) -> list:
    return list(meeting.agenda.select_related("sponsor", "vote").prefetch_related("materials", "opinions__lead_unit"))


def checklist_of(meeting: Meeting) -> list[ChecklistTask]:
    return list(meeting.checklist.select_related("owner__person", "done_by__person").order_by("due_date", "order", "id"))


def participant_counts(meeting: Meeting) -> dict:
    rows = meeting.participants.values("role", "reply").annotate(n=Count("id"))
    signed = meeting.participants.filter(signed_in_at__isnull=False).values("role").annotate(n=Count("id"))
    counts = {"by_role": {}, "by_reply": {}, "signed": {row["role"]: row["n"] for row in signed}}
    for row in rows:
        counts["by_role"][row["role"]] = counts["by_role"].get(row["role"], 0) + row["n"]
        counts["by_reply"][row["reply"]] = counts["by_reply"].get(row["reply"], 0) + row["n"]
    return counts


def participants_of(meeting: Meeting, q: str = "", role: str = "") -> QuerySet:
    participants = meeting.participants.select_related("person__unit", "signed_in_by__person").order_by(
        "role", "person__protocol_rank", "person__name", "id"
    )
    if role:
        participants = participants.filter(role=role)
    if q:
        words = q.strip()
        participants = participants.filter(Q(person__name__icontains=words) | Q(person__id_code__iexact=words))
    return participants


def documents_of(meeting: Meeting) -> dict[str, MeetingDocument]:
    return {doc.doc_kind: doc for doc in meeting.documents.all()}


def opinions_of(meeting: Meeting) -> list[dict]:
    """Each review opinion with the supervision item it became (state and light)."""
    from django.utils import timezone

    from supervision.models import SupervisionItem
    from supervision.services import light_of

    opinions = list(
        ReviewOpinion.objects.filter(agenda_item__meeting=meeting).select_related("agenda_item", "lead_unit").prefetch_related("co_units")
    )
    items = SupervisionItem.objects.in_bulk([o.supervision_item_id for o in opinions if o.supervision_item_id])
    today = timezone.localdate()
    return [
        {"opinion": o, "item": items.get(o.supervision_item_id), "light": light_of(items[o.supervision_item_id], today) if o.supervision_item_id in items else None}
        for o in opinions
    ]


def lessons_for_meeting(meeting: Meeting) -> list:
    """Past mistakes in this kind of meeting (filled once the conduct app provides them)."""
    return lessons_for(f"meeting:{meeting.kind}")


def member_attendance(person_ids, since: datetime.date | None = None) -> dict[int, dict]:
    """Per member: meetings invited to attend, signed in, and the rate (到会率)."""
    rows = Participant.objects.filter(person_id__in=list(person_ids), role=Role.ATTEND)
    if since:
        rows = rows.filter(meeting__start__date__gte=since)
    rows = rows.values("person_id").annotate(invited=Count("id"), signed=Count("id", filter=Q(signed_in_at__isnull=False)))
    return {
        row["person_id"]: {**row, "rate": round(100 * row["signed"] / row["invited"], 1) if row["invited"] else None}
        for row in rows
    }

