"""办事 in the nightly report: trips today and tomorrow, tomorrow's meal counts."""

import datetime

from django.utils import timezone

from logistics.models import Meal, Trip, TripState
from logistics.services import headcount
from office.report import ReportSection, person_name, report_section

ACTIVE = (TripState.REQUESTED, TripState.APPROVED, TripState.DISPATCHED)


def _trips(first: datetime.date, last: datetime.date):
    return Trip.objects.filter(state__in=ACTIVE, start__date__gte=first, start__date__lte=last) \
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


@report_section(40)
def logistics_section(day, tomorrow, recipient):
    today = list(_trips(day, day))
    coming = list(_trips(day + datetime.timedelta(days=1), tomorrow))
    meals = [(label, headcount(tomorrow, meal)["total"]) for meal, label in Meal.choices]
    rows = [("今日用车", len(today)), ("明日用车", len(coming))]
    rows += [(f"明日{label}", f"{count} 人") for label, count in meals]
    lines = [f"今日：{_line(t)}" for t in today] + [f"明日：{_line(t)}" for t in coming]
    return ReportSection("办事（用车、就餐）", rows=rows, lines=lines)
