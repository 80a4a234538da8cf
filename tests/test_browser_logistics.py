"""用车 in a real browser: staff requests a trip, the director approves, staff dispatches a car
and a driver, and the driver logs the return on the phone-sized page."""

import datetime

import pytest
from django.utils import timezone

from logistics.models import Trip, TripState, Vehicle
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.click("text=退出")


def test_request_approve_dispatch_and_return_on_the_phone(office, live_server, page, browser):
    today = timezone.localdate()
    car = Vehicle.objects.create(plate="湘J·A0601", model="别克GL8", seats=6, odometer=52000,
                                 insurance_expires=today + datetime.timedelta(days=200), inspection_expires=today + datetime.timedelta(days=200))
    start = timezone.localtime() + datetime.timedelta(hours=2)
    start = start.replace(minute=0, second=0, microsecond=0)
    if start.date() != today:  # late in the evening: a trip tomorrow morning is still on the driver's page
        start = start.replace(hour=8)
    end = start + datetime.timedelta(hours=1)

    # Staff requests the trip.
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/logistics/")
    page.click("text=申请用车")
    page.fill("#id_purpose", "送审议材料")
    page.fill("#id_destination", "市人大常委会")
    page.fill("#id_start", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_end", end.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_passengers", "2")
    page.fill("#id_distance_km", "60")
    page.click("main form button[type=submit]")
    assert "用车申请已提交" in page.locator(".flash").inner_text()
    trip = Trip.objects.get(destination="市人大常委会")
    assert trip.state == TripState.REQUESTED
    logout(page)

    # The director approves it from the 用车 page's 待我审批.
    login(page, live_server, "director")
    page.goto(f"{live_server.url}/logistics/trips/")
    page.click("#to-approve >> text=市人大常委会")
    decide = page.locator("#act-decide")
    decide.locator("input[value=approve]").check()
    decide.locator("button[type=submit]").click()
    assert "已批准用车申请" in page.locator(".flash").inner_text()
    trip.refresh_from_db()
    assert trip.state == TripState.APPROVED
    logout(page)

    # Staff dispatches the car and the driver.
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}{trip.get_absolute_url()}")
    dispatch = page.locator("#act-dispatch")
    dispatch.locator("select[name=dispatch-vehicle]").select_option(str(car.pk))
    dispatch.locator("select[name=dispatch-driver]").select_option(label="马师傅")
    dispatch.locator("button[type=submit]").click()
    assert "已派车：湘J·A0601" in page.locator(".flash").inner_text()
    assert "派车" in page.locator("#timeline").inner_text()
    trip.refresh_from_db()
    assert trip.state == TripState.DISPATCHED and trip.driver == office.driver
    logout(page)

    # The driver, on a phone, logs the return.
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        mobile = phone.new_page()
        mobile.set_default_timeout(15000)
        login(mobile, live_server, "driver")
        mobile.goto(f"{live_server.url}/logistics/driver/")
        card = mobile.locator(f"#trip-{trip.pk}")
        assert "市人大常委会" in card.inner_text() and "湘J·A0601" in card.inner_text()
        # Nothing wider than the phone.
        assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
        if not card.locator("details.return-log").evaluate("d => d.open"):
            card.locator("summary").click()
        card.locator(f"#id_return{trip.pk}-odometer_end").fill("52061")
        card.locator(f"#id_return{trip.pk}-fuel_liters").fill("8")
        card.locator(f"#id_return{trip.pk}-tolls").fill("15")
        card.locator("button[type=submit]").click()
        assert "已登记回场" in mobile.locator(".flash").inner_text()
        assert "已回场：行驶 61 公里" in mobile.locator(f"#trip-{trip.pk}").inner_text()
    finally:
        phone.close()
    trip.refresh_from_db()
    car.refresh_from_db()
    assert trip.state == TripState.RETURNED and trip.distance == 61 and car.odometer == 52061
