"""主任看板: each duty app contributes sections from its own `dashboard.py`
(registered with @dashboard_section); office/ only assembles them, so adding a
duty never edits office/. Modules are discovered lazily, on first use."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules

TONES = ("", "red", "yellow", "green")


@dataclass(frozen=True)
class DashboardNumber:
    label: str
    value: int
    url: str  # the filtered list behind the number
    tone: str = ""  # "", "red", "yellow" or "green"


@dataclass
class DashboardSection:
    title: str
    numbers: list[DashboardNumber] = field(default_factory=list)
    chart_svg: str = ""  # server-built SVG markup (already escaped), or ""
    rows: list[tuple[str, str]] = field(default_factory=list)  # (text, url)
    order: int = 0


_SECTIONS: list[tuple[int, Callable]] = []
_discovered = False


def dashboard_section(order: int) -> Callable:
    """Register section(user, today) -> DashboardSection | None, shown in `order`."""

    def register(function: Callable) -> Callable:
        if all(existing is not function for _, existing in _SECTIONS):
            _SECTIONS.append((order, function))
        return function

    return register


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("dashboard")
        _discovered = True


def sections_for(user, today: datetime.date) -> list[DashboardSection]:
    _discover()
    found = []
    for order, function in sorted(_SECTIONS, key=lambda pair: pair[0]):
        section = function(user, today)
        if section is not None:
            section.order = order
            found.append(section)
    return found
