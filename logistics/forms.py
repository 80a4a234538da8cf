"""办事 forms. They check input only; every rule and every save is in logistics.services."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone

from logistics import selectors
from logistics.models import Meal, Reception, Room, SupplyItem, TripState, Vehicle
from office.forms import DateTimeField, PersonChoiceField
from office.models import Person, Unit
from office.roles import Role

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MONEY = {"max_digits": 9, "decimal_places": 2, "min_value": 0, "required": False}


def leaders_queryset():
    """People who ride with a trip or host a visit: the committee's leaders."""
    return (
        Person.objects.active()
        .filter(Q(user__groups__name=Role.LEADER) | Q(unit__kind=Unit.Kind.LEADERSHIP))
        .select_related("unit").distinct().order_by("protocol_rank", "id")
    )


def user_label(user) -> str:
    """A login user as people know them: the person's name, else the account."""
    person = getattr(user, "person", None) if user is not None else None
    if person is not None:
        return person.name
    return (user.get_full_name() or user.username) if user is not None else ""


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return user_label(obj)


class VehicleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.plate} {obj.model}（{obj.seats}座，{obj.get_status_display()}）"


class ClashConfirmMixin:
    """A leader on board or hosting may be double-booked ("防止撞车"): after a ClashWarning
    the form offers the tick that saves anyway."""

    def offer_confirmation(self):
        self.fields["confirm_clashes"] = forms.BooleanField(
            label="仍然保存", required=False, help_text="已知悉上述领导日程冲突，仍按此时间安排",
        )

    def service_data(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if name != "confirm_clashes"}
        data["confirm_clashes"] = bool(self.data.get("confirm_clashes"))
        return data


class MonthForm(forms.Form):
    month = forms.CharField(label="月份", required=False, widget=forms.DateInput(attrs={"type": "month"}))

    def month_start(self, today: datetime.date) -> datetime.date:
        """The chosen month, or this month when none or a bad one is given."""
        if self.is_valid() and self.cleaned_data["month"]:
            try:
                return datetime.datetime.strptime(self.cleaned_data["month"].strip(), "%Y-%m").date()
            except ValueError:
                pass
        return today.replace(day=1)


# --- trips --------------------------------------------------------------------------------------------


class TripFilterForm(forms.Form):
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态")] + list(TripState.choices))
    unit = forms.ModelChoiceField(label="用车单位", required=False, queryset=Unit.objects.filter(is_active=True), empty_label="全部单位")
    start_from = forms.DateField(label="出发日期自", required=False, widget=DATE_INPUT)
    start_to = forms.DateField(label="至", required=False, widget=DATE_INPUT)

    def filters(self) -> selectors.TripFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return selectors.TripFilters(**{name: data[name] for name in selectors.TripFilters.__dataclass_fields__ if data.get(name)})


class TripForm(ClashConfirmMixin, forms.Form):
    purpose = forms.CharField(label="事由", max_length=200)
    destination = forms.CharField(label="目的地", max_length=200)
    passengers = forms.IntegerField(label="乘车人数", min_value=1, max_value=60, initial=1)
    passenger_names = forms.CharField(label="乘车人员", max_length=300, required=False, help_text="姓名，用顿号分隔")
    leader_passenger = PersonChoiceField(label="随车领导", required=False, queryset=Person.objects.none(), empty_label="（无）")
    distance_km = forms.IntegerField(label="预计往返里程（公里）", min_value=0, max_value=5000)
    start = DateTimeField(label="出发时间", widget=DATETIME_INPUT)
    end = DateTimeField(label="返回时间", widget=DATETIME_INPUT)

    def __init__(self, *args, leader_km: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader_passenger"].queryset = leaders_queryset()
        if leader_km:
            self.fields["distance_km"].help_text = f"往返超过{leader_km}公里的须由常委会领导审批，其余由办公室主任审批"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] <= cleaned["start"]:
            self.add_error("end", "返回时间须晚于出发时间")
        return cleaned


class TripDecideForm(forms.Form):
    decision = forms.ChoiceField(label="审批意见", choices=[("approve", "批准"), ("refuse", "不批准")], widget=forms.RadioSelect, initial="approve")
    comment = forms.CharField(label="意见（不批准时必填）", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "decide")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuse" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", "不批准时请填写意见")
        return cleaned

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class TripDispatchForm(forms.Form):
    vehicle = VehicleChoiceField(label="车辆", queryset=Vehicle.objects.none(), empty_label="请选择车辆")
    driver = UserChoiceField(label="驾驶员", queryset=Vehicle.objects.none(), empty_label="请选择驾驶员")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "dispatch")
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = selectors.active_vehicles()
        self.fields["driver"].queryset = selectors.drivers()


class TripCancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "cancel")
        super().__init__(*args, **kwargs)


class TripReturnForm(forms.Form):
    odometer_end = forms.IntegerField(label="回场里程（公里）", min_value=0, max_value=9_999_999, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    fuel_liters = forms.DecimalField(label="加油（升）", max_digits=7, decimal_places=2, min_value=0, required=False,
                                     widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    fuel_cost = forms.DecimalField(label="油费（元）", **MONEY, widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    tolls = forms.DecimalField(label="通行费（元）", **MONEY, widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    parking = forms.DecimalField(label="停车费（元）", **MONEY, widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))

    def __init__(self, *args, trip=None, **kwargs):
        kwargs.setdefault("prefix", f"return{trip.pk}" if trip is not None else "return")
        super().__init__(*args, **kwargs)
        if trip is not None and trip.odometer_start is not None:
            self.fields["odometer_end"].help_text = f"出车里程 {trip.odometer_start} 公里"


# --- canteen ---------------------------------------------------------------------------------------


class GroupMealForm(forms.Form):
    """会议、接待用餐: a meeting's meals come from its confirmed attendance; a reception's by count."""

    meeting = forms.ModelChoiceField(label="会议", required=False, queryset=Reception.objects.none(), empty_label="（不是会议）")
    reception = forms.ModelChoiceField(label="公务接待", required=False, queryset=Reception.objects.none(), empty_label="（不是接待）")
    day = forms.DateField(label="日期", required=False, widget=DATE_INPUT, help_text="接待用餐填写；会议用餐按会议日期")
    meal = forms.ChoiceField(label="餐次", choices=Meal.choices)
    count = forms.IntegerField(label="人数", required=False, min_value=0, max_value=10_000, help_text="接待用餐填写，0为取消；会议用餐按确认参会人数")

    def __init__(self, *args, today: datetime.date, **kwargs):
        kwargs.setdefault("prefix", "group")
        super().__init__(*args, **kwargs)
        from meetings.models import Meeting

        since = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
        self.fields["meeting"].queryset = Meeting.objects.filter(end__gte=since).select_related("term").order_by("start")
        self.fields["meeting"].label_from_instance = lambda m: f"{m.start:%m-%d} {m.name}"
        self.fields["reception"].queryset = Reception.objects.filter(end__gte=since, state=Reception.State.PLANNED).order_by("start")
        self.fields["reception"].label_from_instance = lambda r: f"{timezone.localtime(r.start):%m-%d} {r.title}"

    def clean(self):
        cleaned = super().clean()
        meeting, reception = cleaned.get("meeting"), cleaned.get("reception")
        if bool(meeting) == bool(reception):
            raise forms.ValidationError("请选择一个会议或一项公务接待")
        if reception and (cleaned.get("day") is None or cleaned.get("count") is None):
            raise forms.ValidationError("接待用餐请填写日期和人数")
        return cleaned


# --- supplies --------------------------------------------------------------------------------------


class PurchaseForm(forms.Form):
    item = forms.ModelChoiceField(label="用品", queryset=SupplyItem.objects.all(), empty_label="请选择")
    quantity = forms.IntegerField(label="数量", min_value=1, max_value=1_000_000)
    unit_price = forms.DecimalField(label="单价（元）", **MONEY)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "purchase")
        super().__init__(*args, **kwargs)


class RequisitionForm(forms.Form):
    item = forms.ModelChoiceField(label="用品", queryset=SupplyItem.objects.all(), empty_label="请选择")
    quantity = forms.IntegerField(label="数量", min_value=1, max_value=1_000_000)
    reason = forms.CharField(label="用途", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "req")
        super().__init__(*args, **kwargs)
        self.fields["item"].label_from_instance = lambda i: f"{i.name}{'（' + i.spec + '）' if i.spec else ''} 库存{i.stock}{i.measure}"


# --- receptions --------------------------------------------------------------------------------------


class ReceptionForm(ClashConfirmMixin, forms.Form):
    title = forms.CharField(label="接待事由", max_length=200)
    guests = forms.CharField(label="来宾", max_length=300, help_text="单位、姓名、职务")
    guest_count = forms.IntegerField(label="来宾人数", min_value=1, max_value=10_000)
    host_unit = forms.ModelChoiceField(label="承办单位", queryset=Unit.objects.none(), empty_label="请选择")
    host_leader = PersonChoiceField(label="陪同领导", required=False, queryset=Person.objects.none(), empty_label="（无）")
    start = DateTimeField(label="开始", widget=DATETIME_INPUT)
    end = DateTimeField(label="结束", widget=DATETIME_INPUT)
    room = forms.ModelChoiceField(label="会议室（可不选）", required=False, queryset=Room.objects.none(), empty_label="（不用会议室）")
    vehicle = VehicleChoiceField(label="车辆（可不选）", required=False, queryset=Vehicle.objects.none(), empty_label="（不用车）")
    driver = UserChoiceField(label="驾驶员", required=False, queryset=Vehicle.objects.none(), empty_label="（不用车）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_unit"].queryset = Unit.objects.filter(is_active=True).exclude(kind=Unit.Kind.EXTERNAL)
        self.fields["host_leader"].queryset = leaders_queryset()
        self.fields["room"].queryset = Room.objects.filter(is_active=True)
        self.fields["room"].label_from_instance = lambda r: f"{r.name}（{r.capacity}人）"
        self.fields["vehicle"].queryset = selectors.active_vehicles()
        self.fields["driver"].queryset = selectors.drivers()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] <= cleaned["start"]:
            self.add_error("end", "结束时间须晚于开始时间")
        if bool(cleaned.get("vehicle")) != bool(cleaned.get("driver")):
            self.add_error("driver", "用车时请同时选择车辆和驾驶员")
        return cleaned


class ReceptionMealForm(forms.Form):
    day = forms.DateField(label="日期", required=False, widget=DATE_INPUT)
    meal = forms.ChoiceField(label="餐次", required=False, choices=[("", "—")] + list(Meal.choices))
    count = forms.IntegerField(label="人数", required=False, min_value=1, max_value=10_000)

    def clean(self):
        cleaned = super().clean()
        filled = [cleaned.get(name) for name in ("day", "meal", "count")]
        if any(filled) and not all(filled):
            raise forms.ValidationError("用餐请填写日期、餐次和人数")
        return cleaned

    def row(self):
        data = getattr(self, "cleaned_data", {})
        if data.get("day") and data.get("meal") and data.get("count"):
            return data["day"], data["meal"], data["count"]
        return None


ReceptionMealFormSet = forms.formset_factory(ReceptionMealForm, extra=3, max_num=10)


class MaintenanceForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.CharField(label="项目", max_length=50, help_text="如：保养、维修、更换轮胎")
    description = forms.CharField(label="说明", max_length=300, required=False)
    cost = forms.DecimalField(label="费用（元）", max_digits=10, decimal_places=2, min_value=0)
    odometer = forms.IntegerField(label="当时里程（公里）", required=False, min_value=0, max_value=9_999_999)


class VehicleStatusForm(forms.Form):
    status = forms.ChoiceField(label="车辆状态", choices=Vehicle.Status.choices)
