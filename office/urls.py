from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from office import approvals_views, report_views, views, week_views

office_patterns = [
    path("", views.home, name="home"),
    path("dashboard/", include("office.dashboard_urls")),  # 主任看板: office:dashboard
    path("approvals/", approvals_views.approvals_page, name="approvals"),
    path("leaders/week/", week_views.leader_week, name="leader_week"),
    path("approvals/decide/", approvals_views.approvals_decide, name="approvals_decide"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.message_open, name="message_open"),
    path("inbox/read-all/", views.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("people/", views.person_list, name="person_list"),
    path("people/import/", views.people_import_view, name="people_import"),
    path("people/import/template.csv", views.people_import_template, name="people_import_template"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("units/", views.unit_list, name="unit_list"),
    path("me/", views.profile, name="profile"),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/preview/<str:day>/", report_views.report_preview, name="report_preview"),
]

admin.site.site_header = admin.site.site_title = f"{settings.OFFICE_NAME} · 基础数据管理"
admin.site.index_title = "基础数据"

urlpatterns = [
    path("", include((office_patterns, "office"))),
    path("meetings/", include("meetings.urls")),
    path("documents/", include("documents.urls")),
    path("supervision/", include("supervision.urls")),
    path("logistics/", include("logistics.urls")),
    path("conduct/", include("conduct.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(success_url="/me/"),
        name="password_change",
    ),
    path("admin/", admin.site.urls),
]
