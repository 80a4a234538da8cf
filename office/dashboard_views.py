"""主任看板: the director's and leaders' overview, assembled from the duty apps'
dashboard sections (office.dashboard)."""

from django.shortcuts import render
from django.utils import timezone

from office import calendar
from office.access import require
from office.dashboard import sections_for
from office.roles import Role, has_role


def dashboard(request):
    require(has_role(request.user, Role.DIRECTOR, Role.LEADER), "主任看板只供办公室主任和常委会领导查看")
    today = timezone.localdate()
    context = {
        "today": today,
        "uncovered_years": calendar.coming_years_uncovered(today),
        "sections": sections_for(request.user, today),
    }
    return render(request, "office/dashboard.html", context)
