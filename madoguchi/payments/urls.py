from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("staff/payments/visits/<int:visit_id>/", views.panel, name="panel"),
    path("staff/payments/visits/<int:visit_id>/preview", views.preview, name="preview"),
    path("staff/payments/visits/<int:visit_id>/charge", views.charge, name="charge"),
    path("staff/payments/<int:payment_id>/resolve", views.resolve, name="resolve"),
    path("staff/payments/<int:payment_id>/answer", views.answer, name="answer"),
    path("staff/payments/<int:payment_id>/void", views.void, name="void"),
    path("staff/payments/<int:payment_id>/receipt.pdf", views.receipt, name="receipt"),
    path("staff/payments/<int:payment_id>/refund", views.refund, name="refund"),
    path("staff/payments/", views.day, name="day"),
    path("staff/payments/terminal/", views.terminal, name="terminal"),
    path("staff/cashier/close/", views.close, name="close"),
    path("staff/cashier/settlement", views.settlement, name="settlement"),
    path("staff/cashier/export.csv", views.export, name="export"),
]
