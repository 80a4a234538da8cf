"""The nightly report (工作日报): sections from every duty, the email with its PDF sent
through a real SMTP server once per evening, days off, late reports, the pages."""

import datetime
import io
import os
import time
from email import message_from_bytes
from email.header import decode_header, make_header
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from conduct import services as conduct
from conduct.models import LeaveType
from documents import services as documents
from logistics import services as logistics
from logistics.models import MealBooking, Vehicle
from meetings import services as meetings
from meetings.models import Kind
from office import calendar
from office.models import NightlyReport
from office.report import build_report, nightly_report_send, render_pdf, render_text
from supervision import services as supervision
from tests.factories import PersonFactory, TermFactory

D = datetime.date
TZ = ZoneInfo("Asia/Shanghai")
DAY = D(2026, 12, 10)  # Thursday
TOMORROW = D(2026, 12, 11)  # Friday, the next working day

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar_cache(settings):
    settings.NOTIFICATION_CHANNELS = []
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.hostname
    settings.EMAIL_PORT = smtp_server.port
    return smtp_server


def at(day, hour, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def incoming_to(office, title, secrecy=""):
    extra = {"secrecy": secrecy, "secrecy_term": "10年"} if secrecy else {}
    doc = documents.incoming_register(actor=office.staff, from_unit="市委办公室", title=title, doc_type="letter",
                                      received_on=D(2026, 12, 7), due_date=DAY, **extra)
    documents.incoming_review(doc=doc, actor=office.staff, accept=True)
    documents.incoming_propose(doc=doc, actor=office.staff, proposal="拟请李副主任阅示。", leaders=[office.leader])
    return doc


@pytest.fixture
def data(office):
    meeting = meetings.meeting_create(actor=office.staff, kind=Kind.STANDING, term=TermFactory(), start=at(TOMORROW, 9),
                                      end=at(TOMORROW, 12), convener=PersonFactory(name="王召集"), venue="机关会议中心")
    item = supervision.item_register(actor=office.staff, title="落实审议意见", requirements="按期报送。", source="other",
                                     urgency="normal", lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader)
    item = supervision.item_assign(item=item, actor=office.staff, assigned_on=D(2026, 11, 30))
    assert item.deadline == D(2026, 12, 9)  # overdue on DAY
    doc = incoming_to(office, "关于开展执法检查的函")
    secret = incoming_to(office, "关于某项机密工作的请示", secrecy="secret")
    car = Vehicle.objects.create(plate="苏A·G8001", model="别克GL8", seats=6, odometer=12000,
                                 insurance_expires=D(2031, 1, 1), inspection_expires=D(2031, 1, 1))
    trip = logistics.trip_request(actor=office.liaison_a, purpose="赴街道调研", destination="清河街道", passengers=2,
                                  start=at(TOMORROW, 9, 30), end=at(TOMORROW, 11), distance_km=30)
    trip = logistics.trip_decide(trip=trip, actor=office.director, approve=True)
    trip = logistics.trip_dispatch(trip=trip, actor=office.staff, vehicle=car, driver=office.driver)
    MealBooking.objects.create(date=TOMORROW, meal="lunch", kind=MealBooking.Kind.GUEST, count=17, note="接待", booked_by=office.canteen)
    MealBooking.objects.create(date=TOMORROW, meal="lunch", kind=MealBooking.Kind.STAFF, person=office.staff, unit=office.office_unit,
                               booked_by=office.staff)
    leave = conduct.leave_register(actor=office.duty, person=office.staff.person, leave_type=LeaveType.ANNUAL,
                                   start=DAY, end=TOMORROW, reason="年休假")
    conduct.leave_decide(leave=leave, actor=leave.approver, approve=True)
    return {"meeting": meeting, "item": item, "doc": doc, "secret": secret, "trip": trip}


def section(report, title_start):
    return next(s for s in report.sections if s.title.startswith(title_start))


# --- content ------------------------------------------------------------------------------------------


def test_sections_carry_the_numbers(office, data):
    report = build_report(DAY, office.director)
    assert report.tomorrow == TOMORROW
    assert [s.title[:2] for s in report.sections] == ["办会", "督办", "办文", "办事", "作风"]
    meetings_rows = dict(section(report, "办会").rows)
    assert meetings_rows["明日会议"] == 1 and meetings_rows["今日会议"] == 0
    assert any(data["meeting"].name in line and "机关会议中心" in line for line in section(report, "办会").lines)
    sup = section(report, "督办")
    assert dict(sup.rows)["逾期未办结"] == 1
    assert any(data["item"].number in line and "财经工委" in line for line in sup.lines)
    logistics_section = section(report, "办事")
    assert dict(logistics_section.rows)["明日用车"] == 1
    assert dict(logistics_section.rows)["明日午餐"] == "18 人"
    assert any("苏A·G8001" in line and "马师傅" in line for line in logistics_section.lines)
    conduct_rows = dict(section(report, "作风").rows)
    assert conduct_rows["今日请假"] == 1 and conduct_rows["明日请假"] == 1
    assert any("杨科员" in line for line in section(report, "作风").lines)


def test_a_secret_document_is_not_counted_for_a_recipient_not_granted_it(office, data):
    director_rows = dict(section(build_report(DAY, office.director), "办文").rows)
    assert director_rows["李副主任"] == "待批示 1 件，待签发 0 件"
    assert "机密" not in render_text(build_report(DAY, office.director))
    # The leader it was proposed to was granted it and sees both.
    documents.grant(data["secret"], [office.leader], office.staff)
    leader_rows = dict(section(build_report(DAY, office.leader), "办文").rows)
    assert leader_rows["李副主任"] == "待批示 2 件，待签发 0 件"


# --- sending ------------------------------------------------------------------------------------------


def parts_of(envelope):
    message = message_from_bytes(envelope.content)
    parts = list(message.walk())
    text = next(p for p in parts if p.get_content_type() == "text/plain" and not p.get_filename())
    html = next(p for p in parts if p.get_content_type() == "text/html")
    pdf = next(p for p in parts if p.get_filename())
    return message, text.get_payload(decode=True).decode(), html.get_payload(decode=True).decode(), pdf


def test_the_email_goes_out_with_text_html_and_pdf_once(office, data, smtp_settings):
    assert nightly_report_send(DAY, at(DAY, 20)) == 2
    envelopes = smtp_settings.handler.envelopes
    assert sorted(e.rcpt_tos[0] for e in envelopes) == sorted([office.director.email, office.leader.email])
    envelope = next(e for e in envelopes if e.rcpt_tos == [office.director.email])
    message, text, html, pdf = parts_of(envelope)
    assert subject_of(message) == "清河区人大常委会办公室工作日报（2026年12月10日）"
    assert "逾期未办结：1" in text and data["item"].number in text and "李副主任：待批示 1 件" in text
    assert "<table" in html and "财经工委" in html
    assert "<link" not in html and "src=" not in html and "<script" not in html  # nothing fetched by the mail app
    assert pdf.get_filename() == "工作日报-20261210.pdf" and pdf.get_content_type() == "application/pdf"
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_payload(decode=True))).pages)
    assert "工作日报" in pdf_text and "李副主任" in pdf_text and "待批示 1 件" in pdf_text
    assert data["item"].number in pdf_text and "18 人" in pdf_text
    rows = NightlyReport.objects.filter(date=DAY)
    assert rows.count() == 2 and all(row.sent_at and not row.late for row in rows)
    # Running again (a retried task, the hourly catch-up) sends nothing more.
    assert nightly_report_send(DAY, at(DAY, 20, 1)) == 0
    assert nightly_report_send(DAY, at(DAY, 21, 5), catch_up_only=True) == 0
    assert len(envelopes) == 2


def test_the_hourly_catch_up_waits_for_the_evening(office, smtp_settings):
    assert nightly_report_send(DAY, at(DAY, 10, 5), catch_up_only=True) == 0
    assert nightly_report_send(DAY, at(DAY, 20, 5), catch_up_only=True) == 2


def test_a_saturday_before_a_sunday_sends_nothing_a_sunday_before_monday_does(office, smtp_settings):
    assert nightly_report_send(D(2026, 12, 11), at(D(2026, 12, 11), 20)) == 2  # Friday
    assert nightly_report_send(D(2026, 12, 12), at(D(2026, 12, 12), 20)) == 0  # Saturday
    assert not NightlyReport.objects.filter(date=D(2026, 12, 12)).exists()
    assert nightly_report_send(D(2026, 12, 13), at(D(2026, 12, 13), 20)) == 2  # Sunday, Monday is a working day
    assert not NightlyReport.objects.filter(late=True).exists()
    assert len(smtp_settings.handler.envelopes) == 4


def test_a_missed_evening_is_sent_late_marked(office, smtp_settings):
    assert nightly_report_send(D(2026, 12, 8), at(D(2026, 12, 8), 20)) == 2
    # The system was down on the evening of 12-09; it comes back on 12-10.
    assert nightly_report_send(DAY, at(DAY, 9, 5), catch_up_only=True) == 2
    late = NightlyReport.objects.get(date=D(2026, 12, 9), recipient=office.director)
    assert late.late and late.subject.startswith("【补发】") and late.sent_at
    subjects = [subject_of(message_from_bytes(e.content)) for e in smtp_settings.handler.envelopes]
    assert subjects.count("【补发】清河区人大常委会办公室工作日报（2026年12月9日）") == 2
    assert nightly_report_send(DAY, at(DAY, 20)) == 2  # today's, on time
    assert len(smtp_settings.handler.envelopes) == 6


def test_a_claim_left_by_a_crash_is_retried_after_ten_minutes(office, smtp_settings):
    NightlyReport.objects.create(date=DAY, recipient=office.director, subject="x", claimed_at=at(DAY, 20))
    assert nightly_report_send(DAY, at(DAY, 20, 5)) == 1  # only the leader; the director's claim is fresh
    assert nightly_report_send(DAY, at(DAY, 21, 5), catch_up_only=True) == 1
    assert NightlyReport.objects.get(date=DAY, recipient=office.director).sent_at == at(DAY, 21, 5)
    assert len(smtp_settings.handler.envelopes) == 2


def test_a_failed_send_is_kept_unsent(office, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    assert nightly_report_send(DAY, at(DAY, 20)) == 0
    assert NightlyReport.objects.filter(date=DAY, sent_at=None).count() == 2


# --- pages --------------------------------------------------------------------------------------------


def test_the_preview_for_the_director_and_403_for_staff(office, data):
    client = office.client_for(office.director)
    response = client.get("/reports/preview/2026-12-10/")
    assert response.status_code == 200
    assert "工作日报" in response.content.decode() and data["item"].number in response.content.decode()
    pdf = client.get("/reports/preview/2026-12-10/?format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get("/reports/preview/2026-13-40/").status_code == 404
    assert office.client_for(office.staff).get("/reports/preview/2026-12-10/").status_code == 403
    assert office.client_for(office.staff).get("/reports/").status_code == 403


def test_the_list_shows_ones_own_reports(office, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    nightly_report_send(DAY, at(DAY, 20))
    response = office.client_for(office.leader).get("/reports/")
    assert response.status_code == 200
    assert "工作日报（2026年12月10日）" in response.content.decode()
    assert NightlyReport.objects.filter(recipient=office.leader).count() == 1


def test_the_pdf_is_built(office, data):
    started = time.monotonic()
    content = render_pdf(build_report(DAY, office.director))
    elapsed = time.monotonic() - started
    reader = PdfReader(io.BytesIO(content))
    assert 1 <= len(reader.pages) <= 2
    print(f"PDF built in {elapsed:.2f} s, {len(content)} bytes, {len(reader.pages)} page(s)")
    if os.environ.get("REPORT_PDF_OUT"):
        with open(os.environ["REPORT_PDF_OUT"], "wb") as out:
            out.write(content)
