"""The back office's permission matrix: every new page and API operation as every role.

Written out by hand (not derived from ``roles.GRANTS``), so a grant that changes by mistake fails here.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.dxdesk.tests.factories import ConsultationFactory
from madoguchi.talent.selectors import current_fiscal_year
from madoguchi.talent.tests.factories import StaffMemberFactory, load_framework

ROLES = [*Role.values, "anonymous"]
STAFF = {"reception", "counter", "supervisor", "administrator", "dx_desk", "hr"}
READERS = {*STAFF, "analyst"}
DESK = {"dx_desk", "administrator"}
TALENT_ALL = {"hr", "dx_desk", "administrator"}

# {consultation} is filed by somebody else; {member} is in a section no supervisor here leads.
PAGES = {
    "/staff/dx/": STAFF,
    "/staff/dx/new/": STAFF,
    "/staff/dx/{consultation}/": DESK,
    "/staff/dx/dashboard/": READERS,
    "/staff/dx/ideas/": DESK,
    "/staff/talent/me/": STAFF,
    "/staff/talent/staff/": {"supervisor", *TALENT_ALL},
    "/staff/talent/staff/{member}/": TALENT_ALL,
    "/staff/talent/targets/": TALENT_ALL,
    "/staff/talent/gap/": READERS,
    "/staff/talent/import/": TALENT_ALL,
    "/staff/talent/framework/": READERS,
}
POSTS = {
    "/staff/dx/new/": STAFF,
    "/staff/dx/{consultation}/comment/": DESK,
    "/staff/dx/{consultation}/advance/": DESK,
    "/staff/dx/{consultation}/decline/": DESK,
    "/staff/dx/{consultation}/deliver/": DESK,
    "/staff/dx/{consultation}/measure/": DESK,
    "/staff/dx/ideas/open/": DESK,
    "/staff/talent/staff/{member}/assess/": TALENT_ALL,
    "/staff/talent/staff/{member}/confirm/": TALENT_ALL,
    "/staff/talent/staff/{member}/training/": TALENT_ALL,
    "/staff/talent/staff/{member}/qualification/": TALENT_ALL,
    "/staff/talent/targets/": TALENT_ALL,
    "/staff/talent/gap/close/": TALENT_ALL,
    "/staff/talent/import/": TALENT_ALL,
}
APIS = {
    "/api/v1/dx/consultations": STAFF,
    "/api/v1/dx/talent/gap?fiscal_year={year}": TALENT_ALL,
}


@pytest.fixture
def objects(db):
    load_framework()
    return {"consultation": ConsultationFactory().pk, "member": StaffMemberFactory().pk, "year": current_fiscal_year()}


def client_for(role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(UserFactory(role=role))
    return client


def refused(response, role: str, url: str) -> bool:
    if role == "anonymous":
        return response.status_code in (302, 401) and (response.status_code == 401
                                                       or response["Location"].startswith("/staff/login/"))
    return response.status_code == 403


def _wrong_answers(url: str, allowed: set[str], answer, admitted) -> list[str]:
    """Every role's answer to ``url`` that is not as the matrix says (one fixture for all the roles: the
    framework is loaded once per address, not once per role)."""
    wrong = []
    for role in ROLES:
        response = answer(client_for(role))
        if admitted(response, role) != (role in allowed):
            wrong.append(f"{role}: {response.status_code}")
    return wrong


@pytest.mark.parametrize("url", PAGES)
def test_every_back_office_page_is_open_to_exactly_its_roles(objects, url):
    def admitted(response, role):
        assert response.status_code == 200 or refused(response, role, url), f"{role}: {response.status_code}"
        return response.status_code == 200

    assert not _wrong_answers(url, PAGES[url], lambda client: client.get(url.format(**objects)), admitted)


@pytest.mark.parametrize("url", POSTS)
def test_every_back_office_form_posts_only_for_its_roles(objects, url):
    assert not _wrong_answers(url, POSTS[url], lambda client: client.post(url.format(**objects), {}),
                              lambda response, role: not refused(response, role, url))


@pytest.mark.parametrize("url", APIS)
def test_every_back_office_api_is_open_to_exactly_its_roles(objects, url):
    def admitted(response, role):
        if response.status_code == 200:
            return True
        assert response.status_code == (401 if role == "anonymous" else 403), f"{role}: {response.status_code}"
        assert response.json()["message"]
        return False

    assert not _wrong_answers(url, APIS[url], lambda client: client.get(url.format(**objects)), admitted)


def _routes(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def test_the_matrix_covers_every_back_office_url():
    routes = {"/" + r.replace("<int:pk>", "{x}") for r in _routes(get_resolver())
              if r.startswith(("staff/dx/", "staff/talent/"))}
    covered = {u.replace("{consultation}", "{x}").replace("{member}", "{x}") for u in [*PAGES, *POSTS]}

    assert routes and routes <= covered, routes - covered
