"""办文 reads: secret documents only for those granted them — in lists, counts,
search, exports and "待我处理" alike, because every read starts here."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Window
from django.http import Http404

from documents.models import (
    Circulation,
    Countersign,
    IncomingDocument,
    IncomingGrant,
    InState,
    Instruction,
    OutgoingDocument,
    OutgoingGrant,
    OutState,
)
from documents.services import IN_VIEW, OUT_VIEW, can_view, record_access
from office.roles import Role, has_role, user_unit_id

READERS = (Role.DIRECTOR, Role.STAFF, Role.LEADER, Role.LIAISON)


def _granted(grant_model, user, codename):
    return grant_model.objects.filter(content_object=OuterRef("pk"), user=user, permission__codename=codename)


def _incoming_reachable(user) -> QuerySet:
    """The 收文 the user's role reaches, before the secrecy check: office and leaders
    every one, a liaison their unit's."""
    if not has_role(user, *READERS):
        return IncomingDocument.objects.none()
    documents = IncomingDocument.objects.all()
    if not has_role(user, Role.DIRECTOR, Role.STAFF, Role.LEADER):
        unit_id = user_unit_id(user)
        if unit_id is None:
            return IncomingDocument.objects.none()
        co = IncomingDocument.co_units.through.objects.filter(incomingdocument_id=OuterRef("pk"), unit_id=unit_id)
        circulated = Circulation.objects.filter(document=OuterRef("pk"), reader=user)
        documents = documents.filter(Q(lead_unit_id=unit_id) | Exists(co) | Exists(circulated))
    return documents


def _incoming_granted(user) -> Exists:
    return Exists(_granted(IncomingGrant, user, IN_VIEW.split(".")[1]))


def incoming_visible_to(user) -> QuerySet:
    """Office and leaders see every non-secret 收文; a liaison their unit's; secret ones
    only with a grant."""
    return _incoming_reachable(user).filter(Q(secrecy="") | _incoming_granted(user))


def _outgoing_reachable(user) -> QuerySet:
    """The 发文 the user's role reaches, before the secrecy check: office and leaders
    every one, a liaison their unit's drafts and those it is asked to countersign."""
    if not has_role(user, *READERS):
        return OutgoingDocument.objects.none()
    documents = OutgoingDocument.objects.all()
    if not has_role(user, Role.DIRECTOR, Role.STAFF, Role.LEADER):
        unit_id = user_unit_id(user)
        if unit_id is None:
            return OutgoingDocument.objects.none()
        asked = Countersign.objects.filter(document=OuterRef("pk"), unit_id=unit_id)
        documents = documents.filter(Q(drafting_unit_id=unit_id) | Q(drafter=user) | Exists(asked))
    return documents


def outgoing_visible_to(user) -> QuerySet:
    return _outgoing_reachable(user).filter(Q(secrecy="") | Exists(_granted(OutgoingGrant, user, OUT_VIEW.split(".")[1])))


def _split_count(documents: QuerySet, grant_model, codename: str, user) -> int:
    """documents.count() of the ones the user may see, as two cheap counts: the non-secret
    ones (the secrecy index serves it) plus the secret ones granted to the user (few) —
    rather than one count testing "non-secret or granted" on every row. IN (the user's
    grants) is one lookup table; a correlated EXISTS would walk them again for every row."""
    granted_ids = grant_model.objects.filter(user=user, permission__codename=codename).values("content_object_id")
    return documents.filter(secrecy="").count() + documents.exclude(secrecy="").filter(pk__in=granted_ids).count()


def incoming_get(user, pk, log_access=True) -> IncomingDocument:
    """The document if the user may see it (404 otherwise); a secret one's view is logged."""
    doc = (
        incoming_visible_to(user)
        .select_related("lead_unit", "registered_by__person")
        .prefetch_related("co_units")
        .annotate(viewer_granted=Exists(_granted(IncomingGrant, user, IN_VIEW.split(".")[1])))
        .filter(pk=pk)
        .first()
    )
    if doc is None or not can_view(user, doc, granted=doc.viewer_granted):
        raise Http404("没有这份公文，或您无权查看")
    if log_access:
        record_access(doc, user)
    return doc


def outgoing_get(user, pk, log_access=True) -> OutgoingDocument:
    doc = (
        outgoing_visible_to(user)
        .select_related("drafter__person", "drafting_unit", "signer__person")
        .annotate(viewer_granted=Exists(_granted(OutgoingGrant, user, OUT_VIEW.split(".")[1])))
        .filter(pk=pk)
        .first()
    )
    if doc is None or not can_view(user, doc, granted=doc.viewer_granted):
        raise Http404("没有这份公文，或您无权查看")
    if log_access:
        record_access(doc, user)
    return doc


def search_incoming(queryset: QuerySet, words: str) -> QuerySet:
    """Titles, numbers (收〔2026〕3号, 来文字号) and body text."""
    import re

    words = words.strip()
    condition = Q(title__icontains=words) | Q(from_number__icontains=words) | Q(body_text__icontains=words) | Q(from_unit__icontains=words)
    match = re.search(r"(\d{4})\D+(\d+)", words)
    if match:
        condition |= Q(year=int(match.group(1)), serial=int(match.group(2)))
    return queryset.filter(condition)


def search_outgoing(queryset: QuerySet, words: str) -> QuerySet:
    import re

    words = words.strip()
    condition = Q(title__icontains=words) | Q(body__icontains=words) | Q(main_to__icontains=words)
    match = re.search(r"(\D*)〔?(\d{4})〕?\D*?(\d+)号?", words)
    if match:
        condition |= Q(year=int(match.group(2)), serial=int(match.group(3)))
    return queryset.filter(condition)


def waiting_on(user) -> dict[str, QuerySet]:
    """待我处理: documents at a step that waits on this user."""
    incoming = incoming_visible_to(user)
    outgoing = outgoing_visible_to(user)
    # Only when it is this leader's turn: no unsigned 批示 before theirs.
    earlier = Instruction.objects.filter(document=OuterRef(OuterRef("pk")), signed_at__isnull=True, order__lt=OuterRef("order"))
    mine_to_instruct = Instruction.objects.filter(document=OuterRef("pk"), leader=user, signed_at__isnull=True).filter(~Exists(earlier))
    result = {
        "to_instruct": incoming.filter(state=InState.PROPOSED).filter(Exists(mine_to_instruct)),
        "to_read": incoming.filter(circulation__reader=user, circulation__read_at__isnull=True),
    }
    if has_role(user, Role.DIRECTOR, Role.STAFF):
        result["to_route"] = incoming.filter(state__in=(InState.REGISTERED, InState.REVIEWED, InState.INSTRUCTED))
        result["to_issue"] = outgoing.filter(state__in=(OutState.DRAFT, OutState.CHECKED, OutState.SIGNED, OutState.NUMBERED, OutState.SEALED, OutState.PRINTED, OutState.DISTRIBUTED))
    if has_role(user, Role.LEADER):
        result["to_sign"] = outgoing.filter(state=OutState.AWAITING_SIGNATURE)
    unit_id = user_unit_id(user)
    if has_role(user, Role.LIAISON) and unit_id:
        result["to_handle"] = incoming.filter(state=InState.HANDLING, lead_unit_id=unit_id)
        result["to_countersign"] = outgoing.filter(state=OutState.COUNTERSIGNING, countersigns__unit_id=unit_id, countersigns__decision=Countersign.Decision.PENDING)
    return result


# --- for the 办文 pages (views) ------------------------------------------------------------
# Lists, filters and the pieces of a document's page; every list starts from the
# *_visible_to querysets above, so secret documents stay out for the ungranted.

import datetime  # noqa: E402

from office.calendar import day_start  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from django.db.models import BooleanField, Case, Value, When  # noqa: E402


def can_see_registers(user) -> bool:
    """收文/发文 registers, 办文 home and 待我处理: office, leaders and liaisons."""
    return has_role(user, *READERS)


# States in which a 收文's 办理期限 runs (the services' definition, also used for 催办).
from documents.services import OPEN_INCOMING as INCOMING_OPEN  # noqa: E402


@dataclass
class IncomingFilters:
    q: str = ""
    state: str = ""
    doc_type: str = ""
    secrecy: str = ""  # "plain", "classified" or a Secrecy value
    urgency: str = ""  # "normal" or an Urgency value
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None
    overdue: bool = False


@dataclass
class OutgoingFilters:
    q: str = ""
    state: str = ""
    doc_type: str = ""
    secrecy: str = ""
    urgency: str = ""
    drafted_from: datetime.date | None = None
    drafted_to: datetime.date | None = None


def _filter_marks(documents: QuerySet, secrecy: str, urgency: str) -> QuerySet:
    if secrecy == "plain":
        documents = documents.filter(secrecy="")
    elif secrecy == "classified":
        documents = documents.exclude(secrecy="")
    elif secrecy:
        documents = documents.filter(secrecy=secrecy)
    if urgency == "normal":
        documents = documents.filter(urgency="")
    elif urgency:
        documents = documents.filter(urgency=urgency)
    return documents


def overdue_condition(today: datetime.date) -> Q:
    """Past its 办理期限 and still being handled. Filter with this rather than on the
    is_overdue annotation, which no index serves (a scan of every 收文)."""
    return Q(due_date__lt=today, state__in=INCOMING_OPEN)


def with_overdue(documents: QuerySet, today: datetime.date) -> QuerySet:
    """Annotate `is_overdue`: past its 办理期限 and still being handled."""
    return documents.annotate(
        is_overdue=Case(
            When(overdue_condition(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def incoming_list(user, filters: IncomingFilters, today: datetime.date) -> QuerySet:
    """收文登记簿: the user's visible 收文, filtered, newest number first."""
    documents = _incoming_filtered(with_overdue(incoming_visible_to(user), today), filters, today)
    return documents.select_related("lead_unit").order_by("-year", "-serial")


def incoming_list_count(user, filters: IncomingFilters, today: datetime.date) -> int:
    """incoming_list(...).count(), cheaply."""
    return _split_count(_incoming_filtered(_incoming_reachable(user), filters, today), IncomingGrant, IN_VIEW.split(".")[1], user)


def _incoming_filtered(documents: QuerySet, filters: IncomingFilters, today: datetime.date) -> QuerySet:
    if filters.q:
        documents = search_incoming(documents, filters.q)
    if filters.state:
        documents = documents.filter(state=filters.state)
    if filters.doc_type:
        documents = documents.filter(doc_type=filters.doc_type)
    documents = _filter_marks(documents, filters.secrecy, filters.urgency)
    if filters.received_from:
        documents = documents.filter(received_on__gte=filters.received_from)
    if filters.received_to:
        documents = documents.filter(received_on__lte=filters.received_to)
    if filters.overdue:
        documents = documents.filter(overdue_condition(today))
    return documents


def outgoing_list(user, filters: OutgoingFilters) -> QuerySet:
    """发文登记簿: the user's visible 发文, filtered, newest draft first."""
    documents = _outgoing_filtered(outgoing_visible_to(user), filters)
    return documents.select_related("drafting_unit", "drafter__person", "signer__person").order_by("-created_at", "-id")


def outgoing_list_count(user, filters: OutgoingFilters) -> int:
    """outgoing_list(...).count(), cheaply."""
    return _split_count(_outgoing_filtered(_outgoing_reachable(user), filters), OutgoingGrant, OUT_VIEW.split(".")[1], user)


def _outgoing_filtered(documents: QuerySet, filters: OutgoingFilters) -> QuerySet:
    if filters.q:
        documents = search_outgoing(documents, filters.q)
    if filters.state:
        documents = documents.filter(state=filters.state)
    if filters.doc_type:
        documents = documents.filter(doc_type=filters.doc_type)
    documents = _filter_marks(documents, filters.secrecy, filters.urgency)
    if filters.drafted_from:
        documents = documents.filter(created_at__gte=day_start(filters.drafted_from))
    if filters.drafted_to:
        documents = documents.filter(created_at__lt=day_start(filters.drafted_to + datetime.timedelta(days=1)))
    return documents


def secret_ids(documents: QuerySet) -> list[int]:
    """The secret ones among these (an export logs each in 查阅登记)."""
    return list(documents.exclude(secrecy="").order_by().values_list("pk", flat=True))


def waiting_counts(user) -> dict[str, int]:
    """待我处理 counts per step, one COUNT query per step."""
    return {key: documents.count() for key, documents in waiting_on(user).items()}


# --- a document's page -------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    when: datetime.datetime
    who: str
    what: str
    text: str = ""
    kind: str = "step"


def user_name(user) -> str:
    if user is None:
        return "系统"
    person = getattr(user, "person", None)
    return person.name if person else (user.get_full_name() or user.username)


def document_timeline(doc) -> list[TimelineEntry]:
    """The route: registration (or drafting), every workflow step with its comment, and
    for a 收文 each 阅毕, oldest first."""
    from office.workflow import workflow_log_for

    if isinstance(doc, IncomingDocument):
        entries = [TimelineEntry(doc.created_at, user_name(doc.registered_by), "签收登记", f"{doc.number}，来文单位：{doc.from_unit}")]
        for entry in (entry for entry in incoming_circulation(doc) if entry.read_at is not None):
            entries.append(TimelineEntry(entry.read_at, user_name(entry.reader), "阅毕", entry.comment, "report"))
    else:
        entries = [TimelineEntry(doc.created_at, user_name(doc.drafter), "拟稿", f"拟稿单位：{doc.drafting_unit.name}")]
    entries += [TimelineEntry(log.at, user_name(log.actor), log.action_label, log.comment) for log in workflow_log_for(doc)]
    entries.sort(key=lambda entry: entry.when)
    return entries


def document_files(doc) -> list:
    return list(doc.files.select_related("uploaded_by__person").order_by("uploaded_at", "id"))


def document_amendments(doc) -> list:
    """更正记录, oldest first, each with its item's name in Chinese (`field_label`)."""
    from django.core.exceptions import FieldDoesNotExist

    if doc.state != "archived":
        return []  # 更正 is made to archived documents only (services.amendment_record), and 归档 is final
    amendments = list(doc.amendments.select_related("amended_by__person").order_by("amended_at", "id"))
    for amendment in amendments:
        try:
            amendment.field_label = type(doc)._meta.get_field(amendment.field).verbose_name
        except FieldDoesNotExist:
            amendment.field_label = amendment.field
    return amendments


def incoming_instructions(doc) -> list:
    """The 批示 in order, each with its supervision item (number and link) once converted."""
    from supervision.models import SupervisionItem

    instructions = list(doc.instructions.select_related("leader__person").order_by("order"))
    item_ids = [instruction.supervision_item_id for instruction in instructions if instruction.supervision_item_id]
    items = SupervisionItem.objects.in_bulk(item_ids) if item_ids else {}
    for instruction in instructions:
        instruction.supervision_item = items.get(instruction.supervision_item_id)
    return instructions


def incoming_circulation(doc) -> list:
    """传阅, kept on the document object: its page shows the list and the 阅毕 on the route."""
    if "_circulation" not in doc.__dict__:
        doc.__dict__["_circulation"] = list(doc.circulation.select_related("reader__person", "added_by__person").order_by("added_at", "id"))
    return doc.__dict__["_circulation"]


def outgoing_countersigns(doc) -> list:
    return list(doc.countersigns.select_related("unit", "decided_by__person").order_by("unit__order", "id"))


def outgoing_distribution(doc) -> list:
    return list(doc.distribution.select_related("delivered_by__person").order_by("id"))


def secrecy_people(doc) -> tuple[list, list]:
    """For a secret document's page, in one query: who holds a grant to it (by rank, then in
    the order granted), and the office's people it may still be granted to (active, in an
    office role, not granted yet)."""
    from itertools import groupby

    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    grant_model = IncomingGrant if isinstance(doc, IncomingDocument) else OutgoingGrant
    first_grant = grant_model.objects.filter(content_object=doc, user=OuterRef("pk")).order_by("id").values("id")[:1]
    in_office = user_model.groups.through.objects.filter(user=OuterRef("pk"), group__name__in=Role.OFFICE)
    people = list(
        user_model.objects.annotate(grant_id=Subquery(first_grant), in_office=Exists(in_office))
        .filter(Q(grant_id__isnull=False) | Q(is_active=True, in_office=True))
        .select_related("person__unit").order_by("person__protocol_rank", "id")
    )
    granted = [user for user in people if user.grant_id is not None]
    grantees = [user for _, same_rank in groupby(granted, key=_rank) for user in sorted(same_rank, key=lambda user: user.grant_id)]
    grantable = [user for user in people if user.grant_id is None]
    return grantees, grantable


def _rank(user):
    return getattr(getattr(user, "person", None), "protocol_rank", None)


def document_access_log(doc, limit: int = 100) -> tuple[list, int]:
    """查阅登记 of a secret document: the latest `limit` entries and the total."""
    from documents.models import SecretAccess

    field = "incoming" if isinstance(doc, IncomingDocument) else "outgoing"
    # The total rides on each row (a window count over all of them): one query.
    entries = list(
        SecretAccess.objects.filter(**{field: doc}).annotate(total=Window(Count("id")))
        .select_related("user__person").order_by("-at", "-id")[:limit]
    )
    return entries, entries[0].total if entries else 0


DUE_SECTIONS = ("to_instruct", "to_route", "to_handle")


def today_items(user, day):
    """办文 waiting on this person (待我处理), with the 收文 办理期限 as the due date."""
    from office.today import TodayItem

    labels = {"to_instruct": "待批示", "to_read": "待阅", "to_route": "待处理", "to_issue": "待印发", "to_sign": "待签发",
              "to_handle": "待承办", "to_countersign": "待会签"}
    # Only what a line shows (a director may have a hundred waiting).
    shown = {IncomingDocument: ("secrecy", "title", "year", "serial", "due_date"), OutgoingDocument: ("secrecy", "title", "year", "serial", "prefix")}
    found, seen = [], set()
    for section, documents in waiting_on(user).items():
        for doc in documents.only(*shown[documents.model])[:50]:
            key = (type(doc).__name__, doc.pk)
            if key in seen:
                continue
            seen.add(key)
            title = "（涉密公文）" if doc.is_secret else doc.title
            number = getattr(doc, "number", "") or "未编号"
            # The 办理期限 binds whoever handles the document, not its readers.
            due = getattr(doc, "due_date", None) if section in DUE_SECTIONS else None
            found.append(TodayItem("办文", f"{labels[section]} {number} {title}", doc.get_absolute_url(), due))
    return found
