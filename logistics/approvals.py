"""办事 in 待我审批: trips requested that this user may approve (services.can_approve)."""

from django.conf import settings
from django.utils import timezone

from logistics import services
from logistics.models import Trip, TripState
from office.approvals import Approval, approval_provider, key_pk
from office.roles import Role, has_role
from office.workflow import TransitionRefused


@approval_provider("logistics-trip")
class TripApprovals:
    def items(self, user):
        trips = Trip.objects.filter(state=TripState.REQUESTED).select_related("unit")
        if has_role(user, Role.LEADER):
            pass  # a leader approves every trip
        elif has_role(user, Role.DIRECTOR):
            trips = trips.filter(distance_km__lte=settings.TRIP_LEADER_APPROVAL_KM)  # the rest go to a leader
        else:
            return []
        found = []
        for trip in trips.order_by("created_at", "pk"):
            if not services.can_approve(user, trip):  # the services' rule has the last word
                continue
            start = timezone.localtime(trip.start)
            found.append(Approval(
                kind="用车",
                title=f"{trip.unit.label}：{trip.destination}（{trip.purpose}）",
                url=trip.get_absolute_url(),
                key=f"logistics-trip:{trip.pk}",
                detail=f"{start:%m月%d日 %H:%M}出发，{trip.passengers}人，往返约{trip.distance_km}公里",
                waiting_since=trip.created_at,
                comment_required_to_return=True,
                can_return=True,
                approve_label="批准",
                return_label="不批准",
            ))
        return found

    def decide(self, user, key, approve, comment, **extra):
        trip = Trip.objects.filter(pk=key_pk(key)).first()
        if trip is None:
            raise TransitionRefused("没有找到该用车申请")
        services.trip_decide(trip=trip, actor=user, approve=approve, comment=comment or "")
