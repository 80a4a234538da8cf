"""Meeting reminders: checklist_sweep(today) reminds a task's owners the working day
before it is due and on the day, once each; notice_send writes the 会议通知 to every
invitee with a login, once; and the sweep for real in a Celery worker."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone as django_timezone
from kombu import Connection

from meetings import reminders, services
from meetings.models import ChecklistTask, Kind, Meeting, MeetingDocument, Reply, Role, State
from meetings.tasks import checklist_sweep_task
from office import calendar
from office.models import Body, CalendarDay, Message
from office.roles import Role as OfficeRole
from tests.factories import MembershipFactory, PersonFactory, TermFactory, UserFactory
from tests.services import CeleryWorker, wait_for

TZ = ZoneInfo("Asia/Shanghai")
D = datetime.date

pytestmark = pytest.mark.django_db

# A 常委会会议 on Thursday 2026-12-10 (no holiday near). Its checklist, by the
# default template: -2 审核主持词 (主任) Tue 12-08; -1 用车 (司机), 用餐 (食堂), 会场 and
# 桌签 (工作人员) Wed 12-09; 0 签到, 记录 (工作人员) Thu 12-10.
MEETING_DAY = D(2026, 12, 10)
TUE, WED, THU, FRI, SAT, SUN = (D(2026, 12, day) for day in (8, 9, 10, 11, 12, 13))
CAR = "安排会议用车"


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.NOTIFICATION_CHANNELS = ["email"]
    return tmp_path


@pytest.fixture
def term(db):
    return TermFactory()


@pytest.fixture
def chair(db):
    return PersonFactory(name="王召集", protocol_rank=50)


def create(office, term, chair, day=MEETING_DAY, kind=Kind.STANDING, hour=9):
    start = at(day, hour)
    return services.meeting_create(
        actor=office.staff, kind=kind, term=term, start=start, end=start + datetime.timedelta(hours=3),
        convener=chair, venue="区人大机关会议中心",
    )


def inbox(user):
    return list(Message.objects.filter(recipient=user).order_by("id"))


def car_task(meeting) -> ChecklistTask:
    return meeting.checklist.get(title=CAR)


# --- checklist_sweep ----------------------------------------------------------------


def test_the_driver_is_reminded_the_working_day_before_and_on_the_day_once_each(office, term, chair):
    meeting = create(office, term, chair)
    task = car_task(meeting)
    assert task.due_date == WED

    # Monday: 用车 is two working days off; only the staff's two -3 tasks (due today)
    # and the 主任's -2 task (due tomorrow) are reminded.
    assert reminders.checklist_sweep(D(2026, 12, 7)) == 3
    assert inbox(office.driver) == []
    Message.objects.all().delete()

    sent = reminders.checklist_sweep(TUE)
    # 主任's 审核主持词 due today; the four tasks due tomorrow: 司机, 食堂, 工作人员 ×2.
    assert sent == 5
    [message] = inbox(office.driver)
    assert message.event_key == f"meetings:task:{task.pk}:due-1:2026-12-09"
    assert message.subject == "会务提醒：安排会议用车（12月9日到期）"
    assert message.body == f"{meeting.name}：“安排会议用车”应于2026年12月9日完成，完成后请在会务清单中勾选。"
    assert message.link == meeting.get_absolute_url() + "#checklist"
    assert [m.subject for m in inbox(office.director)] == ["会务提醒：审核主持词和会议议程（今天到期）"]
    assert [m.subject for m in inbox(office.canteen)] == ["会务提醒：安排会议用餐（12月9日到期）"]
    assert len(inbox(office.staff)) == 2
    assert inbox(office.liaison_a) == inbox(office.leader) == inbox(office.duty) == []

    count = Message.objects.count()
    assert reminders.checklist_sweep(TUE) == 0  # a repeated run tells nobody again
    assert Message.objects.count() == count

    assert reminders.checklist_sweep(WED) == 6  # 4 due today, 2 (会中) due tomorrow
    assert [m.subject for m in inbox(office.driver)] == [
        "会务提醒：安排会议用车（12月9日到期）",
        "会务提醒：安排会议用车（今天到期）",
    ]
    assert inbox(office.driver)[1].event_key == f"meetings:task:{task.pk}:due:2026-12-09"
    assert reminders.checklist_sweep(WED) == 0
    # After the day: no more reminders about it (no overdue chase for checklist tasks).
    reminders.checklist_sweep(THU)
    assert len(inbox(office.driver)) == 2


def test_nothing_is_sent_on_days_off(office, term, chair):
    create(office, term, chair, day=D(2026, 12, 14))  # Monday: 用车 due Friday 12-11
    assert reminders.checklist_sweep(SAT) == 0
    assert reminders.checklist_sweep(SUN) == 0
    assert not Message.objects.exists()
    reminders.checklist_sweep(FRI)
    assert [m.subject for m in inbox(office.driver)] == ["会务提醒：安排会议用车（今天到期）"]


def test_national_day_reminders_come_before_the_holiday(office, term, chair):
    # Meeting Friday 10-09: 用车 is due Thursday 10-08, the first working day after
    # the holiday; its "tomorrow" reminder goes out on Wednesday 09-30.
    meeting = create(office, term, chair, day=D(2026, 10, 9))
    assert car_task(meeting).due_date == D(2026, 10, 8)
    for day in range(1, 8):
        assert reminders.checklist_sweep(D(2026, 10, day)) == 0
    assert not Message.objects.exists()
    reminders.checklist_sweep(D(2026, 9, 30))
    assert [m.subject for m in inbox(office.driver)] == ["会务提醒：安排会议用车（10月8日到期）"]
    reminders.checklist_sweep(D(2026, 10, 8))
    assert [m.subject for m in inbox(office.driver)][1] == "会务提醒：安排会议用车（今天到期）"


def test_a_make_up_saturday_is_a_reminder_day(office, term, chair):
    # Meeting Monday 10-12: 用车 (-1) falls on Saturday 10-10, a 调休 working day.
    meeting = create(office, term, chair, day=D(2026, 10, 12))
    assert car_task(meeting).due_date == D(2026, 10, 10)
    reminders.checklist_sweep(D(2026, 10, 9))
    reminders.checklist_sweep(D(2026, 10, 10))
    assert reminders.checklist_sweep(D(2026, 10, 11)) == 0  # Sunday
    assert [m.subject for m in inbox(office.driver)] == [
        "会务提醒：安排会议用车（10月10日到期）",
        "会务提醒：安排会议用车（今天到期）",
    ]


def test_done_tasks_and_archived_meetings_are_skipped(office, term, chair):
    meeting = create(office, term, chair)
    services.task_done(task=car_task(meeting), actor=office.driver)
    # An archived meeting with a task due the same day (its dates are what they are).
    archived = create(office, term, chair, kind=Kind.COUNCIL)
    services.meeting_transition(meeting=archived, action="approve_plan", actor=office.director)
    member = MembershipFactory(term=term, body=Body.COUNCIL).person
    services.participants_invite(meeting=archived, actor=office.staff, people=[member])
    services.agenda_add(meeting=archived, actor=office.staff, title="议题")
    services.meeting_transition(meeting=archived, action="send_notice", actor=office.director)
    services.sign_in(participant=archived.participants.get(), actor=office.staff)
    for action in ("open", "close", "archive"):
        services.meeting_transition(meeting=archived, action=action, actor=office.director)
    assert Meeting.objects.get(pk=archived.pk).state == State.ARCHIVED
    ChecklistTask.objects.filter(meeting=archived).update(owner_role=OfficeRole.DRIVER, due_date=WED)

    reminders.checklist_sweep(TUE)
    assert inbox(office.driver) == []
    assert len(inbox(office.canteen)) == 1
    services.task_undo(task=car_task(meeting), actor=office.driver)
    reminders.checklist_sweep(TUE)
    assert [m.event_key for m in inbox(office.driver)] == [f"meetings:task:{car_task(meeting).pk}:due-1:2026-12-09"]


def test_a_task_with_a_named_owner_goes_only_to_that_user(office, term, chair):
    meeting = create(office, term, chair)
    ChecklistTask.objects.filter(pk=car_task(meeting).pk).update(owner=office.liaison_a)
    reminders.checklist_sweep(TUE)
    assert inbox(office.driver) == []
    assert [m.subject for m in inbox(office.liaison_a)] == ["会务提醒：安排会议用车（12月9日到期）"]


def test_every_active_holder_of_the_role_is_reminded(office, term, chair):
    second = UserFactory(username="driver2", roles=[OfficeRole.DRIVER])
    retired = UserFactory(username="driver_old", roles=[OfficeRole.DRIVER], is_active=False)
    # Someone holding two of the roles concerned is told once per task, not twice.
    both = UserFactory(username="driver_staff", roles=[OfficeRole.DRIVER, OfficeRole.STAFF])
    create(office, term, chair)
    reminders.checklist_sweep(TUE)
    assert len(inbox(office.driver)) == len(inbox(second)) == 1
    assert inbox(retired) == []
    assert len(inbox(both)) == 3  # 用车 + two 工作人员 tasks
    assert len({m.event_key for m in inbox(both)}) == 3


def test_moving_the_meeting_brings_new_reminders(office, term, chair):
    meeting = create(office, term, chair)
    reminders.checklist_sweep(TUE)
    services.meeting_update(meeting=meeting, actor=office.staff, start=at(FRI, 9), end=at(FRI, 12))
    assert car_task(meeting).due_date == THU
    reminders.checklist_sweep(WED)
    assert [m.subject for m in inbox(office.driver)] == [
        "会务提醒：安排会议用车（12月9日到期）",
        "会务提醒：安排会议用车（12月10日到期）",
    ]


# --- the 会议通知 ------------------------------------------------------------------


@pytest.fixture
def noticed(office, term, chair):
    """A meeting at 09:00 whose notice went out, invitees: two with logins, one
    without, one with a login who asked for leave, and staff (工作人员) with a login."""
    meeting = create(office, term, chair)
    outsider = PersonFactory(name="区长")  # no login
    services.meeting_transition(meeting=meeting, action="approve_plan", actor=office.director)
    services.participants_invite(meeting=meeting, actor=office.staff, people=[office.liaison_a.person, office.leader.person, outsider, office.canteen.person])
    services.participants_invite(meeting=meeting, actor=office.staff, people=[office.staff.person], role=Role.STAFF)
    leave = meeting.participants.get(person=office.canteen.person)
    services.reply_record(participant=leave, reply=Reply.LEAVE, reason="外出学习", actor=office.staff)
    services.agenda_add(meeting=meeting, actor=office.staff, title="审议区人民政府关于优化营商环境工作情况的报告")
    assert reminders.notice_send(meeting.pk) == 0  # not sent yet: nothing to tell
    services.meeting_transition(meeting=meeting, action="send_notice", actor=office.staff)
    return Meeting.objects.get(pk=meeting.pk)


def test_notice_goes_once_to_each_invitee_with_a_login(office, noticed):
    assert reminders.notice_send(noticed.pk) == 3
    messages = Message.objects.filter(event_key__startswith=f"meetings:{noticed.pk}:notice:")
    assert {m.recipient for m in messages} == {office.liaison_a, office.leader, office.staff}
    for message in messages:
        assert message.subject == f"会议通知：{noticed.name}"
        assert message.link == noticed.get_absolute_url()
    assert reminders.notice_send(noticed.pk) == 0
    assert Message.objects.count() == 3
    assert reminders.notice_send(10**9) == 0


def _notice_builder_missing() -> bool:
    try:
        from meetings.pdf import PDF_BUILDERS
    except Exception:  # the PDF module is being written by someone else
        return True
    return MeetingDocument.DocKind.NOTICE not in PDF_BUILDERS


@pytest.mark.xfail(_notice_builder_missing(), strict=False, reason="meetings/pdf.py has no 'notice' builder yet")
def test_notice_message_carries_the_notice_pdf(office, noticed, media):
    reminders.notice_send(noticed.pk)
    document = MeetingDocument.objects.get(meeting=noticed, doc_kind=MeetingDocument.DocKind.NOTICE)
    assert (document.status, document.error) == (MeetingDocument.Status.READY, "")
    [message] = Message.objects.filter(recipient=office.liaison_a)
    [path] = message.attachments
    assert path == document.file.name and path.endswith(".pdf")
    assert default_storage.exists(path)
    assert (media / path).read_bytes().startswith(b"%PDF-")


def test_notice_message_gives_the_local_time(noticed):
    reminders.notice_send(noticed.pk)
    message = Message.objects.filter(event_key__startswith=f"meetings:{noticed.pk}:notice:").first()
    assert message.body == f"定于2026年12月10日 09:00在区人大机关会议中心召开{noticed.name}，请准时出席。"


# --- for real: Redis and a Celery worker ------------------------------------------------


@pytest.fixture
def worker(redis_server, tmp_path, media):
    process = CeleryWorker(
        redis_server.url,
        tmp_path / "worker.log",
        extra_env={"NOTIFICATION_CHANNELS": "", "MEDIA_ROOT": str(media)},
    )
    process.start()
    try:
        yield process
    finally:
        process.stop()


def send(task, broker_url, *args):
    with Connection(broker_url) as connection:
        task.apply_async(args=args, connection=connection)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_worker_sweep_reminds_the_driver_once(office, worker, redis_server, term, chair):
    # The worker computes "today" itself; make sure today is a working day for it,
    # and put the meeting far enough ahead that its own checklist is not due yet.
    today = django_timezone.localdate()
    CalendarDay.objects.update_or_create(date=today, defaults={"kind": CalendarDay.Kind.WORKDAY, "name": "测试"})
    meeting = create(office, term, chair, day=today + datetime.timedelta(days=90))
    task = car_task(meeting)
    ChecklistTask.objects.filter(pk=task.pk).update(due_date=today)

    send(checklist_sweep_task, redis_server.url)
    send(checklist_sweep_task, redis_server.url)  # a repeat, as a retried task would be

    key = f"meetings:task:{task.pk}:due:{today:%Y-%m-%d}"
    wait_for(lambda: Message.objects.filter(event_key=key).exists(), 30, "the reminder")
    wait_for(lambda: worker.log_path.read_text().count("succeeded") >= 2, 30, "both sweeps")
    results = sorted(
        line.rsplit(":", 1)[1].strip()
        for line in worker.log_path.read_text().splitlines()
        if "meetings.tasks.checklist_sweep_task[" in line and "succeeded" in line
    )
    assert results == ["0", "1"]
    [message] = Message.objects.filter(recipient=office.driver)
    assert message.event_key == key
    assert message.subject == "会务提醒：安排会议用车（今天到期）"
    assert Message.objects.count() == 1
