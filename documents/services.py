"""办文 state changes: the 收文 and 发文 routes, secrecy grants, numbering, amendments.

Views call these; nothing else changes a document's state. Every step goes through
office.workflow, so the route (who, when, comment) is on the document's page.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from documents.models import (
    Amendment,
    Attachment,
    Circulation,
    Countersign,
    Distribution,
    IncomingDocument,
    InState,
    Instruction,
    OutgoingDocument,
    OutState,
    SecretAccess,
)
from office.jobs import enqueue
from office.notifications import notify
from office.numbering import number_take
from office.roles import Role, has_role, liaisons_by_unit, user_unit_id
from office.workflow import Transition, TransitionRefused, Workflow, workflow_note

IN_VIEW = "documents.view_secret_incoming"
OUT_VIEW = "documents.view_secret_outgoing"


# --- who may do what ------------------------------------------------------------------


def is_office(user, doc=None) -> bool:
    """Office staff and the director register, route and archive documents."""
    return has_role(user, Role.DIRECTOR, Role.STAFF)


def is_leader(user, doc=None) -> bool:
    return has_role(user, Role.LEADER)


def next_instruction(doc: IncomingDocument) -> Instruction | None:
    return doc.instructions.filter(signed_at__isnull=True).order_by("order").first()


def is_next_leader(user, doc) -> bool:
    pending = next_instruction(doc)
    return pending is not None and pending.leader_id == user.pk


def is_last_instruction(doc) -> bool:
    return doc.instructions.filter(signed_at__isnull=True).count() == 1


def in_lead_unit(user, doc) -> bool:
    return has_role(user, Role.LIAISON) and doc.lead_unit_id is not None and user_unit_id(user) == doc.lead_unit_id


def can_complete(user, doc) -> bool:
    return in_lead_unit(user, doc) or is_office(user)


INCOMING = Workflow(
    "incoming",
    "state",
    [
        Transition("review", "初审通过", (InState.REGISTERED,), InState.REVIEWED, allowed=is_office, style="primary"),
        Transition("reject", "退文", (InState.REGISTERED,), InState.REJECTED, allowed=is_office, comment_required=True, comment_label="退文理由", style="danger"),
        Transition("propose", "拟办", (InState.REVIEWED,), InState.PROPOSED, allowed=is_office, comment_required=True, comment_label="拟办意见", style="primary"),
        Transition("instruct", "批示", (InState.PROPOSED,), None, allowed=lambda u, d: is_next_leader(u, d) and not is_last_instruction(d),
                   comment_required=True, comment_label="批示", style="primary"),
        Transition("instruct_last", "批示", (InState.PROPOSED,), InState.INSTRUCTED, allowed=lambda u, d: is_next_leader(u, d) and is_last_instruction(d),
                   comment_required=True, comment_label="批示", style="primary"),
        Transition("assign", "交承办", (InState.INSTRUCTED, InState.REVIEWED), InState.HANDLING, allowed=is_office, style="primary"),
        Transition("complete", "办结", (InState.HANDLING,), InState.DONE, allowed=can_complete, comment_required=True, comment_label="办理结果", style="primary"),
        Transition("archive", "归档", (InState.DONE, InState.REJECTED), InState.ARCHIVED, allowed=is_office),
    ],
    dict(InState.choices),
)


def can_edit_draft(user, doc) -> bool:
    return doc.drafter_id == user.pk or is_office(user)


OUTGOING = Workflow(
    "outgoing",
    "state",
    [
        Transition("check", "核稿", (OutState.DRAFT,), OutState.CHECKED, allowed=is_office, style="primary"),
        Transition("submit", "送签", (OutState.CHECKED, OutState.COUNTERSIGNING), OutState.AWAITING_SIGNATURE, allowed=is_office, style="primary"),
        Transition("sign", "签发", (OutState.AWAITING_SIGNATURE,), OutState.SIGNED, allowed=is_leader, style="primary"),
        Transition("send_back", "退回修改", (OutState.CHECKED, OutState.AWAITING_SIGNATURE), OutState.DRAFT,
                   allowed=lambda u, d: is_office(u) or is_leader(u), comment_required=True, comment_label="退回意见", style="danger"),
        Transition("number", "编号", (OutState.SIGNED,), OutState.NUMBERED, allowed=is_office, style="primary"),
        Transition("seal", "用印", (OutState.NUMBERED,), OutState.SEALED, allowed=is_office, style="primary"),
        Transition("print", "印制", (OutState.SEALED,), OutState.PRINTED, allowed=is_office, style="primary"),
        Transition("distribute", "分发完毕", (OutState.PRINTED,), OutState.DISTRIBUTED, allowed=is_office),
        Transition("archive", "归档", (OutState.DISTRIBUTED,), OutState.ARCHIVED, allowed=is_office),
    ],
    dict(OutState.choices),
)


# --- secrecy ----------------------------------------------------------------------------


def can_view(user, doc, *, granted: bool | None = None) -> bool:
    """A document without 密级 is open to the office; a secret one only to those granted it.
    `granted`: whether the user holds the grant, when the caller read that with the document."""
    if not doc.is_secret:
        return True
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    if granted is not None:
        return granted
    # One query on the document's own grant table. Guardian's has_perm would ask twice
    # (the user's grants, then their groups'); grants are only ever given to users (`grant`).
    from documents.models import IncomingGrant, OutgoingGrant

    grants, perm = (IncomingGrant, IN_VIEW) if isinstance(doc, IncomingDocument) else (OutgoingGrant, OUT_VIEW)
    return grants.objects.filter(content_object=doc, user=user, permission__codename=perm.split(".")[1]).exists()


def grant(doc, users, actor=None) -> list:
    """Grant these users the right to see a secret document (recorded on its route)."""
    if not doc.is_secret:
        return []
    perm = IN_VIEW if isinstance(doc, IncomingDocument) else OUT_VIEW
    granted = []
    for user in users:
        if user is not None and not user.has_perm(perm, doc):
            assign_perm(perm, user, doc)
            granted.append(user)
            for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
                user.__dict__.pop(cache, None)
    if granted and actor is not None:
        names = "、".join(_name(user) for user in granted)
        workflow_note(doc, action="grant", label="授权查阅", actor=actor, state=doc.state, comment=names)
    return granted


def record_access(doc, user, action="查看") -> None:
    """查阅登记: every view of a secret document."""
    if doc.is_secret:
        field = "incoming" if isinstance(doc, IncomingDocument) else "outgoing"
        SecretAccess.objects.create(**{field: doc}, user=user, action=action)


def _name(user) -> str:
    person = getattr(user, "person", None)
    return person.name if person else user.username


def _office_users():
    return list(get_user_model().objects.filter(is_active=True, groups__name__in=[Role.DIRECTOR, Role.STAFF]).distinct())


def _tell(users, doc, event: str, subject: str, body: str = "") -> None:
    """Notify, saying nothing secret in the message itself."""
    title = "（涉密公文，请登录查看）" if doc.is_secret else doc.title
    notify(users, f"documents:{doc._meta.model_name}:{doc.pk}:{event}", f"{subject}：{title}", body, link=doc.get_absolute_url())


def _check_archived(doc) -> None:
    if doc.state == "archived":
        raise TransitionRefused("公文已归档，只能通过更正记录修改")


# --- 收文 ----------------------------------------------------------------------------------

INCOMING_FIELDS = {"from_unit", "from_number", "title", "doc_type", "secrecy", "secrecy_term", "urgency", "copies",
                   "pages", "received_on", "due_date", "body_text"}


@transaction.atomic
def incoming_register(*, actor, **data) -> IncomingDocument:
    """签收登记: the document gets 收〔年〕N号; a secret one is granted to its registrar."""
    if not is_office(actor):
        raise TransitionRefused("只有办公室工作人员可以登记收文")
    unknown = set(data) - INCOMING_FIELDS
    if unknown:
        raise ValueError(unknown)
    for name, label in (("title", "标题"), ("from_unit", "来文单位"), ("doc_type", "文种")):
        if not str(data.get(name) or "").strip():
            raise TransitionRefused(f"请填写{label}")
    if data.get("secrecy") and not (data.get("secrecy_term") or "").strip():
        raise TransitionRefused("涉密公文须填写保密期限")
    if data.get("due_date") and data["due_date"] < data["received_on"]:
        raise TransitionRefused("办理期限不能早于收文日期")
    year = data["received_on"].year
    doc = IncomingDocument.objects.create(year=year, serial=number_take(series="incoming", year=year), registered_by=actor, **data)
    grant(doc, [actor])
    return doc


def _incoming_locked(doc) -> IncomingDocument:
    return IncomingDocument.objects.select_for_update().get(pk=doc.pk)


@transaction.atomic
def incoming_update(*, doc: IncomingDocument, actor, **changes) -> IncomingDocument:
    doc = _incoming_locked(doc)
    _check_archived(doc)
    if not is_office(actor):
        raise TransitionRefused("只有办公室工作人员可以修改收文登记")
    for name, value in changes.items():
        if name not in INCOMING_FIELDS:
            raise ValueError(name)
        setattr(doc, name, value)
    if doc.secrecy and not doc.secrecy_term.strip():
        raise TransitionRefused("涉密公文须填写保密期限")
    if doc.due_date and doc.due_date < doc.received_on:
        raise TransitionRefused("办理期限不能早于收文日期")
    for name, label in (("title", "标题"), ("from_unit", "来文单位")):
        if not getattr(doc, name).strip():
            raise TransitionRefused(f"请填写{label}")
    doc.save()
    grant(doc, [actor])
    workflow_note(doc, action="edit", label="修改登记信息", actor=actor, state=doc.state,
                  comment="、".join(str(IncomingDocument._meta.get_field(name).verbose_name) for name in changes))
    return doc


@transaction.atomic
def incoming_review(*, doc, actor, accept: bool, reason: str = "") -> IncomingDocument:
    """初审: accepted, or returned to the sender with a reason (退文)."""
    doc = _incoming_locked(doc)
    INCOMING.perform(doc, "review" if accept else "reject", actor, comment=reason)
    return doc


@transaction.atomic
def incoming_propose(*, doc, actor, proposal: str, leaders: list) -> IncomingDocument:
    """拟办: the office's proposal and the leaders who are to write 批示, in order."""
    doc = _incoming_locked(doc)
    leaders = [leader for leader in leaders if leader is not None]
    if not leaders:
        raise TransitionRefused("请选择批示领导")
    if len({leader.pk for leader in leaders}) != len(leaders):
        raise TransitionRefused("同一位领导不能重复选择")
    if any(not has_role(leader, Role.LEADER) for leader in leaders):
        raise TransitionRefused("批示人须为常委会领导")
    INCOMING.perform(doc, "propose", actor, comment=proposal, proposal=proposal.strip())
    doc.instructions.all().delete()
    Instruction.objects.bulk_create(Instruction(document=doc, order=index, leader=leader) for index, leader in enumerate(leaders, start=1))
    grant(doc, leaders, actor)
    transaction.on_commit(lambda: _tell([leaders[0]], doc, "instruct-1", "请批示"))
    return doc


@transaction.atomic
def incoming_instruct(*, doc, actor, text: str) -> Instruction:
    """批示, in the order the office proposed; the last one completes 批办."""
    doc = _incoming_locked(doc)
    instruction = next_instruction(doc)
    # The last 批示 moves the document to 已批办; both check it is this leader's turn.
    INCOMING.perform(doc, "instruct_last" if is_last_instruction(doc) else "instruct", actor, comment=text)
    instruction.text, instruction.signed_at = text.strip(), timezone.now()
    instruction.save()
    following = next_instruction(doc)
    if following is None:
        transaction.on_commit(lambda: _tell(_office_users(), doc, "instructed", "领导已批示，请交承办"))
    else:
        transaction.on_commit(lambda: _tell([following.leader], doc, f"instruct-{following.order}", "请批示"))
    return instruction


@transaction.atomic
def instruction_to_supervision(*, instruction: Instruction, actor, lead_unit, urgency="normal", co_units=()):
    """A leader's 批示 becomes a supervision item in one step, linked both ways."""
    from supervision import services as supervision

    instruction = Instruction.objects.select_for_update().select_related("document").get(pk=instruction.pk)
    if instruction.signed_at is None:
        raise TransitionRefused("领导尚未批示")
    if instruction.supervision_item_id:
        raise TransitionRefused("该批示已转为督办事项")
    doc = instruction.document
    # A secret document's title must not travel into the open supervision register.
    subject = f"涉密公文 {doc.number}" if doc.is_secret else doc.title
    item = supervision.item_register(
        actor=actor,
        title=f"落实领导批示：{subject}"[:200],
        requirements="（批示内容见涉密公文，请按授权查阅）" if doc.is_secret else instruction.text,
        source="instruction",
        source_detail=f"{_name(instruction.leader)}对{doc.number}的批示"[:200],
        urgency=urgency,
        lead_unit=lead_unit,
        co_units=list(co_units),
        supervisor=actor,
        leader=instruction.leader,
        source_object=instruction,
    )
    supervision.item_assign(item=item, actor=actor)
    instruction.supervision_item_id = item.pk
    instruction.save(update_fields=["supervision_item_id"])
    return item


@transaction.atomic
def incoming_assign(*, doc, actor, lead_unit, co_units=()) -> IncomingDocument:
    """承办: a lead unit always, co-units as needed; their liaisons are told (and granted)."""
    doc = _incoming_locked(doc)
    if lead_unit is None:
        raise TransitionRefused("请指定主办单位")
    co_units = [unit for unit in co_units if unit.pk != lead_unit.pk]
    INCOMING.perform(doc, "assign", actor, comment="主办：" + lead_unit.name + ("；协办：" + "、".join(u.name for u in co_units) if co_units else ""),
                     lead_unit=lead_unit)
    doc.co_units.set(co_units)
    contacts = liaisons_by_unit()
    liaisons = [user for unit in [lead_unit, *co_units] for user in contacts.get(unit.pk, [])]
    grant(doc, liaisons, actor)
    transaction.on_commit(lambda: _tell(liaisons, doc, f"assigned-{lead_unit.pk}", "请承办"))
    return doc


@transaction.atomic
def circulation_add(*, doc, actor, readers) -> list[Circulation]:
    """传阅: add readers (granted if secret); each marks the document read."""
    doc = _incoming_locked(doc)
    _check_archived(doc)
    if not is_office(actor):
        raise TransitionRefused("只有办公室工作人员可以安排传阅")
    if doc.state in (InState.REGISTERED, InState.REJECTED):
        raise TransitionRefused("初审通过后才能传阅")
    existing = set(doc.circulation.values_list("reader_id", flat=True))
    new = []
    for reader in readers:
        if reader.pk not in existing:
            existing.add(reader.pk)
            new.append(Circulation(document=doc, reader=reader, added_by=actor))
    Circulation.objects.bulk_create(new)
    grant(doc, [entry.reader for entry in new], actor)
    if new:
        names = "、".join(_name(entry.reader) for entry in new)
        workflow_note(doc, action="circulate", label="送传阅", actor=actor, state=doc.state, comment=names)
        readers_to_tell = [entry.reader for entry in new]
        transaction.on_commit(lambda: _tell(readers_to_tell, doc, "circulate", "请阅"))
    return new


@transaction.atomic
def circulation_read(*, doc, actor, comment: str = "") -> Circulation:
    entry = Circulation.objects.select_for_update().filter(document=doc, reader=actor).first()
    if entry is None:
        raise TransitionRefused("您不在该文的传阅名单中")
    if entry.read_at is None:
        entry.read_at, entry.comment = timezone.now(), comment.strip()[:300]
        entry.save()
    return entry


@transaction.atomic
def incoming_complete(*, doc, actor, result: str) -> IncomingDocument:
    doc = _incoming_locked(doc)
    INCOMING.perform(doc, "complete", actor, comment=result, result=result.strip(), done_on=timezone.localdate())
    return doc


@transaction.atomic
def incoming_archive(*, doc, actor) -> IncomingDocument:
    doc = _incoming_locked(doc)
    INCOMING.perform(doc, "archive", actor)
    return doc


# --- 发文 ------------------------------------------------------------------------------------

OUTGOING_FIELDS = {"doc_type", "title", "main_to", "copy_to", "body", "attachment_note", "issuer", "signature", "prefix",
                   "secrecy", "secrecy_term", "urgency", "printing_unit"}


@transaction.atomic
def outgoing_draft(*, actor, **data) -> OutgoingDocument:
    """拟稿 by anyone in the office or a committee (their unit is the drafting unit)."""
    if not has_role(actor, Role.DIRECTOR, Role.STAFF, Role.LIAISON, Role.LEADER):
        raise TransitionRefused("您没有拟稿权限")
    unknown = set(data) - OUTGOING_FIELDS
    if unknown:
        raise ValueError(unknown)
    unit_id = user_unit_id(actor)
    if unit_id is None:
        raise TransitionRefused("您的账号没有所属单位，请联系办公室")
    _check_outgoing_fields({name: data.get(name, "") for name in REQUIRED_OUTGOING} | data)
    doc = OutgoingDocument.objects.create(drafter=actor, drafting_unit_id=unit_id, **data)
    grant(doc, [actor])
    if not is_office(actor):
        # A committee's secret draft goes to the office through its director, who may then
        # grant the staff member who checks it.
        grant(doc, get_user_model().objects.filter(is_active=True, groups__name=Role.DIRECTOR), actor)
    return doc


REQUIRED_OUTGOING = ("title", "main_to", "body", "issuer", "signature", "prefix")


def _check_outgoing_fields(data) -> None:
    for name, label in (("title", "标题"), ("main_to", "主送机关"), ("body", "正文"), ("issuer", "发文机关"), ("signature", "署名"), ("prefix", "机关代字")):
        if name in data and not str(data[name]).strip():
            raise TransitionRefused(f"请填写{label}")
    if data.get("secrecy") and not (data.get("secrecy_term") or "").strip():
        raise TransitionRefused("涉密公文须填写保密期限")


def _outgoing_locked(doc) -> OutgoingDocument:
    return OutgoingDocument.objects.select_for_update().get(pk=doc.pk)


@transaction.atomic
def outgoing_edit(*, doc, actor, **changes) -> OutgoingDocument:
    """Edit the draft; after 签发 an edit sends it back for signing again."""
    doc = _outgoing_locked(doc)
    if not can_edit_draft(actor, doc):
        raise TransitionRefused("只有拟稿人或办公室可以修改文稿")
    if doc.state not in (OutState.DRAFT, OutState.CHECKED, OutState.COUNTERSIGNING, OutState.AWAITING_SIGNATURE, OutState.SIGNED):
        raise TransitionRefused(f"公文当前为“{doc.get_state_display()}”，不能再修改文稿")
    unknown = set(changes) - OUTGOING_FIELDS
    if unknown:
        raise ValueError(unknown)
    _check_outgoing_fields(changes)
    changed = [name for name, value in changes.items() if getattr(doc, name) != value]
    if not changed:
        return doc
    for name in changed:
        setattr(doc, name, changes[name])
    if doc.secrecy and not doc.secrecy_term.strip():
        raise TransitionRefused("涉密公文须填写保密期限")
    was_signed = doc.state == OutState.SIGNED
    if was_signed:
        doc.state, doc.signer, doc.signed_at, doc.signed_on = OutState.AWAITING_SIGNATURE, None, None, None
    doc.save()
    if was_signed:
        workflow_note(doc, action="resign", label="签发后修改，退回重新签发", actor=actor, state=OutState.AWAITING_SIGNATURE,
                      comment="修改了：" + "、".join(str(OutgoingDocument._meta.get_field(n).verbose_name) for n in changed))
    return doc


@transaction.atomic
def outgoing_check(*, doc, actor, comment: str = "") -> OutgoingDocument:
    doc = _outgoing_locked(doc)
    OUTGOING.perform(doc, "check", actor, comment=comment)
    return doc


@transaction.atomic
def countersign_request(*, doc, actor, units) -> list[Countersign]:
    """会签: other units sign or return with comments before the leader signs."""
    doc = _outgoing_locked(doc)
    if not is_office(actor):
        raise TransitionRefused("只有办公室可以发起会签")
    if doc.state not in (OutState.CHECKED, OutState.COUNTERSIGNING):
        raise TransitionRefused(f"公文当前为“{doc.get_state_display()}”，核稿后才能会签")
    units = list({unit.pk: unit for unit in units if unit.pk != doc.drafting_unit_id}.values())
    if not units:
        raise TransitionRefused("请选择会签单位")
    # A unit that returned the earlier draft is asked again about the revised one.
    doc.countersigns.filter(unit__in=units).exclude(decision=Countersign.Decision.SIGNED).update(
        decision=Countersign.Decision.PENDING, decided_by=None, decided_at=None
    )
    existing = set(doc.countersigns.values_list("unit_id", flat=True))
    new = [Countersign(document=doc, unit=unit) for unit in units if unit.pk not in existing]
    Countersign.objects.bulk_create(new)
    doc.state = OutState.COUNTERSIGNING
    doc.save(update_fields=["state", "updated_at"])
    workflow_note(doc, action="countersign_request", label="发起会签", actor=actor, state=doc.state,
                  comment="、".join(unit.name for unit in units))
    contacts = liaisons_by_unit()
    liaisons = [user for unit in units for user in contacts.get(unit.pk, [])]
    grant(doc, liaisons, actor)
    transaction.on_commit(lambda: _tell(liaisons, doc, "countersign", "请会签"))
    return new


def is_countersigner(user, countersign) -> bool:
    """Who signs for the unit: its liaison (or a leader of it), or the director."""
    return has_role(user, Role.LIAISON, Role.LEADER, Role.DIRECTOR) and (user_unit_id(user) == countersign.unit_id or is_office(user))


def can_countersign(user, countersign) -> bool:
    """The unit's countersigner, while the unit has not decided."""
    doc = countersign.document
    return (
        doc.state == OutState.COUNTERSIGNING
        and countersign.decision == Countersign.Decision.PENDING
        and is_countersigner(user, countersign)
    )


@transaction.atomic
def countersign_decide(*, countersign: Countersign, actor, approve: bool, comment: str = "") -> Countersign:
    countersign = Countersign.objects.select_for_update().select_related("document", "unit").get(pk=countersign.pk)
    doc = _outgoing_locked(countersign.document)
    if doc.state != OutState.COUNTERSIGNING:
        raise TransitionRefused("公文不在会签中")
    if countersign.decision != Countersign.Decision.PENDING:
        raise TransitionRefused("本单位已会签")
    countersign.document = doc
    if not can_countersign(actor, countersign):
        raise TransitionRefused(f"只有{countersign.unit.name}可以会签")
    if not approve and not comment.strip():
        raise TransitionRefused("退回修改须填写会签意见")
    countersign.decision = Countersign.Decision.SIGNED if approve else Countersign.Decision.RETURNED
    countersign.comment, countersign.decided_by, countersign.decided_at = comment.strip(), actor, timezone.now()
    countersign.save()
    label = f"{countersign.unit.label}会签" if approve else f"{countersign.unit.label}退回修改"
    workflow_note(doc, action="countersign", label=label, actor=actor, state=doc.state if approve else OutState.DRAFT,
                  comment=comment.strip())
    if not approve:
        doc.state = OutState.DRAFT
        doc.save(update_fields=["state", "updated_at"])
        doc.countersigns.exclude(pk=countersign.pk).update(decision=Countersign.Decision.PENDING)
    return countersign


@transaction.atomic
def outgoing_transition(*, doc, action: str, actor, comment: str = "") -> OutgoingDocument:
    """送签, 签发, 退回修改, 编号, 用印, 印制, 分发完毕, 归档."""
    from documents.tasks import outgoing_print_pdf

    doc = _outgoing_locked(doc)
    changes = {}
    on_commit = None
    if action == "sign":
        changes = {"signer": actor, "signed_at": timezone.now(), "signed_on": timezone.localdate()}
    elif action == "number":
        OUTGOING.check(doc, action, actor, comment)
        year = doc.signed_on.year
        changes = {"year": year, "serial": number_take(series=f"outgoing:{doc.prefix}", year=year)}
    elif action == "print":
        changes = {"printed_on": timezone.localdate(), "printing_unit": doc.printing_unit or doc.issuer}
        on_commit = lambda: enqueue(outgoing_print_pdf, doc.pk)  # noqa: E731
    elif action == "distribute":
        if not doc.distribution.exists():
            raise TransitionRefused("请先登记分发对象")
        if doc.distribution.filter(delivered_at__isnull=True).exists():
            raise TransitionRefused("还有未送达的分发对象")
    elif action == "submit":
        pending = doc.countersigns.exclude(decision=Countersign.Decision.SIGNED).select_related("unit")
        if pending:
            raise TransitionRefused("还有单位未会签：" + "、".join(c.unit.label for c in pending))
        # Any leader may sign: a secret draft is opened to the leaders now.
        grant(doc, get_user_model().objects.filter(is_active=True, groups__name=Role.LEADER), actor)
    elif action == "send_back":
        doc.countersigns.update(decision=Countersign.Decision.PENDING)
    OUTGOING.perform(doc, action, actor, comment=comment, on_commit=on_commit, **changes)
    if action == "sign":
        transaction.on_commit(lambda: _tell(_office_users(), doc, f"signed-{doc.signed_at:%Y%m%d%H%M%S}", "已签发，请编号印发"))
    return doc


@transaction.atomic
def distribution_add(*, doc, actor, recipients: list[tuple[str, int]]) -> list[Distribution]:
    doc = _outgoing_locked(doc)
    if not is_office(actor):
        raise TransitionRefused("只有办公室可以登记分发")
    if doc.state not in (OutState.SEALED, OutState.PRINTED):
        raise TransitionRefused("用印后才能登记分发")
    rows = [Distribution(document=doc, recipient=name.strip(), copies=max(1, copies)) for name, copies in recipients if name.strip()]
    if not rows:
        raise TransitionRefused("请填写分发对象")
    return Distribution.objects.bulk_create(rows)


@transaction.atomic
def distribution_deliver(*, distribution: Distribution, actor, receiver_name: str) -> Distribution:
    distribution = Distribution.objects.select_for_update().select_related("document").get(pk=distribution.pk)
    if not is_office(actor):
        raise TransitionRefused("只有办公室可以登记送达")
    if not receiver_name.strip():
        raise TransitionRefused("请填写签收人")
    if distribution.delivered_at is None:
        distribution.delivered_at, distribution.delivered_by = timezone.now(), actor
        distribution.receiver_name = receiver_name.strip()
        distribution.save()
    return distribution


# --- files ------------------------------------------------------------------------------------------

# 发文 attachments may be added until the draft is signed.
OUT_ATTACHABLE = (OutState.DRAFT, OutState.CHECKED, OutState.COUNTERSIGNING, OutState.AWAITING_SIGNATURE)


def can_attach(user, doc) -> bool:
    if isinstance(doc, IncomingDocument):
        return is_office(user) and doc.state != InState.ARCHIVED
    return can_edit_draft(user, doc) and doc.state in OUT_ATTACHABLE


@transaction.atomic
def attachment_add(*, doc, actor, uploads) -> list[Attachment]:
    """Keep uploaded files on the document, recorded on its route."""
    if not uploads:
        return []
    if not can_attach(actor, doc):
        raise TransitionRefused("公文已归档，不能再上传文件" if doc.state == "archived" else "您没有权限为这份公文上传文件")
    field = "incoming" if isinstance(doc, IncomingDocument) else "outgoing"
    rows = [Attachment.objects.create(**{field: doc}, title=upload.name[:200], file=upload, uploaded_by=actor) for upload in uploads]
    workflow_note(doc, action="attach", label="上传文件", actor=actor, state=doc.state, comment="、".join(row.title for row in rows))
    return rows


# --- archive: corrections only through amendments ------------------------------------------------

AMENDABLE = {
    "incoming": {"title", "from_unit", "from_number", "copies", "pages", "secrecy_term"},
    "outgoing": {"title", "main_to", "copy_to", "secrecy_term"},
}


@transaction.atomic
def amendment_record(*, doc, actor, field: str, new_value, reason: str) -> Amendment:
    """更正 of an archived document: the old value is kept beside the new one."""
    kind = "incoming" if isinstance(doc, IncomingDocument) else "outgoing"
    model = type(doc)
    doc = model.objects.select_for_update().get(pk=doc.pk)
    if not is_office(actor):
        raise TransitionRefused("只有办公室可以更正归档公文")
    if doc.state != "archived":
        raise TransitionRefused("未归档的公文请直接修改")
    if field not in AMENDABLE[kind]:
        raise TransitionRefused("该项目不能更正")
    if not reason.strip():
        raise TransitionRefused("请填写更正理由")
    old_value = getattr(doc, field)
    setattr(doc, field, new_value)
    doc.save(update_fields=[field, "updated_at"])
    return Amendment.objects.create(**{kind: doc}, field=field, old_value=str(old_value), new_value=str(new_value),
                                    reason=reason.strip(), amended_by=actor)


# 收文 whose 办理期限 runs: from registration until 办结.
OPEN_INCOMING = (InState.REGISTERED, InState.REVIEWED, InState.PROPOSED, InState.INSTRUCTED, InState.HANDLING)


def overdue_incoming(today: datetime.date):
    """收文 past their 办理期限 and not done (for 催办 and the error-log proposals)."""
    return IncomingDocument.objects.filter(due_date__lt=today, state__in=OPEN_INCOMING)
