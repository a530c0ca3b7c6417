from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from . import metrics
from .access import public, requires
from .health import readiness_problems
from .navigation import screens_for
from .roles import Capability, Role


@public
def healthz(request):
    """For load balancers and the benchmark's ceiling: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


def permission_denied(request, exception=None):
    """``handler403``: the full page, or for an htmx request a short alert to swap into its target
    (a whole page inside a fragment would nest a second header and skip link)."""
    if getattr(request, "htmx", False):
        return render(request, "core/_denied.html", status=403)
    return render(request, "403.html", status=403)


@requires(Capability.STAFF_HOME)
@never_cache
def home(request):
    return render(request, "core/home.html", {"screens": screens_for(request.user)})


@public
def landing(request):
    """``/``: staff go to their home, devices to their screen, everybody else to the login page."""
    user = request.user
    if not user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if user.role == Role.DISPLAY:
        return redirect("counters:display")
    if user.role == Role.KIOSK:
        return redirect("reception:kiosk")
    return redirect("core:staff_home")


@public
@never_cache
def readyz(request):
    """For load balancers: 200 when the database answers and every migration is applied, else 503
    with the reason (plain text, nothing about the connection)."""
    problems = readiness_problems()
    if problems:
        return HttpResponse("\n".join(problems) + "\n", status=503, content_type="text/plain")
    return HttpResponse("ready\n", content_type="text/plain")


@public  # to the access policy; the address check below is the gate: the staff network only
@never_cache
def metrics_view(request):
    """Prometheus's scrape (see ``madoguchi.core.metrics``), for METRICS_ALLOWED_NETWORKS only."""
    if not metrics.address_allowed(metrics.client_address(request), settings.METRICS_ALLOWED_NETWORKS):
        return HttpResponseForbidden("forbidden\n", content_type="text/plain")
    return HttpResponse(metrics.exposition(), content_type=metrics.CONTENT_TYPE)
