from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path("", views.index, name="index"),  # 办文
    path("waiting/", views.waiting, name="waiting"),  # 待我处理
    # 收文
    path("incoming/", views.incoming_list, name="incoming_list"),
    path("incoming/new/", views.incoming_create, name="incoming_create"),
    path("incoming/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path("incoming/<int:pk>/edit/", views.incoming_edit, name="incoming_edit"),
    path("incoming/<int:pk>/action/<slug:action>/", views.incoming_action, name="incoming_action"),
    path("incoming/<int:pk>/instructions/<int:instruction_pk>/supervise/", views.instruction_supervise, name="instruction_supervise"),
    path("incoming/<int:pk>/circulation/", views.circulation_add, name="circulation_add"),
    path("incoming/<int:pk>/read/", views.circulation_read, name="circulation_read"),
    # 发文
    path("outgoing/", views.outgoing_list, name="outgoing_list"),
    path("outgoing/new/", views.outgoing_create, name="outgoing_create"),
    path("outgoing/<int:pk>/", views.outgoing_detail, name="outgoing_detail"),
    path("outgoing/<int:pk>/edit/", views.outgoing_edit, name="outgoing_edit"),
    path("outgoing/<int:pk>/action/<slug:action>/", views.outgoing_action, name="outgoing_action"),
    path("outgoing/<int:pk>/countersign/", views.countersign_request, name="countersign_request"),
    path("outgoing/<int:pk>/countersign/<int:countersign_pk>/", views.countersign_decide, name="countersign_decide"),
    path("outgoing/<int:pk>/distribution/", views.distribution_add, name="distribution_add"),
    path("outgoing/<int:pk>/distribution/<int:distribution_pk>/deliver/", views.distribution_deliver, name="distribution_deliver"),
    path("outgoing/<int:pk>/print.pdf", views.outgoing_print, name="outgoing_print"),
    path("outgoing/<int:pk>/document.pdf", views.outgoing_stored_pdf, name="outgoing_stored_pdf"),
]

# The same pages for both kinds: exports, files, 授权查阅, 更正记录.
for kind in ("incoming", "outgoing"):
    urlpatterns += [
        path(f"{kind}/export.csv", views.export_csv, {"kind": kind}, name=f"{kind}_export_csv"),
        path(f"{kind}/export.xlsx", views.export_xlsx, {"kind": kind}, name=f"{kind}_export_xlsx"),
        path(f"{kind}/<int:pk>/files/", views.file_upload, {"kind": kind}, name=f"{kind}_file_upload"),
        path(f"{kind}/<int:pk>/files/<int:file_pk>/", views.file_download, {"kind": kind}, name=f"{kind}_file"),
        path(f"{kind}/<int:pk>/grant/", views.grant, {"kind": kind}, name=f"{kind}_grant"),
        path(f"{kind}/<int:pk>/amend/", views.amend, {"kind": kind}, name=f"{kind}_amend"),
    ]
