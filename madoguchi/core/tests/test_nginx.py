"""deploy/nginx/public-locations.conf in a real nginx in front of the app: the public-only deployment
serves the resident pages, their static files and the public API operations, and refuses every other
URL of the app (walked from the URL patterns) and every operation that needs an account (read from
the OpenAPI document). Debian's nginx, unpacked under var/nginx by scripts/test.sh when missing."""

import http.client
import re
import subprocess

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from madoguchi.reception.tests.factories import VisitFactory

from .nginx import DEPLOY, PublicProxy, nginx_binary

# nginx and the URL walk are the same whatever the database: one run covers them (scripts/test.sh).
pytestmark = pytest.mark.database_independent

# Path prefixes of the resident pages; "" is / (a redirect to the navigator).
RESIDENT = ("navigator/", "congestion/", "preapply/", "appointments/", "v/", "i18n/setlang/")


def request(port: int, method: str, path: str, body: bytes | None = None) -> tuple[int, dict, bytes]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        client.request(method, path, body=body, headers=headers)
        response = client.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        client.close()


@pytest.fixture(scope="module")
def public_proxy(live_server):
    """nginx on a free port with deploy/nginx's public side in front of the live server."""
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx not found (scripts/test.sh unpacks Debian's nginx under var/nginx when root)")
    proxy = PublicProxy(binary, live_server.url.removeprefix("http://"))
    try:
        yield proxy.port
    finally:
        proxy.stop()


def _routes(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def app_paths() -> list[str]:
    """Every page route of the app with sample values in its parameters (the API comes from its document)."""
    paths = []
    for route in _routes(get_resolver()):
        if route.startswith("api/") or route.startswith("^") or "(?P" in route:
            continue
        path = re.sub(r"<int:[^>]+>", "1", route)
        path = re.sub(r"<[^>]+>", "moving-in", path)  # str, slug and the navigator's life_events
        paths.append("/" + path)
    return sorted(set(paths))


def test_the_public_proxy_serves_the_resident_pages(public_proxy, starter_catalog):
    visit = VisitFactory(procedures=["cert.juminhyo"])

    for path in ["/navigator/", "/congestion/", "/preapply/", "/appointments/", "/appointments/manage/",
                 f"/v/{visit.status_token}/", "/static/core/madoguchi.css", "/static/django_htmx/htmx-2.min.js"]:
        status, _headers, _body = request(public_proxy, "GET", path)
        assert status == 200, path
    status, headers, _body = request(public_proxy, "GET", "/")
    assert status == 302 and headers["Location"].endswith("/navigator/")


def test_the_public_proxy_passes_exactly_the_api_operations_that_need_no_account(public_proxy, starter_catalog,
                                                                                  client):
    document = client.get("/api/v1/openapi.json").json()
    checked = 0
    for template, operations in document["paths"].items():
        path = re.sub(r"\{[^}]+\}", "moving-in", template)
        for method, operation in operations.items():
            body = b"{}" if method in ("post", "put", "patch") else None
            status, _headers, _body = request(public_proxy, method.upper(), path, body)
            needs_account = bool(operation.get("security"))
            if needs_account:
                assert status in (403, 404), f"{method.upper()} {template} passed the public proxy ({status})"
            else:
                assert status not in (403, 404) or _body.startswith(b"{"), f"{method.upper()} {template}: {status}"
            checked += 1
    assert checked >= 15


def test_the_public_proxy_refuses_every_other_page_of_the_app(public_proxy, starter_catalog):
    paths = app_paths()
    assert "/staff/reception/" in paths and "/metrics" in paths  # the walk found the office pages

    for path in paths:
        status, _headers, body = request(public_proxy, "GET", path)
        resident = path == "/" or path.lstrip("/").startswith(RESIDENT)
        if not resident:
            assert status == 404, f"{path} passed the public proxy ({status})"
            assert b"csrfmiddlewaretoken" not in body


def test_the_public_proxy_refuses_paths_that_only_look_public(public_proxy):
    for path in ["/navigator/../staff/reception/", "/navigator/%2e%2e/staff/reception/", "/v/x/../../admin/",
                 "/congestion/..%2f..%2fmetrics", "/static/admin/css/base.css", "/static/../admin/", "/api/v1/docs",
                 "/api/v1/openapi.json", "/api/v1/visits", "/login/", "/admin/login/", "/readyz", "/healthz",
                 "//staff/reception/", "/STAFF/reception/"]:
        status, _headers, _body = request(public_proxy, "GET", path)

        assert status in (400, 404), f"{path}: {status}"


def test_the_public_proxy_refuses_methods_a_resident_page_does_not_take(public_proxy):
    assert request(public_proxy, "DELETE", "/navigator/")[0] == 403
    assert request(public_proxy, "PUT", "/api/v1/congestion", b"{}")[0] == 403
    assert request(public_proxy, "GET", "/i18n/setlang/")[0] == 403


def test_the_congestion_figures_are_answered_from_nginx_s_cache_between_the_app_s_refreshes(public_proxy,
                                                                                            starter_catalog):
    answers = [request(public_proxy, "GET", "/api/v1/congestion") for _ in range(4)]
    assert all(status == 200 for status, _headers, _body in answers)
    # The polls that follow within the app's period do not reach the app: answered from the cache, the same body
    # (at most one of them may fall on the 3 s expiry, and fetch the figures again).
    hits = [(headers, body) for (_s, headers, body), (_p, _h, before) in zip(answers[1:], answers[:-1], strict=True)
            if headers["X-Cache-Status"] == "HIT" and body == before]
    assert len(hits) >= 2, [headers["X-Cache-Status"] for _s, headers, _b in answers]
    first, headers = answers[0][1], hits[-1][0]
    assert headers["ETag"] == first["ETag"] and headers["Content-Type"] == "application/json"
    assert "Set-Cookie" not in headers and "X-Content-Type-Options" in headers  # the app's headers, kept
    client = http.client.HTTPConnection("127.0.0.1", public_proxy, timeout=10)
    try:  # a phone that has the figures already is told so by nginx
        client.request("GET", "/api/v1/congestion", headers={"If-None-Match": first["ETag"]})
        response = client.getresponse()
        assert (response.status, response.read()) == (304, b"")
    finally:
        client.close()
    # With a query string the app answers the whole way (Vary, Content-Language): never kept for the others.
    client = http.client.HTTPConnection("127.0.0.1", public_proxy, timeout=10)
    try:
        client.request("GET", "/api/v1/congestion?x=1", headers={"Accept-Language": "en"})
        response = client.getresponse()
        response.read()
        assert response.status == 200 and response.getheader("X-Cache-Status") == "BYPASS"
    finally:
        client.close()
    status, headers, _body = request(public_proxy, "GET", "/api/v1/congestion")
    assert status == 200
    assert headers["X-Cache-Status"] != "BYPASS" and "Content-Language" not in headers and "Vary" not in headers
    # Another public operation is not cached: only the congestion figures are the same for everybody.
    assert "X-Cache-Status" not in request(public_proxy, "GET", "/api/v1/counters")[1]


@pytest.mark.parametrize("name", ["madoguchi-office.conf", "madoguchi-public.conf"])
def test_the_example_configurations_pass_nginx_t(name, tmp_path):
    """The whole example files (TLS, logs, redirects) as nginx reads them, paths moved under tmp."""
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx not found (scripts/test.sh unpacks Debian's nginx under var/nginx when root)")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True)
    for source in DEPLOY.glob("*.conf"):
        text = source.read_text().replace("/etc/madoguchi/nginx/", f"{tmp_path}/").replace(
            "/var/log/nginx/", f"{tmp_path}/").replace("/var/lib/nginx/", f"{tmp_path}/")
        text = re.sub(r"/etc/madoguchi/tls/\w+\.crt", str(tmp_path / "cert.pem"), text)
        text = re.sub(r"/etc/madoguchi/tls/\w+\.key", str(tmp_path / "key.pem"), text)
        (tmp_path / source.name).write_text(text)
    (tmp_path / "nginx.conf").write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/{name};
}}
""")

    result = subprocess.run([binary, "-t", "-e", str(tmp_path / "error.log"), "-p", str(tmp_path), "-c",
                             str(tmp_path / "nginx.conf")], capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
