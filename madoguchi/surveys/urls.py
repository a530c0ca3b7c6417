from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("v/<str:token>/survey/", views.answer, name="answer"),
    path("tablet/survey/", views.tablet, name="tablet"),
    path("tablet/survey/thanks/", views.tablet_done, name="tablet_done"),
    path("tablet/survey/<str:token>/", views.tablet_answer, name="tablet_answer"),
]
