"""待我审批 on a phone (390×844): a leader approves a trip and a deadline extension."""

import datetime

import pytest
from django.utils import timezone

from logistics.models import Trip, TripState
from logistics.services import trip_request
from office.calendar import next_working_day
from supervision import services as sup_services
from supervision.models import Extension
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_leader_approves_a_trip_and_an_extension_on_a_phone(office, live_server, phone, settings):
    settings.NOTIFY_CHANNELS = ["inbox"]
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    trip = trip_request(actor=office.liaison_a, purpose="赴街道调研", destination="清河街道", passengers=3,
                        start=start, end=start + datetime.timedelta(hours=2), distance_km=40)
    item = sup_services.item_register(actor=office.staff, title="关于加快城区停车场建设的审议意见", requirements="按期报送办理情况。",
                                      source="meeting", urgency="normal", lead_unit=office.unit_a, supervisor=office.staff,
                                      leader=office.leader)
    item = sup_services.item_assign(item=item, actor=office.staff, assigned_on=timezone.localdate())
    new_deadline = next_working_day(item.deadline + datetime.timedelta(days=7))
    extension = Extension.objects.create(item=item, requested_by=office.liaison_a, reason="需征求区政府意见",
                                         old_deadline=item.deadline, new_deadline=new_deadline)

    page = phone
    login(page, live_server, "leader")
    page.click("nav.mainnav >> text=待我审批")
    assert page.locator("h1").inner_text().startswith("待我审批")
    cards = page.locator("article.approval")
    assert cards.count() == 2
    # Fits the phone: nothing of the queue sticks out sideways, the buttons are big enough to tap.
    assert page.evaluate("document.querySelector('.approvals').scrollWidth") <= 390
    trip_card = page.locator(f"article[data-key='logistics-trip:{trip.pk}']")
    button = trip_card.locator("button[value=approve]")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 390

    # The trip: one tap.
    assert "清河街道" in trip_card.inner_text() and "用车" in trip_card.inner_text()
    button.click()
    assert "已同意" in page.locator(".flash").inner_text()
    assert Trip.objects.get(pk=trip.pk).state == TripState.APPROVED
    assert page.locator("article.approval").count() == 1

    # Refusing the extension without a reason is refused, and nothing changes.
    ext_card = page.locator(f"article[data-key='supervision-extension:{extension.pk}']")
    ext_card.locator("button[value=return]").click()
    assert "不批准时请填写意见" in page.locator("[data-testid=approval-error]").inner_text()
    extension.refresh_from_db()
    assert extension.decision == Extension.Decision.PENDING

    # Approving it moves the deadline.
    ext_card = page.locator(f"article[data-key='supervision-extension:{extension.pk}']")
    ext_card.locator("textarea[name=comment]").fill("同意延期，请抓紧办理。")
    ext_card.locator("button[value=approve]").click()
    assert "已同意" in page.locator(".flash").inner_text()
    extension.refresh_from_db()
    assert extension.decision == Extension.Decision.APPROVED and extension.decision_comment == "同意延期，请抓紧办理。"
    item.refresh_from_db()
    assert item.deadline == new_deadline
    assert "没有等待您审批的事项" in page.locator("main").inner_text()
