from django.shortcuts import render
from django.views.decorators.cache import never_cache

from madoguchi.core.access import requires
from madoguchi.core.roles import Capability

from . import selectors


@requires(Capability.AUDIT_VIEW)
@never_cache
def events(request):
    return render(
        request,
        "audit/events.html",
        {"events": selectors.recent_events(), "accesses": selectors.recent_personal_data_accesses()},
    )
