from django.urls import path

from conduct import views

app_name = "conduct"
urlpatterns = [
    path("", views.index, name="index"),  # 差错登记簿
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("new/", views.entry_create, name="entry_create"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/account/", views.entry_account, name="entry_account"),
    path("entries/<int:pk>/step/<slug:action>/", views.entry_step, name="entry_step"),
    path("entries/<int:pk>/bulletin.pdf", views.entry_bulletin, name="entry_bulletin"),
    path("entries/<int:pk>/preview.pdf", views.entry_preview, name="entry_preview"),
    path("proposals/", views.proposals, name="proposals"),  # 差错线索
    path("proposals/<int:pk>/confirm/", views.proposal_confirm, name="proposal_confirm"),
    path("proposals/<int:pk>/dismiss/", views.proposal_dismiss, name="proposal_dismiss"),
    path("stats/", views.stats, name="stats"),
    path("stats/monthly.pdf", views.stats_pdf, name="stats_pdf"),
    path("people/me/", views.my_record, name="my_record"),
    path("people/<int:pk>/", views.person_record, name="person"),
    path("lessons/", views.lessons, name="lessons"),  # 经验教训
    path("leave/", views.leave, name="leave"),  # 请假
    path("leave/<int:pk>/decide/", views.leave_decide, name="leave_decide"),
    path("duty/", views.duty, name="duty"),  # 值班
    path("duty/generate/", views.roster_generate, name="roster_generate"),
    path("duty/swap/", views.swap_request, name="swap_request"),
    path("duty/swap/<int:pk>/decide/", views.swap_decide, name="swap_decide"),
    path("duty/shifts/<int:pk>/log/", views.duty_log, name="duty_log"),
    path("today/", views.today, name="today"),  # 我的今天
]
