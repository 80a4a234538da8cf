from django.urls import path

from logistics import views

app_name = "logistics"
urlpatterns = [
    path("", views.index, name="index"),
    path("trips/<int:pk>/", views.trip_detail, name="trip_detail"),
    path("receptions/<int:pk>/", views.reception_detail, name="reception_detail"),
]
