"""Demo meetings: a past 常委会会议 with votes and opinions being handled, the next one
in preparation, a 主任会议 and a congress session."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from logistics.models import Room
from meetings import services
from meetings.models import Kind, Meeting, Participant, Reply, Role
from office.models import Counter, Person, Term, Unit

AGENDA_PAST = [
    ("审议区人民政府关于2026年上半年国民经济和社会发展计划执行情况的报告", "财经工委", "区发改局局长 王建明", False),
    ("审议《清河区城市绿化管理办法（草案）》", "法制工委", "法制工委主任 何志远", True),
    ("审议人事任免事项", "人事代表选举工委", "人选工委主任 陈立", True),
]
AGENDA_NEXT = [
    ("听取和审议区人民政府关于2026年预算调整方案的报告", "财经工委", "区财政局局长 李红", True),
    ("听取和审议区人民法院关于行政审判工作情况的报告", "法制工委", "区法院院长 张正", False),
    ("听取和审议关于老旧小区改造工作情况的专题调研报告", "社会建设工委", "社会建设工委主任 刘洋", False),
]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _agenda(meeting, staff, rows):
    units = {unit.short_name: unit for unit in Unit.objects.all()}
    return [
        services.agenda_add(meeting=meeting, actor=staff, title=title, sponsor=units.get(sponsor), reporter=reporter, to_vote=vote)
        for title, sponsor, reporter, vote in rows
    ]


@transaction.atomic
def seed() -> str:
    User = get_user_model()
    staff = User.objects.filter(username="staff").first()
    term = Term.objects.filter(number=16).first()
    if staff is None or term is None or Meeting.objects.exists():
        return ""
    director = User.objects.get(username="director")
    leader = User.objects.get(username="leader")
    chair = Person.objects.get(id_code="L01")
    rooms = {room.name: room for room in Room.objects.all()}
    # The term is well under way: continue its numbering where the office's paper records end.
    for kind, done in (("standing", 18), ("council", 41), ("congress", 5)):
        Counter.objects.update_or_create(series=f"meeting-{kind}", year=term.number, defaults={"last_value": done})
    today = timezone.localdate()

    # The past 常委会会议: held, voted, opinions handed to units as supervision items.
    past_day = today - datetime.timedelta(days=27)
    past = services.meeting_create(actor=staff, kind=Kind.STANDING, term=term, start=_at(past_day, 9), end=_at(past_day, 11, 30),
                                   convener=chair, room=rooms["常委会议室"], subject="审议计划执行、绿化管理办法和人事任免", confirm_clashes=True)
    items = _agenda(past, staff, AGENDA_PAST)
    services.invite_body(meeting=past, actor=staff)
    guests = Person.objects.filter(id_code__startswith="D")[:4]
    services.participants_invite(meeting=past, actor=staff, people=list(guests), role=Role.NONVOTING)
    services.meeting_transition(meeting=past, action="approve_plan", actor=director)
    services.meeting_transition(meeting=past, action="send_notice", actor=staff)
    attendees = list(past.participants.filter(role=Role.ATTEND).select_related("person").order_by("person__protocol_rank"))
    for index, participant in enumerate(attendees):
        if index in (7, 15, 22):
            services.reply_record(participant=participant, reply=Reply.LEAVE, reason="参加市里培训" if index == 7 else "因病请假", actor=staff)
        else:
            services.sign_in(participant=participant, actor=staff)
    services.meeting_transition(meeting=past, action="open", actor=staff)
    present = past.participants.filter(role=Role.ATTEND, signed_in_at__isnull=False).count()
    services.vote_record(item=items[1], actor=staff, yes=present - 2, no=0, abstain=1, not_voting=1)
    services.vote_record(item=items[2], actor=staff, yes=present, no=0, abstain=0, not_voting=0)
    units = {unit.short_name: unit for unit in Unit.objects.all()}
    first = services.opinion_add(item=items[0], actor=staff, lead_unit=units["财经工委"], co_units=[units["社会建设工委"]],
                                 text="进一步加大稳投资力度，加快重点项目建设进度，四季度前报送推进情况。")
    second = services.opinion_add(item=items[1], actor=staff, lead_unit=units["法制工委"],
                                  text="对办法草案中绿地占用审批的条款作进一步论证，修改后报主任会议。")
    services.opinion_assign(opinion=first, actor=staff, leader=leader, urgency="complex")
    services.opinion_assign(opinion=second, actor=staff, leader=leader, urgency="normal")
    services.meeting_transition(meeting=past, action="close", actor=staff)
    for task in past.checklist.all():
        services.task_done(task=task, actor=director)

    # The next 常委会会议: in preparation, the tasks due by today done.
    next_day = today + datetime.timedelta(days=9)
    upcoming = services.meeting_create(actor=staff, kind=Kind.STANDING, term=term, start=_at(next_day, 9), end=_at(next_day, 12),
                                       convener=chair, room=rooms["常委会议室"], subject="审议预算调整方案等", confirm_clashes=True)
    _agenda(upcoming, staff, AGENDA_NEXT)
    services.invite_body(meeting=upcoming, actor=staff)
    services.meeting_transition(meeting=upcoming, action="approve_plan", actor=director)
    for index, participant in enumerate(upcoming.participants.select_related("person")[:12]):
        reply = Reply.LEAVE if index == 5 else Reply.ATTEND
        services.reply_record(participant=participant, reply=reply, reason="外出考察" if reply == Reply.LEAVE else "", actor=staff)
    for task in upcoming.checklist.filter(due_date__lte=today):
        services.task_done(task=task, actor=director)

    # A 主任会议 later this week.
    council_day = today + datetime.timedelta(days=2)
    council = services.meeting_create(actor=staff, kind=Kind.COUNCIL, term=term, start=_at(council_day, 15), end=_at(council_day, 17),
                                      convener=chair, room=rooms["第二会议室"], subject="研究常委会会议议程", confirm_clashes=True)
    _agenda(council, staff, [("研究第二十次常委会会议议程（草案）", "办公室", "办公室主任 孙明远", False)])
    services.invite_body(meeting=council, actor=staff)
    services.meeting_transition(meeting=council, action="approve_plan", actor=director)
    services.meeting_transition(meeting=council, action="send_notice", actor=staff)

    # The congress session in January (a year with no holiday data yet).
    congress_day = datetime.date(today.year + 1, 1, 12)
    congress = services.meeting_create(actor=staff, kind=Kind.CONGRESS, term=term, start=_at(congress_day, 9),
                                       end=_at(congress_day + datetime.timedelta(days=2), 12), convener=chair,
                                       venue="区会议中心大礼堂", subject="区第十六届人民代表大会第六次会议", confirm_clashes=True)
    _agenda(congress, staff, [
        ("听取和审议区人民政府工作报告", "办公室", "区长", True),
        ("审查和批准2027年国民经济和社会发展计划", "财经工委", "区发改局局长", True),
        ("听取和审议区人大常委会工作报告", "办公室", "常委会主任", True),
    ])
    services.invite_body(meeting=congress, actor=staff)
    return f"{Meeting.objects.count()} 次会议，{Participant.objects.count()} 人次参会"
