from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = "办事"

    def ready(self):
        from auditlog.registry import auditlog

        from logistics.models import Room, RoomBooking

        auditlog.register(Room)
        auditlog.register(RoomBooking)
