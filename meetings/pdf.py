"""办会 PDFs: 会议通知, 议程, 签到表, 桌签, 座次图, 会务工作清单, 会议纪要.

Every builder takes a meeting as meetings.documents.meeting_for_print returns it
and reads only what that query prefetches, plus at most one fixed look-up where
it is not loaded (the creator for the notice's contact line, the checklist
owners), so the number of queries does not grow with people, items or tasks.

Flowing documents go through office.pdf.build (platypus); the name cards and the
seat plan are drawn on the canvas directly: they are pictures, and 60 name cards
must come out in well under two seconds.
"""

import datetime
import io

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Flowable, HRFlowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from meetings.models import Kind, MeetingDocument, Phase, Reply, Role
from meetings.services import rostrum_seats
from office.models import Unit, chinese_numeral
from office.pdf import build, chinese_date, escape, font

RED = colors.HexColor("#c8161d")
GREY = colors.HexColor("#777777")
LIGHT = colors.HexColor("#eeeeee")
CHECK = "√"  # in GB 2312 and in every office font; "✓" is not

WEEKDAYS = "一二三四五六日"
ROLE_ORDER = {Role.ATTEND: 0, Role.NONVOTING: 1, Role.STAFF: 2}
# Who a notice is addressed to (主送) and what its members are called.
MEMBERS = {
    Kind.STANDING: "常委会组成人员",
    Kind.CONGRESS: "代表",
    Kind.COUNCIL: "主任会议成员",
    Kind.COUNCIL_OFFICE: "主任会议成员",
}
BODY_WIDTH = 156 * mm  # GB/T 9704 text block
GB_MARGINS = (37, 26, 35, 28)  # top, right, bottom, left in mm: 156 × 225 mm of text
# 信函格式: the issuer mark starts about 25 mm from the top edge, inside the text block.
LETTER_MARGINS = (25, 26, 30, 28)


# --- words ------------------------------------------------------------------------


def weekday(day: datetime.date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


def clock(moment: datetime.datetime) -> str:
    """上午9:00, 中午12:30, 下午2:30, 晚上7:00."""
    hour = moment.hour
    part = "上午" if hour < 12 else "中午" if hour < 13 else "下午" if hour < 18 else "晚上"
    return f"{part}{hour - 12 if hour > 12 else hour}:{moment.minute:02d}"


def day_text(day: datetime.date) -> str:
    return f"{chinese_date(day)}（{weekday(day)}）"


def when_text(meeting) -> str:
    """2026年12月3日（星期四）上午9:00—11:30; a meeting over several days says so."""
    start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
    text = f"{day_text(start.date())}{clock(start)}"
    if end.date() == start.date():
        start_clock, end_clock = clock(start), clock(end)
        same_part = start_clock[:2] == end_clock[:2]
        return f"{text}—{end_clock[2:] if same_part else end_clock}"
    end_day = end.date()
    end_date = f"{end_day.month}月{end_day.day}日" if end_day.year == start.year else chinese_date(end_day)
    return f"{text}至{end_date}（{weekday(end_day)}）{clock(end)}"


def numbered(index: int) -> str:
    """1 → 一、"""
    return f"{chinese_numeral(index)}、"


def clause(text: str) -> str:
    """An agenda title without its own closing punctuation, ready for ；or 。"""
    return text.strip().rstrip("；;。.，,")


def person_post(person) -> str:
    """单位职务 as a list prints it; a leader's post says it all."""
    unit = person.unit if person.unit_id else None
    if unit is None or unit.kind == Unit.Kind.LEADERSHIP:
        return person.post
    if person.post.startswith(unit.name):
        return person.post
    return f"{unit.name}　{person.post}".strip("　")


def padded(name: str) -> str:
    """Two-character names take a full-width space (张　三), so a list's names align."""
    return f"{name[0]}\u3000{name[1]}" if len(name) == 2 else name


def names(participants) -> str:
    return "、".join(p.person.name for p in participants) or "无"


# --- what the builders read --------------------------------------------------------------


def people(meeting) -> list:
    """Participants as protocol lists them: 出席, 列席, 工作人员; by rank, then name."""
    return sorted(
        meeting.participants.all(),
        key=lambda p: (ROLE_ORDER.get(p.role, 9), p.person.protocol_rank, p.person.name, p.person_id),
    )


def agenda(meeting) -> list:
    return sorted(meeting.agenda.all(), key=lambda item: (item.order, item.pk))


def seated(meeting) -> tuple[list, list]:
    """The people who get a seat and a name card: 出席 and 列席 not on leave."""
    everyone = [p for p in people(meeting) if p.reply != Reply.LEAVE]
    return [p for p in everyone if p.role == Role.ATTEND], [p for p in everyone if p.role == Role.NONVOTING]


def vote_of(item):
    return getattr(item, "vote", None)  # prefetched: a missing vote is cached, no query


def vote_sentence(vote) -> str:
    result = "表决通过" if vote.passed else "表决未通过"
    return f"会议以赞成{vote.yes}票、反对{vote.no}票、弃权{vote.abstain}票，{result}。"


def user_name(user) -> str:
    person = getattr(user, "person", None)
    return person.name if person else (user.get_full_name() or user.username)


def contact(meeting) -> tuple[str, str]:
    """The creator and a telephone number to call: read from the meeting when loaded
    with it (select_related "created_by__person__unit"), else one query."""
    from meetings.models import Meeting
    from office.models import Person

    if Meeting.created_by.is_cached(meeting):
        person = getattr(meeting.created_by, "person", None)
    else:
        person = Person.objects.select_related("unit").filter(user_id=meeting.created_by_id).first()
    if person is None:
        return user_name(meeting.created_by), ""
    return person.name, person.phone or (person.unit.phone if person.unit_id else "")


# --- styles --------------------------------------------------------------------------------


class Styles:
    """The paragraph styles of the meeting papers (GB/T 9704 sizes: 2号 title, 3号 body)."""

    def __init__(self, body_size=16, leading=28.9):
        fangsong, title, hei, kai = font("fangsong"), font("title"), font("hei"), font("kai")
        self.issuer = ParagraphStyle("issuer", fontName=title, fontSize=30, leading=40, alignment=TA_CENTER, textColor=RED)
        self.title = ParagraphStyle("title", fontName=title, fontSize=22, leading=33, alignment=TA_CENTER, wordWrap="CJK")
        self.subtitle = ParagraphStyle("subtitle", fontName=kai, fontSize=15, leading=24, alignment=TA_CENTER, wordWrap="CJK")
        self.meta = ParagraphStyle("meta", fontName=kai, fontSize=12.5, leading=19, alignment=TA_CENTER, wordWrap="CJK")
        self.body = ParagraphStyle("body", fontName=fangsong, fontSize=body_size, leading=leading, firstLineIndent=2 * body_size,
                                   wordWrap="CJK", alignment=TA_LEFT)
        self.flush = ParagraphStyle("flush", parent=self.body, firstLineIndent=0)
        self.heading = ParagraphStyle("heading", parent=self.body, fontName=hei)
        self.hanging = ParagraphStyle("hanging", parent=self.body, firstLineIndent=0, leftIndent=5 * body_size)
        self.note = ParagraphStyle("note", fontName=kai, fontSize=body_size - 2, leading=leading - 4,
                                   leftIndent=2 * body_size, wordWrap="CJK")
        self.right = ParagraphStyle("right", parent=self.body, firstLineIndent=0, alignment=TA_RIGHT, rightIndent=2 * body_size)
        # The signer and the date stay together (no single line left on a page).
        self.signature = ParagraphStyle("signature", parent=self.right, allowWidows=0, allowOrphans=0)
        self.small = ParagraphStyle("small", fontName=fangsong, fontSize=11, leading=16, wordWrap="CJK")
        self.cell = ParagraphStyle("cell", fontName=fangsong, fontSize=11, leading=15, wordWrap="CJK")
        self.cell_centre = ParagraphStyle("cell_centre", parent=self.cell, alignment=TA_CENTER)
        self.cell_head = ParagraphStyle("cell_head", fontName=hei, fontSize=11, leading=15, alignment=TA_CENTER, wordWrap="CJK")
        self.section = ParagraphStyle("section", fontName=hei, fontSize=11.5, leading=15, wordWrap="CJK")
        self.cell_red = ParagraphStyle("cell_red", parent=self.cell, textColor=RED)


# Where a long title may break: after these words, never inside one.
TITLE_BREAKS = ("关于召开", "人大常委会", "人民代表大会", "会议")


def title_lines(text: str, font_name: str, size: float, width: float) -> list[str]:
    """A title on one line, or on two broken where the words allow and as evenly as
    possible (关于召开区第十六届人大常委会 / 第一次会议的通知), as titles are set."""
    if pdfmetrics.stringWidth(text, font_name, size) <= width:
        return [text]
    def fits(part: str) -> bool:
        return pdfmetrics.stringWidth(part, font_name, size) <= width

    cuts = {text.find(word) + len(word) for word in TITLE_BREAKS if word in text}
    cuts = [cut for cut in cuts if 0 < cut < len(text) and fits(text[:cut]) and fits(text[cut:])]
    if not cuts:
        return [text]  # the paragraph wraps it
    cut = min(cuts, key=lambda at: (abs(len(text) - 2 * at), -at))
    return [text[:cut], text[cut:]]


def title_block(s: Styles, name: str, suffix: str, width: float) -> Paragraph:
    lines = title_lines(f"{name}{suffix}", s.title.fontName, s.title.fontSize, width - 12)  # less the frame's padding
    return Paragraph("<br/>".join(escape(line) for line in lines), s.title)


def hei(text: str) -> str:
    return f'<font name="{font("hei")}">{escape(text)}</font>'


# --- 会议通知 -----------------------------------------------------------------------------


def notice(meeting) -> bytes:
    """会议通知 in the 信函 form: red issuer mark and rule, title, 主送, body, signature.

    As offices do, a notice that would leave only its signature on a second page is
    set a little tighter instead."""
    facts = dict(
        items=agenda(meeting),
        nonvoting=[p for p in people(meeting) if p.role == Role.NONVOTING],
        contact=contact(meeting),
        issued=timezone.localtime(meeting.notice_sent_at).date() if meeting.notice_sent_at else timezone.localdate(),
    )
    top, right, bottom, left = LETTER_MARGINS
    width, height = A4[0] - (left + right) * mm, A4[1] - (top + bottom) * mm
    for leading in (28.9, 27, 25):
        story = notice_story(meeting, Styles(leading=leading), **facts)
        if story_height(story, width - 12) <= height - 12:  # the frame's padding: 6 pt each side
            break
    else:
        story = notice_story(meeting, Styles(), **facts)
    return build(story, title=f"关于召开{meeting.name}的通知", margins_mm=LETTER_MARGINS)


def story_height(story: list, width: float) -> float:
    scratch = pdf_canvas.Canvas(io.BytesIO())
    return sum(f.wrapOn(scratch, width, 10_000)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in story)


def notice_story(meeting, s: Styles, *, items, nonvoting, contact, issued) -> list:
    members = MEMBERS[meeting.kind]
    name, phone = contact
    place = meeting.place or "（地点另行通知）"
    story = [
        Paragraph(escape(settings.OFFICE_NAME), s.issuer),
        Spacer(1, 2 * mm),
        HRFlowable(width="100%", thickness=2, color=RED, spaceBefore=0, spaceAfter=1.2 * mm),
        HRFlowable(width="100%", thickness=0.6, color=RED, spaceBefore=0, spaceAfter=6 * mm),
        title_block(s, f"关于召开{meeting.name}", "的通知", BODY_WIDTH),
        Spacer(1, 5 * mm),
        Paragraph(escape(f"各位{members}："), s.flush),
        Paragraph(escape(f"定于{when_text(meeting)}在{place}召开{meeting.name}。"
                         + ("会议主要议程是：" if items else "会议议程另行通知。")), s.body),
    ]
    for index, item in enumerate(items, start=1):
        end = "。" if index == len(items) else "；"
        story.append(Paragraph(escape(f"{numbered(index)}{clause(item.title)}{end}"), s.body))
    if nonvoting:
        invited = "、".join(f"{person_post(p.person)}{p.person.name}".replace("　", "") for p in nonvoting)
        story.append(Paragraph(escape(f"邀请{invited}列席会议。"), s.body))
    story += [
        Paragraph(escape(f"请各位{members}安排好工作，准时出席会议，并于会前15分钟到会场签到。"
                         "因故不能出席的，请假须事先向办公室说明并写明事由；会议材料请提前审阅，开会时带到会场。"), s.body),
        Paragraph(escape(f"联系人：{name}" + (f"　　联系电话：{phone}" if phone else "")), s.body),
        Spacer(1, 8 * mm),
        Paragraph(f"{escape(settings.OFFICE_NAME)}<br/>{escape(chinese_date(issued))}", s.signature),
    ]
    return story


# --- 议程 -----------------------------------------------------------------------------------


def agenda_pdf(meeting) -> bytes:
    """议程: numbered items, each with sponsor and reporter; 表决事项 marked."""
    s = Styles()
    items = agenda(meeting)
    place = meeting.place
    start = timezone.localtime(meeting.start)
    story = [
        title_block(s, meeting.name, "议程", BODY_WIDTH),
        Paragraph(escape(f"（{day_text(start.date())}{clock(start)}　{place}）"), s.subtitle),
        Spacer(1, 2 * mm),
        Paragraph(escape(f"主持人：{meeting.convener.name}"), s.subtitle),
        Spacer(1, 6 * mm),
    ]
    for index, item in enumerate(items, start=1):
        title = escape(f"{numbered(index)}{clause(item.title)}")
        if item.to_vote:
            title += f'<font name="{font("hei")}" color="#c8161d">（表决事项）</font>'
        block = [Paragraph(title, s.body)]
        details = []
        if item.sponsor_name:
            details.append(f"提请单位：{item.sponsor_name}")
        if item.reporter:
            details.append(f"汇报人：{item.reporter}")
        if details:
            block.append(Paragraph(escape("；".join(details)), s.note))
        block.append(Spacer(1, 3 * mm))
        story.append(KeepTogether(block))
    if not items:
        story.append(Paragraph("（议程尚未确定）", s.body))
    voted = sum(1 for item in items if item.to_vote)
    story += [Spacer(1, 6 * mm), Paragraph(escape(f"共{len(items)}项议程，其中表决事项{voted}项。"), s.small)]
    return build(story, title=f"{meeting.name}议程", margins_mm=GB_MARGINS)


# --- 签到表 --------------------------------------------------------------------------------


def sign_in_sheet(meeting) -> bytes:
    """签到表: 出席, 列席, 工作人员 in rank order; a ruled table whose header repeats."""
    s = Styles()
    everyone = people(meeting)
    groups = [(role, label, [p for p in everyone if p.role == role]) for role, label in Role.choices]
    groups.sort(key=lambda group: ROLE_ORDER[group[0]])
    attend = groups[0][2]
    on_leave = sum(1 for p in attend if p.reply == Reply.LEAVE)
    counts = (f"应到 {len(attend)} 人　　请假 {on_leave} 人　　实到 ______ 人　　"
              f"（列席 {len(groups[1][2])} 人，工作人员 {len(groups[2][2])} 人）")

    widths = [14 * mm, 27 * mm, 63 * mm, 40 * mm, 26 * mm]
    data = [[Paragraph(h, s.cell_head) for h in ("序号", "姓名", "单位职务", "签名", "备注")]]
    heights = [9 * mm]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (1, 1), (1, -1), s.cell.fontName),
        ("FONTSIZE", (1, 1), (1, -1), s.cell.fontSize),
        ("ALIGN", (1, 1), (1, -1), "CENTER"),
        # A one-line row about 11 mm tall: room to sign.
        ("TOPPADDING", (0, 1), (-1, -1), 8),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 8),
    ]
    for role, label, members in groups:
        if not members:
            continue
        row = len(data)
        heading = label if label.endswith("人员") else f"{label}人员"
        data.append([Paragraph(escape(f"{heading}（{len(members)}人）"), s.section), "", "", "", ""])
        heights.append(8 * mm)
        style += [("SPAN", (0, row), (-1, row)), ("BACKGROUND", (0, row), (-1, row), colors.HexColor("#f6f6f6")),
                  ("NOSPLIT", (0, row), (-1, row + 1)),  # a group's heading never ends a page
                  ("TOPPADDING", (0, row), (-1, row), 3), ("BOTTOMPADDING", (0, row), (-1, row), 3)]
        for number, participant in enumerate(members, start=1):
            person = participant.person
            remark = ""
            if participant.reply == Reply.LEAVE:
                remark = f"请假：{participant.leave_reason}" if participant.leave_reason else "请假"
            elif participant.signed_in_at:
                remark = f"已签到 {timezone.localtime(participant.signed_in_at):%H:%M}"
            data.append([
                Paragraph(str(number), s.cell_centre),
                name_cell(person.name, s, widths[1]),
                Paragraph(escape(person_post(person)), s.cell),
                "",
                Paragraph(escape(remark), s.cell),
            ])
            heights.append(None)  # grows with a long 单位职务
    if len(data) == 1:
        data.append([Paragraph("（尚未邀请参会人员）", s.cell_centre), "", "", "", ""])
        heights.append(10 * mm)
        style.append(("SPAN", (0, 1), (-1, 1)))
    table = Table(data, colWidths=widths, repeatRows=1, rowHeights=heights)
    table.setStyle(TableStyle(style))
    start = timezone.localtime(meeting.start)
    story = [
        title_block(s, meeting.name, "签到表", 170 * mm),
        Paragraph(escape(f"时间：{day_text(start.date())}{clock(start)}　　地点：{meeting.place}"), s.meta),
        Spacer(1, 2 * mm),
        Paragraph(escape(counts), ParagraphStyle("counts", parent=s.small, fontName=font("hei"), fontSize=12, leading=18)),
        Spacer(1, 3 * mm),
        table,
    ]
    return build(story, title=f"{meeting.name}签到表", margins_mm=(20, 20, 22, 20))


def name_cell(name: str, s: Styles, width: float):
    """A name in a list: 张　三 drawn as is, a long name wrapped in a paragraph."""
    text = padded(name)
    if pdfmetrics.stringWidth(text, s.cell.fontName, s.cell.fontSize) <= width - 12:
        return text
    return Paragraph(escape(name), s.cell_centre)


# --- 桌签 -----------------------------------------------------------------------------------


def _glyph_centre(font_name: str) -> float:
    """How far above the baseline a CJK glyph's middle sits, per point of size."""
    face = pdfmetrics.getFont(font_name).face
    return (face.ascent + face.descent) / 2000 + 0.04


def _spaced(name: str, size: float, gap_em: float) -> float:
    """The character spacing for a name: two-character names are spread (张 三)."""
    return size * gap_em if len(name) == 2 else 0.0


def _name_width(name: str, font_name: str, size: float, char_space: float) -> float:
    return pdfmetrics.stringWidth(name, font_name, size) + char_space * (len(name) - 1)


def _draw_name(c, name: str, font_name: str, cx: float, cy: float, size: float, char_space: float, centre: float) -> None:
    """The name centred on (cx, cy), one text object so it reads as one word."""
    text = c.beginText()
    text.setFont(font_name, size)
    text.setCharSpace(char_space)
    text.setTextOrigin(cx - _name_width(name, font_name, size, char_space) / 2, cy - centre * size)
    text.textOut(name)
    text.setCharSpace(0)  # Tc outlives the text object: later strings must not inherit it
    c.drawText(text)


def name_cards(meeting) -> bytes:
    """桌签: one A4 landscape sheet per seated person, folded along the middle into a
    tent; the upper half is turned 180° so each face reads upright."""
    width, height = landscape(A4)
    title_font = font("title")
    centre = _glyph_centre(title_font)
    attend, nonvoting = seated(meeting)
    buffer = io.BytesIO()
    c = pdf_canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
    c.setTitle(f"{meeting.name}桌签")
    c.setAuthor(settings.OFFICE_NAME)
    c.setCreator(settings.OFFICE_NAME)
    max_width, max_size = width - 36 * mm, 120
    for participant in attend + nonvoting:
        name = participant.person.name.strip()
        size = max_size
        char_space = _spaced(name, size, 1.0)
        natural = _name_width(name, title_font, size, char_space)
        if natural > max_width:
            size = size * max_width / natural
            char_space = _spaced(name, size, 1.0)
        # The fold: a thin dashed line across the middle.
        c.setStrokeColor(colors.HexColor("#bbbbbb"))
        c.setLineWidth(0.3)
        c.setDash(4, 4)
        c.line(8 * mm, height / 2, width - 8 * mm, height / 2)
        c.setDash()
        c.setFillColor(colors.black)
        # The lower half, upright.
        _draw_name(c, name, title_font, width / 2, height / 4, size, char_space, centre)
        # The upper half, turned about its own centre.
        c.saveState()
        c.translate(width / 2, height * 3 / 4)
        c.rotate(180)
        _draw_name(c, name, title_font, 0, 0, size, char_space, centre)
        c.restoreState()
        c.showPage()
    if not attend and not nonvoting:
        c.setFont(font("song"), 14)
        c.drawCentredString(width / 2, height / 2, "（尚无参会人员）")
        c.showPage()
    c.save()
    return buffer.getvalue()


# --- 座次图 ---------------------------------------------------------------------------------

VIEW_LABEL = "面向主席台（观众视角）"
HALL_PER_ROW = 10


def rostrum_size(meeting, attendees: int) -> int:
    room = meeting.room if meeting.room_id else None
    seats = room.rostrum_seats if room is not None and room.rostrum_seats else min(7, attendees)
    return min(seats, attendees)


def _fit(text: str, font_name: str, size: float, width: float) -> float:
    natural = pdfmetrics.stringWidth(text, font_name, size)
    return size if natural <= width else size * width / natural


class SeatPlan:
    """Draws the plan page by page: the rostrum on the first, hall rows continuing."""

    margin = 14 * mm

    def __init__(self, meeting):
        self.meeting = meeting
        self.width, self.height = landscape(A4)
        self.buffer = io.BytesIO()
        self.c = pdf_canvas.Canvas(self.buffer, pagesize=(self.width, self.height), pageCompression=1)
        self.c.setTitle(f"{meeting.name}座次图")
        self.c.setAuthor(settings.OFFICE_NAME)
        self.c.setCreator(settings.OFFICE_NAME)
        self.hei, self.song, self.kai, self.title = font("hei"), font("song"), font("kai"), font("title")
        self.centre = _glyph_centre(self.hei)
        self.page = 0

    # drawing pieces

    def header(self) -> float:
        c, w, h = self.c, self.width, self.height
        self.page += 1
        title = f"{self.meeting.name}座次图" + ("（续）" if self.page > 1 else "")
        c.setFillColor(colors.black)
        c.setFont(self.title, 20)
        c.drawCentredString(w / 2, h - 17 * mm, title)
        c.setFont(self.kai, 12)
        c.drawCentredString(w / 2, h - 24 * mm, f"{when_text(self.meeting)}　{self.meeting.place}")
        # Which view: a framed label at the top right, as the plan's key.
        c.setFont(self.hei, 11)
        label_w = pdfmetrics.stringWidth(VIEW_LABEL, self.hei, 11) + 6 * mm
        x, y = w - self.margin - label_w, h - 15 * mm
        c.setStrokeColor(RED)
        c.setFillColor(RED)
        c.setLineWidth(0.8)
        c.rect(x, y - 2.5 * mm, label_w, 7.5 * mm, stroke=1, fill=0)
        c.drawCentredString(x + label_w / 2, y, VIEW_LABEL)
        c.setFillColor(colors.black)
        c.setStrokeColor(colors.black)
        c.setFont(self.song, 8)
        c.drawRightString(w - self.margin, 7 * mm, f"第{self.page}页")
        return h - 30 * mm

    def seat(self, x: float, y: float, w: float, h: float, number: int, name: str, size: float, note: str = "") -> None:
        c = self.c
        c.setLineWidth(0.8)
        c.setStrokeColor(colors.black)
        c.setFillColor(colors.white)
        c.rect(x, y, w, h, stroke=1, fill=1)
        c.setFillColor(GREY)
        c.setFont(self.song, 6.5)
        c.drawString(x + 1.2 * mm, y + h - 2.8 * mm, str(number))
        if note:
            c.drawRightString(x + w - 1.2 * mm, y + h - 2.8 * mm, note)
        c.setFillColor(colors.black)
        inner = w - 3 * mm
        char_space = _spaced(name, size, 0.5)
        fitted = size
        if _name_width(name, self.hei, size, char_space) > inner:
            char_space = 0.0
            fitted = _fit(name, self.hei, size, inner)
        _draw_name(c, name, self.hei, x + w / 2, y + h / 2 - 0.6 * mm, fitted, char_space, self.centre)

    def row_of_seats(self, row: list, numbers: dict, top: float, box_w: float, box_h: float, gap: float,
                     size: float, left: float, right: float, notes: dict | None = None) -> None:
        total = len(row) * box_w + (len(row) - 1) * gap
        x = left + (right - left - total) / 2
        for participant in row:
            person = participant.person
            note = (notes or {}).get(person.pk, "")
            self.seat(x, top - box_h, box_w, box_h, numbers[person.pk], person.name, size, note)
            x += box_w + gap

    # the page

    def draw(self) -> bytes:
        c, w = self.c, self.width
        attend, nonvoting = seated(self.meeting)
        numbers = {p.person.pk: index for index, p in enumerate(attend + nonvoting, start=1)}
        rostrum_count = rostrum_size(self.meeting, len(attend))
        rostrum, hall = attend[:rostrum_count], attend[rostrum_count:]
        top = self.header()
        left, right = self.margin, w - self.margin

        # 主席台: the seated people face the hall, so their left is the drawing's right.
        c.setFillColor(LIGHT)
        c.setStrokeColor(colors.black)
        c.setLineWidth(1.2)
        box_h, gap = 15 * mm, 2.5 * mm
        stage_h = box_h + 16 * mm
        c.rect(left, top - stage_h, right - left, stage_h, stroke=1, fill=1)
        c.setFillColor(colors.black)
        c.setFont(self.hei, 14)
        c.drawCentredString(w / 2, top - 7 * mm, "主　席　台")
        c.setFont(self.song, 8)
        c.setFillColor(GREY)
        c.drawString(left + 2 * mm, top - 6 * mm, "就座者右手一侧")
        c.drawRightString(right - 2 * mm, top - 6 * mm, "就座者左手一侧")
        c.setFillColor(colors.black)
        if rostrum:
            drawn = list(reversed(rostrum_seats(rostrum)))  # seated left→right, mirrored for the hall's view
            box_w = min(34 * mm, (right - left - 8 * mm - gap * (len(drawn) - 1)) / len(drawn))
            convener = {self.meeting.convener_id: "主持"}
            self.row_of_seats(drawn, numbers, top - 10 * mm, box_w, box_h, gap, 15, left, right, convener)
        else:
            c.setFont(self.song, 11)
            c.drawCentredString(w / 2, top - 20 * mm, "（尚无出席人员）")
        y = top - stage_h - 9 * mm
        c.setFont(self.hei, 12)
        c.drawCentredString(w / 2, y + 2.5 * mm, "会　　场")
        y -= 3 * mm

        # The hall: rows of ten, the first rows nearest the rostrum; each row seated by
        # the same rule, and these people face the rostrum as the viewer does.
        label_w, hall_box_h, hall_gap = 16 * mm, 11 * mm, 2.5 * mm
        rows = [("出席", hall[i:i + HALL_PER_ROW]) for i in range(0, len(hall), HALL_PER_ROW)]
        rows += [("列席", nonvoting[i:i + HALL_PER_ROW]) for i in range(0, len(nonvoting), HALL_PER_ROW)]
        hall_left = left + label_w
        hall_box_w = (right - hall_left - hall_gap * (HALL_PER_ROW - 1)) / HALL_PER_ROW
        bottom = 15 * mm + len(self.notes()) * 3.8 * mm
        previous = "出席"
        for number, (group, members) in enumerate(rows, start=1):
            needed = hall_box_h + 3 * mm + (6 * mm if group != previous else 0)
            if y - needed < bottom:
                self.footer()
                c.showPage()
                y = self.header() - 4 * mm
            if group != previous:
                c.setStrokeColor(GREY)
                c.setLineWidth(0.5)
                c.setDash(3, 3)
                c.line(left, y - 2 * mm, right, y - 2 * mm)
                c.setDash()
                c.setFillColor(GREY)
                c.setFont(self.hei, 9)
                c.drawString(left, y - 5.5 * mm, "以下为列席人员")
                c.setFillColor(colors.black)
                y -= 6 * mm
                previous = group
            c.setFont(self.hei, 10)
            c.drawString(left, y - hall_box_h / 2 - 1.5 * mm, f"第{chinese_numeral(number)}排")
            self.row_of_seats(rostrum_seats(members), numbers, y, hall_box_w, hall_box_h, hall_gap, 12, hall_left, right)
            y -= hall_box_h + 3 * mm
        self.footer()
        c.showPage()
        c.save()
        return self.buffer.getvalue()

    def notes(self) -> list[str]:
        """The key under the plan, broken into lines."""
        leave = [p for p in people(self.meeting) if p.reply == Reply.LEAVE and p.role != Role.STAFF]
        lines = [
            f"说明：本图按{VIEW_LABEL}绘制，主席台在上方。主席台就座者面向会场，其左手一侧在图的右方。"
            "排位以居中为上：单数时排序第一者居中，第二在其左、第三在其右，依次左右交替；"
            "双数时第一、第二居中线两侧，第一在中线左侧（就座者视角）。台下各排同此规则。方框左上角为排序号。",
        ]
        if leave:
            lines.append("请假未排座：" + "、".join(p.person.name for p in leave) + "。")
        return [chunk for line in lines for chunk in _wrap(line, self.song, 8, self.width - 2 * self.margin)]

    def footer(self) -> None:
        c, chunks = self.c, self.notes()
        c.setFont(self.song, 8)
        c.setFillColor(GREY)
        y = 11 * mm + (len(chunks) - 1) * 3.8 * mm
        for chunk in chunks:
            c.drawString(self.margin, y, chunk)
            y -= 3.8 * mm
        c.setFillColor(colors.black)


def _wrap(text: str, font_name: str, size: float, width: float) -> list[str]:
    """Break CJK text into lines of at most `width` points."""
    lines, current = [], ""
    for char in text:
        if current and pdfmetrics.stringWidth(current + char, font_name, size) > width:
            lines.append(current)
            current = ""
        current += char
    return lines + ([current] if current else [])


def seat_plan(meeting) -> bytes:
    """座次图, drawn from the hall facing the rostrum (观众视角), and saying so."""
    return SeatPlan(meeting).draw()


# --- 会务工作清单 ---------------------------------------------------------------------------


def checklist(meeting) -> bytes:
    """会务工作清单: 会前 / 会中 / 会后, who is responsible, by when, and whether done."""
    from django.contrib.auth import get_user_model

    from meetings.models import ChecklistTask

    s = Styles()
    today = timezone.localdate()
    tasks = list(meeting.checklist.all())
    # Owners are not in meeting_for_print's prefetch: one query for all of them.
    missing = {t.owner_id for t in tasks if t.owner_id and not ChecklistTask.owner.is_cached(t)}
    owners = get_user_model().objects.select_related("person").in_bulk(missing) if missing else {}
    phase_rank = {Phase.BEFORE: 0, Phase.DURING: 1, Phase.AFTER: 2}
    tasks.sort(key=lambda t: (phase_rank.get(t.phase, 9), t.due_date, t.order, t.pk))

    done = sum(1 for t in tasks if t.done_at)
    overdue = sum(1 for t in tasks if not t.done_at and t.due_date < today)
    widths = [12 * mm, 58 * mm, 26 * mm, 33 * mm, 41 * mm]
    data = [[Paragraph(h, s.cell_head) for h in ("序号", "工作事项", "责任", "完成期限", "完成情况")]]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    number = 0
    for phase, label in Phase.choices:
        phase_tasks = [t for t in tasks if t.phase == phase]
        if not phase_tasks:
            continue
        row = len(data)
        data.append([Paragraph(escape(f"{label}（{len(phase_tasks)}项）"), s.section), "", "", "", ""])
        style += [("SPAN", (0, row), (-1, row)), ("BACKGROUND", (0, row), (-1, row), colors.HexColor("#f6f6f6")),
                  ("NOSPLIT", (0, row), (-1, row + 1))]
        for task in phase_tasks:
            number += 1
            owner = owners.get(task.owner_id) or (task.owner if task.owner_id else None)
            responsible = user_name(owner) if owner else task.owner_role
            if task.done_at:
                at = timezone.localtime(task.done_at)
                who = user_name(task.done_by) if task.done_by_id else ""
                state = f"{CHECK} 已完成（{who} {at.month}月{at.day}日 {at:%H:%M}）"
                if at.date() > task.due_date:
                    state += "，逾期完成"
                status = Paragraph(escape(state), s.cell)
            elif task.due_date < today:
                status = Paragraph(escape(f"未完成（已逾期{(today - task.due_date).days}天）"), s.cell_red)
            else:
                status = Paragraph("未完成", s.cell)
            data.append([
                Paragraph(str(number), s.cell_centre),
                Paragraph(escape(task.title), s.cell),
                Paragraph(escape(responsible), s.cell_centre),
                Paragraph(escape(chinese_date(task.due_date)), s.cell_centre),
                status,
            ])
    if len(data) == 1:
        data.append([Paragraph("（没有会务工作）", s.cell_centre), "", "", "", ""])
        style.append(("SPAN", (0, 1), (-1, 1)))
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    summary = f"共{len(tasks)}项，已完成{done}项，未完成{len(tasks) - done}项"
    summary += f"，其中逾期{overdue}项。" if overdue else "。"
    story = [
        title_block(s, meeting.name, "会务工作清单", 170 * mm),
        Paragraph(escape(f"会期：{when_text(meeting)}　　地点：{meeting.place}"), s.meta),
        Spacer(1, 2 * mm),
        Paragraph(escape(f"截至{chinese_date(today)}：{summary}"), ParagraphStyle("sum", parent=s.small, fontSize=12, leading=18)),
        Spacer(1, 3 * mm),
        table,
        Spacer(1, 4 * mm),
        Paragraph("会议的质量抓会前，会议的实效抓会后。", ParagraphStyle("motto", parent=s.small, fontName=font("kai"), textColor=GREY)),
    ]
    return build(story, title=f"{meeting.name}会务工作清单", margins_mm=(20, 20, 22, 20))


# --- 会议纪要 -------------------------------------------------------------------------------


class WritingLines(Flowable):
    """Faint ruled lines for the secretary to write on."""

    def __init__(self, count: int, leading: float):
        super().__init__()
        self.count, self.leading = count, leading

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.count * self.leading

    def split(self, available_width, available_height):
        fit = int(available_height // self.leading)
        if fit <= 0 or fit >= self.count:
            return []
        return [WritingLines(fit, self.leading), WritingLines(self.count - fit, self.leading)]

    def draw(self):
        c = self.canv
        c.setStrokeColor(colors.HexColor("#c8c8c8"))
        c.setLineWidth(0.4)
        c.setDash(1, 2)
        for line in range(self.count):
            y = (self.count - line - 1) * self.leading + 2
            c.line(2 * self.leading / 1.8, y, self.width, y)


def minutes(meeting) -> bytes:
    """会议纪要 skeleton: who, when, where, then each item with its recorded vote and room
    for the secretary's 会议认为."""
    s = Styles()
    everyone = people(meeting)
    attend = [p for p in everyone if p.role == Role.ATTEND]
    nonvoting = [p for p in everyone if p.role == Role.NONVOTING]
    leave = [p for p in attend + nonvoting if p.reply == Reply.LEAVE]
    signed = any(p.signed_in_at for p in attend + nonvoting)
    if signed:
        present = [p for p in attend if p.signed_in_at]
        absent = [p for p in attend if not p.signed_in_at and p.reply != Reply.LEAVE]
        listening = [p for p in nonvoting if p.signed_in_at]
        basis = ""
    else:
        present = [p for p in attend if p.reply != Reply.LEAVE]
        absent = []
        listening = [p for p in nonvoting if p.reply != Reply.LEAVE]
        basis = "（尚无签到记录，按邀请名单，以签到为准）"
    members = MEMBERS[meeting.kind]
    convener = meeting.convener
    # Two-character labels (时间：, 出席：…) with the lines after the first hanging under the text.
    label = ParagraphStyle("label", parent=s.hanging, leftIndent=3 * s.body.fontSize, firstLineIndent=-3 * s.body.fontSize)

    def line(name: str, text: str) -> Paragraph:
        return Paragraph(f'{hei(name)}{escape(text)}', label)

    story = [
        title_block(s, meeting.name, "纪要", BODY_WIDTH),
        Spacer(1, 8 * mm),
        line("时间：", when_text(meeting)),
        line("地点：", meeting.place),
        line("主持：", f"{convener.name}" + (f"（{convener.post}）" if convener.post else "")),
        line("出席：", f"{members}应到{len(attend)}人，出席{len(present)}人{basis}：{names(present)}"),
        line("请假：", "、".join(
            f"{p.person.name}（{p.leave_reason}）" if p.leave_reason else p.person.name for p in leave) or "无"),
    ]
    if absent:
        story.append(line("缺席：", names(absent)))
    story += [
        line("列席：", names(listening)),
        line("记录：", ""),
        Spacer(1, 5 * mm),
        Paragraph(escape(f"{meeting.name}由{convener.name}主持。会议审议了以下事项：" if agenda(meeting) else
                         f"{meeting.name}由{convener.name}主持。"), s.body),
    ]
    for index, item in enumerate(agenda(meeting), start=1):
        block = [Spacer(1, 3 * mm), Paragraph(escape(f"{numbered(index)}{clause(item.title)}"), s.heading)]
        details = []
        if item.sponsor_name:
            details.append(f"提请单位：{item.sponsor_name}")
        if item.reporter:
            details.append(f"汇报人：{item.reporter}")
        if details:
            block.append(Paragraph(escape("；".join(details)), s.note))
        if item.to_vote:
            vote = vote_of(item)
            if vote is None:
                block.append(Paragraph("表决结果：（尚未登记）", s.body))
            else:
                block.append(Paragraph(escape(vote_sentence(vote)), s.body))
                block.append(Paragraph(escape(
                    f"（全体{members}{vote.members_total}人，通过需{vote.required}票；未按表决器{vote.not_voting}人。）"), s.note))
        block += [Paragraph("会议认为：", s.body), WritingLines(1, s.body.leading)]
        story += [KeepTogether(block), WritingLines(3, s.body.leading)]
    story += [Spacer(1, 12 * mm), Paragraph(escape("（纪要初稿，待主持人审定）"), s.right)]
    return build(story, title=f"{meeting.name}纪要", margins_mm=GB_MARGINS)


PDF_BUILDERS = {
    MeetingDocument.DocKind.NOTICE: notice,
    MeetingDocument.DocKind.AGENDA: agenda_pdf,
    MeetingDocument.DocKind.SIGN_IN: sign_in_sheet,
    MeetingDocument.DocKind.NAME_CARDS: name_cards,
    MeetingDocument.DocKind.SEAT_PLAN: seat_plan,
    MeetingDocument.DocKind.CHECKLIST: checklist,
    MeetingDocument.DocKind.MINUTES: minutes,
}
