"""The 督办 reminder sweep: before, on and after the deadline, each event once.

Only open items due by the next working day are read (an index on state and
deadline), so the sweep's cost follows the items near or past their deadline,
not everything ever registered. Event keys carry the deadline or the date, so a
rerun is harmless and an extended deadline starts its reminders afresh.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from office import calendar
from office.jobs import enqueue
from office.text import chinese_date, month_day
from office.notifications import Notice, missing_recipients, notify, notify_many
from office.models import Message
from office.roles import liaisons_by_unit
from supervision.models import OPEN_STATES, SupervisionItem

BATCH = 500


@dataclass
class SweepResult:
    due_soon: int = 0
    due_today: int = 0
    chases_queued: int = 0
    examined: int = 0
    skipped_day_off: bool = False
    chase_item_ids: list = field(default_factory=list)


def item_recipients(item: SupervisionItem, contacts_by_unit: dict[int, list]) -> list:
    """The units' liaisons and the responsible person's own login, if any."""
    users = []
    for unit_id in [item.lead_unit_id, *(unit.pk for unit in item.co_units.all())]:
        users.extend(contacts_by_unit.get(unit_id, []))
    if item.responsible_id and item.responsible.user_id:
        users.append(item.responsible.user)
    seen, unique = set(), []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            unique.append(user)
    return unique


def event_key(item: SupervisionItem, event: str, day: datetime.date) -> str:
    return f"supervision:{item.pk}:{event}:{day:%Y-%m-%d}"


def reminders_sweep(today: datetime.date) -> SweepResult:
    """Send due-tomorrow and due-today reminders; queue a chase for each overdue item."""
    from supervision.tasks import chase_send

    result = SweepResult()
    if not calendar.is_working_day(today):
        result.skipped_day_off = True
        return result
    horizon = calendar.next_working_day(today)
    candidates = (
        SupervisionItem.objects.filter(state__in=OPEN_STATES, deadline__lte=horizon)
        .select_related("lead_unit", "responsible__user", "leader")
        .prefetch_related("co_units")
        .order_by("deadline", "pk")
    )
    contacts = liaisons_by_unit()
    batch = []
    for item in candidates.iterator(chunk_size=BATCH):
        batch.append(item)
        if len(batch) >= BATCH:
            _sweep_batch(batch, today, contacts, result, chase_send)
            batch = []
    if batch:
        _sweep_batch(batch, today, contacts, result, chase_send)
    return result


@transaction.atomic
def _sweep_batch(items, today, contacts, result, chase_send) -> None:
    planned = []  # (item, kind, key, recipients)
    for item in items:
        result.examined += 1
        recipients = item_recipients(item, contacts)
        if item.deadline > today:
            planned.append((item, "due-1", event_key(item, "due-1", item.deadline), recipients))
        elif item.deadline == today:
            planned.append((item, "due", event_key(item, "due", item.deadline), recipients))
        else:
            if calendar.working_days_between(item.deadline, today) >= settings.SUPERVISION_ESCALATE_AFTER:
                recipients = [*recipients, item.leader]
            planned.append((item, "overdue", event_key(item, "overdue", today), recipients))
    # Who has already been told, for the whole batch in one query.
    told = set(
        Message.objects.filter(event_key__in=[key for _, _, key, _ in planned]).values_list("event_key", "recipient_id")
    )
    chases, notices = [], []
    for item, kind, key, recipients in planned:
        missing = [user for user in recipients if (key, user.pk) not in told]
        if not missing:
            continue
        if kind == "overdue":
            chases.append(item.pk)
            continue
        if kind == "due-1":
            subject = f"督办提醒：{item.number}将于{month_day(item.deadline)}到期"
            body = f"“{item.title}”的办理期限是{chinese_date(item.deadline)}，请按期办结并报送办结报告。"
            result.due_soon += 1
        else:
            subject = f"督办提醒：{item.number}今天到期"
            body = f"“{item.title}”今天（{chinese_date(item.deadline)}）到期，请今日办结并报结；确需延期请立即申请。"
            result.due_today += 1
        notices.append(Notice(missing, key, subject, body, link=item.get_absolute_url()))
    notify_many(notices)  # the batch's messages and deliveries in a few queries, not a few per person
    if chases:
        # One task per batch: PDFs are made by the workers, not in the sweep.
        enqueue(chase_send, chases, today.isoformat())  # one message per batch of items
        result.chases_queued += len(chases)
        result.chase_item_ids.extend(chases)


def item_chase(item: SupervisionItem, today: datetime.date, contacts: dict | None = None) -> int:
    """催办: a 催办通知单 PDF to the units (and, from the third overdue working day, the leader)."""
    from office.pdf import store
    from supervision.pdf import chase_notice

    if item.state not in OPEN_STATES or item.deadline >= today:
        return 0  # reported or extended since the sweep queued it
    overdue = calendar.working_days_between(item.deadline, today)
    recipients = item_recipients(item, liaisons_by_unit() if contacts is None else contacts)
    if overdue >= settings.SUPERVISION_ESCALATE_AFTER:
        recipients.append(item.leader)
    key = event_key(item, "overdue", today)
    missing = missing_recipients(key, recipients)
    if not missing:
        return 0
    path = f"supervision/{item.year}/{item.serial}/催办通知单-{today:%Y%m%d}.pdf"
    stored = store(path, chase_notice(item, today, overdue))
    escalated = "（已报分管领导）" if overdue >= settings.SUPERVISION_ESCALATE_AFTER else ""
    notify(
        missing, key,
        f"催办通知：{item.number}已逾期{overdue}个工作日{escalated}",
        f"“{item.title}”办理期限为{chinese_date(item.deadline)}，已逾期{overdue}个工作日，请抓紧办理并报结。催办通知单见附件。",
        link=item.get_absolute_url(), attachments=[stored],
    )
    return len(missing)
