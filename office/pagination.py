from collections.abc import Callable

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class _Paginator(Paginator):
    """A Paginator that can take the total from a cheaper query giving the same number."""

    def __init__(self, object_list, per_page, count: Callable[[], int] | None = None):
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self):
        return self._count() if self._count is not None else super().count


def paginate(request, queryset, per_page: int = 30, count: Callable[[], int] | None = None):
    """A page of the list; a bad or too-large page number gives the nearest real page.
    `count`, if given, returns queryset.count() more cheaply."""
    return _Paginator(queryset, per_page, count).get_page(request.GET.get("page"))


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
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count()
        rows = []
        offset = 0
        for index, part in enumerate(self.parts):
            if stop <= offset:
                break
            if index == len(self.parts) - 1:  # the rest, however many there are
                rows.extend(part[max(start - offset, 0) : stop - offset])
                break
            size = self._size(index)
            if start < offset + size:
                rows.extend(part[max(start - offset, 0) : min(stop - offset, size)])
            offset += size
        return rows
