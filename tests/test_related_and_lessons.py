"""What one duty knows about another's records shows on that record's page: error
entries on the item they concern, lessons where the same work is done again, and
today's duty officer in the header."""

import datetime

from django.urls import reverse
from django.utils import timezone

from conduct import services as conduct
from conduct.models import Category, DutyShift, SubKind
from supervision import services as supervision


def _item(office):
    item = supervision.item_register(actor=office.staff, title="农村饮水安全工程推进情况", requirements="按期报送", source="other",
                                     urgency="normal", lead_unit=office.unit_a, supervisor=office.staff, leader=office.leader)
    return supervision.item_assign(item=item, actor=office.staff)


def test_an_error_entry_shows_on_the_supervision_item_it_concerns(office):
    item = _item(office)
    page = office.client_for(office.staff).get(item.get_absolute_url()).content.decode()
    assert "相关记录" not in page
    entry = conduct.entry_register(actor=office.staff, people=[office.liaison_a.person], unit=office.unit_a,
                                   date=timezone.localdate(), category=Category.AFFAIRS, sub_kind=SubKind.DELAY,
                                   what_happened="逾期未报结", concerns=item)
    page = office.client_for(office.staff).get(item.get_absolute_url()).content.decode()
    assert "相关记录" in page and entry.get_absolute_url() in page


def test_lessons_show_on_the_trip_request_form_once_confirmed(office):
    url = reverse("logistics:trip_create")
    assert "以往差错教训" not in office.client_for(office.staff).get(url).content.decode()
    entry = conduct.entry_register(actor=office.staff, people=[office.driver.person], unit=office.office_unit,
                                   date=timezone.localdate(), category=Category.AFFAIRS, sub_kind=SubKind.VEHICLE,
                                   what_happened="回场未登记", lesson="回场当日登记里程和油费。")
    assert "回场当日登记" not in office.client_for(office.staff).get(url).content.decode()  # not confirmed yet
    conduct.entry_step(entry=entry, actor=office.director, action="verify")
    page = office.client_for(office.staff).get(url).content.decode()
    assert "以往差错教训" in page and "回场当日登记里程和油费。" in page


def test_todays_duty_officer_is_in_the_header(office):
    today = timezone.localdate()
    page = office.client_for(office.staff).get(reverse("office:home")).content.decode()
    assert "今日值班" not in page
    DutyShift.objects.create(date=today, person=office.duty.person)
    DutyShift.objects.create(date=today + datetime.timedelta(days=1), person=office.staff.person)
    page = office.client_for(office.staff).get(reverse("office:home")).content.decode()
    assert f"今日值班：{office.duty.person.name}" in page


def test_who_is_away_today_is_on_the_workbench(office):
    today = timezone.localdate()
    page = office.client_for(office.director).get(reverse("office:home")).content.decode()
    assert "今日请假</a>：无" in page
    leave = conduct.leave_register(actor=office.duty, person=office.staff.person, leave_type="annual", start=today, end=today, reason="年休假")
    conduct.leave_decide(leave=leave, actor=office.director, approve=True)
    page = office.client_for(office.director).get(reverse("office:home")).content.decode()
    assert f"今日请假</a>：{office.staff.person.name}" in page
