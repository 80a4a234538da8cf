from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "办会"

    def ready(self):
        from auditlog.registry import auditlog

        from meetings import models, services
        from office.schedule import commitment_provider

        # Reverse relations and bookkeeping timestamps are not the record's own changes.
        quiet = ["created_at", "updated_at"]
        auditlog.register(models.Meeting, include_fields=[f.name for f in models.Meeting._meta.concrete_fields if f.name not in quiet])
        for model in (models.KindRule, models.AgendaItem, models.Material, models.Participant,
                      models.Vote, models.ChecklistTemplateTask, models.ChecklistTask, models.ReviewOpinion):
            auditlog.register(model, include_fields=[f.name for f in model._meta.concrete_fields if f.name not in quiet])
        commitment_provider(services.meetings_commitments)

        from meetings.selectors import today_items
        from office.today import today_provider

        today_provider(today_items)
        post_migrate.connect(_ensure_defaults, sender=self)


def _ensure_defaults(**kwargs):
    from meetings.services import defaults_ensure

    defaults_ensure()
