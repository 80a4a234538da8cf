"""Lessons from past mistakes, shown where the same kind of work is done again.

The conduct app registers the provider; until it does, every place that asks
simply gets an empty list. Topics look like "meeting:standing", "document:outgoing",
"trip".
"""

from typing import Callable

_PROVIDERS: list[Callable] = []


def lesson_provider(provider: Callable) -> Callable:
    """Register provider(topic, limit, record=None) -> list of lessons (objects with title,
    text, url). `record` is the record the page shows, if any: a provider may read what it
    keeps about that record (office.related) in the same query."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def lessons_for(topic: str, limit: int = 5, record=None) -> list:
    found = []
    for provider in _PROVIDERS:
        found.extend(provider(topic, limit, record=record))
    return found[:limit]
