"""办会 pages: the list, creating and editing, the meeting page and its actions, participants,
the invitee's reply link, sign-in at the door, attendance, and constant query counts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from logistics.models import Room
from meetings import services
from meetings.models import (
    AgendaItem,
    ChecklistTask,
    ChecklistTemplateTask,
    Kind,
    Meeting,
    MeetingDocument,
    Participant,
    Phase,
    Reply,
    ReviewOpinion,
    Role,
    State,
)
from office import calendar
from office.concurrency import version_token
from office.models import Body
from office.roles import Role as OfficeRole
from supervision.models import SupervisionItem
from tests.factories import MembershipFactory, PersonFactory, TermFactory


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def html(response) -> str:
    return response.content.decode()


def at(days: int, hour: int = 9) -> datetime.datetime:
    """A local time `days` from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@pytest.fixture
def term(db):
    return TermFactory(number=16)


@pytest.fixture
def room(db):
    return Room.objects.create(name="常委会议室", location="机关大楼四楼", capacity=80)


def make_members(term, n, start=0):
    return [
        MembershipFactory(term=term, body=Body.STANDING_COMMITTEE, person=PersonFactory(name=f"委员{index:02d}", id_code=f"W{index:03d}")).person
        for index in range(start, start + n)
    ]


@pytest.fixture
def members(term):
    return make_members(term, 5)


def create(office, term, members, room=None, *, days=14, hours=3, venue="", **extra):
    return services.meeting_create(
        actor=office.staff, kind=Kind.STANDING, term=term, start=at(days), end=at(days, 9 + hours),
        convener=extra.pop("convener", members[0]), room=room, venue=venue or ("" if room else "区政务中心"), **extra,
    )


def fresh(meeting) -> Meeting:
    return Meeting.objects.get(pk=meeting.pk)


def with_agenda_and_people(office, meeting, *, to_vote=True):
    services.agenda_add(meeting=meeting, actor=office.staff, title="审议区人民政府关于预算调整方案的报告", reporter="区财政局局长", to_vote=to_vote)
    services.invite_body(meeting=meeting, actor=office.staff)
    return meeting


def noticed(office, meeting):
    with_agenda_and_people(office, meeting)
    services.meeting_transition(meeting=meeting, action="approve_plan", actor=office.director)
    return services.meeting_transition(meeting=meeting, action="send_notice", actor=office.staff)


def sign_in_first(office, meeting, n):
    for participant in meeting.participants.filter(role=Role.ATTEND).order_by("person__protocol_rank")[:n]:
        services.sign_in(participant=participant, actor=office.staff)


def in_session(office, meeting, signed=3):
    """Noticed, `signed` members signed in at the door (the quorum of 5 is 3), opened."""
    noticed(office, meeting)
    sign_in_first(office, meeting, signed)
    return services.meeting_transition(meeting=meeting, action="open", actor=office.staff)


def detail_url(meeting):
    return reverse("meetings:detail", args=[meeting.pk])


def action_url(meeting, action):
    return reverse("meetings:action", args=[meeting.pk, action])


def form_data(term, room=None, convener=None, *, days=14, start_hour=9, end_hour=12, **extra):
    data = {
        "kind": Kind.STANDING, "term": term.pk, "subject": "审议预算调整方案",
        "start": f"{at(days, start_hour):%Y-%m-%dT%H:%M}", "end": f"{at(days, end_hour):%Y-%m-%dT%H:%M}",
        "room": room.pk if room else "", "venue": "" if room else "区政务中心", "convener": convener.pk if convener else "",
    }
    data.update(extra)
    return data


# --- the list -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "director", "leader", "liaison_a", "driver"])
def test_every_login_reads_the_list_and_the_meeting(office, term, members, room, who):
    meeting = create(office, term, members, room, subject="审议预算调整方案")
    client = office.client_for(getattr(office, who))
    page = html(client.get(reverse("meetings:index")))
    assert meeting.name in page and "审议预算调整方案" in page and "常委会议室" in page
    assert "区第十六届人大常委会第一次会议" == meeting.name
    assert ("新建会议" in page) == (who in ("staff", "director"))
    response = client.get(detail_url(meeting))
    assert response.status_code == 200
    assert meeting.name in html(response)
    for name in ("meetings:participants", "meetings:sign_in"):
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings:attendance")).status_code == 200


def test_list_row_shows_chinese_time_attendance_and_checklist_progress(office, term, members, room):
    meeting = in_session(office, create(office, term, members, room), signed=4)
    task = meeting.checklist.first()
    services.task_done(task=task, actor=office.staff)
    page = html(office.client_for(office.staff).get(reverse("meetings:index")))
    start = timezone.localtime(meeting.start)
    assert f"{start.year}年{start.month}月{start.day}日" in page and "09:00–12:00" in page
    assert "4/5" in page
    assert f"1/{meeting.checklist.count()}" in page
    assert "进行中" in page


def test_list_filters(office, term, members, room):
    standing = create(office, term, members, room, subject="预算调整")
    council = services.meeting_create(
        actor=office.staff, kind=Kind.COUNCIL, term=term, start=at(20), end=at(20, 11), convener=members[1], venue="主任会议室",
        subject="研究人事任免",
    )
    services.agenda_add(meeting=council, actor=office.staff, title="关于代表建议办理情况的汇报")
    services.participants_invite(meeting=council, actor=office.staff, people=[office.staff.person])
    client = office.client_for(office.staff)

    def names(params):
        return {m.pk for m in client.get(reverse("meetings:index"), params).context["page"]}

    assert names({}) == {standing.pk, council.pk}
    assert names({"kind": Kind.COUNCIL}) == {council.pk}
    assert names({"state": State.PLANNING}) == {standing.pk, council.pk}
    assert names({"state": State.ENDED}) == set()
    assert names({"q": "代表建议"}) == {council.pk}
    assert names({"q": "预算"}) == {standing.pk}
    assert names({"mine": "on"}) == {council.pk}
    assert names({"start_from": f"{at(15):%Y-%m-%d}"}) == {council.pk}
    assert names({"start_to": "bad-date"}) == {standing.pk, council.pk}


# --- creating and editing -------------------------------------------------------------------------


def test_create_form_defaults_to_the_current_term(office, term, members):
    response = office.client_for(office.staff).get(reverse("meetings:create"))
    assert response.status_code == 200
    assert response.context["form"]["term"].value() == term.pk
    assert 'type="datetime-local"' in html(response)


def test_staff_creates_a_meeting(office, term, members, room):
    response = office.client_for(office.staff).post(reverse("meetings:create"), form_data(term, room, members[0]), follow=True)
    meeting = Meeting.objects.get()
    assert response.redirect_chain[-1][0].startswith(detail_url(meeting))
    assert "已创建区第十六届人大常委会第一次会议" in html(response)
    assert meeting.room == room and meeting.subject == "审议预算调整方案"
    assert timezone.localtime(meeting.start).hour == 9
    assert meeting.checklist.count() == ChecklistTemplateTask.objects.filter(kind=Kind.STANDING).count() > 0


def test_create_refuses_bad_input_and_creates_nothing(office, term, members):
    client = office.client_for(office.staff)
    response = client.post(reverse("meetings:create"), form_data(term, None, members[0], start_hour=12, end_hour=9))
    assert "结束时间须晚于开始时间" in html(response)
    response = client.post(reverse("meetings:create"), form_data(term, None, members[0], venue=""))
    assert "请选择会议室或填写会议地点" in html(response)
    response = client.post(reverse("meetings:create"), form_data(term, None, None))
    assert response.context["form"].errors["convener"]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("who", ["leader", "liaison_a", "driver"])
def test_others_get_403_on_create_edit_and_actions(office, term, members, room, who):
    meeting = with_agenda_and_people(office, create(office, term, members, room))
    item = meeting.agenda.get()
    participant = meeting.participants.first()
    client = office.client_for(getattr(office, who))
    page = html(client.get(detail_url(meeting)))
    assert reverse("meetings:edit", args=[meeting.pk]) not in page and "添加议题" not in page and "邀请" not in page
    gets = [reverse("meetings:create"), reverse("meetings:edit", args=[meeting.pk]), reverse("meetings:agenda_edit", args=[item.pk])]
    for url in gets:
        assert client.get(url).status_code == 403, url
    posts = [
        (reverse("meetings:create"), form_data(term, None, members[0])),
        (reverse("meetings:edit", args=[meeting.pk]), form_data(term, None, members[0])),
        (action_url(meeting, "send_notice"), {"send_notice-confirm": "on"}),
        (action_url(meeting, "approve_plan"), {"approve_plan-confirm": "on"}),
        (reverse("meetings:agenda_add", args=[meeting.pk]), {"agenda-title": "新议题"}),
        (reverse("meetings:agenda_move", args=[item.pk, "down"]), {}),
        (reverse("meetings:agenda_remove", args=[item.pk]), {}),
        (reverse("meetings:invite_body", args=[meeting.pk]), {}),
        (reverse("meetings:reply_for", args=[participant.pk]), {f"reply-{participant.pk}-reply": "attend"}),
        (reverse("meetings:participant_remove", args=[participant.pk]), {}),
        (reverse("meetings:sign_in_do", args=[participant.pk]), {}),
        (reverse("meetings:document_request", args=[meeting.pk, "agenda"]), {}),
        (reverse("meetings:vote", args=[item.pk]), {f"vote-{item.pk}-yes": "3"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Meeting.objects.count() == 1
    meeting = fresh(meeting)
    assert meeting.state == State.PLANNING and meeting.plan_approved_at is None
    assert meeting.agenda.count() == 1 and meeting.participants.count() == 5
    assert not MeetingDocument.objects.exists()


def test_leader_double_booking_warns_then_saves_on_confirmation(office, term, members, room):
    leader = office.leader.person
    first = create(office, term, members, room, convener=leader)
    client = office.client_for(office.staff)
    data = form_data(term, None, leader)
    response = client.post(reverse("meetings:create"), data)
    page = html(response)
    assert "日程冲突" in page and f"{leader.name}：" in page and first.name in page
    assert "仍然保存" in page and 'name="confirm_clashes"' in page
    assert Meeting.objects.count() == 1
    response = client.post(reverse("meetings:create"), {**data, "confirm_clashes": "on"}, follow=True)
    assert Meeting.objects.count() == 2
    assert "已创建" in html(response)


def test_room_double_booking_is_refused_with_the_message(office, term, members, room):
    create(office, term, members, room)
    response = office.client_for(office.staff).post(reverse("meetings:create"), form_data(term, room, members[1], start_hour=10, end_hour=11))
    assert response.status_code == 200
    assert "常委会议室在" in html(response) and "已被预订" in html(response)
    assert Meeting.objects.count() == 1


def test_edit_moves_the_meeting_and_refuses_after_opening(office, term, members, room):
    meeting = create(office, term, members, room)
    client = office.client_for(office.staff)
    response = client.get(reverse("meetings:edit", args=[meeting.pk]))
    assert response.status_code == 200
    assert f'value="{at(14):%Y-%m-%dT%H:%M}"' in html(response)
    data = form_data(term, room, members[1], days=21, subject="改期后的主题", record_version=version_token(fresh(meeting)))
    response = client.post(reverse("meetings:edit", args=[meeting.pk]), data, follow=True)
    assert "已保存" in html(response)
    meeting = fresh(meeting)
    assert meeting.subject == "改期后的主题" and meeting.convener == members[1]
    assert timezone.localtime(meeting.start).date() == at(21).date()
    in_session(office, meeting)
    response = client.get(reverse("meetings:edit", args=[meeting.pk]), follow=True)
    assert "不能再修改" in html(response)
    response = client.post(reverse("meetings:edit", args=[meeting.pk]), form_data(term, room, members[1], days=28), follow=True)
    assert "不能再修改" in html(response)
    assert timezone.localtime(fresh(meeting).start).date() == at(21).date()


# --- workflow ----------------------------------------------------------------------------------------


def action_forms(response) -> set[str]:
    return {transition.action for transition, _ in response.context["actions"]}


def test_workflow_buttons_follow_the_rules(office, term, members, room):
    meeting = with_agenda_and_people(office, create(office, term, members, room))
    staff, director, leader = (office.client_for(u) for u in (office.staff, office.director, office.leader))
    assert action_forms(staff.get(detail_url(meeting))) == set()
    assert action_forms(director.get(detail_url(meeting))) == {"approve_plan"}
    assert action_forms(leader.get(detail_url(meeting))) == set()
    page = html(staff.get(detail_url(meeting)))
    assert "待主任审批" in page and "至迟" in page

    response = director.post(action_url(meeting, "approve_plan"), {"approve_plan-confirm": "on"}, follow=True)
    assert "已审批会议方案" in html(response)
    assert action_forms(staff.get(detail_url(meeting))) == {"send_notice"}
    assert "已由孙主任于" in html(staff.get(detail_url(meeting)))

    # Without the tick nothing happens.
    response = staff.post(action_url(meeting, "send_notice"), {})
    assert "请勾选“确认发出会议通知”后再提交" in html(response)
    assert fresh(meeting).state == State.PLANNING
    staff.post(action_url(meeting, "send_notice"), {"send_notice-confirm": "on"})
    assert fresh(meeting).state == State.NOTICED
    page = html(staff.get(detail_url(meeting)))
    assert "按期" in page
    assert action_forms(staff.get(detail_url(meeting))) == {"open"}
    response = staff.post(action_url(meeting, "open"), {"open-confirm": "on"})
    assert "未达法定人数" in html(response)
    assert fresh(meeting).state == State.NOTICED
    sign_in_first(office, meeting, 3)
    staff.post(action_url(meeting, "open"), {"open-confirm": "on"})
    assert fresh(meeting).state == State.IN_SESSION
    staff.post(action_url(meeting, "close"), {"close-confirm": "on"})
    assert fresh(meeting).state == State.ENDED
    assert action_forms(staff.get(detail_url(meeting))) == set()
    director.post(action_url(meeting, "archive"), {"archive-confirm": "on"})
    assert fresh(meeting).state == State.ARCHIVED
    timeline = html(staff.get(detail_url(meeting))).split('id="workflow"')[1]
    for step in ("审批会议方案", "发出会议通知", "宣布开会", "宣布闭会", "归档"):
        assert step in timeline


def test_send_notice_refused_without_agenda_shows_the_message(office, term, members, room):
    meeting = create(office, term, members, room)
    services.invite_body(meeting=meeting, actor=office.staff)
    services.meeting_transition(meeting=meeting, action="approve_plan", actor=office.director)
    response = office.client_for(office.staff).post(action_url(meeting, "send_notice"), {"send_notice-confirm": "on"})
    assert "还没有议程，不能发出通知" in html(response)
    assert fresh(meeting).state == State.PLANNING


def test_late_notice_is_marked(office, term, members, room):
    meeting = with_agenda_and_people(office, create(office, term, members, room, days=3))
    page = html(office.client_for(office.staff).get(detail_url(meeting)))
    assert "已过通知期限" in page


def test_unknown_action_is_404(office, term, members, room):
    meeting = create(office, term, members, room)
    assert office.client_for(office.staff).post(action_url(meeting, "explode"), {}).status_code == 404


# --- agenda ---------------------------------------------------------------------------------------


def agenda_titles(meeting) -> list[str]:
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("order").values_list("title", flat=True))


def test_agenda_add_move_edit_remove(office, term, members, room):
    meeting = create(office, term, members, room)
    client = office.client_for(office.staff)
    url = reverse("meetings:agenda_add", args=[meeting.pk])
    for title in ("甲议题", "乙议题", "丙议题"):
        response = client.post(url, {"agenda-title": title, "agenda-sponsor": office.unit_a.pk, "agenda-to_vote": "on"}, follow=True)
        assert f"已添加议题：{title}" in html(response)
    assert agenda_titles(meeting) == ["甲议题", "乙议题", "丙议题"]
    response = client.post(url, {"agenda-title": "  "})
    assert "议题" in html(response) and response.context["agenda_form"].errors
    assert AgendaItem.objects.count() == 3

    third = AgendaItem.objects.get(title="丙议题")
    client.post(reverse("meetings:agenda_move", args=[third.pk, "up"]))
    assert agenda_titles(meeting) == ["甲议题", "丙议题", "乙议题"]
    first = AgendaItem.objects.get(title="甲议题")
    client.post(reverse("meetings:agenda_move", args=[first.pk, "down"]))
    assert agenda_titles(meeting) == ["丙议题", "甲议题", "乙议题"]
    assert client.post(reverse("meetings:agenda_move", args=[first.pk, "sideways"])).status_code == 404

    page = html(client.get(detail_url(meeting)))
    assert page.index("丙议题") < page.index("甲议题") < page.index("乙议题")
    assert "财经工委" in page or office.unit_a.name in page

    edit = reverse("meetings:agenda_edit", args=[first.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {"agenda-title": "甲议题（修改）", "agenda-sponsor": "", "agenda-sponsor_text": "区人民政府", "agenda-reporter": "副区长",
                       "agenda-record_version": version_token(AgendaItem.objects.get(pk=first.pk))})
    first.refresh_from_db()
    assert first.title == "甲议题（修改）" and first.sponsor is None and first.sponsor_text == "区人民政府" and not first.to_vote

    response = client.post(reverse("meetings:agenda_remove", args=[first.pk]), follow=True)
    assert "已删除议题" in html(response)
    assert agenda_titles(meeting) == ["丙议题", "乙议题"]
    assert list(AgendaItem.objects.filter(meeting=meeting).order_by("order").values_list("order", flat=True)) == [1, 2]


def test_agenda_is_fixed_once_the_meeting_opened(office, term, members, room):
    meeting = in_session(office, create(office, term, members, room))
    item = meeting.agenda.get()
    client = office.client_for(office.staff)
    page = html(client.get(detail_url(meeting)))
    assert "上移" not in page and "添加议题" not in page
    response = client.post(reverse("meetings:agenda_add", args=[meeting.pk]), {"agenda-title": "临时议题"})
    assert "不能再修改" in html(response)
    response = client.post(reverse("meetings:agenda_remove", args=[item.pk]), follow=True)
    assert "不能再修改" in html(response)
    assert meeting.agenda.count() == 1


def test_material_upload_and_permission_checked_download(office, term, members, room):
    meeting = with_agenda_and_people(office, create(office, term, members, room))
    item = meeting.agenda.get()
    client = office.client_for(office.staff)
    key = f"material-{item.pk}"
    response = client.post(
        reverse("meetings:material_add", args=[item.pk]),
        {f"{key}-title": "预算调整方案（草案）", f"{key}-file": SimpleUploadedFile("方案.pdf", b"%PDF-1.4 test")}, follow=True,
    )
    assert "已上传材料：预算调整方案（草案）" in html(response)
    material = item.materials.get()
    response = client.post(reverse("meetings:material_add", args=[item.pk]), {f"{key}-file": SimpleUploadedFile("run.exe", b"MZ")})
    assert "只能上传" in html(response)
    assert item.materials.count() == 1

    url = reverse("meetings:material", args=[material.pk])
    assert url in html(office.client_for(office.liaison_a).get(detail_url(meeting)))
    response = office.client_for(office.liaison_a).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert Client().get(url).status_code == 302  # anonymous: to the login page


# --- participants ------------------------------------------------------------------------------


def participants_url(meeting):
    return reverse("meetings:participants", args=[meeting.pk])


def test_invite_the_body_and_people(office, term, members, room):
    meeting = create(office, term, members, room)
    client = office.client_for(office.staff)
    response = client.post(reverse("meetings:invite_body", args=[meeting.pk]), follow=True)
    assert "已邀请 5 人出席" in html(response)
    response = client.post(reverse("meetings:invite_body", args=[meeting.pk]), follow=True)
    assert "没有新增" in html(response)

    guest = PersonFactory(name="区长甲", post="区人民政府区长", id_code="G001")
    page = html(client.get(participants_url(meeting), {"find": "区长甲"}))
    assert "区长甲" in page and "委员00（" not in page
    response = client.post(reverse("meetings:invite", args=[meeting.pk]), {"invite-people": [guest.pk], "invite-role": Role.NONVOTING}, follow=True)
    assert "已邀请 1 人（列席）" in html(response)
    assert Participant.objects.get(person=guest).role == Role.NONVOTING
    response = client.post(reverse("meetings:invite", args=[meeting.pk]), {"invite-role": Role.STAFF})
    assert "请至少选择一人" in html(response)

    page = html(client.get(participants_url(meeting)))
    attend, nonvoting = page.split('id="role-attend"')[1].split('id="role-nonvoting"')
    assert "委员00" in attend and "区长甲" not in attend
    assert "区长甲" in nonvoting.split('id="role-staff"')[0]
    guest_row = Participant.objects.get(person=guest)
    assert reverse("meetings:reply", args=[guest_row.token]) in page

    client.post(reverse("meetings:participant_remove", args=[guest_row.pk]))
    assert not Participant.objects.filter(person=guest).exists()


def test_inviting_a_busy_leader_warns_then_invites_on_confirmation(office, term, members, room):
    leader = office.leader.person
    elsewhere = create(office, term, members, None, convener=leader, venue="市人大常委会")
    meeting = create(office, term, members, room)
    client = office.client_for(office.staff)
    url = reverse("meetings:invite", args=[meeting.pk])
    response = client.post(url, {"invite-people": [leader.pk], "invite-role": Role.NONVOTING})
    page = html(response)
    assert "日程冲突" in page and elsewhere.name in page and "仍然邀请" in page
    assert not meeting.participants.exists()
    client.post(url, {"invite-people": [leader.pk], "invite-role": Role.NONVOTING, "invite-confirm_clashes": "on"})
    assert meeting.participants.get().person == leader

    # The whole body: a member who is a leader (李副主任 has the 领导 role).
    MembershipFactory(term=term, body=Body.STANDING_COMMITTEE, person=leader)
    other = create(office, term, members, None, days=30, venue="区政务中心")
    services.meeting_create(actor=office.staff, kind=Kind.COUNCIL, term=term, start=at(30), end=at(30, 11), convener=leader, venue="主任会议室", confirm_clashes=True)
    response = client.post(reverse("meetings:invite_body", args=[other.pk]))
    assert "日程冲突" in html(response) and 'name="confirm_clashes"' in html(response)
    assert not other.participants.exists()
    response = client.post(reverse("meetings:invite_body", args=[other.pk]), {"confirm_clashes": "1"}, follow=True)
    assert "已邀请 6 人出席" in html(response)


def test_participants_page_hides_reply_links_from_others(office, term, members, room):
    meeting = with_agenda_and_people(office, create(office, term, members, room))
    token = meeting.participants.first().token
    page = html(office.client_for(office.leader).get(participants_url(meeting)))
    assert "委员00" in page and token not in page and "邀请全体" not in page


def test_staff_records_replies_and_leave_needs_a_reason(office, term, members, room):
    meeting = with_agenda_and_people(office, create(office, term, members, room))
    one, two = meeting.participants.order_by("person__protocol_rank")[:2]
    client = office.client_for(office.staff)
    url = reverse("meetings:reply_for", args=[one.pk])
    response = client.post(url, {f"reply-{one.pk}-reply": "leave", f"reply-{one.pk}-reason": ""})
    assert "请假须填写事由" in html(response)
    assert Participant.objects.get(pk=one.pk).reply == Reply.PENDING
    response = client.post(url, {f"reply-{one.pk}-reply": "leave", f"reply-{one.pk}-reason": "出差"}, follow=True)
    assert "已登记委员00：请假" in html(response)
    client.post(reverse("meetings:reply_for", args=[two.pk]), {f"reply-{two.pk}-reply": "attend"})
    one, two = Participant.objects.get(pk=one.pk), Participant.objects.get(pk=two.pk)
    assert (one.reply, one.leave_reason, one.replied_via_link) == (Reply.LEAVE, "出差", False)
    assert two.reply == Reply.ATTEND
    page = html(client.get(participants_url(meeting)))
    assert "事由：出差" in page and "代为登记" in page


def test_invitee_replies_by_the_token_link_without_login(office, term, members, room):
    meeting = with_agenda_and_people(office, create(office, term, members, room, subject="审议预算调整方案"))
    mine, other = meeting.participants.order_by("person__protocol_rank")[:2]
    anonymous = Client()
    url = reverse("meetings:reply", args=[mine.token])
    response = anonymous.get(url)
    assert response.status_code == 200
    page = html(response)
    assert meeting.name in page and "常委会议室" in page and mine.person.name in page
    assert other.person.name not in page and other.token not in page
    assert response["Referrer-Policy"] == "no-referrer"

    response = anonymous.post(url, {"reply": "leave", "reason": ""})
    assert "请假须填写事由" in html(response)
    assert Participant.objects.get(pk=mine.pk).reply == Reply.PENDING
    response = anonymous.post(url, {"reply": "leave", "reason": "参加市里培训"}, follow=True)
    assert "已收到您的回复：请假" in html(response)
    mine = Participant.objects.get(pk=mine.pk)
    assert (mine.reply, mine.leave_reason, mine.replied_via_link) == (Reply.LEAVE, "参加市里培训", True)
    anonymous.post(url, {"reply": "attend"})
    assert Participant.objects.get(pk=mine.pk).reply == Reply.ATTEND

    assert anonymous.get(reverse("meetings:reply", args=["not-a-token"])).status_code == 404
    assert anonymous.post(reverse("meetings:reply", args=["not-a-token"]), {"reply": "attend"}).status_code == 404


def test_reply_link_closed_after_the_meeting(office, term, members, room):
    meeting = in_session(office, create(office, term, members, room))
    services.meeting_transition(meeting=meeting, action="close", actor=office.staff)
    participant = meeting.participants.filter(signed_in_at__isnull=True).first()
    response = Client().get(reverse("meetings:reply", args=[participant.token]))
    assert "不再接受回复" in html(response)
    Client().post(reverse("meetings:reply", args=[participant.token]), {"reply": "attend"})
    assert Participant.objects.get(pk=participant.pk).reply == Reply.PENDING


# --- sign-in and quorum ----------------------------------------------------------------------------


def sign_in_url(meeting):
    return reverse("meetings:sign_in", args=[meeting.pk])


def test_sign_in_by_search_and_one_click(office, term, members, room):
    meeting = noticed(office, create(office, term, members, room))
    client = office.client_for(office.staff)
    page = html(client.get(sign_in_url(meeting)))
    assert "autofocus" in page and "未达法定人数" in page

    response = client.get(sign_in_url(meeting), {"q": "W002"})  # by 编号
    results = response.context["results"]
    assert [p.person.name for p in results] == ["委员02"]
    participant = results[0]
    button = reverse("meetings:sign_in_do", args=[participant.pk])
    assert button in html(response)
    response = client.post(button)
    assert response.status_code == 302 and response["Location"] == sign_in_url(meeting)
    response = client.get(response["Location"])
    page = html(response)
    assert "委员02 已签到" in page
    assert response.context["words"] == "" and 'value="W002"' not in page
    assert Participant.objects.get(pk=participant.pk).signed_in_at is not None
    assert "委员02" not in page.split("未签到")[1].split("刚签到")[0]

    # Searching by name finds the person; signing in twice keeps the first time.
    first_time = Participant.objects.get(pk=participant.pk).signed_in_at
    client.post(button)
    assert Participant.objects.get(pk=participant.pk).signed_in_at == first_time
    assert [p.person.name for p in client.get(sign_in_url(meeting), {"q": "委员0"}).context["results"]] == [f"委员0{i}" for i in range(5)]

    # Undo.
    response = client.post(reverse("meetings:sign_in_undo", args=[participant.pk]), follow=True)
    assert "已撤销委员02的签到" in html(response)
    assert Participant.objects.get(pk=participant.pk).signed_in_at is None


def test_sign_in_refused_before_the_notice(office, term, members, room):
    meeting = with_agenda_and_people(office, create(office, term, members, room))
    participant = meeting.participants.first()
    response = office.client_for(office.staff).post(reverse("meetings:sign_in_do", args=[participant.pk]), follow=True)
    assert "不能签到" in html(response)
    assert Participant.objects.get(pk=participant.pk).signed_in_at is None


def test_quorum_text_changes_when_enough_sign_in(office, term, members, room):
    meeting = noticed(office, create(office, term, members, room))
    client = office.client_for(office.staff)
    sign_in_first(office, meeting, 2)
    page = html(client.get(sign_in_url(meeting)))
    assert "应到 <strong>5</strong> 人，过半数须 <strong>3</strong> 人，已签到 <strong>2</strong> 人：<span class=\"quorum-verdict short\">未达法定人数" in page
    assert "还差 1 人" in page
    third = meeting.participants.filter(signed_in_at__isnull=True).order_by("person__protocol_rank").first()
    client.post(reverse("meetings:sign_in_do", args=[third.pk]))
    for url in (sign_in_url(meeting), detail_url(meeting), participants_url(meeting)):
        response = client.get(url)
        quorum = response.context["quorum"]
        assert (quorum.members, quorum.required, quorum.present, quorum.met) == (5, 3, 3, True)
        assert "已达法定人数" in html(response)


# --- votes and review opinions ---------------------------------------------------------------------


def test_vote_recording_and_result_text(office, term, members, room):
    meeting = in_session(office, create(office, term, members, room))
    sign_in_first(office, meeting, 5)
    item = meeting.agenda.get()
    client = office.client_for(office.staff)
    page = html(client.get(detail_url(meeting)))
    assert "全体组成人员5人，须3票赞成方为通过" in page
    url = reverse("meetings:vote", args=[item.pk])
    key = f"vote-{item.pk}"
    response = client.post(url, {f"{key}-yes": "2", f"{key}-no": "1", f"{key}-abstain": "1", f"{key}-not_voting": "1"}, follow=True)
    assert "未通过" in html(response)
    assert "赞成2票，全体组成人员5人，须3票" in html(response)
    response = client.post(url, {f"{key}-yes": "3", f"{key}-no": "1", f"{key}-abstain": "1", f"{key}-not_voting": "0"}, follow=True)
    page = html(response)
    assert "已登记表决结果" in page and "赞成3票，全体组成人员5人，须3票" in page
    assert AgendaItem.objects.get(pk=item.pk).vote.passed
    # More votes than members: the service's message, nothing changed.
    response = client.post(url, {f"{key}-yes": "6", f"{key}-no": "0", f"{key}-abstain": "0", f"{key}-not_voting": "0"})
    assert "超过全体组成人员数5" in html(response)
    assert AgendaItem.objects.get(pk=item.pk).vote.yes == 3
    response = client.post(url, {f"{key}-yes": "-1", f"{key}-no": "0", f"{key}-abstain": "0", f"{key}-not_voting": "0"})
    assert response.context["error"]
    assert AgendaItem.objects.get(pk=item.pk).vote.yes == 3


def test_opinion_assign_creates_a_supervision_item_shown_on_the_page(office, term, members, room):
    meeting = in_session(office, create(office, term, members, room))
    item = meeting.agenda.get()
    client = office.client_for(office.staff)
    key = f"opinion-{item.pk}"
    response = client.post(
        reverse("meetings:opinion_add", args=[item.pk]),
        {f"{key}-text": "建议进一步细化预算调整的项目清单。", f"{key}-lead_unit": office.unit_a.pk, f"{key}-co_units": [office.unit_b.pk]},
        follow=True,
    )
    assert "已登记审议意见" in html(response)
    opinion = ReviewOpinion.objects.get()
    assert list(opinion.co_units.all()) == [office.unit_b]
    key = f"assign-{opinion.pk}"
    response = client.post(reverse("meetings:opinion_assign", args=[opinion.pk]), {f"{key}-urgency": "normal"})
    assert response.context["error"] and not SupervisionItem.objects.exists()
    response = client.post(
        reverse("meetings:opinion_assign", args=[opinion.pk]), {f"{key}-leader": office.leader.pk, f"{key}-urgency": "urgent"}, follow=True,
    )
    supervision_item = SupervisionItem.objects.get()
    page = html(response)
    assert f"督办编号 {supervision_item.number}" in page
    assert supervision_item.lead_unit == office.unit_a and supervision_item.leader == office.leader
    assert supervision_item.state == "assigned" and supervision_item.urgency == "urgent"
    detail = html(office.client_for(office.leader).get(detail_url(meeting)))
    assert supervision_item.number in detail and supervision_item.get_absolute_url() in detail and "已交办" in detail
    assert "绿灯" in detail or "黄灯" in detail
    # Twice: the service refuses.
    response = client.post(reverse("meetings:opinion_assign", args=[opinion.pk]), {f"{key}-leader": office.leader.pk, f"{key}-urgency": "normal"})
    assert "已交办" in html(response) and SupervisionItem.objects.count() == 1


# --- checklist, lessons, documents, history ------------------------------------------------------------


def test_checklist_grouped_by_phase_with_lessons_box(office, term, members, room):
    meeting = create(office, term, members, room)
    response = office.client_for(office.staff).get(detail_url(meeting))
    phases = [phase["label"] for phase in response.context["checklist"]]
    assert phases == ["会前", "会中", "会后"]
    page = html(response)
    assert "拟定会议方案报主任审批" in page and "暂无以往差错教训" in page


def test_overdue_tasks_are_marked(office, term, members, room):
    meeting = create(office, term, members, room, days=2)
    response = office.client_for(office.staff).get(detail_url(meeting))
    overdue = [task for phase in response.context["checklist"] for task in phase["tasks"] if task.overdue]
    assert overdue and all(task.due_date < timezone.localdate() for task in overdue)
    assert "task-overdue" in html(response)


def test_checklist_tick_by_owner_role_and_refusal_for_others(office, term, members, room):
    meeting = create(office, term, members, room)
    car = meeting.checklist.get(owner_role=OfficeRole.DRIVER)
    meals = meeting.checklist.get(owner_role=OfficeRole.CANTEEN)
    driver = office.client_for(office.driver)
    page = html(driver.get(detail_url(meeting)))
    assert reverse("meetings:task_done", args=[car.pk]) in page
    assert reverse("meetings:task_done", args=[meals.pk]) not in page
    response = driver.post(reverse("meetings:task_done", args=[car.pk]), follow=True)
    assert "已完成：安排会议用车" in html(response)
    car.refresh_from_db()
    assert car.done_by == office.driver and car.done_at is not None
    assert "马师傅" in html(driver.get(detail_url(meeting)))
    assert driver.post(reverse("meetings:task_done", args=[meals.pk])).status_code == 403
    assert office.client_for(office.liaison_a).post(reverse("meetings:task_undo", args=[car.pk])).status_code == 403
    assert ChecklistTask.objects.get(pk=meals.pk).done_at is None
    driver.post(reverse("meetings:task_undo", args=[car.pk]))
    assert ChecklistTask.objects.get(pk=car.pk).done_at is None
    # Organisers tick anything.
    office.client_for(office.staff).post(reverse("meetings:task_done", args=[meals.pk]))
    assert ChecklistTask.objects.get(pk=meals.pk).done_by == office.staff


def test_document_request_creates_a_pending_document_and_the_page_refreshes(office, term, members, room):
    meeting = with_agenda_and_people(office, create(office, term, members, room))
    client = office.client_for(office.staff)
    page = html(client.get(detail_url(meeting)))
    assert 'http-equiv="refresh"' not in page
    for label in ("会议通知", "议程", "签到表", "桌签", "座次图", "会务工作清单", "会议纪要"):
        assert label in page.split('id="documents"')[1]
    response = client.post(reverse("meetings:document_request", args=[meeting.pk, "sign_in"]), follow=True)
    assert "正在生成签到表" in html(response)
    document = MeetingDocument.objects.get()
    assert (document.doc_kind, document.status, document.requested_by) == ("sign_in", MeetingDocument.Status.PENDING, office.staff)
    page = html(client.get(detail_url(meeting)))
    assert '<meta http-equiv="refresh" content="3">' in page and "生成中" in page
    assert client.post(reverse("meetings:document_request", args=[meeting.pk, "poster"])).status_code == 404
    # Not ready: no download.
    assert client.get(reverse("meetings:document", args=[document.pk])).status_code == 404


def test_ready_document_downloads(office, term, members, room):
    from django.core.files.base import ContentFile

    meeting = create(office, term, members, room)
    document = services.document_request(meeting=meeting, doc_kind="agenda", actor=office.staff)
    document.file.save("agenda.pdf", ContentFile(b"%PDF-1.4 agenda"), save=False)
    MeetingDocument.objects.filter(pk=document.pk).update(status=MeetingDocument.Status.READY, file=document.file.name, generated_at=timezone.now())
    client = office.client_for(office.liaison_a)
    page = html(client.get(detail_url(meeting)))
    url = reverse("meetings:document", args=[document.pk])
    assert url in page and 'http-equiv="refresh"' not in page
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 agenda"
    assert "attachment" in response["Content-Disposition"]


def test_history_shows_changes(office, term, members, room):
    meeting = create(office, term, members, room)
    services.meeting_update(meeting=meeting, actor=office.staff, subject="新的主题")
    page = html(office.client_for(office.staff).get(detail_url(meeting)))
    assert "修改记录" in page and "新的主题" in page.split('class="history"')[1]


# --- attendance ------------------------------------------------------------------------------------------


def test_member_attendance_over_the_term(office, term, members, room):
    in_session(office, create(office, term, members, room), signed=4)
    in_session(office, create(office, term, members, room, days=30), signed=3)
    create(office, term, members, room, days=40)  # not held yet: does not count
    response = office.client_for(office.leader).get(reverse("meetings:attendance"))
    rows = {row["person"].name: row["stats"] for row in response.context["rows"]}
    assert rows["委员00"]["invited"] == 2 and rows["委员00"]["rate"] == 100.0
    assert rows["委员03"]["signed"] == 1 and rows["委员03"]["rate"] == 50.0
    assert rows["委员04"]["signed"] == 0 and rows["委员04"]["rate"] == 0.0
    assert response.context["overall"] == 70.0
    assert "常委会会议 2 次" in html(response)


# --- constant query counts ---------------------------------------------------------------------------------


def count_queries(client, url, params=None) -> int:
    calendar.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def busy_meeting(office, term, room, *, people, items, extra_tasks, days):
    """A meeting in session with `people` members invited, `items` agenda items (votes,
    materials, opinions — one assigned), and the checklist longer by `extra_tasks`."""
    for index in range(extra_tasks):
        ChecklistTemplateTask.objects.create(kind=Kind.STANDING, phase=Phase.BEFORE, title=f"附加工作{days}-{index}", owner_role=OfficeRole.STAFF, offset_days=-1)
    meeting = create(office, term, [office.director.person], room, days=days)
    ChecklistTemplateTask.objects.filter(title__startswith="附加工作").delete()
    for index in range(people):
        MembershipFactory(term=term, body=Body.STANDING_COMMITTEE, person=PersonFactory(name=f"人{days}-{index}"))
    services.invite_body(meeting=meeting, actor=office.staff)
    services.participants_invite(meeting=meeting, actor=office.staff, people=[PersonFactory(name=f"列席{days}")], role=Role.NONVOTING)
    for index in range(items):
        item = services.agenda_add(meeting=meeting, actor=office.staff, title=f"议题{index}", sponsor=office.unit_a, to_vote=True)
        services.material_add(item=item, actor=office.staff, title=f"材料{index}", file=SimpleUploadedFile(f"m{index}.pdf", b"%PDF"))
    for index, participant in enumerate(meeting.participants.all()):
        if index % 3 == 0:
            services.reply_record(participant=participant, reply=Reply.LEAVE, reason="出差", actor=office.staff)
    services.meeting_transition(meeting=meeting, action="approve_plan", actor=office.director)
    services.meeting_transition(meeting=meeting, action="send_notice", actor=office.staff)
    for index, participant in enumerate(meeting.participants.all()):
        if index % 3:
            services.sign_in(participant=participant, actor=office.staff)
    services.meeting_transition(meeting=meeting, action="open", actor=office.staff)
    for index, item in enumerate(meeting.agenda.all()):
        opinion = services.opinion_add(item=item, actor=office.staff, text=f"意见{index}", lead_unit=office.unit_a, co_units=[office.unit_b])
        if index == 0:
            services.opinion_assign(opinion=opinion, actor=office.staff, leader=office.leader)
        if index % 2:
            services.vote_record(item=item, actor=office.staff, yes=1, no=0, abstain=0, not_voting=0)
    for index, task in enumerate(meeting.checklist.all()):
        if index % 2:
            services.task_done(task=task, actor=office.staff)
    services.document_request(meeting=meeting, doc_kind="agenda", actor=office.staff)
    return meeting


@pytest.mark.parametrize("who", ["staff", "driver"])
def test_meeting_pages_query_counts_are_constant(office, term, room, who):
    small = busy_meeting(office, term, room, people=5, items=2, extra_tasks=0, days=14)
    large = busy_meeting(office, term, room, people=40, items=10, extra_tasks=12, days=21)
    assert large.participants.count() == 5 + 40 + 1 and large.agenda.count() == 10
    assert large.checklist.count() == small.checklist.count() + 12
    client = office.client_for(getattr(office, who))
    for name in ("meetings:detail", "meetings:participants", "meetings:sign_in"):
        counts = [count_queries(client, reverse(name, args=[m.pk])) for m in (small, large)]
        assert counts[0] == counts[1], (name, counts)
    counts = [count_queries(client, reverse("meetings:sign_in", args=[m.pk]), {"q": "人"}) for m in (small, large)]
    assert counts[0] == counts[1]


def test_list_and_attendance_query_counts_are_constant(office, term, room):
    client = office.client_for(office.staff)
    members = make_members(term, 5)
    for days in (14, 21):
        noticed(office, create(office, term, members, room, days=days))
    small = (count_queries(client, reverse("meetings:index")), count_queries(client, reverse("meetings:attendance")))
    members += make_members(term, 30, start=5)
    for days in range(28, 28 + 7 * 8, 7):
        noticed(office, create(office, term, members, room, days=days))
    assert Meeting.objects.count() == 10
    large = (count_queries(client, reverse("meetings:index")), count_queries(client, reverse("meetings:attendance")))
    assert small == large
