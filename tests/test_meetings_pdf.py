"""办会 PDFs — 会议通知, 议程, 签到表, 桌签, 座次图, 会务工作清单, 会议纪要 — built from
data made through the services, read back with pypdf: the words, their order, the
seat positions on the page, and the Chinese fonts embedded."""

import datetime
import io
import re
import time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import ContentStream

from logistics.models import Room
from meetings import pdf, services
from meetings.documents import document_generate, meeting_for_print
from meetings.models import ChecklistTask, MeetingDocument, Reply, Role
from meetings.services import rostrum_order, rostrum_seats
from office.text import chinese_date
from tests.factories import MembershipFactory, PersonFactory, TermFactory, UnitFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Members in the order they are created, with their protocol rank: created out of
# rank order so the PDFs must sort them. First characters differ, so a name's
# position can be found on the page by its first character.
MEMBERS = [
    ("陈志强", 5, "常委会委员"),
    ("王建国", 1, "常委会主任"),
    ("刘芳", 4, "常委会副主任"),
    ("张卫东", 2, "常委会副主任"),
    ("赵敏", 3, "常委会副主任"),
    ("周立", 7, "常委会委员"),
    ("黄海涛", 6, "常委会秘书长"),
    ("吴桂英", 8, "常委会委员"),
    ("徐晓东", 9, "常委会委员"),
    ("胡军", 10, "常委会委员"),
    ("朱丽华", 10, "常委会委员"),  # same rank as 胡军: the name decides (朱 U+6731 before 胡 U+80E1)
    ("郭静", 12, "常委会委员"),
]
RANKED = ["王建国", "张卫东", "赵敏", "刘芳", "陈志强", "黄海涛", "周立", "吴桂英", "徐晓东", "朱丽华", "胡军", "郭静"]
NONVOTING = [("高山", 50, "副区长", "区人民政府"), ("罗平", 40, "院长", "区人民法院")]
AGENDA = [
    ("听取和审议区人民政府关于2026年国民经济和社会发展计划执行情况的报告", "区发展和改革委员会", "区发展改革委主任 林海", False),
    ("审议区人民政府关于提请审议区2026年财政预算调整方案的议案", "区人民政府", "区财政局局长 马丽", True),
    ("书面审议代表建议办理情况的报告", "", "", False),
]


def flat(text: str) -> str:
    """The text without white space and without the page numbers (— 1 —)."""
    return re.sub(r"—\d+—", "", "".join(text.split()))


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def page_texts(data: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def fonts_used(data: bytes) -> dict:
    """Fonts that show text (reportlab's idle "/F1 12 Tf" Helvetica selection draws nothing)."""
    reader = PdfReader(io.BytesIO(data))
    used = {}
    for page in reader.pages:
        resources = page["/Resources"]["/Font"]
        current = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = operands[0]
            elif operator in (b"Tj", b"TJ", b"'", b'"'):
                used[(current, str(resources[current].get_object().get("/BaseFont")))] = resources[current].get_object()
    return used


def assert_fonts_embedded(data: bytes, at_least=1):
    used = fonts_used(data)
    assert used, "no text shown"
    base_fonts = set()
    for (name, _), font in used.items():
        if font.get("/Subtype") == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        assert "/FontDescriptor" in font, f"{name} ({font.get('/BaseFont')}) is not embedded"
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, (font.get("/BaseFont"), list(descriptor.keys()))
        assert len(descriptor["/FontFile2"].get_object().get_data()) > 1000
        base_fonts.add(str(font["/BaseFont"]).split("+", 1)[-1])
    assert len(base_fonts) >= at_least, base_fonts


def text_positions(data: bytes, page_number=0) -> list[tuple[str, float, float]]:
    """(text, x, y) of every piece of text on a page, in page coordinates."""
    found = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            # The text origin tm[4:6] mapped through the current matrix.
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text, x, y))

    PdfReader(io.BytesIO(data)).pages[page_number].extract_text(visitor_text=visit)
    return found


def in_order(compact: str, words: list[str]) -> bool:
    positions = [compact.index(word) for word in words]
    return positions == sorted(positions)


# --- data, made through the services ------------------------------------------------------


def make_meeting(office, *, rostrum=0, members=MEMBERS, nonvoting=NONVOTING, days_ahead=9, room_name="机关第一会议室"):
    term = TermFactory(number=16)
    leaders = UnitFactory(name="常委会领导办公室", kind="leadership")
    people = {}
    for name, rank, post in members:
        person = PersonFactory(name=name, protocol_rank=rank, post=post, unit=leaders)
        MembershipFactory(body="standing", person=person, term=term)
        people[name] = person
    guests = [PersonFactory(name=name, protocol_rank=rank, post=post, unit=UnitFactory(name=unit, kind="external"))
              for name, rank, post, unit in nonvoting]
    room = Room.objects.create(name=room_name, capacity=80, rostrum_seats=rostrum)
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    start = datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=SHANGHAI)
    meeting = services.meeting_create(
        actor=office.staff, kind="standing", term=term, start=start, end=start + datetime.timedelta(hours=2, minutes=30),
        convener=people.get("王建国") or next(iter(people.values())), room=room,
    )
    services.invite_body(meeting=meeting, actor=office.staff)
    services.participants_invite(meeting=meeting, actor=office.staff, people=guests, role=Role.NONVOTING)
    services.participants_invite(meeting=meeting, actor=office.staff, people=[office.staff.person], role=Role.STAFF)
    for title, sponsor, reporter, to_vote in AGENDA:
        services.agenda_add(meeting=meeting, actor=office.staff, title=title, sponsor_text=sponsor, reporter=reporter, to_vote=to_vote)
    return meeting


def participant(meeting, name):
    return meeting.participants.get(person__name=name)


def printed(meeting):
    return meeting_for_print(meeting.pk)


@pytest.fixture
def meeting(office):
    return make_meeting(office)


# --- 会议通知 ---------------------------------------------------------------------------------


def test_notice(office, meeting):
    data = pdf.notice(printed(meeting))
    compact = flat(pdf_text(data))
    start = timezone.localtime(meeting.start)
    weekday = "星期" + "一二三四五六日"[start.weekday()]
    assert compact.startswith("清河区人大常委会办公室")  # the issuer mark
    assert "关于召开区第十六届人大常委会第一次会议的通知" in compact
    assert "各位常委会组成人员：" in compact
    assert f"{chinese_date(start.date())}（{weekday}）上午9:00—11:30" in compact
    assert "机关第一会议室" in compact
    # Agenda items numbered 一、二、三、 in order, the last closing with 。
    items = [f"{numeral}、{title}" for numeral, (title, *_) in zip("一二三", AGENDA)]
    assert all(item in compact for item in items) and in_order(compact, items)
    assert compact.index(items[2]) < compact.index("书面审议代表建议办理情况的报告。")
    assert "请假须事先向办公室说明" in compact
    assert "区人民法院院长罗平" in compact and "区人民政府副区长高山" in compact  # 列席, by rank
    assert compact.index("罗平") < compact.index("高山")
    assert "联系人：杨科员" in compact  # the creator
    assert compact.endswith(f"清河区人大常委会办公室{chinese_date(timezone.localdate())}")
    assert_fonts_embedded(data, at_least=2)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


@pytest.mark.parametrize(("kind", "body", "addressee"), [
    ("congress", "congress", "各位代表："),
    ("council", "council", "各位主任会议成员："),
    ("council_office", "council", "各位主任会议成员："),
])
def test_notice_addresses_the_body_of_the_kind(office, kind, body, addressee):
    term = TermFactory(number=16)
    person = PersonFactory(name="王建国", protocol_rank=1)
    MembershipFactory(body=body, person=person, term=term)
    start = datetime.datetime(2026, 12, 3, 15, 0, tzinfo=SHANGHAI)
    meeting = services.meeting_create(actor=office.staff, kind=kind, term=term, start=start,
                                      end=start + datetime.timedelta(hours=1), convener=person, venue="区行政中心")
    services.agenda_add(meeting=meeting, actor=office.staff, title="研究近期工作")
    compact = flat(pdf_text(pdf.notice(printed(meeting))))
    assert addressee in compact
    assert "2026年12月3日（星期四）下午3:00—4:00" in compact
    assert "区行政中心" in compact


# --- 议程 ---------------------------------------------------------------------------------------


def test_agenda(meeting):
    data = pdf.agenda_pdf(printed(meeting))
    compact = flat(pdf_text(data))
    assert compact.startswith("区第十六届人大常委会第一次会议议程")
    start = timezone.localtime(meeting.start)
    assert f"（{chinese_date(start.date())}" in compact and "机关第一会议室）" in compact
    assert "主持人：王建国" in compact
    items = [f"{numeral}、{title}" for numeral, (title, *_) in zip("一二三", AGENDA)]
    assert in_order(compact, items)
    assert "提请单位：区发展和改革委员会；汇报人：区发展改革委主任林海" in compact
    # The one voted item is marked, right after its title; the others are not.
    assert compact.count("（表决事项）") == 1
    assert compact.index(items[1]) < compact.index("（表决事项）") < compact.index(items[2])
    assert "共3项议程，其中表决事项1项。" in compact
    assert_fonts_embedded(data, at_least=2)


# --- 签到表 -------------------------------------------------------------------------------------


def test_sign_in_sheet_lists_people_in_rank_order(office, meeting):
    services.reply_record(participant=participant(meeting, "周立"), reply=Reply.LEAVE, reason="出差", actor=office.staff)
    data = pdf.sign_in_sheet(printed(meeting))
    compact = flat(pdf_text(data))
    assert "区第十六届人大常委会第一次会议签到表" in compact
    assert "应到12人" in compact and "请假1人" in compact and "列席2人" in compact and "工作人员1人" in compact
    for header in ("序号", "姓名", "单位职务", "签名", "备注"):
        assert header in compact
    # 出席 by rank (ties by name), then 列席 by rank, then 工作人员.
    assert in_order(compact, ["出席人员（12人）", *RANKED, "列席人员（2人）", "罗平", "高山", "工作人员（1人）", "杨科员"])
    assert "请假：出差" in compact
    assert "区人民政府副区长" in compact  # 单位职务 of a guest
    assert_fonts_embedded(data, at_least=2)


def test_sign_in_sheet_repeats_its_header_on_every_page(office):
    many = [(f"委员{chinese}", 100 + index, "常委会委员") for index, chinese in enumerate("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒日月盈昃宿列张寒来暑往秋收冬藏")]
    assert len(set(many)) == len(many)
    meeting = make_meeting(office, members=many, nonvoting=[])
    data = pdf.sign_in_sheet(printed(meeting))
    pages = page_texts(data)
    assert len(pages) >= 2
    assert all("序号" in page and "单位职务" in page and "签名" in page for page in pages)
    assert f"应到{len(many)}人" in pages[0]
    names = flat(pdf_text(data))
    assert in_order(names, [name for name, _, _ in many])


# --- 桌签 ---------------------------------------------------------------------------------------


def test_name_cards_one_landscape_page_per_seated_person(office, meeting):
    services.reply_record(participant=participant(meeting, "周立"), reply=Reply.LEAVE, reason="出差", actor=office.staff)
    data = pdf.name_cards(printed(meeting))
    reader = PdfReader(io.BytesIO(data))
    seated = [name for name in RANKED if name != "周立"] + ["罗平", "高山"]  # no card for leave, none for staff
    assert len(reader.pages) == len(seated)
    for page, name in zip(reader.pages, seated):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width > height  # landscape
        assert flat(page.extract_text()).count(name) == 2  # on both faces
    assert_fonts_embedded(data)


def test_name_cards_upper_half_is_turned(office, meeting):
    data = pdf.name_cards(printed(meeting))
    texts = [(text, x, y) for text, x, y in text_positions(data, 0) if "王" in text]
    assert len(texts) == 2
    (lower,) = [t for t in texts if t[2] < 595 / 2]
    (upper,) = [t for t in texts if t[2] > 595 / 2]
    # Turned 180° about the upper half's centre: the origin mirrors to the right of the middle.
    assert lower[1] < 842 / 2 < upper[1]
    assert abs((lower[1] + upper[1]) / 2 - 842 / 2) < 1
    # Two-character names are spread, three-character ones are not: both fit the page.
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data()
    assert b" Tc" in content


def test_sixty_name_cards_are_fast(office):
    many = [(f"代表{index:02d}号", index, "常委会委员") for index in range(1, 61)]
    meeting = printed(make_meeting(office, members=many, nonvoting=[]))
    pdf.name_cards(meeting)  # fonts registered, as in a running worker
    began = time.perf_counter()
    data = pdf.name_cards(meeting)
    elapsed = time.perf_counter() - began
    assert len(PdfReader(io.BytesIO(data)).pages) == 60
    assert elapsed < 5, elapsed  # ~0.03 s measured; the bound is loose on purpose


# --- 座次图 -------------------------------------------------------------------------------------


def rostrum_row_left_to_right(data: bytes, candidates: list[str]) -> list[str]:
    """The rostrum names as drawn, left to right: the highest row of names on the page."""
    firsts = {name[0]: name for name in candidates}
    pieces = [(firsts[text.strip()[0]], x, y) for text, x, y in text_positions(data) if text.strip()[0] in firsts]
    top = max(y for _, _, y in pieces)
    row = sorted((x, name) for name, x, y in pieces if abs(y - top) < 2)
    return [name for _, name in row]


@pytest.mark.parametrize("seats", range(1, 10))
def test_seat_plan_rostrum_is_mirrored_for_the_hall_view(office, meeting, seats):
    Room.objects.filter(pk=meeting.room_id).update(rostrum_seats=seats)
    data = pdf.seat_plan(printed(meeting))
    compact = flat(pdf_text(data))
    assert "面向主席台（观众视角）" in compact and "主席台" in compact and "会场" in compact
    top = RANKED[:seats]
    drawn = rostrum_row_left_to_right(data, RANKED)
    # The rule, from the seated people's side (their left to right) …
    assert rostrum_seats(top) == [top[rank] for rank in sorted(range(seats), key=lambda r: rostrum_order(seats)[r])]
    # … seen from the hall, so mirrored.
    assert drawn == list(reversed(rostrum_seats(top)))


def test_seat_plan_rostrum_by_hand(office, meeting):
    """Independent of rostrum_seats: 3 seats → (hall view) 3 1 2; 4 seats → 4 2 1 3."""
    r = RANKED
    Room.objects.filter(pk=meeting.room_id).update(rostrum_seats=3)
    assert rostrum_row_left_to_right(pdf.seat_plan(printed(meeting)), RANKED) == [r[2], r[0], r[1]]
    Room.objects.filter(pk=meeting.room_id).update(rostrum_seats=4)
    assert rostrum_row_left_to_right(pdf.seat_plan(printed(meeting)), RANKED) == [r[3], r[1], r[0], r[2]]


def test_seat_plan_defaults_to_seven_and_seats_everyone_else(office, meeting):
    services.reply_record(participant=participant(meeting, "周立"), reply=Reply.LEAVE, reason="出差", actor=office.staff)
    data = pdf.seat_plan(printed(meeting))
    present = [name for name in RANKED if name != "周立"]
    assert len(rostrum_row_left_to_right(data, RANKED)) == 7  # room without rostrum seats: min(7, attendees)
    compact = flat(pdf_text(data))
    for name in present + ["罗平", "高山"]:
        assert name in compact
    assert "以下为列席人员" in compact and "请假未排座：周立" in compact
    assert "杨科员" not in compact  # staff are not seated
    positions = text_positions(data)
    y_of = {name: y for text, x, y in positions for name in present + ["罗平", "高山"] if text.strip().startswith(name[0])}
    # Hall rows below the rostrum; 列席 below the members.
    assert max(y_of[name] for name in present[7:]) < min(y_of[name] for name in present[:7])
    assert max(y_of["罗平"], y_of["高山"]) < min(y_of[name] for name in present[7:])
    assert_fonts_embedded(data, at_least=2)


def test_seat_plan_fewer_attendees_than_rostrum_seats(office):
    meeting = make_meeting(office, rostrum=9, members=MEMBERS[:3], nonvoting=[])
    drawn = rostrum_row_left_to_right(pdf.seat_plan(printed(meeting)), ["王建国", "刘芳", "陈志强"])
    assert drawn == ["陈志强", "王建国", "刘芳"]  # ranks 5 4 1 → seated: 4 1 5, i.e. 刘 王 陈; mirrored


# --- 会务工作清单 ---------------------------------------------------------------------------------


def test_checklist(office, meeting):
    today = timezone.localdate()
    tasks = list(meeting.checklist.order_by("due_date", "order"))
    first, second = tasks[0], tasks[1]
    ChecklistTask.objects.filter(pk=first.pk).update(due_date=today - datetime.timedelta(days=3))
    ChecklistTask.objects.filter(pk=second.pk).update(due_date=today + datetime.timedelta(days=1))
    services.task_done(task=ChecklistTask.objects.get(pk=second.pk), actor=office.staff)
    ChecklistTask.objects.filter(pk=tasks[2].pk).update(owner=office.director, due_date=today + datetime.timedelta(days=2))
    data = pdf.checklist(printed(meeting))
    compact = flat(pdf_text(data))
    assert "区第十六届人大常委会第一次会议会务工作清单" in compact
    for header in ("序号", "工作事项", "责任", "完成期限", "完成情况"):
        assert header in compact
    assert in_order(compact, ["会前", "会中", "会后"])
    assert in_order(compact, ["发出会议通知", "签到并统计出席人数", "整理会议纪要"])
    done_on = timezone.localdate()
    assert f"√已完成（杨科员{done_on.month}月{done_on.day}日" in compact
    assert "未完成（已逾期3天）" in compact
    assert "孙主任" in compact  # an owner by name; others by their role
    assert "工作人员" in compact and "司机" in compact
    assert f"共{len(tasks)}项，已完成1项" in compact and "其中逾期1项" in compact
    assert chinese_date(today + datetime.timedelta(days=1)) in compact
    assert_fonts_embedded(data, at_least=2)


# --- 会议纪要 -------------------------------------------------------------------------------------


def open_and_vote(office, meeting):
    services.reply_record(participant=participant(meeting, "周立"), reply=Reply.LEAVE, reason="出差", actor=office.staff)
    services.meeting_transition(meeting=meeting, action="approve_plan", actor=office.director)
    services.meeting_transition(meeting=meeting, action="send_notice", actor=office.staff)
    for name in RANKED[:10]:
        if name != "周立":
            services.sign_in(participant=participant(meeting, name), actor=office.staff)
    services.sign_in(participant=participant(meeting, "罗平"), actor=office.staff)
    services.meeting_transition(meeting=meeting, action="open", actor=office.staff)  # 9 of 12 present: quorate
    voted = meeting.agenda.get(to_vote=True)
    return services.vote_record(item=voted, actor=office.staff, yes=7, no=1, abstain=1, not_voting=0)


def test_minutes(office, meeting):
    vote = open_and_vote(office, meeting)
    assert vote.passed and vote.members_total == 12 and vote.required == 7
    data = pdf.minutes(printed(meeting))
    compact = flat(pdf_text(data))
    assert compact.startswith("区第十六届人大常委会第一次会议纪要")
    assert "主持：王建国（常委会主任）" in compact
    assert "常委会组成人员应到12人，出席9人" in compact
    signed = [name for name in RANKED[:10] if name != "周立"]
    assert in_order(compact, signed)
    assert "请假：周立（出差）" in compact
    assert "缺席：胡军、郭静" in compact
    assert "列席：罗平" in compact and "高山" not in compact  # 列席 who signed in
    items = [f"{numeral}、{title}" for numeral, (title, *_) in zip("一二三", AGENDA)]
    assert in_order(compact, items)
    sentence = "会议以赞成7票、反对1票、弃权1票，表决通过。"
    assert compact.count(sentence) == 1
    assert items[1] in compact and compact.index(items[1]) < compact.index(sentence) < compact.index(items[2])
    assert compact.count("会议认为：") == 3
    assert_fonts_embedded(data, at_least=2)


def test_minutes_before_sign_in_lists_the_invited(office, meeting):
    compact = flat(pdf_text(pdf.minutes(printed(meeting))))
    assert "出席12人（尚无签到记录，按邀请名单，以签到为准）" in compact
    assert "列席：罗平、高山" in compact
    assert "表决结果：（尚未登记）" in compact


def test_minutes_vote_not_passed(office, meeting):
    open_and_vote(office, meeting)
    voted = meeting.agenda.get(to_vote=True)
    services.vote_record(item=voted, actor=office.staff, yes=6, no=2, abstain=1, not_voting=0)
    compact = flat(pdf_text(pdf.minutes(printed(meeting))))
    assert "会议以赞成6票、反对2票、弃权1票，表决未通过。" in compact


# --- all of them ------------------------------------------------------------------------------------


def test_every_document_kind_has_a_builder():
    assert set(pdf.PDF_BUILDERS) == set(MeetingDocument.DocKind.values)


def test_queries_do_not_grow_with_people_or_tasks(office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = make_meeting(office, members=MEMBERS[:3], nonvoting=NONVOTING[:1])
    large = make_meeting(office, room_name="机关第二会议室", days_ahead=20)
    for meeting in (small, large):
        ChecklistTask.objects.filter(meeting=meeting).update(owner=office.director)
    counts = {}
    for label, meeting in (("small", small), ("large", large)):
        loaded = printed(meeting)
        for kind, builder in pdf.PDF_BUILDERS.items():
            with CaptureQueriesContext(connection) as queries:
                builder(loaded)
            counts[(label, kind)] = len(queries)
    for kind in pdf.PDF_BUILDERS:
        assert counts[("small", kind)] == counts[("large", kind)] <= 1, (kind, counts)


def test_no_queries_when_the_creator_and_owners_are_loaded_too(office, meeting):
    """What meeting_for_print would need to make every builder query-free."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meetings.models import Meeting

    ChecklistTask.objects.filter(meeting=meeting).update(owner=office.director)
    loaded = (
        Meeting.objects.select_related("term", "room", "convener__unit", "plan_approved_by__person", "created_by__person__unit")
        .prefetch_related("agenda__sponsor", "agenda__vote", "participants__person__unit", "checklist__done_by__person",
                          "checklist__owner__person")
        .get(pk=meeting.pk)
    )
    for kind, builder in pdf.PDF_BUILDERS.items():
        with CaptureQueriesContext(connection) as queries:
            builder(loaded)
        assert len(queries) == 0, (kind, [q["sql"] for q in queries])


@pytest.mark.parametrize("doc_kind", MeetingDocument.DocKind.values)
def test_document_generate_end_to_end(office, meeting, settings, tmp_path, doc_kind):
    settings.MEDIA_ROOT = tmp_path
    document = MeetingDocument.objects.create(meeting=meeting, doc_kind=doc_kind, requested_by=office.staff)
    path = document_generate(document.pk)
    document.refresh_from_db()
    assert document.status == MeetingDocument.Status.READY, document.error
    assert document.file.name == path and path.endswith(".pdf")
    content = (tmp_path / path).read_bytes()
    assert content.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(content)).pages) >= 1
    assert document.generated_at is not None


def test_every_builder_embeds_its_fonts(meeting):
    loaded = printed(meeting)
    for kind, builder in pdf.PDF_BUILDERS.items():
        assert_fonts_embedded(builder(loaded))


def test_words():
    moment = datetime.datetime(2026, 12, 3, 14, 30)
    assert pdf.clock(moment) == "下午2:30"
    assert pdf.clock(moment.replace(hour=9, minute=0)) == "上午9:00"
    assert pdf.clock(moment.replace(hour=12)) == "中午12:30"
    assert pdf.weekday(datetime.date(2026, 12, 6)) == "星期日"
    assert pdf.padded("张三") == "张\u3000三" and pdf.padded("王建国") == "王建国"
    assert pdf.numbered(11) == "十一、"
