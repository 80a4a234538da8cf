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



# --- for the meeting pages (views.py) ---------------------------------------------------------


def vote_required(meeting: Meeting, members: int) -> int:
    """Votes needed to pass with `members` in the body, by the kind's rule (过半数)."""
    from meetings.models import threshold
    from meetings.services import kind_rule

    return threshold(kind_rule(meeting.kind).pass_rule, members)


def leader_users() -> list:
    """Logins with the 领导 role, in protocol order: the 分管领导 of an assigned opinion."""
    from django.contrib.auth import get_user_model

    from office.roles import Role as OfficeRole

    return list(
        get_user_model().objects.filter(is_active=True, groups__name=OfficeRole.LEADER)
        .select_related("person").distinct().order_by("person__protocol_rank", "id")
    )


def active_units() -> list:
    from office.models import Unit

    return list(Unit.objects.filter(is_active=True).order_by("order", "id"))


def invite_candidates(meeting: Meeting, words: str = "", limit: int = 100, ids=None) -> tuple[list, bool]:
    """Active people not yet invited, matching the words (or among `ids`, the ones a form
    sent); (first `limit`, whether there are more)."""
    from office.models import Person

    people = (
        Person.objects.active().exclude(pk__in=meeting.participants.values("person_id"))
        .select_related("unit").order_by("protocol_rank", "name", "id")
    )
    if ids is not None:
        people = people.filter(pk__in=[int(pk) for pk in ids if str(pk).isdigit()])
    words = words.strip()
    if words:
        people = people.filter(
            Q(name__icontains=words) | Q(id_code__iexact=words) | Q(post__icontains=words)
            | Q(unit__name__icontains=words) | Q(unit__short_name__icontains=words)
        )
    found = list(people[: limit + 1])
    return found[:limit], len(found) > limit


def recent_signed_in(meeting: Meeting, limit: int = 10) -> list[Participant]:
    """The last people signed in (for 撤销 at the door)."""
    return list(
        meeting.participants.filter(signed_in_at__isnull=False).select_related("person__unit")
        .order_by("-signed_in_at", "-id")[:limit]
    )


def term_members(term, body: str) -> list:
    """One Membership per person who belonged to `body` in `term`, in protocol order
    (the latest membership when someone holds several)."""
    from office.models import Membership

    rows = (
        Membership.objects.filter(term=term, body=body).select_related("person__unit")
        .order_by("person__protocol_rank", "person__name", "person_id", "-start_date")
    )
    seen, members = set(), []
    for membership in rows:
        if membership.person_id not in seen:
            seen.add(membership.person_id)
            members.append(membership)
    return members


HELD_STATES = ("in_session", "ended", "archived")


def term_attendance(term, person_ids) -> dict[int, dict]:
    """Per person, over the term's meetings already held: invited to attend (出席), signed
    in, on leave, and the rate (到会率)."""
    rows = (
        Participant.objects.filter(person_id__in=list(person_ids), role=Role.ATTEND, meeting__term=term, meeting__state__in=HELD_STATES)
        .values("person_id")
        .annotate(
            invited=Count("id"),
            signed=Count("id", filter=Q(signed_in_at__isnull=False)),
            leave=Count("id", filter=Q(reply="leave", signed_in_at__isnull=True)),
        )
    )
    return {
        row["person_id"]: {**row, "rate": round(100 * row["signed"] / row["invited"], 1) if row["invited"] else None}
        for row in rows
    }


def term_meetings_held(term) -> dict[str, int]:
    """kind → number of the term's meetings already held."""
    rows = Meeting.objects.filter(term=term, state__in=HELD_STATES).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


def today_items(user, day):
    """Checklist tasks of this person (or their role) due by tomorrow, not done yet."""
    from django.db.models import Q as _Q

    from office.roles import user_roles
    from office.today import TodayItem

    roles = user_roles(user)
    tasks = (
        ChecklistTask.objects.filter(done_at__isnull=True, due_date__lte=day + datetime.timedelta(days=1))
        .filter(_Q(owner=user) | _Q(owner__isnull=True, owner_role__in=roles))
        .exclude(meeting__state="archived")
        .select_related("meeting__term")
    )
    return [TodayItem("办会", f"{task.title}（{task.meeting.name}）", task.meeting.get_absolute_url() + "#checklist", task.due_date) for task in tasks]
