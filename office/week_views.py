"""A leader's week: meetings, trips, receptions and leave from every duty (the
office.schedule registry), with double bookings ("撞车") marked."""

import datetime

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from office.access import require
from office.models import Person
from office.roles import Role, has_role
from office.schedule import commitments, leader_person_ids


def leader_week(request):
    require(has_role(request.user, Role.DIRECTOR, Role.LEADER, Role.STAFF), "只有办公室和领导可以查看领导日程")
    today = timezone.localdate()
    try:
        monday = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        monday = today
    monday -= datetime.timedelta(days=monday.weekday())
    leaders = list(Person.objects.filter(pk__in=leader_person_ids(Person.objects.values_list("pk", flat=True), today)).order_by("protocol_rank"))
    own = getattr(request.user, "person", None)
    chosen_id = request.GET.get("person") or (own.pk if own and own.pk in {p.pk for p in leaders} else (leaders[0].pk if leaders else None))
    person = get_object_or_404(Person, pk=chosen_id) if chosen_id else None
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(monday, datetime.time.min, zone)
    end = start + datetime.timedelta(days=7)
    entries = commitments([person.pk], start, end) if person else []
    clashing = set()
    for index, first in enumerate(entries):
        for second in entries[index + 1:]:
            if first.start < second.end and second.start < first.end:
                clashing.update({first.key, second.key})
    days = []
    for offset in range(7):
        day = monday + datetime.timedelta(days=offset)
        items = [
            {"entry": entry, "clash": entry.key in clashing,
             "start": timezone.localtime(entry.start), "end": timezone.localtime(entry.end)}
            for entry in entries
            if timezone.localtime(entry.start).date() <= day <= timezone.localtime(entry.end).date()
        ]
        days.append({"date": day, "items": items, "today": day == today})
    return render(request, "office/leader_week.html", {
        "leaders": leaders, "person": person, "days": days, "clash_count": len(clashing),
        "monday": monday, "previous": monday - datetime.timedelta(days=7), "next": monday + datetime.timedelta(days=7),
    })
