"""办事 reads for pages."""

# --- 办事 pages (views.py): lists, calendars and today's numbers, each in a fixed number of queries ---

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

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
from office.calendar import day_start
from office.roles import Role, has_role

WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]
PAPERS_WARN_DAYS = 30


# who may


def can_see_all_trips(user) -> bool:
    """The office-wide trip register: office staff, the director and leaders."""
    return has_role(user, *Role.OFFICE)


def can_see_headcount(user) -> bool:
    from logistics.services import is_dispatcher

    return has_role(user, Role.CANTEEN) or is_dispatcher(user)


def can_see_fleet(user) -> bool:
    return has_role(user, *Role.OFFICE, Role.DRIVER)


def can_see_trip(user, trip: Trip) -> bool:
    return can_see_all_trips(user) or user.pk in (trip.requester_id, trip.driver_id)


# trips


@dataclass
class TripFilters:
    state: str = ""
    unit: object = None
    start_from: datetime.date | None = None
    start_to: datetime.date | None = None


def _trips():
    return Trip.objects.select_related("requester__person", "unit", "vehicle", "driver__person", "leader_passenger")


def trip_list(user, filters: TripFilters | None = None, mine: bool = False):
    """The trips a list shows, with what its table shows (each join costs PostgreSQL
    planning time on every page; the export adds its own)."""
    trips = Trip.objects.select_related("unit", "vehicle", "driver__person")
    if not mine:
        trips = trips.select_related("requester__person")
    if mine or not can_see_all_trips(user):
        trips = trips.filter(requester=user)
    if filters:
        if filters.state:
            trips = trips.filter(state=filters.state)
        if filters.unit:
            trips = trips.filter(unit=filters.unit)
        if filters.start_from:
            trips = trips.filter(start__gte=day_start(filters.start_from))
        if filters.start_to:
            trips = trips.filter(start__lt=day_start(filters.start_to + datetime.timedelta(days=1)))
    return trips.order_by("-start", "-id")


def trip_get(pk: int):
    return _trips().get(pk=pk)


def trips_to_approve(user) -> QuerySet:
    """待我审批: requests this user may decide, soonest first — services.can_approve in SQL
    (a leader decides every trip, the director those short enough for him)."""
    trips = Trip.objects.filter(state=TripState.REQUESTED).select_related("unit").order_by("start", "id")  # the unit is all a queue shows
    if has_role(user, Role.LEADER):
        return trips
    if has_role(user, Role.DIRECTOR):
        return trips.filter(distance_km__lte=settings.TRIP_LEADER_APPROVAL_KM)
    return trips.none()


def driver_trips(driver, today: datetime.date):
    """The driver's dispatched and returned trips of today and tomorrow."""
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = start + datetime.timedelta(days=2)
    return (
        _trips().filter(driver=driver, start__gte=start, start__lt=end, state__in=(TripState.DISPATCHED, TripState.RETURNED))
        .order_by("start", "id")
    )


def active_vehicles():
    return Vehicle.objects.filter(status__in=(Vehicle.Status.AVAILABLE, Vehicle.Status.OUT)).order_by("plate")


def drivers():
    return (
        get_user_model().objects.filter(is_active=True, groups__name=Role.DRIVER)
        .select_related("person").distinct().order_by("person__protocol_rank", "id")
    )


# fleet and week calendars


def fleet(today: datetime.date):
    """Every vehicle (retired last), with insurance/inspection due within 30 days marked."""
    soon = today + datetime.timedelta(days=PAPERS_WARN_DAYS)
    vehicles = sorted(Vehicle.objects.order_by("plate"), key=lambda v: v.status == Vehicle.Status.RETIRED)
    for vehicle in vehicles:
        vehicle.insurance_soon = vehicle.insurance_expires <= soon
        vehicle.inspection_soon = vehicle.inspection_expires <= soon
    return vehicles


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_days(monday: datetime.date):
    return [monday + datetime.timedelta(days=n) for n in range(7)]


def _week_bounds(monday):
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))
    return start, timezone.make_aware(datetime.datetime.combine(monday + datetime.timedelta(days=7), datetime.time.min))


def _calendar_rows(resources, bookings, days, key):
    """(resource, [bookings per day]) rows; a booking shows on every day it touches."""
    index = {resource.pk: [[] for _ in days] for resource in resources}
    for booking in bookings:
        cells = index.get(getattr(booking, key))
        if cells is None:
            continue
        first = timezone.localtime(booking.start).date()
        last = timezone.localtime(booking.end - datetime.timedelta(microseconds=1)).date()
        for n, day in enumerate(days):
            if first <= day <= last:
                cells[n].append(booking)
    return [(resource, index[resource.pk]) for resource in resources]


def vehicle_week(monday: datetime.date):
    """One row per vehicle, Mon–Sun: two queries whatever the number of bookings."""
    start, end = _week_bounds(monday)
    days = week_days(monday)
    vehicles = list(Vehicle.objects.exclude(status=Vehicle.Status.RETIRED).order_by("plate"))
    bookings = list(VehicleBooking.objects.filter(start__lt=end, end__gt=start).select_related("driver__person").order_by("start", "id"))
    return days, _calendar_rows(vehicles, bookings, days, "vehicle_id")


def room_week(monday: datetime.date):
    """One row per room, Mon–Sun: two queries whatever the number of bookings."""
    start, end = _week_bounds(monday)
    days = week_days(monday)
    rooms = list(Room.objects.filter(is_active=True).order_by("name"))
    bookings = list(RoomBooking.objects.filter(start__lt=end, end__gt=start).order_by("start", "id"))
    return days, _calendar_rows(rooms, bookings, days, "room_id")


# canteen


def meal_grid(user, today: datetime.date, days: int = 7, now=None):
    """The next `days` days × 早/中/晚 for the user: booked, and whether still open."""
    from logistics.services import meal_cutoff

    now = now or timezone.now()
    dates = [today + datetime.timedelta(days=n) for n in range(days)]
    booked = set(MealBooking.objects.filter(kind=MealBooking.Kind.STAFF, person=user, date__in=dates).values_list("date", "meal"))
    rows = []
    for day in dates:
        cells = []
        for meal in Meal.values:
            cutoff = meal_cutoff(day, meal)
            cells.append({"meal": meal, "label": Meal(meal).label, "name": f"m-{day:%Y%m%d}-{meal}",
                          "booked": (day, meal) in booked, "open": now < cutoff, "cutoff": cutoff})
        rows.append({"day": day, "weekday": WEEKDAYS[day.weekday()], "cells": cells})
    return rows


def cutoff_texts():
    """The cutoff rule per meal for the page: (早餐, 前一日17:00) …"""
    from django.conf import settings

    texts = []
    for meal in Meal.values:
        days_before, clock = settings.CANTEEN_CUTOFFS[meal]
        when = "当日" if days_before == 0 else ("前一日" if days_before == 1 else f"提前{days_before}日")
        texts.append((Meal(meal).label, f"{when}{clock}"))
    return texts


def meal_counts(day: datetime.date) -> dict:
    """meal → people booked for that day (one query)."""
    counts = {meal: 0 for meal in Meal.values}
    for row in MealBooking.objects.filter(date=day).values("meal").annotate(n=Sum("count")):
        counts[row["meal"]] = row["n"]
    return counts


# supplies and receptions


def supplies():
    items = list(SupplyItem.objects.order_by("name"))
    for item in items:
        item.low = item.stock <= item.low_threshold
    return items


def low_stock_count() -> int:
    return SupplyItem.objects.filter(stock__lte=F("low_threshold")).count()


def requisition_list(user):
    requisitions = Requisition.objects.select_related("item", "requester__person", "decided_by__person")
    if not has_role(user, *Role.OFFICE):
        requisitions = requisitions.filter(requester=user)
    return requisitions.order_by("-created_at", "-id")


def reception_list():
    return Reception.objects.select_related("host_unit", "host_leader", "created_by__person").order_by("-start", "-id")


def reception_bookings(reception: Reception):
    """What a reception holds: its room, its car and its meals."""
    owner = {"owner_type": ContentType.objects.get_for_model(reception), "owner_id": reception.pk}
    return {
        "room_bookings": list(RoomBooking.objects.filter(**owner).select_related("room")),
        "vehicle_bookings": list(VehicleBooking.objects.filter(**owner).select_related("vehicle", "driver__person")),
        "meal_bookings": list(MealBooking.objects.filter(**owner).order_by("date", "meal")),
    }


# the 办事 index


def today_numbers(today: datetime.date) -> dict:
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min))
    trips = Trip.objects.filter(start__gte=start, start__lt=end).exclude(state__in=(TripState.REFUSED, TripState.CANCELLED)).aggregate(
        total=Count("id"), pending=Count("id", filter=Q(state=TripState.REQUESTED))
    )
    return {
        "trips": trips["total"],
        "trips_pending": trips["pending"],
        "meals": meal_counts(today),
        "low_stock": low_stock_count(),
        "requisitions_pending": Requisition.objects.filter(state=Requisition.State.REQUESTED).count(),
        "rooms_today": RoomBooking.objects.filter(start__lt=end, end__gt=start).count(),
        "receptions": Reception.objects.filter(state=Reception.State.PLANNED, end__gte=timezone.now()).count(),
    }
