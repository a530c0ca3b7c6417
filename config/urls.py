from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from madoguchi.accounts.api import router as accounts_router
from madoguchi.audit.api import router as audit_router
from madoguchi.catalog.api import router as catalog_router
from madoguchi.core.access import public
from madoguchi.core.api import api
from madoguchi.core.views import landing
from madoguchi.counters.api import router as counters_router
from madoguchi.reception.api import router as reception_router

api.add_router("", catalog_router)
api.add_router("", accounts_router)
api.add_router("", audit_router)
api.add_router("", reception_router)
api.add_router("", counters_router)
api.add_router("", "madoguchi.navigator.api.router")
api.add_router("", "madoguchi.prefill.api.router")
api.add_router("", "madoguchi.preapply.api.router")
api.add_router("", "madoguchi.surveys.api.router")
api.add_router("", "madoguchi.insights.api.router")
api.add_router("", "madoguchi.payments.api.router")
api.add_router("", "madoguchi.talent.api.router")
api.add_router("", "madoguchi.dxdesk.api.router")

admin.site.site_header = admin.site.site_title = "madoguchi"

handler403 = "madoguchi.core.views.permission_denied"

urlpatterns = [
    # First: every API request is resolved here at once, instead of after trying every app's pages
    # (each include below has an empty prefix, so each would be searched in turn).
    path("api/v1/", api.urls),
    path("", landing, name="landing"),
    path("", include("madoguchi.accounts.urls")),
    path("", include("madoguchi.core.urls")),
    path("", include("madoguchi.catalog.urls")),
    path("", include("madoguchi.audit.urls")),
    path("", include("madoguchi.reception.urls")),
    path("", include("madoguchi.counters.urls")),
    path("", include("madoguchi.navigator.urls")),
    path("", include("madoguchi.prefill.urls")),
    path("", include("madoguchi.payments.urls")),
    path("", include("madoguchi.insights.urls")),
    path("", include("madoguchi.preapply.urls")),
    path("", include("madoguchi.surveys.urls")),
    path("", include("madoguchi.talent.urls")),
    path("", include("madoguchi.dxdesk.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
