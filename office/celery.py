"""The Celery application: Redis broker, configuration from Django settings."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")

app = Celery("office")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _load_pdf_fonts(**kwargs):
    """Register the PDF fonts once per worker process, not in the first job."""
    from django.conf import settings

    from office.pdf import font

    for role in settings.PDF_FONTS:
        font(role)
