"""办文 forms. They check input only; every rule and every save is in documents/services.py.

Choices of people and units come in as lists the view reads once, so a page with
several forms still makes a fixed number of queries.
"""


from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from documents.models import DocType, IncomingDocument, InState, OutgoingDocument, OutState, Secrecy, Urgency
from documents.selectors import IncomingFilters, OutgoingFilters, user_name
from documents.services import AMENDABLE
from office.uploads import MB, validate_upload

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DEFAULT_PREFIX = "清人常办发"


# --- choice fields over objects the view has already read -------------------------------------


class ObjectChoiceField(forms.TypedChoiceField):
    """A select over a list of objects; cleans to the object (None when left empty)."""

    def __init__(self, *, objects=(), label_from=str, empty_label="请选择", **kwargs):
        self.objects = {}
        self.label_from = label_from
        self.empty_label = empty_label
        super().__init__(coerce=self._to_object, empty_value=None, **kwargs)
        self.set_objects(objects)

    def set_objects(self, objects):
        self.objects = {str(obj.pk): obj for obj in objects}
        self.choices = [("", self.empty_label)] + [(str(obj.pk), self.label_from(obj)) for obj in objects]

    def _to_object(self, value):
        return self.objects[str(value)]

    def prepare_value(self, value):
        return getattr(value, "pk", value)


class ObjectMultipleChoiceField(forms.TypedMultipleChoiceField):
    """Ticks over a list of objects; cleans to the list of objects."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, objects=(), label_from=str, **kwargs):
        self.objects = {}
        self.label_from = label_from
        kwargs.setdefault("required", False)
        super().__init__(coerce=self._to_object, empty_value=[], **kwargs)
        self.set_objects(objects)

    def set_objects(self, objects):
        self.objects = {str(obj.pk): obj for obj in objects}
        self.choices = [(str(obj.pk), self.label_from(obj)) for obj in objects]

    def _to_object(self, value):
        return self.objects[str(value)]

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return [getattr(item, "pk", item) for item in value]
        return value


def unit_label(unit) -> str:
    return unit.name


def person_label(user) -> str:
    """姓名（单位简称）."""
    person = getattr(user, "person", None)
    if person is not None and person.unit_id and getattr(person, "unit", None) is not None:
        return f"{person.name}（{person.unit.label}）"
    return user_name(user)


# --- files ----------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once (Django's documented pattern); cleans to a list."""

    MAX_BYTES = 20 * MB
    EXTENSIONS = (".pdf", ".ofd", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".txt")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(self.EXTENSIONS)}))
        kwargs.setdefault("help_text", "扫描件或电子文件：PDF、OFD、Word/WPS、Excel、图片或 TXT，每个不超过 20 MB；可一次选择多个")
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        uploads = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if not uploads:
            single(None, initial)  # raises "required" when it is
            return []
        return [
            validate_upload(
                single(upload, initial), extensions=self.EXTENSIONS, max_bytes=self.MAX_BYTES,
                kinds_label="PDF、OFD、Word/WPS、Excel、图片或 TXT 文件",
            )
            for upload in uploads
        ]


class FileUploadForm(forms.Form):
    files = MultipleFileField(label="选择文件")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "upload")
        super().__init__(*args, **kwargs)


# --- the registers' filters -------------------------------------------------------------------

SECRECY_FILTER = [("", "全部密级"), ("plain", "非密"), ("classified", "涉密（全部）")] + [
    (value, label) for value, label in Secrecy.choices if value
]
URGENCY_FILTER = [("", "全部"), ("normal", "普通")] + [(value, label) for value, label in Urgency.choices if value]


class _FilterForm(forms.Form):
    filters_class = None

    def filters(self):
        """The valid part of the input: a bad field is reported and ignored, not fatal."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        fields = self.filters_class.__dataclass_fields__
        return self.filters_class(**{name: data[name] for name in fields if data.get(name)})

    @property
    def active(self) -> bool:
        return any(vars(self.filters()).values())


class IncomingFilterForm(_FilterForm):
    filters_class = IncomingFilters

    q = forms.CharField(
        label="查找", required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "标题、收文编号（收〔2026〕3号）、来文字号或正文"}),
    )
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态")] + list(InState.choices))
    doc_type = forms.ChoiceField(label="文种", required=False, choices=[("", "全部文种")] + list(DocType.choices))
    secrecy = forms.ChoiceField(label="密级", required=False, choices=SECRECY_FILTER)
    urgency = forms.ChoiceField(label="紧急程度", required=False, choices=URGENCY_FILTER)
    received_from = forms.DateField(label="收文日期自", required=False, widget=DATE_INPUT)
    received_to = forms.DateField(label="至", required=False, widget=DATE_INPUT)
    overdue = forms.BooleanField(label="只看逾期", required=False)


class OutgoingFilterForm(_FilterForm):
    filters_class = OutgoingFilters

    q = forms.CharField(
        label="查找", required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "标题、发文字号（清人常办发〔2026〕12号）、主送机关或正文"}),
    )
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态")] + list(OutState.choices))
    doc_type = forms.ChoiceField(label="文种", required=False, choices=[("", "全部文种")] + list(DocType.choices))
    secrecy = forms.ChoiceField(label="密级", required=False, choices=SECRECY_FILTER)
    urgency = forms.ChoiceField(label="紧急程度", required=False, choices=URGENCY_FILTER)
    drafted_from = forms.DateField(label="拟稿日期自", required=False, widget=DATE_INPUT)
    drafted_to = forms.DateField(label="至", required=False, widget=DATE_INPUT)


# --- 收文 签收登记 and 发文 拟稿 ----------------------------------------------------------------------


class _DocumentForm(forms.ModelForm):
    """The view passes `service_data()` to the register/draft/update service; never saves."""

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def save(self, commit=True):  # pragma: no cover - a guard, not a code path
        raise RuntimeError("documents are saved through documents.services, not by the form")


class IncomingForm(_DocumentForm):
    files = MultipleFileField(label="收文扫描件/电子文件（可不传）", required=False)

    class Meta:
        model = IncomingDocument
        fields = [
            "received_on", "from_unit", "from_number", "title", "doc_type", "secrecy", "secrecy_term", "urgency",
            "copies", "pages", "due_date", "body_text",
        ]
        widgets = {
            "received_on": DATE_INPUT,
            "due_date": DATE_INPUT,
            "body_text": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {"body_text": "正文摘要/全文"}

    def __init__(self, *args, with_files=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_files:
            del self.fields["files"]
        self.fields["doc_type"].choices = [("", "请选择")] + list(DocType.choices)
        self.fields["from_unit"].widget.attrs.setdefault("placeholder", "如：区人民政府办公室")
        self.fields["from_number"].widget.attrs.setdefault("placeholder", "如：区政办〔2026〕15号")
        self.fields["secrecy_term"].help_text = "涉密公文必填，如：10年、长期"
        self.fields["due_date"].help_text = "须办理的来文填写，到期前系统催办"
        self.fields["body_text"].help_text = "可粘贴正文或摘要，用于全文检索"

    def service_data(self) -> dict:
        data = super().service_data()
        for name in ("from_unit", "from_number", "title", "secrecy_term", "body_text"):
            data[name] = (data[name] or "").strip()
        return data


class OutgoingForm(_DocumentForm):
    class Meta:
        model = OutgoingDocument
        fields = [
            "doc_type", "title", "main_to", "copy_to", "body", "attachment_note", "issuer", "signature", "prefix",
            "printing_unit", "secrecy", "secrecy_term", "urgency",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 16, "class": "doc-body-input"}),
            "attachment_note": forms.Textarea(attrs={"rows": 2}),
            "main_to": forms.TextInput(),
            "copy_to": forms.TextInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound:
            office = getattr(settings, "OFFICE_NAME", "")
            self.initial.setdefault("prefix", DEFAULT_PREFIX)
            self.initial.setdefault("issuer", office)
            self.initial.setdefault("signature", office)
            self.initial.setdefault("doc_type", DocType.NOTICE)
        self.fields["doc_type"].choices = [("", "请选择")] + list(DocType.choices)
        self.fields["main_to"].widget.attrs.setdefault("placeholder", "如：各工作委员会、研究室")
        self.fields["copy_to"].widget.attrs.setdefault("placeholder", "如：区委办公室，区人民政府办公室")
        self.fields["body"].help_text = "每段一行；编号、签发后按 GB/T 9704 版式印制"
        self.fields["printing_unit"].help_text = "不填则与发文机关相同"
        self.fields["secrecy_term"].help_text = "涉密公文必填，如：10年、长期"
        self.fields["prefix"].help_text = "发文字号的机关代字，编号时生成“机关代字〔年份〕序号号”"

    def service_data(self) -> dict:
        return {name: value.strip() if isinstance(value, str) and name != "body" else value
                for name, value in super().service_data().items()}


# --- a workflow step on a document's page -------------------------------------------------------------


class ActionForm(forms.Form):
    """One workflow button: the comment the step needs (or may take) and, for steps with
    nothing to write, a confirmation tick."""

    # Steps whose comment is optional but recorded on the route.
    OPTIONAL_COMMENT = {"review": "初审意见", "check": "核稿意见", "submit": "送签说明", "sign": "签发意见"}
    # Steps that carry their own input, so no tick is asked.
    NO_CONFIRM = {"propose", "assign", "instruct"}

    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label="确认", required=True)

    def __init__(self, *args, transition, **kwargs):
        kwargs.setdefault("prefix", transition.action)
        super().__init__(*args, **kwargs)
        self.transition = transition
        comment = self.fields["comment"]
        if transition.comment_required:
            comment.label = transition.comment_label
            comment.required = True
            comment.error_messages["required"] = f"请填写{transition.comment_label}"
        elif transition.action in self.OPTIONAL_COMMENT:
            comment.label = f"{self.OPTIONAL_COMMENT[transition.action]}（可不填）"
            comment.widget.attrs["rows"] = 2
        else:
            del self.fields["comment"]
        if transition.comment_required or transition.action in self.NO_CONFIRM:
            del self.fields["confirm"]
        else:
            self.fields["confirm"].label = f"我已核对，确认{transition.label}"
            self.fields["confirm"].error_messages["required"] = f"请勾选“确认{transition.label}”后再提交"

    @property
    def comment_text(self) -> str:
        return (self.cleaned_data.get("comment") or "").strip()


class ProposeForm(ActionForm):
    """拟办: the proposal and up to three leaders, in the order they write 批示."""

    ORDINALS = ("第一", "第二", "第三")

    def __init__(self, *args, leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].widget.attrs["rows"] = 3
        self.fields["comment"].widget.attrs.setdefault("placeholder", "如：拟请李副主任阅示，交财经工委办理。")
        for index, ordinal in enumerate(self.ORDINALS, start=1):
            self.fields[f"leader_{index}"] = ObjectChoiceField(
                label=f"{ordinal}批示领导" + ("" if index == 1 else "（可不选）"), objects=leaders, label_from=user_name,
                required=index == 1, empty_label="请选择" if index == 1 else "（不选）",
                error_messages={"required": "请选择批示领导"},
            )

    @property
    def leaders(self) -> list:
        return [self.cleaned_data.get(f"leader_{index}") for index in range(1, len(self.ORDINALS) + 1)]


class AssignForm(ActionForm):
    """交承办: a lead unit always, co-units as needed."""

    def __init__(self, *args, units=(), doc=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"] = ObjectChoiceField(
            label="主办单位", objects=units, label_from=unit_label, error_messages={"required": "请指定主办单位"},
        )
        self.fields["co_units"] = ObjectMultipleChoiceField(label="协办单位（可不选）", objects=units, label_from=unit_label)
        if doc is not None and doc.lead_unit_id and not self.is_bound:
            self.initial["lead_unit"] = doc.lead_unit_id


def action_form(transition, data=None, *, leaders=(), units=(), doc=None) -> ActionForm:
    if transition.action == "propose":
        return ProposeForm(data, transition=transition, leaders=leaders)
    if transition.action == "assign":
        return AssignForm(data, transition=transition, units=units, doc=doc)
    return ActionForm(data, transition=transition)


# --- the 收文 page's other forms ----------------------------------------------------------------


class SuperviseForm(forms.Form):
    """转为督办事项 from a signed 批示."""

    def __init__(self, *args, instruction, units=(), urgency_choices=(), lead_unit_id=None, **kwargs):
        kwargs.setdefault("prefix", f"supervise-{instruction.pk}")
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"] = ObjectChoiceField(
            label="主办单位", objects=units, label_from=unit_label, error_messages={"required": "请选择主办单位"},
        )
        self.fields["co_units"] = ObjectMultipleChoiceField(label="协办单位（可不选）", objects=units, label_from=unit_label)
        self.fields["urgency"] = forms.ChoiceField(label="紧急程度", choices=list(urgency_choices), initial="normal")
        if lead_unit_id and not self.is_bound:
            self.initial["lead_unit"] = lead_unit_id


class CirculationForm(forms.Form):
    def __init__(self, *args, readers=(), **kwargs):
        kwargs.setdefault("prefix", "circulate")
        super().__init__(*args, **kwargs)
        self.fields["readers"] = ObjectMultipleChoiceField(
            label="阅文人", objects=readers, label_from=person_label, required=True,
            error_messages={"required": "请选择阅文人"},
        )


class ReadForm(forms.Form):
    comment = forms.CharField(label="阅文意见（可不填）", required=False, max_length=300, widget=forms.TextInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "read")
        super().__init__(*args, **kwargs)


class GrantForm(forms.Form):
    def __init__(self, *args, users=(), **kwargs):
        kwargs.setdefault("prefix", "grant")
        super().__init__(*args, **kwargs)
        self.fields["users"] = ObjectMultipleChoiceField(
            label="授权人员", objects=users, label_from=person_label, required=True,
            error_messages={"required": "请选择授权查阅的人员"},
        )


class AmendmentForm(forms.Form):
    """更正 of an archived document: which item, the new text, why."""

    field = forms.ChoiceField(label="更正项目")
    new_value = forms.CharField(label="更正为", widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label="更正理由", max_length=300)

    def __init__(self, *args, doc, **kwargs):
        kwargs.setdefault("prefix", "amend")
        super().__init__(*args, **kwargs)
        self.doc = doc
        kind = "incoming" if isinstance(doc, IncomingDocument) else "outgoing"
        model = type(doc)
        names = sorted(AMENDABLE[kind], key=lambda name: [f.name for f in model._meta.fields].index(name))
        self.fields["field"].choices = [("", "请选择")] + [(name, model._meta.get_field(name).verbose_name) for name in names]

    def clean(self):
        cleaned = super().clean()
        name, value = cleaned.get("field"), cleaned.get("new_value")
        if name and value is not None:
            model_field = type(self.doc)._meta.get_field(name)
            try:
                cleaned["new_value"] = model_field.clean(value.strip(), self.doc)
            except ValidationError as error:
                self.add_error("new_value", error)
        return cleaned


# --- the 发文 page's other forms ------------------------------------------------------------------


class CountersignRequestForm(forms.Form):
    def __init__(self, *args, units=(), **kwargs):
        kwargs.setdefault("prefix", "countersign")
        super().__init__(*args, **kwargs)
        self.fields["units"] = ObjectMultipleChoiceField(
            label="会签单位", objects=units, label_from=unit_label, required=True,
            error_messages={"required": "请选择会签单位"},
        )


class CountersignDecideForm(forms.Form):
    decision = forms.ChoiceField(label="会签意见", choices=[("approve", "同意（会签）"), ("return", "退回修改")],
                                 widget=forms.RadioSelect, initial="approve")
    comment = forms.CharField(label="意见（退回修改时必填）", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, countersign, **kwargs):
        kwargs.setdefault("prefix", f"cs-{countersign.pk}")
        super().__init__(*args, **kwargs)

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class DistributionForm(forms.Form):
    """分发对象: one line per recipient, copies after it (default one)."""

    recipients = forms.CharField(
        label="分发对象", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一个单位，后面可写份数，如：区财政局 2",
    )

    def __init__(self, *args, doc=None, **kwargs):
        kwargs.setdefault("prefix", "distribution")
        super().__init__(*args, **kwargs)
        if doc is not None and not self.is_bound:
            import re

            names = [name.strip() for name in re.split(r"[、，,；;。\n]", f"{doc.main_to}、{doc.copy_to}") if name.strip()]
            self.initial["recipients"] = "\n".join(f"{name} 1" for name in names)

    def clean_recipients(self) -> list[tuple[str, int]]:
        import re

        rows = []
        for line in self.cleaned_data["recipients"].splitlines():
            line = line.strip()
            if not line:
                continue
            match = re.fullmatch(r"(.+?)[\s,，:：]+(\d{1,3})\s*份?", line)
            name, copies = (match.group(1).strip(), int(match.group(2))) if match else (line, 1)
            if len(name) > 100:
                raise ValidationError(f"单位名称过长：{name[:20]}…")
            if copies < 1:
                raise ValidationError(f"{name}的份数至少为 1")
            rows.append((name, copies))
        if not rows:
            raise ValidationError("请填写分发对象")
        return rows


class DeliverForm(forms.Form):
    receiver_name = forms.CharField(label="签收人", max_length=50, widget=forms.TextInput(attrs={"placeholder": "签收人姓名"}))

    def __init__(self, *args, distribution, **kwargs):
        kwargs.setdefault("prefix", f"deliver-{distribution.pk}")
        super().__init__(*args, **kwargs)
