"""Pages kept fast on a large office, with the same content: the proposals page pages its
forms and renders its people lists once (in Django's own HTML); the 督办 dashboard flow
reads only the weeks shown and the items not yet closed, and counts as over every item."""

import datetime
import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from conduct.forms import ProposalConfirmForm, SwapForm, choices_of, entry_people, entry_units
from conduct.models import Category, Proposal, SubKind
from conduct.selectors import swappable_shifts
from supervision import dashboard as supervision_dashboard
from supervision.models import State, SupervisionItem

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def make_proposals(count, unit=None):
    return [
        Proposal.objects.create(key=f"test:{n}", category=Category.MEETINGS, sub_kind=SubKind.MEETING, summary=f"会务工作逾期完成 {n}",
                                occurred_on=today() - datetime.timedelta(days=count - n), unit=unit)
        for n in range(count)
    ]


def django_select(bound_field, widget_class) -> str:
    """The same field rendered by Django's own select widget."""
    own = bound_field.field.widget
    plain = widget_class(attrs=own.attrs)
    plain.choices, plain.is_required = own.choices, own.is_required
    bound_field.field.widget = plain
    try:
        return re.sub(r"\n\s*\n", "\n", str(bound_field))  # Django leaves a blank line after each option
    finally:
        bound_field.field.widget = own


@pytest.mark.parametrize("bound", [False, True])
def test_prerendered_selects_are_djangos_html(office, bound):
    (proposal,) = make_proposals(1)
    people, units = choices_of(entry_people()), choices_of(entry_units(), label=lambda unit: unit.name, empty_label="请选择")
    prefix = f"confirm-{proposal.pk}"
    data = None
    if bound:
        from django.http import QueryDict

        data = QueryDict(mutable=True)
        data.setlist(f"{prefix}-people", [str(office.staff.person.pk), str(office.liaison_a.person.pk)])
        data[f"{prefix}-unit"] = str(office.unit_a.pk)
    form = ProposalConfirmForm(data, proposal=proposal, people_choices=people, unit_choices=units)
    rendered_people, rendered_unit = str(form["people"]), str(form["unit"])
    assert rendered_people == django_select(form["people"], forms.SelectMultiple)
    assert rendered_unit == django_select(form["unit"], forms.Select)
    assert rendered_people.count(" selected") == (2 if bound else 0)
    assert f'<option value="{office.unit_a.pk}" selected>' in rendered_unit if bound else '<option value="" selected>请选择</option>' in rendered_unit
    # A second unbound form on the page reuses the rendered options.
    again = ProposalConfirmForm(proposal=proposal, people_choices=people, unit_choices=units)
    str(again["people"])
    assert frozenset() in people.rendered


def test_swap_form_select_is_djangos_html(office):
    form = SwapForm(shifts=swappable_shifts(office.staff, today()))
    assert str(form["substitute"]) == django_select(form["substitute"], forms.Select)
    assert office.staff.person.name in str(form["substitute"])


def test_proposals_page_shows_ten_forms_a_page_and_keeps_the_page_on_a_refused_post(office):
    proposals = make_proposals(12)
    client = office.client_for(office.director)
    first = client.get(reverse("conduct:proposals"))
    assert [row[0] for row in first.context["rows"]] == proposals[:10]
    assert "待确认 <span class=\"muted small\">12 条</span>" in first.content.decode()
    second = client.get(reverse("conduct:proposals"), {"page": 2})
    assert [row[0] for row in second.context["rows"]] == proposals[10:]
    late = proposals[11]
    action = f'{reverse("conduct:proposal_confirm", args=[late.pk])}?page=2'
    assert f'action="{action}"' in second.content.decode()
    # Posted without people from page 2: re-shown there with its errors.
    refused = client.post(action, {f"confirm-{late.pk}-severity": "minor", f"confirm-{late.pk}-what_happened": "逾期"})
    assert refused.status_code == 400
    shown = {row[0].pk: row[1] for row in refused.context["rows"]}
    assert shown[late.pk].is_bound and shown[late.pk].errors["people"]


_serial = iter(range(1, 100000))


def item(office, **fields):
    return SupervisionItem.objects.create(
        year=today().year, serial=next(_serial), title="落实审议意见", requirements="按期报送。", source="other",
        lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader, registered_by=office.staff, **fields)


def flow_over_every_item(day, mondays):
    """The weekly figures counted in Python over every item: what week_flow must give."""
    rows = list(SupervisionItem.objects.all())
    flow = []
    for monday in mondays:
        end = monday + datetime.timedelta(days=7)
        at = min(end - datetime.timedelta(days=1), day)
        flow.append({
            "monday": monday,
            "opened": sum(1 for row in rows if row.assigned_on and monday <= row.assigned_on < end),
            "closed": sum(1 for row in rows if row.closed_on and monday <= row.closed_on < end),
            "overdue": sum(1 for row in rows if row.assigned_on and row.assigned_on <= at and row.deadline and row.deadline < at
                           and row.state != State.REGISTERED and (row.reported_on is None or row.reported_on > at)),
        })
    return flow


def test_supervision_week_flow_counts_as_over_every_item(office):
    day = today()
    monday = day - datetime.timedelta(days=day.weekday())
    long_ago = day - datetime.timedelta(days=400)
    # Closed years ago: in no figure, and not read.
    item(office, state=State.CLOSED, assigned_on=long_ago, deadline=long_ago + datetime.timedelta(days=10),
         reported_on=long_ago + datetime.timedelta(days=20), closed_on=long_ago + datetime.timedelta(days=21))
    # Overdue for weeks, then reported and closed this week.
    item(office, state=State.CLOSED, assigned_on=monday - datetime.timedelta(weeks=20), deadline=monday - datetime.timedelta(weeks=5),
         reported_on=monday, closed_on=monday)
    # Open and overdue since before the weeks shown.
    item(office, state=State.IN_PROGRESS, assigned_on=long_ago, deadline=long_ago + datetime.timedelta(days=30))
    # Reported late long ago, not yet closed: red.
    item(office, state=State.REPORTED, assigned_on=long_ago, deadline=long_ago + datetime.timedelta(days=5),
         reported_on=long_ago + datetime.timedelta(days=9))
    # Assigned three weeks ago, due next month: green.
    item(office, state=State.ASSIGNED, assigned_on=monday - datetime.timedelta(weeks=3), deadline=day + datetime.timedelta(days=30))
    # Registered, not yet assigned: no light, never overdue.
    item(office, state=State.REGISTERED, assigned_on=long_ago, deadline=long_ago)

    flow, lights = supervision_dashboard.week_flow(office.director, day)
    assert flow == flow_over_every_item(day, [week["monday"] for week in flow])
    assert flow[-1]["closed"] == 1 and flow[-4]["opened"] == 1
    assert all(week["overdue"] >= 1 for week in flow)
    assert (lights["red"], lights["yellow"], lights["green"]) == (2, 0, 1)
