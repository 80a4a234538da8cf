"""办事 in 待我审批: trips requested that this user may approve (selectors.trips_to_approve)."""

from django.utils import timezone

from logistics import selectors, services
from logistics.models import Trip
from office.approvals import Approval, approval_provider, key_pk
from office.workflow import TransitionRefused


@approval_provider("logistics-trip")
class TripApprovals:
    def items(self, user):
        found = []
        for trip in selectors.trips_to_approve(user).order_by("created_at", "pk"):
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
