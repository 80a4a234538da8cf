"""办事 items for the "today" registry (office.today)."""

import datetime

from django.utils import timezone

from logistics.models import Trip, TripState


def today_items(user, day: datetime.date):
    """A driver's trips today; trip requests waiting on this approver or dispatcher."""
    from logistics.services import can_approve, is_dispatcher
    from office.today import TodayItem

    found = []
    for trip in Trip.objects.filter(driver=user, state=TripState.DISPATCHED, start__date__lte=day).order_by("start"):
        found.append(TodayItem("办事", f"出车 {timezone.localtime(trip.start):%H:%M} {trip.destination}", trip.get_absolute_url(), day))
    for trip in Trip.objects.filter(state=TripState.REQUESTED, start__date__lte=day + datetime.timedelta(days=2)).order_by("start"):
        if can_approve(user, trip):
            found.append(TodayItem("办事", f"审批用车 {trip.destination}（{trip.purpose}）", trip.get_absolute_url(), timezone.localtime(trip.start).date()))
    if is_dispatcher(user):
        for trip in Trip.objects.filter(state=TripState.APPROVED, start__date__lte=day + datetime.timedelta(days=1)).order_by("start"):
            found.append(TodayItem("办事", f"派车 {trip.destination}（{trip.purpose}）", trip.get_absolute_url(), timezone.localtime(trip.start).date()))
    return found
