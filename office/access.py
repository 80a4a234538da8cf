"""The one way views refuse: a 403 page that says why, in Chinese."""

from django.core.exceptions import PermissionDenied


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
