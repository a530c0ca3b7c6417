from django.urls import path

from . import views

app_name = "dxdesk"
urlpatterns = [
    path("staff/dx/", views.consultation_list, name="list"),
    path("staff/dx/new/", views.consultation_new, name="new"),
    path("staff/dx/<int:pk>/", views.consultation_detail, name="detail"),
    path("staff/dx/<int:pk>/comment/", views.consultation_comment, name="comment"),
    path("staff/dx/<int:pk>/advance/", views.consultation_advance, name="advance"),
    path("staff/dx/<int:pk>/decline/", views.consultation_decline, name="decline"),
    path("staff/dx/<int:pk>/deliver/", views.consultation_deliver, name="deliver"),
    path("staff/dx/<int:pk>/measure/", views.consultation_measure, name="measure"),
    path("staff/dx/dashboard/", views.dashboard, name="dashboard"),
    path("staff/dx/ideas/", views.idea_list, name="ideas"),
    path("staff/dx/ideas/open/", views.idea_open, name="idea_open"),
]
