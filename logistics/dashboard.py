"""办事 on the director's dashboard: trips today and tomorrow, meal counts."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from logistics.models import Meal, Trip, TripState
from logistics.selectors import can_see_all_trips, can_see_headcount
from logistics.services import meal_totals
from office.calendar import day_start
from office.dashboard import DashboardNumber, DashboardSection, dashboard_section

# Trips that will (or did) go out: not refused or cancelled.
GOING = (TripState.REQUESTED, TripState.APPROVED, TripState.DISPATCHED, TripState.RETURNED)


@dashboard_section(40)
def logistics_section(user, today):
    if not can_see_all_trips(user):
        return None
    tomorrow = today + datetime.timedelta(days=1)
    # Local-midnight bounds on `start`, so the (state, start) index serves the count.
    since, split, until = day_start(today), day_start(tomorrow), day_start(tomorrow + datetime.timedelta(days=1))
    trips = Trip.objects.filter(state__in=GOING, start__gte=since, start__lt=until).aggregate(
        today=Count("id", filter=Q(start__lt=split)),
        tomorrow=Count("id", filter=Q(start__gte=split)),
        waiting=Count("id", filter=Q(state=TripState.REQUESTED)),
    )
    trips_url = reverse("logistics:trips")

    def day_url(day, **extra):
        return f"{trips_url}?{urlencode({'start_from': day.isoformat(), 'start_to': day.isoformat(), **extra})}"

    numbers = [
        DashboardNumber("今天用车", trips["today"], day_url(today)),
        DashboardNumber("明天用车", trips["tomorrow"], day_url(tomorrow)),
        DashboardNumber("今明待审批", trips["waiting"],
                        f"{trips_url}?{urlencode({'state': TripState.REQUESTED, 'start_from': today.isoformat(), 'start_to': tomorrow.isoformat()})}",
                        "yellow" if trips["waiting"] else ""),
    ]
    rows = []
    if can_see_headcount(user):
        meals = meal_totals((today, tomorrow))
        headcount_url = reverse("logistics:headcounts")
        for day, name in ((today, "今天"), (tomorrow, "明天")):
            numbers.append(DashboardNumber(f"{name}报餐（人次）", sum(meals.get((day, meal), 0) for meal in Meal.values), headcount_url))
            text = "，".join(f"{label}{meals.get((day, meal), 0)}" for meal, label in Meal.choices)
            rows.append((f"{name}报餐：{text}", headcount_url))
    return DashboardSection("办事：用车与就餐", numbers=numbers, rows=rows)
