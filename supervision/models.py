"""督办: supervision items from 挂号 to 销号."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse

from office.models import Person, Unit
from office.numbering import number_format

NUMBER_PREFIX = "督"
NUMBER_SERIES = "supervision"


class State(models.TextChoices):
    REGISTERED = "registered", "已挂号"
    ASSIGNED = "assigned", "已交办"
    IN_PROGRESS = "in_progress", "办理中"
    REPORTED = "reported", "已报结"
    CLOSED = "closed", "已销号"


# Items a unit is still working on: their deadline runs.
OPEN_STATES = (State.ASSIGNED, State.IN_PROGRESS)


class Source(models.TextChoices):
    MEETING = "meeting", "会议决定/审议意见"
    COUNCIL = "council", "主任会议交办"
    INSTRUCTION = "instruction", "领导批示"
    SUGGESTION = "suggestion", "代表建议"
    ABOVE = "above", "上级交办"
    OTHER = "other", "其他"


class Urgency(models.TextChoices):
    URGENT = "urgent", "紧急"
    NORMAL = "normal", "一般"
    COMPLEX = "complex", "复杂"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Light(models.TextChoices):
    GREEN = "green", "正常"
    YELLOW = "yellow", "临期"
    RED = "red", "逾期"


class SupervisionItem(models.Model):  # 督办事项
    year = models.PositiveSmallIntegerField("年度", editable=False)
    serial = models.PositiveIntegerField("序号", editable=False)
    title = models.CharField("事项", max_length=200)
    requirements = models.TextField("办理要求")
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    source_detail = models.CharField("来源说明", max_length=200, blank=True, help_text="如：区十六届人大常委会第二十次会议审议意见")
    # The record it came from (a review opinion, a leader's 批示), linked both ways.
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_object = GenericForeignKey("source_type", "source_id")
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    lead_unit = models.ForeignKey(Unit, verbose_name="主办单位", on_delete=models.PROTECT, related_name="supervision_led")
    co_units = models.ManyToManyField(Unit, verbose_name="协办单位", blank=True, related_name="supervision_assisted")
    responsible = models.ForeignKey(Person, verbose_name="责任人", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="督办人", on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="分管领导", on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.REGISTERED, db_index=True)
    assigned_on = models.DateField("交办日期", null=True, blank=True)
    deadline = models.DateField("办理期限", null=True, blank=True)
    original_deadline = models.DateField("原定期限", null=True, blank=True)
    deadline_override = models.DateField("指定期限", null=True, blank=True, help_text="不按3715规则时填写")
    deadline_override_reason = models.CharField("指定期限理由", max_length=200, blank=True)
    reported_on = models.DateField("报结日期", null=True, blank=True)
    completion_report = models.TextField("办结报告", blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "督办事项"
        ordering = ["-year", "-serial"]
        constraints = [models.UniqueConstraint(fields=["year", "serial"], name="supervision_number_unique")]
        indexes = [
            # The reminder sweep: open items by deadline.
            models.Index(fields=["state", "deadline"], name="supervision_state_deadline"),
            models.Index(fields=["lead_unit", "state"], name="supervision_unit_state"),
            models.Index(fields=["assigned_on"], name="supervision_assigned_on"),
            models.Index(fields=["closed_on"], name="supervision_closed_on"),
            models.Index(fields=["source_type", "source_id"], name="supervision_source"),
            # The register's filters by 来源 and 紧急程度 over a period of assignment.
            models.Index(fields=["source", "assigned_on"], name="supervision_source_assigned"),
            models.Index(fields=["urgency", "assigned_on"], name="supervision_urgency_assigned"),
            # The register's 已销号 part, newest number first (selectors.item_register).
            models.Index(fields=["state", "-year", "-serial"], name="supervision_state_number"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return number_format(prefix=NUMBER_PREFIX, year=self.year, value=self.serial)

    def get_absolute_url(self):
        return reverse("supervision:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def on_time(self) -> bool | None:
        """Whether the completion was reported by the deadline (None while not reported)."""
        if self.reported_on is None or self.deadline is None:
            return None
        return self.reported_on <= self.deadline

    def unit_ids(self) -> set[int]:
        return {self.lead_unit_id, *(unit.pk for unit in self.co_units.all())}


class ProgressReport(models.Model):  # 进展反馈
    item = models.ForeignKey(SupervisionItem, verbose_name="督办事项", on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name="反馈单位", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="反馈人", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("进展情况")
    attachment = models.FileField("附件", upload_to="supervision/reports/%Y/", blank=True)
    created_at = models.DateTimeField("反馈时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "进展反馈"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["item", "created_at"], name="progress_item_created")]

    def __str__(self):
        return f"{self.item.number} 进展反馈"


class Extension(models.Model):  # 延期申请
    class Decision(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"
        WITHDRAWN = "withdrawn", "已撤销"

    item = models.ForeignKey(SupervisionItem, verbose_name="督办事项", on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    reason = models.TextField("延期理由")
    old_deadline = models.DateField("原期限")
    new_deadline = models.DateField("申请延至")
    decision = models.CharField("审批结果", max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_comment = models.CharField("审批意见", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "延期申请"
        ordering = ["requested_at", "id"]
        constraints = [
            # One pending request per item at a time.
            models.UniqueConstraint(fields=["item"], condition=Q(decision="pending"), name="extension_one_pending"),
        ]

    def __str__(self):
        return f"{self.item.number} 延期至 {self.new_deadline}"
