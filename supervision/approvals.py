"""督办 in 待我审批: reported items to close (销号) and pending extensions, for the
director or the leader in charge (services.can_decide)."""

from office.approvals import Approval, approval_provider, key_pk
from office.roles import Role, has_role
from office.text import chinese_date
from office.workflow import TransitionRefused
from supervision import services
from supervision.models import (
    OPEN_STATES,
    Extension,
    Satisfaction,
    Source,
    State,
    SupervisionItem,
)


def _decidable(queryset, user, field="leader"):
    """Rows of items this user may decide (mirrors services.can_decide)."""
    if has_role(user, Role.DIRECTOR):
        return queryset
    if has_role(user, Role.LEADER):
        return queryset.filter(**{field: user})
    return queryset.none()


@approval_provider("supervision-close")
class CloseApprovals:
    def items(self, user):
        items = _decidable(SupervisionItem.objects.filter(state=State.REPORTED).select_related("lead_unit"), user)
        found = []
        for item in items.order_by("reported_on", "pk"):
            suggestion = item.source == Source.SUGGESTION
            found.append(Approval(
                kind="销号",
                title=str(item),
                url=item.get_absolute_url(),
                key=f"supervision-close:{item.pk}",
                detail=f"{item.lead_unit.label}已报结" + (f"：{item.completion_report}" if item.completion_report else ""),
                waiting_since=item.updated_at,
                comment_required_to_return=True,
                can_return=True,
                approve_label="销号",
                return_label="退回重办",
                choices_label="代表满意度" if suggestion else "",
                choices=tuple(Satisfaction.choices) if suggestion else (),
            ))
        return found

    def decide(self, user, key, approve, comment, choice=""):
        item = SupervisionItem.objects.filter(pk=key_pk(key)).first()
        if item is None:
            raise TransitionRefused("没有找到该督办事项")
        if approve:
            services.item_close(item=item, actor=user, satisfaction=choice or "", comment=comment)
        else:
            services.item_return(item=item, actor=user, reason=comment)


@approval_provider("supervision-extension")
class ExtensionApprovals:
    def items(self, user):
        pending = Extension.objects.filter(decision=Extension.Decision.PENDING, item__state__in=OPEN_STATES)
        pending = _decidable(pending, user, field="item__leader").select_related("item__lead_unit")
        return [
            Approval(
                kind="延期",
                title=str(ext.item),
                url=ext.item.get_absolute_url(),
                key=f"supervision-extension:{ext.pk}",
                detail=f"{ext.item.lead_unit.label}申请由{chinese_date(ext.old_deadline)}延至{chinese_date(ext.new_deadline)}：{ext.reason}",
                waiting_since=ext.requested_at,
                comment_required_to_return=True,
                can_return=True,
                approve_label="批准延期",
                return_label="不批准",
            )
            for ext in pending.order_by("requested_at", "pk")
        ]

    def decide(self, user, key, approve, comment, **extra):
        extension = Extension.objects.filter(pk=key_pk(key)).first()
        if extension is None:
            raise TransitionRefused("没有找到该延期申请")
        services.extension_decide(extension=extension, actor=user, approve=approve, comment=comment)
