"""A leader's week from every duty, with double bookings marked."""

import datetime

from django.urls import reverse
from django.utils import timezone

from logistics import services as logistics
from meetings import services as meetings
from tests.factories import TermFactory


def test_meetings_and_trips_of_a_leader_with_clashes_marked(office):
    leader = office.leader.person
    term = TermFactory()
    monday = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())
    at = lambda hour: datetime.datetime.combine(monday, datetime.time(hour), timezone.get_current_timezone())  # noqa: E731
    meeting = meetings.meeting_create(actor=office.staff, kind="council", term=term, start=at(9), end=at(11), convener=leader, venue="机关会议室")
    trip = logistics.trip_request(actor=office.staff, purpose="调研", destination="石门桥镇", passengers=2, start=at(10), end=at(12),
                                  distance_km=60, leader_passenger=leader, confirm_clashes=True)
    url = reverse("office:leader_week") + f"?person={leader.pk}&week={monday:%Y-%m-%d}"
    page = office.client_for(office.director).get(url).content.decode()
    assert meeting.name in page and "用车：石门桥镇" in page
    assert 'data-testid="clash-warning"' in page and page.count("撞车</span>") == 2
    logistics.trip_cancel(trip=trip, actor=office.staff, reason="改期")
    page = office.client_for(office.director).get(url).content.decode()
    assert "clash-warning" not in page and "用车：石门桥镇" not in page
    assert office.client_for(office.liaison_a).get(url).status_code == 403
