"""Prepare a fresh PostgreSQL database (DATABASE_URL) for tests/test_multihost.py:
migrate, then the people and the records the web processes will act on; prints their
ids as JSON. Run in its own process because the test run itself uses SQLite."""

import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

PARALLEL = int(os.environ.get("PARALLEL", "20"))
PASSWORD = "demo12345"


def main():
    call_command("migrate", verbosity=0)
    from documents import services as documents
    from logistics.models import Vehicle
    from logistics.services import trip_decide, trip_request
    from office.models import Person, Unit
    from office.roles import Role
    from supervision import services as supervision

    office = Unit.objects.create(name="办公室", short_name="办公室", kind="office")
    unit = Unit.objects.create(name="财政经济工作委员会", short_name="财经工委")

    def member(username, role, unit, name):
        user = User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@office.example")
        user.groups.add(Group.objects.get(name=role))
        Person.objects.create(name=name, unit=unit, user=user)
        return user

    staff = member("staff", Role.STAFF, office, "杨科员")
    leader = member("leader", Role.LEADER, office, "李副主任")
    director = member("director", Role.DIRECTOR, office, "孙主任")
    liaison = member("liaison", Role.LIAISON, unit, "郑联络员")
    drivers = [member(f"driver{index}", Role.DRIVER, office, f"司机{index}") for index in range(PARALLEL)]

    outgoing = []
    for index in range(PARALLEL):
        doc = documents.outgoing_draft(actor=staff, doc_type="notice", title=f"关于第{index + 1}项工作的通知", main_to="各单位",
                                       body="正文", issuer="清河区人大常委会办公室", signature="清河区人大常委会办公室", prefix="清人常办发")
        documents.outgoing_check(doc=doc, actor=staff)
        documents.outgoing_transition(doc=doc, action="submit", actor=staff)
        documents.outgoing_transition(doc=doc, action="sign", actor=leader)
        outgoing.append(doc.pk)

    papers = datetime.date(2031, 1, 1)
    vehicle = Vehicle.objects.create(plate="苏A·M0001", model="别克GL8", seats=6, insurance_expires=papers, inspection_expires=papers)
    start = timezone.make_aware(datetime.datetime(2030, 3, 13, 9, 0))
    trips = []
    for index in range(PARALLEL):
        trip = trip_request(actor=liaison, purpose=f"调研{index}", destination="清河街道", passengers=3,
                            start=start + datetime.timedelta(minutes=index), end=start + datetime.timedelta(hours=2), distance_km=40)
        trips.append(trip_decide(trip=trip, actor=director, approve=True).pk)

    item = supervision.item_register(actor=staff, title="落实审议意见", requirements="按期报送。", source="other", urgency="normal",
                                     lead_unit=unit, supervisor=staff, leader=leader)
    print(json.dumps({"outgoing": outgoing, "trips": trips, "vehicle": vehicle.pk, "drivers": [d.pk for d in drivers],
                      "item": item.pk, "password": PASSWORD}))


if __name__ == "__main__":
    main()
