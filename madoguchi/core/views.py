from django.http import HttpResponse
from django.shortcuts import render

from madoguchi.accounts.access import public, requires
from madoguchi.accounts.roles import Capability


@requires(Capability.KIOSK_USE)
def kiosk(request):
    return render(request, "core/device_screen.html", {"screen": "kiosk"})


@requires(Capability.DISPLAY_VIEW)
def display(request):
    return render(request, "core/device_screen.html", {"screen": "display"})


@public
def healthz(request):
    """For load balancers and the benchmark's ceiling: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")
