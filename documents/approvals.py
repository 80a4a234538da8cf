"""办文 in 待我审批: 收文 where it is this leader's turn to 批示, and 发文 awaiting 签发."""

from documents import services
from documents.models import OutState
from documents.selectors import outgoing_visible_to, waiting_on
from office.approvals import Approval, approval_provider, key_pk
from office.roles import Role, has_role
from office.workflow import TransitionRefused


@approval_provider("documents-instruct")
class InstructApprovals:
    def items(self, user):
        if not has_role(user, Role.LEADER):
            return []
        docs = waiting_on(user)["to_instruct"].order_by("updated_at", "pk")
        return [
            Approval(
                kind="批示",
                title=str(doc),
                url=doc.get_absolute_url(),
                key=f"documents-instruct:{doc.pk}",
                detail=f"来文单位：{doc.from_unit}" + (f"；拟办意见：{doc.proposal}" if doc.proposal else ""),
                waiting_since=doc.updated_at,
                comment_required_to_return=False,
                can_return=False,
                approve_label="批示",
                comment_required_to_approve=True,
            )
            for doc in docs
        ]

    def decide(self, user, key, approve, comment, **extra):
        if not approve:
            raise TransitionRefused("收文批示不能退回，请填写批示意见")
        doc = waiting_on(user)["to_instruct"].filter(pk=key_pk(key)).first()
        if doc is None:
            raise TransitionRefused("该收文现在不由您批示")
        if not (comment or "").strip():
            raise TransitionRefused("请填写批示")
        services.incoming_instruct(doc=doc, actor=user, text=comment)


@approval_provider("documents-sign")
class SignApprovals:
    def items(self, user):
        if not has_role(user, Role.LEADER):
            return []
        docs = outgoing_visible_to(user).filter(state=OutState.AWAITING_SIGNATURE).select_related("drafting_unit")
        return [
            Approval(
                kind="签发",
                title=doc.title,
                url=doc.get_absolute_url(),
                key=f"documents-sign:{doc.pk}",
                detail=f"{doc.drafting_unit.label}拟稿，主送：{doc.main_to}",
                waiting_since=doc.updated_at,
                comment_required_to_return=True,
                can_return=True,
                approve_label="签发",
                return_label="退回修改",
            )
            for doc in docs.order_by("updated_at", "pk")
        ]

    def decide(self, user, key, approve, comment, **extra):
        doc = outgoing_visible_to(user).filter(pk=key_pk(key)).first()
        if doc is None:
            raise TransitionRefused("没有找到该发文")
        if not has_role(user, Role.LEADER):
            raise TransitionRefused("只有常委会领导可以签发")
        action = "sign" if approve else "send_back"
        services.outgoing_transition(doc=doc, action=action, actor=user, comment=comment)
