"""作风 — the error log (差错登记): registration, the person's account, 核实 → 通报 →
整改完成 and who may take each step, the 差错通报 PDF; the system's proposals from
its own events (overdue 督办, overdue 收文, late checklist tasks, trips without a
return log); lessons shown where the same work is done again; who sees a person's
record. Everything through conduct.services on the real database and calendar."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone as django_timezone
from pypdf import PdfReader

from conduct import pdf, services
from conduct.models import Category, EntryState, ErrorEntry, Proposal, Severity, SubKind
from conduct.tasks import bulletin_generate
from documents import services as documents
from logistics import services as logistics
from logistics.models import Trip, Vehicle
from meetings import services as meetings
from meetings.models import ChecklistTask, Kind
from office import calendar
from office.lessons import lessons_for
from office.models import WorkflowLog
from office.roles import Role
from office.workflow import TransitionRefused, workflow_log_for
from supervision import services as supervision
from tests.factories import PersonFactory, TermFactory, UserFactory

D = datetime.date
TZ = ZoneInfo("Asia/Shanghai")
TODAY = D(2026, 11, 24)  # a Tuesday

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def inbox_only(settings):
    settings.NOTIFICATION_CHANNELS = []


@pytest.fixture
def freeze_today(monkeypatch):
    """Fix django.utils.timezone.localdate() (the services' "today") to a date."""
    original = django_timezone.localdate

    def freeze(day):
        def localdate(value=None, timezone=None):
            return day if value is None else original(value, timezone)

        monkeypatch.setattr(django_timezone, "localdate", localdate)
        return day

    return freeze


@pytest.fixture(autouse=True)
def today(freeze_today):
    return freeze_today(TODAY)


# --- helpers ---------------------------------------------------------------------------------------


WHAT = "常委会会议通知中会议时间“14:30”误印为“14:00”，部分委员提前到会。"
LESSON = "会议通知付印前须由第二人逐项核对时间、地点。"


def register(office, *, actor=None, people=None, **overrides) -> ErrorEntry:
    data = dict(
        unit=office.office_unit,
        date=D(2026, 11, 20),
        category=Category.MEETINGS,
        sub_kind=SubKind.MEETING,
        what_happened=WHAT,
        cause="校对不细",
        corrective_action="重新印发更正通知",
        lesson=LESSON,
    )
    data.update(overrides)
    if people is None:
        people = [office.staff.person]
    return services.entry_register(actor=actor or office.staff, people=people, **data)


def fetch(entry) -> ErrorEntry:
    return ErrorEntry.objects.get(pk=entry.pk)


def snapshot(entry) -> dict:
    entry = fetch(entry)
    data = {field.attname: getattr(entry, field.attname) for field in ErrorEntry._meta.concrete_fields}
    data["people"] = sorted(entry.people.values_list("pk", flat=True))
    return data


def log_rows(obj):
    return [(row.action, row.action_label, row.actor, row.to_state, row.comment) for row in workflow_log_for(obj)]


def step(entry, action, actor, comment=""):
    return services.entry_step(entry=entry, actor=actor, action=action, comment=comment)


def in_state(office, state) -> ErrorEntry:
    entry = register(office)
    path = {"registered": [], "verified": ["verify"], "published": ["verify", "publish"],
            "rectified": ["verify", "publish", "rectify"]}[state]
    for action in path:
        step(entry, action, office.director)
    return fetch(entry)


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", "", text)


# --- 1. registration --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "director"])
def test_the_office_registers_an_entry(office, who):
    entry = register(office, actor=getattr(office, who), people=[office.staff.person, office.driver.person],
                     what_happened=f"  {WHAT}  ", lesson=f" {LESSON} ", severity=Severity.SERIOUS)
    entry = fetch(entry)
    assert (entry.state, entry.registered_by, entry.date, entry.unit, entry.severity) == (
        EntryState.REGISTERED, getattr(office, who), D(2026, 11, 20), office.office_unit, Severity.SERIOUS)
    assert (entry.what_happened, entry.lesson, entry.cause, entry.corrective_action) == (WHAT, LESSON, "校对不细", "重新印发更正通知")
    assert set(entry.people.all()) == {office.staff.person, office.driver.person}
    assert (entry.confirmed_by, entry.confirmed_at, entry.published_at, entry.rectified_at) == (None, None, None, None)
    assert str(entry) == "2026-11-20 办会·会务"


def test_an_entry_may_name_the_record_it_concerns(office):
    item = supervision.item_register(actor=office.staff, title="落实审议意见", requirements="按期报送。", source="other",
                                     urgency="normal", lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader)
    entry = register(office, concerns=item, category=Category.AFFAIRS, sub_kind=SubKind.DELAY)
    assert fetch(entry).concerns == item
    assert fetch(entry).concerns_label == str(item)
    assert list(services.entries_concerning(item)) == [fetch(entry)]
    # Another record of another model with the same pk is not confused with it.
    assert list(services.entries_concerning(office.office_unit)) == []


@pytest.mark.parametrize("who", ["leader", "liaison_a", "driver", "canteen", "duty"])
def test_only_the_office_registers(office, who):
    with pytest.raises(TransitionRefused, match="^只有办公室可以登记差错$"):
        register(office, actor=getattr(office, who))
    assert ErrorEntry.objects.count() == 0


def test_registration_needs_people_and_what_happened(office):
    with pytest.raises(TransitionRefused, match="^请选择当事人$"):
        register(office, people=[])
    with pytest.raises(TransitionRefused, match="^请填写差错经过$"):
        register(office, what_happened="   ")
    assert ErrorEntry.objects.count() == 0


def test_a_future_date_is_refused_today_is_not(office):
    with pytest.raises(TransitionRefused, match="^发生日期不能晚于今天$"):
        register(office, date=TODAY + datetime.timedelta(days=1))
    assert ErrorEntry.objects.count() == 0
    assert fetch(register(office, date=TODAY)).date == TODAY


# --- the account of the person concerned -----------------------------------------------------------


def test_the_person_concerned_adds_an_account_before_verification(office):
    entry = register(office, people=[office.staff.person, office.driver.person])
    services.entry_account(entry=entry, actor=office.driver, text="  通知稿由我送印，未再核对。 ")
    assert fetch(entry).account == "通知稿由我送印，未再核对。"
    assert fetch(entry).state == EntryState.REGISTERED
    assert log_rows(entry) == [("account", "当事人说明", office.driver, EntryState.REGISTERED, "通知稿由我送印，未再核对。")]
    # A second person concerned may add theirs (it replaces the text).
    services.entry_account(entry=entry, actor=office.staff, text="已补充说明。")
    assert fetch(entry).account == "已补充说明。"


@pytest.mark.parametrize("who", ["director", "leader", "liaison_a", "duty"])
def test_only_a_person_concerned_adds_an_account(office, who):
    entry = register(office)
    before = snapshot(entry)
    with pytest.raises(TransitionRefused, match="^只有当事人可以补充说明$"):
        services.entry_account(entry=entry, actor=getattr(office, who), text="说明")
    assert snapshot(entry) == before
    assert log_rows(entry) == []


@pytest.mark.parametrize("state", ["verified", "published", "rectified"])
def test_no_account_after_verification(office, state):
    entry = in_state(office, state)
    before, logs = snapshot(entry), WorkflowLog.objects.count()
    with pytest.raises(TransitionRefused, match="^差错已核实，不能再补充说明$"):
        services.entry_account(entry=entry, actor=office.staff, text="补充说明")
    assert snapshot(entry) == before
    assert WorkflowLog.objects.count() == logs


def test_an_empty_account_is_refused(office):
    entry = register(office)
    before = snapshot(entry)
    with pytest.raises(TransitionRefused, match="^请填写说明$"):
        services.entry_account(entry=entry, actor=office.staff, text="  ")
    assert snapshot(entry) == before


# --- 核实 → 通报 → 整改完成 -----------------------------------------------------------------------------


def test_the_whole_path(office, django_capture_on_commit_callbacks):
    entry = register(office)
    step(entry, "verify", office.director, "情况属实")
    entry = fetch(entry)
    assert (entry.state, entry.confirmed_by) == (EntryState.VERIFIED, office.director)
    assert entry.confirmed_at is not None and entry.published_at is None
    with django_capture_on_commit_callbacks(execute=False):
        step(entry, "publish", office.director)
    entry = fetch(entry)
    assert entry.state == EntryState.PUBLISHED and entry.published_at is not None and entry.rectified_at is None
    step(entry, "rectify", office.staff, "已重新印发更正通知")
    entry = fetch(entry)
    assert entry.state == EntryState.RECTIFIED and entry.rectified_at is not None
    assert log_rows(entry) == [
        ("verify", "核实", office.director, EntryState.VERIFIED, "情况属实"),
        ("publish", "通报", office.director, EntryState.PUBLISHED, ""),
        ("rectify", "整改完成", office.staff, EntryState.RECTIFIED, "已重新印发更正通知"),
    ]


def test_the_log_records_where_each_step_came_from(office, django_capture_on_commit_callbacks):
    entry = in_state(office, "rectified")
    rows = [(row.action, row.from_state, row.to_state) for row in workflow_log_for(entry)]
    assert rows == [
        ("verify", EntryState.REGISTERED, EntryState.VERIFIED),
        ("publish", EntryState.VERIFIED, EntryState.PUBLISHED),
        ("rectify", EntryState.PUBLISHED, EntryState.RECTIFIED),
    ]


@pytest.mark.parametrize("who", ["staff", "leader", "liaison_a", "duty"])
@pytest.mark.parametrize("action,state,label", [("verify", "registered", "核实"), ("publish", "verified", "通报")])
def test_verify_and_publish_by_the_director_only(office, who, action, state, label, django_capture_on_commit_callbacks):
    entry = in_state(office, state)
    before, logs = snapshot(entry), WorkflowLog.objects.count()
    with django_capture_on_commit_callbacks(execute=False) as callbacks, \
            pytest.raises(TransitionRefused, match=f"^只有办公室主任可以{label}$"):
        step(entry, action, getattr(office, who))
    assert callbacks == []
    assert snapshot(entry) == before
    assert WorkflowLog.objects.count() == logs


@pytest.mark.parametrize("who", ["staff", "director"])
def test_rectify_by_the_office(office, who):
    entry = in_state(office, "published")
    assert step(entry, "rectify", getattr(office, who)).state == EntryState.RECTIFIED


@pytest.mark.parametrize("who", ["leader", "liaison_a", "duty", "driver"])
def test_rectify_refused_outside_the_office(office, who):
    entry = in_state(office, "published")
    before = snapshot(entry)
    with pytest.raises(TransitionRefused, match="^只有办公室可以登记整改完成$"):
        step(entry, "rectify", getattr(office, who))
    assert snapshot(entry) == before


@pytest.mark.parametrize("state,action,message", [
    ("registered", "publish", "差错当前为“登记”，不能通报"),
    ("registered", "rectify", "差错当前为“登记”，不能整改完成"),
    ("verified", "verify", "差错当前为“核实”，不能核实"),
    ("verified", "rectify", "差错当前为“核实”，不能整改完成"),
    ("published", "verify", "差错当前为“通报”，不能核实"),
    ("published", "publish", "差错当前为“通报”，不能通报"),
    ("rectified", "rectify", "差错当前为“整改完成”，不能整改完成"),
    ("rectified", "verify", "差错当前为“整改完成”，不能核实"),
    ("registered", "delete", "没有这个操作"),
])
def test_wrong_state_refusals_change_nothing(office, state, action, message, django_capture_on_commit_callbacks):
    entry = in_state(office, state)
    before, logs = snapshot(entry), WorkflowLog.objects.count()
    with django_capture_on_commit_callbacks(execute=False) as callbacks, pytest.raises(TransitionRefused, match=f"^{message}$"):
        step(entry, action, office.director)
    assert callbacks == []
    assert snapshot(entry) == before
    assert WorkflowLog.objects.count() == logs


def test_wrong_state_is_told_before_the_role(office):
    # A staff member trying to verify an already verified entry hears about the state.
    entry = in_state(office, "verified")
    with pytest.raises(TransitionRefused, match="^差错当前为“核实”，不能核实$"):
        step(entry, "verify", office.staff)


# --- 通报: queued at commit, the PDF --------------------------------------------------------------------


def test_publish_queues_the_bulletin_after_commit(office, django_capture_on_commit_callbacks):
    entry = in_state(office, "verified")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        step(entry, "publish", office.director)
    assert len(callbacks) == 1
    # The callback queues bulletin_generate(entry.pk) when it runs (itself at commit).
    with django_capture_on_commit_callbacks(execute=False) as queued:
        callbacks[0]()
    assert len(queued) == 1
    closure = dict(zip(queued[0].__code__.co_freevars, (cell.cell_contents for cell in queued[0].__closure__)))
    assert closure["task"] is bulletin_generate
    assert closure["args"] == (entry.pk,)


@pytest.mark.parametrize("action,state", [("verify", "registered"), ("rectify", "published")])
def test_other_steps_queue_nothing(office, action, state, django_capture_on_commit_callbacks):
    entry = in_state(office, state)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        step(entry, action, office.director)
    assert callbacks == []


def test_the_bulletin_pdf_says_what_happened(office, django_capture_on_commit_callbacks):
    entry = register(office, people=[office.staff.person, office.driver.person])
    services.entry_account(entry=entry, actor=office.driver, text="送印前未再核对")
    step(entry, "verify", office.director)
    with django_capture_on_commit_callbacks(execute=False):
        step(entry, "publish", office.director)
    text = pdf_text(pdf.bulletin(fetch(entry)))
    assert "差错通报" in text
    for expected in ("杨科员、马师傅", "办公室", "办会·会务", "一般", re.sub(r"\s+", "", WHAT), "校对不细",
                     "重新印发更正通知", re.sub(r"\s+", "", LESSON), "当事人说明", "送印前未再核对", "2026年11月20日"):
        assert expected in text, expected
    # The order of the fields: what happened, then the account, then the lesson.
    assert text.index("差错经过") < text.index("当事人说明") < text.index("经验教训")


def test_a_bulletin_without_account_has_no_account_row(office):
    entry = in_state(office, "verified")
    text = pdf_text(pdf.bulletin(entry))
    assert "当事人说明" not in text
    assert "差错通报" in text and "杨科员" in text


def test_bulletin_store_saves_the_file_on_the_entry(office, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    entry = in_state(office, "published")
    path = bulletin_generate(entry.pk)  # the task's body, run here
    assert path == f"conduct/bulletins/差错通报-{entry.pk}.pdf"
    assert fetch(entry).bulletin.name == path
    stored = tmp_path / path
    assert stored.exists()
    assert "差错通报" in pdf_text(stored.read_bytes())
    # A second run replaces the file rather than adding a suffixed copy.
    assert pdf.bulletin_store(entry.pk) == path
    assert sorted(p.name for p in (tmp_path / "conduct" / "bulletins").iterdir()) == [f"差错通报-{entry.pk}.pdf"]


def test_bulletin_store_of_a_deleted_entry_does_nothing(office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert pdf.bulletin_store(987654) == ""
    assert not (tmp_path / "conduct").exists()


# --- 2. proposals from the system's own events ------------------------------------------------------------


MONDAY_BEFORE = D(2026, 11, 16)


def overdue_item(office, assigned_on=MONDAY_BEFORE):
    """A normal (7 working days) item assigned on Mon 11-16: deadline Wed 11-25."""
    item = supervision.item_register(actor=office.staff, title="落实优化营商环境审议意见", requirements="逐条研究处理。", source="other",
                                     urgency="normal", lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader)
    return supervision.item_assign(item=item, actor=office.staff, assigned_on=assigned_on)


def incoming(office, **overrides):
    data = dict(from_unit="市人大常委会办公室", title="关于开展执法检查的函", doc_type="letter",
                received_on=D(2026, 11, 10), due_date=D(2026, 11, 20))
    data.update(overrides)
    return documents.incoming_register(actor=office.staff, **data)


@pytest.fixture
def meeting(office):
    return meetings.meeting_create(actor=office.staff, kind=Kind.STANDING, term=TermFactory(),
                                   start=datetime.datetime(2026, 11, 26, 9, tzinfo=TZ), end=datetime.datetime(2026, 11, 26, 12, tzinfo=TZ),
                                   convener=PersonFactory(name="王召集"), venue="机关会议中心")


def task_done_at(task, due, done):
    ChecklistTask.objects.filter(pk=task.pk).update(due_date=due, done_at=done, done_by=None)
    return ChecklistTask.objects.get(pk=task.pk)


@pytest.fixture
def car(db):
    return Vehicle.objects.create(plate="苏A·G8001", model="别克GL8", seats=6, odometer=12000,
                                  insurance_expires=D(2031, 1, 1), inspection_expires=D(2031, 1, 1))


def dispatched_trip(office, car, hour):
    """A trip requested, approved and dispatched for a day to come (the services refuse
    the past), then moved into the past as if time had gone by."""
    day = D(2026, 12, 15)
    trip = logistics.trip_request(actor=office.liaison_a, purpose="赴街道调研", destination="清河街道", passengers=2,
                                  start=datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TZ),
                                  end=datetime.datetime(day.year, day.month, day.day, hour + 1, tzinfo=TZ), distance_km=30)
    trip = logistics.trip_decide(trip=trip, actor=office.director, approve=True)
    return logistics.trip_dispatch(trip=trip, actor=office.staff, vehicle=car, driver=office.driver)


def move_trip(trip, end):
    Trip.objects.filter(pk=trip.pk).update(start=end - datetime.timedelta(hours=2), end=end)
    return Trip.objects.get(pk=trip.pk)


def keys(today=TODAY):
    return sorted(c.key for c in services.candidates(today, django_timezone.now()))


def test_an_overdue_supervision_item_is_a_candidate(office):
    item = overdue_item(office)
    assert item.deadline == D(2026, 11, 25)
    assert keys(D(2026, 11, 25)) == []  # due today: not late yet
    [candidate] = services.candidates(D(2026, 11, 26), django_timezone.now())
    assert candidate.key == f"supervision:{item.pk}:overdue:2026-11-25"
    assert (candidate.category, candidate.sub_kind, candidate.occurred_on, candidate.unit_id) == (
        Category.AFFAIRS, SubKind.DELAY, D(2026, 11, 25), office.unit_a.pk)
    assert candidate.concerns == item
    assert candidate.summary == f"督办事项{item.number}“落实优化营商环境审议意见”超过办理期限（2026-11-25）未报结"


def test_a_reported_item_is_no_candidate(office, freeze_today):
    item = overdue_item(office)
    freeze_today(D(2026, 11, 27))
    supervision.item_report_completion(item=item, actor=office.liaison_a, report="已办结。")
    assert keys(D(2026, 11, 30)) == []


def test_an_incoming_document_past_its_due_date_is_a_candidate(office):
    doc = incoming(office)
    done = incoming(office, title="已办结的函", due_date=D(2026, 11, 18))
    incoming(office, title="未到期的函", due_date=D(2026, 11, 30))
    incoming(office, title="无期限的函", due_date=None)
    # The finished one is out of the open states.
    from documents.models import IncomingDocument, InState

    IncomingDocument.objects.filter(pk=done.pk).update(state=InState.DONE)
    [candidate] = services.candidates(TODAY, django_timezone.now())
    assert candidate.key == f"incoming:{doc.pk}:overdue:2026-11-20"
    assert (candidate.category, candidate.sub_kind, candidate.occurred_on, candidate.concerns) == (
        Category.DOCUMENTS, SubKind.DELAY, D(2026, 11, 20), doc)
    assert candidate.summary == f"{doc.number}关于开展执法检查的函超过办理期限（2026-11-20）未办结"


def test_a_secret_documents_title_stays_out_of_the_proposal(office):
    secret = incoming(office, title="关于某项绝密工作的请示", secrecy="secret", secrecy_term="10年")
    [candidate] = services.candidates(TODAY, django_timezone.now())
    assert "绝密工作" not in candidate.summary
    assert candidate.summary == f"{secret.number}（涉密公文）超过办理期限（2026-11-20）未办结"


def test_confirming_a_secret_documents_proposal_keeps_the_title_out_of_the_entry(office):
    incoming(office, title="关于某项绝密工作的请示", secrecy="secret", secrecy_term="10年")
    services.proposals_sweep(TODAY)
    entry = services.proposal_confirm(proposal=Proposal.objects.get(), actor=office.director, people=[office.liaison_a.person],
                                     unit=office.office_unit)
    assert "绝密工作" not in fetch(entry).concerns_label
    assert "绝密工作" not in pdf_text(pdf.bulletin(fetch(entry)))


def test_a_checklist_task_done_after_its_due_date_is_a_candidate(office, meeting):
    tasks = list(meeting.checklist.order_by("id")[:4])
    late = task_done_at(tasks[0], D(2026, 11, 18), datetime.datetime(2026, 11, 20, 10, tzinfo=TZ))
    # 00:30 on the 19th in Shanghai is still the 18th in UTC: late all the same.
    just_late = task_done_at(tasks[1], D(2026, 11, 18), datetime.datetime(2026, 11, 19, 0, 30, tzinfo=TZ))
    # 23:30 on the due date in Shanghai is the same day: on time.
    task_done_at(tasks[2], D(2026, 11, 18), datetime.datetime(2026, 11, 18, 23, 30, tzinfo=TZ))
    task_done_at(tasks[3], D(2026, 11, 18), None)  # not done: no candidate (yet)
    ChecklistTask.objects.filter(meeting=meeting).exclude(pk__in=[t.pk for t in tasks]).update(done_at=None)
    found = {c.key: c for c in services.candidates(TODAY, django_timezone.now())}
    assert sorted(found) == sorted([f"checklist:{late.pk}:late", f"checklist:{just_late.pk}:late"])
    candidate = found[f"checklist:{late.pk}:late"]
    assert (candidate.category, candidate.sub_kind, candidate.occurred_on, candidate.unit_id, candidate.concerns) == (
        Category.MEETINGS, SubKind.MEETING, D(2026, 11, 18), None, late)
    assert candidate.summary == f"{meeting.name}：“{late.title}”应于2026-11-18完成，实际2026-11-20完成"
    assert found[f"checklist:{just_late.pk}:late"].summary.endswith("实际2026-11-19完成")


def test_old_late_tasks_are_left_alone(office, meeting):
    task = meeting.checklist.first()
    task_done_at(task, TODAY - datetime.timedelta(days=61), django_timezone.now())
    assert keys() == []
    task_done_at(task, TODAY - datetime.timedelta(days=60), django_timezone.now())
    assert keys() == [f"checklist:{task.pk}:late"]


def test_a_dispatched_trip_without_return_log_twelve_hours_on_is_a_candidate(office, car):
    now = django_timezone.now()
    stale = move_trip(dispatched_trip(office, car, 8), now - datetime.timedelta(hours=13))
    move_trip(dispatched_trip(office, car, 11), now - datetime.timedelta(hours=11))  # back less than 12 hours ago
    returned = dispatched_trip(office, car, 14)
    logistics.trip_return(trip=returned, actor=office.driver, odometer_end=12050)
    move_trip(returned, now - datetime.timedelta(days=2))
    [candidate] = services.candidates(TODAY, django_timezone.now())
    assert candidate.key == f"trip:{stale.pk}:nolog"
    assert (candidate.category, candidate.sub_kind, candidate.unit_id, candidate.concerns) == (
        Category.AFFAIRS, SubKind.VEHICLE, office.unit_a.pk, stale)
    end = django_timezone.localtime(stale.end)
    assert candidate.occurred_on == end.date()
    assert candidate.summary == f"苏A·G8001于{end:%Y-%m-%d %H:%M}结束的出车未登记回场"


@pytest.fixture
def four_events(office, meeting, car):
    item = overdue_item(office, assigned_on=D(2026, 11, 12))  # deadline Mon 11-23
    assert item.deadline == D(2026, 11, 23)
    doc = incoming(office)
    task = task_done_at(meeting.checklist.first(), D(2026, 11, 18), datetime.datetime(2026, 11, 20, 10, tzinfo=TZ))
    trip = move_trip(dispatched_trip(office, car, 8), django_timezone.now() - datetime.timedelta(hours=13))
    return {"supervision": item, "incoming": doc, "checklist": task, "trip": trip}


def test_the_sweep_records_each_event_once(office, four_events):
    assert services.proposals_sweep(TODAY) == 4
    assert services.proposals_sweep(TODAY) == 0
    assert Proposal.objects.count() == 4
    by_key = {p.key.split(":")[0]: p for p in Proposal.objects.all()}
    for name, record in four_events.items():
        assert by_key[name].concerns == record
        assert by_key[name].state == Proposal.State.OPEN
    assert by_key["supervision"].unit == office.unit_a
    assert by_key["checklist"].unit is None


def test_confirming_a_proposal_makes_a_verified_entry_about_the_record(office, four_events):
    services.proposals_sweep(TODAY)
    proposal = Proposal.objects.get(key__startswith="trip:")
    entry = services.proposal_confirm(proposal=proposal, actor=office.director, people=[office.driver.person], severity=Severity.SERIOUS)
    entry = fetch(entry)
    assert (entry.state, entry.confirmed_by, entry.registered_by) == (EntryState.VERIFIED, office.director, office.director)
    assert (entry.category, entry.sub_kind, entry.severity, entry.unit, entry.date) == (
        Category.AFFAIRS, SubKind.VEHICLE, Severity.SERIOUS, office.unit_a, proposal.occurred_on)
    assert entry.what_happened == proposal.summary
    assert list(entry.people.all()) == [office.driver.person]
    assert list(services.entries_concerning(four_events["trip"])) == [entry]
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert (proposal.state, proposal.entry, proposal.decided_by) == (Proposal.State.CONFIRMED, entry, office.director)
    assert proposal.decided_at is not None
    assert [(row.action, row.comment) for row in workflow_log_for(entry)] == [("verify", "由系统线索确认")]
    # Confirmed once only.
    with pytest.raises(TransitionRefused, match="^该线索已登记$"):
        services.proposal_confirm(proposal=proposal, actor=office.director, people=[office.driver.person])
    assert ErrorEntry.objects.count() == 1


def test_confirm_with_own_wording_and_unit(office, four_events):
    services.proposals_sweep(TODAY)
    proposal = Proposal.objects.get(key__startswith="checklist:")
    with pytest.raises(TransitionRefused, match="^请选择责任单位$"):
        services.proposal_confirm(proposal=proposal, actor=office.director, people=[office.staff.person])
    assert Proposal.objects.get(pk=proposal.pk).state == Proposal.State.OPEN
    entry = services.proposal_confirm(proposal=proposal, actor=office.director, people=[office.staff.person],
                                      unit=office.office_unit, what_happened="会议材料晚两天印制完成")
    assert (fetch(entry).unit, fetch(entry).what_happened) == (office.office_unit, "会议材料晚两天印制完成")
    assert list(services.entries_concerning(four_events["checklist"])) == [fetch(entry)]


@pytest.mark.parametrize("who", ["staff", "leader", "duty"])
def test_only_the_director_confirms_or_dismisses(office, four_events, who):
    services.proposals_sweep(TODAY)
    proposal = Proposal.objects.get(key__startswith="supervision:")
    with pytest.raises(TransitionRefused, match="^只有办公室主任可以确认差错线索$"):
        services.proposal_confirm(proposal=proposal, actor=getattr(office, who), people=[office.liaison_a.person])
    with pytest.raises(TransitionRefused, match="^只有办公室主任可以排除差错线索$"):
        services.proposal_dismiss(proposal=proposal, actor=getattr(office, who), reason="不属差错")
    assert Proposal.objects.get(pk=proposal.pk).state == Proposal.State.OPEN
    assert ErrorEntry.objects.count() == 0


def test_confirm_without_people_changes_nothing(office, four_events):
    services.proposals_sweep(TODAY)
    proposal = Proposal.objects.get(key__startswith="supervision:")
    with pytest.raises(TransitionRefused, match="^请选择当事人$"):
        services.proposal_confirm(proposal=proposal, actor=office.director, people=[])
    assert Proposal.objects.get(pk=proposal.pk).state == Proposal.State.OPEN
    assert ErrorEntry.objects.count() == 0


def test_dismissal_needs_a_reason_and_the_proposal_never_returns(office, four_events):
    services.proposals_sweep(TODAY)
    proposal = Proposal.objects.get(key__startswith="incoming:")
    with pytest.raises(TransitionRefused, match="^请填写排除理由$"):
        services.proposal_dismiss(proposal=proposal, actor=office.director, reason="  ")
    assert Proposal.objects.get(pk=proposal.pk).state == Proposal.State.OPEN
    services.proposal_dismiss(proposal=proposal, actor=office.director, reason="  来文单位同意延后办理 ")
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert (proposal.state, proposal.dismiss_reason, proposal.decided_by, proposal.entry) == (
        Proposal.State.DISMISSED, "来文单位同意延后办理", office.director, None)
    # The document is still overdue, yet another sweep (a day later too) does not bring it back.
    assert services.proposals_sweep(TODAY) == 0
    assert services.proposals_sweep(TODAY + datetime.timedelta(days=1)) == 0
    assert Proposal.objects.filter(key=proposal.key).get().state == Proposal.State.DISMISSED
    with pytest.raises(TransitionRefused, match="^该线索已排除$"):
        services.proposal_confirm(proposal=proposal, actor=office.director, people=[office.staff.person])
    with pytest.raises(TransitionRefused, match="^该线索已排除$"):
        services.proposal_dismiss(proposal=proposal, actor=office.director, reason="再次排除")


def test_an_extended_deadline_that_is_missed_again_is_a_new_proposal(office, freeze_today):
    # Deadline Wed 11-25; the unit asks in time (11-24) for Fri 12-04; the director
    # decides only on 11-27, after the first deadline passed.
    item = overdue_item(office)
    freeze_today(D(2026, 11, 24))
    extension = supervision.extension_request(item=item, actor=office.liaison_a, new_deadline=D(2026, 12, 4), reason="需征求多部门意见")
    assert services.proposals_sweep(D(2026, 11, 26)) == 1
    first = Proposal.objects.get()
    assert first.key == f"supervision:{item.pk}:overdue:2026-11-25"
    freeze_today(D(2026, 11, 27))
    supervision.extension_decide(extension=extension, actor=office.director, approve=True)
    # Within the new deadline: nothing new.
    assert services.proposals_sweep(D(2026, 11, 27)) == 0
    assert services.proposals_sweep(D(2026, 12, 4)) == 0
    # The new deadline missed too: a second delay, with its own key and date.
    assert services.proposals_sweep(D(2026, 12, 7)) == 1
    second = Proposal.objects.exclude(pk=first.pk).get()
    assert second.key == f"supervision:{item.pk}:overdue:2026-12-04"
    assert second.occurred_on == D(2026, 12, 4)
    # The first one is still open for the director to dismiss (the extension covers it).
    assert Proposal.objects.get(pk=first.pk).state == Proposal.State.OPEN


def test_a_dismissed_delay_stays_dismissed_after_an_extension(office, freeze_today):
    item = overdue_item(office)
    freeze_today(D(2026, 11, 24))
    extension = supervision.extension_request(item=item, actor=office.liaison_a, new_deadline=D(2026, 12, 4), reason="需征求多部门意见")
    services.proposals_sweep(D(2026, 11, 26))
    services.proposal_dismiss(proposal=Proposal.objects.get(), actor=office.director, reason="已按时申请延期")
    freeze_today(D(2026, 11, 27))
    supervision.extension_decide(extension=extension, actor=office.director, approve=True)
    assert services.proposals_sweep(D(2026, 11, 30)) == 0
    assert list(Proposal.objects.values_list("state", flat=True)) == [Proposal.State.DISMISSED]


# --- 3. lessons, shown where the same work is done again ------------------------------------------------------


def lesson_entries(office):
    """Meeting (办会) entries in every state, plus a 用车 and a 办文 one."""
    made = {}
    for name, state, date, lesson in [
        ("old", "verified", D(2026, 9, 1), "会场音响须提前一天调试。"),
        ("new", "rectified", D(2026, 11, 10), "签到表须按最新名单打印。"),
        ("middle", "published", D(2026, 10, 15), "桌签须逐一核对姓名用字。"),
        ("registered", "registered", D(2026, 11, 20), "未核实的教训不应出现。"),
        ("empty", "verified", D(2026, 11, 21), ""),
    ]:
        entry = register(office, date=date, lesson=lesson)
        for action in {"registered": [], "verified": ["verify"], "published": ["verify", "publish"],
                       "rectified": ["verify", "publish", "rectify"]}[state]:
            step(entry, action, office.director)
        made[name] = fetch(entry)
    trip = register(office, category=Category.AFFAIRS, sub_kind=SubKind.VEHICLE, date=D(2026, 11, 5), lesson="出车后当天须登记回场。")
    step(trip, "verify", office.director)
    made["trip"] = fetch(trip)
    document = register(office, category=Category.DOCUMENTS, sub_kind=SubKind.TEXT, date=D(2026, 11, 6), lesson="标点须按国家标准。")
    step(document, "verify", office.director)
    made["document"] = fetch(document)
    return made


def test_meeting_lessons_are_confirmed_ones_newest_first(office, django_capture_on_commit_callbacks):
    made = lesson_entries(office)
    found = services.lessons("meeting:standing")
    assert [lesson.text for lesson in found] == ["签到表须按最新名单打印。", "桌签须逐一核对姓名用字。", "会场音响须提前一天调试。"]
    assert [lesson.title for lesson in found] == ["2026-11-10 会务", "2026-10-15 会务", "2026-09-01 会务"]
    assert found[0].url == made["new"].get_absolute_url()
    assert found[0].date == D(2026, 11, 10)
    assert [lesson.text for lesson in services.lessons("meeting:standing", limit=2)] == ["签到表须按最新名单打印。", "桌签须逐一核对姓名用字。"]


def test_trip_and_document_lessons(office, django_capture_on_commit_callbacks):
    lesson_entries(office)
    assert [lesson.text for lesson in services.lessons("trip")] == ["出车后当天须登记回场。"]
    assert [lesson.text for lesson in services.lessons("document:outgoing")] == ["标点须按国家标准。"]


def test_lessons_of_an_unknown_topic_or_without_entries(office):
    assert services.lessons("canteen") == []
    assert services.lessons("meeting:standing") == []
    # Registered-only and empty-lesson entries give nothing either (so no URL is needed yet).
    register(office, lesson="未核实")
    step(register(office, lesson=""), "verify", office.director)
    assert services.lessons("meeting:council") == []


def test_the_registered_provider_fills_lessons_for(office, meeting, django_capture_on_commit_callbacks):
    from meetings.selectors import lessons_for_meeting
    from office import lessons as registry

    assert services.lessons in registry._PROVIDERS
    assert lessons_for_meeting(meeting) == []
    lesson_entries(office)
    assert [lesson.text for lesson in lessons_for("meeting:council", limit=2)] == ["签到表须按最新名单打印。", "桌签须逐一核对姓名用字。"]
    # The box on the meeting's page.
    assert [lesson.text for lesson in lessons_for_meeting(meeting)] == [
        "签到表须按最新名单打印。", "桌签须逐一核对姓名用字。", "会场音响须提前一天调试。"]


# --- 4. who sees a person's record ------------------------------------------------------------------------------


def test_a_persons_record_is_seen_by_themselves_the_director_and_leaders(office):
    person = office.staff.person
    assert services.can_see_person_record(office.staff, person)
    assert services.can_see_person_record(office.director, person)
    assert services.can_see_person_record(office.leader, person)
    for who in ("liaison_a", "driver", "duty", "canteen"):
        assert not services.can_see_person_record(getattr(office, who), person), who
    other = UserFactory(username="staff2", roles=[Role.STAFF])
    PersonFactory(name="钱科员", unit=office.office_unit, user=other)
    assert not services.can_see_person_record(other, person)


def test_a_record_of_someone_without_login_is_not_open_to_anonymous_users(office):
    person = PersonFactory(name="无账号人员", unit=office.office_unit)
    assert not services.can_see_person_record(AnonymousUser(), person)
