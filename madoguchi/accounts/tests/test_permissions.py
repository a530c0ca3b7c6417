"""Who may open what: every role against every page and API operation, and deny by default.

The expectations are written out here by hand rather than derived from ``roles.GRANTS``, so a
grant that changes by mistake fails a test instead of changing the test with it.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path

from madoguchi.core.access import view_policy
from madoguchi.core.roles import Role

from .factories import UserFactory

STAFF = {"reception", "counter", "supervisor", "administrator", "dx_desk", "hr"}
READERS = {*STAFF, "analyst"}  # the analyst reads figures and the catalogue, helps no visitor
ROLES = [*Role.values, "anonymous"]

PAGES = {
    "/staff/": READERS,
    "/staff/catalog/": READERS,
    "/staff/navigator/": STAFF,
    "/staff/audit/": {"supervisor", "administrator"},
    "/kiosk/": {"kiosk", "administrator"},
    "/display/": {"display", "administrator"},
    "/admin/": {"administrator"},
}
APIS = {
    "/api/v1/catalog/procedures": {*ROLES},
    "/api/v1/counters": {*ROLES},
    "/api/v1/me": READERS,
    "/api/v1/audit/events": {"supervisor", "administrator"},
}


def client_for(role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(UserFactory(role=role))
    return client


def test_the_matrix_names_every_role():
    assert set(ROLES) == {"reception", "counter", "supervisor", "administrator", "analyst", "dx_desk", "hr",
                          "kiosk", "display", "survey_tablet", "anonymous"}


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_page_is_open_to_exactly_the_roles_granted_it(role, url):
    response = client_for(role).get(url)

    if role in PAGES[url]:
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302
        login = "/admin/login/" if url.startswith("/admin/") else "/staff/login/"
        assert response["Location"] == f"{login}?next={url}"
    else:
        assert response.status_code == 403
        assert "403.html" in [t.name for t in response.templates]


@pytest.mark.django_db
@pytest.mark.parametrize("url", APIS)
@pytest.mark.parametrize("role", ROLES)
def test_api_is_open_to_exactly_the_roles_granted_it(role, url):
    response = client_for(role).get(url)

    if role in APIS[url]:
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
    else:
        assert response.status_code == (401 if role == "anonymous" else 403)
        assert response.json()["message"]


@pytest.mark.django_db
def test_me_reports_the_accounts_role_and_capabilities():
    client = Client()
    client.force_login(UserFactory(username="tanaka", role="reception"))

    body = client.get("/api/v1/me").json()

    assert body["username"] == "tanaka"
    assert body["role"] == "reception"
    assert body["capabilities"] == ["catalog.view", "dx_desk.consult", "navigator.assist", "reception.register",
                                    "staff.home", "talent.figures", "talent.self"]


@pytest.mark.django_db
def test_audit_events_api_returns_only_the_latest_hundred_newest_first():
    from madoguchi.audit.models import Event

    Event.objects.bulk_create([Event(action=f"test.event{n}") for n in range(105)])
    client = Client()
    client.force_login(UserFactory(role="supervisor"))

    events = client.get("/api/v1/audit/events").json()

    assert len(events) == 100
    ids = [e["id"] for e in events]
    assert ids == sorted(ids, reverse=True)
    assert ids[0] == Event.objects.order_by("-id").first().pk


def _routes(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.callback


def test_every_page_outside_admin_and_api_declares_who_may_open_it():
    """Deny by default: a page with neither @public nor @requires would be refused to everybody;
    this test makes the omission visible at once instead of in production."""
    routes = [(route, view) for route, view in _routes(get_resolver()) if not route.startswith(("admin/", "api/"))]
    assert len(routes) >= 8  # the walk found the project's pages, not an empty list

    unmarked = [route or "/" for route, view in routes if view_policy(view) == (False, None)]

    assert unmarked == []


def unmarked_view(request):
    from django.http import HttpResponse

    return HttpResponse("should never be served")


# The project's pages plus one that forgot its marker (the 403 page links to the project's pages).
urlpatterns = [path("unmarked/", unmarked_view), path("", include("config.urls"))]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_view_without_a_marker_is_refused_even_to_the_administrator():
    response = client_for("administrator").get("/unmarked/")

    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_view_without_a_marker_sends_anonymous_visitors_to_the_login_page():
    response = client_for("anonymous").get("/unmarked/")

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=/unmarked/")


@pytest.mark.django_db
def test_an_htmx_request_that_is_refused_gets_a_short_alert_not_a_whole_page():
    response = client_for("counter").get("/staff/audit/", headers={"HX-Request": "true"})

    assert response.status_code == 403
    assert [t.name for t in response.templates] == ["core/_denied.html"]
    assert b"<html" not in response.content
    assert b'role="alert"' in response.content


@pytest.mark.django_db
def test_an_anonymous_htmx_request_sends_the_whole_tab_to_the_login_page():
    response = client_for("anonymous").get(
        "/staff/catalog/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/staff/"}
    )

    assert response["HX-Redirect"] == "/staff/login/?next=/staff/"
