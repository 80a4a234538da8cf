"""Trips (公务用车): request → approval → dispatch → return log, the vehicle/driver
booking behind dispatch, monthly totals, and the services receptions and meetings
share with trips (rooms, vehicles, leaders' time)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType

from logistics import reminders
from logistics.models import (
    Reception,
    Room,
    RoomBooking,
    Trip,
    TripState,
    Vehicle,
    VehicleBooking,
)
from logistics.selectors import trips_to_approve
from logistics.services import (
    can_approve,
    monthly_trip_totals,
    reception_create,
    trip_cancel,
    trip_decide,
    trip_dispatch,
    trip_request,
    trip_return,
    trips_commitments,
)
from meetings import services as meetings
from meetings.models import Kind
from office.models import Message, WorkflowLog
from office.roles import Role
from office.workflow import TransitionRefused
from tests.factories import PersonFactory, TermFactory, UserFactory

TZ = ZoneInfo("Asia/Shanghai")
# Far enough ahead that trip_request never finds the start in the past.
DAY = datetime.date(2030, 3, 13)  # a Wednesday

pytestmark = pytest.mark.django_db


def at(hour: int, minute: int = 0, day: datetime.date = DAY) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def next_day(days: int = 1) -> datetime.date:
    return DAY + datetime.timedelta(days=days)


@pytest.fixture
def car(db):
    return Vehicle.objects.create(plate="苏A·G8001", model="别克GL8", seats=6, odometer=12000,
                                  insurance_expires=datetime.date(2031, 1, 1), inspection_expires=datetime.date(2031, 1, 1))


@pytest.fixture
def sedan(db):
    return Vehicle.objects.create(plate="苏A·G8002", model="大众帕萨特", seats=4, odometer=50000,
                                  insurance_expires=datetime.date(2031, 1, 1), inspection_expires=datetime.date(2031, 1, 1))


@pytest.fixture
def driver2(office):
    user = UserFactory(username="driver2", roles=[Role.DRIVER])
    PersonFactory(name="周师傅", unit=office.office_unit, user=user)
    return user


def request(actor, *, start=None, end=None, passengers=3, distance_km=40, purpose="赴街道调研", destination="清河街道",
            leader_passenger=None):
    return trip_request(actor=actor, purpose=purpose, destination=destination, passengers=passengers,
                        start=start or at(9), end=end or at(11), distance_km=distance_km, leader_passenger=leader_passenger)


def approved(office, **kwargs):
    trip = request(office.liaison_a, **kwargs)
    return trip_decide(trip=trip, actor=office.director if trip.distance_km <= 100 else office.leader, approve=True)


def dispatched(office, vehicle, driver=None, **kwargs):
    return trip_dispatch(trip=approved(office, **kwargs), actor=office.staff, vehicle=vehicle, driver=driver or office.driver)


def bookings(owner=None):
    rows = VehicleBooking.objects.order_by("start", "id")
    if owner is not None:
        rows = rows.filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk)
    return [(b.vehicle.plate, b.driver.username, b.start, b.end) for b in rows]


# --- request ----------------------------------------------------------------------------------------


def test_a_request_takes_the_unit_from_the_persons_record(office):
    trip = request(office.liaison_a, purpose="  赴街道调研 ", destination=" 清河街道 ")
    trip.refresh_from_db()
    assert trip.unit == office.unit_a
    assert trip.requester == office.liaison_a
    assert (trip.state, trip.purpose, trip.destination, trip.passengers) == (TripState.REQUESTED, "赴街道调研", "清河街道", 3)
    assert request(office.liaison_b).unit == office.unit_b


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"end": at(9)}, "返回时间须晚于出发时间"),
        ({"end": at(8, 59)}, "返回时间须晚于出发时间"),
        ({"passengers": 0}, "乘车人数至少1人"),
        ({"purpose": "  "}, "请填写事由和目的地"),
        ({"destination": ""}, "请填写事由和目的地"),
    ],
)
def test_an_invalid_request_is_refused(office, changes, message):
    with pytest.raises(TransitionRefused, match=f"^{message}$"):
        request(office.liaison_a, **changes)
    assert not Trip.objects.exists()


def test_a_user_without_a_unit_cannot_request(office):
    nobody = UserFactory(username="nobody", roles=[Role.STAFF])
    with pytest.raises(TransitionRefused, match="没有所属单位"):
        request(nobody)
    assert not Trip.objects.exists()


def test_a_start_in_the_past_is_refused(office):
    from django.utils import timezone

    start = timezone.now() - datetime.timedelta(hours=2)
    with pytest.raises(TransitionRefused, match="出发时间已过"):
        request(office.liaison_a, start=start, end=start + datetime.timedelta(hours=3))


# --- approval --------------------------------------------------------------------------------------


def test_the_director_approves_up_to_the_limit(office, settings):
    assert settings.TRIP_LEADER_APPROVAL_KM == 100
    trip = trip_decide(trip=request(office.liaison_a, distance_km=100), actor=office.director, approve=True)
    trip.refresh_from_db()
    assert (trip.state, trip.approver, trip.approved_at is not None) == (TripState.APPROVED, office.director, True)
    log = WorkflowLog.objects.get(object_id=trip.pk, content_type=ContentType.objects.get_for_model(Trip))
    assert (log.action, log.action_label, log.actor) == ("decide", "批准用车", office.director)


def test_above_the_limit_only_a_leader_approves(office):
    trip = request(office.liaison_a, distance_km=101)
    with pytest.raises(TransitionRefused, match="^往返101公里的用车须由领导审批$"):
        trip_decide(trip=trip, actor=office.director, approve=True)
    trip.refresh_from_db()
    assert (trip.state, trip.approver) == (TripState.REQUESTED, None)
    trip = trip_decide(trip=trip, actor=office.leader, approve=True)
    assert (trip.state, trip.approver) == (TripState.APPROVED, office.leader)


def test_the_limit_is_a_setting(office, settings):
    settings.TRIP_LEADER_APPROVAL_KM = 30
    with pytest.raises(TransitionRefused, match="^往返40公里的用车须由领导审批$"):
        trip_decide(trip=request(office.liaison_a, distance_km=40), actor=office.director, approve=True)
    assert trip_decide(trip=request(office.liaison_a, distance_km=30), actor=office.director, approve=True).state == TripState.APPROVED


@pytest.mark.parametrize("who", ["director", "leader", "staff", "liaison_a", "driver", "canteen"])
def test_the_queue_to_approve_is_exactly_what_the_user_may_decide(office, settings, who):
    """selectors.trips_to_approve (the 用车 page, 办事 home and 待我审批) is can_approve in SQL."""
    settings.TRIP_LEADER_APPROVAL_KM = 60
    trips = [request(office.liaison_a, distance_km=km, start=at(9, day=next_day(n + 1)), end=at(11, day=next_day(n + 1)))
             for n, km in enumerate((20, 60, 61, 300))]
    trip_decide(trip=request(office.liaison_a, distance_km=10), actor=office.leader, approve=True)  # decided: in no queue
    user = getattr(office, who)
    expected = [trip.pk for trip in trips if can_approve(user, trip)]
    assert list(trips_to_approve(user).values_list("pk", flat=True)) == expected
    assert len(expected) == {"director": 2, "leader": 4}.get(who, 0)


@pytest.mark.parametrize("who", ["staff", "liaison_a", "driver", "canteen"])
def test_others_cannot_approve(office, who):
    trip = request(office.liaison_a)
    with pytest.raises(TransitionRefused, match="^只有办公室主任或领导可以审批用车$"):
        trip_decide(trip=trip, actor=getattr(office, who), approve=True)
    trip.refresh_from_db()
    assert trip.state == TripState.REQUESTED


def test_a_refusal_needs_a_comment(office):
    trip = request(office.liaison_a)
    with pytest.raises(TransitionRefused, match="^不批准时请填写意见$"):
        trip_decide(trip=trip, actor=office.director, approve=False, comment="  ")
    trip.refresh_from_db()
    assert trip.state == TripState.REQUESTED
    trip = trip_decide(trip=trip, actor=office.director, approve=False, comment="请合并出行")
    trip.refresh_from_db()
    assert (trip.state, trip.approver) == (TripState.REFUSED, office.director)
    assert WorkflowLog.objects.get(object_id=trip.pk, action="decide").comment == "请合并出行"


def test_a_decided_trip_cannot_be_decided_again(office):
    trip = trip_decide(trip=request(office.liaison_a), actor=office.director, approve=True)
    with pytest.raises(TransitionRefused, match="^用车申请当前为“已批准”，不能审批$"):
        trip_decide(trip=trip, actor=office.director, approve=False, comment="改主意")
    trip.refresh_from_db()
    assert trip.state == TripState.APPROVED


# --- dispatch ----------------------------------------------------------------------------------------


def test_dispatch_books_the_vehicle_and_driver(office, car):
    trip = dispatched(office, car)
    trip.refresh_from_db()
    assert (trip.state, trip.vehicle, trip.driver, trip.odometer_start) == (TripState.DISPATCHED, car, office.driver, 12000)
    assert bookings(trip) == [("苏A·G8001", "driver", at(9), at(11))]
    assert VehicleBooking.objects.get().purpose == "清河街道（赴街道调研）"


@pytest.mark.parametrize("who", ["liaison_a", "driver", "leader", "canteen"])
def test_only_the_office_dispatches(office, car, who):
    trip = approved(office)
    with pytest.raises(TransitionRefused, match="^只有办公室可以派车$"):
        trip_dispatch(trip=trip, actor=getattr(office, who), vehicle=car, driver=office.driver)
    assert not VehicleBooking.objects.exists()
    trip.refresh_from_db()
    assert trip.state == TripState.APPROVED


def test_the_director_dispatches_too(office, car):
    trip = trip_dispatch(trip=approved(office), actor=office.director, vehicle=car, driver=office.driver)
    assert trip.state == TripState.DISPATCHED


def test_a_trip_not_approved_cannot_be_dispatched(office, car):
    trip = request(office.liaison_a)
    with pytest.raises(TransitionRefused, match="^用车申请当前为“待审批”，不能派车$"):
        trip_dispatch(trip=trip, actor=office.staff, vehicle=car, driver=office.driver)
    refused = trip_decide(trip=request(office.liaison_a), actor=office.director, approve=False, comment="不必要")
    with pytest.raises(TransitionRefused, match="^用车申请当前为“未批准”，不能派车$"):
        trip_dispatch(trip=refused, actor=office.staff, vehicle=car, driver=office.driver)
    assert not VehicleBooking.objects.exists()


def test_seats_must_hold_the_passengers(office, sedan, car):
    trip = approved(office, passengers=5)
    with pytest.raises(TransitionRefused, match="^苏A·G8002只有4个座位，乘车5人$"):
        trip_dispatch(trip=trip, actor=office.staff, vehicle=sedan, driver=office.driver)
    trip.refresh_from_db()
    assert (trip.state, trip.vehicle) == (TripState.APPROVED, None)
    assert not VehicleBooking.objects.exists()
    # Exactly as many passengers as seats is fine.
    assert trip_dispatch(trip=approved(office, passengers=4), actor=office.staff, vehicle=sedan, driver=office.driver).vehicle == sedan


@pytest.mark.parametrize("status, label", [(Vehicle.Status.MAINTENANCE, "维修"), (Vehicle.Status.RETIRED, "停用")])
def test_a_vehicle_in_repair_or_retired_is_refused(office, car, status, label):
    Vehicle.objects.filter(pk=car.pk).update(status=status)
    trip = approved(office)
    with pytest.raises(TransitionRefused, match=f"^苏A·G8001{label}，不能派车$"):
        trip_dispatch(trip=trip, actor=office.staff, vehicle=car, driver=office.driver)
    assert not VehicleBooking.objects.exists()


def test_a_vehicle_out_on_another_trip_status_is_still_bookable_for_a_free_slot(office, car):
    Vehicle.objects.filter(pk=car.pk).update(status=Vehicle.Status.OUT)
    assert dispatched(office, car).state == TripState.DISPATCHED


@pytest.mark.parametrize("who", ["staff", "canteen", "liaison_a"])
def test_the_driver_must_be_a_driver(office, car, who):
    trip = approved(office)
    with pytest.raises(TransitionRefused, match="^所选人员不是驾驶员$"):
        trip_dispatch(trip=trip, actor=office.staff, vehicle=car, driver=getattr(office, who))
    assert not VehicleBooking.objects.exists()


@pytest.mark.parametrize(
    "start, end",
    [
        (at(10, 59), at(12)),  # starts one minute before the end
        (at(8), at(9, 1)),  # ends one minute after the start
        (at(9, 30), at(10)),  # inside
        (at(8), at(12)),  # around
        (at(9), at(11)),  # the same time
    ],
)
def test_a_vehicle_already_booked_is_refused_with_its_plate(office, car, driver2, start, end):
    first = dispatched(office, car)
    trip = approved(office, start=start, end=end, destination="区政府")
    with pytest.raises(TransitionRefused, match=r"^苏A·G8001在 3月13日 09:00–11:00 已有任务（清河街道（赴街道调研））$"):
        trip_dispatch(trip=trip, actor=office.staff, vehicle=car, driver=driver2)
    trip.refresh_from_db()
    assert (trip.state, trip.vehicle, trip.driver) == (TripState.APPROVED, None, None)
    assert bookings() == [("苏A·G8001", "driver", at(9), at(11))]
    assert bookings(first) == bookings()


def test_a_driver_already_booked_is_refused(office, car, sedan):
    dispatched(office, car)
    trip = approved(office, start=at(10), end=at(12))
    with pytest.raises(TransitionRefused, match=r"^该驾驶员在 3月13日 09:00–11:00 已有任务（清河街道（赴街道调研））$"):
        trip_dispatch(trip=trip, actor=office.staff, vehicle=sedan, driver=office.driver)
    assert bookings() == [("苏A·G8001", "driver", at(9), at(11))]


def test_back_to_back_trips_share_a_vehicle_and_driver(office, car):
    dispatched(office, car, start=at(9), end=at(11))
    dispatched(office, car, start=at(11), end=at(13))
    dispatched(office, car, start=at(7), end=at(9))
    assert bookings() == [("苏A·G8001", "driver", at(7), at(9)), ("苏A·G8001", "driver", at(9), at(11)),
                          ("苏A·G8001", "driver", at(11), at(13))]


def test_another_vehicle_and_driver_are_free_at_the_same_time(office, car, sedan, driver2):
    dispatched(office, car)
    dispatched(office, sedan, driver2)
    assert len(bookings()) == 2


def test_redispatching_the_same_vehicle_replaces_the_trips_own_booking(office, car, driver2):
    trip = dispatched(office, car)
    # Only its own booking overlaps: allowed, and it is replaced, not doubled.
    trip = trip_dispatch(trip=trip, actor=office.staff, vehicle=car, driver=driver2)
    assert bookings(trip) == [("苏A·G8001", "driver2", at(9), at(11))]
    assert VehicleBooking.objects.count() == 1
    # The first driver is free again.
    other = Vehicle.objects.create(plate="苏A·G8003", model="丰田考斯特", seats=19, insurance_expires=DAY, inspection_expires=DAY)
    assert dispatched(office, other, office.driver).driver == office.driver


def test_redispatching_to_another_vehicle_frees_the_first(office, car, sedan):
    trip = dispatched(office, car)
    trip = trip_dispatch(trip=trip, actor=office.staff, vehicle=sedan, driver=office.driver)
    assert trip.vehicle == sedan
    assert bookings(trip) == [("苏A·G8002", "driver", at(9), at(11))]


def test_cancel_releases_the_booking(office, car):
    trip = dispatched(office, car)
    with pytest.raises(TransitionRefused, match="^请填写取消原因$"):
        trip_cancel(trip=trip, actor=office.liaison_a, reason=" ")
    with pytest.raises(TransitionRefused, match="^只有申请人或办公室可以取消$"):
        trip_cancel(trip=trip, actor=office.liaison_b, reason="不去了")
    assert len(bookings()) == 1
    trip = trip_cancel(trip=trip, actor=office.liaison_a, reason="活动取消")
    trip.refresh_from_db()
    assert trip.state == TripState.CANCELLED
    assert bookings() == []
    # The slot is free for another trip, and a cancelled trip cannot be cancelled again.
    assert dispatched(office, car).state == TripState.DISPATCHED
    with pytest.raises(TransitionRefused, match="^用车申请当前为“已取消”，不能取消$"):
        trip_cancel(trip=trip, actor=office.staff, reason="再取消")
    with pytest.raises(TransitionRefused, match="^用车申请当前为“已取消”，不能派车$"):
        trip_dispatch(trip=trip, actor=office.staff, vehicle=car, driver=office.driver)


# --- return --------------------------------------------------------------------------------------------


def test_return_logs_mileage_and_costs_and_moves_the_odometer(office, car):
    trip = dispatched(office, car)
    trip = trip_return(trip=trip, actor=office.driver, odometer_end=12085, fuel_liters=Decimal("20.5"), fuel_cost=Decimal("160.00"),
                       tolls=Decimal(15), parking=Decimal(10))
    trip.refresh_from_db()
    car.refresh_from_db()
    assert trip.state == TripState.RETURNED and trip.returned_at is not None
    assert (trip.odometer_start, trip.odometer_end, trip.distance) == (12000, 12085, 85)
    assert (trip.fuel_liters, trip.fuel_cost, trip.tolls, trip.parking) == (Decimal("20.50"), Decimal("160.00"), Decimal("15.00"), Decimal("10.00"))
    assert car.odometer == 12085
    assert WorkflowLog.objects.get(object_id=trip.pk, action="return").comment == "行驶85公里"
    with pytest.raises(TransitionRefused, match="^用车申请当前为“已回场”，不能登记回场$"):
        trip_return(trip=trip, actor=office.driver, odometer_end=12100)


def test_return_below_the_start_reading_is_refused(office, car):
    trip = dispatched(office, car)
    with pytest.raises(TransitionRefused, match=r"^回场里程不能小于出车里程（12000公里）$"):
        trip_return(trip=trip, actor=office.driver, odometer_end=11999)
    trip.refresh_from_db()
    car.refresh_from_db()
    assert (trip.state, trip.odometer_end, car.odometer) == (TripState.DISPATCHED, None, 12000)
    # Not moved at all is allowed (a trip cancelled at the gate).
    assert trip_return(trip=trip, actor=office.staff, odometer_end=12000).distance == 0


@pytest.mark.parametrize("field", ["fuel_liters", "fuel_cost", "tolls", "parking"])
def test_negative_costs_are_refused(office, car, field):
    trip = dispatched(office, car)
    with pytest.raises(TransitionRefused, match="^费用和油量不能为负数$"):
        trip_return(trip=trip, actor=office.driver, odometer_end=12050, **{field: Decimal("-0.01")})
    trip.refresh_from_db()
    car.refresh_from_db()
    assert (trip.state, car.odometer) == (TripState.DISPATCHED, 12000)


def test_only_the_trips_driver_or_the_office_logs_the_return(office, car, driver2):
    trip = dispatched(office, car)
    for who in (driver2, office.liaison_a):
        with pytest.raises(TransitionRefused, match="^只有本次驾驶员或办公室可以登记回场$"):
            trip_return(trip=trip, actor=who, odometer_end=12050)
    assert trip_return(trip=trip, actor=office.staff, odometer_end=12050).state == TripState.RETURNED


def test_a_late_return_never_winds_the_odometer_back(office, car):
    early = dispatched(office, car, start=at(8), end=at(9))
    late = dispatched(office, car, start=at(14), end=at(16))
    trip_return(trip=late, actor=office.driver, odometer_end=12300)
    trip_return(trip=early, actor=office.driver, odometer_end=12100)
    car.refresh_from_db()
    assert car.odometer == 12300


def test_the_second_of_two_trips_dispatched_ahead_counts_only_its_own_km(office, car):
    monday = dispatched(office, car, start=at(9), end=at(11))
    tuesday = dispatched(office, car, start=at(9, day=next_day()), end=at(11, day=next_day()))
    trip_return(trip=monday, actor=office.driver, odometer_end=12100)
    tuesday = trip_return(trip=tuesday, actor=office.driver, odometer_end=12250)
    assert tuesday.distance == 150


# --- monthly totals ---------------------------------------------------------------------------------


def test_monthly_trip_totals_per_vehicle_and_unit(office, car, sedan, driver2):
    def done(vehicle, driver, start, end, km, requester=office.liaison_a, **costs):
        trip = request(requester, start=start, end=end)
        trip_decide(trip=trip, actor=office.director, approve=True)
        trip = trip_dispatch(trip=trip, actor=office.staff, vehicle=vehicle, driver=driver)
        return trip_return(trip=trip, actor=office.staff, odometer_end=trip.odometer_start + km, **costs)

    march = lambda d, h: datetime.datetime(2030, 3, d, h, tzinfo=TZ)
    # 1 March 07:00 in Shanghai is still 28 February in UTC: it counts for March.
    done(car, office.driver, march(1, 7), march(1, 9), 100, fuel_cost=Decimal(80), tolls=Decimal(20))
    done(car, office.driver, march(5, 9), march(5, 12), 50, requester=office.liaison_b, fuel_cost=Decimal("40.50"))
    done(sedan, driver2, march(5, 9), march(5, 12), 30, parking=Decimal(12))
    # 31 March 23:30 in Shanghai is March too; 1 April 00:30 is not (though still 31 March in UTC).
    done(sedan, driver2, march(31, 23) + datetime.timedelta(minutes=30), march(31, 23) + datetime.timedelta(minutes=50), 7)
    done(car, office.driver, datetime.datetime(2030, 4, 1, 0, 30, tzinfo=TZ), datetime.datetime(2030, 4, 1, 2, tzinfo=TZ), 500)
    # Dispatched but not returned, and cancelled: not counted.
    dispatched(office, car, start=march(20, 9), end=march(20, 10))
    trip_cancel(trip=approved(office, start=march(21, 9), end=march(21, 10)), actor=office.staff, reason="取消")

    by_vehicle, by_unit = monthly_trip_totals(2030, 3)
    assert by_vehicle == [
        {"vehicle__plate": "苏A·G8001", "trips": 2, "km": 150, "fuel": Decimal("120.50"), "tolls": Decimal("20.00"), "parking": None},
        {"vehicle__plate": "苏A·G8002", "trips": 2, "km": 37, "fuel": None, "tolls": None, "parking": Decimal("12.00")},
    ]
    assert by_unit == [
        {"unit__name": "法制工作委员会", "trips": 1, "km": 50, "fuel": Decimal("40.50"), "tolls": None, "parking": None},
        {"unit__name": "财政经济工作委员会", "trips": 3, "km": 137, "fuel": Decimal("80.00"), "tolls": Decimal("20.00"), "parking": Decimal("12.00")},
    ]
    april_vehicle, april_unit = monthly_trip_totals(2030, 4)
    assert [(row["vehicle__plate"], row["trips"], row["km"]) for row in april_vehicle] == [("苏A·G8001", 1, 500)]
    assert [(row["unit__name"], row["km"]) for row in april_unit] == [("财政经济工作委员会", 500)]


# --- receptions, meetings and trips share the same services ------------------------------------------


@pytest.fixture
def room(db):
    return Room.objects.create(name="第一会议室", capacity=30)


def reception(office, **kwargs):
    args = {"actor": office.staff, "title": "接待市人大调研组", "guests": "市人大常委会调研组 5人", "guest_count": 5,
            "host_unit": office.unit_a, "start": at(9), "end": at(11)}
    args.update(kwargs)
    return reception_create(**args)


def test_a_reception_cannot_take_a_room_a_meeting_holds(office, room):
    meeting = meetings.meeting_create(actor=office.staff, kind=Kind.COUNCIL, term=TermFactory(), start=at(9), end=at(11),
                                      convener=PersonFactory(name="王召集"), room=room)
    with pytest.raises(TransitionRefused, match=f"^第一会议室在 3月13日 09:00–11:00 已被预订（{meeting.name}）$"):
        reception(office, room=room, start=at(10), end=at(12))
    assert not Reception.objects.exists()
    assert [b.owner for b in RoomBooking.objects.all()] == [meeting]
    # Right after the meeting the room is free.
    held = reception(office, room=room, start=at(11), end=at(12))
    assert RoomBooking.objects.get(owner_id=held.pk, owner_type=ContentType.objects.get_for_model(Reception)).purpose == "接待：接待市人大调研组"


def test_a_meeting_cannot_take_a_room_a_reception_holds(office, room):
    reception(office, room=room)
    with pytest.raises(TransitionRefused, match="^第一会议室在 3月13日 09:00–11:00 已被预订（接待：接待市人大调研组）$"):
        meetings.meeting_create(actor=office.staff, kind=Kind.COUNCIL, term=TermFactory(), start=at(10), end=at(12),
                                convener=PersonFactory(name="王召集"), room=room)
    assert RoomBooking.objects.count() == 1


def test_a_reception_cannot_take_a_vehicle_a_trip_holds(office, car, driver2):
    dispatched(office, car)
    with pytest.raises(TransitionRefused, match=r"^苏A·G8001在 3月13日 09:00–11:00 已有任务（清河街道（赴街道调研））$"):
        reception(office, vehicle=car, driver=driver2, start=at(10), end=at(12))
    assert not Reception.objects.exists()
    assert len(bookings()) == 1
    # A trip cannot take the car the reception then holds either.
    held = reception(office, vehicle=car, driver=driver2, start=at(11), end=at(13))
    trip = approved(office, start=at(12), end=at(14))
    with pytest.raises(TransitionRefused, match=r"^苏A·G8001在 3月13日 11:00–13:00 已有任务（接待：接待市人大调研组）$"):
        trip_dispatch(trip=trip, actor=office.staff, vehicle=car, driver=office.driver)
    assert bookings(held) == [("苏A·G8001", "driver2", at(11), at(13))]


def test_a_reception_needs_a_car_with_seats_for_its_guests(office, sedan):
    with pytest.raises(TransitionRefused, match="^苏A·G8002只有4个座位，乘车5人$"):
        reception(office, vehicle=sedan, driver=office.driver)
    assert not Reception.objects.exists()


def test_only_the_office_arranges_receptions(office):
    with pytest.raises(TransitionRefused, match="^只有办公室可以安排公务接待$"):
        reception(office, actor=office.liaison_a)


# --- leaders' time across trips and meetings ---------------------------------------------------------


@pytest.fixture
def leader_person(office):
    return office.leader.person


def test_a_leader_on_board_is_committed_for_the_trip(office, leader_person):
    trip = request(office.liaison_a, leader_passenger=leader_person, destination="清河街道")
    [commitment] = trips_commitments([leader_person.pk], at(10), at(10, 30))
    assert (commitment.person_id, commitment.start, commitment.end, commitment.title, commitment.key) == (
        leader_person.pk, at(9), at(11), "用车：清河街道", f"trip:{trip.pk}")
    # Half-open, and someone else is not committed.
    assert trips_commitments([leader_person.pk], at(11), at(12)) == []
    assert trips_commitments([office.director.person.pk], at(9), at(11)) == []


def test_a_trip_with_a_leader_on_board_clashes_with_a_meeting_he_convenes(office, leader_person):
    trip = request(office.liaison_a, leader_passenger=leader_person, destination="清河街道")
    with pytest.raises(meetings.ClashWarning) as warning:
        meetings.meeting_create(actor=office.staff, kind=Kind.COUNCIL, term=TermFactory(), start=at(10), end=at(12),
                                convener=leader_person, venue="区会展中心")
    [clash] = warning.value.clashes
    assert (clash.person, clash.title, clash.start, clash.end, clash.url) == (leader_person, "用车：清河街道", at(9), at(11), trip.get_absolute_url())
    assert str(warning.value) == "李副主任：3月13日 09:00–11:00 已有“用车：清河街道”"
    # The same meeting after the trip, or once the trip is cancelled, does not clash.
    meetings.meeting_create(actor=office.staff, kind=Kind.COUNCIL, term=TermFactory(), start=at(11), end=at(12),
                            convener=leader_person, venue="区会展中心")
    trip_cancel(trip=trip, actor=office.liaison_a, reason="改期")
    meeting = meetings.meeting_create(actor=office.staff, kind=Kind.STANDING, term=TermFactory(), start=at(9), end=at(10),
                                      convener=leader_person, venue="区会展中心")
    assert meetings.meeting_clashes(meeting) == []


def test_a_refused_trip_is_no_commitment(office, leader_person):
    trip = request(office.liaison_a, leader_passenger=leader_person)
    trip_decide(trip=trip, actor=office.director, approve=False, comment="改派他人")
    assert trips_commitments([leader_person.pk], at(9), at(11)) == []


def test_a_reception_the_leader_hosts_clashes_with_his_meeting(office, leader_person):
    reception(office, host_leader=leader_person)
    with pytest.raises(meetings.ClashWarning, match="^李副主任：3月13日 09:00–11:00 已有“接待：接待市人大调研组”$"):
        meetings.meeting_create(actor=office.staff, kind=Kind.COUNCIL, term=TermFactory(), start=at(10), end=at(12),
                                convener=leader_person, venue="区会展中心")


def test_a_trip_request_that_double_books_a_leader_is_flagged(office, leader_person):
    meetings.meeting_create(actor=office.staff, kind=Kind.COUNCIL, term=TermFactory(), start=at(9), end=at(11),
                            convener=leader_person, venue="区会展中心")
    with pytest.raises((meetings.ClashWarning, TransitionRefused)):
        request(office.liaison_a, leader_passenger=leader_person, start=at(10), end=at(12))
    assert not Trip.objects.exists()


# --- vehicle papers --------------------------------------------------------------------------------------


def paper_messages():
    return sorted((m.recipient.username, m.subject) for m in Message.objects.filter(event_key__startswith="logistics:vehicle:"))


def test_vehicle_papers_remind_30_and_7_days_before_once_each(office, settings):
    settings.NOTIFICATION_CHANNELS = ["email"]
    today = datetime.date(2030, 3, 1)
    later = lambda days: today + datetime.timedelta(days=days)
    far = later(200)
    Vehicle.objects.create(plate="苏A·V0001", model="别克GL8", seats=6, insurance_expires=later(30), inspection_expires=later(7))
    Vehicle.objects.create(plate="苏A·V0002", model="帕萨特", seats=4, insurance_expires=later(7), inspection_expires=far,
                           status=Vehicle.Status.RETIRED)
    Vehicle.objects.create(plate="苏A·V0003", model="考斯特", seats=19, insurance_expires=later(29), inspection_expires=later(31))
    Vehicle.objects.create(plate="苏A·V0004", model="帕萨特", seats=4, insurance_expires=far, inspection_expires=later(30),
                           status=Vehicle.Status.MAINTENANCE)

    # Director, staff and the driver each hear about three events; the retired car is skipped.
    assert reminders.vehicle_papers(today) == 9
    events = ["车辆提醒：苏A·V0001保险将于30天后到期", "车辆提醒：苏A·V0001年检将于7天后到期", "车辆提醒：苏A·V0004年检将于30天后到期"]
    assert paper_messages() == sorted((user, subject) for user in ("director", "driver", "staff") for subject in events)
    body = Message.objects.get(recipient=office.driver, subject=events[1]).body
    assert body == "苏A·V0001的年检于2030年3月8日到期，请及时办理。"
    # Run again the same day (a retried task): nothing new.
    assert reminders.vehicle_papers(today) == 0
    assert len(paper_messages()) == 9
    # The next day: V0003's insurance is 28 days off, its inspection 30 days off.
    assert reminders.vehicle_papers(later(1)) == 3
    assert ("staff", "车辆提醒：苏A·V0003年检将于30天后到期") in paper_messages()
    # 23 days later V0001's insurance and V0004's inspection are 7 days off: the second reminder for each.
    assert reminders.vehicle_papers(later(23)) == 6
    assert ("director", "车辆提醒：苏A·V0001保险将于7天后到期") in paper_messages()
    assert ("driver", "车辆提醒：苏A·V0004年检将于7天后到期") in paper_messages()
    assert reminders.vehicle_papers(later(23)) == 0
    assert not Message.objects.filter(recipient__in=[office.canteen, office.liaison_a, office.leader]).exists()


def test_a_reception_with_a_car_but_no_driver_is_refused_with_a_message(office, car):
    with pytest.raises(TransitionRefused):
        reception(office, vehicle=car, driver=None)
    assert not Reception.objects.exists()


def test_a_reception_that_double_books_its_host_leader_is_flagged(office, leader_person):
    meetings.meeting_create(actor=office.staff, kind=Kind.COUNCIL, term=TermFactory(), start=at(9), end=at(11),
                            convener=leader_person, venue="区会展中心")
    with pytest.raises((meetings.ClashWarning, TransitionRefused)):
        reception(office, host_leader=leader_person, start=at(10), end=at(12))
    assert not Reception.objects.exists()
