"""办文 in the nightly report: per leader, 收文 待批示 and 发文 待签发.

Counted within the recipient's own visibility: a secret document the recipient has
not been granted is neither counted nor named. Four queries however many leaders
(a leader sees every document without 密级, and a secret one when granted it).
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q

from documents.models import IncomingGrant, InState, Instruction, OutgoingGrant, OutState
from documents.selectors import incoming_visible_to, outgoing_visible_to
from documents.services import IN_VIEW, OUT_VIEW
from office.report import ReportSection, person_name, report_section
from office.roles import Role


def _waiting_to_instruct(incoming, leader_ids) -> dict[int, int]:
    """leader id → 收文 whose next unsigned 批示 is theirs (as waiting_on counts them).

    Read from the leaders' unsigned 批示 (index on leader, signed_at), each checked against
    the recipient's visibility: not the visible 收文 of ten years first (a full scan)."""
    earlier = Instruction.objects.filter(document=OuterRef("document"), signed_at__isnull=True, order__lt=OuterRef("order"))
    leader_granted = IncomingGrant.objects.filter(content_object=OuterRef("document"), user=OuterRef("leader"),
                                                  permission__codename=IN_VIEW.split(".")[1])
    rows = (
        Instruction.objects.filter(leader_id__in=leader_ids, signed_at__isnull=True, document__state=InState.PROPOSED)
        .filter(Exists(incoming.filter(pk=OuterRef("document_id"))))
        .filter(~Exists(earlier))
        .filter(Q(document__secrecy="") | Exists(leader_granted))
        .values("leader_id").annotate(n=Count("document_id", distinct=True)).order_by()
    )
    return {row["leader_id"]: row["n"] for row in rows}


def _waiting_to_sign(outgoing) -> tuple[int, dict[int, int]]:
    """(发文 without 密级 waiting for signature, leader id → secret ones granted to them)."""
    awaiting = outgoing.filter(state=OutState.AWAITING_SIGNATURE)
    plain = awaiting.filter(secrecy="").count()
    rows = (
        OutgoingGrant.objects.filter(content_object__in=awaiting.exclude(secrecy=""), permission__codename=OUT_VIEW.split(".")[1])
        .values("user_id").annotate(n=Count("content_object_id", distinct=True)).order_by()
    )
    return plain, {row["user_id"]: row["n"] for row in rows}


@report_section(30)
def documents_section(day, tomorrow, recipient):
    leaders = get_user_model().objects.filter(is_active=True, groups__name=Role.LEADER).select_related("person").distinct() \
        .order_by("person__protocol_rank", "pk")
    to_instruct = _waiting_to_instruct(incoming_visible_to(recipient), [leader.pk for leader in leaders])
    plain_to_sign, secret_to_sign = _waiting_to_sign(outgoing_visible_to(recipient))
    rows, total_instruct, total_sign = [], 0, 0
    for leader in leaders:
        instruct = to_instruct.get(leader.pk, 0)
        sign = plain_to_sign + secret_to_sign.get(leader.pk, 0)
        total_instruct += instruct
        total_sign += sign
        rows.append((person_name(leader), f"待批示 {instruct} 件，待签发 {sign} 件"))
    rows.append(("合计", f"待批示 {total_instruct} 件，待签发 {total_sign} 件"))
    return ReportSection("办文（待领导处理）", rows=rows)
