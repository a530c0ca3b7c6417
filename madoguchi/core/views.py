from django.http import HttpResponse
from django.shortcuts import render

from madoguchi.accounts.access import public


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
