"""What ``/metrics`` tells Prometheus, and who may ask.

Two kinds of figures, kept apart on purpose:

- **Per request** (latency by view): measured in the process that served the request. gunicorn
  runs several worker processes and a scrape reaches one of them, so under gunicorn the figures
  live in prometheus-client's multiprocess files (``PROMETHEUS_MULTIPROC_DIR``, set and emptied at
  start by ``config/gunicorn.conf.py``) and every scrape sums every worker. Without that variable
  (tests, ``manage.py runserver``) they live in this process's memory.
- **Of the office** (people waiting, estimated waits, registrations, completions): read from the
  database at scrape time by the collectors apps register here (``register_collector``). They
  need no shared files, survive restarts and agree whichever process answers; the queries are
  the same few the congestion page makes.

The view labels are URL pattern names (``reception:status``), never the raw path: a path can hold
a status token or a booking code, and one label per distinct path would grow without bound.
"""

import ipaddress
import logging
import os
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import DatabaseError
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROCESS = "PROMETHEUS_MULTIPROC_DIR" in os.environ

# Requests that reached no view: static files (whitenoise answers before URL resolution) and 404s.
STATIC_VIEW = "static"
UNRESOLVED_VIEW = "unresolved"

# This process's own request figures. In multiprocess mode the values are written to the shared
# files; the registry then only keeps the metric objects alive.
_REQUESTS = CollectorRegistry(auto_describe=True)
REQUEST_LATENCY = Histogram(
    "madoguchi_http_request_duration_seconds",
    "Time from the request reaching the app to its response, by view (URL name), method and status class.",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=_REQUESTS,
)

_collectors: list[Callable[[], Iterable[Metric]]] = []


def register_collector(collect: Callable[[], Iterable[Metric]]) -> None:
    """Add a function read at every scrape (apps call this from ``AppConfig.ready``).

    It must be cheap: a handful of aggregate queries, nothing per row."""
    if collect not in _collectors:
        _collectors.append(collect)


# Any other method a client sends is counted as "other": a label value per invented method would grow without bound.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(*, view: str, method: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    REQUEST_LATENCY.labels(view=view, method=method, status=f"{status // 100}xx").observe(seconds)


class _Scrape:
    """One scrape: the request figures (of this process, or summed over every worker) and the office's."""

    def collect(self) -> Iterable[Metric]:
        if MULTIPROCESS:
            yield from MultiProcessCollector(None).collect()
        else:
            yield from _REQUESTS.collect()
        # A database that does not answer leaves the request figures readable, and says so.
        up = GaugeMetricFamily("madoguchi_collector_up", "1 when the collector read the database at this scrape, "
                               "0 when the database failed it.", labels=["collector"])
        for collect in _collectors:
            try:
                families = list(collect())
            except DatabaseError as error:
                logger.warning("metrics collector %s failed: %s", collect.__module__, type(error).__name__)
                up.add_metric([collect.__module__], 0)
            else:
                up.add_metric([collect.__module__], 1)
                yield from families
        yield up


def exposition() -> bytes:
    return generate_latest(_Scrape())


def client_address(request) -> str:
    """The client's address: the connection's, or behind ``NINJA_NUM_PROXIES`` trusted reverse proxies
    the one the outermost of them saw (from the right of X-Forwarded-For, as the rate limits read it)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.NINJA_NUM_PROXIES or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    return hops[-min(proxies, len(hops))]


def address_allowed(address: str, networks: Iterable[str]) -> bool:
    """Whether ``address`` lies in one of the CIDR ``networks``; an unparsable address never does."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)
