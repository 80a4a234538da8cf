"""作风 in the nightly report: leave today and tomorrow, duty, errors logged today."""

from conduct.models import DutyShift, ErrorEntry
from conduct.services import away_each_day
from office.report import ReportSection, report_section


def _names(people) -> str:
    return "、".join(person.name for person in people)


@report_section(50, per_recipient=False)  # the same for every recipient
def conduct_section(day, tomorrow, recipient):
    away = away_each_day([day, tomorrow])
    away_today, away_tomorrow = away[day], away[tomorrow]
    # Every day after today up to the next working day (a whole weekend on Friday), at once.
    shifts = list(DutyShift.objects.filter(date__gt=day, date__lte=tomorrow).select_related("person").order_by("date", "kind"))
    errors = list(ErrorEntry.objects.filter(created_at__date=day).select_related("unit").order_by("pk"))
    rows = [("今日请假", len(away_today)), ("明日请假", len(away_tomorrow)), ("值班安排", len(shifts)), ("今日登记差错", len(errors))]
    lines = []
    if away_today:
        lines.append(f"今日请假：{_names(away_today)}")
    if away_tomorrow:
        lines.append(f"明日请假：{_names(away_tomorrow)}")
    for shift in shifts:
        lines.append(f"值班：{shift.date.month}月{shift.date.day}日 {shift.get_kind_display()} {shift.person.name}")
    for entry in errors:
        lines.append(f"差错：{entry.get_category_display()}·{entry.get_sub_kind_display()}（{entry.unit.label}）")
    return ReportSection("作风与考勤", rows=rows, lines=lines)
