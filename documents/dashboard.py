"""办文 on the director's dashboard: documents waiting at each step, counted in the
viewer's own visible querysets (a secret document counts only for those granted
it), with the steps that wait on the leaders first (待批办, 待签发)."""

from urllib.parse import urlencode

from django.db.models import Count, Value
from django.urls import reverse

from documents.models import InState, OutState
from documents.selectors import (
    can_see_registers,
    incoming_visible_to,
    outgoing_visible_to,
)
from office.dashboard import DashboardNumber, DashboardSection, dashboard_section

# Steps still under way (not rejected, done or archived), in the order of the work.
INCOMING_STEPS = (InState.REGISTERED, InState.REVIEWED, InState.PROPOSED, InState.INSTRUCTED, InState.HANDLING)
OUTGOING_STEPS = (
    OutState.DRAFT, OutState.CHECKED, OutState.COUNTERSIGNING, OutState.AWAITING_SIGNATURE,
    OutState.SIGNED, OutState.NUMBERED, OutState.SEALED, OutState.PRINTED, OutState.DISTRIBUTED,
)
LEADER_STEPS = {InState.PROPOSED, OutState.AWAITING_SIGNATURE}


def _by_state(queryset, states, register: str):
    return queryset.filter(state__in=states).order_by().values("state").annotate(n=Count("id"), register=Value(register))


def step_counts(user) -> tuple[dict[str, int], dict[str, int]]:
    """(收文, 发文) counts per open state that the user may see: one grouped query each,
    sent together as a UNION."""
    counts = {"incoming": {}, "outgoing": {}}
    rows = _by_state(incoming_visible_to(user), INCOMING_STEPS, "incoming").union(
        _by_state(outgoing_visible_to(user), OUTGOING_STEPS, "outgoing"), all=True
    )
    for row in rows:
        counts[row["register"]][row["state"]] = row["n"]
    return counts["incoming"], counts["outgoing"]


@dashboard_section(20)
def documents_section(user, today):
    if not can_see_registers(user):
        return None
    incoming, outgoing = step_counts(user)
    incoming_url, outgoing_url = reverse("documents:incoming_list"), reverse("documents:outgoing_list")
    numbers = [
        DashboardNumber("收文待批办（等领导）", incoming.get(InState.PROPOSED, 0),
                        f"{incoming_url}?{urlencode({'state': InState.PROPOSED})}", "yellow" if incoming.get(InState.PROPOSED) else ""),
        DashboardNumber("发文待签发（等领导）", outgoing.get(OutState.AWAITING_SIGNATURE, 0),
                        f"{outgoing_url}?{urlencode({'state': OutState.AWAITING_SIGNATURE})}", "yellow" if outgoing.get(OutState.AWAITING_SIGNATURE) else ""),
    ]
    rows = []
    for state in INCOMING_STEPS:
        if state not in LEADER_STEPS and incoming.get(state):
            rows.append((f"收文 {state.label}：{incoming[state]} 件", f"{incoming_url}?{urlencode({'state': state})}"))
    for state in OUTGOING_STEPS:
        if state not in LEADER_STEPS and outgoing.get(state):
            rows.append((f"发文 {state.label}：{outgoing[state]} 件", f"{outgoing_url}?{urlencode({'state': state})}"))
    if not rows:
        rows.append(("其他环节没有在办的公文", ""))
    return DashboardSection("办文：各环节在办公文", numbers=numbers, rows=rows)
