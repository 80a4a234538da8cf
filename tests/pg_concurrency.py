"""Run against a fresh PostgreSQL database (DATABASE_URL): many transactions at once
take document numbers and book one room; prints what happened as JSON.

Used by tests/test_postgres_concurrency.py in a separate process, because the test
run itself uses SQLite.
"""

import datetime
import json
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

PARALLEL = int(os.environ.get("PARALLEL", "20"))


def main():
    call_command("migrate", verbosity=0)
    from documents import services as documents
    from logistics.models import Room
    from logistics.services import BookingRefused, room_book
    from office.models import Person, Unit
    from office.roles import Role

    unit = Unit.objects.create(name="办公室", short_name="办公室", kind="office")
    staff = User.objects.create(username="staff")
    staff.groups.add(Group.objects.get(name=Role.STAFF))
    Person.objects.create(name="杨科员", unit=unit, user=staff)
    leader = User.objects.create(username="leader")
    leader.groups.add(Group.objects.get(name=Role.LEADER))
    drafts = []
    for index in range(PARALLEL):
        doc = documents.outgoing_draft(actor=staff, doc_type="notice", title=f"通知{index}", main_to="各单位", body="正文",
                                       issuer="清河区人大常委会办公室", signature="清河区人大常委会办公室", prefix="清人常办发")
        documents.outgoing_check(doc=doc, actor=staff)
        documents.outgoing_transition(doc=doc, action="submit", actor=staff)
        documents.outgoing_transition(doc=doc, action="sign", actor=leader)
        drafts.append(doc)
    room = Room.objects.create(name="常委会议室", capacity=80)

    barrier = threading.Barrier(PARALLEL)
    numbers, bookings, errors = [], [], []

    def number(doc):
        try:
            barrier.wait()
            documents.outgoing_transition(doc=doc, action="number", actor=staff)
            doc.refresh_from_db()
            numbers.append(doc.number)
        except Exception as error:  # reported, and the test fails on it
            errors.append(f"number: {type(error).__name__}: {error}")
        finally:
            connection.close()

    start = timezone.make_aware(datetime.datetime(2026, 12, 3, 9, 0))

    def book(index):
        try:
            barrier.wait()
            room_book(room=room, start=start, end=start + datetime.timedelta(hours=2), purpose=f"会议{index}", booked_by=staff)
            bookings.append(index)
        except BookingRefused:
            pass
        except Exception as error:
            errors.append(f"book: {type(error).__name__}: {error}")
        finally:
            connection.close()

    for target, args in ((number, drafts), (book, range(PARALLEL))):
        threads = [threading.Thread(target=target, args=(arg,)) for arg in args]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        barrier.reset()
    print(json.dumps({"numbers": numbers, "bookings": bookings, "errors": errors, "vendor": connection.vendor, "year": timezone.localdate().year}, ensure_ascii=False))


if __name__ == "__main__":
    main()
