from django.urls import path
from django.views.generic import RedirectView

from madoguchi.core.access import public

from . import views

app_name = "accounts"
urlpatterns = [
    path("staff/login/", views.login_view, name="login"),
    path("staff/logout/", views.logout_view, name="logout"),
    # The old address, for bookmarks on the office's machines (the query, e.g. ?next=, is kept).
    path("login/", public(RedirectView.as_view(pattern_name="accounts:login", query_string=True, permanent=True)),
         name="login_old"),
]
