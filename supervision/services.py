"""督办 state changes. Views call these; nothing else sets an item's state."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from office import calendar
from office.jobs import enqueue
from office.numbering import number_take
from office.roles import Role, has_role, user_unit_id
from office.text import chinese_date
from office.workflow import Transition, TransitionRefused, Workflow, workflow_note
from supervision.models import (
    NUMBER_SERIES,
    OPEN_STATES,
    Extension,
    Light,
    ProgressReport,
    Satisfaction,
    Source,
    State,
    SupervisionItem,
)

# --- who may do what -----------------------------------------------------------


def is_office(user, item=None) -> bool:
    """Office staff and the director register, assign and chase."""
    return has_role(user, Role.DIRECTOR, Role.STAFF)


def can_decide(user, item) -> bool:
    """Close, refuse closure and decide extensions: the director or the leader in charge."""
    return has_role(user, Role.DIRECTOR) or (has_role(user, Role.LEADER) and item.leader_id == user.pk)


def in_item_units(user, item) -> bool:
    unit_id = user_unit_id(user)
    return unit_id is not None and has_role(user, Role.LIAISON) and unit_id in item.unit_ids()


def in_lead_unit(user, item) -> bool:
    return has_role(user, Role.LIAISON) and user_unit_id(user) == item.lead_unit_id


def can_handle(user, item) -> bool:
    """Report progress: the item's units (lead or co-unit) or the office on their behalf."""
    return in_item_units(user, item) or is_office(user)


def can_edit(user, item) -> bool:
    """Details may be corrected until the item is assigned."""
    return is_office(user) and item.state == State.REGISTERED


def can_report_completion(user, item) -> bool:
    return in_lead_unit(user, item) or is_office(user)


WORKFLOW = Workflow(
    "supervision",
    "state",
    [
        Transition("assign", "交办", (State.REGISTERED,), State.ASSIGNED, allowed=is_office, style="primary"),
        Transition("start", "签收办理", (State.ASSIGNED,), State.IN_PROGRESS, allowed=can_handle),
        Transition(
            "report", "报结", OPEN_STATES, State.REPORTED, allowed=can_report_completion,
            comment_required=True, comment_label="办结报告", style="primary",
        ),
        Transition("close", "销号", (State.REPORTED,), State.CLOSED, allowed=can_decide, style="primary"),
        Transition(
            "return", "退回重办", (State.REPORTED,), State.IN_PROGRESS, allowed=can_decide,
            comment_required=True, comment_label="退回理由", style="danger",
        ),
    ],
    dict(State.choices),
)


# --- deadlines and lights ------------------------------------------------------


def deadline_by_rule(assigned_on: datetime.date, urgency: str) -> datetime.date:
    """The 3715 rule: 3, 7 or 15 days after assignment (working days by default)."""
    days = settings.SUPERVISION_DAYS[urgency]
    if settings.SUPERVISION_DAY_KIND == "calendar":
        return calendar.add_calendar_days(assigned_on, days)
    return calendar.add_working_days(assigned_on, days)


def rule_days_text(urgency: str) -> str:
    """“7个工作日” (or “7个自然日” when the rule counts calendar days)."""
    unit = "个工作日" if settings.SUPERVISION_DAY_KIND == "working" else "个自然日"
    return f"{settings.SUPERVISION_DAYS[urgency]}{unit}"


def light_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(today, next working day): due on or before the second is yellow, before the first red."""
    return today, calendar.next_working_day(today)


def light_of(item: SupervisionItem, today: datetime.date) -> str | None:
    if item.deadline is None or item.state in (State.REGISTERED, State.CLOSED):
        return None
    if item.state == State.REPORTED:
        return Light.GREEN if item.reported_on <= item.deadline else Light.RED
    start, yellow_until = light_bounds(today)
    if item.deadline < start:
        return Light.RED
    if item.deadline <= yellow_until:
        return Light.YELLOW
    return Light.GREEN


# --- registration and editing --------------------------------------------------

EDITABLE_FIELDS = [
    "title", "requirements", "source", "source_detail", "urgency", "lead_unit", "responsible",
    "supervisor", "leader", "deadline_override", "deadline_override_reason",
]


def _check_override(item: SupervisionItem) -> None:
    if item.deadline_override:
        if not (item.deadline_override_reason or "").strip():
            raise TransitionRefused("指定期限时须填写理由")
        _check_working_day(item.deadline_override)


def _check_working_day(day: datetime.date) -> None:
    if not calendar.is_working_day(day):
        raise TransitionRefused(f"办理期限须为工作日，{chinese_date(day)}是休息日")


@transaction.atomic
def item_register(*, actor, co_units=(), source_object=None, **data) -> SupervisionItem:
    """挂号: record the item with the next number of the year."""
    if not is_office(actor):
        raise TransitionRefused("只有办公室工作人员可以登记督办事项")
    year = timezone.localdate().year
    item = SupervisionItem(registered_by=actor, **data)
    _check_override(item)
    item.year, item.serial = year, number_take(series=NUMBER_SERIES, year=year)
    if source_object is not None:
        item.source_object = source_object
    item.save()
    item.co_units.set([unit for unit in co_units if unit.pk != item.lead_unit_id])
    return item


@transaction.atomic
def item_update(*, item: SupervisionItem, actor, co_units=None, **data) -> SupervisionItem:
    """Correct an item before it is assigned; afterwards only extensions move the deadline."""
    item = SupervisionItem.objects.select_for_update().get(pk=item.pk)
    if not is_office(actor):
        raise TransitionRefused("只有办公室工作人员可以修改督办事项")
    if item.state != State.REGISTERED:
        raise TransitionRefused("事项已交办，不能再修改；期限变更请走延期申请")
    for name, value in data.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(name)
        setattr(item, name, value)
    _check_override(item)
    item.save()
    if co_units is not None:
        item.co_units.set([unit for unit in co_units if unit.pk != item.lead_unit_id])
    item.co_units.remove(item.lead_unit)  # the lead unit is never also a co-unit
    return item


def _locked(item) -> SupervisionItem:
    return SupervisionItem.objects.select_for_update().select_related("lead_unit").get(pk=item.pk)


# --- the workflow --------------------------------------------------------------


@transaction.atomic
def item_assign(*, item: SupervisionItem, actor, assigned_on: datetime.date | None = None) -> SupervisionItem:
    """交办: fix the deadline (3715 rule or the recorded override) and notify the units."""
    from supervision.tasks import assignment_notice_send

    item = _locked(item)
    WORKFLOW.check(item, "assign", actor)
    _check_override(item)
    assigned_on = assigned_on or timezone.localdate()
    deadline = item.deadline_override or deadline_by_rule(assigned_on, item.urgency)
    if deadline < assigned_on:
        raise TransitionRefused("办理期限不能早于交办日期")
    if item.deadline_override:
        rule = f"指定期限，理由：{item.deadline_override_reason}"
    else:
        rule = f"{item.get_urgency_display()}事项{rule_days_text(item.urgency)}"
    WORKFLOW.perform(
        item, "assign", actor, comment=f"办理期限{chinese_date(deadline)}（{rule}）",
        on_commit=lambda: enqueue(assignment_notice_send, item.pk),
        assigned_on=assigned_on, deadline=deadline, original_deadline=deadline,
    )
    return item


@transaction.atomic
def item_start(*, item: SupervisionItem, actor) -> SupervisionItem:
    item = _locked(item)
    WORKFLOW.perform(item, "start", actor)
    return item


@transaction.atomic
def item_report_progress(*, item: SupervisionItem, actor, text: str, attachment=None) -> ProgressReport:
    """进展反馈; the first report of an assigned item also starts it."""
    item = _locked(item)
    if item.state not in OPEN_STATES:
        raise TransitionRefused(f"当前状态为“{item.get_state_display()}”，不能反馈进展")
    if not can_handle(actor, item):
        raise TransitionRefused("您没有权限反馈该事项的进展")
    text = (text or "").strip()
    if not text:
        raise TransitionRefused("请填写进展情况")
    if item.state == State.ASSIGNED:
        WORKFLOW.perform(item, "start", actor)
    unit_id = user_unit_id(actor) if in_item_units(actor, item) else item.lead_unit_id
    return ProgressReport.objects.create(item=item, unit_id=unit_id, author=actor, text=text, attachment=attachment or "")


@transaction.atomic
def item_report_completion(*, item: SupervisionItem, actor, report: str) -> SupervisionItem:
    """报结: the lead unit submits its 办结报告; the office reviews it."""
    from supervision.tasks import item_event_notify

    item = _locked(item)
    log = WORKFLOW.perform(
        item, "report", actor, comment=report,
        completion_report=(report or "").strip(), reported_on=timezone.localdate(),
    )
    # A request to extend a deadline that has been met is moot.
    item.extensions.filter(decision=Extension.Decision.PENDING).update(
        decision=Extension.Decision.WITHDRAWN, decided_at=timezone.now(), decision_comment="事项已报结，申请自动撤销"
    )
    transaction.on_commit(lambda: enqueue(item_event_notify, item.pk, "reported", log.pk))
    return item


@transaction.atomic
def item_close(*, item: SupervisionItem, actor, satisfaction: str = "", comment: str = "") -> SupervisionItem:
    """销号 after review; a deputy's suggestion needs the deputy's satisfaction grade."""
    item = _locked(item)
    WORKFLOW.check(item, "close", actor, comment)
    if item.source == Source.SUGGESTION and satisfaction not in Satisfaction.values:
        raise TransitionRefused("代表建议销号前须登记代表满意度")
    if satisfaction and satisfaction not in Satisfaction.values:
        raise TransitionRefused("满意度不正确")
    WORKFLOW.perform(item, "close", actor, comment=comment, closed_on=timezone.localdate(), satisfaction=satisfaction)
    return item


@transaction.atomic
def item_return(*, item: SupervisionItem, actor, reason: str) -> SupervisionItem:
    """退回重办: closure refused with a reason; the unit works on under the same deadline."""
    from supervision.tasks import item_event_notify

    item = _locked(item)
    log = WORKFLOW.perform(item, "return", actor, comment=reason, reported_on=None)
    transaction.on_commit(lambda: enqueue(item_event_notify, item.pk, "returned", log.pk))
    return item


def item_transition(*, item: SupervisionItem, action: str, actor, comment: str = "", **extra) -> SupervisionItem:
    """Perform a workflow action by name (the page's buttons)."""
    if action == "assign":
        return item_assign(item=item, actor=actor)
    if action == "start":
        return item_start(item=item, actor=actor)
    if action == "report":
        return item_report_completion(item=item, actor=actor, report=comment)
    if action == "close":
        return item_close(item=item, actor=actor, satisfaction=extra.get("satisfaction", ""), comment=comment)
    if action == "return":
        return item_return(item=item, actor=actor, reason=comment)
    raise TransitionRefused("没有这个操作")


# --- extensions ----------------------------------------------------------------


def can_request_extension(user, item) -> bool:
    return in_lead_unit(user, item) or is_office(user)


@transaction.atomic
def extension_request(*, item: SupervisionItem, actor, new_deadline: datetime.date, reason: str) -> Extension:
    """延期申请: before the deadline, with a reason and a later date."""
    from supervision.tasks import extension_notify

    item = _locked(item)
    today = timezone.localdate()
    if item.state not in OPEN_STATES:
        raise TransitionRefused(f"当前状态为“{item.get_state_display()}”，不能申请延期")
    if not can_request_extension(actor, item):
        raise TransitionRefused("只有主办单位或办公室可以申请延期")
    if today > item.deadline:
        raise TransitionRefused("已超过办理期限，不能再申请延期，请尽快办理")
    if new_deadline <= item.deadline:
        raise TransitionRefused(f"申请的期限须晚于现期限（{chinese_date(item.deadline)}）")
    _check_working_day(new_deadline)
    if not (reason or "").strip():
        raise TransitionRefused("请填写延期理由")
    try:
        with transaction.atomic():
            extension = Extension.objects.create(
                item=item, requested_by=actor, reason=reason.strip(), old_deadline=item.deadline, new_deadline=new_deadline
            )
    except IntegrityError:
        raise TransitionRefused("该事项已有一份待审批的延期申请") from None
    workflow_note(item, action="extension_request", label="申请延期", actor=actor, state=item.state,
                  comment=f"申请延至{chinese_date(new_deadline)}：{reason.strip()}")
    transaction.on_commit(lambda: enqueue(extension_notify, extension.pk))
    return extension


@transaction.atomic
def extension_decide(*, extension: Extension, actor, approve: bool, comment: str = "") -> Extension:
    """The director or the leader in charge approves (the deadline moves) or refuses."""
    from supervision.tasks import extension_notify

    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    item = _locked(extension.item)
    if extension.decision != Extension.Decision.PENDING:
        raise TransitionRefused("该延期申请已审批")
    if not can_decide(actor, item):
        raise TransitionRefused("只有办公室主任或分管领导可以审批延期")
    if item.state not in OPEN_STATES:
        raise TransitionRefused(f"事项当前为“{item.get_state_display()}”，延期申请不再审批")
    if not approve and not (comment or "").strip():
        raise TransitionRefused("不批准时请填写意见")
    extension.decision = Extension.Decision.APPROVED if approve else Extension.Decision.REFUSED
    extension.decided_by = actor
    extension.decided_at = timezone.now()
    extension.decision_comment = (comment or "").strip()
    extension.save()
    if approve:
        item.deadline = extension.new_deadline
        item.save()
    label = "批准延期" if approve else "不批准延期"
    workflow_note(item, action="extension_decide", label=label, actor=actor, state=item.state,
                  comment=f"{chinese_date(extension.old_deadline)} → {chinese_date(extension.new_deadline)}" + (f"；{comment.strip()}" if comment.strip() else ""))
    transaction.on_commit(lambda: enqueue(extension_notify, extension.pk))
    return extension
