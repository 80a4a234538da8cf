from django.contrib import admin

from meetings.models import ChecklistTemplateTask, KindRule
from office.concurrency import VersionedAdminMixin


@admin.register(KindRule)
class KindRuleAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "body", "quorum", "pass_rule", "notice_days", "notice_working_days"]


@admin.register(ChecklistTemplateTask)
class ChecklistTemplateTaskAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "phase", "offset_days", "order", "title", "owner_role"]
    list_filter = ["kind", "phase"]
    list_editable = ["offset_days", "order", "title", "owner_role"]
