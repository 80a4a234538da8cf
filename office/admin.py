from auditlog.models import LogEntry
from django.contrib import admin

from office.concurrency import VersionedAdminMixin
from office.models import CalendarDay, Delivery, Membership, Message, Person, Term, Unit, WebhookConfig


@admin.register(Unit)
class UnitAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Person)
class PersonAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "unit", "post", "protocol_rank", "id_code", "user", "is_active"]
    list_filter = ["unit", "is_active", "memberships__body"]
    search_fields = ["name", "post", "id_code", "phone"]
    list_select_related = ["unit", "user"]
    autocomplete_fields = ["user"]
    inlines = [MembershipInline]


@admin.register(Term)
class TermAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "number", "start_date", "end_date"]


@admin.register(Membership)
class MembershipAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["person", "term", "body", "title", "start_date", "end_date"]
    list_filter = ["term", "body"]
    search_fields = ["person__name"]
    list_select_related = ["person", "term"]


@admin.register(CalendarDay)
class CalendarDayAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind", "date"]
    date_hierarchy = "date"


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "event_key", "created_at", "read_at"]
    search_fields = ["subject", "event_key", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Message._meta.fields]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["message", "channel", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]
    list_select_related = ["message"]
    readonly_fields = [f.name for f in Delivery._meta.fields]


# Audit entries are evidence: readable, never editable.
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class ReadOnlyLogEntryAdmin(admin.ModelAdmin):
    list_display = ["timestamp", "actor", "content_type", "object_repr", "action"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr"]
    list_select_related = ["actor", "content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookConfig)
class WebhookConfigAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["unit", "kind", "enabled", "note"]
    list_filter = ["kind", "enabled"]
    list_select_related = ["unit"]
