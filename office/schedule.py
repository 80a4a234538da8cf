"""People's time across duties, to catch a double booking ("防止撞车").

Each duty registers a provider that lists the commitments of some people in a
time range (meetings now; trips and receptions when logistics has them), so a
meeting, a trip or a reception can be checked against all the others before it
is saved, without office/ importing the duty apps.
"""

import datetime
from dataclasses import dataclass
from typing import Callable, Iterable


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
