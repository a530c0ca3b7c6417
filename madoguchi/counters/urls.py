from django.urls import path

from . import views

app_name = "counters"
urlpatterns = [
    path("staff/counters/", views.counter_list, name="counter_list"),
    path("staff/counters/serving-visit/add", views.add_to_serving_visit, name="add_to_serving_visit"),
    path("staff/counters/<str:code>/", views.console, name="console"),
    path("staff/counters/<str:code>/queue", views.console_queue, name="console_queue"),
    path("staff/counters/<str:code>/call-next", views.console_call_next, name="call_next"),
    path("staff/counters/<str:code>/<str:action>", views.console_step_action, name="console_action"),
    path("staff/supervisor/", views.supervisor, name="supervisor"),
    path("staff/supervisor/summary/", views.summary, name="summary"),
    path("staff/supervisor/desks/<str:code>/<int:number>", views.supervisor_desk, name="supervisor_desk"),
    path("staff/supervisor/steps/<int:step_id>/move", views.supervisor_move, name="supervisor_move"),
    path("display/", views.display, name="display"),
    path("display/calls", views.display_calls, name="display_calls"),
    path("congestion/", views.congestion, name="congestion"),
]
