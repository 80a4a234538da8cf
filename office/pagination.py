from collections.abc import Callable

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Below this many rows skipped, reading from the front is as cheap as from the back.
NEAR_ENOUGH = 1000


class _Paginator(Paginator):
    """A Paginator that can take the total from a cheaper query giving the same number,
    and reads a page in the second half of a long list from its end."""

    def __init__(self, object_list, per_page, count: Callable[[], int] | None = None):
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self):
        return self._count() if self._count is not None else super().count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if isinstance(self.object_list, Concatenated):
            rows = self.object_list.read(bottom, top, self.count)
        else:
            rows = read_slice(self.object_list, bottom, top, self.count)
        return self._get_page(rows, number, self)


def paginate(request, queryset, per_page: int = 30, count: Callable[[], int] | None = None):
    """A page of the list; a bad or too-large page number gives the nearest real page.
    `count`, if given, returns queryset.count() more cheaply."""
    return _Paginator(queryset, per_page, count).get_page(request.GET.get("page"))


def read_slice(rows, start: int, stop: int, size: int):
    """rows[start:stop] of `size` rows, read from whichever end is nearer. OFFSET walks
    every row it skips: the last page of ten years of 收文 skipped 200,000 (180 ms); read
    backwards it skips none. Only for a queryset whose order is total (it ends with a
    unique field or the primary key), so that the reversed order is the exact mirror."""
    if isinstance(rows, QuerySet) and start > NEAR_ENOUGH and size - stop < start and _totally_ordered(rows):
        backwards = list(rows.reverse()[size - stop : size - start])
        backwards.reverse()
        return backwards
    return rows[start:stop]


def _totally_ordered(queryset: QuerySet) -> bool:
    order = [field for field in queryset.query.order_by if isinstance(field, str)]
    if len(order) != len(queryset.query.order_by) or not order:
        return False  # expressions (CASE, NULLS LAST): left to OFFSET
    names = {field.lstrip("-") for field in order}
    meta = queryset.model._meta
    if names & {"pk", "id", meta.pk.name}:
        return True
    unique_sets = [set(fields) for fields in meta.unique_together]
    unique_sets += [set(constraint.fields) for constraint in meta.constraints if getattr(constraint, "fields", None) and constraint.condition is None]
    unique_sets += [{field.name} for field in meta.fields if field.unique]
    return any(unique and unique <= names for unique in unique_sets)


class Concatenated:
    """Ordered querysets read as one list, the first's rows before the second's: a page
    that an index serves part by part, where one ORDER BY over the whole would sort
    every row. Each part must already be in its order; a page reads only the parts it
    spans, and the total is the sum of the parts' counts. The last part is never counted
    to read a page, so a paginator given a cheaper total (paginate's count) skips it."""

    ordered = True

    def __init__(self, *parts):
        self.parts = parts
        self._sizes = {}

    def _size(self, index: int) -> int:
        if index not in self._sizes:
            self._sizes[index] = self.parts[index].count()
        return self._sizes[index]

    def count(self) -> int:
        return sum(self._size(index) for index in range(len(self.parts)))

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step not in (None, 1) or (key.start or 0) < 0 or (key.stop is not None and key.stop < 0):
            raise TypeError("Concatenated takes a forward slice only")
        return self.read(key.start or 0, key.stop if key.stop is not None else self.count())

    def read(self, start: int, stop: int, total: int | None = None) -> list:
        """Rows start..stop. Given the total, the last part's size is known without counting
        it, and a page deep in it is read from its end (read_slice)."""
        rows = []
        offset = 0
        for index, part in enumerate(self.parts):
            if stop <= offset:
                break
            if index == len(self.parts) - 1:  # the rest, however many there are
                window = (max(start - offset, 0), stop - offset)
                rows.extend(part[window[0] : window[1]] if total is None else read_slice(part, *window, total - offset))
                break
            size = self._size(index)
            if start < offset + size:
                rows.extend(part[max(start - offset, 0) : min(stop - offset, size)])
            offset += size
        return rows
