from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),  # 会议列表
    path("new/", views.create, name="create"),
    path("attendance/", views.attendance, name="attendance"),  # 组成人员到会率
    path("reply/<str:token>/", views.reply, name="reply"),  # the invitee's link: no login
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/action/<slug:action>/", views.transition, name="action"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/documents/<slug:doc_kind>/", views.document_request, name="document_request"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path("<int:pk>/participants/invite/", views.invite, name="invite"),
    path("<int:pk>/participants/invite-body/", views.invite_body, name="invite_body"),
    path("<int:pk>/sign-in/", views.sign_in_page, name="sign_in"),
    path("agenda/<int:pk>/edit/", views.agenda_edit, name="agenda_edit"),
    path("agenda/<int:pk>/move/<slug:direction>/", views.agenda_move, name="agenda_move"),
    path("agenda/<int:pk>/remove/", views.agenda_remove, name="agenda_remove"),
    path("agenda/<int:pk>/materials/", views.material_add, name="material_add"),
    path("agenda/<int:pk>/vote/", views.vote, name="vote"),
    path("agenda/<int:pk>/opinions/", views.opinion_add, name="opinion_add"),
    path("opinions/<int:pk>/assign/", views.opinion_assign, name="opinion_assign"),
    path("materials/<int:pk>/", views.material_download, name="material"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("tasks/<int:pk>/done/", views.task_tick, {"done": 1}, name="task_done"),
    path("tasks/<int:pk>/undo/", views.task_tick, {"done": 0}, name="task_undo"),
    path("participants/<int:pk>/reply/", views.reply_for, name="reply_for"),
    path("participants/<int:pk>/remove/", views.participant_remove, name="participant_remove"),
    path("participants/<int:pk>/sign-in/", views.sign_in, name="sign_in_do"),
    path("participants/<int:pk>/sign-in/undo/", views.sign_in_undo, name="sign_in_undo"),
]
