from django.contrib import admin

from logistics.models import Room, RoomBooking
from office.concurrency import VersionedAdminMixin


@admin.register(Room)
class RoomAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "location", "capacity", "rostrum_seats", "equipment", "is_active"]


@admin.register(RoomBooking)
class RoomBookingAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["room", "start", "end", "purpose", "booked_by"]
    list_filter = ["room"]
    list_select_related = ["room", "booked_by"]
    date_hierarchy = "start"
