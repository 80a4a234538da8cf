from django.urls import path

from supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.index, name="index"),  # 督办台账
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("new/", views.item_create, name="create"),
    path("stats/", views.stats, name="stats"),
    path("stats/bulletin.pdf", views.bulletin_pdf, name="bulletin_pdf"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/notice.pdf", views.assignment_notice, name="notice_pdf"),
    path("<int:pk>/action/<slug:action>/", views.item_action, name="action"),
    path("<int:pk>/progress/", views.progress_report, name="progress"),
    path("<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("<int:pk>/extension/<int:extension_pk>/decide/", views.extension_decide, name="extension_decide"),
    path("reports/<int:pk>/attachment/", views.report_attachment, name="report_attachment"),
]
