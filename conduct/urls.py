from django.urls import path

from conduct import views

app_name = "conduct"
urlpatterns = [
    path("", views.index, name="index"),
]
