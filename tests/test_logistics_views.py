"""办事 pages: who may, the trip path through the views, the driver's page, the canteen grid,
the headcount sheet, supplies, receptions, calendars and exports."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from logistics import services
from logistics.models import (
    Meal,
    MealBooking,
    Reception,
    Requisition,
    Room,
    RoomBooking,
    SupplyItem,
    Trip,
    TripState,
    Vehicle,
    VehicleBooking,
)
from tests.factories import PersonFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- helpers ---------------------------------------------------------------------------------


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def vehicle(plate="湘J·A0601", seats=6, odometer=30000, **extra):
    today = timezone.localdate()
    return Vehicle.objects.create(plate=plate, model="别克GL8", seats=seats, odometer=odometer,
                                  insurance_expires=extra.pop("insurance", today + datetime.timedelta(days=200)),
                                  inspection_expires=extra.pop("inspection", today + datetime.timedelta(days=200)), **extra)


def trip_form(day=None, start=9, end=12, **changes):
    day = day or tomorrow()
    data = {
        "purpose": "赴韩公渡镇调研", "destination": "韩公渡镇", "passengers": 3, "passenger_names": "李副主任、杨科员",
        "leader_passenger": "", "distance_km": 46,
        "start": f"{day:%Y-%m-%d}T{start:02d}:00", "end": f"{day:%Y-%m-%d}T{end:02d}:00",
    }
    data.update(changes)
    return data


def request_trip(office, user=None, **changes) -> Trip:
    client = office.client_for(user or office.staff)
    response = client.post(reverse("logistics:trip_create"), trip_form(**changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Trip.objects.latest("id")


def make_trip(office, state=TripState.APPROVED, day=None, start=9, end=12, passengers=3, distance=46, requester=None, **extra):
    day = day or tomorrow()
    return Trip.objects.create(requester=requester or office.staff, unit=office.office_unit, purpose="调研", destination="石门桥镇",
                               passengers=passengers, distance_km=distance, start=local(day, start), end=local(day, end), state=state, **extra)


def dispatched(office, car, day=None, start=9, end=12, driver=None, **extra) -> Trip:
    trip = make_trip(office, day=day, start=start, end=end, **extra)
    return services.trip_dispatch(trip=trip, actor=office.staff, vehicle=car, driver=driver or office.driver)


def text(response) -> str:
    return response.content.decode()


# --- 办事 index and access ------------------------------------------------------------------


def test_index_shows_todays_numbers(office):
    car = vehicle()
    dispatched(office, car, day=timezone.localdate(), start=0, end=1)
    SupplyItem.objects.create(name="文件袋", stock=3, low_threshold=20)
    SupplyItem.objects.create(name="A4复印纸", stock=40, low_threshold=10)
    MealBooking.objects.create(date=timezone.localdate(), meal=Meal.LUNCH, person=office.staff, booked_by=office.staff)
    response = office.client_for(office.staff).get(reverse("logistics:index"))
    assert response.status_code == 200
    body = text(response)
    for title in ("用车", "食堂", "会议室", "办公用品", "公务接待"):
        assert f"<h2>{title}</h2>" in body
    assert "<strong>1</strong> 趟" in body
    assert "<strong class=\"warn-text\">1</strong> 种" in body


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("logistics:trips"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["vehicles", "vehicle_calendar", "trip_totals", "headcounts", "meal_totals", "receptions", "reception_create"])
def test_liaison_is_refused_office_pages_with_a_chinese_message(office, name):
    response = office.client_for(office.liaison_a).get(reverse(f"logistics:{name}"))
    assert response.status_code == 403


def test_driver_page_is_for_drivers_only(office):
    assert office.client_for(office.staff).get(reverse("logistics:driver")).status_code == 403
    assert office.client_for(office.driver).get(reverse("logistics:driver")).status_code == 200


# --- the trip path ----------------------------------------------------------------------------


def test_request_approve_dispatch_return_through_the_views(office):
    car = vehicle(odometer=30000)
    trip = request_trip(office)
    assert trip.state == TripState.REQUESTED and trip.requester == office.staff and trip.unit == office.office_unit
    assert trip.passengers == 3 and timezone.localtime(trip.start).hour == 9

    # The requester sees it but may not approve it.
    page = office.client_for(office.staff).get(trip.get_absolute_url())
    assert "id=\"act-decide\"" not in text(page) and "id=\"act-cancel\"" in text(page)
    assert office.client_for(office.staff).post(reverse("logistics:trip_decide", args=[trip.pk]), {"decide-decision": "approve"}).status_code == 403

    # A short trip: the director approves.
    director = office.client_for(office.director)
    assert "id=\"act-decide\"" in text(director.get(trip.get_absolute_url()))
    response = director.post(reverse("logistics:trip_decide", args=[trip.pk]), {"decide-decision": "approve", "decide-comment": ""})
    assert response.status_code == 302
    trip.refresh_from_db()
    assert trip.state == TripState.APPROVED and trip.approver == office.director

    # Staff dispatches a car and the driver.
    staff = office.client_for(office.staff)
    page = text(staff.get(trip.get_absolute_url()))
    assert "id=\"act-dispatch\"" in page and "马师傅" in page and car.plate in page
    response = staff.post(reverse("logistics:trip_dispatch", args=[trip.pk]), {"dispatch-vehicle": car.pk, "dispatch-driver": office.driver.pk})
    assert response.status_code == 302
    trip.refresh_from_db()
    assert trip.state == TripState.DISPATCHED and trip.vehicle == car and trip.driver == office.driver and trip.odometer_start == 30000
    assert VehicleBooking.objects.filter(vehicle=car, owner_id=trip.pk).count() == 1

    # The driver logs the return.
    driver = office.client_for(office.driver)
    response = driver.post(reverse("logistics:trip_return", args=[trip.pk]), {
        f"return{trip.pk}-odometer_end": 30092, f"return{trip.pk}-fuel_liters": "20.5", f"return{trip.pk}-fuel_cost": "160.00",
        f"return{trip.pk}-tolls": "30", f"return{trip.pk}-parking": "10",
    })
    assert response.status_code == 302
    trip.refresh_from_db()
    car.refresh_from_db()
    assert trip.state == TripState.RETURNED and trip.distance == 92 and car.odometer == 30092

    # The timeline tells the story.
    page = text(staff.get(trip.get_absolute_url()))
    for step in ("提交用车申请", "批准用车", "派车", "回场登记", "行驶92公里"):
        assert step in page


def test_a_long_trip_needs_a_leader_and_the_director_is_refused(office, settings):
    settings.TRIP_LEADER_APPROVAL_KM = 100
    trip = request_trip(office, distance_km=180)
    director = office.client_for(office.director)
    assert "id=\"act-decide\"" not in text(director.get(trip.get_absolute_url()))
    response = director.post(reverse("logistics:trip_decide", args=[trip.pk]), {"decide-decision": "approve"})
    assert response.status_code == 403
    trip.refresh_from_db()
    assert trip.state == TripState.REQUESTED

    leader = office.client_for(office.leader)
    assert trip.destination in text(leader.get(reverse("logistics:trips")))  # 待我审批
    response = leader.post(reverse("logistics:trip_decide", args=[trip.pk]), {"decide-decision": "approve"})
    assert response.status_code == 302
    trip.refresh_from_db()
    assert trip.state == TripState.APPROVED and trip.approver == office.leader


def test_refusal_needs_a_comment(office):
    trip = request_trip(office)
    director = office.client_for(office.director)
    response = director.post(reverse("logistics:trip_decide", args=[trip.pk]), {"decide-decision": "refuse", "decide-comment": ""})
    assert response.status_code == 200 and "不批准时请填写意见" in text(response)
    response = director.post(reverse("logistics:trip_decide", args=[trip.pk]), {"decide-decision": "refuse", "decide-comment": "可与区政府拼车"})
    trip.refresh_from_db()
    assert trip.state == TripState.REFUSED
    assert "可与区政府拼车" in text(director.get(trip.get_absolute_url()))


def test_dispatch_refuses_too_few_seats_and_a_double_booking(office):
    small, big = vehicle("湘J·A0603", seats=4), vehicle("湘J·A0605", seats=19)
    staff = office.client_for(office.staff)
    trip = make_trip(office, passengers=6)
    response = staff.post(reverse("logistics:trip_dispatch", args=[trip.pk]), {"dispatch-vehicle": small.pk, "dispatch-driver": office.driver.pk})
    assert response.status_code == 200
    assert "湘J·A0603只有4个座位，乘车6人" in text(response)
    trip.refresh_from_db()
    assert trip.state == TripState.APPROVED

    dispatched(office, big, start=10, end=11)  # the big car is out 10:00–11:00
    response = staff.post(reverse("logistics:trip_dispatch", args=[trip.pk]), {"dispatch-vehicle": big.pk, "dispatch-driver": office.driver.pk})
    assert "湘J·A0605在" in text(response) and "已有任务" in text(response)
    trip.refresh_from_db()
    assert trip.state == TripState.APPROVED

    other_driver = UserFactory(username="driver2", roles=["司机"])
    other_car = vehicle("湘J·A0602", seats=6)
    response = staff.post(reverse("logistics:trip_dispatch", args=[trip.pk]), {"dispatch-vehicle": other_car.pk, "dispatch-driver": office.driver.pk})
    assert "该驾驶员在" in text(response)
    response = staff.post(reverse("logistics:trip_dispatch", args=[trip.pk]), {"dispatch-vehicle": other_car.pk, "dispatch-driver": other_driver.pk})
    assert response.status_code == 302
    trip.refresh_from_db()
    assert trip.state == TripState.DISPATCHED and trip.vehicle == other_car


def test_only_the_office_dispatches(office):
    car = vehicle()
    trip = make_trip(office)
    response = office.client_for(office.director).get(trip.get_absolute_url())
    assert "id=\"act-dispatch\"" in text(response)
    for user in (office.liaison_a, office.driver, office.leader):
        client = office.client_for(user)
        response = client.post(reverse("logistics:trip_dispatch", args=[trip.pk]), {"dispatch-vehicle": car.pk, "dispatch-driver": office.driver.pk})
        assert response.status_code == 403


def test_return_below_the_start_odometer_is_refused(office):
    car = vehicle(odometer=41000)
    trip = dispatched(office, car)
    response = office.client_for(office.staff).post(reverse("logistics:trip_return", args=[trip.pk]), {f"return{trip.pk}-odometer_end": 40990})
    assert response.status_code == 200
    assert "回场里程不能小于出车里程（41000公里）" in text(response)
    trip.refresh_from_db()
    assert trip.state == TripState.DISPATCHED
    # Another driver may not log it.
    other = UserFactory(username="driver2", roles=["司机"])
    response = office.client_for(other).post(reverse("logistics:trip_return", args=[trip.pk]), {f"return{trip.pk}-odometer_end": 41050})
    assert response.status_code == 403


def test_cancel_by_requester_needs_a_reason_and_frees_the_car(office):
    car = vehicle()
    trip = dispatched(office, car, requester=office.liaison_a)
    client = office.client_for(office.liaison_a)
    response = client.post(reverse("logistics:trip_cancel", args=[trip.pk]), {"cancel-reason": ""})
    assert response.status_code == 200 and "这个字段是必填项" in text(response) or "必填" in text(response)
    response = client.post(reverse("logistics:trip_cancel", args=[trip.pk]), {"cancel-reason": "会议改期"})
    assert response.status_code == 302
    trip.refresh_from_db()
    assert trip.state == TripState.CANCELLED and not VehicleBooking.objects.filter(owner_id=trip.pk).exists()
    # Someone else's request: neither visible nor cancellable.
    assert office.client_for(office.liaison_b).get(trip.get_absolute_url()).status_code == 403


def test_trip_request_form_refuses_end_before_start(office):
    response = office.client_for(office.staff).post(reverse("logistics:trip_create"), trip_form(start=12, end=9))
    assert response.status_code == 200 and "返回时间须晚于出发时间" in text(response)
    assert not Trip.objects.exists()


# --- the driver's page --------------------------------------------------------------------------


def test_driver_page_shows_only_their_trips_today_and_tomorrow(office):
    today = timezone.localdate()
    other = UserFactory(username="driver2", roles=["司机"])
    PersonFactory(name="谭建军", unit=office.office_unit, user=other)
    office.staff.person.phone = "13800001111"
    office.staff.person.save()
    car1, car2 = vehicle("湘J·A0601"), vehicle("湘J·A0602")
    mine_today = dispatched(office, car1, day=today, start=22, end=23)
    mine_tomorrow = dispatched(office, car1, day=tomorrow(), start=8, end=9)
    dispatched(office, car1, day=today + datetime.timedelta(days=2), start=8, end=9)  # the day after: not shown
    dispatched(office, car2, day=today, start=22, end=23, driver=other)  # another driver's
    Trip.objects.filter(pk=mine_tomorrow.pk).update(destination="市人大常委会")
    Trip.objects.filter(pk=mine_today.pk).update(destination="灌溪镇")

    page = text(office.client_for(office.driver).get(reverse("logistics:driver")))
    assert page.count("data-testid=\"driver-trip\"") == 2
    assert "灌溪镇" in page and "市人大常委会" in page and "13800001111" in page
    assert "回场登记" in page

    # The return logged from the phone page comes back to it.
    response = office.client_for(office.driver).post(
        reverse("logistics:trip_return", args=[mine_today.pk]), {"from": "driver", f"return{mine_today.pk}-odometer_end": 30050}
    )
    assert response.status_code == 302 and response["Location"] == reverse("logistics:driver")
    mine_today.refresh_from_db()
    assert mine_today.state == TripState.RETURNED
    page = text(office.client_for(office.driver).get(reverse("logistics:driver")))
    assert "已回场：行驶 50 公里" in page


# --- lists, calendars and exports --------------------------------------------------------------------


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _fill_trips(office, n, car):
    day = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    for index in range(n):
        start = local(day + datetime.timedelta(days=index % 7), 0) + datetime.timedelta(minutes=70 * (index // 7))
        trip = make_trip(office, state=TripState.DISPATCHED, vehicle=car, driver=office.driver, leader_passenger=office.leader.person)
        Trip.objects.filter(pk=trip.pk).update(start=start, end=start + datetime.timedelta(hours=1))
        VehicleBooking.objects.create(vehicle=car, driver=office.driver, start=start, end=start + datetime.timedelta(hours=1),
                                      purpose=f"任务{index}", owner=trip, booked_by=office.staff)


@pytest.mark.parametrize("name", ["trips", "vehicle_calendar", "vehicles"])
def test_trip_pages_query_count_does_not_grow(office, name):
    car = vehicle()
    client = office.client_for(office.staff)
    url = reverse(f"logistics:{name}")
    _fill_trips(office, 3, car)
    small = _count_queries(client, url)
    _fill_trips(office, 17, vehicle("湘J·A0602"))
    large = _count_queries(client, url)
    assert small == large


def test_vehicle_calendar_shows_the_week_with_links(office):
    car = vehicle()
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    trip = make_trip(office, day=monday + datetime.timedelta(days=2), start=14, end=16)
    services.trip_dispatch(trip=trip, actor=office.staff, vehicle=car, driver=office.driver)
    client = office.client_for(office.driver)
    page = text(client.get(reverse("logistics:vehicle_calendar")))
    assert car.plate in page and "14:00–16:00" in page and "石门桥镇（调研）" in page
    next_week = text(client.get(reverse("logistics:vehicle_calendar") + f"?week={monday + datetime.timedelta(days=7):%Y-%m-%d}"))
    assert "14:00–16:00" not in next_week and car.plate in next_week


def test_fleet_marks_papers_due_within_30_days(office):
    today = timezone.localdate()
    vehicle("湘J·A0601", insurance=today + datetime.timedelta(days=12))
    vehicle("湘J·A0602")
    page = text(office.client_for(office.staff).get(reverse("logistics:vehicles")))
    assert page.count('data-testid="due-soon"') == 1


def test_trip_register_filters_and_exports(office):
    make_trip(office, requester=office.staff)
    other = make_trip(office, state=TripState.REQUESTED, requester=office.liaison_a)
    Trip.objects.filter(pk=other.pk).update(unit=office.unit_a, destination="市委党校")
    client = office.client_for(office.director)
    page = text(client.get(reverse("logistics:trips") + f"?unit={office.unit_a.pk}"))
    assert "市委党校" in page and "符合条件的用车 1 次" in page
    response = client.get(reverse("logistics:trips_export_csv") + "?state=requested")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("出发时间,返回时间,用车单位")
    assert len(body.strip().splitlines()) == 2 and "市委党校" in body
    response = client.get(reverse("logistics:trips_export_xlsx"))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 3 and sheet["A1"].value == "出发时间"
    # A liaison sees only their own requests and may not export.
    page = text(office.client_for(office.liaison_b).get(reverse("logistics:trips")))
    assert "全部用车" not in page and "市委党校" not in page
    assert office.client_for(office.liaison_b).get(reverse("logistics:trips_export_csv")).status_code == 403


def test_monthly_trip_totals_page(office):
    car = vehicle(odometer=1000)
    trip = dispatched(office, car, day=timezone.localdate(), start=0, end=1)
    services.trip_return(trip=trip, actor=office.driver, odometer_end=1120, fuel_cost="90.50")
    today = timezone.localdate()
    page = text(office.client_for(office.director).get(reverse("logistics:trip_totals") + f"?month={today:%Y-%m}"))
    assert car.plate in page and ">120<" in page and "90.50" in page and "办公室" in page


# --- the canteen ---------------------------------------------------------------------------------------


@pytest.fixture
def cutoffs(settings):
    """Cutoffs relative to now, so the test does not depend on the clock: today's lunch has
    closed an hour ago, today's dinner closes in an hour, the rest follow the same clock."""
    now = timezone.localtime()
    if now.hour < 2 or now.hour >= 22:
        pytest.skip("too close to midnight for same-day cutoffs")
    past, future = now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=1)
    settings.CANTEEN_CUTOFFS = {"breakfast": (1, "23:59"), "lunch": (0, f"{past:%H:%M}"), "dinner": (0, f"{future:%H:%M}")}
    return settings.CANTEEN_CUTOFFS


def cell(day, meal):
    return f"m-{day:%Y%m%d}-{meal}"


def test_meal_grid_saves_changes_and_refuses_a_late_one(office, cutoffs):
    today, next_day = timezone.localdate(), tomorrow()
    MealBooking.objects.create(date=today, meal=Meal.LUNCH, person=office.staff, unit=office.office_unit, booked_by=office.staff)
    client = office.client_for(office.staff)
    page = text(client.get(reverse("logistics:canteen")))
    assert "报餐截止" in page and f'name="{cell(today, Meal.LUNCH)}"' in page and "已截止" in page

    data = {
        # today's lunch closed an hour ago: cancelling it is refused
        "cells": [cell(today, Meal.LUNCH), cell(today, Meal.DINNER), cell(next_day, Meal.BREAKFAST), cell(next_day, Meal.LUNCH)],
        cell(today, Meal.DINNER): "1",
        cell(next_day, Meal.BREAKFAST): "1",
        cell(next_day, Meal.LUNCH): "1",
    }
    response = client.post(reverse("logistics:canteen"), data, follow=True)
    body = text(response)
    assert f"{today.month}月{today.day}日午餐已于" in body and "截止报餐" in body
    assert "已保存：报餐3餐" in body
    booked = set(MealBooking.objects.filter(person=office.staff).values_list("date", "meal"))
    assert booked == {(today, Meal.LUNCH), (today, Meal.DINNER), (next_day, Meal.BREAKFAST), (next_day, Meal.LUNCH)}

    # Unticking cancels; cells not listed (closed ones in the page) are left alone.
    response = client.post(reverse("logistics:canteen"), {"cells": [cell(next_day, Meal.LUNCH), cell(today, Meal.DINNER)], cell(today, Meal.DINNER): "1"}, follow=True)
    assert "取消1餐" in text(response)
    assert not MealBooking.objects.filter(person=office.staff, date=next_day, meal=Meal.LUNCH).exists()
    assert MealBooking.objects.filter(person=office.staff, date=today, meal=Meal.LUNCH).exists()


def test_meal_grid_query_count_does_not_grow(office, cutoffs):
    client = office.client_for(office.staff)
    url = reverse("logistics:canteen")
    today = timezone.localdate()
    MealBooking.objects.create(date=today, meal=Meal.BREAKFAST, person=office.staff, booked_by=office.staff)
    small = _count_queries(client, url)
    for n in range(1, 7):
        for meal in Meal.values:
            MealBooking.objects.create(date=today + datetime.timedelta(days=n), meal=meal, person=office.staff, booked_by=office.staff)
    assert _count_queries(client, url) == small


def test_headcount_page_and_pdf_show_the_total(office, cutoffs):
    from pypdf import PdfReader

    day = tomorrow()
    for user in (office.staff, office.director, office.liaison_a):
        unit = user.person.unit
        MealBooking.objects.create(date=day, meal=Meal.LUNCH, person=user, unit=unit, booked_by=user)
    reception = Reception.objects.create(title="市人大调研组", guests="市人大财经委", guest_count=14, host_unit=office.unit_a,
                                         start=local(day, 9), end=local(day, 17), created_by=office.staff)
    MealBooking.objects.create(date=day, meal=Meal.LUNCH, kind=MealBooking.Kind.GUEST, count=14, note="市人大调研组",
                               owner=reception, unit=office.unit_a, booked_by=office.staff)
    canteen = office.client_for(office.canteen)
    page = text(canteen.get(reverse("logistics:headcounts")))
    assert "下载统计单" in page and '<span class="headcount-total">17</span>' in page
    response = canteen.get(reverse("logistics:headcount_pdf") + f"?day={day:%Y-%m-%d}&meal=lunch")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "17" in pdf_text and "市人大调研组" in pdf_text
    assert office.client_for(office.liaison_a).get(reverse("logistics:headcount_pdf") + f"?day={day:%Y-%m-%d}&meal=lunch").status_code == 403


def test_group_meals_for_a_reception_and_a_meeting(office, cutoffs):
    from meetings import services as meetings
    from meetings.models import Kind, Participant, Reply

    day = tomorrow()
    reception = Reception.objects.create(title="兄弟区人大考察", guests="某区人大", guest_count=8, host_unit=office.office_unit,
                                         start=local(day, 9), end=local(day, 17), created_by=office.staff)
    client = office.client_for(office.staff)
    response = client.post(reverse("logistics:group_meals"), {"group-reception": reception.pk, "group-day": f"{day:%Y-%m-%d}",
                                                              "group-meal": "lunch", "group-count": 10}, follow=True)
    assert "兄弟区人大考察 10人" in text(response)
    assert MealBooking.objects.get(kind=MealBooking.Kind.GUEST).count == 10

    room = Room.objects.create(name="常委会议室", capacity=80)
    meeting = meetings.meeting_create(actor=office.staff, kind=Kind.COUNCIL, term=TermFactory(), start=local(day, 9), end=local(day, 11),
                                      convener=office.leader.person, room=room)
    for n in range(5):
        Participant.objects.create(meeting=meeting, person=PersonFactory(), reply=Reply.ATTEND)
    response = client.post(reverse("logistics:group_meals"), {"group-meeting": meeting.pk, "group-meal": "lunch"}, follow=True)
    assert "5人" in text(response)
    assert MealBooking.objects.get(kind=MealBooking.Kind.MEETING).count == 5
    assert office.client_for(office.liaison_a).post(reverse("logistics:group_meals"), {}).status_code == 403


def test_monthly_meal_totals_and_export(office):
    today = timezone.localdate()
    for user in (office.staff, office.director):
        for n in range(2):
            MealBooking.objects.create(date=today.replace(day=1) + datetime.timedelta(days=n), meal=Meal.LUNCH, person=user,
                                       unit=user.person.unit, booked_by=user)
    canteen = office.client_for(office.canteen)
    page = text(canteen.get(reverse("logistics:meal_totals") + f"?month={today:%Y-%m}"))
    assert "共 4 人次" in page and "杨科员" in page and "孙主任" in page
    response = canteen.get(reverse("logistics:meal_totals_csv") + f"?month={today:%Y-%m}")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0] == "类别,单位,就餐人,人次" and "职工,办公室,杨科员,2" in body
    response = canteen.get(reverse("logistics:meal_totals_xlsx") + f"?month={today:%Y-%m}")
    assert response.status_code == 200 and response.content[:2] == b"PK"


# --- rooms -------------------------------------------------------------------------------------------


def _fill_rooms(office, n, room):
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    for index in range(n):
        start = local(monday + datetime.timedelta(days=index % 7), 8) + datetime.timedelta(minutes=40 * (index // 7))
        RoomBooking.objects.create(room=room, start=start, end=start + datetime.timedelta(minutes=30), purpose=f"会议{index}", booked_by=office.staff)


def test_rooms_page_lists_rooms_and_the_week_in_constant_queries(office):
    first = Room.objects.create(name="第一会议室", capacity=60, equipment="音响、投影")
    client = office.client_for(office.liaison_a)
    _fill_rooms(office, 3, first)
    small = _count_queries(client, reverse("logistics:rooms"))
    page = text(client.get(reverse("logistics:rooms")))
    assert "第一会议室" in page and "音响、投影" in page and "会议0" in page and "08:00–08:30" in page
    _fill_rooms(office, 17, Room.objects.create(name="第二会议室", capacity=30))
    assert _count_queries(client, reverse("logistics:rooms")) == small


# --- supplies -------------------------------------------------------------------------------------------


def test_requisition_approval_issues_stock_and_refuses_when_short(office):
    paper = SupplyItem.objects.create(name="A4复印纸", measure="包", stock=10, low_threshold=3)
    liaison = office.client_for(office.liaison_a)
    liaison.post(reverse("logistics:requisition_create"), {"req-item": paper.pk, "req-quantity": 6, "req-reason": "打印审议材料"})
    liaison.post(reverse("logistics:requisition_create"), {"req-item": paper.pk, "req-quantity": 6, "req-reason": "再领"})
    first, second = Requisition.objects.order_by("id")
    assert first.requester == office.liaison_a and first.state == Requisition.State.REQUESTED

    # Only the director decides.
    assert office.client_for(office.staff).post(reverse("logistics:requisition_decide", args=[first.pk]), {"decision": "approve"}).status_code == 403
    director = office.client_for(office.director)
    assert "批准发放" in text(director.get(reverse("logistics:supplies")))
    response = director.post(reverse("logistics:requisition_decide", args=[first.pk]), {"decision": "approve"}, follow=True)
    assert "已批准并发放：A4复印纸 6包" in text(response)
    paper.refresh_from_db()
    first.refresh_from_db()
    assert paper.stock == 4 and first.state == Requisition.State.ISSUED

    response = director.post(reverse("logistics:requisition_decide", args=[second.pk]), {"decision": "approve"}, follow=True)
    assert "A4复印纸库存不足（现有4）" in text(response)
    second.refresh_from_db()
    paper.refresh_from_db()
    assert second.state == Requisition.State.REQUESTED and paper.stock == 4
    assert 'data-testid="low-stock"' not in text(director.get(reverse("logistics:supplies")))  # 4 > 3

    # Staff buys more; then the second one goes through.
    office.client_for(office.staff).post(reverse("logistics:supply_purchase"), {"purchase-item": paper.pk, "purchase-quantity": 20, "purchase-unit_price": "25.00"})
    paper.refresh_from_db()
    assert paper.stock == 24
    assert office.client_for(office.liaison_a).post(reverse("logistics:supply_purchase"), {"purchase-item": paper.pk, "purchase-quantity": 5}).status_code == 403
    # A liaison sees their own requisitions only.
    office.client_for(office.liaison_b).post(reverse("logistics:requisition_create"), {"req-item": paper.pk, "req-quantity": 1})
    page = text(office.client_for(office.liaison_b).get(reverse("logistics:supplies")))
    assert "打印审议材料" not in page and "我的领用申请" in page


def test_supplies_query_count_does_not_grow(office):
    client = office.client_for(office.director)
    item = SupplyItem.objects.create(name="中性笔", stock=100)
    for _ in range(3):
        services.requisition_request(actor=office.liaison_a, item=item, quantity=1)
    small = _count_queries(client, reverse("logistics:supplies"))
    for n in range(17):
        services.requisition_request(actor=office.staff, item=SupplyItem.objects.create(name=f"用品{n}", stock=1), quantity=1)
    assert _count_queries(client, reverse("logistics:supplies")) == small


# --- receptions ------------------------------------------------------------------------------------


def reception_data(day, room=None, **changes):
    data = {
        "title": "市人大调研组来访", "guests": "市人大财经委 王主任等", "guest_count": 6, "host_unit": "", "host_leader": "",
        "start": f"{day:%Y-%m-%d}T09:00", "end": f"{day:%Y-%m-%d}T11:30", "room": room.pk if room else "", "vehicle": "", "driver": "",
        "meals-TOTAL_FORMS": 3, "meals-INITIAL_FORMS": 0, "meals-MIN_NUM_FORMS": 0, "meals-MAX_NUM_FORMS": 10,
    }
    data.update(changes)
    return data


def test_reception_books_room_car_and_meals_and_refuses_a_room_a_meeting_holds(office, cutoffs):
    from meetings import services as meetings
    from meetings.models import Kind

    day = timezone.localdate() + datetime.timedelta(days=3)
    room, other_room = Room.objects.create(name="常委会议室", capacity=80), Room.objects.create(name="第二会议室", capacity=30)
    car = vehicle()
    meetings.meeting_create(actor=office.staff, kind=Kind.COUNCIL, term=TermFactory(), start=local(day, 10), end=local(day, 12),
                            convener=office.leader.person, room=room)
    client = office.client_for(office.staff)
    response = client.post(reverse("logistics:reception_create"), reception_data(day, room, host_unit=office.office_unit.pk))
    assert response.status_code == 200
    assert "常委会议室在" in text(response) and "已被预订" in text(response)
    assert not Reception.objects.exists()

    data = reception_data(day, other_room, host_unit=office.office_unit.pk, host_leader=office.leader.person.pk, vehicle=car.pk,
                          driver=office.driver.pk, **{"meals-0-day": f"{day:%Y-%m-%d}", "meals-0-meal": "lunch", "meals-0-count": 9})
    response = client.post(reverse("logistics:reception_create"), data)
    # The leader chairs the meeting at 10:00: a warning first ("防止撞车"), saved once confirmed.
    assert response.status_code == 200 and 'data-testid="clashes"' in text(response) and "仍然保存" in text(response)
    assert not Reception.objects.exists()
    response = client.post(reverse("logistics:reception_create"), {**data, "confirm_clashes": "on"})
    assert response.status_code == 302
    reception = Reception.objects.get()
    page = text(client.get(reception.get_absolute_url()))
    assert "第二会议室" in page and car.plate in page and "马师傅" in page and "午餐 9人" in page
    assert "市人大调研组来访" in text(client.get(reverse("logistics:receptions")))
    assert office.client_for(office.liaison_a).get(reception.get_absolute_url()).status_code == 403


def test_trip_with_a_busy_leader_on_board_warns_before_saving(office):
    make_trip(office, state=TripState.APPROVED, leader_passenger=office.leader.person, start=10, end=11)
    client = office.client_for(office.staff)
    data = trip_form(leader_passenger=office.leader.person.pk)
    response = client.post(reverse("logistics:trip_create"), data)
    assert response.status_code == 200 and 'data-testid="clashes"' in text(response)
    assert Trip.objects.count() == 1
    response = client.post(reverse("logistics:trip_create"), {**data, "confirm_clashes": "on"})
    assert response.status_code == 302 and Trip.objects.count() == 2
