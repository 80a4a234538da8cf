"""办事: rooms and the one booking service (vehicles, canteen and supplies follow)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse


class Room(models.Model):  # 会议室
    name = models.CharField("名称", max_length=50, unique=True)
    location = models.CharField("位置", max_length=100, blank=True)
    capacity = models.PositiveIntegerField("容纳人数")
    equipment = models.CharField("设备", max_length=200, blank=True, help_text="如：投影、音响、表决器、视频会议")
    rostrum_seats = models.PositiveSmallIntegerField("主席台座位", default=0)
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议室"
        ordering = ["name"]

    def __str__(self):
        return self.name


class RoomBooking(models.Model):  # 会议室预订：同一会议室的预订时间不重叠
    room = models.ForeignKey(Room, verbose_name="会议室", on_delete=models.PROTECT, related_name="bookings")
    start = models.DateTimeField("开始")
    end = models.DateTimeField("结束")
    purpose = models.CharField("用途", max_length=200)
    # What the booking is for (a meeting, a reception), so it moves and ends with it.
    owner_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    owner_id = models.PositiveBigIntegerField(null=True, blank=True)
    owner = GenericForeignKey("owner_type", "owner_id")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="预订人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("预订时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议室预订"
        ordering = ["start"]
        indexes = [
            models.Index(fields=["room", "start", "end"]),
            models.Index(fields=["owner_type", "owner_id"]),
            models.Index(fields=["start", "end"], name="room_booking_start_end"),  # the week of every room
        ]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="room_booking_end_after_start")]

    def __str__(self):
        return f"{self.room} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} {self.purpose}"


# --- vehicles (公务用车) ---------------------------------------------------------------------


class Vehicle(models.Model):  # 公务车辆
    class Status(models.TextChoices):
        AVAILABLE = "available", "可用"
        OUT = "out", "出车"
        MAINTENANCE = "maintenance", "维修"
        RETIRED = "retired", "停用"

    plate = models.CharField("车牌号", max_length=20, unique=True)
    model = models.CharField("品牌型号", max_length=50)
    seats = models.PositiveSmallIntegerField("座位数（不含驾驶员）")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.AVAILABLE)
    odometer = models.PositiveIntegerField("里程表（公里）", default=0)
    insurance_expires = models.DateField("保险到期日")
    inspection_expires = models.DateField("年检到期日")

    class Meta:
        verbose_name = verbose_name_plural = "公务车辆"
        ordering = ["plate"]
        indexes = [models.Index(fields=["insurance_expires"]), models.Index(fields=["inspection_expires"])]

    def __str__(self):
        return f"{self.plate}（{self.model}，{self.seats}座）"


class Maintenance(models.Model):  # 维修保养记录
    vehicle = models.ForeignKey(Vehicle, verbose_name="车辆", on_delete=models.PROTECT, related_name="maintenance")
    date = models.DateField("日期")
    kind = models.CharField("项目", max_length=50, help_text="如：保养、维修、更换轮胎")
    description = models.CharField("说明", max_length=300, blank=True)
    cost = models.DecimalField("费用（元）", max_digits=10, decimal_places=2)
    odometer = models.PositiveIntegerField("当时里程", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "维修保养"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["vehicle", "-date"], name="maintenance_vehicle_date")]


class VehicleBooking(models.Model):  # 车辆和驾驶员的占用：同一车、同一驾驶员时间不重叠
    vehicle = models.ForeignKey(Vehicle, verbose_name="车辆", on_delete=models.PROTECT, related_name="bookings")
    driver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="驾驶员", on_delete=models.PROTECT, related_name="driving")
    start = models.DateTimeField("开始")
    end = models.DateTimeField("结束")
    purpose = models.CharField("用途", max_length=200)
    owner_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="调度人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("调度时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "车辆调度"
        ordering = ["start"]
        indexes = [
            models.Index(fields=["vehicle", "start", "end"]),
            models.Index(fields=["driver", "start", "end"]),
            models.Index(fields=["owner_type", "owner_id"]),
            models.Index(fields=["start", "end"], name="vehicle_booking_start_end"),  # the week of every car
        ]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="vehicle_booking_end_after_start")]

    def __str__(self):
        return f"{self.vehicle.plate} {self.start:%Y-%m-%d %H:%M} {self.purpose}"


class TripState(models.TextChoices):
    REQUESTED = "requested", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"
    DISPATCHED = "dispatched", "已派车"
    RETURNED = "returned", "已回场"
    CANCELLED = "cancelled", "已取消"


class Trip(models.Model):  # 用车申请 → 审批 → 派车 → 回场登记
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("office.Unit", verbose_name="用车单位", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField("事由", max_length=200)
    destination = models.CharField("目的地", max_length=200)
    passengers = models.PositiveSmallIntegerField("乘车人数")
    passenger_names = models.CharField("乘车人员", max_length=300, blank=True)
    leader_passenger = models.ForeignKey("office.Person", verbose_name="随车领导", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    distance_km = models.PositiveIntegerField("预计往返里程（公里）")
    start = models.DateTimeField("出发时间")
    end = models.DateTimeField("返回时间")
    state = models.CharField("状态", max_length=12, choices=TripState.choices, default=TripState.REQUESTED, db_index=True)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    vehicle = models.ForeignKey(Vehicle, verbose_name="车辆", on_delete=models.PROTECT, null=True, blank=True, related_name="trips")
    driver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="驾驶员", on_delete=models.PROTECT, null=True, blank=True, related_name="trips")
    odometer_start = models.PositiveIntegerField("出车里程", null=True, blank=True)
    odometer_end = models.PositiveIntegerField("回场里程", null=True, blank=True)
    fuel_liters = models.DecimalField("加油（升）", max_digits=7, decimal_places=2, null=True, blank=True)
    fuel_cost = models.DecimalField("油费（元）", max_digits=9, decimal_places=2, null=True, blank=True)
    tolls = models.DecimalField("通行费（元）", max_digits=9, decimal_places=2, null=True, blank=True)
    parking = models.DecimalField("停车费（元）", max_digits=9, decimal_places=2, null=True, blank=True)
    returned_at = models.DateTimeField("回场时间", null=True, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "用车"
        ordering = ["-start"]
        indexes = [
            models.Index(fields=["state", "start"]),
            models.Index(fields=["driver", "start"]),
            models.Index(fields=["vehicle", "start"]),
            # The register newest first, whole, by unit, and one's own requests.
            models.Index(fields=["-start", "-id"], name="trip_start"),
            models.Index(fields=["unit", "-start"], name="trip_unit_start"),
            models.Index(fields=["requester", "-start"], name="trip_requester_start"),
        ]

    def __str__(self):
        return f"{self.start:%m-%d %H:%M} {self.destination}（{self.purpose}）"

    def get_absolute_url(self):
        return reverse("logistics:trip_detail", args=[self.pk])

    @property
    def distance(self) -> int | None:
        if self.odometer_start is None or self.odometer_end is None:
            return None
        return self.odometer_end - self.odometer_start


# --- canteen (食堂) -----------------------------------------------------------------------------


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", "早餐"
    LUNCH = "lunch", "午餐"
    DINNER = "dinner", "晚餐"


class MealBooking(models.Model):  # 报餐：本人每餐一条；会议、接待用餐按人数
    class Kind(models.TextChoices):
        STAFF = "staff", "职工"
        MEETING = "meeting", "会议"
        GUEST = "guest", "接待"

    date = models.DateField("日期")
    meal = models.CharField("餐次", max_length=10, choices=Meal.choices)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.STAFF)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="就餐人", on_delete=models.PROTECT, null=True, blank=True, related_name="meals")
    unit = models.ForeignKey("office.Unit", verbose_name="单位", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    count = models.PositiveSmallIntegerField("人数", default=1)
    note = models.CharField("说明", max_length=200, blank=True)
    owner_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    owner_id = models.PositiveBigIntegerField(null=True, blank=True)
    owner = GenericForeignKey("owner_type", "owner_id")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "报餐"
        ordering = ["date", "meal"]
        constraints = [
            models.UniqueConstraint(fields=["person", "date", "meal"], condition=models.Q(kind="staff"), name="meal_once_per_person"),
            models.UniqueConstraint(fields=["owner_type", "owner_id", "date", "meal"], condition=models.Q(kind__in=["meeting", "guest"]), name="meal_once_per_event"),
        ]
        indexes = [models.Index(fields=["date", "meal"]), models.Index(fields=["person", "date"])]

    def __str__(self):
        return f"{self.date} {self.get_meal_display()} {self.count}人"


# --- supplies (办公用品) ------------------------------------------------------------------------


class SupplyItem(models.Model):  # 办公用品
    name = models.CharField("名称", max_length=100, unique=True)
    spec = models.CharField("规格", max_length=100, blank=True)
    measure = models.CharField("计量单位", max_length=10, default="个")
    stock = models.PositiveIntegerField("库存", default=0)
    low_threshold = models.PositiveIntegerField("低库存提醒线", default=5)

    class Meta:
        verbose_name = verbose_name_plural = "办公用品"
        ordering = ["name"]

    def __str__(self):
        return self.name


class StockMove(models.Model):  # 入库（采购）与出库（领用）流水
    class Kind(models.TextChoices):
        PURCHASE = "purchase", "采购入库"
        ISSUE = "issue", "领用出库"

    item = models.ForeignKey(SupplyItem, verbose_name="用品", on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    quantity = models.PositiveIntegerField("数量")
    unit_price = models.DecimalField("单价（元）", max_digits=9, decimal_places=2, null=True, blank=True)
    requisition = models.ForeignKey("Requisition", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "出入库流水"
        ordering = ["-at", "-id"]


class Requisition(models.Model):  # 领用申请（主任审批）
    class State(models.TextChoices):
        REQUESTED = "requested", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"
        ISSUED = "issued", "已发放"

    item = models.ForeignKey(SupplyItem, verbose_name="用品", on_delete=models.PROTECT, related_name="requisitions")
    quantity = models.PositiveIntegerField("数量")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申领人", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("用途", max_length=200, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.REQUESTED, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    created_at = models.DateTimeField("申领时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "领用申请"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="requisition_created"),
            models.Index(fields=["requester", "-created_at"], name="requisition_requester_created"),
        ]


# --- receptions (公务接待) -----------------------------------------------------------------------


class Reception(models.Model):  # 公务接待
    class State(models.TextChoices):
        PLANNED = "planned", "已安排"
        DONE = "done", "已完成"
        CANCELLED = "cancelled", "已取消"

    title = models.CharField("接待事由", max_length=200)
    guests = models.CharField("来宾", max_length=300, help_text="单位、姓名、职务")
    guest_count = models.PositiveSmallIntegerField("来宾人数")
    host_unit = models.ForeignKey("office.Unit", verbose_name="承办单位", on_delete=models.PROTECT, related_name="+")
    host_leader = models.ForeignKey("office.Person", verbose_name="陪同领导", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    start = models.DateTimeField("开始")
    end = models.DateTimeField("结束")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "公务接待"
        ordering = ["-start"]
        indexes = [
            models.Index(fields=["start", "end"]),
            models.Index(fields=["state", "end"], name="reception_state_end"),  # planned ones still to come
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("logistics:reception_detail", args=[self.pk])
