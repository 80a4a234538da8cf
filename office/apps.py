from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save


class OfficeConfig(AppConfig):
    name = "office"
    verbose_name = "基础数据"

    def ready(self):
        from auditlog.registry import auditlog

        from office import calendar
        from office.models import CalendarDay, Membership, Person, Term, Unit

        for model in (Unit, Person, Term, Membership, CalendarDay):
            auditlog.register(model)

        from office.notifications import channel_register
        from office.webhooks import WebhookChannel

        channel_register(WebhookChannel())
        from office import pdf  # noqa: F401  (registers the PDF font system check)

        post_migrate.connect(_sync_roles, sender=self)
        def clear_calendar_cache(**kwargs):
            # Now, for reads later in this transaction; again at commit, in case
            # a read in between cached the row before it was final.
            calendar.clear_cache()
            transaction.on_commit(calendar.clear_cache)

        for signal in (post_save, post_delete):
            signal.connect(clear_calendar_cache, sender=CalendarDay, weak=False)


def _sync_roles(**kwargs):
    from office.roles import roles_sync

    roles_sync()
