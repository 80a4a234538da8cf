"""A car's page: maintenance records with costs, and status changes that keep booked trips safe."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from logistics import services
from logistics.models import Maintenance, Vehicle
from office.workflow import TransitionRefused


@pytest.fixture
def car(db):
    today = timezone.localdate()
    return Vehicle.objects.create(plate="湘J·T0001", model="别克GL8", seats=6, odometer=10000,
                                  insurance_expires=today + datetime.timedelta(days=200), inspection_expires=today + datetime.timedelta(days=200))


def test_maintenance_is_recorded_with_cost_and_moves_the_odometer_on(office, car):
    today = timezone.localdate()
    record = services.maintenance_record(actor=office.staff, vehicle=car, date=today, kind="保养", cost=Decimal("680.00"), odometer=10500)
    assert (record.kind, record.cost, record.recorded_by) == ("保养", Decimal("680.00"), office.staff)
    car.refresh_from_db()
    assert car.odometer == 10500
    services.maintenance_record(actor=office.staff, vehicle=car, date=today, kind="更换雨刮", cost=Decimal("90"), odometer=9000)
    car.refresh_from_db()
    assert car.odometer == 10500  # an older reading never winds it back


@pytest.mark.parametrize(("who", "changes", "message"), [
    ("driver", {}, "只有办公室可以登记维修保养"),
    ("staff", {"cost": Decimal("-1")}, "费用不能为负数"),
    ("staff", {"kind": " "}, "请填写维修保养项目"),
    ("staff", {"date": datetime.date(2099, 1, 1)}, "日期不能晚于今天"),
])
def test_bad_maintenance_is_refused(office, car, who, changes, message):
    data = {"date": timezone.localdate(), "kind": "维修", "cost": Decimal("100")} | changes
    with pytest.raises(TransitionRefused, match=message):
        services.maintenance_record(actor=getattr(office, who), vehicle=car, **data)
    assert not Maintenance.objects.exists()


def test_a_car_with_a_trip_ahead_cannot_go_to_the_garage(office, car):
    start = timezone.now() + datetime.timedelta(days=1)
    trip = services.trip_request(actor=office.staff, purpose="调研", destination="镇", passengers=2, start=start,
                                 end=start + datetime.timedelta(hours=2), distance_km=40)
    services.trip_decide(trip=trip, actor=office.director, approve=True)
    services.trip_dispatch(trip=trip, actor=office.staff, vehicle=car, driver=office.driver)
    with pytest.raises(TransitionRefused, match="还有任务"):
        services.vehicle_set_status(actor=office.staff, vehicle=car, status=Vehicle.Status.MAINTENANCE)
    assert Vehicle.objects.get(pk=car.pk).status == Vehicle.Status.AVAILABLE
    services.trip_cancel(trip=trip, actor=office.staff, reason="改期")
    services.vehicle_set_status(actor=office.staff, vehicle=car, status=Vehicle.Status.MAINTENANCE)
    assert Vehicle.objects.get(pk=car.pk).status == Vehicle.Status.MAINTENANCE


def test_vehicle_page_lists_records_and_lets_the_office_add_them(office, car, django_assert_max_num_queries):
    client = office.client_for(office.staff)
    url = reverse("logistics:vehicle_detail", args=[car.pk])
    response = client.post(url, {"m-date": timezone.localdate().isoformat(), "m-kind": "保养", "m-cost": "680", "m-odometer": "10500"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "保养" in page and "680" in page
    for _ in range(10):
        services.maintenance_record(actor=office.staff, vehicle=car, date=timezone.localdate(), kind="检查", cost=Decimal("10"))
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    driver_page = office.client_for(office.driver).get(url)
    assert driver_page.status_code == 200 and "登记维修保养" not in driver_page.content.decode()
    assert office.client_for(office.driver).post(url, {"s-status": "retired"}).status_code == 403
    assert office.client_for(office.liaison_a).get(url).status_code == 403
