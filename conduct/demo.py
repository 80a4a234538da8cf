"""Demo 作风 data: a year of error entries with lessons, proposals waiting for the
director, leave, and a month of the duty roster."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from conduct import services
from conduct.models import Category, ErrorEntry, Severity, SubKind
from office import calendar
from office.models import Person, Unit
from office.roles import Role

ENTRIES = [
    # days ago, category, sub-kind, severity, what happened, lesson
    (320, Category.DOCUMENTS, SubKind.TEXT, Severity.MINOR, "发文《关于报送年度工作总结的通知》主送机关漏列研究室。",
     "发文前须对照主送名单逐一核对，核稿人签字确认。"),
    (260, Category.MEETINGS, SubKind.MEETING, Severity.SERIOUS, "常委会会议桌签将两位委员姓名写错一字。",
     "桌签、座次图打印后由第二人对照名单逐个核对。"),
    (200, Category.AFFAIRS, SubKind.VEHICLE, Severity.MINOR, "用车回场未及时登记里程和油费，月底统计缺数。",
     "驾驶员回场当日在手机上登记回场，值班员下班前检查。"),
    (150, Category.DOCUMENTS, SubKind.DELAY, Severity.SERIOUS, "市人大来函办理超过期限两个工作日。",
     "收文登记时即设置办理期限，临期由系统提醒，承办单位每周报进展。"),
    (90, Category.MEETINGS, SubKind.PROCEDURE, Severity.MINOR, "主任会议通知发出时间晚于规定一天。",
     "会议方案审批后即排定通知发出日期，列入会务工作清单。"),
    (40, Category.AFFAIRS, SubKind.RECEPTION, Severity.MINOR, "接待用餐人数统计有误，多订四份。",
     "接待用餐以接待方案确认的人数为准，截止前再核一次。"),
]


@transaction.atomic
def seed() -> str:
    User = get_user_model()
    director = User.objects.filter(username="director").first()
    if director is None or ErrorEntry.objects.exists():
        return ""
    staff = User.objects.get(username="staff")
    duty = User.objects.get(username="duty")
    today = timezone.localdate()
    office_unit = Unit.objects.get(short_name="办公室")
    people = {person.user.username: person for person in Person.objects.filter(user__username__in=["staff", "staff2", "driver"])}
    for index, (days_ago, category, sub_kind, severity, what, lesson) in enumerate(ENTRIES):
        who = [people["driver"]] if sub_kind == SubKind.VEHICLE else [people["staff" if index % 2 else "staff2"]]
        entry = services.entry_register(actor=staff, people=who, unit=office_unit, date=today - datetime.timedelta(days=days_ago),
                                        category=category, sub_kind=sub_kind, severity=severity, what_happened=what,
                                        cause="工作不够细致，复核环节缺失。", corrective_action="已当面纠正并补正。", lesson=lesson)
        services.entry_step(entry=entry, actor=director, action="verify")
        if index < 4:
            services.entry_step(entry=entry, actor=director, action="publish")
        if index < 3:
            services.entry_step(entry=entry, actor=staff, action="rectify")
    proposals = services.proposals_sweep(today)

    # Leave: one approved today, one waiting for approval.
    staff2 = people["staff2"]
    leave = services.leave_register(actor=duty, person=staff2, leave_type="annual", start=today, end=today + datetime.timedelta(days=2), reason="年休假")
    services.leave_decide(leave=leave, actor=services.approver_for(staff2), approve=True)
    services.leave_register(actor=duty, person=people["driver"], leave_type="personal", start=today + datetime.timedelta(days=7),
                            end=today + datetime.timedelta(days=7), reason="家中有事")

    # The duty roster for this month and next, from the office staff in rank order.
    rota = list(Person.objects.filter(user__groups__name__in=[Role.STAFF, Role.DUTY, Role.DIRECTOR]).distinct().order_by("protocol_rank"))
    first = today.replace(day=1)
    last = (first + datetime.timedelta(days=62)).replace(day=1) - datetime.timedelta(days=1)
    new_year_eve = datetime.date(today.year, 12, 31)
    special = [day for day in (new_year_eve, new_year_eve + datetime.timedelta(days=1)) if first <= day <= last]
    shifts = services.roster_generate(actor=duty, start=first, end=last, rota=rota, full_days=special)
    days_off = sum(1 for offset in range((last - first).days + 1) if not calendar.is_working_day(first + datetime.timedelta(days=offset)))
    return f"{len(ENTRIES)} 条差错（{proposals} 条线索待确认），2 条请假，{len(shifts)} 个值班（{days_off} 个休息日）"
