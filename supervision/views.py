"""督办 pages. Each view: who may, the form, one service call, then redirect or re-render.

Every item URL goes through selectors.item_get, so a liaison of another unit gets
404 on the item and on each of its action URLs alike.
"""

import calendar as month_calendar
import datetime
import os

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from office.access import require
from office.concurrency import unchanged, versioned
from office.exports import csv_response, pdf_response, xlsx_response
from office.pagination import paginate
from office.text import chinese_date
from office.uploads import stored_file_response
from office.workflow import TransitionRefused
from supervision import pdf, selectors, services
from supervision.forms import (
    LIGHT_LABELS,
    BulletinMonthForm,
    ExtensionDecideForm,
    ExtensionRequestForm,
    ItemFilterForm,
    ItemForm,
    ProgressForm,
    StatsPeriodForm,
    TransitionForm,
    user_label,
)
from supervision.models import Extension, Light
from supervision.services import WORKFLOW

# --- helpers -------------------------------------------------------------------------




def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    return pdf_response(content, filename)


def _item_url(item, anchor: str = "top") -> str:
    # An explicit fragment: otherwise the browser keeps the form's #anchor after the redirect.
    return f"{item.get_absolute_url()}#{anchor}"


# --- the register ------------------------------------------------------------------


def index(request):
    """督办台账: filters, light counts, one page of items."""
    require(selectors.can_see_register(request.user), "没有查看督办台账的权限")
    today = timezone.localdate()
    form = ItemFilterForm(request.GET or None)
    filters = form.filters()
    page = paginate(request, selectors.item_register(request.user, filters, today), per_page=30,
                    count=lambda: selectors.item_register_count(request.user, filters, today))
    counts = selectors.light_counts(request.user, today)
    context = {
        "form": form,
        "page": page,
        "today": today,
        "light_counts": [(code, LIGHT_LABELS[code], counts[code]) for code in (Light.RED, Light.YELLOW, Light.GREEN)],
        "current_light": filters.light,
        "filtered": any(value for value in vars(filters).values()),
        "can_register": services.is_office(request.user),
        "can_see_stats": selectors.can_see_stats(request.user),
    }
    return render(request, "supervision/index.html", context)


EXPORT_HEADER = [
    "督办编号", "预警", "状态", "事项", "来源", "来源说明", "紧急程度", "主办单位", "协办单位",
    "责任人", "督办人", "分管领导", "交办日期", "原定期限", "办理期限", "报结日期", "销号日期", "满意度", "办理要求",
]


def _export_items(request):
    """The filtered register, every row; read in chunks with co-units prefetched per chunk."""
    require(selectors.can_see_register(request.user), "没有查看督办台账的权限")
    filters = ItemFilterForm(request.GET or None).filters()
    items = selectors.item_list(request.user, filters, timezone.localdate()).select_related("responsible")
    return items.iterator(chunk_size=500)


def _export_row(item) -> list:
    return [
        item.number,
        LIGHT_LABELS.get(item.light_code, ""),
        item.get_state_display(),
        item.title,
        item.get_source_display(),
        item.source_detail,
        item.get_urgency_display(),
        item.lead_unit.name,
        "、".join(unit.name for unit in item.co_units.all()),
        item.responsible.name if item.responsible else "",
        user_label(item.supervisor),
        user_label(item.leader),
        item.assigned_on,
        item.original_deadline,
        item.deadline,
        item.reported_on,
        item.closed_on,
        item.get_satisfaction_display() if item.satisfaction else "",
        item.requirements,
    ]


def _export_filename(ext: str) -> str:
    return f"督办台账-{timezone.localdate():%Y%m%d}.{ext}"


def export_csv(request):
    """The filtered register as CSV for Excel."""
    return csv_response(_export_filename("csv"), EXPORT_HEADER, (_export_row(item) for item in _export_items(request)))


def export_xlsx(request):
    """The filtered register as an Excel workbook."""
    widths = [16, 8, 8, 40, 16, 30, 12, 22, 30, 10, 10, 10, 12, 12, 12, 12, 12, 10, 60]
    rows = (_export_row(item) for item in _export_items(request))
    return xlsx_response(_export_filename("xlsx"), "督办台账", EXPORT_HEADER, rows, widths)


# --- registering and editing --------------------------------------------------------


def item_create(request):
    """挂号登记: office staff and the director."""
    require(services.is_office(request.user), "只有办公室工作人员可以登记督办事项")
    form = ItemForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data, co_units = form.service_data()
        try:
            item = services.item_register(actor=request.user, co_units=co_units, **data)
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已登记督办事项 {item.number}，请核对后交办")
            return redirect(_item_url(item))
    return render(request, "supervision/item_form.html", {"form": form, "item": None})


def item_edit(request, pk):
    """Corrections while the item is still 已挂号."""
    item = selectors.item_get(request.user, pk)
    require(services.is_office(request.user), "只有办公室工作人员可以修改督办事项")
    if not services.can_edit(request.user, item) and request.method != "POST":
        messages.error(request, f"{item.number}当前状态为“{item.get_state_display()}”，不能再修改；期限变更请走延期申请")
        return redirect(_item_url(item))
    form = versioned(ItemForm(request.POST or None, instance=item, user=request.user), item)
    if request.method == "POST" and form.is_valid():
        data, co_units = form.service_data()
        try:
            with unchanged(form, item):
                services.item_update(item=item, actor=request.user, co_units=co_units, **data)
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已保存 {item.number} 的修改")
            return redirect(_item_url(item))
    return render(request, "supervision/item_form.html", {"form": form, "item": item})


# --- the item page --------------------------------------------------------------------


def detail(request, pk):
    item = selectors.item_get(request.user, pk)
    return _detail(request, item)


def _detail(request, item, *, bound=None, error: str = "", status: int = 200):
    """The item page; `bound` holds the submitted form (with its errors) by key."""
    bound = bound or {}
    user = request.user
    today = timezone.localdate()
    extensions = list(selectors.item_extensions(item))
    pending = next((ext for ext in extensions if ext.decision == Extension.Decision.PENDING), None)
    reports = selectors.item_reports(item)
    report_urls = {}
    for report in reports:
        report.filename = os.path.basename(report.attachment.name) if report.attachment else ""
        if report.attachment:
            report.download_url = reverse("supervision:report_attachment", args=[report.pk])
            report_urls[report.attachment.name] = (report.download_url, report.filename)
    timeline = selectors.item_timeline(item)
    for entry in timeline:
        if entry.attachment:
            entry.attachment_url, entry.attachment_name = report_urls.get(entry.attachment.name, ("", ""))

    actions = [
        (transition, bound.get(transition.action) or TransitionForm(transition=transition, item=item))
        for transition in WORKFLOW.available(user, item)
    ]
    progress_form = extension_form = decide_form = None
    if item.is_open and services.can_handle(user, item):
        progress_form = bound.get("progress") or ProgressForm()
    extension_late = item.is_open and item.deadline is not None and today > item.deadline
    if item.is_open and pending is None and services.can_request_extension(user, item) and not extension_late:
        extension_form = bound.get("extension") or ExtensionRequestForm()
    if pending is not None and item.is_open and services.can_decide(user, item):
        decide_form = bound.get("decide") or ExtensionDecideForm()
    context = {
        "item": item,
        "today": today,
        "light": services.light_of(item, today),
        "co_units": list(item.co_units.all()),
        "extensions": extensions,
        "pending": pending,
        "reports": reports,
        "timeline": timeline,
        "actions": actions,
        "progress_form": progress_form,
        "extension_form": extension_form,
        "extension_late": extension_late and services.can_request_extension(user, item) and pending is None,
        "decide_form": decide_form,
        "error": error,
        "can_edit": services.can_edit(user, item),
        "supervisor_name": user_label(item.supervisor),
        "leader_name": user_label(item.leader),
        "registered_by_name": user_label(item.registered_by),
    }
    return render(request, "supervision/detail.html", context, status=status)


def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return "请检查填写的内容"


@require_POST
def item_action(request, pk, action):
    """A workflow button: 交办, 签收办理, 报结, 销号, 退回重办."""
    item = selectors.item_get(request.user, pk)
    transition = WORKFLOW.transitions.get(action)
    if transition is None:
        raise Http404("没有这个操作")
    form = TransitionForm(request.POST, transition=transition, item=item)
    if form.is_valid():
        try:
            done = services.item_transition(
                item=item, action=action, actor=request.user,
                comment=form.cleaned_data.get("comment", ""), satisfaction=form.cleaned_data.get("satisfaction", ""),
            )
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            message = f"{done.number}：已{transition.label}"
            if action == "assign":
                message += f"，办理期限{chinese_date(done.deadline)}"
            messages.success(request, message)
            return redirect(_item_url(item))
    return _detail(request, item, bound={action: form}, error=_first_error(form))


@require_POST
def progress_report(request, pk):
    """进展反馈 with an optional attachment."""
    item = selectors.item_get(request.user, pk)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.item_report_progress(
                item=item, actor=request.user, text=form.cleaned_data["text"], attachment=form.cleaned_data["attachment"]
            )
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{item.number}：进展情况已报送")
            return redirect(_item_url(item, "reports"))
    return _detail(request, item, bound={"progress": form}, error=_first_error(form))


@require_POST
def extension_request(request, pk):
    """延期申请: a later date and a reason, before the deadline."""
    item = selectors.item_get(request.user, pk)
    form = ExtensionRequestForm(request.POST)
    if form.is_valid():
        try:
            services.extension_request(
                item=item, actor=request.user, new_deadline=form.cleaned_data["new_deadline"], reason=form.cleaned_data["reason"]
            )
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{item.number}：延期申请已提交，待领导审批")
            return redirect(_item_url(item, "deadlines"))
    return _detail(request, item, bound={"extension": form}, error=_first_error(form))


@require_POST
def extension_decide(request, pk, extension_pk):
    """The director or the leader in charge approves or refuses a pending extension."""
    item = selectors.item_get(request.user, pk)
    extension = get_object_or_404(Extension, pk=extension_pk, item=item)
    form = ExtensionDecideForm(request.POST)
    if form.is_valid():
        try:
            decided = services.extension_decide(
                extension=extension, actor=request.user, approve=form.approve, comment=form.cleaned_data["comment"]
            )
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            if decided.decision == Extension.Decision.APPROVED:
                messages.success(request, f"{item.number}：已批准延期，办理期限延至{chinese_date(decided.new_deadline)}")
            else:
                messages.success(request, f"{item.number}：已不批准延期，办理期限不变")
            return redirect(_item_url(item, "deadlines"))
    return _detail(request, item, bound={"decide": form}, error=_first_error(form))


def report_attachment(request, pk):
    """A progress report's attachment, for those who may see its item."""
    report = selectors.report_get(request.user, pk)
    if not report.attachment:
        raise Http404("这份进展反馈没有附件")
    return stored_file_response(report.attachment, os.path.basename(report.attachment.name), missing="附件文件不存在")


def assignment_notice(request, pk):
    """交办通知单 PDF, once the item is assigned."""
    item = selectors.item_get(request.user, pk)
    if item.assigned_on is None:
        messages.error(request, f"{item.number}尚未交办，没有交办通知单")
        return redirect(_item_url(item))
    return _pdf_response(pdf.assignment_notice(item), f"交办通知单-{item.year}-{item.serial}.pdf")


# --- statistics ---------------------------------------------------------------------------


def stats(request):
    """统计: per lead unit for a period, with the on-time rate as a bar chart."""
    require(selectors.can_see_stats(request.user), "只有办公室和常委会领导可以查看督办统计")
    today = timezone.localdate()
    form = StatsPeriodForm(request.GET or None, today=today)
    start, end = form.period()
    unit_rows, total = selectors.unit_stats(start, end, today)
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    bulletin_form = BulletinMonthForm(initial={"month": f"{last_month:%Y-%m}"}, today=today)
    context = {
        "form": form,
        "start": start,
        "end": end,
        "stats": unit_rows,
        "total": total,
        "chart_height": 40 + 30 * max(len(unit_rows), 1),
        "bulletin_form": bulletin_form,
    }
    return render(request, "supervision/stats.html", context)


def bulletin_pdf(request):
    """The monthly 通报 for a chosen month, rendered on request."""
    require(selectors.can_see_stats(request.user), "只有办公室和常委会领导可以查看督办通报")
    today = timezone.localdate()
    form = BulletinMonthForm(request.GET, today=today)
    if not form.is_valid():
        messages.error(request, "；".join(form.errors.get("month", ["请选择月份"])))
        return redirect("supervision:stats")
    month_start = form.cleaned_data["month"]
    month_end = month_start.replace(day=month_calendar.monthrange(month_start.year, month_start.month)[1])
    unit_rows, total = selectors.unit_stats(month_start, month_end, today)
    content = pdf.monthly_bulletin(month_start, min(month_end, today), unit_rows, total)
    return _pdf_response(content, f"督办工作通报-{month_start:%Y-%m}.pdf")
