"""The nightly report's pages: past reports and a preview for any date."""

import datetime
from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from office.access import require
from office.models import NightlyReport
from office.pagination import paginate
from office.report import build_report, pdf_filename, render_html, render_pdf
from office.roles import Role, has_role


def _require_reader(user) -> None:
    require(has_role(user, Role.DIRECTOR, Role.LEADER), "工作日报仅发送给办公室主任和常委会领导")


def report_list(request):
    _require_reader(request.user)
    rows = NightlyReport.objects.filter(recipient=request.user).order_by("-date")
    return render(request, "office/report_list.html", {"page": paginate(request, rows), "today_iso": timezone.localdate().isoformat()})


def report_preview(request, day):
    _require_reader(request.user)
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError:
        raise Http404("日期格式应为 YYYY-MM-DD")
    report = build_report(date, request.user)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(render_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(pdf_filename(date))}"
        return response
    return HttpResponse(render_html(report))
