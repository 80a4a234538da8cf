"""办文 in the nightly report: per leader, 收文 待批示 and 发文 待签发.

Counted within the recipient's own visibility: a secret document the recipient has
not been granted is neither counted nor named.
"""

from django.contrib.auth import get_user_model

from documents.selectors import incoming_visible_to, outgoing_visible_to, waiting_on
from office.report import ReportSection, person_name, report_section
from office.roles import Role


@report_section(30)
def documents_section(day, tomorrow, recipient):
    leaders = get_user_model().objects.filter(is_active=True, groups__name=Role.LEADER).select_related("person").distinct() \
        .order_by("person__protocol_rank", "pk")
    incoming = incoming_visible_to(recipient).values("pk")
    outgoing = outgoing_visible_to(recipient).values("pk")
    rows, total_instruct, total_sign = [], 0, 0
    for leader in leaders:
        waiting = waiting_on(leader)
        to_instruct = waiting["to_instruct"].filter(pk__in=incoming).count()
        to_sign = waiting.get("to_sign", waiting["to_instruct"].none()).filter(pk__in=outgoing).count()
        total_instruct += to_instruct
        total_sign += to_sign
        rows.append((person_name(leader), f"待批示 {to_instruct} 件，待签发 {to_sign} 件"))
    rows.append(("合计", f"待批示 {total_instruct} 件，待签发 {total_sign} 件"))
    return ReportSection("办文（待领导处理）", rows=rows)
