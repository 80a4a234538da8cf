"""The office's working-day calendar.

Authority, per date: the admin-edited CalendarDay table (holidays and 调休
make-up working days) → the chinese_calendar package (2004 to its release year)
→ Monday to Friday, for a year nobody knows yet. Such years are reported by
`uncovered_years` so the dashboard can ask for the State Council's notice.

Counting follows 民法典 第二百零一条: the start day itself does not count, so
`add_working_days(d, 1)` is the first working day after d.
"""

import datetime
import threading
import time
from functools import lru_cache

import chinese_calendar

# Process-local copy of the CalendarDay table: it is a few dozen rows a year and
# read on every deadline computation. Saves in this process clear it at once;
# other processes (worker, other web processes) see an edit within this time.
_TABLE_TTL_SECONDS = 60
_table_lock = threading.Lock()
_table_cache: dict = {"loaded_at": 0.0, "days": None}


def _table() -> dict[datetime.date, bool]:
    """date → is it a working day, for every row of the CalendarDay table."""
    with _table_lock:
        fresh = time.monotonic() - _table_cache["loaded_at"] < _TABLE_TTL_SECONDS
        if _table_cache["days"] is None or not fresh:
            from office.models import CalendarDay

            rows = CalendarDay.objects.values_list("date", "kind")
            _table_cache["days"] = {day: kind == CalendarDay.Kind.WORKDAY for day, kind in rows}
            _table_cache["loaded_at"] = time.monotonic()
        return _table_cache["days"]


def clear_cache() -> None:
    with _table_lock:
        _table_cache["days"] = None


@lru_cache(maxsize=64)
def package_knows_year(year: int) -> bool:
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=20_000)
def _default_is_working_day(day: datetime.date) -> bool:
    """chinese_calendar where it knows the year, else Monday–Friday (fixed per date: cached)."""
    if package_knows_year(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def _is_working_day(day: datetime.date, table: dict[datetime.date, bool]) -> bool:
    if day in table:
        return table[day]
    return _default_is_working_day(day)


def is_working_day(day: datetime.date) -> bool:
    return _is_working_day(day, _table())


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (start itself not counted).

    With days=0 the result is start itself if it is a working day, else the next
    working day: a deadline never falls on a day off.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    table = _table()
    current = start
    if days == 0:
        while not _is_working_day(current, table):
            current += datetime.timedelta(days=1)
        return current
    remaining = days
    while remaining:
        current += datetime.timedelta(days=1)
        if _is_working_day(current, table):
            remaining -= 1
    return current


def add_calendar_days(start: datetime.date, days: int) -> datetime.date:
    """`days` calendar days after start; a deadline on a day off moves to the next working day."""
    return add_working_days(start + datetime.timedelta(days=days), 0)


def next_working_day(day: datetime.date) -> datetime.date:
    return add_working_days(day, 1)


def previous_working_day(day: datetime.date) -> datetime.date:
    table = _table()
    current = day - datetime.timedelta(days=1)
    while not _is_working_day(current, table):
        current -= datetime.timedelta(days=1)
    return current


def shift_working_days(day: datetime.date, days: int) -> datetime.date:
    """`days` working days after day, before it when negative; 0 is the day itself
    (a meeting's own day, even a Saturday)."""
    if days >= 0:
        return add_working_days(day, days) if days else day
    for _ in range(-days):
        day = previous_working_day(day)
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after start up to and including end; negative if end < start.

    The inverse of add_working_days for n >= 1: working_days_between(d, add_working_days(d, n)) == n.
    """
    if end < start:
        return -working_days_between(end, start)
    table = _table()
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if _is_working_day(current, table):
            count += 1
    return count


def uncovered_years(years) -> list[int]:
    """Years for which neither the table nor chinese_calendar has holiday data."""
    wanted = sorted(set(years))
    unknown_to_package = [year for year in wanted if not package_knows_year(year)]
    if not unknown_to_package:
        return []
    # From the process copy of the table: a holiday row is one not a working day.
    entered = {day.year for day, working in _table().items() if not working}
    return [year for year in unknown_to_package if year not in entered]


def coming_years_uncovered(today: datetime.date) -> list[int]:
    """This year and the next, when either lacks holiday data (shown on dashboards)."""
    return uncovered_years([today.year, today.year + 1])


def day_start(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of `day`: filters written as `start >= day_start(d)`
    and `start < day_start(d + 1)` use an index on the column, where `start__date` does not."""
    from django.utils import timezone

    return datetime.datetime.combine(day, datetime.time.min, timezone.get_current_timezone())
