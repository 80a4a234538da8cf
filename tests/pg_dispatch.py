"""Run against a fresh PostgreSQL database (DATABASE_URL): many dispatchers at the same
instant send different approved trips of the same time to ONE vehicle (each with its
own driver), then different vehicles with ONE driver; prints what happened as JSON.

Used by tests/test_logistics_dispatch_pg.py in a separate process, because the test
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

import django

django.setup()

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

PARALLEL = int(os.environ.get("PARALLEL", "20"))


def main():
    call_command("migrate", verbosity=0)
    from logistics.models import Trip, TripState, Vehicle, VehicleBooking
    from logistics.services import trip_decide, trip_dispatch, trip_request
    from office.models import Person, Unit
    from office.roles import Role
    from office.workflow import TransitionRefused

    def member(username, role, unit, name):
        user = User.objects.create(username=username)
        user.groups.add(Group.objects.get(name=role))
        Person.objects.create(name=name, unit=unit, user=user)
        return user

    office = Unit.objects.create(name="办公室", short_name="办公室", kind="office")
    unit = Unit.objects.create(name="财政经济工作委员会", short_name="财经工委")
    staff = member("staff", Role.STAFF, office, "杨科员")
    director = member("director", Role.DIRECTOR, office, "孙主任")
    liaison = member("liaison", Role.LIAISON, unit, "郑联络员")
    drivers = [member(f"driver{index}", Role.DRIVER, office, f"司机{index}") for index in range(PARALLEL)]
    papers = datetime.date(2031, 1, 1)
    vehicles = [Vehicle.objects.create(plate=f"苏A·P{index:04d}", model="别克GL8", seats=6, insurance_expires=papers,
                                       inspection_expires=papers) for index in range(PARALLEL)]
    start = timezone.make_aware(datetime.datetime(2030, 3, 13, 9, 0))

    def approved_trips(tag):
        trips = []
        for index in range(PARALLEL):
            # The same hours, shifted by minutes so that every pair still overlaps.
            trip = trip_request(actor=liaison, purpose=f"{tag}{index}", destination="清河街道", passengers=3,
                                start=start + datetime.timedelta(minutes=index), end=start + datetime.timedelta(hours=2),
                                distance_km=40)
            trips.append(trip_decide(trip=trip, actor=director, approve=True))
        return trips

    def race(pairs):
        """pairs: (trip, vehicle, driver) per thread, all released at once."""
        barrier = threading.Barrier(len(pairs))
        won, refused, errors = [], [], []
        lock = threading.Lock()

        def dispatch(trip, vehicle, driver):
            try:
                barrier.wait(timeout=30)
                try:
                    trip_dispatch(trip=trip, actor=staff, vehicle=vehicle, driver=driver)
                    outcome = (won, trip.pk)
                except TransitionRefused as error:
                    outcome = (refused, str(error))
                except Exception as error:  # noqa: BLE001  a deadlock or serialisation error is a failure too
                    outcome = (errors, f"{type(error).__name__}: {error}")
                with lock:
                    outcome[0].append(outcome[1])
            finally:
                connection.close()

        threads = [threading.Thread(target=dispatch, args=pair) for pair in pairs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        hung = sum(thread.is_alive() for thread in threads)
        return {"won": won, "refused": refused, "errors": errors, "hung": hung}

    def state(trips):
        ids = [trip.pk for trip in trips]
        return {
            "dispatched": list(Trip.objects.filter(pk__in=ids, state=TripState.DISPATCHED).values_list("pk", flat=True)),
            "winner": [f"{timezone.localtime(t.start):%H:%M} {t.purpose}" for t in Trip.objects.filter(pk__in=ids, state=TripState.DISPATCHED)],
            "approved": Trip.objects.filter(pk__in=ids, state=TripState.APPROVED).count(),
            "bookings": list(VehicleBooking.objects.filter(owner_id__in=ids).values_list("owner_id", "vehicle__plate", "driver__username")),
        }

    one_vehicle = approved_trips("同一辆车")
    same_vehicle = race([(trip, vehicles[0], drivers[index]) for index, trip in enumerate(one_vehicle)])
    same_vehicle.update(state(one_vehicle))

    one_driver = approved_trips("同一驾驶员")
    # Vehicles 1.. drove nothing in the first race; neither did this driver.
    others = vehicles[1:] + [Vehicle.objects.create(plate="苏A·P9999", model="别克GL8", seats=6, insurance_expires=papers,
                                                    inspection_expires=papers)]
    lone = member("driver_x", Role.DRIVER, office, "马师傅")
    same_driver = race([(trip, others[index], lone) for index, trip in enumerate(one_driver)])
    same_driver.update(state(one_driver))
    print(json.dumps({"vendor": connection.vendor, "same_vehicle": same_vehicle, "same_driver": same_driver},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
