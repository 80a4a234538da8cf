"""作风 pages: the error log (差错登记簿) and its entries, the system's proposals, statistics,
the personal record, lessons, leave, the duty roster and "我的今天".

Each view: who may, the form, one service call, then redirect or re-render. Refusals
are 403 with the reason in Chinese, or 404 where even the record's existence is private
(an entry or a personal record someone may not see).
"""

import datetime
import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from conduct import pdf as conduct_pdf
from conduct import reports, selectors, services
from conduct.forms import (
    AccountForm,
    DutyLogForm,
    EntryFilterForm,
    EntryForm,
    LeaveFilterForm,
    LeaveForm,
    LessonSearchForm,
    MonthForm,
    PeriodForm,
    ProposalConfirmForm,
    ProposalDismissForm,
    RosterForm,
    StepForm,
    SwapForm,
    choices_of,
    entry_people,
    entry_units,
    first_error,
    parse_month,
)
from conduct.models import Category, DutyShift, EntryState, Proposal, SubKind, Swap
from office.access import require
from office.exports import csv_response, pdf_response, xlsx_response
from office.models import Person
from office.pagination import paginate
from office.roles import Role, has_role
from office.today import items_for
from office.uploads import stored_file_response
from office.workflow import TransitionRefused

# --- helpers -------------------------------------------------------------------------------------------




def _page(request, template: str, context: dict, status: int = 200):
    """Render a 作风 page with the section's tabs and today's duty officer."""
    user = request.user
    today = timezone.localdate()
    context.setdefault("today", today)
    context.update(
        {
            "duty_today": services.duty_shifts(today),
            "me": selectors.person_of(user),
            "can_see_log": selectors.can_see_log(user),
            "is_director": services.is_director(user),
            "is_office": services.is_office(user),
        }
    )
    return render(request, template, context, status=status)


# --- the error log -------------------------------------------------------------------------------------


def index(request):
    """差错登记簿 for the office and leaders; everyone else gets the section's front page."""
    if not selectors.can_see_log(request.user):
        return _page(request, "conduct/home.html", {})
    today = timezone.localdate()
    form = EntryFilterForm(request.GET or None)
    filters = form.filters()
    page = paginate(request, selectors.entry_list(filters), per_page=30)
    office_days, unit_days = selectors.days_without_error(today)
    context = {
        "form": form,
        "page": page,
        "filtered": any(value for value in vars(filters).values()),
        "office_days": office_days,
        "unit_days": unit_days,
        "open_proposals": selectors.open_proposals().count(),
    }
    return _page(request, "conduct/index.html", context)


EXPORT_HEADER = ["发生日期", "当事人", "单位", "类别", "具体类型", "程度", "状态", "涉及事项", "差错经过", "原因分析", "整改措施", "经验教训", "当事人说明", "登记时间"]


def _export_rows(request):
    require(selectors.can_see_log(request.user), "只有办公室和常委会领导可以查看差错登记簿")
    filters = EntryFilterForm(request.GET or None).filters()
    for entry in selectors.entry_list(filters).iterator(chunk_size=500):
        yield [
            entry.date, "、".join(person.name for person in entry.people.all()), entry.unit.name, entry.get_category_display(),
            entry.get_sub_kind_display(), entry.get_severity_display(), entry.get_state_display(), entry.concerns_label,
            entry.what_happened, entry.cause, entry.corrective_action, entry.lesson, entry.account,
            timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
        ]


def export_csv(request):
    rows = _export_rows(request)
    next_row = next(rows, None)  # the permission check runs before the response starts

    def all_rows():
        if next_row is not None:
            yield next_row
            yield from rows

    return csv_response(f"差错登记簿-{timezone.localdate():%Y%m%d}.csv", EXPORT_HEADER, all_rows())


def export_xlsx(request):
    widths = [12, 16, 20, 8, 12, 8, 10, 30, 50, 40, 40, 40, 30, 17]
    return xlsx_response(f"差错登记簿-{timezone.localdate():%Y%m%d}.xlsx", "差错登记簿", EXPORT_HEADER, _export_rows(request), widths)


def entry_create(request):
    """登记差错: office staff and the director."""
    require(services.is_office(request.user), "只有办公室工作人员可以登记差错")
    today = timezone.localdate()
    form = EntryForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_register(actor=request.user, **form.cleaned_data)
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已登记差错（{entry.date:%Y-%m-%d} {entry.get_sub_kind_display()}），待办公室主任核实")
            return redirect(entry.get_absolute_url())
    return _page(request, "conduct/entry_form.html", {"form": form})


# --- the entry page ----------------------------------------------------------------------------------------

_NEXT_STEP = {EntryState.REGISTERED: "verify", EntryState.VERIFIED: "publish", EntryState.PUBLISHED: "rectify"}


def _step_allowed(user, action: str) -> bool:
    return services.is_director(user) if action in ("verify", "publish") else services.is_office(user)


def entry_detail(request, pk):
    entry = selectors.entry_get(request.user, pk)
    return _entry_page(request, entry)


def _entry_page(request, entry, *, bound=None, error: str = "", status: int = 200):
    bound = bound or {}
    user = request.user
    people = list(entry.people.all())
    is_concerned = any(person.user_id == user.pk for person in people)
    account_form = None
    if is_concerned and entry.state == EntryState.REGISTERED:
        account_form = bound.get("account") or AccountForm(initial={"text": entry.account})
    step_form = None
    action = _NEXT_STEP.get(entry.state)
    if action and _step_allowed(user, action):
        step_form = bound.get(action) or StepForm(action=action)
    concerned = selectors.concerned_object(entry)
    context = {
        "entry": entry,
        "people": people,
        "concerned": concerned,
        "concerned_url": concerned.get_absolute_url() if concerned is not None and hasattr(concerned, "get_absolute_url") else "",
        "account_form": account_form,
        "step_form": step_form,
        "error": error,
        "timeline": selectors.entry_timeline(entry),
        "history": selectors.entry_history(entry) if selectors.can_see_log(user) else [],
        "can_preview": selectors.can_see_log(user),
        "is_concerned": is_concerned,
        "steps": [(code, label, _state_reached(entry.state, code)) for code, label in EntryState.choices],
    }
    return _page(request, "conduct/entry_detail.html", context, status=status)


_ORDER = [code for code, _ in EntryState.choices]


def _state_reached(current: str, code: str) -> bool:
    return _ORDER.index(code) <= _ORDER.index(current)


@require_POST
def entry_account(request, pk):
    """当事人说明, before 核实, by a person concerned."""
    entry = selectors.entry_get(request.user, pk)
    require(any(person.user_id == request.user.pk for person in entry.people.all()), "只有当事人可以补充说明")
    form = AccountForm(request.POST)
    if form.is_valid():
        try:
            services.entry_account(entry=entry, actor=request.user, text=form.cleaned_data["text"])
        except TransitionRefused as refused:
            raise PermissionDenied(str(refused)) from None
        messages.success(request, "您的说明已保存，主任核实时可见")
        return redirect(f"{entry.get_absolute_url()}#account")
    return _entry_page(request, entry, bound={"account": form}, error=first_error(form))


@require_POST
def entry_step(request, pk, action):
    """核实 / 通报 by the director, 整改完成 by the office."""
    entry = selectors.entry_get(request.user, pk)
    if action not in ("verify", "publish", "rectify"):
        raise Http404("没有这个操作")
    require(_step_allowed(request.user, action),
            "只有办公室可以登记整改完成" if action == "rectify" else f"只有办公室主任可以{ {'verify': '核实', 'publish': '通报'}[action]}")
    form = StepForm(request.POST, action=action)
    if not form.is_valid():
        return _entry_page(request, entry, bound={action: form}, error=first_error(form))
    try:
        services.entry_step(entry=entry, actor=request.user, action=action, comment=form.cleaned_data["comment"])
    except TransitionRefused as refused:
        if not _step_allowed(request.user, action):
            raise PermissionDenied(str(refused)) from None
        return _entry_page(request, entry, error=str(refused), status=409)
    message = f"已{form.label}"
    if action == "publish":
        message += "，正在生成《差错通报》"
    messages.success(request, message)
    return redirect(f"{entry.get_absolute_url()}#top")


def entry_bulletin(request, pk):
    """The stored 差错通报 PDF, once generated."""
    entry = selectors.entry_get(request.user, pk)
    if not entry.bulletin:
        raise Http404("通报尚未生成")
    # Made by the system, so shown in the browser's PDF viewer.
    return stored_file_response(entry.bulletin, os.path.basename(entry.bulletin.name), inline=True, missing="通报文件不存在")


def entry_preview(request, pk):
    """预览通报: the 差错通报 rendered now, for the office and leaders."""
    entry = selectors.entry_get(request.user, pk)
    require(selectors.can_see_log(request.user), "只有办公室和常委会领导可以预览通报")
    return pdf_response(conduct_pdf.bulletin(entry), f"差错通报（预览）-{entry.pk}.pdf", inline=True)


# --- proposals -------------------------------------------------------------------------------------------


def proposals(request):
    """差错线索: open ones with confirm and dismiss for the director; dismissed ones with reasons."""
    require(selectors.can_see_log(request.user), "只有办公室和常委会领导可以查看差错线索")
    return _proposals_page(request)


PROPOSALS_PER_PAGE = 10  # each open proposal carries two forms with the whole people list


def _proposals_page(request, *, bound=None, error: str = "", status: int = 200):
    bound = bound or {}
    director = services.is_director(request.user)
    rows = []
    people_choices = unit_choices = None
    # A form posted from a later page comes back with ?page=N in its action, so it is re-shown there.
    page = paginate(request, selectors.open_proposals(), per_page=PROPOSALS_PER_PAGE)
    open_list = list(page.object_list)
    if director and open_list:
        people_choices = choices_of(entry_people())
        unit_choices = choices_of(entry_units(), label=lambda unit: unit.name, empty_label="请选择")
    for proposal in open_list:
        confirm = dismiss = None
        if director:
            confirm = bound.get(("confirm", proposal.pk)) or ProposalConfirmForm(
                proposal=proposal, people_choices=people_choices, unit_choices=unit_choices
            )
            dismiss = bound.get(("dismiss", proposal.pk)) or ProposalDismissForm(proposal=proposal)
        rows.append((proposal, confirm, dismiss))
    context = {
        "rows": rows,
        "page": page,
        "dismissed": selectors.decided_proposals(Proposal.State.DISMISSED),
        "confirmed": selectors.decided_proposals(Proposal.State.CONFIRMED, limit=20),
        "error": error,
    }
    return _page(request, "conduct/proposals.html", context, status=status)


def _open_proposal(pk) -> Proposal:
    return get_object_or_404(Proposal.objects.select_related("unit"), pk=pk)


@require_POST
def proposal_confirm(request, pk):
    require(services.is_director(request.user), "只有办公室主任可以确认差错线索")
    proposal = _open_proposal(pk)
    form = ProposalConfirmForm(request.POST, proposal=proposal)
    if form.is_valid():
        try:
            entry = services.proposal_confirm(
                proposal=proposal, actor=request.user, people=list(form.cleaned_data["people"]),
                severity=form.cleaned_data["severity"], what_happened=form.cleaned_data["what_happened"],
                unit=form.cleaned_data.get("unit"),
            )
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "已登记并核实该差错，可在此页通报")
            return redirect(f"{entry.get_absolute_url()}#top")
    return _proposals_page(request, bound={("confirm", proposal.pk): form}, error=first_error(form), status=400)


@require_POST
def proposal_dismiss(request, pk):
    require(services.is_director(request.user), "只有办公室主任可以排除差错线索")
    proposal = _open_proposal(pk)
    form = ProposalDismissForm(request.POST, proposal=proposal)
    if form.is_valid():
        try:
            services.proposal_dismiss(proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"])
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "已排除该线索，同一事件不会再次提出")
            return redirect(reverse("conduct:proposals"))
    return _proposals_page(request, bound={("dismiss", proposal.pk): form}, error=first_error(form), status=400)


# --- statistics --------------------------------------------------------------------------------------------

CHART = {"width": 760, "height": 240, "left": 40, "top": 20, "bar_area": 170}


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50 … not below value: a round top for the chart's scale."""
    base = 1
    while True:
        for step in (1, 2, 5):
            if base * step >= value:
                return base * step
        base *= 10


def _month_chart(today: datetime.date) -> dict:
    """Bars for the last 12 months of confirmed errors, positions computed here."""
    months = selectors.month_starts(today, 12)
    counts = selectors.stats_by_month(months[0], today)
    scale = _nice_ceiling(max([counts.get(month, 0) for month in months] + [1]))
    slot = (CHART["width"] - CHART["left"] - 10) / 12
    bars = []
    for index, month in enumerate(months):
        count = counts.get(month, 0)
        height = CHART["bar_area"] * count / scale
        bars.append(
            {
                "x": round(CHART["left"] + index * slot + slot * 0.2, 1),
                "width": round(slot * 0.6, 1),
                "y": round(CHART["top"] + CHART["bar_area"] - height, 1),
                "height": round(height, 1),
                "label_x": round(CHART["left"] + index * slot + slot / 2, 1),
                "month": month,
                "count": count,
            }
        )
    values = [0, scale // 2, scale] if scale % 2 == 0 else [0, scale]
    ticks = [{"value": value, "y": round(CHART["top"] + CHART["bar_area"] * (1 - value / scale), 1)} for value in values]
    return {"bars": bars, "ticks": ticks, "total": sum(bar["count"] for bar in bars), "base_y": CHART["top"] + CHART["bar_area"], **CHART}


def stats(request):
    """统计: per person, unit, category and month for a period; a 12-month chart; days without error."""
    require(selectors.can_see_log(request.user), "只有办公室和常委会领导可以查看差错统计")
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, today=today)
    start, end = form.period()
    by_category = selectors.stats_by_category(start, end)
    category_totals = {}
    for row in by_category:
        row["category_label"] = Category(row["category"]).label
        row["sub_kind_label"] = SubKind(row["sub_kind"]).label
        category_totals[row["category_label"]] = category_totals.get(row["category_label"], 0) + row["count"]
    by_month = selectors.stats_by_month(start, end)
    office_days, unit_days = selectors.days_without_error(today)
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    context = {
        "form": form,
        "start": start,
        "end": end,
        "by_person": selectors.stats_by_person(start, end),
        "by_unit": selectors.stats_by_unit(start, end),
        "by_category": by_category,
        "category_totals": sorted(category_totals.items(), key=lambda pair: -pair[1]),
        "by_month": sorted(by_month.items()),
        "total": sum(by_month.values()),
        "chart": _month_chart(today),
        "office_days": office_days,
        "unit_days": unit_days,
        "month_form": MonthForm(initial={"month": f"{last_month:%Y-%m}"}, today=today),
    }
    return _page(request, "conduct/stats.html", context)


def stats_pdf(request):
    """差错情况月度通报 for a chosen month."""
    require(selectors.can_see_log(request.user), "只有办公室和常委会领导可以查看差错统计")
    today = timezone.localdate()
    form = MonthForm(request.GET, today=today)
    if not form.is_valid():
        messages.error(request, "；".join(form.errors.get("month", ["请选择月份"])))
        return redirect("conduct:stats")
    first = form.cleaned_data["month"]
    content = reports.monthly_summary(first, min(selectors.month_end(first), today))
    return pdf_response(content, f"差错情况月度通报-{first:%Y-%m}.pdf")


# --- the personal record and lessons --------------------------------------------------------------------


def person_record(request, pk):
    """One person's own entries: themselves, the director and the leaders; 404 for anyone else."""
    person = get_object_or_404(Person.objects.select_related("unit"), pk=pk)
    if not services.can_see_person_record(request.user, person):
        raise Http404("没有找到该人员的差错记录")
    entries = list(selectors.person_entries(person))
    confirmed = [entry for entry in entries if entry.state in selectors.CONFIRMED]
    last = max((entry.date for entry in confirmed), default=None)
    context = {
        "person": person,
        "entries": entries,
        "confirmed_count": len(confirmed),
        "last_confirmed": last,
        "days_since": (timezone.localdate() - last).days if last else None,
        "is_self": person.user_id == request.user.pk,
    }
    return _page(request, "conduct/person.html", context)


def my_record(request):
    person = selectors.person_of(request.user)
    if person is None:
        raise Http404("您的账号没有关联人员信息，请联系办公室")
    return redirect("conduct:person", pk=person.pk)


def lessons(request):
    """经验教训: every confirmed entry's lesson, searchable, without names."""
    form = LessonSearchForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    page = paginate(request, selectors.lessons_search(data.get("q", ""), data.get("category", "")), per_page=20)
    return _page(request, "conduct/lessons.html", {"form": form, "page": page, "searched": bool(data.get("q") or data.get("category"))})


# --- leave -------------------------------------------------------------------------------------------------


def leave(request):
    """请假: register (the duty office for anyone, each person for themselves), the list, today's absences."""
    user = request.user
    today = timezone.localdate()
    me = selectors.person_of(user)
    for_others = selectors.can_register_leave_for_others(user)
    form = None
    if for_others or me is not None:
        form = LeaveForm(request.POST or None, user=user, person=me, for_others=for_others, today=today)
    if request.method == "POST":
        require(form is not None, "您的账号没有关联人员信息，不能登记请假")
        if form.is_valid():
            try:
                created = services.leave_register(actor=user, **form.cleaned_data)
            except TransitionRefused as refused:
                form.add_error(None, str(refused))
            else:
                approver = selectors.user_name(created.approver)
                messages.success(request, f"已登记{created.person.name}的{created.get_leave_type_display()}（{created.start:%m-%d}至{created.end:%m-%d}），待{approver}审批")
                return redirect("conduct:leave")
    filter_form = LeaveFilterForm(request.GET or None)
    filter_form.is_valid()
    when = getattr(filter_form, "cleaned_data", {}).get("when", "")
    context = {
        "form": form,
        "filter_form": filter_form,
        "when": when,
        "page": paginate(request, selectors.leave_list(user, when, today), per_page=30),
        "away": selectors.away_today(today),
        "to_decide": list(selectors.leave_to_decide(user)),
        "sees_all": selectors.can_see_all_leave(user),
    }
    return _page(request, "conduct/leave.html", context, status=400 if request.method == "POST" else 200)


@require_POST
def leave_decide(request, pk):
    leave_row = selectors.leave_get(pk)
    require(leave_row.approver_id == request.user.pk, "该请假不由您审批")
    approve = request.POST.get("decision") == "approve"
    try:
        services.leave_decide(leave=leave_row, actor=request.user, approve=approve)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"已{'批准' if approve else '不批准'}{leave_row.person.name}的请假")
    return redirect("conduct:leave")


# --- the duty roster ----------------------------------------------------------------------------------------


def duty(request):
    return _duty_page(request)


def _duty_page(request, *, bound=None, error: str = "", status: int = 200):
    bound = bound or {}
    user = request.user
    today = timezone.localdate()
    first = parse_month(request.GET.get("month")) or today.replace(day=1)
    shifts_today = list(services.on_duty(today))
    log_forms = []
    for shift in shifts_today:
        may_log = (shift.person.user_id == user.pk or has_role(user, Role.DUTY, Role.DIRECTOR)) and not shift.handed_over_at
        form = (bound.get(("log", shift.pk)) or DutyLogForm(initial={"text": shift.log}, prefix=f"log-{shift.pk}")) if may_log else None
        log_forms.append((shift, form))
    swappable = selectors.swappable_shifts(user, today)
    swap_form = bound.get("swap") or SwapForm(shifts=swappable)
    has_swappable = swappable.exists()
    plan = selectors.can_plan_roster(user)
    roster_form = None
    if plan:
        last = selectors.month_end(first)
        roster_form = bound.get("roster") or RosterForm(initial={"start": first, "end": last})
    previous_month = (first - datetime.timedelta(days=1)).replace(day=1)
    next_month = (selectors.month_end(first) + datetime.timedelta(days=1))
    context = {
        "first": first,
        "weeks": selectors.roster_month(first),
        "previous_month": previous_month,
        "next_month": next_month,
        "this_month": today.replace(day=1),
        "log_forms": log_forms,
        "swap_form": swap_form if has_swappable else None,
        "roster_form": roster_form,
        "pending_swaps": list(selectors.pending_swaps()),
        "recent_swaps": list(selectors.recent_swaps()),
        "error": error,
    }
    return _page(request, "conduct/duty.html", context, status=status)


@require_POST
def roster_generate(request):
    require(selectors.can_plan_roster(request.user), "只有办公室或值班室可以排班")
    form = RosterForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            shifts = services.roster_generate(actor=request.user, start=data["start"], end=data["end"],
                                              rota=list(data["rota"]), full_days=data["full_days"])
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            full = sum(1 for shift in shifts if shift.kind == DutyShift.Kind.FULL)
            messages.success(request, f"已排班 {len(shifts)} 个班次" + (f"（其中24小时值班 {full} 个）" if full else "") + "；已有的班次保持不变")
            return redirect(f"{reverse('conduct:duty')}?month={data['start']:%Y-%m}")
    return _duty_page(request, bound={"roster": form}, error=first_error(form), status=400)


@require_POST
def swap_request(request):
    today = timezone.localdate()
    form = SwapForm(request.POST, shifts=selectors.swappable_shifts(request.user, today))
    if form.is_valid():
        try:
            services.swap_request(shift=form.cleaned_data["shift"], actor=request.user,
                                  substitute=form.cleaned_data["substitute"], reason=form.cleaned_data["reason"])
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "换班申请已提交，待办公室主任审批")
            return redirect("conduct:duty")
    return _duty_page(request, bound={"swap": form}, error=first_error(form), status=400)


@require_POST
def swap_decide(request, pk):
    require(services.is_director(request.user), "换班须由办公室主任审批")
    swap = get_object_or_404(Swap, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.swap_decide(swap=swap, actor=request.user, approve=approve)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "已批准换班，值班表已更新" if approve else "已不批准换班")
    return redirect("conduct:duty")


@require_POST
def duty_log(request, pk):
    shift = selectors.shift_get(pk)
    form = DutyLogForm(request.POST, prefix=f"log-{shift.pk}")
    if form.is_valid():
        try:
            services.duty_log(shift=shift, actor=request.user, text=form.cleaned_data["text"], hand_over=form.cleaned_data["hand_over"])
        except TransitionRefused as refused:
            if shift.person.user_id != request.user.pk and not has_role(request.user, Role.DUTY, Role.DIRECTOR):
                raise PermissionDenied(str(refused)) from None
            form.add_error(None, str(refused))
        else:
            messages.success(request, "已交班，值班记录已保存" if form.cleaned_data["hand_over"] else "值班记录已保存")
            return redirect(f"{reverse('conduct:duty')}#today-duty")
    return _duty_page(request, bound={("log", shift.pk): form}, error=first_error(form), status=400)


# --- my day ---------------------------------------------------------------------------------------------------

DUTY_ORDER = ["办文", "办会", "督办", "办事", "作风"]


def today(request):
    """我的今天: everything waiting on me today, by duty — "我今天的任务完成了吗？"."""
    day = timezone.localdate()
    items = items_for(request.user, day)
    groups: dict[str, list] = {}
    for item in items:
        state = "none" if item.due is None else ("overdue" if item.due < day else ("today" if item.due == day else "soon"))
        groups.setdefault(item.duty, []).append({"item": item, "state": state})
    ordered = sorted(groups.items(), key=lambda pair: DUTY_ORDER.index(pair[0]) if pair[0] in DUTY_ORDER else len(DUTY_ORDER))
    context = {
        "groups": ordered,
        "count": len(items),
        "overdue": sum(1 for item in items if item.due is not None and item.due < day),
        "due_today": sum(1 for item in items if item.due == day),
    }
    return _page(request, "conduct/today.html", context)

