"""Gapless yearly numbers: 督〔2026〕15号, 收〔2026〕3号, 清人常办发〔2026〕12号.

A number is taken inside the caller's transaction with one atomic UPDATE on the
(series, year) counter row: the row stays locked until the caller commits, so
two people numbering at once get consecutive numbers, and a caller that rolls
back gives its number back (no gaps).
"""

from django.db import IntegrityError, transaction
from django.db.models import F

from office.models import Counter


def number_take(*, series: str, year: int) -> int:
    """The next number of `series` in `year`. Must run inside transaction.atomic()."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_take must run inside the transaction that stores the number")
    updated = Counter.objects.filter(series=series, year=year).update(last_value=F("last_value") + 1)
    if not updated:
        try:
            with transaction.atomic():
                Counter.objects.create(series=series, year=year, last_value=1)
            return 1
        except IntegrityError:
            # Another transaction created the row first: take the next value after it.
            Counter.objects.filter(series=series, year=year).update(last_value=F("last_value") + 1)
    return Counter.objects.get(series=series, year=year).last_value


def number_format(*, prefix: str, year: int, value: int) -> str:
    """Format as the office writes it: 督〔2026〕15号."""
    return f"{prefix}〔{year}〕{value}号"
