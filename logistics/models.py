"""办事: rooms and the one booking service (vehicles, canteen and supplies follow)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


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
        indexes = [models.Index(fields=["room", "start", "end"]), models.Index(fields=["owner_type", "owner_id"])]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="room_booking_end_after_start")]

    def __str__(self):
        return f"{self.room} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M} {self.purpose}"
