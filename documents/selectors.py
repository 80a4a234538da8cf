"""办文 reads: secret documents only for those granted them — in lists, counts,
search, exports and "待我处理" alike, because every read starts here."""

from django.db.models import Exists, OuterRef, Q, QuerySet
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


def incoming_visible_to(user) -> QuerySet:
    """Office and leaders see every non-secret 收文; a liaison their unit's; secret ones
    only with a grant."""
    if not has_role(user, *READERS):
        return IncomingDocument.objects.none()
    documents = IncomingDocument.objects.all()
    if not has_role(user, Role.DIRECTOR, Role.STAFF, Role.LEADER):
        unit_id = user_unit_id(user)
        co = IncomingDocument.co_units.through.objects.filter(incomingdocument_id=OuterRef("pk"), unit_id=unit_id)
        circulated = Circulation.objects.filter(document=OuterRef("pk"), reader=user)
        documents = documents.filter(Q(lead_unit_id=unit_id) | Exists(co) | Exists(circulated))
    return documents.filter(Q(secrecy="") | Exists(_granted(IncomingGrant, user, IN_VIEW.split(".")[1])))


def outgoing_visible_to(user) -> QuerySet:
    if not has_role(user, *READERS):
        return OutgoingDocument.objects.none()
    documents = OutgoingDocument.objects.all()
    if not has_role(user, Role.DIRECTOR, Role.STAFF, Role.LEADER):
        unit_id = user_unit_id(user)
        asked = Countersign.objects.filter(document=OuterRef("pk"), unit_id=unit_id)
        documents = documents.filter(Q(drafting_unit_id=unit_id) | Q(drafter=user) | Exists(asked))
    return documents.filter(Q(secrecy="") | Exists(_granted(OutgoingGrant, user, OUT_VIEW.split(".")[1])))


def incoming_get(user, pk, log_access=True) -> IncomingDocument:
    """The document if the user may see it (404 otherwise); a secret one's view is logged."""
    doc = (
        incoming_visible_to(user)
        .select_related("lead_unit", "registered_by__person")
        .prefetch_related("co_units")
        .filter(pk=pk)
        .first()
    )
    if doc is None or not can_view(user, doc):
        raise Http404("没有这份公文，或您无权查看")
    if log_access:
        record_access(doc, user)
    return doc


def outgoing_get(user, pk, log_access=True) -> OutgoingDocument:
    doc = (
        outgoing_visible_to(user)
        .select_related("drafter__person", "drafting_unit", "signer__person")
        .filter(pk=pk)
        .first()
    )
    if doc is None or not can_view(user, doc):
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
    mine_to_instruct = Instruction.objects.filter(document=OuterRef("pk"), leader=user, signed_at__isnull=True)
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
