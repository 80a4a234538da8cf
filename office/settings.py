"""Settings for the office platform, read from the environment.

Defaults work out of the box on one machine (SQLite, Redis on localhost, mail
written to files under var/). OFFICE_MODE=production switches on the hardening
that `manage.py check --deploy` asks for and insists on real secrets.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from office.env import env_bool, env_int, env_list, env_str, env_time

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("OFFICE_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

OFFICE_MODE = env_str("OFFICE_MODE", "development")
if OFFICE_MODE not in {"development", "production"}:
    raise ImproperlyConfigured(f"OFFICE_MODE={OFFICE_MODE!r}: use development or production")
PRODUCTION = OFFICE_MODE == "production"

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when OFFICE_MODE=production")
    # Development: one random key per checkout, kept so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "auditlog",
    "axes",
    "office",
    "logistics",
    "supervision",
    "meetings",
    "documents",
    "conduct",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "office.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its Chinese page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "office.urls"
WSGI_APPLICATION = "office.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "office.context_processors.office_header",
            ],
        },
    },
]
FORM_RENDERER = "office.form_renderer.OfficeFormRenderer"

# Database: SQLite file by default; DATABASE_URL=postgres://… for PostgreSQL.
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # join_collapse_limit: a list page joins 6–9 tables (select_related), and trying
        # every order took 13 ms of planning for 0.5 ms of work; groups of 4 take 1.5 ms.
        # random_page_cost: the data sit in memory or on SSD, where an index lookup costs
        # about what a sequential read does; at the default 4 PostgreSQL scanned all
        # 60,000 督办 items to count one unit's co-handled ones (14 ms instead of 4).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c join_collapse_limit=4 -c random_page_cost=1.1"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "office.sqlite3")),
            "OPTIONS": {
                # Web, worker and beat write to one file: take the write lock at
                # BEGIN and wait for it rather than fail with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # A file, so that a Celery worker started by a test sees the test data.
            "TEST": {"NAME": env_str("SQLITE_TEST_PATH", str(VAR_DIR / "test_office.sqlite3"))},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, reading the user's person with the user (one query less on every page).
    "office.auth_backends.PersonModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Ours only for its Chinese message (Django 5.2's zh_Hans lacks it).
    {"NAME": "office.login_security.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lock-out (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair waits AXES_COOLOFF_MINUTES. Keyed on the pair so one
# person typing badly cannot lock out everyone behind the same NAT, and guessing
# at one account from many addresses is still slowed. Unlock early with
# `manage.py axes_reset_username <username>`.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # failures and lock-outs are still logged as warnings; successes are not news
AXES_LOCKOUT_CALLABLE = "office.login_security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "office.login_security.client_ip"
# Behind the TLS proxy REMOTE_ADDR is the proxy: trust this many proxies' X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "office:home"
LOGOUT_REDIRECT_URL = "login"
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous object permissions

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise looks here even before collectstatic
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Email: files under var/mail unless an SMTP host is given.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "区人大常委会办公室 <office@localhost>")

# Celery: Redis broker; tasks acknowledged after they finish so a killed worker's
# task runs again (every task is idempotent).
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a web request when Redis is down: fail fast, the
# outbox row stays pending and the flush sweep sends it later.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# A task taken by a worker that died is handed to another worker after this long
# (Redis keeps it unacknowledged until then); longer than the slowest task.
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Nightly report and end-of-day check times (HH:MM).
NIGHTLY_REPORT_TIME = env_time("NIGHTLY_REPORT_TIME", "20:00")
END_OF_DAY_TIME = env_time("END_OF_DAY_TIME", "17:30")

_flush_minutes = env_int("OUTBOX_FLUSH_MINUTES", 1)
# Queued work still not done after this many minutes is queued again (Redis was down).
OUTBOX_CATCH_UP_MINUTES = env_int("OUTBOX_CATCH_UP_MINUTES", 5)
# A delivery claimed by a worker that never finished is claimed again after this long.
OUTBOX_CLAIM_LEASE_SECONDS = env_int("OUTBOX_CLAIM_LEASE_SECONDS", 600)
_sweep_hour, _sweep_minute = env_time("SUPERVISION_SWEEP_TIME", "08:30")
CELERY_BEAT_SCHEDULE = {
    # Evenings at NIGHTLY_REPORT_TIME: the 工作日报 to the director and leaders; every
    # hour at :05 a catch-up run sends only missed or unsent ones (expires before the next).
    "nightly-report": {
        "task": "office.tasks.nightly_report_task",
        "schedule": crontab(minute=NIGHTLY_REPORT_TIME[1], hour=NIGHTLY_REPORT_TIME[0]),
        "options": {"expires": 3600},
    },
    "nightly-report-catch-up": {
        "task": "office.tasks.nightly_report_task",
        "schedule": crontab(minute=5),
        "kwargs": {"catch_up_only": True},
        "options": {"expires": 50 * 60},
    },
    # Every minute: send notification deliveries left pending (Redis was down,
    # a worker died); expires before the next run so runs never pile up.
    "notifications-flush": {
        "task": "office.tasks.deliveries_flush",
        "schedule": crontab(minute=f"*/{_flush_minutes}"),
        "options": {"expires": _flush_minutes * 60 - 5},
    },
    # Every 5 minutes: queue again the work queued while Redis was down (PDFs to make,
    # 交办 and 会议 notices to send) that is still not done (office/jobs.py outboxes).
    "outbox-catch-up": {
        "task": "office.tasks.outbox_catch_up_task",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    # Mornings at 08:30, and again each working hour, so a morning missed while
    # Redis or the worker was down is caught up; reruns send nothing twice.
    "supervision-reminders": {
        "task": "supervision.tasks.reminders_sweep_task",
        "schedule": crontab(minute=_sweep_minute, hour=f"{_sweep_hour}-17"),
        "options": {"expires": 50 * 60},
    },
    # Working mornings at 08:35: 收文 due tomorrow, today or overdue (催办); again each
    # hour until 17:35 so a morning missed while Redis was down is caught up (once each).
    "documents-chase": {
        "task": "documents.tasks.incoming_chase_task",
        "schedule": crontab(minute=35, hour="8-17"),
        "options": {"expires": 3600},
    },
    # Every 5 minutes: the kitchen's headcount sheet of each meal just past its cutoff.
    "logistics-headcount": {
        "task": "logistics.tasks.headcount_due",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    # Mornings at 08:20 (and hourly until 17:20, to catch up): insurance and inspection
    # due in 30 or 7 days.
    "logistics-vehicle-papers": {
        "task": "logistics.tasks.vehicle_papers_sweep",
        "schedule": crontab(minute=20, hour="8-17"),
        "options": {"expires": 3600},
    },
    # Evenings at 18:10: the day's events that may be mistakes, for the director.
    "conduct-proposals": {
        "task": "conduct.tasks.proposals_sweep_task",
        "schedule": crontab(minute=10, hour=18),
        "options": {"expires": 3600},
    },
    # Working days at END_OF_DAY_TIME (17:30): "我今天的任务完成了吗？"
    "conduct-end-of-day": {
        "task": "conduct.tasks.end_of_day_task",
        "schedule": crontab(minute=END_OF_DAY_TIME[1], hour=END_OF_DAY_TIME[0]),
        "options": {"expires": 3600},
    },
    # Working mornings at 08:40 (and hourly until 17:40, to catch up): meeting checklist
    # tasks due tomorrow or today.
    "meetings-checklist": {
        "task": "meetings.tasks.checklist_sweep_task",
        "schedule": crontab(minute=40, hour="8-17"),
        "options": {"expires": 3600},
    },
    # The 1st of each month at 08:00: last month's 督办 通报 to the director and leaders.
    "supervision-bulletin": {
        "task": "supervision.tasks.monthly_bulletin_send",
        "schedule": crontab(minute=0, hour=8, day_of_month=1),
        "options": {"expires": 3600},
    },
}

# Notifications: channels every message goes to besides the in-app inbox.
NOTIFICATION_CHANNELS = env_list("NOTIFICATION_CHANNELS", ["email", "webhook"])
# Channels a person may not switch off (the in-app inbox always receives everything).
REQUIRED_CHANNELS = env_list("REQUIRED_CHANNELS", [])


# The office's own name, printed on notices and used in document numbers.
OFFICE_NAME = env_str("OFFICE_NAME", "清河区人大常委会办公室")
# Address used in links inside emails and messages.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# PDF fonts: "path" or "path:index" for a .ttc. The defaults are free TrueType
# fonts from Debian; point 仿宋 and the title (小标宋) at licensed fonts if held.
_FONT_DIR = "/usr/share/fonts/truetype"
PDF_FONTS = {
    "song": env_str("PDF_FONT_SONG", f"{_FONT_DIR}/arphic/uming.ttc:0"),
    "hei": env_str("PDF_FONT_HEI", f"{_FONT_DIR}/wqy/wqy-zenhei.ttc:0"),
    "kai": env_str("PDF_FONT_KAI", f"{_FONT_DIR}/arphic/ukai.ttc:0"),
    "fangsong": env_str("PDF_FONT_FANGSONG", f"{_FONT_DIR}/arphic/uming.ttc:0"),
    "title": env_str("PDF_FONT_TITLE", f"{_FONT_DIR}/wqy/wqy-zenhei.ttc:0"),
}

# 督办 3715 rule: working (or calendar) days allowed per urgency class.
SUPERVISION_DAYS = {
    "urgent": env_int("SUPERVISION_DAYS_URGENT", 3),
    "normal": env_int("SUPERVISION_DAYS_NORMAL", 7),
    "complex": env_int("SUPERVISION_DAYS_COMPLEX", 15),
}
SUPERVISION_DAY_KIND = env_str("SUPERVISION_DAY_KIND", "working")
if SUPERVISION_DAY_KIND not in {"working", "calendar"}:
    raise ImproperlyConfigured(f"SUPERVISION_DAY_KIND={SUPERVISION_DAY_KIND!r}: use working or calendar")
# From this overdue working day on, the leader in charge is chased too.
SUPERVISION_ESCALATE_AFTER = env_int("SUPERVISION_ESCALATE_AFTER", 3)

# 公务用车: trips longer than this (round trip, km) are approved by a leader.
TRIP_LEADER_APPROVAL_KM = env_int("TRIP_LEADER_APPROVAL_KM", 100)
# 食堂: per meal, (days before, "HH:MM") after which a booking may not change.
CANTEEN_CUTOFFS = {
    "breakfast": (1, env_str("CANTEEN_CUTOFF_BREAKFAST", "17:00")),
    "lunch": (0, env_str("CANTEEN_CUTOFF_LUNCH", "09:30")),
    "dinner": (0, env_str("CANTEEN_CUTOFF_DINNER", "14:30")),
}
CANTEEN_BOOK_AHEAD_DAYS = env_int("CANTEEN_BOOK_AHEAD_DAYS", 7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when OFFICE_MODE=production")
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the database on every request: a per-process copy (cached_db with the
# local-memory cache) would keep a logged-out or expired session alive in the other web processes.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
# No script but our own files; nothing from outside (government intranets are offline).
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
