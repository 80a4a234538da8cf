"""Demo 办事 data: rooms, a fleet of 6 with a month of trips, a week of meal bookings,
supplies and a reception. Past records are written as they were logged; today's and
future ones go through the services."""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from logistics import services
from logistics.models import (
    Meal,
    MealBooking,
    Room,
    SupplyItem,
    Trip,
    TripState,
    Vehicle,
    VehicleBooking,
)
from office.models import Person, Unit
from office.roles import Role

ROOMS = [
    # name, location, capacity, rostrum seats, equipment
    ("常委会议室", "机关大楼四楼", 80, 9, "表决器、音响、投影、视频会议"),
    ("第一会议室", "机关大楼三楼", 60, 7, "音响、投影"),
    ("第二会议室", "机关大楼三楼", 30, 5, "投影"),
    ("小会议室", "机关大楼二楼", 12, 0, "电视"),
]
FLEET = [("湘J·A0601", "别克GL8", 6), ("湘J·A0602", "别克GL8", 6), ("湘J·A0603", "大众帕萨特", 4),
         ("湘J·A0605", "丰田考斯特", 19), ("湘J·A0608", "比亚迪汉EV", 4), ("湘J·A0609", "红旗H5", 4)]
DESTINATIONS = [("市人大常委会", 60), ("韩公渡镇", 46), ("石门桥镇", 38), ("区政府", 8), ("灌溪镇", 52), ("市委党校", 24)]
SUPPLIES = [("A4复印纸", "70g 500张/包", "包", 40, 10), ("中性笔", "0.5mm 黑色", "支", 120, 30), ("文件袋", "牛皮纸", "个", 8, 20),
            ("订书钉", "24/6", "盒", 25, 5), ("硒鼓", "HP 88A", "个", 3, 2)]


def _at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


@transaction.atomic
def seed() -> str:
    made = []
    for name, location, capacity, rostrum, equipment in ROOMS:
        _, new = Room.objects.get_or_create(name=name, defaults={"location": location, "capacity": capacity, "rostrum_seats": rostrum, "equipment": equipment})
        made.append(new)
    User = get_user_model()
    staff = User.objects.filter(username="staff").first()
    if staff is None or Vehicle.objects.exists():
        return f"{sum(made)} 间会议室" if any(made) else ""
    director = User.objects.get(username="director")
    driver = User.objects.get(username="driver")
    office_unit = Unit.objects.get(short_name="办公室")
    # A second driver, so two cars can be out at once.
    second, created = User.objects.get_or_create(username="driver2", defaults={"email": "driver2@office.example"})
    if created:
        second.set_password("demo12345")
        second.save()
    second.groups.add(Group.objects.get(name=Role.DRIVER))
    Person.objects.get_or_create(user=second, defaults={"name": "谭建军", "unit": office_unit, "post": "驾驶员", "protocol_rank": 209})
    drivers = [driver, second]

    today = timezone.localdate()
    vehicles = [
        Vehicle.objects.create(plate=plate, model=model, seats=seats, odometer=30000 + index * 8123,
                               insurance_expires=today + datetime.timedelta(days=(30 if index == 2 else 120 + index * 40)),
                               inspection_expires=today + datetime.timedelta(days=(7 if index == 4 else 200 + index * 20)))
        for index, (plate, model, seats) in enumerate(FLEET)
    ]
    requesters = list(User.objects.filter(username__in=["staff", "staff2", "liaison", "liaison2"]))
    rng = random.Random(6)
    trip_type = ContentType.objects.get_for_model(Trip)
    # A month of returned trips, logged as they happened.
    for offset in range(30, 0, -1):
        day = today - datetime.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for slot in range(rng.randint(1, 3)):
            vehicle, chauffeur = vehicles[(offset + slot) % len(vehicles)], drivers[slot % 2]
            destination, km = rng.choice(DESTINATIONS)
            start, end = _at(day, 8 + slot * 3), _at(day, 10 + slot * 3)
            requester = rng.choice(requesters)
            trip = Trip.objects.create(
                requester=requester, unit=requester.person.unit, purpose=rng.choice(["参加会议", "调研", "送达文件", "执法检查"]),
                destination=destination, passengers=rng.randint(1, min(4, vehicle.seats)), distance_km=km * 2, start=start, end=end,
                state=TripState.RETURNED, approver=director, approved_at=start - datetime.timedelta(days=1), vehicle=vehicle,
                driver=chauffeur, odometer_start=vehicle.odometer, odometer_end=vehicle.odometer + km * 2,
                fuel_liters=Decimal(km) / 5, fuel_cost=Decimal(km) * Decimal("1.6"), tolls=Decimal(10 if km > 40 else 0),
                parking=Decimal(5), returned_at=end,
            )
            VehicleBooking.objects.create(vehicle=vehicle, driver=chauffeur, start=start, end=end, purpose=trip.purpose,
                                          owner_type=trip_type, owner_id=trip.pk, booked_by=staff)
            vehicle.odometer += km * 2
            vehicle.save(update_fields=["odometer"])
    # Today and tomorrow, through the services: dispatched, approved, waiting.
    tomorrow = today + datetime.timedelta(days=1)
    soon = timezone.localtime() + datetime.timedelta(hours=1)  # the driver's next job today (or just after midnight)
    plans = [(soon.date(), soon.hour, 0, "调研农村饮水安全工程", "石门桥镇", 3, 76, True), (tomorrow, 8, 1, "参加市人大座谈会", "市人大常委会", 2, 120, True),
             (tomorrow, 14, 2, "送达会议通知", "区政府", 1, 16, False), (tomorrow + datetime.timedelta(days=1), 9, 3, "代表视察", "灌溪镇", 12, 104, None)]
    for day, hour, index, purpose, destination, passengers, km, dispatch in plans:
        start = _at(day, hour)
        trip = services.trip_request(actor=staff, purpose=purpose, destination=destination, passengers=passengers,
                                     start=start, end=start + datetime.timedelta(hours=3), distance_km=km)
        if dispatch is None:
            continue  # 待审批
        approver = User.objects.get(username="leader") if services.needs_leader(trip) else director
        services.trip_decide(trip=trip, actor=approver, approve=True)
        if dispatch:
            services.trip_dispatch(trip=trip, actor=staff, vehicle=vehicles[index], driver=drivers[0])

    # A week of meals: the past days as booked, the coming ones through the service.
    people = list(User.objects.filter(person__unit__isnull=False, groups__name__in=[Role.STAFF, Role.DIRECTOR, Role.LIAISON, Role.DRIVER, Role.DUTY, Role.CANTEEN]).distinct())
    past = []
    for offset in range(7, 0, -1):
        day = today - datetime.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for person in people:
            for meal in (Meal.BREAKFAST, Meal.LUNCH):
                if rng.random() < 0.8:
                    past.append(MealBooking(date=day, meal=meal, person=person, unit_id=person.person.unit_id, booked_by=person))
    MealBooking.objects.bulk_create(past)
    for offset in range(1, 4):
        day = today + datetime.timedelta(days=offset)
        for person in people:
            for meal in (Meal.BREAKFAST, Meal.LUNCH):
                if rng.random() < 0.7 and timezone.now() < services.meal_cutoff(day, meal):
                    services.meal_book(actor=person, day=day, meal=meal, wanted=True)

    for index, vehicle in enumerate(vehicles):
        services.maintenance_record(actor=staff, vehicle=vehicle, date=today - datetime.timedelta(days=10 + index * 9),
                                    kind="定期保养" if index % 2 else "更换轮胎", cost=Decimal(480 + index * 120))
    for name, spec, measure, stock, low in SUPPLIES:
        SupplyItem.objects.create(name=name, spec=spec, measure=measure, stock=stock, low_threshold=low)
    paper = SupplyItem.objects.get(name="A4复印纸")
    requisition = services.requisition_request(actor=User.objects.get(username="liaison"), item=paper, quantity=5, reason="打印会议材料")
    services.requisition_request(actor=staff, item=SupplyItem.objects.get(name="中性笔"), quantity=10, reason="会务用")
    services.requisition_decide(requisition=requisition, actor=director, approve=True)

    visit_day = today + datetime.timedelta(days=5)
    services.reception_create(
        actor=staff, title="市人大常委会调研组来区调研", guests="市人大常委会财经工委 王副主任等", guest_count=5,
        host_unit=Unit.objects.get(short_name="财经工委"), start=_at(visit_day, 9), end=_at(visit_day, 12),
        room=Room.objects.get(name="第一会议室"), vehicle=vehicles[0], driver=second, meals=[(visit_day, Meal.LUNCH, 8)],
    )
    return f"{sum(made)} 间会议室，{len(vehicles)} 辆车，{Trip.objects.count()} 次用车，{MealBooking.objects.count()} 条报餐"
