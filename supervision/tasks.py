"""督办 tasks: each takes ids, re-reads the rows and is safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from office.text import chinese_date, month_day
from office.notifications import notify
from office.pdf import store
from office.roles import liaisons_by_unit
from office.jobs import keys_told, outbox_register, single_run, steps_between
from office.tasks import TRANSIENT
from supervision import reminders
from supervision.models import Extension, SupervisionItem


def _items(item_ids):
    return (
        SupervisionItem.objects.select_related("lead_unit", "responsible__user", "leader__person", "supervisor__person")
        .prefetch_related("co_units")
        .filter(pk__in=item_ids)
    )


def _item(item_id):
    return _items([item_id]).first()


@shared_task(**TRANSIENT)
def assignment_notice_send(item_id: int) -> int:
    """交办: the 交办通知单 PDF to the units' liaisons and the responsible person."""
    from supervision.pdf import assignment_notice

    item = _item(item_id)
    if item is None or item.assigned_on is None:
        return 0
    path = f"supervision/{item.year}/{item.serial}/交办通知单.pdf"
    stored = store(path, assignment_notice(item))
    recipients = reminders.item_recipients(item, liaisons_by_unit())
    result = notify(
        recipients,
        f"supervision:{item.pk}:assigned:{item.assigned_on:%Y-%m-%d}",
        f"督办交办：{item.number} {item.title}",
        f"请于{chinese_date(item.deadline)}前办结并报结。交办通知单见附件。",
        link=item.get_absolute_url(),
        attachments=[stored],
    )
    return len(result.created)


@shared_task(**TRANSIENT)
def item_event_notify(item_id: int, event: str, step_id: int) -> int:
    """Reported → tell the leader in charge and the supervisor; returned → tell the units."""
    item = _item(item_id)
    if item is None:
        return 0
    if event == "reported":
        recipients = [item.leader, item.supervisor]
        subject = f"待销号：{item.number}已报结"
        body = f"{item.lead_unit.name}已报结“{item.title}”，请审核后销号或退回重办。"
    elif event == "returned":
        recipients = reminders.item_recipients(item, liaisons_by_unit())
        subject = f"退回重办：{item.number}"
        body = f"“{item.title}”的办结报告未通过审核，已退回重办，请查看退回理由。"
    else:
        raise ValueError(event)
    # One message per workflow step: a second report or return is a new step.
    key = f"supervision:{item.pk}:{event}:{step_id}"
    return len(notify(recipients, key, subject, body, link=item.get_absolute_url()).created)


@shared_task(**TRANSIENT)
def extension_notify(extension_id: int) -> int:
    """A request goes to the deciders; a decision goes back to the requester."""
    extension = Extension.objects.select_related("item__leader", "requested_by").filter(pk=extension_id).first()
    if extension is None:
        return 0
    item = extension.item
    if extension.decision == Extension.Decision.PENDING:
        from django.contrib.auth import get_user_model

        from office.roles import Role

        directors = list(get_user_model().objects.filter(groups__name=Role.DIRECTOR, is_active=True))
        recipients = [item.leader, *directors]
        subject = f"延期申请：{item.number}申请延至{month_day(extension.new_deadline)}"
        body = f"理由：{extension.reason}"
    else:
        recipients = [extension.requested_by]
        subject = f"延期{extension.get_decision_display()}：{item.number}"
        body = extension.decision_comment or f"办理期限为{chinese_date(item.deadline)}。"
    key = f"supervision:{item.pk}:extension:{extension.pk}:{extension.decision}"
    return len(notify(recipients, key, subject, body, link=item.get_absolute_url()).created)


@shared_task(**TRANSIENT)
@single_run(ttl=30 * 60)
def reminders_sweep_task() -> dict:
    result = reminders.reminders_sweep(timezone.localdate())
    return {"due_soon": result.due_soon, "due_today": result.due_today, "chases": result.chases_queued}


@shared_task(**TRANSIENT)
def chase_send(item_ids: list[int], day: str) -> int:
    """催办通知单 for each overdue item (a batch from the sweep); safe to repeat."""
    contacts = liaisons_by_unit()
    today = datetime.date.fromisoformat(day)
    return sum(reminders.item_chase(item, today, contacts) for item in _items(item_ids))


@shared_task(**TRANSIENT)
@single_run(ttl=30 * 60)
def monthly_bulletin_send() -> int:
    """On the 1st: last month's 通报 PDF to the director and the leaders."""
    from django.contrib.auth import get_user_model

    from office.roles import Role
    from supervision.pdf import monthly_bulletin
    from supervision.selectors import unit_stats

    today = timezone.localdate()
    month_end = today.replace(day=1) - datetime.timedelta(days=1)
    month_start = month_end.replace(day=1)
    stats, total = unit_stats(month_start, month_end, today)
    path = f"supervision/bulletins/督办通报-{month_start:%Y-%m}.pdf"
    stored = store(path, monthly_bulletin(month_start, month_end, stats, total))
    recipients = get_user_model().objects.filter(groups__name__in=[Role.DIRECTOR, Role.LEADER], is_active=True).distinct()
    result = notify(
        recipients,
        f"supervision:bulletin:{month_start:%Y-%m}",
        f"督办工作通报（{month_start.year}年{month_start.month}月）",
        f"上月交办{total.assigned}件，办结{total.closed}件，逾期未结{total.overdue_now}件。通报见附件。",
        link="/supervision/stats/",
        attachments=[stored],
    )
    return len(result.created)


# --- outboxes: what a Redis outage at request time left undone --------------------


def _assignments_pending(since, until):
    """交办 with neither its message nor its 交办通知单 yet."""
    from django.core.files.storage import default_storage

    ids = steps_between(SupervisionItem, ["assign"], since, until).values_list("object_id", flat=True)
    items = list(SupervisionItem.objects.filter(pk__in=list(ids), assigned_on__isnull=False))
    told = keys_told(f"supervision:{item.pk}:assigned:{item.assigned_on:%Y-%m-%d}" for item in items)
    for item in items:
        if f"supervision:{item.pk}:assigned:{item.assigned_on:%Y-%m-%d}" not in told and not default_storage.exists(
            f"supervision/{item.year}/{item.serial}/交办通知单.pdf"
        ):
            yield (item.pk,)


def _item_events_pending(since, until):
    """报结 and 退回重办 steps nobody was told about."""
    events = {"report": "reported", "return": "returned"}
    steps = list(steps_between(SupervisionItem, list(events), since, until).values_list("object_id", "action", "pk"))
    told = keys_told(f"supervision:{item_id}:{events[action]}:{step_id}" for item_id, action, step_id in steps)
    for item_id, action, step_id in steps:
        if f"supervision:{item_id}:{events[action]}:{step_id}" not in told:
            yield (item_id, events[action], step_id)


def _extensions_pending(since, until):
    """Extension requests and decisions nobody was told about."""
    from django.db.models import Q

    asked = Q(decision=Extension.Decision.PENDING, requested_at__gte=since, requested_at__lt=until)
    decided = Q(decision__in=[Extension.Decision.APPROVED, Extension.Decision.REFUSED], decided_at__gte=since, decided_at__lt=until)
    extensions = list(Extension.objects.filter(asked | decided).values_list("pk", "item_id", "decision"))
    told = keys_told(f"supervision:{item_id}:extension:{pk}:{decision}" for pk, item_id, decision in extensions)
    for pk, item_id, decision in extensions:
        if f"supervision:{item_id}:extension:{pk}:{decision}" not in told:
            yield (pk,)


outbox_register("supervision.assignment", assignment_notice_send, _assignments_pending)
outbox_register("supervision.item-event", item_event_notify, _item_events_pending)
outbox_register("supervision.extension", extension_notify, _extensions_pending)
