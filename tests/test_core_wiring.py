"""Roles, object permissions, audit and demo data as the rest of the system relies on them."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.core.management import call_command
from guardian.shortcuts import assign_perm

from office.concurrency import VERSION_FIELD, version_token
from office.models import Delivery, Membership, Message, Person, Unit
from office.roles import ROLE_PERMISSIONS, Role, has_role
from tests.factories import PersonFactory


@pytest.mark.django_db
def test_every_role_is_a_group_with_its_permissions():
    for role, codes in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert granted == set(codes), role
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.ALL)


def test_role_checks(office):
    assert has_role(office.director, Role.DIRECTOR)
    assert not has_role(office.staff, Role.DIRECTOR, Role.LEADER)
    assert office.staff.has_perm("office.add_person")
    assert not office.liaison_a.has_perm("office.add_person")


def test_object_permission_through_guardian(office):
    person = PersonFactory(name="保密人员")
    assert not office.liaison_a.has_perm("office.change_person", person)
    assign_perm("office.change_person", office.liaison_a, person)
    office.liaison_a = type(office.liaison_a).objects.get(pk=office.liaison_a.pk)  # fresh permission cache
    assert office.liaison_a.has_perm("office.change_person", person)
    assert not office.liaison_a.has_perm("office.change_person", PersonFactory(name="别人"))


def test_every_change_is_in_the_history_with_who_and_what(office):
    office.director.is_staff = True  # the director maintains reference data in the admin
    office.director.save()
    client = office.client_for(office.director)
    unit = Unit.objects.create(name="新设工委", short_name="新工委")
    response = client.post(
        f"/admin/office/unit/{unit.pk}/change/",
        {"name": "新设工作委员会", "short_name": "新工委", "kind": "committee", "order": 5, "phone": "", "is_active": "on",
         VERSION_FIELD: version_token(unit)},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/office/unit/", response
    entry = LogEntry.objects.get_for_object(unit).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == office.director
    assert entry.changes_dict["name"] == ["新设工委", "新设工作委员会"]
    client.post(f"/admin/office/unit/{unit.pk}/delete/", {"post": "yes"})
    assert not Unit.objects.filter(pk=unit.pk).exists()
    assert LogEntry.objects.filter(object_pk=str(unit.pk), action=LogEntry.Action.DELETE, actor=office.director).exists()


@pytest.mark.django_db
def test_seed_demo_twice_does_not_duplicate(settings):
    settings.NOTIFICATION_CHANNELS = ["email"]
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    counts = [model.objects.count() for model in (Person, Unit, Membership, Message, Delivery)]
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert [model.objects.count() for model in (Person, Unit, Membership, Message, Delivery)] == counts
    assert Person.objects.filter(user__username="director").get().unit.short_name == "办公室"
    assert Membership.objects.filter(body="standing").count() == 30
    for username in ("director", "leader", "staff", "liaison", "driver", "canteen", "duty"):
        user = Person.objects.get(user__username=username).user
        assert user.check_password("demo12345")


@pytest.mark.parametrize(("number", "words"), [
    (10, "十"), (16, "十六"), (105, "一百零五"), (110, "一百一十"), (999, "九百九十九"),
    (1000, "一千"), (1005, "一千零五"), (1010, "一千零一十"), (2001, "二千零一"), (10010, "一万零一十"),
])
def test_counts_are_written_in_chinese_numerals_past_a_thousand(number, words):
    # A busy term passes 999 主任办公会议; the meeting list must still name them.
    from office.models import chinese_numeral

    assert chinese_numeral(number) == words
