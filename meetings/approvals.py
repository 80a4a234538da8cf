"""办会 in 待我审批: meeting plans awaiting the director's approval (approve only)."""

from django.utils import timezone

from meetings import services
from meetings.models import Meeting, State
from office.approvals import Approval, approval_provider, key_pk
from office.workflow import TransitionRefused


@approval_provider("meetings-plan")
class PlanApprovals:
    def items(self, user):
        if not services.is_director(user):
            return []
        meetings = Meeting.objects.filter(state=State.PLANNING, plan_approved_at__isnull=True).select_related("room", "term", "convener")
        found = []
        for meeting in meetings.order_by("start", "pk"):
            start = timezone.localtime(meeting.start)
            found.append(Approval(
                kind="会议方案",
                title=str(meeting),
                url=meeting.get_absolute_url(),
                key=f"meetings-plan:{meeting.pk}",
                detail=f"{start:%Y年%m月%d日 %H:%M}，{meeting.place}",
                waiting_since=meeting.created_at,
                comment_required_to_return=False,
                can_return=False,
                approve_label="批准方案",
            ))
        return found

    def decide(self, user, key, approve, comment, **extra):
        if not approve:
            raise TransitionRefused("会议方案在此只能批准，修改意见请在会议页面告知办公室")
        meeting = Meeting.objects.filter(pk=key_pk(key)).first()
        if meeting is None:
            raise TransitionRefused("没有找到该会议")
        services.meeting_transition(meeting=meeting, action="approve_plan", actor=user, comment=comment)
