from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [path("staff/audit/", views.events, name="events")]
