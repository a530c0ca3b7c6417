from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("staff/insights/simulator/", views.simulator, name="simulator"),
    path("staff/insights/cashless/", views.cashless, name="cashless"),
]
