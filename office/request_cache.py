"""Values read once per request: a page's parts (its header, its dashboard sections, its
"today" lines) may each ask for the same rows. Outside a request (tasks, shell, tests
calling services) nothing is kept, so a value is never older than the request."""

from collections.abc import Callable

from asgiref.local import Local
from django.core.signals import request_finished, request_started

_local = Local()


def _begin(**kwargs) -> None:
    _local.values = {}


def _end(**kwargs) -> None:
    _local.values = None


request_started.connect(_begin, dispatch_uid="office.request_cache.begin")
request_finished.connect(_end, dispatch_uid="office.request_cache.end")


def once_per_request(key, load: Callable):
    """load() the first time `key` is asked for in this request; the same value after."""
    values = getattr(_local, "values", None)
    if values is None:
        return load()
    if key not in values:
        values[key] = load()
    return values[key]
