"""{% timespan %} writes what the template it replaced wrote, for every shape of span."""

import datetime
import zoneinfo

import pytest
from django.template import engines
from django.utils import timezone

# The template the tag replaced: Django's date filters in the office's time zone and language.
REFERENCE = (
    '<span class="timespan">{% if short %}{{ start|date:"n月j日" }}{% else %}{{ start|date:"Y年n月j日" }}{% endif %}<span class="weekday">（{{ start|date:"l" }}）</span>{{ start|date:"H:i" }}{% if end %}–{% if end|date:"Ymd" != start|date:"Ymd" %}{{ end|date:"n月j日" }} {% endif %}{{ end|date:"H:i" }}{% endif %}</span>'
)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def spans():
    start = datetime.datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI)
    yield start, start.replace(hour=12), False
    yield start, start.replace(hour=12), True
    yield start, None, False
    yield start, start + datetime.timedelta(days=1, hours=3), True
    yield start.replace(hour=23, minute=30), start.replace(hour=23, minute=30) + datetime.timedelta(hours=1), False
    # Stored in UTC: the day and the weekday are Beijing's.
    yield datetime.datetime(2026, 12, 31, 17, 5, tzinfo=datetime.timezone.utc), datetime.datetime(2027, 1, 1, 2, 0, tzinfo=datetime.timezone.utc), False
    for offset in range(7):
        day = start + datetime.timedelta(days=offset)
        yield day, day + datetime.timedelta(minutes=45), offset % 2 == 0


@pytest.mark.parametrize(("start", "end", "short"), list(spans()))
def test_the_tag_writes_what_the_template_wrote(start, end, short):
    engine = engines["django"]
    context = {"start": start, "end": end, "short": short}
    expected = engine.from_string(REFERENCE).render(context)
    written = engine.from_string("{% load office_tags %}{% timespan start end short=short %}").render(context)
    assert written == expected
    assert "星期" in written and timezone.localtime(start).strftime("%H:%M") in written
