"""The one booking service: rooms now; vehicles and drivers book the same way.

A booking is decided inside a transaction that first locks the resource's row
(select_for_update; on SQLite the IMMEDIATE transaction serialises writers), so
two people booking the same room at once cannot both succeed. Intervals are
half-open: a booking ending at 10:00 and one starting at 10:00 do not clash.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from logistics.models import Room, RoomBooking
from office.text import month_day


class BookingRefused(Exception):
    """The resource is taken; the message names the clash for the user."""


def room_clashes(room, start, end, exclude_owner=None):
    clashes = RoomBooking.objects.filter(room=room, start__lt=end, end__gt=start)
    if exclude_owner is not None:
        clashes = clashes.exclude(
            owner_type=ContentType.objects.get_for_model(exclude_owner), owner_id=exclude_owner.pk
        )
    return clashes


@transaction.atomic
def room_book(*, room: Room, start, end, purpose: str, booked_by, owner=None) -> RoomBooking:
    """Book `room` for [start, end); an owner's earlier booking is replaced (a moved meeting)."""
    if end <= start:
        raise BookingRefused("结束时间须晚于开始时间")
    room = Room.objects.select_for_update().get(pk=room.pk)
    if not room.is_active:
        raise BookingRefused(f"{room.name}已停用")
    clash = room_clashes(room, start, end, exclude_owner=owner).first()
    if clash is not None:
        start_at, end_at = timezone.localtime(clash.start), timezone.localtime(clash.end)
        raise BookingRefused(f"{room.name}在 {month_day(start_at)} {start_at:%H:%M}–{end_at:%H:%M} 已被预订（{clash.purpose}）")
    if owner is not None:
        room_release(owner)
    return RoomBooking.objects.create(room=room, start=start, end=end, purpose=purpose, booked_by=booked_by, owner=owner)


def room_release(owner) -> int:
    """Cancel every room booking held by `owner`."""
    deleted, _ = RoomBooking.objects.filter(
        owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk
    ).delete()
    return deleted
