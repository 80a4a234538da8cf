"""作风 in 待我审批: leave requests whose approver is this user."""

from django.urls import reverse

from conduct import services
from conduct.models import Leave
from office.approvals import Approval, approval_provider, key_pk
from office.text import chinese_date
from office.workflow import TransitionRefused


@approval_provider("conduct-leave")
class LeaveApprovals:
    def items(self, user):
        leaves = Leave.objects.filter(approver=user, state=Leave.State.REQUESTED).select_related("person")
        return [
            Approval(
                kind="请假",
                title=f"{leave.person.name} {leave.get_leave_type_display()}",
                url=reverse("conduct:leave"),
                key=f"conduct-leave:{leave.pk}",
                detail=f"{chinese_date(leave.start)}至{chinese_date(leave.end)}：{leave.reason}",
                waiting_since=leave.created_at,
                comment_required_to_return=False,
                can_return=True,
                approve_label="批准",
                return_label="不批准",
            )
            for leave in leaves.order_by("created_at", "pk")
        ]

    def decide(self, user, key, approve, comment, **extra):
        leave = Leave.objects.filter(pk=key_pk(key)).first()
        if leave is None:
            raise TransitionRefused("没有找到该请假")
        services.leave_decide(leave=leave, actor=user, approve=approve)
