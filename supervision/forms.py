"""督办 forms. They check input only; every rule and every save is in services.py."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist

from office.forms import IdsChoiceField, PersonChoiceField
from office.models import Person, Unit
from office.roles import Role
from office.uploads import MB, validate_upload
from supervision import services
from supervision.models import Light, Satisfaction, Source, State, SupervisionItem, Urgency
from supervision.selectors import ItemFilters

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

LIGHT_LABELS = {Light.RED: "红灯", Light.YELLOW: "黄灯", Light.GREEN: "绿灯"}


def user_label(user) -> str:
    """A login user as people know them: the person's name, else the account."""
    try:
        return user.person.name
    except ObjectDoesNotExist:
        return user.get_full_name() or user.username


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return user_label(obj)


def urgency_choices() -> list[tuple[str, str]]:
    """紧急（3个工作日）… from the configured 3715 days."""
    return [(value, f"{label}（{services.rule_days_text(value)}）") for value, label in Urgency.choices]


def urgency_help() -> str:
    parts = "、".join(f"{label}{services.rule_days_text(value)}" for value, label in Urgency.choices)
    return f"按“3715”规则：{parts}办结，自交办次日起算。"


# --- the register's filters ------------------------------------------------------


class ItemFilterForm(forms.Form):
    q = forms.CharField(
        label="查找", required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "编号（如 督〔2026〕15号、2026-15）或关键词"}),
    )
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态")] + list(State.choices))
    light = forms.ChoiceField(label="预警", required=False, choices=[("", "全部预警")] + list(LIGHT_LABELS.items()))
    unit = forms.ModelChoiceField(label="单位", required=False, queryset=Unit.objects.filter(is_active=True), empty_label="全部单位")
    source = forms.ChoiceField(label="来源", required=False, choices=[("", "全部来源")] + list(Source.choices))
    urgency = forms.ChoiceField(label="紧急程度", required=False, choices=[("", "全部紧急程度")] + list(Urgency.choices))
    assigned_from = forms.DateField(label="交办日期自", required=False, widget=DATE_INPUT)
    assigned_to = forms.DateField(label="至", required=False, widget=DATE_INPUT)

    def filters(self) -> ItemFilters:
        """The valid part of the input: a bad field is reported and ignored, not fatal."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return ItemFilters(**{name: data[name] for name in ItemFilters.__dataclass_fields__ if data.get(name)})


# --- registering and editing -------------------------------------------------------


class ItemForm(forms.ModelForm):
    """挂号 and corrections. The view passes `service_data()` to item_register / item_update;
    this form never saves."""

    lead_unit = forms.ModelChoiceField(label="主办单位", queryset=Unit.objects.none(), empty_label="请选择")
    co_units = IdsChoiceField(
        label="协办单位", required=False, queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="可多选；与主办单位相同的不计入",
    )
    responsible = PersonChoiceField(label="责任人", required=False, queryset=Person.objects.none(), empty_label="（不指定）")
    supervisor = UserChoiceField(label="督办人", queryset=get_user_model().objects.none(), empty_label="请选择")
    leader = UserChoiceField(label="分管领导", queryset=get_user_model().objects.none(), empty_label="请选择")

    class Meta:
        model = SupervisionItem
        fields = [
            "title", "requirements", "source", "source_detail", "urgency", "lead_unit", "co_units",
            "responsible", "supervisor", "leader", "deadline_override", "deadline_override_reason",
        ]
        widgets = {
            "requirements": forms.Textarea(attrs={"rows": 5}),
            "deadline_override": DATE_INPUT,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        User = get_user_model()
        units = Unit.objects.filter(is_active=True).order_by("order", "id")
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units
        self.fields["responsible"].queryset = (
            Person.objects.active().filter(unit__isnull=False).select_related("unit").order_by("unit__order", "protocol_rank", "id")
        )
        self.fields["supervisor"].queryset = (
            User.objects.filter(is_active=True, groups__name__in=[Role.STAFF, Role.DIRECTOR]).select_related("person").distinct().order_by("person__protocol_rank", "id")
        )
        self.fields["leader"].queryset = (
            User.objects.filter(is_active=True, groups__name=Role.LEADER).select_related("person").order_by("person__protocol_rank", "id")
        )
        self.fields["source"].choices = [("", "请选择")] + list(Source.choices)
        self.fields["urgency"].choices = urgency_choices()
        self.fields["urgency"].help_text = urgency_help()
        self.fields["deadline_override"].help_text = "一般不填，交办时按“3715”规则自动计算；确需指定的，填写日期和理由"
        self.fields["title"].widget.attrs.setdefault("placeholder", "督办事项名称")
        if not self.instance.pk and user is not None and not self.is_bound:
            self.initial.setdefault("supervisor", user.pk)

    def service_data(self) -> tuple[dict, list]:
        """(fields for the service, co-units)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "co_units"}
        return data, list(self.cleaned_data["co_units"])

    def save(self, commit=True):  # pragma: no cover - a guard, not a code path
        raise NotImplementedError("items are saved by supervision.services")


# --- the item page's actions -------------------------------------------------------------


class TransitionForm(forms.Form):
    """One workflow button: an optional or required comment, a confirmation tick,
    and for 销号 the deputy's satisfaction."""

    # The actions whose comment services.item_transition records (交办 and 签收 take none).
    COMMENTED = ("report", "close", "return")

    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    satisfaction = forms.ChoiceField(label="代表满意度", required=False, choices=[("", "（请选择）")] + list(Satisfaction.choices))
    confirm = forms.BooleanField(label="确认", required=True)

    def __init__(self, *args, transition, item, **kwargs):
        kwargs.setdefault("prefix", transition.action)
        super().__init__(*args, **kwargs)
        self.transition = transition
        comment = self.fields["comment"]
        comment.label = transition.comment_label
        if transition.action not in self.COMMENTED and not transition.comment_required:
            del self.fields["comment"]
        elif transition.comment_required:
            comment.widget.attrs["required"] = True
        else:
            comment.label = f"{transition.comment_label}（可不填）"
        if transition.action == "close":
            if item.source == Source.SUGGESTION:
                self.fields["satisfaction"].help_text = "代表建议须登记代表对办理结果的满意度"
                self.fields["satisfaction"].widget.attrs["required"] = True
            else:
                self.fields["satisfaction"].label = "满意度（可不填）"
        else:
            del self.fields["satisfaction"]
        self.fields["confirm"].label = f"我已核对，确认{transition.label}"
        self.fields["confirm"].error_messages["required"] = f"请勾选“确认{transition.label}”后再提交"


class ProgressForm(forms.Form):
    MAX_BYTES = 10 * MB
    EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".ofd", ".txt")

    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(
        label="附件（可不传）", required=False,
        help_text="PDF、Word、Excel、图片（JPG/PNG）、OFD 或 TXT，不超过 10 MB",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png,.ofd,.txt"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "progress")
        super().__init__(*args, **kwargs)

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        return validate_upload(
            upload, extensions=self.EXTENSIONS, max_bytes=self.MAX_BYTES, kinds_label="PDF、Word、Excel、JPG/PNG 图片、OFD 或 TXT 文件"
        )


class ExtensionRequestForm(forms.Form):
    new_deadline = forms.DateField(label="申请延至", widget=DATE_INPUT)
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "extension")
        super().__init__(*args, **kwargs)


class ExtensionDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="审批意见", choices=[("approve", "批准延期"), ("refuse", "不批准")], widget=forms.RadioSelect,
    )
    comment = forms.CharField(label="意见（不批准时必填）", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "decide")
        super().__init__(*args, **kwargs)

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


# --- statistics ------------------------------------------------------------------------


class StatsPeriodForm(forms.Form):
    start = forms.DateField(label="交办日期自", widget=DATE_INPUT)
    end = forms.DateField(label="至", widget=DATE_INPUT)

    def __init__(self, data=None, *, today: datetime.date):
        self.today = today
        defaults = {"start": today.replace(month=1, day=1), "end": today}
        if data is not None and not (data.get("start") or data.get("end")):
            data = None
        super().__init__(data, initial=defaults)
        self.defaults = defaults

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError("结束日期不能早于开始日期")
        return cleaned

    def period(self) -> tuple[datetime.date, datetime.date]:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.defaults["start"], self.defaults["end"]


class BulletinMonthForm(forms.Form):
    month = forms.CharField(label="月份", widget=forms.DateInput(attrs={"type": "month"}))

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_month(self):
        text = self.cleaned_data["month"].strip()
        try:
            start = datetime.datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError("月份格式应为 2026-03") from None
        if start > self.today:
            raise forms.ValidationError("所选月份尚未开始")
        return start
