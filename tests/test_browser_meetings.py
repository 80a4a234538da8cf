"""办会 in a real browser: staff creates a 常委会会议 and invites the body, records replies,
the director approves the plan, staff sends the notice, signs members in at the door
until the quorum is reached and opens the meeting."""

import datetime

import pytest
from django.utils import timezone

from logistics.models import Room
from meetings.models import Meeting, Participant, Reply, State
from office.models import Body
from tests.browser import login
from tests.factories import MembershipFactory, PersonFactory, TermFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logout(page):
    page.click("text=退出")


def flash(page) -> str:
    return page.locator(".flash").inner_text()


def test_prepare_open_and_sign_in_to_quorum(office, live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the notice task runs in the request, never on a shared broker
    from office.celery import app

    app.conf.task_always_eager = True
    try:
        run_the_path(office, live_server, page)
    finally:
        app.conf.task_always_eager = False


def run_the_path(office, live_server, page):
    term = TermFactory(number=16)
    room = Room.objects.create(name="常委会议室", location="机关大楼四楼", capacity=80)
    members = [
        MembershipFactory(term=term, body=Body.STANDING_COMMITTEE, person=PersonFactory(name=name, id_code=code, protocol_rank=rank)).person
        for rank, (name, code) in enumerate([("周建国", "W01"), ("王德明", "W02"), ("赵振华", "W03"), ("陈立新", "W04"), ("刘文彬", "W05")], start=1)
    ]
    day = timezone.localdate() + datetime.timedelta(days=14)

    # Staff creates the meeting.
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/meetings/")
    page.click("text=新建会议")
    page.select_option("#id_kind", "standing")
    page.fill("#id_subject", "审议区级预算调整方案")
    page.fill("#id_start", f"{day:%Y-%m-%d}T09:00")
    page.fill("#id_end", f"{day:%Y-%m-%d}T12:00")
    page.select_option("#id_room", str(room.pk))
    page.select_option("#id_convener", str(members[0].pk))
    page.click("main form button[type=submit]")
    assert "已创建区第十六届人大常委会第一次会议" in flash(page)
    meeting = Meeting.objects.get()
    assert page.locator("h1").inner_text() == "区第十六届人大常委会第一次会议"
    assert meeting.term == term and meeting.room == room

    # ... adds an agenda item (the form is open while the agenda is empty).
    page.fill("#id_agenda-title", "审议区人民政府关于2026年预算调整方案的报告")
    page.fill("#id_agenda-reporter", "区财政局局长")
    page.check("#id_agenda-to_vote")
    page.click("#agenda-add button[type=submit]")
    assert "已添加议题" in flash(page)

    # ... invites the members of the body and records two replies.
    page.click("main .toolbar >> text=参会人员")
    page.click("text=邀请全体常委会组成人员出席")
    assert "已邀请 5 人出席" in flash(page)
    first, second = (Participant.objects.get(person=person) for person in members[:2])
    page.select_option(f"#p-{first.pk} select", "attend")
    page.click(f"#p-{first.pk} button:has-text('登记')")
    assert "已登记周建国：参会" in flash(page)
    page.select_option(f"#p-{second.pk} select", "leave")
    page.click(f"#p-{second.pk} button:has-text('登记')")  # a leave without a reason is refused
    assert "请假须填写事由" in page.locator("[data-testid=action-error]").inner_text()
    page.select_option(f"#p-{second.pk} select", "leave")
    page.fill(f"#p-{second.pk} input[type=text]:not([readonly])", "参加市人大培训")
    page.click(f"#p-{second.pk} button:has-text('登记')")
    assert "已登记王德明：请假" in flash(page)
    second.refresh_from_db()
    assert (second.reply, second.leave_reason) == (Reply.LEAVE, "参加市人大培训")
    assert "事由：参加市人大培训" in page.locator(f"#p-{second.pk}").inner_text()
    logout(page)

    # The director approves the plan.
    login(page, live_server, "director")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    approve = page.locator("#act-approve_plan")
    approve.locator("button[type=submit]").click()  # without the tick the browser will not send it
    assert approve.locator("input[type=checkbox]").evaluate("box => box.validity.valueMissing")
    approve.locator("input[type=checkbox]").check()
    approve.locator("button[type=submit]").click()
    assert "已审批会议方案" in flash(page)
    assert "已由孙主任于" in page.locator("[data-testid=plan]").inner_text()
    logout(page)

    # Staff sends the notice; the meeting cannot open before the quorum is present.
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    confirm_action(page, "send_notice")
    assert "已发出会议通知" in flash(page)
    confirm_action(page, "open")
    assert "未达法定人数" in page.locator("[data-testid=action-error]").inner_text()
    meeting.refresh_from_db()
    assert meeting.state == State.NOTICED and meeting.notice_sent_at is not None

    # Sign-in at the door: search, one click, until the quorum (3 of 5) is reached.
    page.click("main .toolbar >> text=签到")
    quorum = page.locator("[data-testid=quorum-text]")
    assert "应到 5 人，过半数须 3 人，已签到 0 人：未达法定人数" in quorum.inner_text()
    for count, (query, name) in enumerate([("周建国", "周建国"), ("W03", "赵振华"), ("陈立", "陈立新")], start=1):
        box = page.locator("input[name=q]")
        assert box.evaluate("input => document.activeElement === input")
        box.fill(query)
        box.press("Enter")
        page.locator(".sign-in-results").get_by_role("button", name=f"签到：{name}").click()
        assert f"{name} 已签到" in flash(page)
        assert page.locator("input[name=q]").input_value() == ""
        expected = "已达法定人数" if count >= 3 else "未达法定人数"
        assert f"已签到 {count} 人：{expected}" in quorum.inner_text()
    assert "王德明" in page.locator(".waiting-list").first.inner_text()
    assert Participant.objects.filter(meeting=meeting, signed_in_at__isnull=False).count() == 3

    # Now the meeting opens.
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    assert "已达法定人数" in page.locator("[data-testid=quorum]").inner_text()
    confirm_action(page, "open")
    assert "已宣布开会" in flash(page)
    meeting.refresh_from_db()
    assert meeting.state == State.IN_SESSION


def confirm_action(page, action):
    card = page.locator(f"#act-{action}")
    card.locator("input[type=checkbox]").check()
    card.locator("button[type=submit]").click()
