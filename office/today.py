"""Everything waiting on a person today, across duties ("今日事今日毕").

Each duty app registers a provider; the "today" page, the end-of-day check and
the dashboards ask here, so adding a duty never edits office/.
"""

import datetime
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class TodayItem:
    duty: str  # 办会 / 办文 / 督办 / 办事 / 作风
    title: str
    url: str
    due: datetime.date | None = None  # None: waiting on the person, no date
    note: str = ""

    def due_by(self, day: datetime.date) -> bool:
        return self.due is not None and self.due <= day


_PROVIDERS: list[Callable] = []


def today_provider(provider: Callable) -> Callable:
    """Register provider(user, day) -> iterable of TodayItem."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def items_for(user, day: datetime.date) -> list[TodayItem]:
    found = []
    for provider in _PROVIDERS:
        found.extend(provider(user, day))
    return sorted(found, key=lambda item: (item.due or datetime.date.max, item.duty, item.title))
