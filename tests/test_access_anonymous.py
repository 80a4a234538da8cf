"""An anonymous visitor is sent to the login page from every page of every app."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

APPS = {"office", "meetings", "documents", "supervision", "logistics", "conduct"}
# Reached by an invitee from the link in their notice, without an account.
PUBLIC = {"meetings:reply"}


def app_urls():
    """(name, path) for every named URL of our apps, with 1 for each argument."""
    found = []

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name and namespace in APPS:
                route = prefix + str(pattern.pattern)
                path = "/" + "".join("1" if part.startswith("<") else part for part in _split(route))
                found.append((f"{namespace}:{pattern.name}", path))

    walk(get_resolver().url_patterns, None, "")
    return found


def _split(route):
    parts, current = [], ""
    for char in route:
        if char == "<":
            if current:
                parts.append(current)
            current = "<"
        elif char == ">" and current.startswith("<"):
            parts.append(current + ">")
            current = ""
        else:
            current += char
    if current:
        parts.append(current)
    return parts


URLS = [(name, path) for name, path in app_urls() if name not in PUBLIC]


def test_every_app_has_pages():
    assert {name.split(":")[0] for name, _ in URLS} == APPS


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), URLS, ids=[name for name, _ in URLS])
def test_anonymous_is_sent_to_login(client, name, path):
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 302, (name, path, response.status_code)
        assert response["Location"].startswith("/accounts/login/?next="), response["Location"]


@pytest.mark.django_db
def test_the_public_reply_page_reveals_nothing_for_an_unknown_token(client):
    response = client.get("/meetings/reply/unknown-token/")
    assert response.status_code == 404
