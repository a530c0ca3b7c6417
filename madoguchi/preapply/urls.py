from django.urls import path

from . import views_appointments as appointments
from . import views_preapply as preapply

app_name = "preapply"
urlpatterns = [
    # public side
    path("preapply/", preapply.start, name="start"),
    path("preapply/form/", preapply.fill, name="fill"),
    path("appointments/", appointments.appointment_start, name="appointments"),
    path("appointments/manage/", appointments.appointment_manage, name="manage"),
    path("appointments/<slug:group_code>/", appointments.appointment_book, name="book"),
    # office side
    path("staff/preapplications/", preapply.reception, name="reception"),
    path("staff/preapplications/register", preapply.register, name="register"),
    path("staff/appointments/", appointments.staff_day, name="staff_day"),
    path("staff/appointments/check-in", appointments.staff_check_in, name="staff_check_in"),
    path("staff/appointments/<int:appointment_id>/no-show", appointments.staff_no_show, name="staff_no_show"),
    path("staff/appointments/<int:appointment_id>/contact", appointments.staff_contact, name="staff_contact"),
    path("kiosk/appointment/", appointments.kiosk_check_in, name="kiosk_check_in"),
]
