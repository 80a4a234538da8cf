from django.apps import AppConfig


class ConductConfig(AppConfig):
    name = "conduct"
    verbose_name = "作风"

    def ready(self):
        from auditlog.registry import auditlog

        from conduct import models, services
        from office.lessons import lesson_provider
        from office.schedule import commitment_provider

        # Not the record an entry concerns as such: its str() may be a secret document's
        # title; `concerns_label` (a secret one by its number only) is the history's name for it.
        auditlog.register(models.ErrorEntry, m2m_fields={"people"}, exclude_fields=["concerns"])
        auditlog.register(models.Proposal, exclude_fields=["concerns"])
        for model in (models.Leave, models.DutyShift, models.Swap):
            auditlog.register(model)
        lesson_provider(services.lessons)
        commitment_provider(services.leave_commitments)

        from office.today import today_provider

        today_provider(services.today_items)

        from office.related import header_provider, related_provider, workbench_provider

        related_provider(services.related_entries)
        header_provider(services.duty_header)
        workbench_provider(services.away_note)
