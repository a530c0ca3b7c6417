from django.urls import path

from . import views

app_name = "talent"
urlpatterns = [
    path("staff/talent/me/", views.me, name="me"),
    path("staff/talent/staff/", views.staff, name="staff"),
    path("staff/talent/staff/<int:pk>/", views.member, name="member"),
    path("staff/talent/staff/<int:pk>/assess/", views.assess, name="assess"),
    path("staff/talent/staff/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("staff/talent/staff/<int:pk>/training/", views.training_add, name="training"),
    path("staff/talent/staff/<int:pk>/qualification/", views.qualification_add, name="qualification"),
    path("staff/talent/targets/", views.targets, name="targets"),
    path("staff/talent/gap/", views.gap_report, name="gap"),
    path("staff/talent/gap/close/", views.year_close, name="year_close"),
    path("staff/talent/import/", views.import_staff, name="import"),
    path("staff/talent/framework/", views.framework, name="framework"),
]
