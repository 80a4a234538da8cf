"""Canteen (食堂): cutoffs per meal, one's own booking before the cutoff, meeting and
guest meals by headcount, the kitchen's numbers, the headcount sheet at cutoff (once),
monthly totals.

Dates are relative to today and far enough ahead that the real clock never reaches
their cutoff; where a cutoff must be past, settings.CANTEEN_CUTOFFS is overridden."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfReader

from logistics import reminders
from logistics.models import Meal, MealBooking, Reception
from logistics.services import (
    group_meal_book,
    headcount,
    meal_book,
    meal_cutoff,
    meeting_meals,
    monthly_meal_totals,
    reception_create,
)
from meetings import services as meetings
from meetings.models import Kind, Reply
from office.models import Message
from office.roles import Role
from office.text import chinese_date
from office.workflow import TransitionRefused
from tests.factories import PersonFactory, TermFactory, UserFactory

TZ = ZoneInfo("Asia/Shanghai")
D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.NOTIFICATION_CHANNELS = ["email"]
    return tmp_path


def ahead(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def staff_rows(day=None, meal=None):
    rows = MealBooking.objects.filter(kind=MealBooking.Kind.STAFF)
    if day is not None:
        rows = rows.filter(date=day, meal=meal)
    return sorted((b.person.username, b.date, b.meal, b.unit_id, b.count) for b in rows)


# --- cutoffs ---------------------------------------------------------------------------------------


def test_default_cutoffs():
    day = D(2026, 12, 10)
    assert meal_cutoff(day, Meal.BREAKFAST) == at(D(2026, 12, 9), 17)
    assert meal_cutoff(day, Meal.LUNCH) == at(day, 9, 30)
    assert meal_cutoff(day, Meal.DINNER) == at(day, 14, 30)
    # Across a month and a year.
    assert meal_cutoff(D(2027, 1, 1), Meal.BREAKFAST) == at(D(2026, 12, 31), 17)


def test_cutoffs_are_settings(settings):
    settings.CANTEEN_CUTOFFS = {"breakfast": (2, "20:15"), "lunch": (1, "16:00"), "dinner": (0, "08:05")}
    day = D(2026, 12, 10)
    assert meal_cutoff(day, Meal.BREAKFAST) == at(D(2026, 12, 8), 20, 15)
    assert meal_cutoff(day, Meal.LUNCH) == at(D(2026, 12, 9), 16)
    assert meal_cutoff(day, Meal.DINNER) == at(day, 8, 5)


# --- one's own meals ---------------------------------------------------------------------------------


def test_booking_before_the_cutoff_books_once_and_cancel_removes(office):
    day = ahead(2)
    assert meal_book(actor=office.liaison_a, day=day, meal=Meal.LUNCH, wanted=True) is True
    assert meal_book(actor=office.liaison_a, day=day, meal=Meal.LUNCH, wanted=True) is True
    assert staff_rows() == [("liaison", day, "lunch", office.unit_a.pk, 1)]
    booking = MealBooking.objects.get()
    assert (booking.person, booking.booked_by, booking.kind) == (office.liaison_a, office.liaison_a, MealBooking.Kind.STAFF)
    meal_book(actor=office.liaison_a, day=day, meal=Meal.DINNER, wanted=True)
    meal_book(actor=office.staff, day=day, meal=Meal.LUNCH, wanted=True)
    assert meal_book(actor=office.liaison_a, day=day, meal=Meal.LUNCH, wanted=False) is False
    assert staff_rows() == [("liaison", day, "dinner", office.unit_a.pk, 1), ("staff", day, "lunch", office.office_unit.pk, 1)]
    # Cancelling what was never booked is harmless.
    meal_book(actor=office.liaison_a, day=day, meal=Meal.BREAKFAST, wanted=False)
    assert len(staff_rows()) == 2


@pytest.mark.parametrize("wanted", [True, False])
def test_after_the_cutoff_nothing_changes(office, settings, wanted):
    day = ahead(2)
    meal_book(actor=office.liaison_a, day=day, meal=Meal.LUNCH, wanted=True)
    before = staff_rows()
    # Lunch now closes three days before at 09:30: already past.
    settings.CANTEEN_CUTOFFS = {**settings.CANTEEN_CUTOFFS, "lunch": (3, "09:30")}
    cutoff = day - datetime.timedelta(days=3)
    message = f"{day.month}月{day.day}日午餐已于{cutoff.month}月{cutoff.day}日 09:30截止报餐，如需变更请直接联系食堂"
    with pytest.raises(TransitionRefused) as refused:
        meal_book(actor=office.liaison_a, day=day, meal=Meal.LUNCH, wanted=wanted)
    assert str(refused.value) == message
    with pytest.raises(TransitionRefused, match="截止报餐"):
        meal_book(actor=office.staff, day=day, meal=Meal.LUNCH, wanted=True)
    assert staff_rows() == before


def test_today_after_the_cutoff_is_refused(office, settings):
    settings.CANTEEN_CUTOFFS = {**settings.CANTEEN_CUTOFFS, "dinner": (0, "00:00")}
    today = timezone.localdate()
    with pytest.raises(TransitionRefused, match=f"^{today.month}月{today.day}日晚餐已于{today.month}月{today.day}日 00:00截止报餐"):
        meal_book(actor=office.staff, day=today, meal=Meal.DINNER, wanted=True)
    assert not MealBooking.objects.exists()


def test_a_past_day_is_refused(office):
    with pytest.raises(TransitionRefused, match="截止报餐"):
        meal_book(actor=office.staff, day=ahead(-1), meal=Meal.DINNER, wanted=True)
    assert not MealBooking.objects.exists()


def test_booking_too_far_ahead_is_refused(office, settings):
    assert settings.CANTEEN_BOOK_AHEAD_DAYS == 7
    meal_book(actor=office.staff, day=ahead(7), meal=Meal.LUNCH, wanted=True)
    with pytest.raises(TransitionRefused, match="^最多可预订7天内的餐$"):
        meal_book(actor=office.staff, day=ahead(8), meal=Meal.LUNCH, wanted=True)
    settings.CANTEEN_BOOK_AHEAD_DAYS = 3
    with pytest.raises(TransitionRefused, match="^最多可预订3天内的餐$"):
        meal_book(actor=office.staff, day=ahead(4), meal=Meal.LUNCH, wanted=True)
    assert staff_rows() == [("staff", ahead(7), "lunch", office.office_unit.pk, 1)]


# --- meeting and guest meals ------------------------------------------------------------------------


@pytest.fixture
def meeting(office):
    day = ahead(3)
    return meetings.meeting_create(actor=office.staff, kind=Kind.STANDING, term=TermFactory(), start=at(day, 9), end=at(day, 11, 30),
                                   convener=PersonFactory(name="王召集"), venue="区会展中心")


def test_group_meals_update_in_place_and_zero_cancels(office, meeting):
    day = ahead(3)
    first = group_meal_book(actor=office.staff, owner=meeting, day=day, meal=Meal.LUNCH, count=20, kind=MealBooking.Kind.MEETING, note="常委会")
    second = group_meal_book(actor=office.director, owner=meeting, day=day, meal=Meal.LUNCH, count=25, kind=MealBooking.Kind.MEETING, note="常委会")
    assert second.pk == first.pk
    assert [(b.count, b.booked_by, b.owner) for b in MealBooking.objects.all()] == [(25, office.director, meeting)]
    group_meal_book(actor=office.staff, owner=meeting, day=day, meal=Meal.DINNER, count=8, kind=MealBooking.Kind.MEETING)
    assert group_meal_book(actor=office.staff, owner=meeting, day=day, meal=Meal.LUNCH, count=0, kind=MealBooking.Kind.MEETING) is None
    assert [(b.meal, b.count) for b in MealBooking.objects.all()] == [("dinner", 8)]


@pytest.mark.parametrize("who", ["liaison_a", "canteen", "driver"])
def test_only_the_office_books_group_meals(office, meeting, who):
    with pytest.raises(TransitionRefused, match="^只有办公室可以登记会议和接待用餐$"):
        group_meal_book(actor=getattr(office, who), owner=meeting, day=ahead(3), meal=Meal.LUNCH, count=5, kind=MealBooking.Kind.MEETING)
    assert not MealBooking.objects.exists()


def test_group_meals_after_the_cutoff_are_refused(office, meeting, settings):
    group_meal_book(actor=office.staff, owner=meeting, day=ahead(3), meal=Meal.LUNCH, count=20, kind=MealBooking.Kind.MEETING)
    settings.CANTEEN_CUTOFFS = {**settings.CANTEEN_CUTOFFS, "lunch": (5, "09:30")}
    with pytest.raises(TransitionRefused, match="截止报餐"):
        group_meal_book(actor=office.staff, owner=meeting, day=ahead(3), meal=Meal.LUNCH, count=30, kind=MealBooking.Kind.MEETING)
    assert MealBooking.objects.get().count == 20


def test_meeting_meals_count_the_confirmed_attendance(office, meeting):
    people = [PersonFactory(name=f"委员{index}") for index in range(5)]
    participants = meetings.participants_invite(meeting=meeting, actor=office.staff, people=people)
    for participant in participants[:3]:
        meetings.reply_record(participant=participant, reply=Reply.ATTEND, actor=office.staff)
    meetings.reply_record(participant=participants[3], reply=Reply.LEAVE, reason="出差", actor=office.staff)
    # participants[4] has not replied.
    booking = meeting_meals(actor=office.staff, meeting=meeting, meal=Meal.LUNCH)
    assert (booking.date, booking.meal, booking.kind, booking.count, booking.note, booking.owner) == (
        ahead(3), "lunch", MealBooking.Kind.MEETING, 3, meeting.name, meeting)
    meetings.reply_record(participant=participants[4], reply=Reply.ATTEND, actor=office.staff)
    assert meeting_meals(actor=office.staff, meeting=meeting, meal=Meal.LUNCH).pk == booking.pk
    assert [b.count for b in MealBooking.objects.all()] == [4]
    # Everyone on leave: the meal is cancelled.
    for participant in participants[:3] + participants[4:]:
        meetings.reply_record(participant=participant, reply=Reply.LEAVE, reason="另有公务", actor=office.staff)
    assert meeting_meals(actor=office.staff, meeting=meeting, meal=Meal.LUNCH) is None
    assert not MealBooking.objects.exists()


def test_a_reception_books_its_guest_meals(office):
    day = ahead(2)
    reception = reception_create(actor=office.staff, title="接待市人大调研组", guests="市人大调研组", guest_count=6, host_unit=office.unit_a,
                                 start=at(day, 9), end=at(day, 12), meals=[(day, Meal.LUNCH, 8)])
    booking = MealBooking.objects.get()
    assert (booking.kind, booking.count, booking.unit, booking.note, booking.owner) == (MealBooking.Kind.GUEST, 8, office.unit_a, "接待市人大调研组", reception)


def test_a_reception_whose_meal_is_past_the_cutoff_is_not_saved(office, settings):
    settings.CANTEEN_CUTOFFS = {**settings.CANTEEN_CUTOFFS, "lunch": (5, "09:30")}
    day = ahead(2)
    with pytest.raises(TransitionRefused, match="截止报餐"):
        reception_create(actor=office.staff, title="接待", guests="来宾", guest_count=6, host_unit=office.unit_a,
                         start=at(day, 9), end=at(day, 12), meals=[(day, Meal.LUNCH, 8)])
    assert not Reception.objects.exists() and not MealBooking.objects.exists()


# --- the kitchen's numbers --------------------------------------------------------------------------


@pytest.fixture
def lunch(office, meeting):
    """Lunch in three days: 3 staff of the office, 1 of 财经工委, a meeting of 12 and 6 guests."""
    day = ahead(3)
    for user in (office.staff, office.director, office.driver, office.liaison_a):
        meal_book(actor=user, day=day, meal=Meal.LUNCH, wanted=True)
    meal_book(actor=office.liaison_b, day=day, meal=Meal.DINNER, wanted=True)
    meal_book(actor=office.liaison_b, day=ahead(2), meal=Meal.LUNCH, wanted=True)
    group_meal_book(actor=office.staff, owner=meeting, day=day, meal=Meal.LUNCH, count=12, kind=MealBooking.Kind.MEETING, note="常委会会议")
    reception_create(actor=office.staff, title="接待市人大调研组", guests="市人大调研组", guest_count=6, host_unit=office.unit_a,
                     start=at(day, 14), end=at(day, 16), meals=[(day, Meal.LUNCH, 6)])
    return day


def test_headcount_numbers(office, lunch):
    counts = headcount(lunch, Meal.LUNCH)
    assert counts["total"] == 22
    assert counts["by_kind"] == {"staff": 4, "meeting": 12, "guest": 6}
    assert counts["by_unit"] == [{"unit__name": "办公室", "n": 3}, {"unit__name": "财政经济工作委员会", "n": 1}]
    assert counts["groups"] == [{"kind": "guest", "note": "接待市人大调研组", "count": 6}, {"kind": "meeting", "note": "常委会会议", "count": 12}]
    assert headcount(lunch, Meal.DINNER)["total"] == 1
    assert headcount(lunch, Meal.BREAKFAST) == {"total": 0, "by_kind": {}, "by_unit": [], "groups": []}


def test_monthly_meal_totals(office):
    # A reporting query over stored rows: the rows are written directly for a month long past.
    def row(day, meal, person=None, unit=None, count=1, kind=MealBooking.Kind.STAFF):
        MealBooking.objects.create(date=day, meal=meal, person=person, unit=unit, count=count, kind=kind, booked_by=office.staff)

    for day in (D(2026, 3, 2), D(2026, 3, 3), D(2026, 3, 31)):
        row(day, Meal.LUNCH, office.staff, office.office_unit)
    row(D(2026, 3, 3), Meal.DINNER, office.staff, office.office_unit)
    row(D(2026, 3, 2), Meal.LUNCH, office.liaison_a, office.unit_a)
    row(D(2026, 4, 1), Meal.LUNCH, office.liaison_a, office.unit_a)  # April
    row(D(2026, 2, 28), Meal.LUNCH, office.liaison_a, office.unit_a)  # February
    MealBooking.objects.create(date=D(2026, 3, 5), meal=Meal.LUNCH, kind=MealBooking.Kind.GUEST, count=9, unit=office.unit_a, owner_type_id=None,
                               booked_by=office.staff, note="接待")
    MealBooking.objects.create(date=D(2026, 3, 6), meal=Meal.LUNCH, kind=MealBooking.Kind.MEETING, count=30, booked_by=office.staff, note="会议")

    by_person, by_unit = monthly_meal_totals(2026, 3)
    assert {(r["person__person__name"], r["unit__name"]): r["n"] for r in by_person} == {("杨科员", "办公室"): 4, ("郑联络员", "财政经济工作委员会"): 1}
    assert len(by_person) == 2
    assert {(r["unit__name"], r["kind"]): r["n"] for r in by_unit} == {
        ("办公室", "staff"): 4, ("财政经济工作委员会", "staff"): 1, ("财政经济工作委员会", "guest"): 9, (None, "meeting"): 30}
    assert len(by_unit) == 4


# --- the headcount sheet at cutoff ---------------------------------------------------------------------


def pdf_text(path: str) -> str:
    with default_storage.open(path, "rb") as handle:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def canteen_messages():
    return list(Message.objects.filter(event_key__startswith="logistics:headcount:").order_by("id"))


def test_headcount_send_writes_the_sheet_and_tells_the_keeper_once(office, lunch):
    assert reminders.headcount_send(lunch, Meal.LUNCH) == 1
    [message] = canteen_messages()
    assert message.recipient == office.canteen
    assert message.subject == f"报餐统计：{chinese_date(lunch)}午餐 22人"
    assert "共22人（职工4，会议12，接待6）" in message.body
    path = f"logistics/canteen/{lunch:%Y%m%d}-lunch.pdf"
    assert message.attachments == [path]
    text = pdf_text(path)
    assert f"{chinese_date(lunch)}午餐就餐人数" in text
    assert "合计 22 人" in text
    assert "常委会会议" in text and "接待市人大调研组" in text
    # Again (a retried task): no second message, one file.
    assert reminders.headcount_send(lunch, Meal.LUNCH) == 0
    assert len(canteen_messages()) == 1
    assert default_storage.listdir("logistics/canteen")[1] == [f"{lunch:%Y%m%d}-lunch.pdf"]


def test_every_canteen_keeper_is_told(office, lunch):
    second = UserFactory(username="canteen2", roles=[Role.CANTEEN])
    gone = UserFactory(username="canteen3", roles=[Role.CANTEEN], is_active=False)
    assert reminders.headcount_send(lunch, Meal.LUNCH) == 2
    assert sorted(m.recipient.username for m in canteen_messages()) == ["canteen", "canteen2"]
    assert gone.messages.count() == 0 and second.messages.count() == 1


def test_headcount_due_sends_each_meal_just_past_its_cutoff_once(office, lunch):
    day = lunch
    subjects = lambda: [m.subject for m in canteen_messages()]
    # Just before the lunch cutoff: nothing is due.
    assert reminders.headcount_due(at(day, 9, 29)) == 0
    # Just past it: that day's lunch, once.
    assert reminders.headcount_due(at(day, 9, 31)) == 1
    assert reminders.headcount_due(at(day, 10, 0)) == 0
    assert subjects() == [f"报餐统计：{chinese_date(day)}午餐 22人"]
    # Past 17:00: that day's dinner (14:30) and the next day's breakfast (17:00 the day before).
    assert reminders.headcount_due(at(day, 17, 5)) == 2
    assert reminders.headcount_due(at(day, 18, 0)) == 0
    tomorrow = day + datetime.timedelta(days=1)
    assert sorted(subjects()[1:]) == sorted([f"报餐统计：{chinese_date(day)}晚餐 1人", f"报餐统计：{chinese_date(tomorrow)}早餐 0人"])
    assert default_storage.exists(f"logistics/canteen/{day:%Y%m%d}-dinner.pdf")
    assert default_storage.exists(f"logistics/canteen/{tomorrow:%Y%m%d}-breakfast.pdf")


def test_headcount_due_follows_the_cutoff_settings(office, settings):
    settings.CANTEEN_CUTOFFS = {"breakfast": (1, "17:00"), "lunch": (0, "10:45"), "dinner": (0, "14:30")}
    day = ahead(3)
    assert reminders.headcount_due(at(day, 10, 44)) == 0
    assert reminders.headcount_due(at(day, 10, 45)) == 1
    assert [m.subject for m in canteen_messages()] == [f"报餐统计：{chinese_date(day)}午餐 0人"]
