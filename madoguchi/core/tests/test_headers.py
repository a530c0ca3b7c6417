"""The Content-Security-Policy on every response: this origin only, no inline script or style; the
card reader agent is reachable from the no-writing counter's page alone."""

import pytest
from django.conf import settings
from django.test import Client

from madoguchi.accounts.tests.factories import logged_in
from madoguchi.core.roles import Role
from madoguchi.reception.tests.factories import StepFactory, VisitFactory


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {parts[0]: parts[1:] for parts in (d.split() for d in header.split(";") if d.strip())}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/staff/login/", "/congestion/", "/navigator/", "/preapply/", "/appointments/",
                                 "/api/v1/congestion", "/healthz"])
def test_every_response_carries_a_strict_policy(starter_catalog, url):
    directives = policy(Client().get(url))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    assert directives["connect-src"] == ["'self'"]


@pytest.mark.django_db
def test_only_the_no_writing_counter_may_reach_the_card_reader_agent(client, clerk):
    step = StepFactory(visit=VisitFactory(procedures=["juki.move_in", "nhi.enroll"]), clerk=clerk, started=True)
    client.force_login(clerk)
    forms_page = client.get(f"/staff/visits/{step.visit_id}/forms/")
    assert policy(forms_page)["connect-src"] == ["'self'", settings.CARD_READER_AGENT_URL.rstrip("/")]
    console = client.get(f"/staff/counters/{step.counter.code}/")
    assert policy(console)["connect-src"] == ["'self'"]


@pytest.mark.django_db
def test_no_page_has_an_inline_script_or_event_handler(client, starter_catalog):
    import re

    logged_in(client, Role.ADMINISTRATOR)
    for url in ["/staff/", "/staff/reception/", "/staff/supervisor/", "/kiosk/", "/display/", "/staff/catalog/",
                "/navigator/", "/congestion/", "/preapply/", "/appointments/", "/staff/appointments/"]:
        html = client.get(url).content.decode()
        inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", html)
        handlers = re.findall(r"\son[a-z]+=\"", html)
        assert not inline and not handlers, (url, inline, handlers)


@pytest.mark.django_db
def test_the_policy_built_once_is_the_one_django_csp_builds(starter_catalog):
    from csp.utils import build_policy

    first, second = Client().get("/api/v1/congestion"), Client().get("/healthz")
    assert first["Content-Security-Policy"] == second["Content-Security-Policy"] == build_policy()
