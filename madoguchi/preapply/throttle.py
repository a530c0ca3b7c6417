"""Rate limits for the public pages, per client address (django-ninja's throttle, as the navigator API
uses it; the address comes from X-Forwarded-For only behind ``NINJA_NUM_PROXIES`` trusted proxies)."""

import functools

from django.shortcuts import render

from madoguchi.core.throttle import SharedScopedThrottle

# Requests per client address. Filling in a form takes a few posts (a mistake, a row added); a code
# guessed by brute force would take billions, so a few dozen an hour stops that.
FORM_RATE = "60/h"
BOOKING_RATE = "30/h"
LOOKUP_RATE = "30/h"
SLOTS_RATE = "300/h"


def rate_limited(scope: str, rate: str, *, methods: tuple[str, ...] = ("POST",)):
    """Answer 429 with a page once a client passes ``rate`` for ``scope`` (only ``methods`` count)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                throttle = SharedScopedThrottle(f"preapply_{scope}", rate)
                if not throttle.allow_request(request):
                    wait = throttle.wait()
                    response = render(request, "preapply/too_many.html", status=429)
                    if wait:
                        response["Retry-After"] = str(int(wait) + 1)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
