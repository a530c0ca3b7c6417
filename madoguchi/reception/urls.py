from django.urls import path

from . import views, views_public

app_name = "reception"
urlpatterns = [
    path("staff/reception/", views.reception, name="desk"),
    path("staff/visits/", views.visit_list, name="visits"),
    path("staff/visits/<int:visit_id>/", views.visit_detail, name="visit"),
    path("staff/visits/<int:visit_id>/sheet/", views.route_sheet, name="route_sheet"),
    path("kiosk/", views.kiosk, name="kiosk"),
    path("kiosk/reset", views.kiosk_reset, name="kiosk_reset"),
    path("kiosk/ticket/<str:token>/", views.kiosk_ticket, name="kiosk_ticket"),
    path("v/<str:token>/", views_public.status, name="status"),
    path("v/<str:token>/now", views_public.status_body, name="status_body"),
    path("v/<str:token>/notice", views_public.status_notice, name="status_notice"),
    path("ticket/", views_public.ticket_lookup, name="ticket_lookup"),
]
