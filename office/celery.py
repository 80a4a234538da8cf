"""The Celery application: Redis broker, configuration from Django settings."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")

app = Celery("office")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _load_pdf_fonts(**kwargs):
    """Parse the PDF fonts once, in the worker's main process before it forks its
    children: they share the parsed fonts (copy-on-write) and none pays for them
    in its first job."""
    from office.pdf import fonts_preload

    fonts_preload()
