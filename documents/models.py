"""办文: incoming (收文) and outgoing (发文) official documents.

Follows 《党政机关公文处理工作条例》 (2012): 15 types, secrecy levels with terms,
urgency, and every step of the route recorded (office.WorkflowLog)."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from office.models import Unit
from office.numbering import number_format


class DocType(models.TextChoices):  # 公文种类（15种）
    RESOLUTION = "resolution", "决议"
    DECISION = "decision", "决定"
    ORDER = "order", "命令"
    COMMUNIQUE = "communique", "公报"
    ANNOUNCEMENT = "announcement", "公告"
    CIRCULAR = "circular", "通告"
    OPINION = "opinion", "意见"
    NOTICE = "notice", "通知"
    BULLETIN = "bulletin", "通报"
    REPORT = "report", "报告"
    REQUEST = "request", "请示"
    REPLY = "reply", "批复"
    MOTION = "motion", "议案"
    LETTER = "letter", "函"
    MINUTES = "minutes", "纪要"


class Secrecy(models.TextChoices):  # 密级
    NONE = "", "非密"
    SECRET = "secret", "秘密"
    CONFIDENTIAL = "confidential", "机密"
    TOP_SECRET = "top_secret", "绝密"


class Urgency(models.TextChoices):  # 紧急程度
    NORMAL = "", "普通"
    URGENT = "urgent", "加急"
    EXTRA_URGENT = "extra_urgent", "特急"


class InState(models.TextChoices):
    REGISTERED = "registered", "已登记"
    REJECTED = "rejected", "已退文"
    REVIEWED = "reviewed", "初审通过"
    PROPOSED = "proposed", "待批办"
    INSTRUCTED = "instructed", "已批办"
    HANDLING = "handling", "承办中"
    DONE = "done", "已办结"
    ARCHIVED = "archived", "已归档"


class OutState(models.TextChoices):
    DRAFT = "draft", "拟稿"
    CHECKED = "checked", "已核稿"
    COUNTERSIGNING = "countersigning", "会签中"
    AWAITING_SIGNATURE = "awaiting_signature", "待签发"
    SIGNED = "signed", "已签发"
    NUMBERED = "numbered", "已编号"
    SEALED = "sealed", "已用印"
    PRINTED = "printed", "已印制"
    DISTRIBUTED = "distributed", "已分发"
    ARCHIVED = "archived", "已归档"


class SecretMixin(models.Model):
    secrecy = models.CharField("密级", max_length=20, choices=Secrecy.choices, blank=True, default="", db_index=True)
    secrecy_term = models.CharField("保密期限", max_length=20, blank=True, help_text="如：10年、长期")
    urgency = models.CharField("紧急程度", max_length=20, choices=Urgency.choices, blank=True, default="")

    class Meta:
        abstract = True

    @property
    def is_secret(self) -> bool:
        return bool(self.secrecy)


class IncomingDocument(SecretMixin):  # 收文
    year = models.PositiveSmallIntegerField("年度", editable=False)
    serial = models.PositiveIntegerField("收文序号", editable=False)
    from_unit = models.CharField("来文单位", max_length=100)
    from_number = models.CharField("来文字号", max_length=60, blank=True)
    title = models.CharField("标题", max_length=300)
    doc_type = models.CharField("文种", max_length=20, choices=DocType.choices)
    copies = models.PositiveSmallIntegerField("份数", default=1)
    pages = models.PositiveSmallIntegerField("页数", default=1)
    received_on = models.DateField("收文日期")
    due_date = models.DateField("办理期限", null=True, blank=True)
    body_text = models.TextField("正文摘要/全文", blank=True, help_text="用于检索")
    state = models.CharField("状态", max_length=20, choices=InState.choices, default=InState.REGISTERED, db_index=True)
    proposal = models.TextField("拟办意见", blank=True)
    lead_unit = models.ForeignKey(Unit, verbose_name="主办单位", on_delete=models.PROTECT, null=True, blank=True, related_name="incoming_led")
    co_units = models.ManyToManyField(Unit, verbose_name="协办单位", blank=True, related_name="incoming_assisted")
    result = models.TextField("办理结果", blank=True)
    done_on = models.DateField("办结日期", null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "收文"
        ordering = ["-year", "-serial"]
        constraints = [models.UniqueConstraint(fields=["year", "serial"], name="incoming_number_unique")]
        indexes = [
            models.Index(fields=["state", "due_date"], name="incoming_state_due"),
            models.Index(fields=["received_on"], name="incoming_received_on"),
            # The register filtered by state or 文种, in number order (newest first).
            models.Index(fields=["state", "-year", "-serial"], name="incoming_state_number"),
            models.Index(fields=["doc_type", "-year", "-serial"], name="incoming_type_number"),
            # A unit's documents to handle (待承办).
            models.Index(fields=["lead_unit", "state"], name="incoming_unit_state"),
        ]
        permissions = [("view_secret_incoming", "查阅涉密收文")]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return number_format(prefix="收", year=self.year, value=self.serial)

    def get_absolute_url(self):
        return reverse("documents:incoming_detail", args=[self.pk])


class Instruction(models.Model):  # 领导批示（按顺序）
    document = models.ForeignKey(IncomingDocument, verbose_name="收文", on_delete=models.CASCADE, related_name="instructions")
    order = models.PositiveSmallIntegerField("顺序")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批示领导", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("批示", blank=True)
    signed_at = models.DateTimeField("批示时间", null=True, blank=True)
    supervision_item_id = models.PositiveBigIntegerField("督办事项", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "领导批示"
        ordering = ["document", "order"]
        constraints = [models.UniqueConstraint(fields=["document", "order"], name="instruction_order_unique")]
        # A leader's 批示 still to sign (待我批示), not all they signed in ten years.
        indexes = [models.Index(fields=["leader", "signed_at"], name="instruction_leader_pending")]

    def __str__(self):
        return f"{self.document.number} 批示 {self.order}"

    def get_absolute_url(self):
        return reverse("documents:incoming_detail", args=[self.document_id])


class Circulation(models.Model):  # 传阅
    document = models.ForeignKey(IncomingDocument, verbose_name="收文", on_delete=models.CASCADE, related_name="circulation")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="阅文人", on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="送阅人", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField("送阅时间", auto_now_add=True)
    read_at = models.DateTimeField("阅毕时间", null=True, blank=True)
    comment = models.CharField("阅文意见", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "传阅"
        ordering = ["document", "added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["document", "reader"], name="circulation_once")]
        indexes = [models.Index(fields=["reader", "read_at"])]

    def __str__(self):
        return f"{self.document.number} → {self.reader}"


class OutgoingDocument(SecretMixin):  # 发文
    doc_type = models.CharField("文种", max_length=20, choices=DocType.choices)
    title = models.CharField("标题", max_length=300)
    main_to = models.CharField("主送机关", max_length=300)
    copy_to = models.CharField("抄送机关", max_length=300, blank=True)
    body = models.TextField("正文")
    attachment_note = models.TextField("附件说明", blank=True, help_text="每行一个附件名称")
    issuer = models.CharField("发文机关", max_length=100, help_text="版头的发文机关标志，如：清河区人大常委会办公室")
    signature = models.CharField("署名", max_length=100)
    prefix = models.CharField("机关代字", max_length=20, help_text="如：清人常办发")
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True, editable=False)
    serial = models.PositiveIntegerField("发文序号", null=True, blank=True, editable=False)
    state = models.CharField("状态", max_length=20, choices=OutState.choices, default=OutState.DRAFT, db_index=True)
    drafter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="拟稿人", on_delete=models.PROTECT, related_name="+")
    drafting_unit = models.ForeignKey(Unit, verbose_name="拟稿单位", on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signed_at = models.DateTimeField("签发时间", null=True, blank=True)
    signed_on = models.DateField("成文日期", null=True, blank=True)
    printing_unit = models.CharField("印发机关", max_length=100, blank=True)
    printed_on = models.DateField("印发日期", null=True, blank=True)
    pdf = models.FileField("版式文件", upload_to="documents/outgoing/", blank=True)
    created_at = models.DateTimeField("拟稿时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "发文"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year", "serial"], name="outgoing_number_unique", condition=models.Q(serial__isnull=False)),
        ]
        indexes = [
            models.Index(fields=["state", "updated_at"], name="outgoing_state_updated"),
            # 待我处理 lists the steps still open (7 states) latest change first: read backwards.
            models.Index(fields=["-updated_at", "-id"], name="outgoing_updated"),
            # The register newest first, whole or filtered by state or 文种.
            models.Index(fields=["-created_at", "-id"], name="outgoing_created"),
            models.Index(fields=["state", "-created_at"], name="outgoing_state_created"),
            models.Index(fields=["doc_type", "-created_at"], name="outgoing_type_created"),
        ]
        permissions = [("view_secret_outgoing", "查阅涉密发文")]

    def __str__(self):
        return f"{self.number or '（未编号）'} {self.title}"

    @property
    def number(self) -> str:
        """发文字号: 清人常办发〔2026〕12号 (empty until numbered)."""
        if self.serial is None:
            return ""
        return number_format(prefix=self.prefix, year=self.year, value=self.serial)

    def get_absolute_url(self):
        return reverse("documents:outgoing_detail", args=[self.pk])


class Countersign(models.Model):  # 会签
    class Decision(models.TextChoices):
        PENDING = "pending", "待会签"
        SIGNED = "signed", "已会签"
        RETURNED = "returned", "退回修改"

    document = models.ForeignKey(OutgoingDocument, verbose_name="发文", on_delete=models.CASCADE, related_name="countersigns")
    unit = models.ForeignKey(Unit, verbose_name="会签单位", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField("会签结果", max_length=10, choices=Decision.choices, default=Decision.PENDING)
    comment = models.CharField("会签意见", max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="会签人", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField("会签时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "会签"
        constraints = [models.UniqueConstraint(fields=["document", "unit"], name="countersign_once_per_unit")]
        indexes = [models.Index(fields=["unit", "decision"], name="countersign_unit_decision")]  # 待会签

    def __str__(self):
        return f"{self.document} 会签 {self.unit}"


class Distribution(models.Model):  # 分发
    document = models.ForeignKey(OutgoingDocument, verbose_name="发文", on_delete=models.CASCADE, related_name="distribution")
    recipient = models.CharField("收文单位", max_length=100)
    copies = models.PositiveSmallIntegerField("份数", default=1)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="分发人", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    receiver_name = models.CharField("签收人", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "分发"
        ordering = ["document", "id"]

    def __str__(self):
        return f"{self.document} → {self.recipient}"


class Attachment(models.Model):  # 公文附件（收文扫描件、发文附件）
    incoming = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    outgoing = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    title = models.CharField("名称", max_length=200)
    file = models.FileField("文件", upload_to="documents/files/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "公文附件"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(incoming__isnull=False, outgoing__isnull=True) | models.Q(incoming__isnull=True, outgoing__isnull=False),
                name="attachment_belongs_to_one_document",
            )
        ]

    def __str__(self):
        return self.title


class SecretAccess(models.Model):  # 查阅登记：每次查看涉密公文
    incoming = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    outgoing = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="查阅人", on_delete=models.PROTECT, related_name="+")
    action = models.CharField("方式", max_length=20, default="查看")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "涉密公文查阅登记"
        ordering = ["-at"]
        # A document's access log, newest first.
        indexes = [
            models.Index(fields=["incoming", "-at"], name="secret_access_incoming"),
            models.Index(fields=["outgoing", "-at"], name="secret_access_outgoing"),
        ]


class Amendment(models.Model):  # 归档后的更正记录
    incoming = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="amendments")
    outgoing = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="amendments")
    field = models.CharField("更正项目", max_length=50)
    old_value = models.TextField("原内容")
    new_value = models.TextField("更正为")
    reason = models.CharField("更正理由", max_length=300)
    amended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="更正人", on_delete=models.PROTECT, related_name="+")
    amended_at = models.DateTimeField("更正时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "更正记录"
        ordering = ["amended_at"]


# Object-level grants to secret documents (django-guardian, with direct foreign
# keys so that lists can filter by a join instead of a generic lookup).
from guardian.models import UserObjectPermissionBase  # noqa: E402


class IncomingGrant(UserObjectPermissionBase):
    content_object = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = verbose_name_plural = "涉密收文授权"


class OutgoingGrant(UserObjectPermissionBase):
    content_object = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = verbose_name_plural = "涉密发文授权"
