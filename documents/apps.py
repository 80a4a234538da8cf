from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "办文"

    def ready(self):
        from auditlog.registry import auditlog

        from documents import models

        auditlog.register(models.IncomingDocument, m2m_fields={"co_units"})
        auditlog.register(models.OutgoingDocument)
        for model in (models.Instruction, models.Circulation, models.Countersign, models.Distribution, models.Attachment, models.Amendment):
            auditlog.register(model)

        from documents.selectors import today_items
        from office.today import today_provider

        today_provider(today_items)
