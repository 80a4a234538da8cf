"""People's time across duties, to catch a double booking ("防止撞车").

Each duty registers a provider that lists the commitments of some people in a
time range (meetings now; trips and receptions when logistics has them), so a
meeting, a trip or a reception can be checked against all the others before it
is saved, without office/ importing the duty apps.
"""

import datetime
from dataclasses import dataclass
from typing import Callable, Iterable

from django.utils import timezone

from office.text import month_day


@dataclass(frozen=True)
class Commitment:
    person_id: int
    start: datetime.datetime
    end: datetime.datetime
    title: str
    url: str
    key: str  # "meeting:12": lets a record leave itself out when it is edited


_PROVIDERS: list[Callable] = []


def commitment_provider(provider: Callable) -> Callable:
    """Register provider(person_ids, start, end) -> iterable of Commitment."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def commitments(person_ids: Iterable[int], start, end, exclude_key: str = "") -> list[Commitment]:
    """Everything these people are committed to that overlaps [start, end)."""
    ids = list(set(person_ids))
    if not ids:
        return []
    found = []
    for provider in _PROVIDERS:
        found.extend(c for c in provider(ids, start, end) if c.key != exclude_key)
    return sorted(found, key=lambda c: (c.start, c.person_id))


@dataclass(frozen=True)
class Clash:
    person: object  # office.models.Person
    title: str
    start: datetime.datetime
    end: datetime.datetime
    url: str

    def __str__(self):
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{self.person.name}：{month_day(start)} {start:%H:%M}–{end:%H:%M} 已有“{self.title}”"


class ClashWarning(Exception):
    """Saving would double-book leaders; the caller may confirm and save anyway."""

    def __init__(self, clashes: list[Clash]):
        self.clashes = clashes
        super().__init__("；".join(str(c) for c in clashes))


def leader_person_ids(person_ids, on_date: datetime.date) -> set[int]:
    """Of these people, the leaders: members of the 主任会议 on that date, or logins
    with the 领导 role."""
    from office.models import Body, Membership, Person
    from office.roles import Role

    ids = list(person_ids)
    council = Membership.objects.on(on_date).filter(body=Body.COUNCIL, person_id__in=ids).values_list("person_id", flat=True)
    with_role = Person.objects.filter(pk__in=ids, user__groups__name=Role.LEADER).values_list("pk", flat=True)
    return set(council) | set(with_role)


def leader_clashes(person_ids, start, end, exclude_key: str = "") -> list[Clash]:
    """The leaders among these people who are committed elsewhere in [start, end)."""
    from office.models import Person

    leaders = leader_person_ids([pid for pid in person_ids if pid], timezone.localtime(start).date())
    found = commitments(leaders, start, end, exclude_key=exclude_key)
    people = Person.objects.in_bulk([c.person_id for c in found])
    return [Clash(people[c.person_id], c.title, c.start, c.end, c.url) for c in found]


def check_leaders_free(person_ids, start, end, exclude_key: str = "", confirmed: bool = False) -> None:
    """Raise ClashWarning unless the leaders are free then or the user confirmed."""
    if not confirmed:
        clashes = leader_clashes(person_ids, start, end, exclude_key)
        if clashes:
            raise ClashWarning(clashes)
