from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "办会"

    def ready(self):
        from auditlog.registry import auditlog

        from meetings import models, services
        from office.schedule import commitment_provider

        for model in (models.KindRule, models.Meeting, models.AgendaItem, models.Material, models.Participant,
                      models.Vote, models.ChecklistTemplateTask, models.ChecklistTask, models.ReviewOpinion):
            auditlog.register(model)
        commitment_provider(services.meetings_commitments)
        post_migrate.connect(_ensure_defaults, sender=self)


def _ensure_defaults(**kwargs):
    from meetings.services import defaults_ensure

    defaults_ensure()
