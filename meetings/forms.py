"""办会 forms. They check input only; every rule and every save is in services.py.

Forms repeated on a page (one per agenda item, opinion or participant) take their
choices as lists the view reads once, so a page with forty rows still costs the
same few queries as a page with four.
"""


from django import forms
from django.utils import timezone

from logistics.models import Room
from meetings.models import Kind, Reply, Role, State
from meetings.selectors import MeetingFilters
from office.forms import DateTimeField
from office.models import Body, Person, Term
from office.uploads import MB, validate_upload
from supervision.forms import urgency_choices, user_label

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def person_label(person) -> str:
    """张三（财经工委 · 常委会委员）."""
    details = " · ".join(part for part in (person.unit.label if person.unit_id else "", person.post) if part)
    return f"{person.name}（{details}）" if details else person.name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects the view has already read (no query per form)."""

    def __init__(self, *, objects=(), label_of=str, empty_label=None, **kwargs):
        super().__init__(**kwargs)
        self.set_objects(objects, label_of, empty_label)

    def set_objects(self, objects, label_of=str, empty_label=None):
        self.objects = {str(obj.pk): obj for obj in objects}
        choices = [(key, label_of(obj)) for key, obj in self.objects.items()]
        self.choices = ([("", empty_label)] if empty_label is not None else []) + choices

    def clean(self, value):
        key = super().clean(value)
        return self.objects.get(key) if key else None


class ObjectMultipleChoiceField(forms.MultipleChoiceField):
    def __init__(self, *, objects=(), label_of=str, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(**kwargs)
        self.set_objects(objects, label_of)

    def set_objects(self, objects, label_of=str):
        self.objects = {str(obj.pk): obj for obj in objects}
        self.choices = [(key, label_of(obj)) for key, obj in self.objects.items()]

    def clean(self, value):
        return [self.objects[key] for key in super().clean(value)]


# --- the list's filters ----------------------------------------------------------------


class MeetingFilterForm(forms.Form):
    q = forms.CharField(
        label="查找", required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "会议主题或议题"}),
    )
    kind = forms.ChoiceField(label="会议类别", required=False, choices=[("", "全部类别")] + list(Kind.choices))
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态")] + list(State.choices))
    start_from = forms.DateField(label="会期自", required=False, widget=DATE_INPUT)
    start_to = forms.DateField(label="至", required=False, widget=DATE_INPUT)
    mine = forms.BooleanField(label="我的会议", required=False, help_text="我召集或受邀参加的")

    def filters(self) -> MeetingFilters:
        """The valid part of the input: a bad field is reported and ignored, not fatal."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return MeetingFilters(**{name: data[name] for name in MeetingFilters.__dataclass_fields__ if data.get(name)})


# --- creating and editing a meeting --------------------------------------------------------


class MeetingForm(forms.Form):
    """新建 (with kind and term) or 修改 (times, place, convener, subject). The view passes
    service_data() to meeting_create / meeting_update; this form never saves."""

    kind = forms.ChoiceField(label="会议类别", choices=[("", "请选择")] + list(Kind.choices))
    term = forms.ModelChoiceField(label="届次", queryset=Term.objects.all(), empty_label=None)
    subject = forms.CharField(
        label="会议主题（可不填）", required=False, max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "如：审议区级预算调整方案"}),
    )
    start = DateTimeField(label="开始时间", widget=DATETIME_INPUT)
    end = DateTimeField(label="结束时间", widget=DATETIME_INPUT)
    room = forms.ModelChoiceField(
        label="会议室", required=False, queryset=Room.objects.filter(is_active=True), empty_label="（不在本机关会议室）",
    )
    venue = forms.CharField(label="其他地点", required=False, max_length=100, help_text="不在本机关会议室时填写")
    convener = PersonChoiceField(label="召集人/主持人", queryset=Person.objects.none(), empty_label="请选择")

    EDIT_FIELDS = ("subject", "start", "end", "room", "venue", "convener")

    def __init__(self, *args, meeting=None, **kwargs):
        if meeting is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "subject": meeting.subject, "room": meeting.room_id, "venue": meeting.venue, "convener": meeting.convener_id,
                "start": timezone.localtime(meeting.start), "end": timezone.localtime(meeting.end),
            }
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["convener"].queryset = Person.objects.active().select_related("unit").order_by("protocol_rank", "name", "id")
        if meeting is not None:
            del self.fields["kind"], self.fields["term"]
        elif not self.is_bound:
            current = Term.current(timezone.localdate())
            if current is not None:
                self.initial.setdefault("term", current.pk)

    def offer_confirmation(self):
        """After a ClashWarning: the tick that saves anyway."""
        self.fields["confirm_clashes"] = forms.BooleanField(
            label="仍然保存", required=False, help_text="已知悉上述领导日程冲突，仍按此时间安排",
        )

    def service_data(self) -> dict:
        names = self.EDIT_FIELDS if self.meeting is not None else ("kind", "term", *self.EDIT_FIELDS)
        data = {name: self.cleaned_data[name] for name in names}
        data["venue"] = data["venue"].strip()
        data["confirm_clashes"] = bool(self.data.get("confirm_clashes"))
        return data


# --- the meeting page's actions ------------------------------------------------------------


class TransitionForm(forms.Form):
    """One workflow button with its confirmation tick (and an optional note when approving)."""

    comment = forms.CharField(label="审批意见（可不填）", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(label="确认", required=True)

    def __init__(self, *args, transition, **kwargs):
        kwargs.setdefault("prefix", transition.action)
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition.action != "approve_plan":
            del self.fields["comment"]
        self.fields["confirm"].label = f"我已核对，确认{transition.label}"
        self.fields["confirm"].error_messages["required"] = f"请勾选“确认{transition.label}”后再提交"


class AgendaItemForm(forms.Form):
    title = forms.CharField(label="议题", max_length=300, widget=forms.TextInput(attrs={"placeholder": "如：审议区人民政府关于……的报告"}))
    sponsor = ObjectChoiceField(label="提请单位", required=False)
    sponsor_text = forms.CharField(label="提请单位（外单位）", required=False, max_length=100, help_text="如：区人民政府、区人民法院")
    reporter = forms.CharField(label="汇报人", required=False, max_length=100, help_text="姓名及职务")
    to_vote = forms.BooleanField(label="表决事项", required=False)

    def __init__(self, *args, units=(), item=None, **kwargs):
        kwargs.setdefault("prefix", "agenda")
        if item is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "title": item.title, "sponsor": str(item.sponsor_id or ""), "sponsor_text": item.sponsor_text,
                "reporter": item.reporter, "to_vote": item.to_vote,
            }
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].set_objects(units, lambda unit: unit.name, empty_label="（外单位，填写下栏）")

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["sponsor_text"] = "" if data["sponsor"] else data["sponsor_text"].strip()
        data["reporter"] = data["reporter"].strip()
        return data


class MaterialForm(forms.Form):
    MAX_BYTES = 30 * MB
    EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".ofd", ".txt", ".jpg", ".jpeg", ".png")

    title = forms.CharField(label="材料名称（可不填，默认用文件名）", required=False, max_length=200)
    file = forms.FileField(
        label="文件", help_text="PDF、Word、Excel、PPT、WPS、OFD、TXT 或图片，不超过 30 MB",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )

    def clean_file(self):
        return validate_upload(
            self.cleaned_data["file"], extensions=self.EXTENSIONS, max_bytes=self.MAX_BYTES,
            kinds_label="PDF、Word、Excel、PPT、WPS、OFD、TXT 或图片文件",
        )


class VoteForm(forms.Form):
    yes = forms.IntegerField(label="赞成", min_value=0, max_value=10_000)
    no = forms.IntegerField(label="反对", min_value=0, max_value=10_000, initial=0)
    abstain = forms.IntegerField(label="弃权", min_value=0, max_value=10_000, initial=0)
    not_voting = forms.IntegerField(label="未按表决器", min_value=0, max_value=10_000, initial=0)

    def __init__(self, *args, vote=None, **kwargs):
        if vote is not None and not kwargs.get("initial"):
            kwargs["initial"] = {"yes": vote.yes, "no": vote.no, "abstain": vote.abstain, "not_voting": vote.not_voting}
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"inputmode": "numeric", "class": "count"})


class OpinionForm(forms.Form):
    text = forms.CharField(label="审议意见", widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = ObjectChoiceField(label="主办单位")
    co_units = ObjectMultipleChoiceField(label="协办单位", required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].set_objects(units, lambda unit: unit.label, empty_label="请选择")
        self.fields["co_units"].set_objects(units, lambda unit: unit.label)


class OpinionAssignForm(forms.Form):
    """交办: the opinion becomes a 督办事项 under the 3715 rule."""

    leader = ObjectChoiceField(label="分管领导")
    urgency = forms.ChoiceField(label="紧急程度")

    def __init__(self, *args, leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].set_objects(leaders, user_label, empty_label="请选择")
        self.fields["urgency"].choices = urgency_choices()
        self.fields["urgency"].initial = "normal"


# --- participants ---------------------------------------------------------------------------


class InviteForm(forms.Form):
    people = ObjectMultipleChoiceField(label="选择人员")
    role = forms.ChoiceField(label="身份", choices=Role.choices, initial=Role.ATTEND, widget=forms.RadioSelect)

    def __init__(self, *args, candidates=(), **kwargs):
        kwargs.setdefault("prefix", "invite")
        super().__init__(*args, **kwargs)
        self.fields["people"].set_objects(candidates, person_label)
        self.fields["people"].error_messages["required"] = "请至少选择一人"

    def offer_confirmation(self):
        """After a ClashWarning: the tick that invites anyway."""
        self.fields["confirm_clashes"] = forms.BooleanField(
            label="仍然邀请", required=False, help_text="已知悉上述领导日程冲突，仍邀请其参会",
        )

    def confirmed(self) -> bool:
        return bool(self.data.get(self.add_prefix("confirm_clashes")))


class PeopleSearchForm(forms.Form):
    find = forms.CharField(
        label="查找人员", required=False, max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "姓名、编号、单位或职务"}),
    )


class ReplyForm(forms.Form):
    """参会 or 请假 with a reason: staff for someone, or the invitee by their link."""

    reply = forms.ChoiceField(label="回复", choices=[(Reply.ATTEND, "参会"), (Reply.LEAVE, "请假")], widget=forms.RadioSelect)
    reason = forms.CharField(label="请假事由", required=False, max_length=200, help_text="请假时必填")

    def __init__(self, *args, participant=None, **kwargs):
        if participant is not None and not kwargs.get("initial") and participant.reply != Reply.PENDING:
            kwargs["initial"] = {"reply": participant.reply, "reason": participant.leave_reason}
        super().__init__(*args, **kwargs)


class SignInSearchForm(forms.Form):
    q = forms.CharField(
        label="姓名或编号", required=False, max_length=50,
        widget=forms.TextInput(attrs={
            "type": "search", "autofocus": True, "autocomplete": "off", "enterkeyhint": "search",
            "placeholder": "输入姓名或代表证号/编号",
        }),
    )


class AttendanceForm(forms.Form):
    body = forms.ChoiceField(label="机构", choices=Body.choices, initial=Body.STANDING_COMMITTEE)

    def body_value(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["body"]
        return Body.STANDING_COMMITTEE
