from django.urls import path

from . import views

app_name = "prefill"
urlpatterns = [
    path("staff/visits/<int:visit_id>/forms/", views.visit_forms, name="visit_forms"),
    path("staff/visits/<int:visit_id>/forms/identity", views.identity_save, name="identity"),
    path("staff/visits/<int:visit_id>/forms/answers", views.answers_save, name="answers"),
    path("staff/visits/<int:visit_id>/forms/bundle.pdf", views.bundle, name="bundle"),
    path("staff/visits/<int:visit_id>/forms/print", views.print_page, name="print"),
]
