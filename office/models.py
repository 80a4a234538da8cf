"""The office's core records: units, people, terms, the calendar table,
number counters and notifications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Unit(models.Model):  # 单位：办公室、委室/工委、领导办公室
    class Kind(models.TextChoices):
        OFFICE = "office", "办公室"
        COMMITTEE = "committee", "委室/工委"
        LEADERSHIP = "leadership", "领导办公室"
        EXTERNAL = "external", "外单位"

    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.COMMITTEE)
    order = models.PositiveIntegerField("排序", default=100, help_text="数字小的排在前面")
    phone = models.CharField("电话", max_length=30, blank=True)
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    @property
    def label(self):
        return self.short_name or self.name


class PersonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_protocol_order(self):
        return self.order_by("protocol_rank", "name", "id")


class Person(models.Model):  # 人员：工作人员（可登录）与组成人员、代表、列席人员（不登录）
    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    name = models.CharField("姓名", max_length=50, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, null=True, blank=True, related_name="people")
    post = models.CharField("职务", max_length=100, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    id_code = models.CharField("编号", max_length=30, blank=True, db_index=True, help_text="代表证号或工作证号，签到时可按编号查找")
    protocol_rank = models.PositiveIntegerField(
        "排序号", default=1000, db_index=True, help_text="礼宾排序：数字小者在前，用于名单、座次、桌签"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="登录账号", on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )
    is_active = models.BooleanField("在职/在任", default=True)
    note = models.CharField("备注", max_length=200, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "人员"
        ordering = ["protocol_rank", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["id_code"], condition=~Q(id_code=""), name="person_id_code_unique"),
        ]
        indexes = [models.Index(fields=["is_active", "protocol_rank"], name="person_active_rank")]  # the people list

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("office:person_detail", args=[self.pk])


class Term(models.Model):  # 届次
    number = models.PositiveSmallIntegerField("届次", unique=True)
    start_date = models.DateField("起始日期")
    end_date = models.DateField("终止日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "届次"
        ordering = ["-number"]

    def __str__(self):
        return f"第{chinese_numeral(self.number)}届"

    @classmethod
    def current(cls, on_date):
        return (
            cls.objects.filter(start_date__lte=on_date)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on_date))
            .order_by("-number")
            .first()
        )


class Body(models.TextChoices):  # 机构：决定会议的出席人员和法定人数
    CONGRESS = "congress", "人民代表大会（代表）"
    STANDING_COMMITTEE = "standing", "常委会组成人员"
    COUNCIL = "council", "主任会议组成人员"


class MembershipQuerySet(models.QuerySet):
    def on(self, on_date):
        """Memberships in force on a date: vacancies and later appointments excluded."""
        return self.filter(start_date__lte=on_date).filter(Q(end_date__isnull=True) | Q(end_date__gte=on_date))


class Membership(models.Model):  # 任职：某人在某届某机构中的身份
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE, related_name="memberships")
    term = models.ForeignKey(Term, verbose_name="届次", on_delete=models.PROTECT, related_name="memberships")
    body = models.CharField("机构", max_length=20, choices=Body.choices)
    title = models.CharField("身份", max_length=50, blank=True, help_text="如：主任、副主任、秘书长、委员、代表")
    start_date = models.DateField("任职起")
    end_date = models.DateField("任职止", null=True, blank=True, help_text="空表示仍在任")

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "任职"
        ordering = ["term", "body", "person__protocol_rank"]
        indexes = [models.Index(fields=["body", "start_date", "end_date"])]

    def __str__(self):
        return f"{self.person}（{self.term}{self.get_body_display()}{self.title}）"


class CalendarDay(models.Model):  # 节假日与调休表：优先于 chinese_calendar
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假"
        WORKDAY = "workday", "调休上班"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=50, blank=True, help_text="如：元旦、春节")

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class Counter(models.Model):  # 编号计数器：每个序列每年一行
    series = models.CharField("序列", max_length=50)
    year = models.PositiveSmallIntegerField("年度")
    last_value = models.PositiveIntegerField("已用到", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "编号计数器"
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="counter_series_year_unique")]

    def __str__(self):
        return f"{self.series} {self.year}: {self.last_value}"


class Message(models.Model):  # 站内消息：每个事件对每个收件人只有一条
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="收件人", on_delete=models.CASCADE, related_name="messages")
    event_key = models.CharField("事件", max_length=200)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    attachments = models.JSONField("附件", default=list, blank=True, help_text="媒体目录下的相对路径")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["event_key", "recipient"], name="message_once_per_recipient")]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["recipient", "-created_at"])]

    def __str__(self):
        return self.subject


class Delivery(models.Model):  # 投递记录（发件箱）：消息经某渠道送出一次
    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "失败"
        SKIPPED = "skipped", "无需发送"

    message = models.ForeignKey(Message, verbose_name="消息", on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("渠道", max_length=20)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    claimed_at = models.DateTimeField("领取时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "投递记录"
        constraints = [models.UniqueConstraint(fields=["message", "channel"], name="delivery_once_per_channel")]
        indexes = [models.Index(fields=["status", "claimed_at"])]

    def __str__(self):
        return f"{self.message} → {self.channel}: {self.get_status_display()}"


_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """A count as written in meeting names and seat rows: 16 → 十六, 105 → 一百零五, 1010 → 一千零一十."""
    if number < 0:
        raise ValueError(number)
    if number == 0:
        return _DIGITS[0]
    high, low = divmod(number, 10000)
    if not high:
        return _below_ten_thousand(low, leading=True)
    words = chinese_numeral(high) + "万"
    if low:
        words += ("零" if low < 1000 else "") + _below_ten_thousand(low, leading=False)
    return words


def _below_ten_thousand(number: int, leading: bool) -> str:
    words, pending_zero, started = "", False, False
    for digit, unit in zip((number // 1000, number // 100 % 10, number // 10 % 10, number % 10), ("千", "百", "十", "")):
        if digit == 0:
            pending_zero = started
            continue
        if pending_zero:
            words += "零"
            pending_zero = False
        # 十六 at the start of a number, but 一百一十 inside one.
        words += unit if (unit == "十" and digit == 1 and leading and not started) else _DIGITS[digit] + unit
        started = True
    return words


class WorkflowLog(models.Model):  # 流转记录：每一步谁、何时、从哪到哪、意见
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    action = models.CharField("操作", max_length=30)
    action_label = models.CharField("操作名称", max_length=30)
    from_state = models.CharField("原状态", max_length=30, blank=True)
    to_state = models.CharField("新状态", max_length=30, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    comment = models.TextField("意见", blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "流转记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.action_label} {self.from_state}→{self.to_state}"


class NightlyReport(models.Model):  # 工作日报：每晚每位收件人一份，发送一次
    date = models.DateField("日期")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="收件人", on_delete=models.CASCADE, related_name="nightly_reports")
    claimed_at = models.DateTimeField("认领时间", default=timezone.now)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    late = models.BooleanField("补发", default=False)
    subject = models.CharField("主题", max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "工作日报"
        ordering = ["-date", "recipient"]
        constraints = [models.UniqueConstraint(fields=["date", "recipient"], name="nightly_report_once")]
        indexes = [models.Index(fields=["recipient", "-date"], name="nightly_report_recipient_date")]

    def __str__(self):
        return self.subject


class WebhookConfig(models.Model):  # 工作群机器人（企业微信 / 钉钉），按单位配置
    class Kind(models.TextChoices):
        WECOM = "wecom", "企业微信"
        DINGTALK = "dingtalk", "钉钉"

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="webhooks")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    url = models.URLField("Webhook 地址", max_length=500)
    secret = models.CharField("加签密钥（钉钉）", max_length=200, blank=True)
    enabled = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作群机器人"
        ordering = ["unit", "kind"]

    def __str__(self):
        return f"{self.unit.label}{self.get_kind_display()}群机器人"


class WebhookPost(models.Model):  # 机器人发送记录：每个群每个事件一次，用于限流
    config = models.ForeignKey(WebhookConfig, on_delete=models.CASCADE, related_name="posts")
    event_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["config", "event_key"], name="webhook_post_once")]
        indexes = [models.Index(fields=["config", "sent_at"])]


class ChannelPreference(models.Model):  # 个人选择接收哪些渠道
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_preferences")
    channel = models.CharField("渠道", max_length=20)
    enabled = models.BooleanField("接收", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知渠道偏好"
        constraints = [models.UniqueConstraint(fields=["user", "channel"], name="channel_preference_once")]
