"""The permission matrix: for every named URL of our apps, who may open it (GET) and
who may act on it (POST), for every role, a liaison of another unit and an anonymous
visitor. The URLs come from the URL configuration, so a new view without a rule here
fails `test_every_url_has_a_rule`.

Allowed: not 403/404 and not sent to the login page (a form error or a redirect after
an empty POST is fine). Refused: 403 or 404, and the page names nothing of the object
(its title or number); an anonymous visitor is sent to the login page.

The data is built once for the module; each request runs in a savepoint that is
rolled back, so an allowed POST that changes something leaves the data as it was.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import office_people
from tests.urlwalk import app_urls

# Marked so that pytest-django sets up the test database even when this module runs alone.
pytestmark = pytest.mark.django_db

D, L, S, LA, LB, DR, C, DU = "director", "leader", "staff", "liaison_a", "liaison_b", "driver", "canteen", "duty"
EVERYONE = frozenset({D, L, S, LA, LB, DR, C, DU})
OFFICE = frozenset({D, L, S})  # Role.OFFICE: the office-wide registers
DS = frozenset({D, S})  # the office's own staff and its director
READERS = OFFICE | {LA, LB}  # 办文 and 督办: office, leaders, liaisons
UNIT_A = OFFICE | {LA}  # an object of 财经工委: the office, leaders and its liaison
NOBODY = frozenset()
# Reference data (units, people): every role but the driver (office.roles.ROLE_PERMISSIONS).
REFERENCE = EVERYONE - {DR}


@dataclass(frozen=True)
class Rule:
    """Who may GET and who may POST; None: the method is not part of this URL."""

    get: frozenset | None = None
    post: frozenset | None = None
    obj: str = ""  # the world's object whose marker a refused page must not show
    kwargs: object = None  # world -> URL kwargs
    query: str = ""
    shows: bool = False  # an allowed GET shows the marker (a control that the check can fail)
    data: dict = field(default_factory=dict)


def page(roles, **kwargs):
    return Rule(get=frozenset(roles), **kwargs)


def form(get, post=None, **kwargs):
    return Rule(get=frozenset(get), post=frozenset(get if post is None else post), **kwargs)


def action(roles, **kwargs):
    return Rule(post=frozenset(roles), **kwargs)


def pk(name):
    return lambda world: {"pk": world.objects[name].pk}


def today_iso():
    return timezone.localdate().isoformat()


RULES: dict[str, Rule] = {
    # --- office ---------------------------------------------------------------------------
    "office:home": page(EVERYONE),
    "office:dashboard": page({D, L}),
    "office:approvals": page(EVERYONE),  # each sees their own queue (empty for most)
    "office:approvals_decide": action(EVERYONE),  # the item's own provider decides who may
    "office:leader_week": page(OFFICE),
    "office:inbox": page(EVERYONE),
    "office:message_open": page({S}, obj="message", kwargs=pk("message")),
    "office:inbox_mark_all_read": action(EVERYONE),
    "office:person_list": page(REFERENCE),
    "office:people_import": form(DS),
    "office:people_import_template": page(DS),
    "office:person_detail": page(REFERENCE, obj="person", kwargs=pk("person"), shows=True),
    "office:unit_list": page(REFERENCE),
    "office:profile": form(EVERYONE),
    "office:reports": page({D, L}),
    "office:report_preview": page({D, L}, kwargs=lambda world: {"day": today_iso()}),
    # --- meetings -------------------------------------------------------------------------
    "meetings:index": page(EVERYONE),
    "meetings:create": form(DS),
    "meetings:attendance": page(EVERYONE),
    "meetings:reply": form(EVERYONE, obj="", kwargs=lambda world: {"token": world.objects["participant"].token}),
    "meetings:detail": page(EVERYONE, obj="meeting", kwargs=pk("meeting"), shows=True),
    "meetings:edit": form(DS, obj="meeting", kwargs=pk("meeting")),
    # 审批会议方案: the director's step; the organisers may press any step (the service decides).
    "meetings:action": action(DS, obj="meeting", kwargs=lambda world: {"pk": world.objects["meeting"].pk, "action": "approve_plan"}),
    "meetings:agenda_add": action(DS, obj="meeting", kwargs=pk("meeting")),
    "meetings:document_request": action(DS, obj="meeting", kwargs=lambda world: {"pk": world.objects["meeting"].pk, "doc_kind": "notice"}),
    "meetings:participants": page(EVERYONE, obj="meeting", kwargs=pk("meeting")),
    "meetings:invite": action(DS, obj="meeting", kwargs=pk("meeting")),
    "meetings:invite_body": action(DS, obj="meeting", kwargs=pk("meeting")),
    "meetings:sign_in": page(EVERYONE, obj="meeting", kwargs=pk("meeting")),
    "meetings:agenda_edit": form(DS, obj="agenda", kwargs=pk("agenda")),
    "meetings:agenda_move": action(DS, obj="agenda", kwargs=lambda world: {"pk": world.objects["agenda"].pk, "direction": "down"}),
    "meetings:agenda_remove": action(DS, obj="agenda", kwargs=pk("agenda")),
    "meetings:material_add": action(DS, obj="agenda", kwargs=pk("agenda")),
    "meetings:vote": action(DS, obj="agenda", kwargs=pk("agenda")),
    "meetings:opinion_add": action(DS, obj="agenda", kwargs=pk("agenda")),
    "meetings:opinion_assign": action(DS, obj="opinion", kwargs=pk("opinion")),
    "meetings:material": page(EVERYONE, kwargs=pk("material")),
    "meetings:document": page(EVERYONE, kwargs=pk("meeting_document")),
    # A checklist task of the canteen keeper's: the owner role, or the organisers.
    "meetings:task_done": action(DS | {C}, obj="task", kwargs=pk("task")),
    "meetings:task_undo": action(DS | {C}, obj="task", kwargs=pk("task")),
    "meetings:reply_for": action(DS, obj="participant", kwargs=pk("participant")),
    "meetings:participant_remove": action(DS, obj="participant", kwargs=pk("participant")),
    "meetings:sign_in_do": action(DS, obj="participant", kwargs=pk("participant")),
    "meetings:sign_in_undo": action(DS, obj="participant", kwargs=pk("participant")),
    # --- documents: a 收文 led by 财经工委, a 发文 sent to 财经工委 for 会签 -----------------------------
    "documents:index": page(READERS),
    "documents:waiting": page(READERS),
    "documents:incoming_list": page(READERS),
    "documents:incoming_create": form(DS),
    "documents:incoming_detail": page(UNIT_A, obj="incoming", kwargs=pk("incoming"), shows=True),
    "documents:incoming_edit": form(DS, obj="incoming", kwargs=pk("incoming")),
    # Any reader of the document may press a step; the workflow says whose step it is.
    "documents:incoming_action": action(UNIT_A, obj="incoming", kwargs=lambda world: {"pk": world.objects["incoming"].pk, "action": "complete"}),
    "documents:instruction_supervise": action(DS, obj="incoming", kwargs=lambda world: {"pk": world.objects["incoming"].pk, "instruction_pk": world.objects["instruction"].pk}),
    "documents:circulation_add": action(DS, obj="incoming", kwargs=pk("incoming")),
    "documents:circulation_read": action(UNIT_A, obj="incoming", kwargs=pk("incoming")),
    "documents:outgoing_list": page(READERS),
    "documents:outgoing_create": form(READERS),
    "documents:outgoing_detail": page(UNIT_A, obj="outgoing", kwargs=pk("outgoing"), shows=True),
    "documents:outgoing_edit": form(DS, obj="outgoing", kwargs=pk("outgoing")),
    "documents:outgoing_action": action(UNIT_A, obj="outgoing", kwargs=lambda world: {"pk": world.objects["outgoing"].pk, "action": "submit"}),
    "documents:countersign_request": action(DS, obj="outgoing", kwargs=pk("outgoing")),
    "documents:countersign_decide": action({D, LA}, obj="outgoing", kwargs=lambda world: {"pk": world.objects["outgoing"].pk, "countersign_pk": world.objects["countersign"].pk}),
    "documents:distribution_add": action(DS, obj="sealed", kwargs=pk("sealed")),
    "documents:distribution_deliver": action(DS, obj="sealed", kwargs=lambda world: {"pk": world.objects["sealed"].pk, "distribution_pk": world.objects["distribution"].pk}),
    "documents:outgoing_print": page(UNIT_A, obj="sealed", kwargs=pk("sealed")),
    "documents:outgoing_stored_pdf": page(UNIT_A, obj="sealed", kwargs=pk("sealed")),
    "documents:incoming_export_csv": page(READERS),
    "documents:incoming_export_xlsx": page(READERS),
    "documents:outgoing_export_csv": page(READERS),
    "documents:outgoing_export_xlsx": page(READERS),
    "documents:incoming_file_upload": action(DS, obj="incoming", kwargs=pk("incoming")),
    "documents:incoming_file": page(UNIT_A, obj="incoming", kwargs=lambda world: {"pk": world.objects["incoming"].pk, "file_pk": world.objects["incoming_file"].pk}),
    "documents:incoming_grant": action(DS, obj="incoming", kwargs=pk("incoming")),
    "documents:incoming_amend": action(DS, obj="incoming", kwargs=pk("incoming")),
    "documents:outgoing_file_upload": action(DS, obj="outgoing", kwargs=pk("outgoing")),
    "documents:outgoing_file": page(UNIT_A, obj="outgoing", kwargs=lambda world: {"pk": world.objects["outgoing"].pk, "file_pk": world.objects["outgoing_file"].pk}),
    "documents:outgoing_grant": action(DS, obj="outgoing", kwargs=pk("outgoing")),
    "documents:outgoing_amend": action(DS, obj="outgoing", kwargs=pk("outgoing")),
    # --- supervision: an item led by 财经工委 ----------------------------------------------------------
    "supervision:index": page(READERS),
    "supervision:export_csv": page(READERS),
    "supervision:export_xlsx": page(READERS),
    "supervision:create": form(DS),
    "supervision:stats": page(OFFICE),
    "supervision:bulletin_pdf": page(OFFICE),
    "supervision:detail": page(UNIT_A, obj="item", kwargs=pk("item"), shows=True),
    "supervision:edit": form(DS, obj="item", kwargs=pk("item")),
    "supervision:notice_pdf": page(UNIT_A, obj="item", kwargs=pk("item")),
    "supervision:action": action(UNIT_A, obj="item", kwargs=lambda world: {"pk": world.objects["item"].pk, "action": "report"}),
    "supervision:progress": action(UNIT_A, obj="item", kwargs=pk("item")),
    "supervision:extension_request": action(UNIT_A, obj="item", kwargs=pk("item")),
    "supervision:extension_decide": action(UNIT_A, obj="item", kwargs=lambda world: {"pk": world.objects["item"].pk, "extension_pk": world.objects["extension"].pk}),
    "supervision:report_attachment": page(UNIT_A, obj="item", kwargs=pk("progress_report")),
    # --- logistics: a trip requested by the staff member, driven by the driver --------------------------
    "logistics:index": page(EVERYONE),
    "logistics:trips": page(EVERYONE),
    "logistics:trip_create": form(EVERYONE),
    "logistics:trips_export_csv": page(OFFICE),
    "logistics:trips_export_xlsx": page(OFFICE),
    "logistics:trip_totals": page(OFFICE),
    "logistics:trip_detail": page(OFFICE | {DR}, obj="trip", kwargs=pk("trip"), shows=True),
    "logistics:trip_decide": action({D, L}, obj="trip", kwargs=pk("trip")),
    "logistics:trip_dispatch": action(DS, obj="trip", kwargs=pk("trip")),
    "logistics:trip_cancel": action(DS, obj="trip", kwargs=pk("trip")),
    "logistics:trip_return": action(DS | {DR}, obj="trip", kwargs=pk("trip")),
    "logistics:driver": page({DR}),
    "logistics:vehicles": page(OFFICE | {DR}),
    "logistics:vehicle_calendar": page(OFFICE | {DR}),
    "logistics:vehicle_detail": form(OFFICE | {DR}, DS, obj="vehicle", kwargs=pk("vehicle"), shows=True),
    "logistics:canteen": form(EVERYONE),  # everyone books their own meals
    "logistics:group_meals": action(DS),
    "logistics:headcounts": page(DS | {C}),
    "logistics:headcount_pdf": page(DS | {C}, query="day=2026-11-24&meal=lunch"),
    "logistics:meal_totals": page(DS | {C}),
    "logistics:meal_totals_csv": page(DS | {C}),
    "logistics:meal_totals_xlsx": page(DS | {C}),
    "logistics:rooms": page(EVERYONE),
    "logistics:supplies": page(EVERYONE),  # everyone may ask for supplies and sees their own requests
    "logistics:supply_purchase": action(DS),
    "logistics:requisition_create": action(EVERYONE),
    "logistics:requisition_decide": action({D}, obj="requisition", kwargs=pk("requisition")),
    "logistics:receptions": page(OFFICE),
    "logistics:reception_create": form(DS),
    "logistics:reception_detail": page(OFFICE, obj="reception", kwargs=pk("reception"), shows=True),
    # --- conduct: an error entry about the duty officer, a leave of the staff member -------------------
    "conduct:index": page(EVERYONE),  # the log for the office and leaders, the section's front page for others
    "conduct:export_csv": page(OFFICE),
    "conduct:export_xlsx": page(OFFICE),
    "conduct:entry_create": form(DS),
    "conduct:entry_detail": page(OFFICE | {DU}, obj="entry", kwargs=pk("entry"), shows=True),
    # 当事人说明: the person concerned only (a real text, so the refusal is not a mere form error).
    "conduct:entry_account": action({DU}, obj="entry", kwargs=pk("entry"), data={"account-text": "当时来电未及时登记"}),
    "conduct:entry_step": action({D}, obj="entry", kwargs=lambda world: {"pk": world.objects["entry"].pk, "action": "verify"}),
    "conduct:entry_bulletin": page(OFFICE | {DU}, obj="entry", kwargs=pk("entry")),
    "conduct:entry_preview": page(OFFICE, obj="entry", kwargs=pk("entry")),
    "conduct:proposals": page(OFFICE),
    "conduct:proposal_confirm": action({D}, obj="proposal", kwargs=pk("proposal")),
    "conduct:proposal_dismiss": action({D}, obj="proposal", kwargs=pk("proposal")),
    "conduct:stats": page(OFFICE),
    "conduct:stats_pdf": page(OFFICE),
    "conduct:my_record": page(EVERYONE),
    "conduct:person": page({D, L, DU}, obj="duty_person", kwargs=pk("duty_person")),  # the person themselves, director, leaders
    "conduct:lessons": page(EVERYONE),
    "conduct:leave": form(EVERYONE),  # each may ask for leave; the register is filtered
    "conduct:leave_decide": action({D}, obj="leave", kwargs=pk("leave")),  # the approver only
    "conduct:duty": page(EVERYONE),
    "conduct:roster_generate": action({D, S, DU}),
    "conduct:swap_request": action(EVERYONE),  # of one's own shifts; the duty office for anyone's
    "conduct:swap_decide": action({D}, obj="swap", kwargs=pk("swap")),
    "conduct:duty_log": action({D, DU, C}, obj="shift", kwargs=pk("shift")),  # the person on duty (canteen), the duty office, the director
    "conduct:today": page(EVERYONE),
}


# --- the data: one object of each kind, belonging to 财经工委 where a unit owns it ----------------------


@dataclass
class World:
    people: object
    clients: dict
    objects: dict
    markers: dict  # object name -> strings that identify it


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _upload(name: str, content: bytes = b"%PDF-1.4 matrix"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def build_world() -> World:
    from conduct import services as conduct
    from conduct.models import Category, DutyShift, LeaveType, Proposal, SubKind, Swap
    from documents import services as documents
    from logistics import services as logistics
    from logistics.models import SupplyItem, Vehicle
    from meetings import services as meetings
    from meetings.models import ChecklistTask, Kind, MeetingDocument, Phase, ReviewOpinion
    from office.models import Message
    from office.roles import Role
    from supervision import services as supervision
    from tests.factories import MembershipFactory, PersonFactory, TermFactory

    people = office_people()
    objects, markers = {}, {}

    def keep(name, obj, *marks):
        objects[name] = obj
        markers[name] = [mark for mark in marks if mark]
        return obj

    # office
    keep("message", Message.objects.create(recipient=people.staff, event_key="matrix:1", subject="矩阵消息：杨科员的私信"), "矩阵消息")
    keep("person", PersonFactory(name="矩阵委员甲", unit=people.unit_a, phone="13900000001"), "矩阵委员甲")

    # meetings
    term = TermFactory(number=16)
    members = [MembershipFactory(term=term, person=PersonFactory(name=f"矩阵组成人员{n}")).person for n in range(3)]
    meeting = meetings.meeting_create(actor=people.staff, kind=Kind.STANDING, term=term, start=_at(20, 9), end=_at(20, 12),
                                      convener=members[0], venue="区政务中心", subject="矩阵会议议题")
    keep("meeting", meeting, "矩阵会议议题")
    agenda = meetings.agenda_add(meeting=meeting, actor=people.staff, title="矩阵议题：审议预算调整方案", sponsor=people.unit_a)
    meetings.agenda_add(meeting=meeting, actor=people.staff, title="矩阵议题二")
    keep("agenda", agenda, "矩阵议题：审议预算调整方案")
    # Opinions are recorded once the meeting has opened; this one stands for such a meeting's.
    keep("opinion", ReviewOpinion.objects.create(agenda_item=agenda, text="矩阵审议意见", lead_unit=people.unit_a, created_by=people.staff),
         "矩阵审议意见")
    keep("material", meetings.material_add(item=agenda, actor=people.staff, title="矩阵材料", file=_upload("material.pdf")))
    document = MeetingDocument.objects.create(meeting=meeting, doc_kind=MeetingDocument.DocKind.values[0], requested_by=people.staff,
                                              status=MeetingDocument.Status.READY)
    document.file.save("notice.pdf", ContentFile(b"%PDF-1.4 notice"))
    keep("meeting_document", document)
    keep("task", ChecklistTask.objects.create(meeting=meeting, phase=Phase.values[0], title="矩阵会务：统计用餐人数", owner_role=Role.CANTEEN,
                                              due_date=timezone.localdate() + datetime.timedelta(days=10)), "矩阵会务：统计用餐人数")
    [participant] = meetings.participants_invite(meeting=meeting, actor=people.staff, people=[members[1]])
    keep("participant", participant, "矩阵组成人员1")

    # documents: a 收文 led by 财经工委 with a 批示, a 发文 at 会签 with 财经工委, a sealed 发文 of 财经工委
    incoming = documents.incoming_register(actor=people.staff, from_unit="市财政局", from_number="市财〔2026〕88号", title="矩阵收文：关于预算执行情况的报告",
                                           doc_type="report", received_on=timezone.localdate(), due_date=timezone.localdate() + datetime.timedelta(days=30))
    documents.incoming_review(doc=incoming, actor=people.staff, accept=True)
    documents.incoming_propose(doc=incoming, actor=people.staff, proposal="拟请李副主任阅示。", leaders=[people.leader])
    documents.incoming_instruct(doc=incoming, actor=people.leader, text="请财经工委研究办理。")
    incoming = documents.incoming_assign(doc=incoming, actor=people.staff, lead_unit=people.unit_a)
    keep("incoming", incoming, "矩阵收文", "市财〔2026〕88号")
    keep("instruction", incoming.instructions.get())
    [incoming_file] = documents.attachment_add(doc=incoming, actor=people.staff, uploads=[_upload("scan.pdf")])
    keep("incoming_file", incoming_file)

    def draft(actor, title):
        return documents.outgoing_draft(actor=actor, doc_type="notice", title=title, main_to="各工作委员会", body="正文",
                                        issuer="清河区人大常委会办公室", signature="清河区人大常委会办公室", prefix="清人常办发")

    outgoing = documents.outgoing_check(doc=draft(people.staff, "矩阵发文：关于做好预算审查工作的通知"), actor=people.staff)
    [countersign] = documents.countersign_request(doc=outgoing, actor=people.staff, units=[people.unit_a])
    keep("outgoing", outgoing, "矩阵发文")
    keep("countersign", countersign)
    [outgoing_file] = documents.attachment_add(doc=outgoing, actor=people.staff, uploads=[_upload("draft.pdf")])
    keep("outgoing_file", outgoing_file)
    sealed = documents.outgoing_check(doc=draft(people.liaison_a, "矩阵印发：财经工委工作要点"), actor=people.staff)
    for step, actor in (("submit", people.staff), ("sign", people.leader), ("number", people.staff), ("seal", people.staff)):
        sealed = documents.outgoing_transition(doc=sealed, action=step, actor=actor)
    [distribution] = documents.distribution_add(doc=sealed, actor=people.staff, recipients=[("区财政局", 2)])
    sealed.pdf.save("sealed.pdf", ContentFile(b"%PDF-1.4 sealed"))
    keep("sealed", sealed, "矩阵印发", sealed.number)
    keep("distribution", distribution)

    # supervision: an item led by 财经工委, with a pending extension and a progress report
    item = supervision.item_register(actor=people.staff, title="矩阵督办：整改审计查出的问题", requirements="逐项整改。", source="other",
                                     urgency="normal", lead_unit=people.unit_a, supervisor=people.staff, leader=people.leader)
    item = supervision.item_assign(item=item, actor=people.staff)
    keep("item", item, "矩阵督办", item.number)
    keep("progress_report", supervision.item_report_progress(item=item, actor=people.liaison_a, text="矩阵进展", attachment=_upload("progress.pdf")))
    keep("extension", supervision.extension_request(item=item, actor=people.liaison_a, new_deadline=item.deadline + datetime.timedelta(days=14),
                                                    reason="需协调财政部门"))

    # logistics: the staff member's trip, dispatched with the driver; a requisition; a reception
    vehicle = Vehicle.objects.create(plate="湘A·矩阵01", model="红旗H5", seats=4, insurance_expires=timezone.localdate() + datetime.timedelta(days=200),
                                     inspection_expires=timezone.localdate() + datetime.timedelta(days=200))
    keep("vehicle", vehicle, "湘A·矩阵01")
    trip = logistics.trip_request(actor=people.staff, purpose="矩阵用车：赴乡镇调研", destination="矩阵镇", passengers=2,
                                  start=_at(3, 9), end=_at(3, 12), distance_km=30)
    trip = logistics.trip_decide(trip=trip, actor=people.director, approve=True)
    trip = logistics.trip_dispatch(trip=trip, actor=people.staff, vehicle=vehicle, driver=people.driver)
    keep("trip", trip, "矩阵用车", "矩阵镇")
    supply = SupplyItem.objects.create(name="矩阵签字笔", stock=50)
    keep("requisition", logistics.requisition_request(actor=people.staff, item=supply, quantity=2, reason="矩阵领用"), "矩阵领用")
    keep("reception", logistics.reception_create(actor=people.staff, title="矩阵接待：市人大调研组", guests="市人大调研组", guest_count=5,
                                                 host_unit=people.office_unit, start=_at(5, 9), end=_at(5, 11)), "矩阵接待")

    # conduct: an entry about the duty officer, a proposal, the staff member's leave, the canteen keeper's shift
    duty_person, staff_person, canteen_person = (getattr(people, who).person for who in ("duty", "staff", "canteen"))
    entry = conduct.entry_register(actor=people.staff, people=[duty_person], unit=people.office_unit, date=timezone.localdate(),
                                   category=Category.AFFAIRS, sub_kind=SubKind.PROCEDURE, what_happened="矩阵差错：值班记录漏记来电")
    entry.bulletin.save("bulletin.pdf", ContentFile(b"%PDF-1.4 bulletin"))
    keep("entry", entry, "矩阵差错")
    keep("proposal", Proposal.objects.create(key="matrix:proposal", category=Category.AFFAIRS, sub_kind=SubKind.DELAY,
                                             summary="矩阵线索：出车未登记回场", occurred_on=timezone.localdate()), "矩阵线索")
    keep("duty_person", duty_person, "矩阵差错")
    keep("leave", conduct.leave_register(actor=people.staff, person=staff_person, leave_type=LeaveType.PERSONAL,
                                         start=timezone.localdate() + datetime.timedelta(days=7),
                                         end=timezone.localdate() + datetime.timedelta(days=8), reason="矩阵请假事由"), "矩阵请假事由")
    shift = keep("shift", DutyShift.objects.create(date=timezone.localdate(), person=canteen_person, log="矩阵值班记录"), "矩阵值班记录")
    keep("swap", Swap.objects.create(shift=shift, substitute=duty_person, reason="矩阵换班原因", requested_by=people.canteen), "矩阵换班原因")

    clients = {}
    for who in sorted(EVERYONE):
        clients[who] = Client()
        clients[who].force_login(getattr(people, who))
    clients["anonymous"] = Client()
    return World(people=people, clients=clients, objects=objects, markers=markers)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast, NOTIFICATION_CHANNELS=[]):
        from django.db import connection

        assert connection.settings_dict["NAME"] == connection.creation._get_test_db_name(), "not on the test database"
        with transaction.atomic():
            yield build_world()
            transaction.set_rollback(True)  # nothing of this module stays for the others


# --- the checks ------------------------------------------------------------------------------------

URL_NAMES = sorted({name for name, _ in app_urls()})


def _request(client, method, url, data):
    """One request in a savepoint rolled back afterwards; (status, location, body)."""
    with transaction.atomic():
        response = getattr(client, method)(url, data)
        # The test client closes the response itself; closing it again here would close the
        # database connection inside the transaction.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", ""), body.decode("utf-8", "replace")


def _verdict(rule, method, who, status, location, body, marks) -> str:
    """'' when the response is what the rule says, else what went wrong."""
    to_login = status == 302 and location.startswith("/accounts/login/")
    allowed = getattr(rule, method)
    if who == "anonymous":
        return "" if to_login else f"anonymous got {status} {location}"
    if who in allowed:
        if status in (403, 404) or to_login or status >= 500:
            return f"refused ({status} {location}) but the rule allows"
        if method == "get" and rule.shows and status == 200 and not any(mark in body for mark in marks):
            return "allowed but the page does not show the object"
        return ""
    if status not in (403, 404):
        return f"got {status} {location} but the rule refuses"
    leaked = [mark for mark in marks if mark in body]
    return f"refused but the page shows {leaked}" if leaked else ""


def test_every_url_has_a_rule():
    missing = [name for name in URL_NAMES if name not in RULES]
    assert not missing, f"add a rule to tests/test_permission_matrix.py RULES for: {', '.join(missing)}"
    stale = [name for name in RULES if name not in URL_NAMES]
    assert not stale, f"these rules name URLs that no longer exist: {', '.join(stale)}"


@pytest.mark.parametrize("name", URL_NAMES)
def test_permission_matrix(world, name):
    rule = RULES.get(name)
    assert rule is not None, f"{name} has no rule: add one to RULES in tests/test_permission_matrix.py"
    url = reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None) + (f"?{rule.query}" if rule.query else "")
    marks = world.markers.get(rule.obj, [])
    public = name == "meetings:reply"
    problems = []
    for method in ("get", "post"):
        if getattr(rule, method) is None:
            continue
        for who in [*sorted(EVERYONE), "anonymous"]:
            status, location, body = _request(world.clients[who], method, url, rule.data if method == "post" else {})
            if public and who == "anonymous":
                problem = "" if status == 200 else f"anonymous got {status} on the invitee's page"
            else:
                problem = _verdict(rule, method, who, status, location, body, marks)
            if problem:
                problems.append(f"{method.upper()} {who}: {problem}")
    assert not problems, f"{name} {url}\n" + "\n".join(problems)
