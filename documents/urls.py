from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path("", views.index, name="index"),
    path("incoming/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path("outgoing/<int:pk>/", views.outgoing_detail, name="outgoing_detail"),
]
