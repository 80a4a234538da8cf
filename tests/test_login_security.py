"""Login hardening: lock-out after repeated failures, session expiry, password rules."""

import datetime
from importlib import import_module

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

LOGIN = "/accounts/login/"
LOCKED = "登录失败次数过多，账户已暂时锁定，请 15 分钟后再试或联系办公室管理员"


@pytest.fixture(autouse=True)
def lockout_settings(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


def attempt(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def fail_times(client, username, times, **extra):
    return [attempt(client, username, "wrong-password", **extra).status_code for _ in range(times)]


def test_five_wrong_passwords_lock_the_account(office):
    client = Client()
    assert fail_times(client, "director", 4) == [200, 200, 200, 200]
    fifth = attempt(client, "director", "wrong-password")
    assert fifth.status_code == 429
    assert LOCKED in fifth.content.decode()

    right = attempt(client, "director", "demo12345")
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_is_per_username_and_address(office):
    fail_times(Client(), "director", 5)
    assert attempt(Client(), "director", "demo12345").status_code == 429

    # Someone else behind the same NAT address still logs in ...
    other = attempt(Client(), "staff", "demo12345")
    assert other.status_code == 302 and other["Location"] == reverse("office:home")
    # ... and so does the same person from another address.
    elsewhere = attempt(Client(), "director", "demo12345", REMOTE_ADDR="10.20.30.40")
    assert elsewhere.status_code == 302


def test_behind_the_proxy_each_client_address_counts_apart(office, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    # What the client wrote itself (left of the proxy's entry) does not matter.
    fail_times(Client(), "director", 5, HTTP_X_FORWARDED_FOR="1.1.1.1, 10.0.0.1", **proxy)
    assert attempt(Client(), "director", "demo12345", HTTP_X_FORWARDED_FOR="2.2.2.2, 10.0.0.1", **proxy).status_code == 429
    assert attempt(Client(), "director", "demo12345", HTTP_X_FORWARDED_FOR="10.0.0.2", **proxy).status_code == 302


def test_cooloff_expiry_unlocks(office):
    client = Client()
    fail_times(client, "director", 5)
    assert attempt(client, "director", "demo12345").status_code == 429

    # Sixteen minutes later (the failure rows moved back instead of waiting).
    AccessAttempt.objects.filter(username="director").update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    response = attempt(client, "director", "demo12345")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(office.director.pk)


def test_success_resets_the_counter(office):
    client = Client()
    fail_times(client, "director", 4)
    assert attempt(client, "director", "demo12345").status_code == 302
    assert not AccessAttempt.objects.filter(username="director").exists()

    # Four more failures after the reset do not reach the limit of five.
    assert fail_times(Client(), "director", 4) == [200, 200, 200, 200]
    assert attempt(Client(), "director", "demo12345").status_code == 302


def test_unlock_command_lets_the_person_in_at_once(office):
    fail_times(Client(), "director", 5)
    call_command("axes_reset_username", "director")
    assert attempt(Client(), "director", "demo12345").status_code == 302


def test_wrong_password_message_is_chinese_before_the_limit(office):
    response = attempt(Client(), "director", "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()


# --- sessions ------------------------------------------------------------------------------------


def test_session_lasts_a_working_day_and_ends_with_the_browser(office, settings):
    client = Client()
    response = attempt(client, "staff", "demo12345")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    session = Session.objects.get(session_key=cookie.value)
    lifetime = session.expire_date - timezone.now()
    assert datetime.timedelta(hours=7, minutes=50) < lifetime <= datetime.timedelta(hours=8)


def test_expired_session_is_sent_to_login(office, settings):
    client = office.client_for(office.staff)
    assert client.get(reverse("office:home")).status_code == 200

    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    older = timezone.now() - datetime.timedelta(seconds=1)
    assert Session.objects.filter(session_key=key).update(expire_date=older) == 1
    # A cached copy (cached_db sessions) is kept only as long as the session lasts.
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    if hasattr(store, "cache_key"):
        caches[settings.SESSION_CACHE_ALIAS].delete(store.cache_key)
    response = client.get(reverse("office:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- password rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "new_password, message",
    [
        ("12345678", "密码只包含数字。"),
        ("password", "这个密码太常见了。"),
        ("staff2026", "密码跟 用户名 太相似了。"),
        ("Xq7#", "密码太短，至少需要 8 个字符。"),
    ],
)
def test_password_change_refuses_weak_passwords_in_chinese(office, new_password, message):
    client = office.client_for(office.staff)
    response = client.post(
        reverse("password_change"),
        {"old_password": "demo12345", "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    office.staff.refresh_from_db()
    assert office.staff.check_password("demo12345")


def test_password_change_accepts_a_good_password(office):
    client = office.client_for(office.staff)
    response = client.post(
        reverse("password_change"),
        {"old_password": "demo12345", "new_password1": "qinghe-Renda-2026", "new_password2": "qinghe-Renda-2026"},
    )
    assert response.status_code == 302
    office.staff.refresh_from_db()
    assert office.staff.check_password("qinghe-Renda-2026")
