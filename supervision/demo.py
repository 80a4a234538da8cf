"""Demo 督办 items: a few dozen in every state and light, across units."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from office import calendar
from office.models import Person, Unit
from supervision import services
from supervision.models import Extension, Source, State, SupervisionItem, Urgency

TOPICS = [
    ("关于加快老旧小区改造进度的审议意见", Source.MEETING, "区十六届人大常委会第十八次会议审议意见"),
    ("区级预算执行审计查出问题整改情况", Source.MEETING, "区十六届人大常委会第十九次会议审议意见"),
    ("农村饮水安全巩固提升工程推进情况", Source.COUNCIL, "第四十二次主任会议交办"),
    ("义务教育阶段学校布局调整调研报告", Source.COUNCIL, "第四十三次主任会议交办"),
    ("关于增设城区公共停车位的建议", Source.SUGGESTION, "区十六届人大四次会议第12号建议"),
    ("关于加强农贸市场食品安全监管的建议", Source.SUGGESTION, "区十六届人大四次会议第27号建议"),
    ("关于改善乡镇卫生院医疗条件的建议", Source.SUGGESTION, "区十六届人大四次会议第35号建议"),
    ("市人大关于优化营商环境条例执法检查的通知", Source.ABOVE, "市人大常委会办公室交办"),
    ("主任批示：河长制落实情况专题调研", Source.INSTRUCTION, "周建国主任批示"),
    ("副主任批示：养老服务体系建设情况", Source.INSTRUCTION, "李慧敏副主任批示"),
    ("政府债务管理情况专题询问准备", Source.OTHER, ""),
    ("人大代表履职档案整理", Source.OTHER, ""),
]
UNITS = ["财经工委", "法制工委", "教科文卫工委", "农业农村工委", "社会建设工委", "人事代表选举工委", "研究室"]


def _assign_so_deadline_is(item, actor, deadline):
    """Assign N working days before `deadline`, so the 3715 rule lands on it (demo only)."""
    assigned_on = _back(deadline, settings.SUPERVISION_DAYS[item.urgency])
    return services.item_assign(item=item, actor=actor, assigned_on=assigned_on)


@transaction.atomic
def seed() -> str:
    User = get_user_model()
    staff = User.objects.filter(username="staff").first()
    if staff is None or SupervisionItem.objects.filter(registered_by=staff).exists():
        return ""
    director = User.objects.get(username="director")
    leader = User.objects.get(username="leader")
    liaison = User.objects.get(username="liaison")
    units = {unit.short_name: unit for unit in Unit.objects.all()}
    today = timezone.localdate()
    people = list(Person.objects.filter(unit__short_name__in=UNITS, memberships__isnull=False).distinct()[:7])

    def register(index, urgency=Urgency.NORMAL, lead="财经工委", co=()):
        title, source, detail = TOPICS[index % len(TOPICS)]
        return services.item_register(
            actor=staff, title=title, source=source, source_detail=detail, urgency=urgency,
            requirements="请认真研究处理，按期报送办理情况和办结报告。",
            lead_unit=units[lead], co_units=[units[name] for name in co],
            responsible=people[index % len(people)] if people else None,
            supervisor=staff, leader=leader,
        )

    created = 0
    # 已挂号: waiting to be assigned.
    for index in range(2):
        register(index, lead=UNITS[index + 2]); created += 1
    # Open items in every light, mostly for 财经工委 so the liaison sees a full list.
    plans = [(-6, "财经工委"), (-2, "法制工委"), (-1, "财经工委"), (0, "财经工委"), (0, "教科文卫工委"),
             (1, "农业农村工委"), (3, "财经工委"), (6, "社会建设工委"), (9, "研究室"), (12, "财经工委")]
    for index, (offset, lead) in enumerate(plans):
        # Long enough a rule that the assignment date lies in the past.
        urgency = Urgency.COMPLEX if offset >= 3 else [Urgency.URGENT, Urgency.NORMAL][index % 2]
        item = register(index + 2, urgency=urgency, lead=lead, co=("法制工委",) if index % 4 == 0 and lead != "法制工委" else ())
        deadline = calendar.add_working_days(today, offset) if offset >= 0 else _back(today, -offset)
        item = _assign_so_deadline_is(item, staff, deadline)
        if index % 2 == 0:
            actor = liaison if lead == "财经工委" else staff
            services.item_report_progress(item=item, actor=actor, text="已召开专题会议研究，正在按要求推进，预计按期完成。")
        created += 1
    # A pending extension on a green item.
    open_item = SupervisionItem.objects.filter(state=State.IN_PROGRESS, lead_unit=units["财经工委"], deadline__gt=today).first()
    if open_item:
        services.extension_request(item=open_item, actor=liaison, new_deadline=calendar.add_working_days(open_item.deadline, 5),
                                   reason="涉及多个部门会商，需要延长时间协调。")
    # 已报结: waiting for 销号.
    for index in range(3):
        item = _assign_so_deadline_is(register(index + 4, lead=UNITS[index]), staff, calendar.add_working_days(today, 2))
        services.item_report_completion(item=item, actor=staff, report="已按要求办理完毕，具体情况见办结报告。")
        created += 1
    # 已销号 over the past months, most on time, for the statistics.
    for index in range(24):
        lead = UNITS[index % len(UNITS)]
        item = register(index, lead=lead)
        assigned_on = _back(today, 15 + index * 6)
        item = services.item_assign(item=item, actor=staff, assigned_on=assigned_on)
        services.item_report_completion(item=item, actor=staff, report="已办结，相关情况已书面报告。")
        satisfaction = ["satisfied", "satisfied", "basic", "unsatisfied"][index % 4] if item.source == Source.SUGGESTION else ""
        services.item_close(item=item, actor=director, satisfaction=satisfaction)
        late = index % 5 == 4
        reported = calendar.add_working_days(item.deadline, 2) if late else calendar.previous_working_day(item.deadline)
        SupervisionItem.objects.filter(pk=item.pk).update(reported_on=reported, closed_on=calendar.add_working_days(reported, 1))
        created += 1
    # One item returned once and now back in progress.
    item = _assign_so_deadline_is(register(3, lead="财经工委"), staff, calendar.add_working_days(today, 4))
    services.item_report_completion(item=item, actor=liaison, report="已办结。")
    services.item_return(item=item, actor=director, reason="办结报告过于简单，请补充整改措施和成效数据后重新报结。")
    created += 1
    pending = Extension.objects.filter(decision=Extension.Decision.PENDING).count()
    return f"{created} 件督办事项（{pending} 件延期待审批）"


def _back(day: datetime.date, working_days: int) -> datetime.date:
    for _ in range(working_days):
        day = calendar.previous_working_day(day)
    return day
