"""bench/generate.py at a tiny scale: the volumes in their ratios, the same rows from the
same seed, numbers and counters that continue, and pages that render on the result."""

import datetime
import hashlib

from django.db import transaction

from bench.generate import generate, volumes
from conduct.models import ErrorEntry
from documents.models import IncomingDocument, InState, OutgoingDocument, OutState
from logistics.models import MealBooking, Trip
from meetings.models import Meeting, Participant
from office.models import Counter
from supervision.models import State, SupervisionItem

SCALE = 0.002
TODAY = datetime.date(2026, 6, 15)


def fingerprint() -> str:
    """The generated rows without their ids: equal for equal data."""
    digest = hashlib.sha256()
    queries = [
        IncomingDocument.objects.order_by("year", "serial").values_list("year", "serial", "title", "state", "received_on", "secrecy", "lead_unit__name", "registered_by__username"),
        OutgoingDocument.objects.order_by("created_at", "title").values_list("prefix", "year", "serial", "state", "created_at", "signer__username"),
        SupervisionItem.objects.order_by("year", "serial").values_list("year", "serial", "state", "deadline", "closed_on", "lead_unit__name"),
        Meeting.objects.order_by("start", "kind").values_list("kind", "sequence", "start", "room__name", "state"),
        Participant.objects.order_by("meeting__start", "person__id_code").values_list("meeting__start", "person__id_code", "reply", "token"),
        Trip.objects.order_by("start", "vehicle__plate").values_list("start", "state", "destination", "vehicle__plate", "driver__username"),
        MealBooking.objects.order_by("date", "meal", "person__username").values_list("date", "meal", "person__username"),
        ErrorEntry.objects.order_by("date", "created_at").values_list("date", "category", "sub_kind", "state"),
    ]
    for query in queries:
        for row in query:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def generated_counts() -> dict:
    return {
        "incoming": IncomingDocument.objects.count(), "outgoing": OutgoingDocument.objects.count(),
        "supervision": SupervisionItem.objects.count(), "meetings": Meeting.objects.count(),
        "participations": Participant.objects.count(), "trips": Trip.objects.count(),
        "meals": MealBooking.objects.count(), "errors": ErrorEntry.objects.count(),
    }


def generate_and_read(seed: int, checks=None) -> str:
    """Generate inside a savepoint, read what came out, and roll it back."""
    with transaction.atomic():
        generate(seed=seed, scale=SCALE, today=TODAY, log=lambda line: None)
        result = fingerprint()
        if checks:
            checks()
        transaction.set_rollback(True)
    return result


def test_volumes_states_numbers_and_pages(office):
    expected = {key: value for key, value in volumes(SCALE).items() if key != "users"}

    def checks():
        assert generated_counts() == expected
        # Most closed, every state present.
        incoming_states = set(IncomingDocument.objects.values_list("state", flat=True))
        assert incoming_states == set(InState.values)
        assert set(OutgoingDocument.objects.values_list("state", flat=True)) == set(OutState.values)
        assert set(SupervisionItem.objects.values_list("state", flat=True)) == set(State.values)
        closed = IncomingDocument.objects.filter(state__in=[InState.ARCHIVED, InState.DONE, InState.REJECTED]).count()
        assert closed / expected["incoming"] > 0.9
        assert SupervisionItem.objects.filter(state=State.CLOSED).count() / expected["supervision"] > 0.9
        assert IncomingDocument.objects.exclude(secrecy="").exists()
        oldest = IncomingDocument.objects.order_by("received_on").first().received_on
        assert (TODAY - oldest).days > 365 * 9  # ten years back
        # The counters continue the numbers that were used.
        for year in IncomingDocument.objects.values_list("year", flat=True).distinct():
            last = IncomingDocument.objects.filter(year=year).order_by("-serial").first().serial
            assert Counter.objects.get(series="incoming", year=year).last_value == last
            assert IncomingDocument.objects.filter(year=year).count() == last  # gapless from 1
        for kind, term in Meeting.objects.values_list("kind", "term__number").distinct():
            sequences = sorted(Meeting.objects.filter(kind=kind, term__number=term).values_list("sequence", flat=True))
            assert sequences == list(range(1, len(sequences) + 1))
            assert Counter.objects.get(series=f"meeting-{kind}", year=term).last_value == len(sequences)
        # Pages render on the generated data.
        client = office.client_for(office.director)
        newest = SupervisionItem.objects.order_by("-year", "-serial").first()
        response = client.get("/supervision/")
        assert response.status_code == 200
        assert newest.number in response.content.decode()
        newest_doc = IncomingDocument.objects.filter(secrecy="").order_by("-year", "-serial").first()
        response = client.get("/documents/incoming/")
        assert response.status_code == 200
        assert newest_doc.number in response.content.decode()
        assert client.get(newest.get_absolute_url()).status_code == 200

    first = generate_and_read(7, checks)
    assert generate_and_read(7) == first  # same seed, same rows
    assert generate_and_read(8) != first
