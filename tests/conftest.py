"""The office's people for every test: who may, and who may not."""

from dataclasses import dataclass

import pytest
from django.test import Client

from office.roles import Role
from tests.factories import PersonFactory, UnitFactory, UserFactory
from tests.browser import browser, page  # noqa: F401  (fixtures)
from tests.services import postgres_server, redis_server, smtp_server  # noqa: F401  (fixtures)


@dataclass
class Office:
    office_unit: object
    unit_a: object
    unit_b: object
    director: object
    leader: object
    staff: object
    liaison_a: object
    liaison_b: object
    driver: object
    canteen: object
    duty: object

    def client_for(self, user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


def _member(username, role, unit, name, post, rank):
    user = UserFactory(username=username, roles=[role])
    PersonFactory(name=name, unit=unit, post=post, protocol_rank=rank, user=user)
    return user


@pytest.fixture
def office(db):
    return office_people()


def office_people() -> Office:
    """The office's people, for the `office` fixture and for data built once per module."""
    office_unit = UnitFactory(name="办公室", kind="office")
    unit_a = UnitFactory(name="财政经济工作委员会", short_name="财经工委")
    unit_b = UnitFactory(name="法制工作委员会", short_name="法制工委")
    leaders_unit = UnitFactory(name="常委会领导办公室", kind="leadership")
    return Office(
        office_unit=office_unit,
        unit_a=unit_a,
        unit_b=unit_b,
        director=_member("director", Role.DIRECTOR, office_unit, "孙主任", "办公室主任", 10),
        leader=_member("leader", Role.LEADER, leaders_unit, "李副主任", "常委会副主任", 2),
        staff=_member("staff", Role.STAFF, office_unit, "杨科员", "科员", 200),
        liaison_a=_member("liaison", Role.LIAISON, unit_a, "郑联络员", "联络员", 300),
        liaison_b=_member("liaison_b", Role.LIAISON, unit_b, "何联络员", "联络员", 301),
        driver=_member("driver", Role.DRIVER, office_unit, "马师傅", "驾驶员", 400),
        canteen=_member("canteen", Role.CANTEEN, office_unit, "林管理员", "食堂管理员", 401),
        duty=_member("duty", Role.DUTY, office_unit, "黄值班", "值班员", 402),
    )


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # PBKDF2 at full strength costs ~0.3 s per user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
