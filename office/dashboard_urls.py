"""主任看板 URL, included into the office namespace (office:dashboard)."""

from django.urls import path

from office.dashboard_views import dashboard

urlpatterns = [path("", dashboard, name="dashboard")]
