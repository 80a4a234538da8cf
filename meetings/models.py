"""办会: the 三会 — congress sessions, standing-committee meetings, directors' meetings."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

from office.models import Body, Person, Term, Unit, chinese_numeral


class Kind(models.TextChoices):
    CONGRESS = "congress", "人民代表大会会议"
    STANDING = "standing", "常委会会议"
    COUNCIL = "council", "主任会议"
    COUNCIL_OFFICE = "council_office", "主任办公会议"


class QuorumRule(models.TextChoices):
    MORE_THAN_HALF = "more_than_half", "全体组成人员过半数"
    TWO_THIRDS = "two_thirds", "全体组成人员三分之二以上"


class KindRule(models.Model):  # 各类会议的规则：出席机构、法定人数、通知提前天数、表决规则
    kind = models.CharField("会议类别", max_length=20, choices=Kind.choices, unique=True)
    body = models.CharField("出席人员", max_length=20, choices=Body.choices)
    quorum = models.CharField("法定人数", max_length=20, choices=QuorumRule.choices, default=QuorumRule.MORE_THAN_HALF)
    pass_rule = models.CharField("表决通过", max_length=20, choices=QuorumRule.choices, default=QuorumRule.MORE_THAN_HALF)
    notice_days = models.PositiveSmallIntegerField("通知提前天数", default=0, help_text="会议通知至迟在会前几日发出")
    notice_working_days = models.BooleanField("按工作日计", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "会议规则"
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()


def threshold(rule: str, total: int) -> int:
    """The smallest count that satisfies the rule, in integers: more than half of 35 is 18,
    two thirds of 100 is 67 (以上 includes the number itself, so 2/3 of 99 is 66)."""
    if rule == QuorumRule.MORE_THAN_HALF:
        return total // 2 + 1
    if rule == QuorumRule.TWO_THIRDS:
        return max(1, -(-2 * total // 3))  # an empty body is never quorate
    raise ValueError(rule)


class State(models.TextChoices):
    PLANNING = "planning", "筹备中"
    NOTICED = "noticed", "已发通知"
    IN_SESSION = "in_session", "进行中"
    ENDED = "ended", "已结束"
    ARCHIVED = "archived", "已归档"


class Meeting(models.Model):  # 会议
    kind = models.CharField("会议类别", max_length=20, choices=Kind.choices)
    term = models.ForeignKey(Term, verbose_name="届次", on_delete=models.PROTECT, related_name="meetings")
    sequence = models.PositiveIntegerField("次数", editable=False)
    subject = models.CharField("会议主题", max_length=200, blank=True)
    start = models.DateTimeField("开始时间")
    end = models.DateTimeField("结束时间")
    room = models.ForeignKey("logistics.Room", verbose_name="会议室", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    venue = models.CharField("其他地点", max_length=100, blank=True, help_text="不在本机关会议室时填写")
    convener = models.ForeignKey(Person, verbose_name="召集人/主持人", on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.PLANNING, db_index=True)
    plan_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="方案审批人", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    plan_approved_at = models.DateTimeField("方案审批时间", null=True, blank=True)
    notice_sent_at = models.DateTimeField("通知发出时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议"
        ordering = ["-start"]
        constraints = [models.UniqueConstraint(fields=["kind", "term", "sequence"], name="meeting_number_unique")]
        indexes = [
            models.Index(fields=["start", "end"]),
            models.Index(fields=["kind", "start"]),
            # The list filtered by state, newest first; the term's meetings held (attendance).
            models.Index(fields=["state", "-start"], name="meeting_state_start"),
            models.Index(fields=["term", "state"], name="meeting_term_state"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """区第十六届人大常委会第二十次会议, as the office writes it."""
        term = f"第{chinese_numeral(self.term.number)}届"
        nth = f"第{chinese_numeral(self.sequence)}次"
        if self.kind == Kind.CONGRESS:
            return f"区{term}人民代表大会{nth}会议"
        if self.kind == Kind.STANDING:
            return f"区{term}人大常委会{nth}会议"
        if self.kind == Kind.COUNCIL:
            return f"区{term}人大常委会{nth}主任会议"
        return f"区{term}人大常委会{nth}主任办公会议"

    @property
    def place(self) -> str:
        return self.room.name if self.room_id else self.venue

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    @property
    def schedule_key(self) -> str:
        return f"meeting:{self.pk}"


class AgendaItem(models.Model):  # 议程/议题
    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField("序号")
    title = models.CharField("议题", max_length=300)
    sponsor = models.ForeignKey(Unit, verbose_name="提请单位", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sponsor_text = models.CharField("提请单位（外单位）", max_length=100, blank=True)
    reporter = models.CharField("汇报人", max_length=100, blank=True, help_text="姓名及职务")
    to_vote = models.BooleanField("表决事项", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "议程"
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return f"{self.order}. {self.title}"

    @property
    def sponsor_name(self) -> str:
        return self.sponsor.name if self.sponsor_id else self.sponsor_text


class Material(models.Model):  # 会议材料
    agenda_item = models.ForeignKey(AgendaItem, verbose_name="议题", on_delete=models.CASCADE, related_name="materials")
    title = models.CharField("材料名称", max_length=200)
    file = models.FileField("文件", upload_to="meetings/materials/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议材料"
        ordering = ["agenda_item", "id"]

    def __str__(self):
        return self.title


class Role(models.TextChoices):
    ATTEND = "attend", "出席"
    NONVOTING = "nonvoting", "列席"
    STAFF = "staff", "工作人员"


class Reply(models.TextChoices):
    PENDING = "pending", "未回复"
    ATTEND = "attend", "参会"
    LEAVE = "leave", "请假"


def _new_token() -> str:
    return secrets.token_urlsafe(18)


class Participant(models.Model):  # 参会人员：邀请 → 回复 → 签到
    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="participations")
    role = models.CharField("身份", max_length=10, choices=Role.choices, default=Role.ATTEND)
    reply = models.CharField("回复", max_length=10, choices=Reply.choices, default=Reply.PENDING)
    leave_reason = models.CharField("请假事由", max_length=200, blank=True)
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    replied_via_link = models.BooleanField("本人通过链接回复", default=False)
    signed_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    signed_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签到登记人", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    token = models.CharField("回复链接令牌", max_length=40, unique=True, default=_new_token, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "参会人员"
        ordering = ["meeting", "role", "person__protocol_rank", "person__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="participant_once_per_meeting")]
        indexes = [models.Index(fields=["meeting", "role", "signed_in_at"]), models.Index(fields=["person", "meeting"])]

    def __str__(self):
        return f"{self.person}（{self.get_role_display()}）"


class Vote(models.Model):  # 表决结果
    agenda_item = models.OneToOneField(AgendaItem, verbose_name="议题", on_delete=models.CASCADE, related_name="vote")
    yes = models.PositiveIntegerField("赞成")
    no = models.PositiveIntegerField("反对")
    abstain = models.PositiveIntegerField("弃权")
    not_voting = models.PositiveIntegerField("未按表决器")
    members_total = models.PositiveIntegerField("全体组成人员数", help_text="表决时依法应计算的总人数")
    required = models.PositiveIntegerField("通过所需票数")
    passed = models.BooleanField("通过")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "表决结果"

    def __str__(self):
        return f"{self.agenda_item.title}：{'通过' if self.passed else '未通过'}"


class Phase(models.TextChoices):
    BEFORE = "before", "会前"
    DURING = "during", "会中"
    AFTER = "after", "会后"


class ChecklistTemplateTask(models.Model):  # 会务工作清单模板（按会议类别）
    kind = models.CharField("会议类别", max_length=20, choices=Kind.choices)
    phase = models.CharField("阶段", max_length=10, choices=Phase.choices)
    order = models.PositiveSmallIntegerField("序号", default=10)
    title = models.CharField("工作事项", max_length=200)
    owner_role = models.CharField("责任角色", max_length=20, help_text="如：工作人员、办公室主任、司机、食堂管理员")
    offset_days = models.SmallIntegerField("相对会期（工作日）", help_text="负数为会前，0为开会当天，正数为会后")

    class Meta:
        verbose_name = verbose_name_plural = "会务清单模板"
        ordering = ["kind", "offset_days", "order", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"


class ChecklistTask(models.Model):  # 某次会议的会务工作
    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="checklist")
    phase = models.CharField("阶段", max_length=10, choices=Phase.choices)
    order = models.PositiveSmallIntegerField("序号", default=10)
    title = models.CharField("工作事项", max_length=200)
    owner_role = models.CharField("责任角色", max_length=20)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="责任人", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_date = models.DateField("完成期限")
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="完成人", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "会务工作"
        ordering = ["meeting", "due_date", "order", "id"]
        indexes = [models.Index(fields=["done_at", "due_date"], name="checklist_open_due")]

    def __str__(self):
        return self.title


class ReviewOpinion(models.Model):  # 审议意见：交办后成为督办事项
    agenda_item = models.ForeignKey(AgendaItem, verbose_name="议题", on_delete=models.CASCADE, related_name="opinions")
    text = models.TextField("审议意见")
    lead_unit = models.ForeignKey(Unit, verbose_name="主办单位", on_delete=models.PROTECT, related_name="+")
    co_units = models.ManyToManyField(Unit, verbose_name="协办单位", blank=True, related_name="+")
    supervision_item_id = models.PositiveBigIntegerField("督办事项", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "审议意见"
        ordering = ["agenda_item", "id"]

    def __str__(self):
        return self.text[:40]

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.agenda_item.meeting_id]) + "#agenda"


class MeetingDocument(models.Model):  # 会议文书：由后台任务生成的 PDF
    class DocKind(models.TextChoices):
        NOTICE = "notice", "会议通知"
        AGENDA = "agenda", "议程"
        SIGN_IN = "sign_in", "签到表"
        NAME_CARDS = "name_cards", "桌签"
        SEAT_PLAN = "seat_plan", "座次图"
        CHECKLIST = "checklist", "会务工作清单"
        MINUTES = "minutes", "会议纪要"

    class Status(models.TextChoices):
        PENDING = "pending", "生成中"
        READY = "ready", "已生成"
        FAILED = "failed", "生成失败"

    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="documents")
    doc_kind = models.CharField("文书", max_length=20, choices=DocKind.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField("文件", upload_to="meetings/documents/", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="请求人", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("请求时间", auto_now=True)
    generated_at = models.DateTimeField("生成时间", null=True, blank=True)
    error = models.TextField("错误", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议文书"
        constraints = [models.UniqueConstraint(fields=["meeting", "doc_kind"], name="meeting_document_once")]

    def __str__(self):
        return f"{self.meeting} {self.get_doc_kind_display()}"
