"""办文 pages. Each view: who may, the form, one service call, then redirect or re-render.

Every document URL goes through selectors.incoming_get / outgoing_get, so a secret
document is 404 for the ungranted and a liaison of another unit gets 404 on the page
and on each of its action and file URLs alike; a view of a secret one is logged.
"""

import os

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from documents import forms as doc_forms
from documents import selectors, services
from documents.models import (
    Attachment,
    Countersign,
    Distribution,
    IncomingDocument,
    InState,
    Instruction,
    OutState,
    SecretAccess,
)
from documents.services import INCOMING, OUTGOING
from office.access import require
from office.concurrency import unchanged, versioned
from office.exports import csv_response, disposition, xlsx_response
from office.models import Unit
from office.pagination import paginate
from office.roles import Role, has_role
from office.uploads import stored_file_response
from office.workflow import TransitionRefused

# Sections of 待我处理, in the order a person works through them.
WAITING_SECTIONS = [
    ("to_instruct", "待批示", "incoming"),
    ("to_sign", "待签发", "outgoing"),
    ("to_read", "待阅", "incoming"),
    ("to_handle", "待承办", "incoming"),
    ("to_countersign", "待会签", "outgoing"),
    ("to_route", "待处理收文", "incoming"),
    ("to_issue", "待处理发文", "outgoing"),
]
WAITING_LIMIT = 20
# The states in which a 发文's text may still be edited (services.outgoing_edit decides).
OUT_EDITABLE = (OutState.DRAFT, OutState.CHECKED, OutState.COUNTERSIGNING, OutState.AWAITING_SIGNATURE, OutState.SIGNED)
# --- helpers -------------------------------------------------------------------------------




def _require_registers(user) -> None:
    require(selectors.can_see_registers(user), "没有查看办文登记簿的权限")


def _get(kind: str, user, pk, log_access=True):
    getter = selectors.incoming_get if kind == "incoming" else selectors.outgoing_get
    return getter(user, pk, log_access=log_access)


def _kind(doc) -> str:
    return "incoming" if isinstance(doc, IncomingDocument) else "outgoing"


def _doc_url(doc, anchor: str = "top") -> str:
    # An explicit fragment: otherwise the browser keeps the form's #anchor after the redirect.
    return f"{doc.get_absolute_url()}#{anchor}"


def _label(doc) -> str:
    """How a message names the document: its number, or an unnumbered 发文 by its title."""
    return doc.number or f"“{doc.title[:30]}”"


def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return "请检查填写的内容"


class _Lists:
    """People and units for a page's forms, each read once and only if a form needs it."""

    def __init__(self):
        self._cache = {}

    def _once(self, key, read):
        if key not in self._cache:
            self._cache[key] = read()
        return self._cache[key]

    def units(self):
        return self._once("units", lambda: list(
            Unit.objects.filter(is_active=True, kind__in=(Unit.Kind.OFFICE, Unit.Kind.COMMITTEE)).order_by("order", "id")))

    def leaders(self):
        return self._once("leaders", lambda: list(
            get_user_model().objects.filter(is_active=True, groups__name=Role.LEADER)
            .select_related("person").order_by("person__protocol_rank", "id")))

    def people(self):
        """Everyone who may read documents: office, leaders, liaisons."""
        return self._once("people", lambda: self._people(selectors.READERS))

    def office_people(self):
        """Those a secret document may be granted to here (units are granted when assigned)."""
        return self._once("office_people", lambda: self._people(Role.OFFICE))

    @staticmethod
    def _people(roles) -> list:
        # Hundreds of ticks on a page: only what a label shows and notifying them reads.
        return list(
            get_user_model().objects.filter(is_active=True, groups__name__in=roles)
            .select_related("person__unit").distinct().order_by("person__protocol_rank", "id")
            .only("username", "first_name", "last_name", "email", "is_active",
                  "person__name", "person__unit_id", "person__protocol_rank", "person__unit__name", "person__unit__short_name")
        )


# --- 办文 home and 待我处理 --------------------------------------------------------------------------


def _shows(user, key, lists, count) -> bool:
    """A step of 待我处理 is shown when it is the user's to take; 待批示 only to leaders
    (or to anyone with something in it)."""
    return key in lists and (key != "to_instruct" or has_role(user, Role.LEADER) or bool(count))


def index(request):
    """办文: what waits on me, per step, and the way into the registers."""
    user = request.user
    _require_registers(user)
    counts = selectors.waiting_counts(user)
    sections = [(key, label, counts[key]) for key, label, _ in WAITING_SECTIONS if _shows(user, key, counts, counts.get(key))]
    today = timezone.localdate()
    overdue = selectors.incoming_visible_to(user).filter(selectors.overdue_condition(today)).count()
    context = {
        "sections": sections,
        "waiting_total": sum(count for _, _, count in sections),
        "overdue": overdue,
        "can_register": services.is_office(user),
    }
    return render(request, "documents/index.html", context)


def waiting(request):
    """待我处理: each step that waits on me, with its documents."""
    user = request.user
    _require_registers(user)
    lists = selectors.waiting_on(user)
    sections = []
    for key, label, kind in WAITING_SECTIONS:
        if key not in lists:
            continue
        documents = lists[key]
        count = documents.count()
        if not _shows(user, key, lists, count):
            continue
        if kind == "incoming":
            documents = selectors.with_overdue(documents, timezone.localdate()).order_by("due_date", "-year", "-serial")
        else:
            documents = documents.select_related("drafting_unit").order_by("-updated_at", "-id")
        rows = list(documents[:WAITING_LIMIT])
        sections.append({"key": key, "label": label, "kind": kind, "rows": rows, "count": count})
    return render(request, "documents/waiting.html", {"sections": sections, "limit": WAITING_LIMIT})


# --- the registers ----------------------------------------------------------------------------------


def incoming_list(request):
    """收文登记簿."""
    _require_registers(request.user)
    today = timezone.localdate()
    form = doc_forms.IncomingFilterForm(request.GET or None)
    filters = form.filters()
    page = paginate(request, selectors.incoming_list(request.user, filters, today), per_page=30,
                    count=lambda: selectors.incoming_list_count(request.user, filters, today))
    context = {"form": form, "page": page, "filtered": form.active, "can_register": services.is_office(request.user)}
    return render(request, "documents/incoming_list.html", context)


def outgoing_list(request):
    """发文登记簿."""
    _require_registers(request.user)
    form = doc_forms.OutgoingFilterForm(request.GET or None)
    filters = form.filters()
    page = paginate(request, selectors.outgoing_list(request.user, filters), per_page=30,
                    count=lambda: selectors.outgoing_list_count(request.user, filters))
    return render(request, "documents/outgoing_list.html", {"form": form, "page": page, "filtered": form.active})


def _names(units) -> str:
    return "、".join(unit.name for unit in units)


INCOMING_EXPORT = [
    ("收文编号", lambda d: d.number), ("收文日期", lambda d: d.received_on), ("来文单位", lambda d: d.from_unit),
    ("来文字号", lambda d: d.from_number), ("标题", lambda d: d.title), ("文种", lambda d: d.get_doc_type_display()),
    ("密级", lambda d: d.get_secrecy_display()), ("保密期限", lambda d: d.secrecy_term),
    ("紧急程度", lambda d: d.get_urgency_display()), ("份数", lambda d: d.copies), ("页数", lambda d: d.pages),
    ("办理期限", lambda d: d.due_date), ("逾期", lambda d: "是" if d.is_overdue else ""),
    ("状态", lambda d: d.get_state_display()), ("主办单位", lambda d: d.lead_unit.name if d.lead_unit else ""),
    ("协办单位", lambda d: _names(d.co_units.all())), ("办结日期", lambda d: d.done_on), ("办理结果", lambda d: d.result),
]
OUTGOING_EXPORT = [
    ("发文字号", lambda d: d.number or "未编号"), ("标题", lambda d: d.title), ("文种", lambda d: d.get_doc_type_display()),
    ("主送机关", lambda d: d.main_to), ("抄送机关", lambda d: d.copy_to), ("密级", lambda d: d.get_secrecy_display()),
    ("保密期限", lambda d: d.secrecy_term), ("紧急程度", lambda d: d.get_urgency_display()),
    ("拟稿单位", lambda d: d.drafting_unit.name), ("拟稿人", lambda d: selectors.user_name(d.drafter)),
    ("拟稿日期", lambda d: timezone.localtime(d.created_at).date()), ("签发人", lambda d: selectors.user_name(d.signer) if d.signer else ""),
    ("成文日期", lambda d: d.signed_on), ("印发日期", lambda d: d.printed_on), ("状态", lambda d: d.get_state_display()),
]


def _export_rows(request, kind):
    """(title, header, rows) of the filtered register the user sees; each secret document
    in it is logged in 查阅登记 as exported."""
    user = request.user
    _require_registers(user)
    if kind == "incoming":
        documents = selectors.incoming_list(user, doc_forms.IncomingFilterForm(request.GET or None).filters(), timezone.localdate())
        documents, columns, title = documents.prefetch_related("co_units"), INCOMING_EXPORT, "收文登记簿"
    else:
        documents, columns, title = selectors.outgoing_list(user, doc_forms.OutgoingFilterForm(request.GET or None).filters()), OUTGOING_EXPORT, "发文登记簿"
    secret = selectors.secret_ids(documents)
    if secret:
        SecretAccess.objects.bulk_create(SecretAccess(**{f"{kind}_id": pk}, user=user, action="导出") for pk in secret)
    rows = ([value(doc) for _, value in columns] for doc in documents.iterator(chunk_size=500))
    return title, [name for name, _ in columns], rows


def export_csv(request, kind):
    """The filtered register as CSV for Excel."""
    title, header, rows = _export_rows(request, kind)
    return csv_response(f"{title}-{timezone.localdate():%Y%m%d}.csv", header, rows)


def export_xlsx(request, kind):
    """The filtered register as an Excel workbook."""
    title, header, rows = _export_rows(request, kind)
    return xlsx_response(f"{title}-{timezone.localdate():%Y%m%d}.xlsx", title, header, rows)


# --- 收文: 签收登记 and corrections -----------------------------------------------------------------------


def incoming_create(request):
    """签收登记: office staff and the director."""
    user = request.user
    require(services.is_office(user), "只有办公室工作人员可以登记收文")
    form = doc_forms.IncomingForm(request.POST or None, request.FILES or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                doc = services.incoming_register(actor=user, **form.service_data())
                services.attachment_add(doc=doc, actor=user, uploads=form.cleaned_data["files"])
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已登记收文 {doc.number}，请初审")
            return redirect(_doc_url(doc))
    return render(request, "documents/incoming_form.html", {"form": form, "doc": None})


def incoming_edit(request, pk):
    """Corrections of the registration, until the document is archived."""
    user = request.user
    doc = selectors.incoming_get(user, pk, log_access=request.method == "GET")
    require(services.is_office(user), "只有办公室工作人员可以修改收文登记")
    if doc.state == InState.ARCHIVED:
        messages.error(request, f"{doc.number}已归档，不能再修改；请通过更正记录更正")
        return redirect(_doc_url(doc, "amendments"))
    form = versioned(doc_forms.IncomingForm(request.POST or None, instance=doc, with_files=False), doc)
    if request.method == "POST" and form.is_valid():
        try:
            with unchanged(form, doc):
                services.incoming_update(doc=doc, actor=user, **form.service_data())
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已保存 {doc.number} 的修改")
            return redirect(_doc_url(doc))
    return render(request, "documents/incoming_form.html", {"form": form, "doc": doc})


# --- 收文: the document's page -------------------------------------------------------------------------


def incoming_detail(request, pk):
    return _incoming_page(request, selectors.incoming_get(request.user, pk))


def _incoming_page(request, doc, *, bound=None, error: str = ""):
    """The 收文 page; `bound` holds a submitted form (with its errors) by key."""
    bound = bound or {}
    user = request.user
    lists = _Lists()
    office = services.is_office(user)
    archived = doc.state == InState.ARCHIVED
    today = timezone.localdate()

    # The last leader's 批示 is its own transition (it completes 批办); the page offers one 批示 form.
    transitions = [INCOMING.get("instruct") if t.action == "instruct_last" else t for t in INCOMING.available(user, doc)]
    actions = [
        (t, bound.get(t.action) or doc_forms.action_form(t, leaders=lists.leaders() if t.action == "propose" else (),
                                                         units=lists.units() if t.action == "assign" else (), doc=doc))
        for t in transitions
    ]
    instructions = selectors.incoming_instructions(doc)
    pending = next((i for i in instructions if i.signed_at is None), None)
    if office:
        from supervision.forms import urgency_choices

        for instruction in instructions:
            if instruction.signed_at and not instruction.supervision_item_id:
                key = f"supervise-{instruction.pk}"
                instruction.supervise_form = bound.get(key) or doc_forms.SuperviseForm(
                    instruction=instruction, units=lists.units(), urgency_choices=urgency_choices(), lead_unit_id=doc.lead_unit_id)
    circulation = selectors.incoming_circulation(doc)
    mine = next((entry for entry in circulation if entry.reader_id == user.pk and entry.read_at is None), None)
    circulate_form = None
    if office and not archived and doc.state not in (InState.REGISTERED, InState.REJECTED):
        listed = {entry.reader_id for entry in circulation}
        circulate_form = bound.get("circulate") or doc_forms.CirculationForm(readers=[u for u in lists.people() if u.pk not in listed])
    context = {
        "doc": doc,
        "kind": "incoming",
        "co_units": list(doc.co_units.all()),
        "overdue": bool(doc.due_date and doc.due_date < today and doc.state in selectors.INCOMING_OPEN),
        "actions": actions,
        "instructions": instructions,
        "pending_instruction": pending,
        "circulation": circulation,
        "read_count": sum(1 for entry in circulation if entry.read_at),
        "read_form": (bound.get("read") or doc_forms.ReadForm()) if mine else None,
        "circulate_form": circulate_form,
        "can_edit": office and not archived,
        "error": error,
        "registered_by_name": selectors.user_name(doc.registered_by),
        **_common_context(request, doc, lists, bound),
    }
    return render(request, "documents/incoming_detail.html", context)


def _common_context(request, doc, lists, bound) -> dict:
    """Files, route, amendments and secrecy: the same on both kinds of page."""
    user = request.user
    office = services.is_office(user)
    archived = doc.state == "archived"
    context = {
        "files": selectors.document_files(doc),
        "upload_form": (bound.get("upload") or doc_forms.FileUploadForm()) if services.can_attach(user, doc) else None,
        "timeline": selectors.document_timeline(doc),
        "amendments": selectors.document_amendments(doc),
        "amend_form": (bound.get("amend") or doc_forms.AmendmentForm(doc=doc)) if office and archived else None,
        "grantees": [],
        "grant_form": None,
        "access_log": [],
        "access_total": 0,
        "show_secrecy": doc.is_secret and office,
    }
    if context["show_secrecy"]:
        context["grantees"], grantable = selectors.secrecy_people(doc)
        context["grant_form"] = bound.get("grant") or doc_forms.GrantForm(users=grantable)
        context["access_log"], context["access_total"] = selectors.document_access_log(doc)
    return context


def _page(request, doc, **kwargs):
    return (_incoming_page if _kind(doc) == "incoming" else _outgoing_page)(request, doc, **kwargs)


@require_POST
def incoming_action(request, pk, action):
    """A route step: 初审通过, 退文, 拟办, 批示, 交承办, 办结, 归档."""
    user = request.user
    doc = selectors.incoming_get(user, pk, log_access=False)
    if action == "instruct_last":
        action = "instruct"  # services.incoming_instruct takes whichever 批示 step is due
    transition = INCOMING.transitions.get(action)
    if transition is None:
        raise Http404("没有这个操作")
    lists = _Lists()
    form = doc_forms.action_form(transition, request.POST, leaders=lists.leaders() if action == "propose" else (),
                                 units=lists.units() if action == "assign" else (), doc=doc)
    if form.is_valid():
        comment = form.comment_text
        try:
            if action in ("review", "reject"):
                done = services.incoming_review(doc=doc, actor=user, accept=action == "review", reason=comment)
            elif action == "propose":
                done = services.incoming_propose(doc=doc, actor=user, proposal=comment, leaders=form.leaders)
            elif action == "instruct":
                done = services.incoming_instruct(doc=doc, actor=user, text=comment).document
            elif action == "assign":
                done = services.incoming_assign(doc=doc, actor=user, lead_unit=form.cleaned_data["lead_unit"],
                                                co_units=form.cleaned_data["co_units"])
            elif action == "complete":
                done = services.incoming_complete(doc=doc, actor=user, result=comment)
            elif action == "archive":
                done = services.incoming_archive(doc=doc, actor=user)
            else:
                raise Http404("没有这个操作")
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            message = f"{doc.number}：已{transition.label}"
            if action == "propose":
                message += "，送" + "、".join(selectors.user_name(leader) for leader in form.leaders if leader) + "批示"
            elif action == "assign":
                message += f"，主办单位：{done.lead_unit.name}"
            messages.success(request, message)
            return redirect(_doc_url(doc))
    services.record_access(doc, user)
    return _incoming_page(request, doc, bound={action: form}, error=_first_error(form))


@require_POST
def instruction_supervise(request, pk, instruction_pk):
    """转为督办事项: a signed 批示 becomes a supervision item, assigned at once."""
    user = request.user
    doc = selectors.incoming_get(user, pk, log_access=False)
    require(services.is_office(user), "只有办公室工作人员可以登记督办事项")
    instruction = get_object_or_404(Instruction, pk=instruction_pk, document=doc)
    from supervision.forms import urgency_choices

    form = doc_forms.SuperviseForm(request.POST, instruction=instruction, units=_Lists().units(), urgency_choices=urgency_choices())
    if form.is_valid():
        try:
            item = services.instruction_to_supervision(
                instruction=instruction, actor=user, lead_unit=form.cleaned_data["lead_unit"],
                urgency=form.cleaned_data["urgency"], co_units=form.cleaned_data["co_units"],
            )
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已将批示转为督办事项 {item.number}，并交办{item.lead_unit.name}")
            return redirect(_doc_url(doc, "instructions"))
    services.record_access(doc, user)
    return _incoming_page(request, doc, bound={f"supervise-{instruction.pk}": form}, error=_first_error(form))


@require_POST
def circulation_add(request, pk):
    """送传阅."""
    user = request.user
    doc = selectors.incoming_get(user, pk, log_access=False)
    require(services.is_office(user), "只有办公室工作人员可以安排传阅")
    lists = _Lists()
    form = doc_forms.CirculationForm(request.POST, readers=lists.people())
    if form.is_valid():
        try:
            added = services.circulation_add(doc=doc, actor=user, readers=form.cleaned_data["readers"])
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            names = "、".join(selectors.user_name(entry.reader) for entry in added)
            messages.success(request, f"已送{names}传阅" if added else "所选人员已在传阅名单中")
            return redirect(_doc_url(doc, "circulation"))
    services.record_access(doc, user)
    return _incoming_page(request, doc, bound={"circulate": form}, error=_first_error(form))


@require_POST
def circulation_read(request, pk):
    """阅毕."""
    user = request.user
    doc = selectors.incoming_get(user, pk, log_access=False)
    form = doc_forms.ReadForm(request.POST)
    if form.is_valid():
        try:
            services.circulation_read(doc=doc, actor=user, comment=form.cleaned_data["comment"])
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{doc.number}：已阅")
            return redirect(_doc_url(doc, "circulation"))
    services.record_access(doc, user)
    return _incoming_page(request, doc, bound={"read": form}, error=_first_error(form))


# --- 发文: 拟稿 and editing ----------------------------------------------------------------------------------


def outgoing_create(request):
    """拟稿: the office, leaders and liaisons (their unit is the drafting unit)."""
    user = request.user
    _require_registers(user)
    form = doc_forms.OutgoingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.outgoing_draft(actor=user, **form.service_data())
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已保存文稿“{doc.title}”，请送核稿")
            return redirect(_doc_url(doc))
    return render(request, "documents/outgoing_form.html", {"form": form, "doc": None})


def outgoing_edit(request, pk):
    """Edit the draft; after 签发 an edit sends it back for signing again."""
    user = request.user
    doc = selectors.outgoing_get(user, pk, log_access=request.method == "GET")
    require(services.can_edit_draft(user, doc), "只有拟稿人或办公室可以修改文稿")
    if doc.state not in OUT_EDITABLE:
        messages.error(request, f"公文当前为“{doc.get_state_display()}”，不能再修改文稿" + ("；请通过更正记录更正" if doc.state == OutState.ARCHIVED else ""))
        return redirect(_doc_url(doc))
    was_signed = doc.state == OutState.SIGNED
    form = versioned(doc_forms.OutgoingForm(request.POST or None, instance=doc), doc)
    if request.method == "POST" and form.is_valid():
        try:
            with unchanged(form, doc):
                done = services.outgoing_edit(doc=doc, actor=user, **form.service_data())
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            if was_signed and done.state == OutState.AWAITING_SIGNATURE:
                messages.warning(request, "文稿在签发后作了修改，已退回“待签发”，须领导重新签发")
            else:
                messages.success(request, "已保存文稿的修改")
            return redirect(_doc_url(doc))
    return render(request, "documents/outgoing_form.html", {"form": form, "doc": doc, "was_signed": was_signed})


# --- 发文: the document's page ---------------------------------------------------------------------------------


def outgoing_detail(request, pk):
    return _outgoing_page(request, selectors.outgoing_get(request.user, pk))


def _outgoing_page(request, doc, *, bound=None, error: str = ""):
    bound = bound or {}
    user = request.user
    lists = _Lists()
    office = services.is_office(user)
    countersigns = selectors.outgoing_countersigns(doc)
    for countersign in countersigns:
        if services.can_countersign(user, countersign):
            countersign.decide_form = bound.get(f"cs-{countersign.pk}") or doc_forms.CountersignDecideForm(countersign=countersign)
    countersign_form = None
    if office and doc.state in (OutState.CHECKED, OutState.COUNTERSIGNING):
        units = [unit for unit in lists.units() if unit.pk != doc.drafting_unit_id]
        countersign_form = bound.get("countersign") or doc_forms.CountersignRequestForm(units=units)
    distribution = selectors.outgoing_distribution(doc)
    if office and doc.state != OutState.ARCHIVED:
        for row in distribution:
            if row.delivered_at is None:
                row.deliver_form = bound.get(f"deliver-{row.pk}") or doc_forms.DeliverForm(distribution=row)
    distribute_form = None
    if office and doc.state in (OutState.SEALED, OutState.PRINTED):
        distribute_form = bound.get("distribution") or doc_forms.DistributionForm(doc=None if distribution else doc)
    context = {
        "doc": doc,
        "kind": "outgoing",
        "actions": [(t, bound.get(t.action) or doc_forms.action_form(t)) for t in OUTGOING.available(user, doc)],
        "countersigns": countersigns,
        "my_countersigns": [countersign for countersign in countersigns if hasattr(countersign, "decide_form")],
        "countersign_form": countersign_form,
        "distribution": distribution,
        "delivered_count": sum(1 for row in distribution if row.delivered_at),
        "distribute_form": distribute_form,
        "can_edit": services.can_edit_draft(user, doc) and doc.state in OUT_EDITABLE,
        "error": error,
        "drafter_name": selectors.user_name(doc.drafter),
        "signer_name": selectors.user_name(doc.signer) if doc.signer else "",
        "copy_to_text": doc.copy_to.strip().rstrip("。"),
        "attachment_lines": [line.strip() for line in doc.attachment_note.splitlines() if line.strip()],
        "body_paragraphs": [line.strip() for line in doc.body.splitlines() if line.strip()],
        **_common_context(request, doc, lists, bound),
    }
    return render(request, "documents/outgoing_detail.html", context)


@require_POST
def outgoing_action(request, pk, action):
    """核稿, 送签, 签发, 退回修改, 编号, 用印, 印制, 分发完毕, 归档."""
    user = request.user
    doc = selectors.outgoing_get(user, pk, log_access=False)
    transition = OUTGOING.transitions.get(action)
    if transition is None:
        raise Http404("没有这个操作")
    form = doc_forms.action_form(transition, request.POST)
    if form.is_valid():
        try:
            if action == "check":
                done = services.outgoing_check(doc=doc, actor=user, comment=form.comment_text)
            else:
                done = services.outgoing_transition(doc=doc, action=action, actor=user, comment=form.comment_text)
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            if action == "number":
                messages.success(request, f"已编号，发文字号：{done.number}")
            elif action == "print":
                messages.success(request, f"{_label(done)}：已印制，版式文件正在生成，稍后刷新本页即可下载")
            else:
                messages.success(request, f"{_label(done)}：已{transition.label}")
            return redirect(_doc_url(doc))
    services.record_access(doc, user)
    return _outgoing_page(request, doc, bound={action: form}, error=_first_error(form))


@require_POST
def countersign_request(request, pk):
    """发起会签."""
    user = request.user
    doc = selectors.outgoing_get(user, pk, log_access=False)
    require(services.is_office(user), "只有办公室可以发起会签")
    form = doc_forms.CountersignRequestForm(request.POST, units=_Lists().units())
    if form.is_valid():
        try:
            services.countersign_request(doc=doc, actor=user, units=form.cleaned_data["units"])
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "已发起会签：" + _names(form.cleaned_data["units"]))
            return redirect(_doc_url(doc, "countersign"))
    services.record_access(doc, user)
    return _outgoing_page(request, doc, bound={"countersign": form}, error=_first_error(form))


@require_POST
def countersign_decide(request, pk, countersign_pk):
    """A unit's 会签: agree, or return for changes with a comment."""
    user = request.user
    doc = selectors.outgoing_get(user, pk, log_access=False)
    countersign = get_object_or_404(Countersign.objects.select_related("unit"), pk=countersign_pk, document=doc)
    require(services.is_countersigner(user, countersign), f"只有{countersign.unit.name}可以会签")
    form = doc_forms.CountersignDecideForm(request.POST, countersign=countersign)
    if form.is_valid():
        try:
            services.countersign_decide(countersign=countersign, actor=user, approve=form.approve, comment=form.cleaned_data["comment"])
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{countersign.unit.name}：" + ("已会签" if form.approve else "已退回修改"))
            return redirect(_doc_url(doc, "countersign"))
    services.record_access(doc, user)
    return _outgoing_page(request, doc, bound={f"cs-{countersign.pk}": form}, error=_first_error(form))


@require_POST
def distribution_add(request, pk):
    """登记分发对象."""
    user = request.user
    doc = selectors.outgoing_get(user, pk, log_access=False)
    require(services.is_office(user), "只有办公室可以登记分发")
    form = doc_forms.DistributionForm(request.POST)
    if form.is_valid():
        try:
            rows = services.distribution_add(doc=doc, actor=user, recipients=form.cleaned_data["recipients"])
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已登记分发对象 {len(rows)} 个")
            return redirect(_doc_url(doc, "distribution"))
    services.record_access(doc, user)
    return _outgoing_page(request, doc, bound={"distribution": form}, error=_first_error(form))


@require_POST
def distribution_deliver(request, pk, distribution_pk):
    """送达: who received it."""
    user = request.user
    doc = selectors.outgoing_get(user, pk, log_access=False)
    require(services.is_office(user), "只有办公室可以登记送达")
    row = get_object_or_404(Distribution, pk=distribution_pk, document=doc)
    form = doc_forms.DeliverForm(request.POST, distribution=row)
    if form.is_valid():
        try:
            services.distribution_deliver(distribution=row, actor=user, receiver_name=form.cleaned_data["receiver_name"])
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{row.recipient}：已送达，签收人{form.cleaned_data['receiver_name'].strip()}")
            return redirect(_doc_url(doc, "distribution"))
    services.record_access(doc, user)
    return _outgoing_page(request, doc, bound={f"deliver-{row.pk}": form}, error=_first_error(form))


def outgoing_print(request, pk):
    """打印（GB/T 9704版式）: the document laid out now, shown in the browser."""
    user = request.user
    doc = selectors.outgoing_get(user, pk, log_access=False)
    try:
        from documents.gbt9704 import render_outgoing
    except ImportError:
        messages.error(request, "版式文件功能尚未就绪，请稍后再试")
        return redirect(_doc_url(doc))
    services.record_access(doc, user, "打印预览")
    response = HttpResponse(render_outgoing(doc), content_type="application/pdf")
    response["Content-Disposition"] = disposition(inline=True, filename=f"{doc.number or doc.title[:40]}.pdf")
    return response


def outgoing_stored_pdf(request, pk):
    """The PDF kept at 印制."""
    user = request.user
    doc = selectors.outgoing_get(user, pk, log_access=False)
    if not doc.pdf:
        raise Http404("尚未生成版式文件")
    # Made by the system, so shown in the browser's PDF viewer.
    response = stored_file_response(doc.pdf, f"{doc.number or '发文'}.pdf", inline=True, missing="版式文件不存在")
    services.record_access(doc, user, "查看版式文件")
    return response


# --- both kinds: files, grants, amendments -----------------------------------------------------------------------


@require_POST
def file_upload(request, kind, pk):
    user = request.user
    doc = _get(kind, user, pk, log_access=False)
    require(services.can_attach(user, doc), "您不能为这份公文上传文件（收文由办公室上传，发文由拟稿人或办公室在印发前上传）")
    form = doc_forms.FileUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with transaction.atomic():
                rows = services.attachment_add(doc=doc, actor=user, uploads=form.cleaned_data["files"])
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已上传 {len(rows)} 个文件")
            return redirect(_doc_url(doc, "files"))
    services.record_access(doc, user)
    return _page(request, doc, bound={"upload": form}, error=_first_error(form))


def file_download(request, kind, pk, file_pk):
    """A document's file, for those who may see the document; logged when secret."""
    user = request.user
    doc = _get(kind, user, pk, log_access=False)
    attachment = get_object_or_404(Attachment, pk=file_pk, **{kind: doc})
    response = stored_file_response(attachment.file, attachment.title or os.path.basename(attachment.file.name))
    services.record_access(doc, user, "下载文件")
    return response


@require_POST
def grant(request, kind, pk):
    """授权查阅 a secret document: the office only."""
    user = request.user
    doc = _get(kind, user, pk, log_access=False)
    require(services.is_office(user), "只有办公室可以授权查阅涉密公文")
    if not doc.is_secret:
        messages.info(request, "非涉密公文无需授权")
        return redirect(_doc_url(doc))
    lists = _Lists()
    form = doc_forms.GrantForm(request.POST, users=lists.office_people())
    if form.is_valid():
        granted = services.grant(doc, form.cleaned_data["users"], actor=user)
        names = "、".join(selectors.user_name(person) for person in granted)
        messages.success(request, f"已授权{names}查阅" if granted else "所选人员已有查阅权限")
        return redirect(_doc_url(doc, "secrecy"))
    services.record_access(doc, user)
    return _page(request, doc, bound={"grant": form}, error=_first_error(form))


@require_POST
def amend(request, kind, pk):
    """更正 of an archived document, kept beside the old value."""
    user = request.user
    doc = _get(kind, user, pk, log_access=False)
    require(services.is_office(user), "只有办公室可以更正归档公文")
    form = doc_forms.AmendmentForm(request.POST, doc=doc)
    if form.is_valid():
        try:
            services.amendment_record(doc=doc, actor=user, field=form.cleaned_data["field"],
                                      new_value=form.cleaned_data["new_value"], reason=form.cleaned_data["reason"])
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "已记录更正")
            return redirect(_doc_url(doc, "amendments"))
    services.record_access(doc, user)
    return _page(request, doc, bound={"amend": form}, error=_first_error(form))
