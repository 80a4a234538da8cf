"""作风: the conduct code's error log (差错登记) with proposals and lessons, leave,
the duty roster, and the end-of-day check."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse


class Category(models.TextChoices):
    DOCUMENTS = "documents", "办文"
    MEETINGS = "meetings", "办会"
    AFFAIRS = "affairs", "办事"


class SubKind(models.TextChoices):
    TEXT = "text", "文字及标点"
    DELAY = "delay", "时限延误"
    PROCEDURE = "procedure", "程序"
    MEETING = "meeting", "会务"
    RECEPTION = "reception", "接待"
    VEHICLE = "vehicle", "用车"
    SECRECY = "secrecy", "保密"
    OTHER = "other", "其他"


class Severity(models.TextChoices):
    MINOR = "minor", "一般"
    SERIOUS = "serious", "较重"
    GRAVE = "grave", "严重"


class EntryState(models.TextChoices):
    REGISTERED = "registered", "登记"
    VERIFIED = "verified", "核实"
    PUBLISHED = "published", "通报"
    RECTIFIED = "rectified", "整改完成"


class ErrorEntry(models.Model):  # 差错登记
    date = models.DateField("发生日期")
    people = models.ManyToManyField("office.Person", verbose_name="当事人", related_name="error_entries")
    unit = models.ForeignKey("office.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    sub_kind = models.CharField("具体类型", max_length=12, choices=SubKind.choices)
    severity = models.CharField("程度", max_length=10, choices=Severity.choices, default=Severity.MINOR)
    # The record it concerns (a document, meeting, trip, supervision item), shown on that record's page.
    concerns_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    concerns_id = models.PositiveBigIntegerField(null=True, blank=True)
    concerns = GenericForeignKey("concerns_type", "concerns_id")
    concerns_label = models.CharField("涉及事项", max_length=200, blank=True)
    what_happened = models.TextField("差错经过")
    cause = models.TextField("原因分析", blank=True)
    corrective_action = models.TextField("整改措施", blank=True)
    lesson = models.TextField("经验教训", blank=True)
    account = models.TextField("当事人说明", blank=True, help_text="当事人在核实前可补充说明")
    state = models.CharField("状态", max_length=12, choices=EntryState.choices, default=EntryState.REGISTERED, db_index=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核实人", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    confirmed_at = models.DateTimeField("核实时间", null=True, blank=True)
    published_at = models.DateTimeField("通报时间", null=True, blank=True)
    bulletin = models.FileField("通报", upload_to="conduct/bulletins/", blank=True)
    rectified_at = models.DateTimeField("整改完成时间", null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "差错登记"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["date"]),
            models.Index(fields=["category", "date"]),
            models.Index(fields=["concerns_type", "concerns_id"]),
            # Confirmed entries over a period (statistics, lessons); a unit's entries, newest first.
            models.Index(fields=["state", "date"], name="error_state_date"),
            models.Index(fields=["unit", "-date"], name="error_unit_date"),
        ]

    def __str__(self):
        return f"{self.date} {self.get_category_display()}·{self.get_sub_kind_display()}"

    def get_absolute_url(self):
        return reverse("conduct:entry_detail", args=[self.pk])


class Proposal(models.Model):  # 系统提出的差错线索，待主任确认或排除
    class State(models.TextChoices):
        OPEN = "open", "待确认"
        CONFIRMED = "confirmed", "已登记"
        DISMISSED = "dismissed", "已排除"

    key = models.CharField("事件", max_length=120, unique=True, help_text="同一事件只提出一次，排除后不再出现")
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    sub_kind = models.CharField("具体类型", max_length=12, choices=SubKind.choices)
    unit = models.ForeignKey("office.Unit", verbose_name="单位", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    concerns_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    concerns_id = models.PositiveBigIntegerField(null=True, blank=True)
    concerns = GenericForeignKey("concerns_type", "concerns_id")
    summary = models.CharField("情况", max_length=300)
    occurred_on = models.DateField("发生日期")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN, db_index=True)
    dismiss_reason = models.CharField("排除理由", max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    entry = models.OneToOneField(ErrorEntry, verbose_name="差错登记", on_delete=models.SET_NULL, null=True, blank=True, related_name="proposal")
    created_at = models.DateTimeField("提出时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "差错线索"
        ordering = ["-created_at", "-id"]
        # Open ones by date; decided ones newest first.
        indexes = [
            models.Index(fields=["state", "occurred_on"], name="proposal_state_occurred"),
            models.Index(fields=["state", "-decided_at"], name="proposal_state_decided"),
        ]

    def __str__(self):
        return self.summary


class LeaveType(models.TextChoices):
    PERSONAL = "personal", "事假"
    SICK = "sick", "病假"
    ANNUAL = "annual", "年休假"
    BUSINESS = "business", "公差"
    OTHER = "other", "其他"


class Leave(models.Model):  # 请假登记（值班室登记备查）
    class State(models.TextChoices):
        REQUESTED = "requested", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"
        CANCELLED = "cancelled", "已销假"

    person = models.ForeignKey("office.Person", verbose_name="请假人", on_delete=models.PROTECT, related_name="leaves")
    leave_type = models.CharField("类别", max_length=10, choices=LeaveType.choices)
    start = models.DateField("起")
    end = models.DateField("止")
    reason = models.CharField("事由", max_length=300)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.REQUESTED, db_index=True)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "请假"
        ordering = ["-start", "-id"]
        indexes = [
            models.Index(fields=["state", "start", "end"]),
            models.Index(fields=["person", "-start"], name="leave_person_start"),
            models.Index(fields=["approver", "state"], name="leave_approver_state"),  # leave to approve
        ]

    def __str__(self):
        return f"{self.person} {self.get_leave_type_display()} {self.start}–{self.end}"


class DutyShift(models.Model):  # 值班
    class Kind(models.TextChoices):
        DAY = "day", "白班"
        FULL = "full", "24小时"

    date = models.DateField("日期")
    kind = models.CharField("班次", max_length=10, choices=Kind.choices, default=Kind.DAY)
    person = models.ForeignKey("office.Person", verbose_name="值班人", on_delete=models.PROTECT, related_name="duty_shifts")
    log = models.TextField("值班记录", blank=True, help_text="事件、来电、交接")
    handed_over_at = models.DateTimeField("交班时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "值班"
        ordering = ["date", "kind"]
        constraints = [models.UniqueConstraint(fields=["date", "kind"], name="one_shift_per_day_and_kind")]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.person}"


class Swap(models.Model):  # 换班申请
    class State(models.TextChoices):
        REQUESTED = "requested", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"

    shift = models.ForeignKey(DutyShift, verbose_name="原班次", on_delete=models.CASCADE, related_name="swaps")
    substitute = models.ForeignKey("office.Person", verbose_name="替班人", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("原因", max_length=200)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "换班"
        ordering = ["-created_at"]
