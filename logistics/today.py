"""办事 items for the "today" registry (office.today)."""

import datetime

from django.db.models import Q
from django.utils import timezone

from logistics.models import Trip, TripState


def today_items(user, day: datetime.date):
    """A driver's trips today; trip requests waiting on this approver or dispatcher."""
    from logistics.services import can_approve, is_dispatcher
    from office.today import TodayItem

    driving = Q(driver=user, state=TripState.DISPATCHED, start__date__lte=day)
    to_approve = Q(state=TripState.REQUESTED, start__date__lte=day + datetime.timedelta(days=2))
    to_dispatch = Q(state=TripState.APPROVED, start__date__lte=day + datetime.timedelta(days=1))
    dispatcher = is_dispatcher(user)
    # One query for the three lists (each state comes from one condition only), taken
    # apart in start order.
    trips = list(Trip.objects.filter(driving | to_approve | (to_dispatch if dispatcher else Q(pk__in=[]))).order_by("start", "id"))
    dispatched = [trip for trip in trips if trip.state == TripState.DISPATCHED]
    requested = [trip for trip in trips if trip.state == TripState.REQUESTED]
    approved = [trip for trip in trips if trip.state == TripState.APPROVED]
    found = []
    for trip in dispatched:
        found.append(TodayItem("办事", f"出车 {timezone.localtime(trip.start):%H:%M} {trip.destination}", trip.get_absolute_url(), day))
    for trip in requested:
        if can_approve(user, trip):
            found.append(TodayItem("办事", f"审批用车 {trip.destination}（{trip.purpose}）", trip.get_absolute_url(), timezone.localtime(trip.start).date()))
    for trip in approved:
        found.append(TodayItem("办事", f"派车 {trip.destination}（{trip.purpose}）", trip.get_absolute_url(), timezone.localtime(trip.start).date()))
    return found
