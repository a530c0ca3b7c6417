from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("kiosk/", views.kiosk, name="kiosk"),
    path("display/", views.display, name="display"),
    path("healthz", views.healthz, name="healthz"),
]
