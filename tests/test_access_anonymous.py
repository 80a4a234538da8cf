"""An anonymous visitor is sent to the login page from every page of every app."""

import pytest

from tests.urlwalk import APPS, PUBLIC, app_urls

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
