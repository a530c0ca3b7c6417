from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from madoguchi.accounts.access import public
from madoguchi.accounts.views import landing
from madoguchi.catalog.api import router as catalog_router
from madoguchi.core.api import api

api.add_router("", catalog_router)

admin.site.site_header = admin.site.site_title = "madoguchi"

urlpatterns = [
    path("", landing, name="landing"),
    path("", include("madoguchi.accounts.urls")),
    path("", include("madoguchi.core.urls")),
    path("", include("madoguchi.catalog.urls")),
    path("", include("madoguchi.audit.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
