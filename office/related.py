"""Records that other duties keep about a record, shown on its page: the error-log
entries about a document, a meeting, a trip or a supervision item. Duties register
providers, so a record's page never imports the app that writes about it."""

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class RelatedRecord:
    label: str  # e.g. "差错登记"
    title: str
    url: str
    note: str = ""


_PROVIDERS: list[Callable] = []


def related_provider(provider: Callable) -> Callable:
    """Register provider(obj) -> iterable of RelatedRecord."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def related_for(obj) -> list[RelatedRecord]:
    found = []
    for provider in _PROVIDERS:
        found.extend(provider(obj))
    return found


# Lines for the workbench (who is away today), from whichever duty knows them.
_WORKBENCH: list[Callable] = []


def workbench_provider(provider: Callable) -> Callable:
    if provider not in _WORKBENCH:
        _WORKBENCH.append(provider)
    return provider


def workbench_notes(day) -> list[tuple[str, str, str]]:
    """(label, text, link) lines for the workbench."""
    notes = []
    for provider in _WORKBENCH:
        notes.extend(provider(day))
    return notes


# A line for the page header (today's duty officer), from whichever duty knows it.
_HEADER: list[Callable] = []


def header_provider(provider: Callable) -> Callable:
    if provider not in _HEADER:
        _HEADER.append(provider)
    return provider


def header_notes(day) -> list[str]:
    notes = []
    for provider in _HEADER:
        notes.extend(provider(day))
    return notes
