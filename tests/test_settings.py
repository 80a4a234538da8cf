"""Settings: strict environment parsing and a production mode that passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from office.env import env_bool, env_int, env_time

ROOT = Path(__file__).resolve().parent.parent


def test_env_bool_rejects_typos(monkeypatch):
    monkeypatch.setenv("X_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG")
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False


def test_env_int_and_time(monkeypatch):
    monkeypatch.setenv("X_NUM", "12a")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_TIME", "25:00")
    with pytest.raises(ImproperlyConfigured):
        env_time("X_TIME", "20:00")
    monkeypatch.delenv("X_TIME")
    assert env_time("X_TIME", "17:30") == (17, 30)


def run_manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120)


def test_production_mode_passes_check_deploy(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        OFFICE_MODE="production", SECRET_KEY="x" * 60 + "production-secret-key-for-the-test",
        ALLOWED_HOSTS="office.example", OFFICE_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_secret(tmp_path):
    result = run_manage("check", OFFICE_MODE="production", ALLOWED_HOSTS="office.example", OFFICE_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_url_selects_postgresql():
    code = "from django.conf import settings; d = settings.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django, os; django.setup(); {code}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "office.settings", "DATABASE_URL": "postgres://office:pw@db.internal:5433/office"},
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "office", "db.internal", "5433"], result.stderr


LOGIN_IN_PRODUCTION = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import override_settings
# Only the static files' hashed names are swapped: there is no collectstatic here.
override_settings(STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
client = Client()
https = {"HTTP_X_FORWARDED_PROTO": "https"}
plain = client.get("/accounts/login/")
page = client.get("/accounts/login/", **https)
login = client.post("/accounts/login/", {"username": "prod-user", "password": "a-long-passphrase-2026"}, **https)
cookies = {name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"])} for name, c in login.cookies.items()}
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "page_csrf_secure": bool(page.cookies["csrftoken"]["secure"]),
    "login": [login.status_code, login.get("Strict-Transport-Security", "")],
    "cookies": cookies,
}))
"""


@pytest.mark.django_db(transaction=True)
def test_production_login_sets_secure_cookies_and_hsts(settings, tmp_path):
    """A real login in production mode (a separate process, reading the test database)."""
    import json

    from django.conf import global_settings
    from django.db import connection

    from tests.factories import UserFactory

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the other process checks with the real hasher
    UserFactory(username="prod-user", password="a-long-passphrase-2026")
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(
        DJANGO_SETTINGS_MODULE="office.settings", OFFICE_MODE="production", SECRET_KEY="x" * 60 + "-production-test",
        ALLOWED_HOSTS="testserver", OFFICE_VAR_DIR=str(tmp_path), SQLITE_PATH=str(connection.settings_dict["NAME"]),
    )
    result = subprocess.run([sys.executable, "-c", LOGIN_IN_PRODUCTION], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["plain"] == [301, "https://testserver/accounts/login/"]  # plain HTTP is sent to HTTPS
    assert seen["page_csrf_secure"] is True
    status, hsts = seen["login"]
    assert status == 302  # logged in
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert seen["cookies"]["sessionid"] == {"secure": True, "httponly": True}
    assert seen["cookies"]["csrftoken"]["secure"] is True


@pytest.mark.services
def test_postgresql_connections_plan_for_data_in_memory(postgres_server):
    """Every connection to PostgreSQL carries the planner settings of office/settings.py
    (read back from a real server, not from the settings dict)."""
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    for name in ('join_collapse_limit', 'random_page_cost'):\n"
        "        cursor.execute('SHOW ' + name); print(cursor.fetchone()[0])\n"
    )
    result = run_manage("shell", "--no-imports", "-c", code, DATABASE_URL=postgres_server.url, CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    assert result.stdout.split() == ["4", "1.1"], result.stderr
