from django.urls import path

from . import views, views_figures, views_forecast, views_staffing

app_name = "insights"
urlpatterns = [
    path("staff/insights/", views_figures.dashboard, name="dashboard"),
    path("staff/insights/effects/", views_figures.effects_page, name="effects"),
    path("staff/insights/charts/<slug:name>.png", views_figures.chart, name="chart"),
    path("staff/insights/interventions/", views_figures.intervention_list, name="interventions"),
    path("staff/insights/interventions/<int:pk>/", views_figures.intervention_detail, name="intervention"),
    path("staff/insights/interventions/<int:pk>/delete/", views_figures.intervention_delete,
         name="intervention_delete"),
    path("staff/insights/forecast/", views_forecast.staff_forecast, name="forecast"),
    path("staff/insights/reports/monthly/", views_figures.monthly_report, name="monthly"),
    path("staff/insights/simulator/", views.simulator, name="simulator"),
    path("staff/insights/staffing/", views_staffing.staffing_page, name="staffing"),
    path("staff/insights/staffing/accept", views_staffing.staffing_accept, name="staffing_accept"),
    path("congestion/forecast/", views_forecast.public_forecast, name="public_forecast"),
    path("staff/insights/cashless/", views.cashless, name="cashless"),
]
