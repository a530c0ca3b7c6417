from django.urls import path

from . import views, views_analysis

app_name = "surveys"
urlpatterns = [
    path("v/<str:token>/survey/", views.answer, name="answer"),
    path("tablet/survey/", views.tablet, name="tablet"),
    path("tablet/survey/thanks/", views.tablet_done, name="tablet_done"),
    path("tablet/survey/<str:token>/", views.tablet_answer, name="tablet_answer"),
    path("staff/insights/survey/", views_analysis.analysis, name="analysis"),
    path("staff/insights/survey/report/", views_analysis.report, name="report"),
    path("staff/insights/survey/paper.pdf", views_analysis.paper, name="paper"),
    path("staff/survey/paper/", views_analysis.paper_entry, name="paper_entry"),
    path("staff/survey/paper/<str:token>/", views_analysis.paper_answer, name="paper_answer"),
    path("staff/insights/survey/actions/", views_analysis.actions, name="actions"),
]
