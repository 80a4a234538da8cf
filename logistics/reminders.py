"""办事 reminders, each once per event: the kitchen's headcount, vehicle papers."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from logistics.models import Meal, Vehicle
from office.notifications import notify
from office.roles import Role
from office.text import chinese_date

PAPER_DAYS = (30, 7)


def _users(*roles):
    return list(get_user_model().objects.filter(is_active=True, groups__name__in=roles).distinct())


def headcount_send(day: datetime.date, meal: str) -> int:
    from logistics.pdf import headcount_sheet
    from logistics.services import headcount
    from office.pdf import store

    counts = headcount(day, meal)
    label = Meal(meal).label
    path = store(f"logistics/canteen/{day:%Y%m%d}-{meal}.pdf", headcount_sheet(day, meal, counts))
    result = notify(
        _users(Role.CANTEEN), f"logistics:headcount:{day:%Y-%m-%d}:{meal}",
        f"报餐统计：{chinese_date(day)}{label} {counts['total']}人",
        f"{label}报餐已截止，共{counts['total']}人（职工{counts['by_kind'].get('staff', 0)}，会议{counts['by_kind'].get('meeting', 0)}，"
        f"接待{counts['by_kind'].get('guest', 0)}）。统计单见附件。",
        link="/logistics/canteen/", attachments=[path],
    )
    return len(result.created)


def headcount_due(now: datetime.datetime) -> int:
    """Every meal whose cutoff passed in the last 6 hours gets its sheet (once: the
    message key carries the day and meal)."""
    from logistics.services import meal_cutoff

    sent = 0
    today = timezone.localdate(now)
    for day in (today, today + datetime.timedelta(days=1)):
        for meal in Meal.values:
            cutoff = meal_cutoff(day, meal)
            if cutoff <= now < cutoff + datetime.timedelta(hours=6):
                sent += headcount_send(day, meal)
    return sent


def vehicle_papers(today: datetime.date) -> int:
    """30 and 7 days before insurance or the annual inspection expires, once each."""
    sent = 0
    keepers = _users(Role.DIRECTOR, Role.STAFF, Role.DRIVER)
    for days in PAPER_DAYS:
        target = today + datetime.timedelta(days=days)
        for field, label in (("insurance_expires", "保险"), ("inspection_expires", "年检")):
            for vehicle in Vehicle.objects.filter(**{field: target}).exclude(status=Vehicle.Status.RETIRED):
                result = notify(
                    keepers, f"logistics:vehicle:{vehicle.pk}:{field}:{target}:{days}",
                    f"车辆提醒：{vehicle.plate}{label}将于{days}天后到期",
                    f"{vehicle.plate}的{label}于{chinese_date(target)}到期，请及时办理。", link="/logistics/vehicles/",
                )
                sent += len(result.created)
    return sent
