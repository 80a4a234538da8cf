"""Secret documents never reach the people not granted them: not in registers, search,
counts, exports, dashboards, the nightly report, messages, the workbench, "today", the
leader week, the approval queue, the supervision and conduct registers or PDFs.

A 机密 收文 and a 秘密 发文 with distinctive titles, numbers and text move through their
steps (which grants them to the people they are routed to); everyone else is checked
on every surface, and a granted person sees them (the control that the check can fail).
"""

import csv
import io
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from conduct.services import entry_register, proposals_sweep
from documents import services
from documents.dashboard import step_counts
from documents.models import InState, OutState
from documents.reminders import incoming_chase
from office import calendar
from office.models import Message
from office.report import build_report, render_html, render_pdf, render_text
from office.roles import Role
from tests.factories import PersonFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

IN_TITLE = "关于青石岭地下储备设施选址的请示"
IN_FROM_NUMBER = "青储密〔2026〕17号"
IN_BODY = "储备设施坐标与容量"
OUT_TITLE = "关于蓝湖专项审计整改情况的通报"
OUT_PREFIX = "清人常密发"  # its 发文字号 is this prefix's first number of the year
OUT_BODY = "蓝湖专项资金缺口"
SECOND_TITLE = "关于白沙港区规划调整的请示"  # a second 机密 收文, waiting for a 批示


@pytest.fixture(autouse=True)
def inbox_only(settings, tmp_path):
    settings.NOTIFICATION_CHANNELS = []
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@dataclass
class Secrets:
    incoming: object
    waiting: object  # the second 收文, 待批示 by leader2
    outgoing: object
    item: object  # the supervision item made from the secret 批示
    entry: object  # an error-log entry about the secret 收文
    staff2: object  # an office member it was never routed to
    leader2: object  # the leader who writes the 批示 (granted by routing)
    granted: list
    ungranted: list

    @property
    def markers(self) -> list[str]:
        return [IN_TITLE, IN_FROM_NUMBER, IN_BODY, OUT_TITLE, self.outgoing.number, OUT_BODY, SECOND_TITLE]

    def markers_hidden_from(self, user) -> list[str]:
        """Every leader may sign, so 送签 opened the 发文 to them all; the 收文 went to leader2 only."""
        if user.groups.filter(name=Role.LEADER).exists():
            return [IN_TITLE, IN_FROM_NUMBER, IN_BODY, SECOND_TITLE]
        return self.markers


def _member(username, role, unit, name):
    user = UserFactory(username=username, roles=[role])
    PersonFactory(name=name, unit=unit, user=user)
    return user


@pytest.fixture
def secrets(office, django_capture_on_commit_callbacks) -> Secrets:
    today = timezone.localdate()
    staff2 = _member("staff2", Role.STAFF, office.office_unit, "吴科员")
    leader2 = _member("leader2", Role.LEADER, UnitFactory(name="常委会领导办公室", kind="leadership"), "王副主任")
    with django_capture_on_commit_callbacks(execute=True):
        # 收文, 机密: registered by the staff member, 批示 by leader2, handled by 法制工委.
        incoming = services.incoming_register(
            actor=office.staff, from_unit="区发展和改革局", from_number=IN_FROM_NUMBER, title=IN_TITLE, doc_type="request",
            received_on=today, due_date=calendar.next_working_day(today), body_text=f"附：{IN_BODY}。",
            secrecy="confidential", secrecy_term="20年",
        )
        services.incoming_review(doc=incoming, actor=office.staff, accept=True)
        services.incoming_propose(doc=incoming, actor=office.staff, proposal="拟请王副主任阅示。", leaders=[leader2])
        services.incoming_instruct(doc=incoming, actor=leader2, text="请法制工委研究办理。")
        incoming = services.incoming_assign(doc=incoming, actor=office.staff, lead_unit=office.unit_b)
        item = services.instruction_to_supervision(instruction=incoming.instructions.get(), actor=office.staff, lead_unit=office.unit_b)

        waiting = services.incoming_register(
            actor=office.staff, from_unit="区自然资源局", from_number="白规密〔2026〕3号", title=SECOND_TITLE, doc_type="request",
            received_on=today, secrecy="confidential", secrecy_term="10年",
        )
        services.incoming_review(doc=waiting, actor=office.staff, accept=True)
        services.incoming_propose(doc=waiting, actor=office.staff, proposal="拟请王副主任阅示。", leaders=[leader2])

        # 发文, 秘密: drafted by the staff member, signed by a leader, numbered and sealed.
        outgoing = services.outgoing_draft(
            actor=office.staff, doc_type="bulletin", title=OUT_TITLE, main_to="各工作委员会", body=f"经查，{OUT_BODY}已补足。",
            issuer="清河区人大常委会办公室", signature="清河区人大常委会办公室", prefix=OUT_PREFIX, secrecy="secret", secrecy_term="5年",
        )
        outgoing = services.outgoing_check(doc=outgoing, actor=office.staff)
        for step, actor in (("submit", office.staff), ("sign", leader2), ("number", office.staff), ("seal", office.staff)):
            outgoing = services.outgoing_transition(doc=outgoing, action=step, actor=actor)
        services.distribution_add(doc=outgoing, actor=office.staff, recipients=[("区审计局", 2)])

        # The chasing and the error-log sweep run as they do at night.
        incoming_chase(today)
        proposals_sweep(calendar.add_working_days(today, 3))
        # An error-log entry about the secret 收文, about the other staff member.
        entry = entry_register(actor=office.staff, people=[staff2.person], unit=office.office_unit, date=today, category="documents",
                               sub_kind="delay", what_happened="收文未按期办结。", concerns=incoming)
    assert outgoing.number.startswith(OUT_PREFIX)
    # Granted: whoever the documents were routed to. Never: the director (neither was
    # circulated to them), the other staff member, 财经工委, and the duty roles.
    granted = [office.staff, leader2, office.liaison_b]
    ungranted = [office.director, staff2, office.liaison_a, office.driver, office.canteen, office.duty]
    return Secrets(incoming, waiting, outgoing, item, entry, staff2, leader2, granted, ungranted)


def leaked(secrets, text: str, user=None) -> list[str]:
    markers = secrets.markers if user is None else secrets.markers_hidden_from(user)
    return [marker for marker in markers if marker in text]


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        return "\n".join(" ".join(str(value) for value in row if value is not None) for row in sheet.iter_rows(values_only=True))
    if "pdf" in kind:
        return pdf_text(content)
    if "csv" in kind:
        return "\n".join(",".join(row) for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return content.decode("utf-8", "replace")


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def get(office, user, name, query="", **kwargs):
    url = reverse(name, kwargs=kwargs or None) + (f"?{query}" if query else "")
    return office.client_for(user).get(url)


# Searches use part of each marker: the search box repeats the words searched for, and
# the check looks for the whole title, number or phrase in the results.
IN_WORDS, IN_NUMBER_WORDS, IN_BODY_WORDS = IN_TITLE[2:10], IN_FROM_NUMBER[:-1], IN_BODY[:6]
OUT_WORDS, OUT_NUMBER_WORDS, OUT_BODY_WORDS = OUT_TITLE[2:9], f"{OUT_PREFIX}〔2026〕1", OUT_BODY[:6]

REGISTER_PAGES = [
    ("documents:index", ""), ("documents:waiting", ""),
    ("documents:incoming_list", ""), ("documents:outgoing_list", ""),
    ("documents:incoming_list", f"q={IN_WORDS}"), ("documents:incoming_list", f"q={IN_NUMBER_WORDS}"),
    ("documents:incoming_list", f"q={IN_BODY_WORDS}"), ("documents:incoming_list", "secrecy=classified"),
    ("documents:outgoing_list", f"q={OUT_WORDS}"), ("documents:outgoing_list", f"q={OUT_NUMBER_WORDS}"),
    ("documents:outgoing_list", f"q={OUT_BODY_WORDS}"), ("documents:outgoing_list", "secrecy=classified"),
    ("documents:incoming_export_csv", ""), ("documents:incoming_export_xlsx", ""),
    ("documents:outgoing_export_csv", ""), ("documents:outgoing_export_xlsx", ""),
    ("documents:incoming_export_csv", f"q={IN_WORDS}"), ("documents:outgoing_export_xlsx", f"q={OUT_WORDS}"),
]

OTHER_PAGES = [
    ("office:home", ""), ("office:dashboard", ""), ("office:approvals", ""), ("office:inbox", "show=all"),
    ("office:leader_week", ""), ("conduct:today", ""), ("conduct:index", ""), ("conduct:proposals", ""),
    ("conduct:export_csv", ""), ("supervision:index", ""), ("supervision:index", f"q={IN_WORDS}"),
    ("supervision:export_csv", ""), ("supervision:export_xlsx", ""), ("logistics:index", ""), ("meetings:index", ""),
]


def test_the_ungranted_never_see_them_in_registers_search_or_exports(office, secrets):
    for user in [*secrets.ungranted, office.leader]:
        for name, query in REGISTER_PAGES:
            response = get(office, user, name, query)
            assert response.status_code in (200, 403), (user, name, query, response.status_code)
            text = body_text(response)
            assert not leaked(secrets, text, user), (user.username, name, query, leaked(secrets, text, user))


def test_the_granted_find_them_in_registers_search_and_exports(office, secrets):
    """The control: the same pages and files do show them to the staff member who holds them."""
    staff = office.staff
    assert IN_TITLE in body_text(get(office, staff, "documents:incoming_list", f"q={IN_NUMBER_WORDS}"))
    assert OUT_TITLE in body_text(get(office, staff, "documents:outgoing_list", f"q={OUT_NUMBER_WORDS}"))
    assert IN_TITLE in body_text(get(office, staff, "documents:incoming_export_xlsx"))
    assert secrets.outgoing.number in body_text(get(office, staff, "documents:outgoing_export_csv"))
    assert SECOND_TITLE in body_text(get(office, secrets.leader2, "documents:waiting"))


def test_counts_leave_them_out_for_the_ungranted(office, secrets):
    incoming, outgoing = step_counts(office.director)
    assert incoming.get(InState.HANDLING, 0) == 0 and incoming.get(InState.PROPOSED, 0) == 0
    assert outgoing.get(OutState.SEALED, 0) == 0
    incoming, outgoing = step_counts(office.staff)
    assert incoming[InState.HANDLING] == 1 and incoming[InState.PROPOSED] == 1 and outgoing[OutState.SEALED] == 1

    dashboard = body_text(get(office, office.director, "office:dashboard"))
    assert "收文 承办中" not in dashboard and "发文 已用印" not in dashboard
    assert "收文 承办中：1 件" in body_text(get(office, secrets.leader2, "office:dashboard"))

    for user in (office.director, secrets.staff2):
        page = get(office, user, "documents:index")
        assert page.context["waiting_total"] == 0, user
    assert get(office, office.staff, "documents:index").context["waiting_total"] > 0


def test_other_pages_and_the_supervision_register_do_not_name_them(office, secrets):
    for user in [*secrets.ungranted, office.leader]:
        for name, query in OTHER_PAGES:
            response = get(office, user, name, query)
            assert response.status_code in (200, 403), (user, name, response.status_code)
            text = body_text(response)
            assert not leaked(secrets, text, user), (user.username, name, leaked(secrets, text, user))
    # The error-log entry about it, for the office, the leaders and the person concerned.
    for user in (office.director, office.leader, secrets.staff2):
        response = get(office, user, "conduct:entry_detail", pk=secrets.entry.pk)
        assert response.status_code == 200 and "涉密公文" in response.content.decode()
        assert not leaked(secrets, response.content.decode()), user
    # The supervision item made from the secret 批示 names only the 收文编号; its notice too.
    response = get(office, office.director, "supervision:notice_pdf", pk=secrets.item.pk)
    assert response.status_code == 200
    assert not leaked(secrets, body_text(response))
    assert "涉密公文" in secrets.item.title
    # The control: leader2's queue holds the second document, by its title.
    assert SECOND_TITLE in body_text(get(office, secrets.leader2, "office:approvals"))


def test_the_nightly_report_leaves_them_out(office, secrets):
    today = timezone.localdate()
    for user in (office.director, office.leader):
        report = build_report(today, user)
        for text in (render_html(report), render_text(report), pdf_text(render_pdf(report))):
            assert not leaked(secrets, text, user), user
        [documents] = [section for section in report.sections if section.title.startswith("办文")]
        assert ("合计", "待批示 0 件，待签发 0 件") in documents.rows, user
    # leader2, who holds the second document, counts it on their own row.
    report = build_report(today, secrets.leader2)
    [documents] = [section for section in report.sections if section.title.startswith("办文")]
    assert ("王副主任", "待批示 1 件，待签发 0 件") in documents.rows


def test_messages_to_anyone_never_carry_them(office, secrets):
    everyone = [*secrets.granted, *secrets.ungranted, office.leader]
    about = Message.objects.filter(event_key__startswith="documents:")
    assert about.filter(recipient=office.director).exists()  # told that there is work, without naming it
    for message in Message.objects.filter(recipient__in=everyone):
        assert not leaked(secrets, f"{message.subject} {message.body} {message.link}"), message.subject
    for message in about:
        assert "涉密" in message.subject + message.body, message.subject


def test_pdfs_of_the_secret_outgoing_are_refused_to_the_ungranted(office, secrets):
    for user in (office.director, secrets.staff2, office.liaison_a):
        for name in ("documents:outgoing_print", "documents:outgoing_stored_pdf", "documents:outgoing_detail"):
            response = get(office, user, name, pk=secrets.outgoing.pk)
            assert response.status_code == 404, (user, name)
            assert not leaked(secrets, response.content.decode())
        for name in ("documents:incoming_detail",):
            assert get(office, user, name, pk=secrets.incoming.pk).status_code == 404
    # The control: the GB/T 9704 print opens for the staff member who holds it.
    response = get(office, office.staff, "documents:outgoing_print", pk=secrets.outgoing.pk)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert OUT_TITLE in pdf_text(b"".join(response.streaming_content) if response.streaming else response.content).replace("\n", "")
