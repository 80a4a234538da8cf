"""办事 pages. Each view: who may, the form, one service call, then redirect or re-render.

Reads come from logistics.selectors; every state change goes through logistics.services.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from logistics import selectors, services
from logistics.forms import (
    GroupMealForm,
    MonthForm,
    PurchaseForm,
    ReceptionForm,
    ReceptionMealFormSet,
    RequisitionForm,
    TripCancelForm,
    TripDecideForm,
    TripDispatchForm,
    TripFilterForm,
    TripForm,
    TripReturnForm,
    user_label,
)
from logistics.models import Meal, MealBooking, Reception, Requisition, Trip, TripState
from office.access import require
from office.exports import csv_response, pdf_response, xlsx_response
from office.pagination import paginate
from office.roles import Role, has_role
from office.schedule import ClashWarning
from office.text import month_day
from office.workflow import TransitionRefused, workflow_log_for

# --- helpers -------------------------------------------------------------------------------




def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return "请检查填写的内容"


def _week_of(request) -> datetime.date:
    """The Monday of ?week=YYYY-MM-DD, else of this week."""
    try:
        day = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    return selectors.week_start(day)


def _week_context(monday: datetime.date) -> dict:
    today = timezone.localdate()
    days = selectors.week_days(monday)
    return {
        "day_heads": list(zip(days, selectors.WEEKDAYS)),
        "today_index": (today - monday).days if monday <= today < monday + datetime.timedelta(days=7) else -1,
        "monday": monday,
        "sunday": monday + datetime.timedelta(days=6),
        "prev_week": monday - datetime.timedelta(days=7),
        "next_week": monday + datetime.timedelta(days=7),
        "this_week": selectors.week_start(today),
        "today": today,
    }


# --- 办事 -----------------------------------------------------------------------------------


def index(request):
    """办事: a card per duty with today's numbers."""
    user = request.user
    today = timezone.localdate()
    context = {
        "today": today,
        "numbers": selectors.today_numbers(today),
        "meal_labels": dict(Meal.choices),
        "is_office": selectors.can_see_all_trips(user),
        "is_driver": has_role(user, Role.DRIVER),
        "can_see_headcount": selectors.can_see_headcount(user),
        "can_see_fleet": selectors.can_see_fleet(user),
        "to_approve": selectors.trips_to_approve(user).count(),
    }
    return render(request, "logistics/index.html", context)


# --- 用车 -----------------------------------------------------------------------------------


TO_APPROVE_SHOWN = 10


def trips(request):
    """用车: my requests, requests waiting for me, and (office) the whole register."""
    user = request.user
    everyone = selectors.can_see_all_trips(user)
    form = TripFilterForm(request.GET or None)
    filters = form.filters()
    # The soonest few requests waiting on this user; the whole queue is on 待我审批.
    waiting = selectors.trips_to_approve(user)
    to_approve = list(waiting[:TO_APPROVE_SHOWN])
    to_approve_count = waiting.count() if len(to_approve) == TO_APPROVE_SHOWN else len(to_approve)
    context = {
        "form": form,
        "everyone": everyone,
        "filtered": any(value for value in vars(filters).values()),
        "mine": selectors.trip_list(user, mine=True)[:10],
        "to_approve": to_approve,
        "to_approve_count": to_approve_count,
        "to_approve_more": to_approve_count - len(to_approve),
        "page": paginate(request, selectors.trip_list(user, filters), per_page=30) if everyone else None,
        "is_dispatcher": services.is_dispatcher(user),
    }
    return render(request, "logistics/trips.html", context)


def trip_create(request):
    """用车申请: anyone with a unit."""
    form = TripForm(request.POST or None, leader_km=settings.TRIP_LEADER_APPROVAL_KM)
    clashes = []
    if request.method == "POST" and form.is_valid():
        try:
            trip = services.trip_request(actor=request.user, **form.service_data())
        except ClashWarning as warning:
            clashes = warning.clashes
            form.offer_confirmation()
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            who = "常委会领导" if services.needs_leader(trip) else "办公室主任"
            messages.success(request, f"用车申请已提交，待{who}审批")
            return redirect(trip)
    return render(request, "logistics/trip_form.html", {"form": form, "clashes": clashes})


TRIP_EXPORT_HEADER = [
    "出发时间", "返回时间", "用车单位", "申请人", "事由", "目的地", "乘车人数", "乘车人员", "随车领导", "预计里程（公里）",
    "状态", "审批人", "车辆", "驾驶员", "出车里程", "回场里程", "行驶里程", "加油（升）", "油费（元）", "通行费（元）", "停车费（元）",
]


def _trip_row(trip) -> list:
    return [
        timezone.localtime(trip.start).strftime("%Y-%m-%d %H:%M"),
        timezone.localtime(trip.end).strftime("%Y-%m-%d %H:%M"),
        trip.unit.name,
        user_label(trip.requester),
        trip.purpose,
        trip.destination,
        trip.passengers,
        trip.passenger_names,
        trip.leader_passenger.name if trip.leader_passenger_id else "",
        trip.distance_km,
        trip.get_state_display(),
        user_label(trip.approver) if trip.approver_id else "",
        trip.vehicle.plate if trip.vehicle_id else "",
        user_label(trip.driver) if trip.driver_id else "",
        trip.odometer_start,
        trip.odometer_end,
        trip.distance,
        trip.fuel_liters,
        trip.fuel_cost,
        trip.tolls,
        trip.parking,
    ]


def _export_trips(request):
    require(selectors.can_see_all_trips(request.user), "只有办公室和常委会领导可以导出用车台账")
    filters = TripFilterForm(request.GET or None).filters()
    return (_trip_row(trip) for trip in selectors.trip_list(request.user, filters).select_related("approver__person", "leader_passenger").iterator(chunk_size=500))


def trips_export_csv(request):
    return csv_response(f"用车台账-{timezone.localdate():%Y%m%d}.csv", TRIP_EXPORT_HEADER, _export_trips(request))


def trips_export_xlsx(request):
    widths = [17, 17, 20, 10, 30, 20, 8, 24, 10, 10, 8, 10, 12, 10, 10, 10, 10, 10, 10, 10, 10]
    return xlsx_response(f"用车台账-{timezone.localdate():%Y%m%d}.xlsx", "用车台账", TRIP_EXPORT_HEADER, _export_trips(request), widths)


def _trip(request, pk) -> Trip:
    try:
        trip = selectors.trip_get(pk)
    except Trip.DoesNotExist:
        raise Http404("没有这条用车记录") from None
    require(selectors.can_see_trip(request.user, trip), "只有申请人、驾驶员和办公室可以查看这条用车记录")
    return trip


def _may_cancel(user, trip) -> bool:
    return trip.state not in (TripState.RETURNED, TripState.CANCELLED, TripState.REFUSED) and (
        user.pk == trip.requester_id or services.is_dispatcher(user)
    )


def _may_return(user, trip) -> bool:
    return trip.state == TripState.DISPATCHED and (user.pk == trip.driver_id or services.is_dispatcher(user))


def trip_detail(request, pk):
    return _trip_page(request, _trip(request, pk))


def _trip_page(request, trip, *, bound=None, error: str = ""):
    bound = bound or {}
    user = request.user
    timeline = [{"when": trip.created_at, "who": user_label(trip.requester), "what": "提交用车申请",
                 "text": f"{trip.destination}，{trip.passengers}人，预计往返{trip.distance_km}公里"}]
    for log in workflow_log_for(trip):
        timeline.append({"when": log.at, "who": user_label(log.actor) if log.actor_id else "系统", "what": log.action_label, "text": log.comment})
    forms = {}
    if trip.state == TripState.REQUESTED and services.can_approve(user, trip):
        forms["decide"] = bound.get("decide") or TripDecideForm()
    if trip.state in (TripState.APPROVED, TripState.DISPATCHED) and services.is_dispatcher(user):
        initial = {"vehicle": trip.vehicle_id, "driver": trip.driver_id} if trip.vehicle_id else None
        forms["dispatch"] = bound.get("dispatch") or TripDispatchForm(initial=initial)
    if _may_return(user, trip):
        forms["return"] = bound.get("return") or TripReturnForm(trip=trip)
    if _may_cancel(user, trip):
        forms["cancel"] = bound.get("cancel") or TripCancelForm()
    context = {
        "trip": trip,
        "timeline": timeline,
        "forms": forms,
        "error": error,
        "needs_leader": services.needs_leader(trip),
        "leader_km": settings.TRIP_LEADER_APPROVAL_KM,
        "requester_name": user_label(trip.requester),
        "requester_phone": getattr(getattr(trip.requester, "person", None), "phone", ""),
        "driver_name": user_label(trip.driver) if trip.driver_id else "",
        "approver_name": user_label(trip.approver) if trip.approver_id else "",
    }
    return render(request, "logistics/trip_detail.html", context)


def _trip_action(request, pk, key, form_class, allowed, denied, call, done, form_kwargs=None):
    """The shape every trip action shares: who may, the form, the service, redirect or re-render."""
    trip = _trip(request, pk)
    require(allowed(request.user, trip), denied if isinstance(denied, str) else denied(trip))
    form = form_class(request.POST, **(form_kwargs(trip) if form_kwargs else {}))
    if form.is_valid():
        try:
            call(trip, form)
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, done if isinstance(done, str) else done(trip, form))
            if request.POST.get("from") == "driver":
                return redirect("logistics:driver")
            return redirect(f"{trip.get_absolute_url()}#top")
    if request.POST.get("from") == "driver":
        messages.error(request, f"{timezone.localtime(trip.start):%m-%d %H:%M} {trip.destination}：{_first_error(form)}")
        return redirect("logistics:driver")
    return _trip_page(request, trip, bound={key: form}, error=_first_error(form))


def _decide_denied(trip) -> str:
    if services.needs_leader(trip):
        return f"往返{trip.distance_km}公里的用车须由常委会领导审批"
    return "只有办公室主任或常委会领导可以审批用车"


@require_POST
def trip_decide(request, pk):
    return _trip_action(
        request, pk, "decide", TripDecideForm, services.can_approve, _decide_denied,
        lambda trip, form: services.trip_decide(trip=trip, actor=request.user, approve=form.approve, comment=form.cleaned_data["comment"]),
        lambda trip, form: "已批准用车申请，请办公室派车" if form.approve else "已不批准用车申请",
    )


@require_POST
def trip_dispatch(request, pk):
    return _trip_action(
        request, pk, "dispatch", TripDispatchForm, lambda user, trip: services.is_dispatcher(user), "只有办公室可以派车",
        lambda trip, form: services.trip_dispatch(trip=trip, actor=request.user, vehicle=form.cleaned_data["vehicle"], driver=form.cleaned_data["driver"]),
        lambda trip, form: f"已派车：{form.cleaned_data['vehicle'].plate}，驾驶员{user_label(form.cleaned_data['driver'])}",
    )


@require_POST
def trip_cancel(request, pk):
    return _trip_action(
        request, pk, "cancel", TripCancelForm,
        lambda user, trip: user.pk == trip.requester_id or services.is_dispatcher(user), "只有申请人或办公室可以取消用车",
        lambda trip, form: services.trip_cancel(trip=trip, actor=request.user, reason=form.cleaned_data["reason"]),
        "已取消用车",
    )


@require_POST
def trip_return(request, pk):
    return _trip_action(
        request, pk, "return", TripReturnForm,
        lambda user, trip: user.pk == trip.driver_id or services.is_dispatcher(user), "只有本次驾驶员或办公室可以登记回场",
        lambda trip, form: services.trip_return(trip=trip, actor=request.user, **form.cleaned_data),
        lambda trip, form: f"已登记回场：{timezone.localtime(trip.start):%m-%d} {trip.destination}",
        form_kwargs=lambda trip: {"trip": trip},
    )


def trip_totals(request):
    """月度用车统计: per vehicle and per unit, returned trips only."""
    require(selectors.can_see_all_trips(request.user), "只有办公室和常委会领导可以查看用车统计")
    form = MonthForm(request.GET or None)
    month = form.month_start(timezone.localdate())
    by_vehicle, by_unit = services.monthly_trip_totals(month.year, month.month)
    context = {"form": form, "month": month, "by_vehicle": by_vehicle, "by_unit": by_unit,
               "month_value": f"{month:%Y-%m}", "sum_vehicle": _sum_rows(by_vehicle)}
    return render(request, "logistics/trip_totals.html", context)


def _sum_rows(rows) -> dict:
    total = {"trips": 0, "km": 0, "fuel": 0, "tolls": 0, "parking": 0}
    for row in rows:
        for key in total:
            total[key] += row.get(key) or 0
    return total


# --- 车辆 -----------------------------------------------------------------------------------


def vehicles(request):
    """车队: papers due within 30 days marked."""
    require(selectors.can_see_fleet(request.user), "只有办公室和驾驶员可以查看车辆")
    today = timezone.localdate()
    return render(request, "logistics/vehicles.html", {"vehicles": selectors.fleet(today), "today": today,
                                                       "warn_days": selectors.PAPERS_WARN_DAYS})


def vehicle_detail(request, pk):
    """One car: its papers, status, maintenance records with costs, and recent trips."""
    from logistics.forms import MaintenanceForm, VehicleStatusForm
    from logistics.models import Maintenance, Vehicle

    require(selectors.can_see_fleet(request.user), "只有办公室和驾驶员可以查看车辆")
    vehicle = get_object_or_404(Vehicle, pk=pk)
    can_manage = services.is_dispatcher(request.user)
    maintenance_form = MaintenanceForm(prefix="m")
    status_form = VehicleStatusForm(prefix="s", initial={"status": vehicle.status})
    if request.method == "POST":
        require(can_manage, "只有办公室可以登记维修保养和变更车辆状态")
        try:
            if "m-kind" in request.POST:
                maintenance_form = MaintenanceForm(request.POST, prefix="m")
                if maintenance_form.is_valid():
                    services.maintenance_record(actor=request.user, vehicle=vehicle, **maintenance_form.cleaned_data)
                    messages.success(request, "已登记维修保养")
                    return redirect("logistics:vehicle_detail", pk)
            else:
                status_form = VehicleStatusForm(request.POST, prefix="s")
                if status_form.is_valid():
                    services.vehicle_set_status(actor=request.user, vehicle=vehicle, status=status_form.cleaned_data["status"])
                    messages.success(request, "车辆状态已更新")
                    return redirect("logistics:vehicle_detail", pk)
        except TransitionRefused as error:
            messages.error(request, str(error))
    records = Maintenance.objects.filter(vehicle=vehicle).select_related("recorded_by__person")[:50]
    trips = vehicle.trips.select_related("unit", "driver__person").order_by("-start")[:20]
    return render(request, "logistics/vehicle_detail.html", {
        "vehicle": vehicle, "records": records, "trips": trips, "can_manage": can_manage,
        "maintenance_form": maintenance_form, "status_form": status_form,
        "total_cost": sum(record.cost for record in records),
    })


def vehicle_calendar(request):
    """车辆周历: Mon–Sun, one row per vehicle."""
    require(selectors.can_see_fleet(request.user), "只有办公室和驾驶员可以查看派车安排")
    monday = _week_of(request)
    days, rows = selectors.vehicle_week(monday)
    return render(request, "logistics/vehicle_calendar.html", {"days": days, "rows": rows, **_week_context(monday)})


def driver(request):
    """我的出车: the driver's trips today and tomorrow, with the return log on the phone."""
    require(has_role(request.user, Role.DRIVER), "只有驾驶员可以查看“我的出车”")
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    days = {today: [], tomorrow: []}
    for trip in selectors.driver_trips(request.user, today):
        if trip.state == TripState.DISPATCHED:
            trip.return_form = TripReturnForm(trip=trip)
        trip.requester_phone = getattr(getattr(trip.requester, "person", None), "phone", "")
        days.setdefault(timezone.localtime(trip.start).date(), []).append(trip)
    sections = [("今天", today, days[today]), ("明天", tomorrow, days[tomorrow])]
    return render(request, "logistics/driver.html", {"sections": sections})


# --- 食堂 -----------------------------------------------------------------------------------


def canteen(request):
    """报餐: my next 7 days as a grid; one POST books and cancels every changed cell."""
    user = request.user
    today = timezone.localdate()
    if request.method == "POST":
        _save_meal_grid(request, today)
        return redirect("logistics:canteen")
    context = {
        "grid": selectors.meal_grid(user, today),
        "cutoffs": selectors.cutoff_texts(),
        "meals": Meal.choices,
        "is_dispatcher": services.is_dispatcher(user),
        "can_see_headcount": selectors.can_see_headcount(user),
        "group_form": GroupMealForm(today=today) if services.is_dispatcher(user) else None,
    }
    return render(request, "logistics/canteen.html", context)


def _save_meal_grid(request, today) -> None:
    """Every changed cell goes to meal_book; a refusal (after the cutoff) is reported and the others are kept."""
    grid = selectors.meal_grid(request.user, today)
    listed = set(request.POST.getlist("cells"))
    booked = cancelled = 0
    for row in grid:
        for cell in row["cells"]:
            if cell["name"] not in listed:
                continue
            wanted = request.POST.get(cell["name"]) == "1"
            if wanted == cell["booked"]:
                continue
            try:
                services.meal_book(actor=request.user, day=row["day"], meal=cell["meal"], wanted=wanted)
            except TransitionRefused as refused:
                messages.error(request, str(refused))
            else:
                booked += wanted
                cancelled += not wanted
    if booked or cancelled:
        parts = [f"报餐{booked}餐" if booked else "", f"取消{cancelled}餐" if cancelled else ""]
        messages.success(request, "已保存：" + "，".join(part for part in parts if part))
    elif not any(message.level_tag == "error" for message in messages.get_messages(request)):
        messages.info(request, "报餐没有变化")


@require_POST
def group_meals(request):
    """会议、接待用餐 (office)."""
    require(services.is_dispatcher(request.user), "只有办公室可以登记会议和接待用餐")
    form = GroupMealForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        messages.error(request, f"未能登记：{_first_error(form)}")
        return redirect("logistics:canteen")
    data = form.cleaned_data
    try:
        if data["meeting"]:
            booking = services.meeting_meals(actor=request.user, meeting=data["meeting"], meal=data["meal"])
        else:
            reception = data["reception"]
            booking = services.group_meal_book(actor=request.user, owner=reception, day=data["day"], meal=data["meal"],
                                               count=data["count"], kind=MealBooking.Kind.GUEST, note=reception.title, unit=reception.host_unit)
    except TransitionRefused as refused:
        messages.error(request, f"未能登记：{refused}")
    else:
        label = Meal(data["meal"]).label
        if booking is None:
            messages.success(request, f"已取消{label}团体用餐")
        else:
            messages.success(request, f"已登记{month_day(booking.date)}{label}：{booking.note} {booking.count}人")
    return redirect("logistics:canteen")


def headcounts(request):
    """报餐统计: today's and tomorrow's numbers for the kitchen."""
    require(selectors.can_see_headcount(request.user), "只有食堂管理员和办公室可以查看报餐统计")
    today = timezone.localdate()
    counts = services.headcounts([today, today + datetime.timedelta(days=1)])
    days = []
    for day in (today, today + datetime.timedelta(days=1)):
        meals = []
        for meal, label in Meal.choices:
            cutoff = services.meal_cutoff(day, meal)
            meals.append({"meal": meal, "label": label, "counts": counts[(day, meal)], "cutoff": cutoff,
                          "closed": timezone.now() >= cutoff})
        days.append({"day": day, "title": "今天" if day == today else "明天", "meals": meals})
    return render(request, "logistics/headcounts.html", {"days": days, "kind_labels": dict(MealBooking.Kind.choices)})


def headcount_pdf(request):
    """报餐统计单 (PDF) for ?day=YYYY-MM-DD&meal=lunch."""
    require(selectors.can_see_headcount(request.user), "只有食堂管理员和办公室可以下载报餐统计单")
    from logistics.pdf import headcount_sheet

    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        raise Http404("日期格式不对") from None
    meal = request.GET.get("meal", "")
    if meal not in Meal.values:
        raise Http404("没有这个餐次")
    content = headcount_sheet(day, meal, services.headcount(day, meal))
    return pdf_response(content, f"报餐统计单-{day:%Y%m%d}-{Meal(meal).label}.pdf")


def _meal_totals(request):
    require(selectors.can_see_headcount(request.user), "只有食堂管理员和办公室可以查看就餐统计")
    form = MonthForm(request.GET or None)
    month = form.month_start(timezone.localdate())
    by_person, by_unit = services.monthly_meal_totals(month.year, month.month)
    return form, month, by_person, by_unit


def meal_totals(request):
    form, month, by_person, by_unit = _meal_totals(request)
    kind_labels = dict(MealBooking.Kind.choices)
    for row in by_unit:
        row["kind_label"] = kind_labels.get(row["kind"], row["kind"])
    context = {"form": form, "month": month, "month_value": f"{month:%Y-%m}", "by_person": by_person, "by_unit": by_unit,
               "total": sum(row["n"] for row in by_unit)}
    return render(request, "logistics/meal_totals.html", context)


MEAL_EXPORT_HEADER = ["类别", "单位", "就餐人", "人次"]


def _meal_rows(by_person, by_unit):
    kind_labels = dict(MealBooking.Kind.choices)
    for row in by_person:
        yield ["职工", row["unit__name"] or "", row["person__person__name"] or "", row["n"]]
    for row in by_unit:
        yield [f"{kind_labels.get(row['kind'], row['kind'])}（按单位合计）", row["unit__name"] or "", "", row["n"]]


def meal_totals_csv(request):
    _, month, by_person, by_unit = _meal_totals(request)
    return csv_response(f"就餐统计-{month:%Y-%m}.csv", MEAL_EXPORT_HEADER, _meal_rows(by_person, by_unit))


def meal_totals_xlsx(request):
    _, month, by_person, by_unit = _meal_totals(request)
    return xlsx_response(f"就餐统计-{month:%Y-%m}.xlsx", f"就餐统计{month:%Y-%m}", MEAL_EXPORT_HEADER, _meal_rows(by_person, by_unit), [18, 24, 12, 8])


# --- 会议室 ---------------------------------------------------------------------------------


def rooms(request):
    """会议室 and their week: rooms × days from one query of bookings."""
    monday = _week_of(request)
    days, rows = selectors.room_week(monday)
    return render(request, "logistics/rooms.html", {"days": days, "rows": rows, **_week_context(monday)})


# --- 办公用品 -------------------------------------------------------------------------------


def supplies(request, *, purchase_form=None, requisition_form=None):
    user = request.user
    is_office = has_role(user, *Role.OFFICE)
    context = {
        "items": selectors.supplies(),
        "purchase_form": (purchase_form or PurchaseForm()) if services.is_dispatcher(user) else None,
        "requisition_form": requisition_form or RequisitionForm(),
        "page": paginate(request, selectors.requisition_list(user), per_page=30),
        "is_office": is_office,
        "can_decide": has_role(user, Role.DIRECTOR),
    }
    return render(request, "logistics/supplies.html", context)


@require_POST
def supply_purchase(request):
    require(services.is_dispatcher(request.user), "只有办公室可以登记采购入库")
    form = PurchaseForm(request.POST)
    if form.is_valid():
        try:
            services.supply_purchase(actor=request.user, **form.cleaned_data)
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            item = form.cleaned_data["item"]
            messages.success(request, f"已入库：{item.name} {form.cleaned_data['quantity']}{item.measure}")
            return redirect("logistics:supplies")
    return supplies(request, purchase_form=form)


@require_POST
def requisition_create(request):
    form = RequisitionForm(request.POST)
    if form.is_valid():
        try:
            services.requisition_request(actor=request.user, **form.cleaned_data)
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "领用申请已提交，待办公室主任审批")
            return redirect("logistics:supplies")
    return supplies(request, requisition_form=form)


@require_POST
def requisition_decide(request, pk):
    require(has_role(request.user, Role.DIRECTOR), "领用须由办公室主任审批")
    requisition = get_object_or_404(Requisition.objects.select_related("item"), pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        done = services.requisition_decide(requisition=requisition, actor=request.user, approve=approve)
    except TransitionRefused as refused:
        messages.error(request, f"未能发放：{refused}")
    else:
        if done.state == Requisition.State.ISSUED:
            messages.success(request, f"已批准并发放：{done.item.name} {done.quantity}{done.item.measure}")
        else:
            messages.success(request, f"已不批准领用：{done.item.name}")
    return redirect(reverse("logistics:supplies") + "#requisitions")


# --- 公务接待 -------------------------------------------------------------------------------


def receptions(request):
    require(has_role(request.user, *Role.OFFICE), "只有办公室和常委会领导可以查看公务接待")
    context = {"page": paginate(request, selectors.reception_list(), per_page=30), "can_create": services.is_dispatcher(request.user)}
    return render(request, "logistics/receptions.html", context)


def reception_create(request):
    require(services.is_dispatcher(request.user), "只有办公室可以安排公务接待")
    form = ReceptionForm(request.POST or None)
    meals = ReceptionMealFormSet(request.POST or None, prefix="meals")
    clashes = []
    if request.method == "POST" and form.is_valid() and meals.is_valid():
        rows = [row for row in (meal_form.row() for meal_form in meals) if row]
        try:
            reception = services.reception_create(actor=request.user, meals=rows, **form.service_data())
        except ClashWarning as warning:
            clashes = warning.clashes
            form.offer_confirmation()
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已安排公务接待：{reception.title}")
            return redirect(reception)
    return render(request, "logistics/reception_form.html", {"form": form, "meals": meals, "clashes": clashes})


def reception_detail(request, pk):
    require(has_role(request.user, *Role.OFFICE), "只有办公室和常委会领导可以查看公务接待")
    reception = get_object_or_404(Reception.objects.select_related("host_unit", "host_leader", "created_by__person"), pk=pk)
    context = {"reception": reception, **selectors.reception_bookings(reception), "created_by_name": user_label(reception.created_by)}
    return render(request, "logistics/reception_detail.html", context)

