from django.urls import path

from logistics import views

app_name = "logistics"
urlpatterns = [
    path("", views.index, name="index"),
    # 用车
    path("trips/", views.trips, name="trips"),
    path("trips/new/", views.trip_create, name="trip_create"),
    path("trips/export.csv", views.trips_export_csv, name="trips_export_csv"),
    path("trips/export.xlsx", views.trips_export_xlsx, name="trips_export_xlsx"),
    path("trips/totals/", views.trip_totals, name="trip_totals"),
    path("trips/<int:pk>/", views.trip_detail, name="trip_detail"),
    path("trips/<int:pk>/decide/", views.trip_decide, name="trip_decide"),
    path("trips/<int:pk>/dispatch/", views.trip_dispatch, name="trip_dispatch"),
    path("trips/<int:pk>/cancel/", views.trip_cancel, name="trip_cancel"),
    path("trips/<int:pk>/return/", views.trip_return, name="trip_return"),
    path("driver/", views.driver, name="driver"),
    # 车辆
    path("vehicles/", views.vehicles, name="vehicles"),
    path("vehicles/week/", views.vehicle_calendar, name="vehicle_calendar"),
    path("vehicles/<int:pk>/", views.vehicle_detail, name="vehicle_detail"),
    # 食堂
    path("canteen/", views.canteen, name="canteen"),
    path("canteen/group/", views.group_meals, name="group_meals"),
    path("canteen/headcount/", views.headcounts, name="headcounts"),
    path("canteen/headcount.pdf", views.headcount_pdf, name="headcount_pdf"),
    path("canteen/totals/", views.meal_totals, name="meal_totals"),
    path("canteen/totals.csv", views.meal_totals_csv, name="meal_totals_csv"),
    path("canteen/totals.xlsx", views.meal_totals_xlsx, name="meal_totals_xlsx"),
    # 会议室
    path("rooms/", views.rooms, name="rooms"),
    # 办公用品
    path("supplies/", views.supplies, name="supplies"),
    path("supplies/purchase/", views.supply_purchase, name="supply_purchase"),
    path("supplies/requisitions/new/", views.requisition_create, name="requisition_create"),
    path("supplies/requisitions/<int:pk>/decide/", views.requisition_decide, name="requisition_decide"),
    # 公务接待
    path("receptions/", views.receptions, name="receptions"),
    path("receptions/new/", views.reception_create, name="reception_create"),
    path("receptions/<int:pk>/", views.reception_detail, name="reception_detail"),
]
