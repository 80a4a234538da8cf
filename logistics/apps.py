from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = "办事"

    def ready(self):
        from auditlog.registry import auditlog

        from logistics import models, services
        from office.schedule import commitment_provider

        for model in (models.Room, models.RoomBooking, models.Vehicle, models.Maintenance, models.VehicleBooking, models.Trip,
                      models.MealBooking, models.SupplyItem, models.StockMove, models.Requisition, models.Reception):
            auditlog.register(model)
        commitment_provider(services.trips_commitments)

        from logistics.today import today_items
        from office.today import today_provider

        today_provider(today_items)
