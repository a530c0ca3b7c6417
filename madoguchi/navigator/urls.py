from django.urls import path

from . import views

app_name = "navigator"
urlpatterns = [
    path("navigator/", views.start, name="start"),
    path("navigator/<slug:life_event>/", views.household, name="household"),
    path("navigator/<slug:life_event>/result/", views.result, name="result"),
    path("staff/navigator/", views.staff_start, name="staff_start"),
    path("staff/navigator/<slug:life_event>/", views.staff_household, name="staff_household"),
    path("staff/navigator/<slug:life_event>/result/", views.staff_result, name="staff_result"),
]
