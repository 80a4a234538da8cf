from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "督办"

    def ready(self):
        from auditlog.registry import auditlog

        from supervision.models import Extension, ProgressReport, SupervisionItem

        auditlog.register(SupervisionItem, m2m_fields={"co_units"})
        auditlog.register(ProgressReport)
        auditlog.register(Extension)

        from office.today import today_provider
        from supervision.selectors import today_items

        today_provider(today_items)
