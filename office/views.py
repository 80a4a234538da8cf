import csv

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from office import calendar, notifications
from office.audit import history_for
from office.forms import PeopleImportForm, PersonSearchForm
from office.models import Message, Person, Unit
from office.pagination import paginate
from office.people_import import COLUMNS, ImportFileError, people_import
from office.related import workbench_notes
from office.roles import user_roles


def home(request):
    today = timezone.localdate()
    context = {
        "today": today,
        "today_is_working_day": calendar.is_working_day(today),
        "next_working_day": calendar.next_working_day(today),
        "uncovered_years": calendar.coming_years_uncovered(today),
        "recent_messages": Message.objects.filter(recipient=request.user, read_at__isnull=True)[:5],
        "roles": sorted(user_roles(request.user)),
        "person": Person.objects.filter(user=request.user).select_related("unit").first(),
        "workbench_notes": workbench_notes(today),
    }
    return render(request, "office/home.html", context)


def inbox(request):
    show = request.GET.get("show", "unread")
    qs = Message.objects.filter(recipient=request.user)
    if show == "unread":
        qs = qs.filter(read_at__isnull=True)
    page = paginate(request, qs, per_page=20)
    return render(request, "office/inbox.html", {"page": page, "show": show})


def message_open(request, pk):
    message = get_object_or_404(Message, pk=pk, recipient=request.user)
    notifications.messages_mark_read(request.user, [message.pk])
    if message.link and url_has_allowed_host_and_scheme(message.link, allowed_hosts={request.get_host()}):
        return redirect(message.link)
    return render(request, "office/message_detail.html", {"message": message})


@require_POST
def inbox_mark_all_read(request):
    count = notifications.messages_mark_read(request.user)
    messages.success(request, f"已将 {count} 条消息标为已读")
    return redirect("office:inbox")


@permission_required("office.view_person", raise_exception=True)
def person_list(request):
    form = PersonSearchForm(request.GET or None)
    qs = Person.objects.select_related("unit").order_by("protocol_rank", "name", "id")
    if form.is_valid():
        words = form.cleaned_data.get("q")
        if words:
            qs = qs.filter(
                Q(name__icontains=words) | Q(post__icontains=words) | Q(id_code__icontains=words) | Q(phone__icontains=words)
            )
        if form.cleaned_data.get("unit"):
            qs = qs.filter(unit=form.cleaned_data["unit"])
        if form.cleaned_data.get("body"):
            qs = qs.filter(memberships__body=form.cleaned_data["body"]).distinct()
        if not form.cleaned_data.get("include_inactive"):
            qs = qs.filter(is_active=True)
    else:
        qs = qs.filter(is_active=True)
    page = paginate(request, qs, per_page=30)
    return render(
        request,
        "office/person_list.html",
        {"form": form, "page": page, "can_import": request.user.has_perm("office.add_person")},
    )


@permission_required("office.view_person", raise_exception=True)
def person_detail(request, pk):
    person = get_object_or_404(Person.objects.select_related("unit", "user"), pk=pk)
    memberships = person.memberships.select_related("term")
    return render(
        request,
        "office/person_detail.html",
        {"person": person, "memberships": memberships, "history": history_for(person)},
    )


@permission_required("office.view_unit", raise_exception=True)
def unit_list(request):
    units = Unit.objects.filter(is_active=True).order_by("order", "id")
    return render(request, "office/unit_list.html", {"units": units})


def _require_importer(user) -> None:
    if not (user.has_perm("office.add_person") and user.has_perm("office.change_person")):
        raise PermissionDenied("只有办公室主任和工作人员可以导入人员")


def people_import_view(request):
    _require_importer(request.user)
    report = None
    if request.method == "POST":
        form = PeopleImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = people_import(
                    filename=upload.name, content=upload.read(), dry_run=form.cleaned_data["dry_run"]
                )
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                if report.saved:
                    messages.success(
                        request, f"导入完成：新增 {report.count('新增')} 人，更新 {report.count('更新')} 人"
                    )
                elif report.error_rows:
                    messages.error(request, f"有 {len(report.error_rows)} 行有误，本次没有导入任何数据，请修改后重新上传")
                elif not report.rows:
                    messages.error(request, "文件中没有数据行")
                else:
                    messages.info(request, f"检查通过：{len(report.rows)} 行均无误（仅检查，未导入）")
    else:
        form = PeopleImportForm()
    return render(request, "office/people_import.html", {"form": form, "report": report, "columns": list(COLUMNS)})


def people_import_template(request):
    """An empty list with the right headers and one example row, for Excel."""
    _require_importer(request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E4%BA%BA%E5%91%98%E5%90%8D%E5%8D%95%E6%A8%A1%E6%9D%BF.csv"
    response.write("\ufeff")  # BOM: Excel then reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(list(COLUMNS))
    writer.writerow(["张三", "男", "财经工委", "常委会委员", "0731-1234567", "", "W99", "150", "16", "常委会组成人员", "委员", "2022-01-06"])
    return response


def profile(request):
    """My details, and which channels I receive notifications on (the inbox always)."""
    from django.conf import settings

    from office.models import ChannelPreference

    person = Person.objects.filter(user=request.user).select_related("unit").first()
    choices = [key for key in settings.NOTIFICATION_CHANNELS if notifications.channel_get(key)]
    if request.method == "POST":
        for key in choices:
            if key not in settings.REQUIRED_CHANNELS:
                ChannelPreference.objects.update_or_create(
                    user=request.user, channel=key, defaults={"enabled": f"channel-{key}" in request.POST and request.POST.get(f"channel-{key}") != ""}
                )
        messages.success(request, "通知渠道已保存")
        return redirect("office:profile")
    off = set(ChannelPreference.objects.filter(user=request.user, enabled=False).values_list("channel", flat=True))
    channels = [
        {"key": key, "label": notifications.channel_get(key).label, "on": key not in off or key in settings.REQUIRED_CHANNELS,
         "required": key in settings.REQUIRED_CHANNELS}
        for key in choices
    ]
    return render(
        request,
        "office/profile.html",
        {"person": person, "roles": sorted(user_roles(request.user)), "channels": channels},
    )
