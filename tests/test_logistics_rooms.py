"""Room booking, the one booking service: half-open intervals, inactive rooms, an
owner's booking replaced when it moves, release, and six people booking at once."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from logistics.models import Room, RoomBooking
from logistics.services import BookingRefused, room_book, room_clashes, room_release
from meetings import services as meetings
from meetings.models import Kind
from tests.factories import PersonFactory, TermFactory

TZ = ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 12, 10)

pytestmark = pytest.mark.django_db


def at(hour: int, minute: int = 0, day: datetime.date = DAY) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


@pytest.fixture
def room(db):
    return Room.objects.create(name="第一会议室", capacity=30)


def book(room, start, end, user, purpose="专题座谈会", owner=None):
    return room_book(room=room, start=start, end=end, purpose=purpose, booked_by=user, owner=owner)


def slots(room):
    return [(b.start, b.end, b.purpose) for b in RoomBooking.objects.filter(room=room).order_by("start")]


def test_back_to_back_bookings_do_not_clash(office, room):
    book(room, at(9), at(11), office.staff, "上午会")
    book(room, at(11), at(12), office.staff, "接着的会")
    book(room, at(8), at(9), office.staff, "早会")
    assert slots(room) == [(at(8), at(9), "早会"), (at(9), at(11), "上午会"), (at(11), at(12), "接着的会")]


@pytest.mark.parametrize(
    "start, end",
    [
        (at(10, 59), at(12)),  # starts one minute before the end
        (at(8), at(9, 1)),  # ends one minute after the start
        (at(9, 30), at(10)),  # inside
        (at(8), at(12)),  # around
        (at(9), at(11)),  # the same slot
    ],
)
def test_any_overlap_is_refused_with_the_room_and_local_times(office, room, start, end):
    book(room, at(9), at(11), office.staff, "常委会党组会")
    with pytest.raises(BookingRefused) as refused:
        book(room, start, end, office.director, "另一个会")
    assert str(refused.value) == "第一会议室在 12月10日 09:00–11:00 已被预订（常委会党组会）"
    assert slots(room) == [(at(9), at(11), "常委会党组会")]


def test_another_room_or_another_day_is_free(office, room):
    other = Room.objects.create(name="第二会议室", capacity=12)
    book(room, at(9), at(11), office.staff)
    book(other, at(9), at(11), office.staff)
    book(room, at(9, day=DAY + datetime.timedelta(days=1)), at(11, day=DAY + datetime.timedelta(days=1)), office.staff)
    assert RoomBooking.objects.count() == 3


def test_the_message_gives_local_times_across_midnight_utc(office, room):
    # 07:00–08:30 in Shanghai is the previous day in UTC.
    book(room, at(7), at(8, 30), office.staff, "早餐会")
    with pytest.raises(BookingRefused, match="^第一会议室在 12月10日 07:00–08:30 已被预订（早餐会）$"):
        book(room, at(8), at(9), office.staff)


def test_an_inactive_room_is_refused(office, room):
    Room.objects.filter(pk=room.pk).update(is_active=False)
    with pytest.raises(BookingRefused, match="^第一会议室已停用$"):
        book(room, at(9), at(11), office.staff)
    assert not RoomBooking.objects.exists()


@pytest.mark.parametrize("end", [at(9), at(8, 59)])
def test_the_end_must_come_after_the_start(office, room, end):
    with pytest.raises(BookingRefused, match="^结束时间须晚于开始时间$"):
        book(room, at(9), end, office.staff)
    assert not RoomBooking.objects.exists()


@pytest.fixture
def owners(office):
    """Two meetings held elsewhere, so that they hold no room yet: booking owners."""
    term, chair = TermFactory(), PersonFactory(name="王召集")
    make = lambda kind: meetings.meeting_create(  # noqa: E731
        actor=office.staff, kind=kind, term=term, start=at(9), end=at(11), convener=chair, venue="区会展中心"
    )
    return make(Kind.STANDING), make(Kind.COUNCIL)


def test_an_owner_rebooking_replaces_its_own_booking(office, room, owners):
    meeting, other = owners
    first = book(room, at(9), at(11), office.staff, "会一", owner=meeting)
    assert first.owner == meeting
    # Moving by an hour overlaps only its own booking: allowed, and it replaces it.
    moved = book(room, at(10), at(12), office.staff, "会一", owner=meeting)
    assert slots(room) == [(at(10), at(12), "会一")]
    assert not RoomBooking.objects.filter(pk=first.pk).exists()
    assert moved.owner == meeting

    book(room, at(14), at(16), office.staff, "会二", owner=other)
    with pytest.raises(BookingRefused, match="已被预订（会二）"):
        book(room, at(15), at(17), office.staff, "会一", owner=meeting)
    assert slots(room) == [(at(10), at(12), "会一"), (at(14), at(16), "会二")]
    # Unowned bookings never replace each other.
    book(room, at(18), at(19), office.staff, "无主一")
    book(room, at(19), at(20), office.staff, "无主二")
    assert RoomBooking.objects.filter(owner_id__isnull=True).count() == 2


def test_an_owner_moving_to_another_room_leaves_the_first_free(office, room, owners):
    meeting, _ = owners
    other = Room.objects.create(name="第二会议室", capacity=12)
    book(room, at(9), at(11), office.staff, "会一", owner=meeting)
    book(other, at(9), at(11), office.staff, "会一", owner=meeting)
    assert slots(room) == []
    assert slots(other) == [(at(9), at(11), "会一")]


def test_room_release_frees_the_owners_bookings(office, room, owners):
    meeting, other = owners
    book(room, at(9), at(11), office.staff, "会一", owner=meeting)
    book(room, at(14), at(16), office.staff, "会二", owner=other)
    assert room_release(meeting) == 1
    assert room_release(meeting) == 0
    assert slots(room) == [(at(14), at(16), "会二")]
    book(room, at(9), at(11), office.director, "新的会")
    assert list(room_clashes(room, at(10), at(15))) == list(RoomBooking.objects.filter(room=room).order_by("start"))
    assert list(room_clashes(room, at(14), at(16), exclude_owner=other)) == []


# --- six people at once ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_six_people_booking_the_same_slot_at_once_one_wins(office, room):
    assert connection.vendor == "sqlite" and connection.settings_dict["NAME"] != ":memory:"
    count = 6
    barrier = threading.Barrier(count)
    results: list = []
    lock = threading.Lock()

    def attempt(index: int):
        try:
            barrier.wait(timeout=10)
            try:
                booking = book(room, at(9), at(11), office.staff, f"第{index}位预订")
                outcome = ("ok", booking.purpose)
            except BookingRefused as refused:
                outcome = ("refused", str(refused))
            except Exception as error:  # noqa: BLE001  a lock error would be a failure too
                outcome = ("error", repr(error))
            with lock:
                results.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(index,)) for index in range(1, count + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    assert len(results) == count
    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["ok"] + ["refused"] * (count - 1), results
    [winner] = [text for kind, text in results if kind == "ok"]
    assert all(text == f"第一会议室在 12月10日 09:00–11:00 已被预订（{winner}）" for kind, text in results if kind == "refused")
    assert slots(room) == [(at(9), at(11), winner)]
