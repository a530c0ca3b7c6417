from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("staff/catalog/", views.procedures, name="procedures"),
    path("floors/", views.floor_guide, name="floor_guide"),
]
