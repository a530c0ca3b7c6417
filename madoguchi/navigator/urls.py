from django.urls import path, register_converter

from . import views
from .urls_converters import LifeEventsConverter

register_converter(LifeEventsConverter, "life_events")

app_name = "navigator"
urlpatterns = [
    path("navigator/", views.start, name="start"),
    path("navigator/<life_events:life_event>/", views.household, name="household"),
    path("navigator/<life_events:life_event>/result/", views.result, name="result"),
    path("staff/navigator/", views.staff_start, name="staff_start"),
    path("staff/navigator/<life_events:life_event>/", views.staff_household, name="staff_household"),
    path("staff/navigator/<life_events:life_event>/result/", views.staff_result, name="staff_result"),
]
