"""办会 reads for pages, each in a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from meetings.models import ChecklistTask, KindRule, Meeting, MeetingDocument, Participant, Reply, ReviewOpinion, Role
from office.calendar import day_start
from office.lessons import lessons_for
from office.queries import SubqueryCount


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
        meetings = meetings.filter(start__gte=day_start(filters.start_from))
    if filters.start_to:
        meetings = meetings.filter(start__lt=day_start(filters.start_to + datetime.timedelta(days=1)))
    if filters.q:
        words = filters.q.strip()
        meetings = meetings.filter(Q(subject__icontains=words) | Q(agenda__title__icontains=words)).distinct()
    if filters.mine:
        person = getattr(user, "person", None)
        if person is None:
            return meetings.none()
        invited = Participant.objects.filter(meeting=OuterRef("pk"), person=person)
        meetings = meetings.filter(Q(convener=person) | Exists(invited))
    attending = Participant.objects.filter(meeting=OuterRef("pk"), role=Role.ATTEND)
    tasks = ChecklistTask.objects.filter(meeting=OuterRef("pk"))
    return meetings.annotate(
        invited=SubqueryCount(attending),
        signed=SubqueryCount(attending.filter(signed_in_at__isnull=False)),
        tasks_total=SubqueryCount(tasks),
        tasks_done=SubqueryCount(tasks.filter(done_at__isnull=False)),
    ).order_by("-start")


_MEETING_RELATED = ("term", "room", "convener__unit", "plan_approved_by__person", "created_by__person")
_RULE_FIELDS = ("id", "body", "quorum", "pass_rule", "notice_days", "notice_working_days")


def meeting_get(pk) -> Meeting:
    """The meeting, with its kind's rule read in the same query (a column each)."""
    meeting = _with_kind_rule(Meeting.objects.select_related(*_MEETING_RELATED)).filter(pk=pk).first()
    if meeting is None:
        raise Http404("没有这个会议")
    _keep_kind_rule(meeting)
    return meeting


def meeting_page_get(pk) -> Meeting:
    """meeting_get for the meeting's page: also its participant counts and its documents
    (会议文书, at most one of each kind), all in the one query."""
    from office.queries import with_children

    meetings = _with_kind_rule(Meeting.objects.select_related(*_MEETING_RELATED)).annotate(**_participant_count_columns())
    found = with_children(meetings.filter(pk=pk), "documents", to_attr="document_list")
    if not found:
        raise Http404("没有这个会议")
    meeting = found[0]
    _keep_kind_rule(meeting)
    meeting.__dict__["_participant_counts"] = {column: meeting.__dict__.pop(column) for column, *_ in _participants_counted()}
    return meeting


def _with_kind_rule(meetings: QuerySet) -> QuerySet:
    # The page asks for the rule several times (quorum, notice, votes): read it once, with the meeting.
    rule = KindRule.objects.filter(kind=OuterRef("kind"))
    return meetings.annotate(**{f"_rule_{name}": Subquery(rule.values(name)[:1]) for name in _RULE_FIELDS})


def _keep_kind_rule(meeting: Meeting) -> None:
    from meetings.services import rule_or_default

    values = {name: meeting.__dict__.pop(f"_rule_{name}") for name in _RULE_FIELDS}
    rule = KindRule(kind=meeting.kind, **values) if values["id"] is not None else None
    meeting.__dict__["_kind_rule"] = rule_or_default(meeting.kind, rule)  # services.rule_of reads it


def agenda_of(meeting: Meeting) -> list:
    """The agenda items, each with `material_list` (read in the same query). Opinions come
    with opinions_of (and the supervision items they became)."""
    from office.queries import with_children

    return with_children(meeting.agenda.select_related("sponsor", "vote"), "materials", to_attr="material_list", order_by=("id",))


def checklist_of(meeting: Meeting) -> list[ChecklistTask]:
    return list(meeting.checklist.select_related("owner__person", "done_by__person").order_by("due_date", "order", "id"))


def participant_counts(meeting: Meeting) -> dict:
    """Participants by role and by reply, and those signed in by role (only the non-zero
    ones): read with the meeting by meeting_page_get, else in one query."""
    numbers = meeting.__dict__.get("_participant_counts")
    if numbers is None:
        numbers = Meeting.objects.filter(pk=meeting.pk).values(**_participant_count_columns()).get()
    counts = {"by_role": {}, "by_reply": {}, "signed": {}}
    for column, key, value, _ in _participants_counted():
        if numbers[column]:
            counts[key][value] = numbers[column]
    return counts


def _participants_counted():
    """(column, key in participant_counts, role or reply, the participants it counts)"""
    participants = Participant.objects.filter(meeting=OuterRef("pk"))
    for role in Role.values:
        yield f"_n_role_{role}", "by_role", role, participants.filter(role=role)
        yield f"_n_signed_{role}", "signed", role, participants.filter(role=role, signed_in_at__isnull=False)
    for reply in Reply.values:
        yield f"_n_reply_{reply}", "by_reply", reply, participants.filter(reply=reply)


def _participant_count_columns() -> dict:
    return {column: SubqueryCount(rows) for column, _, _, rows in _participants_counted()}


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
    documents = meeting.__dict__.get("document_list")  # read with it by meeting_page_get
    return {doc.doc_kind: doc for doc in (documents if documents is not None else meeting.documents.all())}


# What an opinion's line shows of the supervision item it became: its number, state, deadline and light.
_ITEM_SHOWN = ("year", "serial", "state", "deadline", "reported_on")


def opinions_of(meeting: Meeting) -> list[dict]:
    """Each review opinion with its co-units (`co_unit_list`) and the supervision item it
    became (state and light), in one query."""
    from django.utils import timezone

    from office.queries import with_children
    from supervision.models import SupervisionItem
    from supervision.services import light_of

    # supervision_item_id is a plain number (no foreign key from one duty into another), so
    # the item's shown columns come beside the opinion, a subquery each, instead of a join.
    item = SupervisionItem.objects.filter(pk=OuterRef("supervision_item_id"))
    opinions = with_children(
        ReviewOpinion.objects.filter(agenda_item__meeting=meeting).select_related("agenda_item", "lead_unit")
        .annotate(**{f"_item_{name}": Subquery(item.values(name)[:1]) for name in _ITEM_SHOWN}),
        "co_units", to_attr="co_unit_list", order_by=("order", "id"),
    )
    today = timezone.localdate()
    rows = []
    for opinion in opinions:
        item = _item_read_with(opinion)
        rows.append({"opinion": opinion, "item": item, "light": light_of(item, today) if item is not None else None})
    return rows


def _item_read_with(opinion):
    """The supervision item from the columns read with the opinion (its others deferred), or
    None if the opinion is not assigned or its item is gone."""
    from supervision.models import SupervisionItem

    shown = {name: opinion.__dict__.pop(f"_item_{name}") for name in _ITEM_SHOWN}
    if shown["year"] is None:
        return None
    shown["id"] = opinion.supervision_item_id
    names = [field.attname for field in SupervisionItem._meta.concrete_fields if field.attname in shown]
    return SupervisionItem.from_db(opinion._state.db, names, [shown[name] for name in names])


def lessons_for_meeting(meeting: Meeting) -> list:
    """Past mistakes in this kind of meeting (filled once the conduct app provides them)."""
    return lessons_for(f"meeting:{meeting.kind}", record=meeting)  # and the entries about it ({% related_records %})


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
    from meetings.services import rule_of

    return threshold(rule_of(meeting).pass_rule, members)


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
