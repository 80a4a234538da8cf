"""作风 in a real browser: the director confirms a proposed error (an overdue supervision
item), the entry is verified, then published, and the 差错通报 PDF is linked."""

import datetime

import pytest
from django.utils import timezone

from conduct import services
from conduct.models import EntryState, ErrorEntry, Proposal
from supervision import services as supervision_services
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_director_confirms_verifies_and_publishes(office, live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the 通报 task runs in the request
    from office.celery import app

    app.conf.task_always_eager = True
    try:
        run_the_path(office, live_server, page)
    finally:
        app.conf.task_always_eager = False


def run_the_path(office, live_server, page):
    item = supervision_services.item_register(
        actor=office.staff, title="关于城区停车难问题的审议意见", requirements="研究解决", source="other", urgency="urgent",
        lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader,
    )
    item = supervision_services.item_assign(item=item, actor=office.staff, assigned_on=timezone.localdate() - datetime.timedelta(days=30))
    assert services.proposals_sweep() == 1
    proposal = Proposal.objects.get()

    login(page, live_server, "director")
    page.goto(f"{live_server.url}/conduct/")
    assert page.locator("[data-testid=open-proposals]").inner_text() == "1"
    page.click(".conduct-tabs >> text=差错线索")
    card = page.locator(f"#proposal-{proposal.pk}")
    assert item.number in card.inner_text()
    card.locator("summary").click()
    form = card.locator("[data-testid=confirm-form]")
    assert form.locator("textarea").input_value() == proposal.summary
    form.locator("select[multiple]").select_option(label=f"{office.liaison_a.person.name}（财经工委）")
    form.locator("select[name$=severity]").select_option("serious")
    form.locator("button[type=submit]").click()  # without the tick the browser will not send it
    assert form.locator("input[type=checkbox]").evaluate("box => box.validity.valueMissing")
    form.locator("input[type=checkbox]").check()
    form.locator("button[type=submit]").click()

    page.wait_for_selector("#step-publish")
    entry = ErrorEntry.objects.get()
    assert entry.state == EntryState.VERIFIED and list(entry.people.all()) == [office.liaison_a.person]
    assert "已登记并核实" in page.locator(".flash").inner_text()
    assert page.locator("[data-testid=concerns] a").get_attribute("href") == item.get_absolute_url()
    assert "核实" in page.locator("#timeline").inner_text()

    publish = page.locator("#step-publish")
    publish.locator("input[type=checkbox]").check()
    publish.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=bulletin-link]")
    entry.refresh_from_db()
    assert entry.state == EntryState.PUBLISHED and entry.bulletin.name.endswith(".pdf")
    response = page.request.get(live_server.url + page.locator("[data-testid=bulletin-link]").get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
    assert "通报" in page.locator("#timeline").inner_text()
    assert page.locator("#step-rectify").is_visible()

    # The dismissed/confirmed proposal is gone from the open list.
    page.goto(f"{live_server.url}/conduct/proposals/")
    assert page.locator("[data-testid=proposal]").count() == 0
