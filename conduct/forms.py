"""作风 forms. They check input only; every rule and every save is in conduct/services.py."""

import datetime
import re

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from conduct import selectors
from conduct.models import Category, EntryState, LeaveType, Severity, SubKind
from office.forms import (
    PERSON_LABEL_COLUMNS,
    PeopleChoiceField,
    PersonChoiceField,
    person_choice_label,
)
from office.models import Person, Unit

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def entry_people():
    """Who can be concerned by an error: active people of the office and its units."""
    return (
        Person.objects.active()
        .filter(unit__isnull=False)
        .exclude(unit__kind=Unit.Kind.EXTERNAL)
        .select_related("unit")
        .order_by("unit__order", "protocol_rank", "id")
    )


def entry_units():
    return Unit.objects.filter(is_active=True).exclude(kind=Unit.Kind.EXTERNAL).order_by("order", "id")


class SharedChoices(BaseChoiceIterator):
    """(pk, label) pairs read once for several forms on one page, with their <option>
    HTML kept per selection (see PrerenderedOptionsMixin). A BaseChoiceIterator, so a
    widget keeps this very object instead of normalizing it into a new list."""

    def __init__(self, pairs):
        self.pairs = list(pairs)
        self.rendered = {}

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self):
        return len(self.pairs)


def choices_of(queryset, label=None, empty_label=None) -> SharedChoices:
    """(pk, label) pairs, read once for several forms on one page; empty_label first if given.
    Without `label`, the queryset is of people, labelled from their columns."""
    if label is None:
        pairs = [(pk, person_choice_label(*columns)) for pk, *columns in queryset.values_list("pk", *PERSON_LABEL_COLUMNS)]
    else:
        pairs = [(obj.pk, label(obj)) for obj in queryset]
    return SharedChoices(([("", empty_label)] if empty_label else []) + pairs)


class PrerenderedOptionsMixin:
    """A select whose <option>s are built in Python, and built once per page when the
    choices are SharedChoices: Django renders every option through a template, and a page
    of proposal forms repeats the whole people list in each form (seconds on a large
    office). Flat choices only; the HTML is the same as Django's select.html."""

    template_name = "conduct/widgets/select_prerendered.html"

    def optgroups(self, name, value, attrs=None):
        return []  # replaced by options_html

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["options_html"] = self.options_html(context["widget"]["value"])
        return context

    def options_html(self, value) -> str:
        wanted = frozenset(value)
        cache = getattr(self.choices, "rendered", None)
        if cache is not None and wanted in cache:
            return cache[wanted]
        parts, has_selected = [], False
        for option_value, option_label in self.choices:
            option_value = "" if option_value is None else option_value
            selected = (not has_selected or self.allow_multiple_selected) and str(option_value) in wanted
            has_selected |= selected
            parts.append(format_html('\n  <option value="{}"{}>{}</option>', option_value, " selected" if selected else "", option_label))
        html = mark_safe("".join(parts))
        if cache is not None:
            cache[wanted] = html
        return html


class PrerenderedSelect(PrerenderedOptionsMixin, forms.Select):
    pass


class PrerenderedSelectMultiple(PrerenderedOptionsMixin, forms.SelectMultiple):
    pass


def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return "请检查填写的内容"


# --- the error log ---------------------------------------------------------------------------------


class EntryFilterForm(forms.Form):
    q = forms.CharField(label="查找", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "经过、原因、教训、当事人或涉及事项"}))
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态")] + list(EntryState.choices))
    category = forms.ChoiceField(label="类别", required=False, choices=[("", "全部类别")] + list(Category.choices))
    sub_kind = forms.ChoiceField(label="具体类型", required=False, choices=[("", "全部类型")] + list(SubKind.choices))
    severity = forms.ChoiceField(label="程度", required=False, choices=[("", "全部程度")] + list(Severity.choices))
    unit = forms.ModelChoiceField(label="单位", required=False, queryset=Unit.objects.none(), empty_label="全部单位")
    date_from = forms.DateField(label="发生日期自", required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label="至", required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = entry_units()

    def filters(self) -> selectors.EntryFilters:
        """The valid part of the input: a bad field is reported and ignored, not fatal."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return selectors.EntryFilters(**{name: data[name] for name in selectors.EntryFilters.__dataclass_fields__ if data.get(name)})


class EntryForm(forms.Form):
    """登记差错. The view passes cleaned_data to services.entry_register."""

    people = PeopleChoiceField(label="当事人", queryset=Person.objects.none(),
                               widget=forms.SelectMultiple(attrs={"size": 8}),
                               help_text="可多选（按住 Ctrl 或 ⌘ 点选）")
    unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none(), empty_label="请选择")
    date = forms.DateField(label="发生日期", widget=DATE_INPUT)
    category = forms.ChoiceField(label="类别", choices=[("", "请选择")] + list(Category.choices))
    sub_kind = forms.ChoiceField(label="具体类型", choices=[("", "请选择")] + list(SubKind.choices))
    severity = forms.ChoiceField(label="程度", choices=Severity.choices, initial=Severity.MINOR)
    what_happened = forms.CharField(label="差错经过", widget=forms.Textarea(attrs={"rows": 4}))
    cause = forms.CharField(label="原因分析", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    corrective_action = forms.CharField(label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    lesson = forms.CharField(label="经验教训", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="核实后在经验教训库中可查，并在同类工作页面提示")

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = entry_people()
        self.fields["unit"].queryset = entry_units()
        self.fields["date"].widget.attrs["max"] = f"{today:%Y-%m-%d}"
        if not self.is_bound:
            self.initial.setdefault("date", today)


class AccountForm(forms.Form):
    text = forms.CharField(label="我的说明", widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="核实前可补充说明经过和原因；核实后不能再修改")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "account")
        super().__init__(*args, **kwargs)


STEP_LABELS = {"verify": "核实", "publish": "通报", "rectify": "整改完成"}
STEP_HINTS = {
    "verify": "核实后差错计入统计，当事人不能再补充说明。",
    "publish": "通报后系统生成《差错通报》PDF。",
    "rectify": "整改措施已落实，登记整改完成。",
}


class StepForm(forms.Form):
    """One step of the entry: an optional comment and the confirmation tick."""

    comment = forms.CharField(label="意见（可不填）", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(label="确认", required=True)

    def __init__(self, *args, action: str, **kwargs):
        kwargs.setdefault("prefix", action)
        super().__init__(*args, **kwargs)
        self.action = action
        self.label = STEP_LABELS[action]
        self.hint = STEP_HINTS[action]
        self.fields["confirm"].label = f"我已核对，确认{self.label}"
        self.fields["confirm"].error_messages["required"] = f"请勾选“确认{self.label}”后再提交"


# --- proposals ---------------------------------------------------------------------------------------


class ProposalConfirmForm(forms.Form):
    people = PeopleChoiceField(label="当事人", queryset=Person.objects.none(), widget=PrerenderedSelectMultiple(attrs={"size": 5}))
    severity = forms.ChoiceField(label="程度", choices=Severity.choices, initial=Severity.MINOR)
    unit = forms.ModelChoiceField(label="责任单位", required=False, queryset=Unit.objects.none(), empty_label="请选择",
                                  widget=PrerenderedSelect)
    what_happened = forms.CharField(label="差错经过", widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label="确认登记为差错（同时核实）", required=True,
                                 error_messages={"required": "请勾选“确认登记为差错”后再提交"})

    def __init__(self, *args, proposal, people_choices=None, unit_choices=None, **kwargs):
        """people_choices / unit_choices: choices_of(...) computed once for a page of
        forms (unit_choices with its empty label), so rendering many forms neither queries
        nor renders the options once per form."""
        kwargs.setdefault("prefix", f"confirm-{proposal.pk}")
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.fields["people"].queryset = entry_people()
        if people_choices is not None:
            self.fields["people"].widget.choices = people_choices
        if proposal.unit_id:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = entry_units()
            if unit_choices is not None:
                self.fields["unit"].widget.choices = unit_choices
            self.fields["unit"].required = True
            self.fields["unit"].help_text = "线索未带责任单位，请选择"
        if not self.is_bound:
            self.initial["what_happened"] = proposal.summary


class ProposalDismissForm(forms.Form):
    reason = forms.CharField(label="排除理由", max_length=300, widget=forms.TextInput(attrs={"placeholder": "如：延期已获批准、系统数据有误"}))

    def __init__(self, *args, proposal, **kwargs):
        kwargs.setdefault("prefix", f"dismiss-{proposal.pk}")
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.fields["reason"].widget.attrs["required"] = True


# --- statistics --------------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    start = forms.DateField(label="发生日期自", widget=DATE_INPUT)
    end = forms.DateField(label="至", widget=DATE_INPUT)

    def __init__(self, data=None, *, today: datetime.date):
        self.defaults = {"start": today.replace(month=1, day=1), "end": today}
        if data is not None and not (data.get("start") or data.get("end")):
            data = None
        super().__init__(data, initial=self.defaults)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            raise forms.ValidationError("结束日期不能早于开始日期")
        return cleaned

    def period(self) -> tuple[datetime.date, datetime.date]:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.defaults["start"], self.defaults["end"]


def parse_month(text: str | None) -> datetime.date | None:
    try:
        return datetime.datetime.strptime((text or "").strip(), "%Y-%m").date()
    except ValueError:
        return None


class MonthForm(forms.Form):
    month = forms.CharField(label="月份", widget=forms.DateInput(attrs={"type": "month"}))

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_month(self):
        start = parse_month(self.cleaned_data["month"])
        if start is None:
            raise forms.ValidationError("月份格式应为 2026-03")
        if start > self.today:
            raise forms.ValidationError("所选月份尚未开始")
        return start


class LessonSearchForm(forms.Form):
    q = forms.CharField(label="查找", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "如：标点、通知、用车、时限"}))
    category = forms.ChoiceField(label="类别", required=False, choices=[("", "全部类别")] + list(Category.choices))


# --- leave ---------------------------------------------------------------------------------------------


class LeaveForm(forms.Form):
    person = PersonChoiceField(label="请假人", queryset=Person.objects.none(), empty_label="请选择")
    leave_type = forms.ChoiceField(label="类别", choices=LeaveType.choices)
    start = forms.DateField(label="起", widget=DATE_INPUT)
    end = forms.DateField(label="止", widget=DATE_INPUT)
    reason = forms.CharField(label="事由", max_length=300)

    def __init__(self, *args, user, person=None, for_others: bool, today: datetime.date, **kwargs):
        kwargs.setdefault("prefix", "leave")
        super().__init__(*args, **kwargs)
        if for_others:
            self.fields["person"].queryset = selectors.rota_people()
            self.fields["person"].help_text = "值班室登记备查；审批人按职级自动确定"
        else:
            self.fields["person"].queryset = Person.objects.filter(pk=person.pk if person else None).select_related("unit")
            self.fields["person"].empty_label = None
            self.initial["person"] = person.pk if person else None
        if not self.is_bound:
            self.initial.setdefault("start", today)
            self.initial.setdefault("end", today)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "结束日期不能早于开始日期")
        return cleaned


class LeaveFilterForm(forms.Form):
    when = forms.ChoiceField(label="时间", required=False, choices=[("", "全部")] + list(selectors.LEAVE_WHEN.items()))


# --- the duty roster -------------------------------------------------------------------------------------


def parse_dates(text: str) -> list[datetime.date]:
    """"2026-10-01, 2026-10-02" or one a line → dates; raises ValueError on a bad one."""
    found = []
    for part in re.split(r"[\s,，、;；]+", text or ""):
        if part:
            found.append(datetime.datetime.strptime(part, "%Y-%m-%d").date())
    return sorted(set(found))


class RosterForm(forms.Form):
    rota = PeopleChoiceField(label="轮值人员", queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple,
                             help_text="按列表顺序轮流值班；当天请假的人员自动跳过")
    start = forms.DateField(label="排班自", widget=DATE_INPUT)
    end = forms.DateField(label="至", widget=DATE_INPUT)
    full_days = forms.CharField(
        label="24小时值班日期（特殊时期）", required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "如：2026-10-01, 2026-10-02"}),
        help_text="节假日、双休日自动安排白班；特殊时期的日期安排24小时值班，用逗号或换行分隔",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "roster")
        super().__init__(*args, **kwargs)
        self.fields["rota"].queryset = selectors.rota_people()

    def clean_full_days(self):
        try:
            return parse_dates(self.cleaned_data.get("full_days", ""))
        except ValueError:
            raise forms.ValidationError("日期格式应为 2026-10-01，多个日期用逗号分隔") from None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "结束日期不能早于开始日期")
            elif (end - start).days > 366:
                self.add_error("end", "一次最多排一年")
            outside = [day for day in cleaned.get("full_days") or [] if not start <= day <= end]
            if outside:
                self.add_error("full_days", f"{outside[0]:%Y-%m-%d} 不在排班期间内")
        return cleaned


class ShiftChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.date:%Y-%m-%d} {obj.get_kind_display()} {obj.person.name}"


class SwapForm(forms.Form):
    shift = ShiftChoiceField(label="班次", queryset=None, empty_label="请选择", widget=PrerenderedSelect)
    substitute = PersonChoiceField(label="替班人", queryset=Person.objects.none(), empty_label="请选择", widget=PrerenderedSelect)
    reason = forms.CharField(label="原因", max_length=200)

    def __init__(self, *args, shifts, **kwargs):
        kwargs.setdefault("prefix", "swap")
        super().__init__(*args, **kwargs)
        self.fields["shift"].queryset = shifts
        self.fields["substitute"].queryset = selectors.rota_people()


class DutyLogForm(forms.Form):
    text = forms.CharField(label="值班记录", required=False, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text="来电、来访、突发事件及处理情况，交接事项")
    hand_over = forms.BooleanField(label="交班（交班后记录不能再修改）", required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "log")
        super().__init__(*args, **kwargs)


first_error = _first_error
