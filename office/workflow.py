"""State machines, declared once per workflow and performed through one helper.

A workflow is a table of Transition rows next to its model. `transition_perform`
checks the state and the actor, sets the new state, writes the WorkflowLog row
(who, when, from, to, comment) and runs the side effects after commit. Pages ask
`transitions_available` so they only show what the user may do.
"""

from dataclasses import dataclass, field
from typing import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from office.models import WorkflowLog


class TransitionRefused(Exception):
    """The action is not allowed now; the message is shown to the user as it is."""


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change (a recorded step)
    allowed: Callable  # (user, obj) -> bool
    comment_required: bool = False
    comment_label: str = "意见"
    style: str = ""  # "primary" / "danger" for the button
    extra: dict = field(default_factory=dict)


class Workflow:
    def __init__(self, name: str, state_field: str, transitions: list[Transition], state_labels: dict):
        self.name = name
        self.state_field = state_field
        self.transitions = {t.action: t for t in transitions}
        self.state_labels = state_labels

    def get(self, action: str) -> Transition:
        try:
            return self.transitions[action]
        except KeyError:
            raise TransitionRefused("没有这个操作") from None

    def available(self, user, obj) -> list[Transition]:
        state = getattr(obj, self.state_field)
        return [t for t in self.transitions.values() if state in t.sources and t.allowed(user, obj)]

    def check(self, obj, action: str, user, comment: str = "") -> Transition:
        """Raise TransitionRefused unless `user` may take `action` on obj now."""
        transition = self.get(action)
        state = getattr(obj, self.state_field)
        if state not in transition.sources:
            raise TransitionRefused(f"当前状态为“{self.state_labels.get(state, state)}”，不能{transition.label}")
        if not transition.allowed(user, obj):
            raise TransitionRefused(f"您没有权限{transition.label}")
        if transition.comment_required and not (comment or "").strip():
            raise TransitionRefused(f"请填写{transition.comment_label}")
        return transition

    def perform(self, obj, action: str, user, comment: str = "", on_commit: Callable | None = None, **changes) -> WorkflowLog:
        """Check and perform `action` on obj (a locked row), recording the step.

        `changes` are further fields set together with the state (a reason, a date).
        Must run inside the caller's transaction, after select_for_update of obj.
        """
        transition = self.check(obj, action, user, comment)
        state = getattr(obj, self.state_field)
        comment = (comment or "").strip()
        if transition.target is not None:
            setattr(obj, self.state_field, transition.target)
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.save()
        log = WorkflowLog.objects.create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            action=action,
            action_label=transition.label,
            from_state=state,
            to_state=transition.target or state,
            actor=user,
            comment=comment,
        )
        if on_commit is not None:
            transaction.on_commit(on_commit)
        return log


def workflow_log_for(obj):
    return (
        WorkflowLog.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        .select_related("actor__person")
        .order_by("at", "id")
    )


def workflow_note(obj, *, action: str, label: str, actor, comment: str = "", state: str = "", from_state: str | None = None) -> WorkflowLog:
    """Record a step outside a Workflow table (an extension decided, a chase sent); the
    state is where the record is now, from_state where it was if that differs."""
    return WorkflowLog.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=action,
        action_label=label,
        from_state=state if from_state is None else from_state,
        to_state=state,
        actor=actor,
        comment=comment,
    )
