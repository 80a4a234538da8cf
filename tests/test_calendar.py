"""The working-day calendar: table → chinese_calendar → Monday to Friday."""

import datetime

import chinese_calendar
import pytest

from office import calendar
from office.models import CalendarDay

D = datetime.date


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    # The table is cached per process; a test's rolled-back rows must not leak.
    calendar.clear_cache()
    yield
    calendar.clear_cache()


def holiday(day, name=""):
    return CalendarDay.objects.create(date=day, kind=CalendarDay.Kind.HOLIDAY, name=name)


def workday(day, name=""):
    return CalendarDay.objects.create(date=day, kind=CalendarDay.Kind.WORKDAY, name=name)


# --- what chinese_calendar knows about 2026 -------------------------------


@pytest.mark.django_db
def test_national_day_2026_is_not_working():
    # The 2026 notice: 10-01..10-07 off (10-08 is an ordinary Thursday, working).
    for day in range(1, 8):
        assert calendar.is_working_day(D(2026, 10, day)) is False, D(2026, 10, day)
    assert calendar.is_working_day(D(2026, 10, 8)) is True
    assert calendar.is_working_day(D(2026, 9, 30)) is True


@pytest.mark.django_db
def test_make_up_weekend_days_2026_are_working():
    # 调休: Sunday 2026-09-20 and Saturday 2026-10-10 are working days.
    for day in (D(2026, 9, 20), D(2026, 10, 10)):
        assert day.weekday() >= 5
        assert chinese_calendar.is_workday(day)  # the package agrees
        assert calendar.is_working_day(day) is True
    # An ordinary weekend stays off.
    assert calendar.is_working_day(D(2026, 10, 17)) is False  # Saturday


# --- the CalendarDay table wins --------------------------------------------


@pytest.mark.django_db
def test_table_holiday_beats_package():
    wednesday = D(2026, 11, 18)
    assert wednesday.weekday() == 2 and chinese_calendar.is_workday(wednesday)
    assert calendar.is_working_day(wednesday) is True
    holiday(wednesday, "临时放假")
    assert calendar.is_working_day(wednesday) is False


@pytest.mark.django_db
def test_table_workday_beats_package():
    sunday = D(2026, 11, 22)
    assert sunday.weekday() == 6 and not chinese_calendar.is_workday(sunday)
    assert calendar.is_working_day(sunday) is False
    workday(sunday, "调休上班")
    assert calendar.is_working_day(sunday) is True


@pytest.mark.django_db
def test_deleting_table_row_clears_cache():
    wednesday = D(2026, 11, 18)
    row = holiday(wednesday)
    assert calendar.is_working_day(wednesday) is False
    row.delete()
    assert calendar.is_working_day(wednesday) is True


@pytest.mark.django_db
def test_editing_table_row_clears_cache():
    wednesday = D(2026, 11, 18)
    row = holiday(wednesday)
    assert calendar.is_working_day(wednesday) is False
    row.kind = CalendarDay.Kind.WORKDAY
    row.save()
    assert calendar.is_working_day(wednesday) is True


# --- a year nobody knows yet ------------------------------------------------


def test_package_does_not_know_2027():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 6, 1))
    assert calendar.package_knows_year(2027) is False
    assert calendar.package_knows_year(2026) is True


@pytest.mark.django_db
def test_unknown_year_falls_back_to_monday_to_friday():
    monday = D(2027, 3, 1)
    assert monday.weekday() == 0
    for offset in range(7):
        day = monday + datetime.timedelta(days=offset)
        assert calendar.is_working_day(day) is (offset < 5), day
    # Even the future New Year's Day counts as a weekday until entered.
    assert calendar.is_working_day(D(2027, 1, 1)) is True  # Friday


@pytest.mark.django_db
def test_uncovered_years_until_a_holiday_is_entered():
    assert calendar.uncovered_years([2026, 2027]) == [2027]
    assert calendar.uncovered_years([2027, 2026, 2027]) == [2027]
    holiday(D(2027, 1, 1), "元旦")
    assert calendar.uncovered_years([2026, 2027]) == []
    assert calendar.is_working_day(D(2027, 1, 1)) is False


@pytest.mark.django_db
def test_a_workday_row_alone_does_not_cover_a_year():
    workday(D(2027, 2, 6))
    assert calendar.uncovered_years([2027]) == [2027]


@pytest.mark.django_db
def test_coming_years_uncovered():
    assert calendar.coming_years_uncovered(D(2026, 11, 24)) == [2027]
    assert calendar.coming_years_uncovered(D(2025, 5, 1)) == []
    assert calendar.coming_years_uncovered(D(2027, 5, 1)) == [2027, 2028]


# --- add_working_days --------------------------------------------------------


@pytest.mark.django_db
def test_start_day_is_not_counted():
    monday = D(2026, 11, 16)
    assert calendar.add_working_days(monday, 1) == D(2026, 11, 17)
    assert calendar.next_working_day(monday) == D(2026, 11, 17)


@pytest.mark.django_db
def test_friday_plus_one_is_monday():
    assert calendar.add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 23)


@pytest.mark.django_db
def test_across_national_day_2026():
    # From Wed 09-30: 10-01..07 off, Thu 10-08 (1), Fri 10-09 (2), Sat 10-10 调休 (3),
    # Mon 10-12 (4).
    assert calendar.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert calendar.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert calendar.add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)
    # From Thu 09-24: Mid-Autumn 09-25..27 off, Mon 09-28 (1), Tue 09-29 (2),
    # Wed 09-30 (3), then the long holiday, Thu 10-08 (4).
    assert calendar.add_working_days(D(2026, 9, 24), 4) == D(2026, 10, 8)


@pytest.mark.django_db
def test_zero_days_on_a_day_off_moves_to_next_working_day():
    assert calendar.add_working_days(D(2026, 11, 21), 0) == D(2026, 11, 23)  # Sat → Mon
    assert calendar.add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 8)  # holiday → 10-08
    assert calendar.add_working_days(D(2026, 11, 18), 0) == D(2026, 11, 18)  # working day stays


@pytest.mark.django_db
def test_negative_days_raise():
    with pytest.raises(ValueError):
        calendar.add_working_days(D(2026, 11, 18), -1)


@pytest.mark.django_db
def test_add_calendar_days_and_previous_working_day():
    # 10 calendar days after 09-24 is Sun 10-04, inside the holiday → Thu 10-08.
    assert calendar.add_calendar_days(D(2026, 9, 24), 10) == D(2026, 10, 8)
    assert calendar.previous_working_day(D(2026, 10, 8)) == D(2026, 9, 30)
    assert calendar.previous_working_day(D(2026, 9, 21)) == D(2026, 9, 20)  # 调休 Sunday


# --- the required case: a 15-working-day deadline across New Year into 2027 -----


@pytest.mark.django_db
def test_fifteen_working_days_from_2026_12_21_across_new_year():
    start = D(2026, 12, 21)  # Monday
    assert chinese_calendar.is_workday(D(2026, 12, 31))  # Thursday, an ordinary working day
    assert not calendar.package_knows_year(2027)  # 2027: Monday to Friday
    # Counting (start not counted):
    #  1 Tue 12-22   2 Wed 12-23   3 Thu 12-24   4 Fri 12-25
    #  5 Mon 12-28   6 Tue 12-29   7 Wed 12-30   8 Thu 12-31
    #  9 Fri 01-01 (2027 unknown → weekday counts)
    # 10 Mon 01-04  11 Tue 01-05  12 Wed 01-06  13 Thu 01-07  14 Fri 01-08
    # 15 Mon 01-11
    assert calendar.add_working_days(start, 15) == D(2027, 1, 11)
    assert calendar.working_days_between(start, D(2027, 1, 11)) == 15

    # Once 元旦 2027 is entered, 01-01 no longer counts: 15th day is Tue 01-12.
    holiday(D(2027, 1, 1), "元旦")
    assert calendar.add_working_days(start, 15) == D(2027, 1, 12)
    assert calendar.working_days_between(start, D(2027, 1, 12)) == 15


# --- working_days_between ----------------------------------------------------

STARTS = [
    D(2026, 9, 18),  # Friday before the 调休 Sunday
    D(2026, 9, 20),  # 调休 Sunday
    D(2026, 9, 24),  # day before Mid-Autumn
    D(2026, 9, 30),  # day before National Day
    D(2026, 10, 3),  # inside the holiday
    D(2026, 11, 21),  # ordinary Saturday
    D(2026, 12, 21),  # runs into unknown 2027
    D(2026, 12, 31),
]


@pytest.mark.django_db
@pytest.mark.parametrize("with_table_rows", [False, True])
def test_working_days_between_inverts_add_working_days(with_table_rows):
    if with_table_rows:
        holiday(D(2027, 1, 1))
        holiday(D(2026, 10, 8))
        workday(D(2026, 11, 22))
    for start in STARTS:
        for n in range(1, 21):
            end = calendar.add_working_days(start, n)
            assert calendar.working_days_between(start, end) == n, (start, n)
            assert calendar.working_days_between(end, start) == -n, (start, n)
            assert calendar.is_working_day(end), (start, n)
        if calendar.is_working_day(start):
            assert calendar.add_working_days(start, 0) == start
            assert calendar.working_days_between(start, start) == 0


@pytest.mark.django_db
def test_working_days_between_zero_days_from_a_day_off():
    # days=0 from a day off lands on the next working day, which is one working
    # day "after" the start: the inverse holds only for n >= 1 or working starts.
    saturday = D(2026, 11, 21)
    monday = calendar.add_working_days(saturday, 0)
    assert monday == D(2026, 11, 23)
    assert calendar.working_days_between(saturday, monday) == 1


@pytest.mark.django_db
def test_working_days_between_negative_and_same_day():
    assert calendar.working_days_between(D(2026, 11, 23), D(2026, 11, 16)) == -5
    assert calendar.working_days_between(D(2026, 11, 18), D(2026, 11, 18)) == 0
    # Across the whole National Day holiday: 10-08, 10-09, 10-10 (调休).
    assert calendar.working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
