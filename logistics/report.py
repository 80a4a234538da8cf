"""办事 in the nightly report: trips today and tomorrow, tomorrow's meal counts."""

import datetime

from django.utils import timezone

from logistics.models import Meal, Trip, TripState
from logistics.services import meal_totals
from office.calendar import day_start
from office.report import ReportSection, person_name, report_section

ACTIVE = (TripState.REQUESTED, TripState.APPROVED, TripState.DISPATCHED)


def _trips(first: datetime.date, last: datetime.date):
    return Trip.objects.filter(state__in=ACTIVE, start__gte=day_start(first), start__lt=day_start(last + datetime.timedelta(days=1))) \
        .select_related("vehicle", "driver", "driver__person").order_by("start")


def _line(trip) -> str:
    start = timezone.localtime(trip.start)
    car = []
    if trip.vehicle_id:
        car.append(trip.vehicle.plate)
    if trip.driver_id:
        car.append(person_name(trip.driver))
    extra = f"（{'，'.join(car)}）" if car else f"（{trip.get_state_display()}）"
    return f"{start.month}月{start.day}日 {start:%H:%M} {trip.purpose} → {trip.destination}，{trip.passengers}人{extra}"


@report_section(40, per_recipient=False)  # the same for every recipient
def logistics_section(day, tomorrow, recipient):
    # One query for both days, split at tomorrow's midnight.
    trips = list(_trips(day, tomorrow))
    split = day_start(day + datetime.timedelta(days=1))
    today = [trip for trip in trips if trip.start < split]
    coming = [trip for trip in trips if trip.start >= split]
    totals = meal_totals([tomorrow])
    meals = [(label, totals.get((tomorrow, meal), 0)) for meal, label in Meal.choices]
    rows = [("今日用车", len(today)), ("明日用车", len(coming))]
    rows += [(f"明日{label}", f"{count} 人") for label, count in meals]
    lines = [f"今日：{_line(t)}" for t in today] + [f"明日：{_line(t)}" for t in coming]
    return ReportSection("办事（用车、就餐）", rows=rows, lines=lines)
