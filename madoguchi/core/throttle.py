"""Rate limits that hold across every worker and server: django-ninja's throttles on the shared cache.

A throttle in each process's memory would let a client make N × the limit against N workers (and
start again at every restart); the shared cache (the database, or the cache server CACHE_URL names)
counts them in one place.
"""

from django.core.cache import caches
from ninja.throttling import AnonRateThrottle, SimpleRateThrottle


class SharedAnonRateThrottle(AnonRateThrottle):
    """Per client address (X-Forwarded-For only behind ``NINJA_NUM_PROXIES`` trusted proxies)."""

    @property
    def cache(self):
        return caches["shared"]


class SharedScopedThrottle(SimpleRateThrottle):
    """Per client address and ``scope`` (a page's own limit, independent of the API's)."""

    def __init__(self, scope: str, rate: str):
        self.scope = scope
        super().__init__(rate)

    @property
    def cache(self):
        return caches["shared"]

    def get_cache_key(self, request) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def failures_exceeded(key: str, *, limit: int) -> bool:
    """Whether ``key`` (e.g. one ticket number) has met ``limit`` recorded failures, whoever made them:
    a limit that a guesser spreading tries over many addresses cannot get around."""
    return (caches["shared"].get(f"failures:{key}") or 0) >= limit


def record_failure(key: str, *, seconds: int) -> int:
    """Count one failure of ``key``; the count is forgotten ``seconds`` after the first. Returns the count."""
    cache = caches["shared"]
    name = f"failures:{key}"
    if cache.add(name, 1, seconds):
        return 1
    try:
        return cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, seconds)
        return 1
