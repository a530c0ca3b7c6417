"""Never a 500 from what a person (or a script) sends: every URL of the product, as the administrator
(who may open every page) and as a stranger, with impossible dates, odd numbers and garbage in the
query string, the path and posted forms.
"""

import functools
import re

import pytest
from django.core.handlers.base import BaseHandler
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.core.text import has_control_characters
from madoguchi.reception.models import Step
from madoguchi.reception.tests.factories import StepFactory, VisitFactory

# What the review found, and more of the same kind.
ODD_VALUES = ["2026-02-30", "--1", "²", "abc", "99999999999999999999", "令和99999999999年1月1日", "", "\u0000",
              "x" * 3000]
QUERY_NAMES = ["day", "date", "floor", "desk", "step", "site", "counters", "size", "event", "life_event", "part",
               "nav", "navigator_qr", "from", "to", "counter", "page", "lang", "group", "code", "q"]
POST_NAMES = ["step", "desk", "memo", "procedure", "procedures", "counter", "open", "site", "needs",
              "interpreter_language", "life_event", "reference", "code", "part", "action", "profile", "seed",
              "policy", "prefill_share", "contact", "starts_at", "day", "household-TOTAL_FORMS",
              "household-0-name", "household-0-birth_date", "answers-moved_on", "birth_date", "sex", "name",
              "postal_code", "address", "source", "codes", "username", "password", "language", "next"]


def _routes(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _paths(route: str, values: dict[str, list[str]]) -> list[str]:
    """The route with each of its converters filled in with sample and odd values."""
    if route.startswith("admin/") or "(?P" in route or route.startswith("^"):
        return []
    paths = ["/" + route]
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", route):
        samples = values.get(name) or (["1", "99999999999999999999"] if converter == "int" else ["x", "%E2%91%A0"])
        paths = [p.replace(f"<{converter + ':' if converter else ''}{name}>", s) for p in paths for s in samples]
    return paths


@pytest.fixture
def known(starter_catalog, clerk):
    step = StepFactory(visit=VisitFactory(procedures=["juki.move_in", "nhi.enroll"]), clerk=clerk, started=True)
    queued = VisitFactory(procedures=["cert.juminhyo"])
    return {
        "visit_id": [str(step.visit_id), "99999999999999999999"], "step_id": [str(step.pk), "99999999999999999999"],
        "token": [queued.status_token, "nonexistent-token"], "code": ["koseki-move", "nothing"],
        "counter_code": ["koseki-move", "nothing"], "number": ["1", "99"], "action": ["complete", "no-show", "x"],
        "group_code": ["moving", "nothing"], "event": ["move_in", "nothing"], "appointment_id": ["1", "999999"],
        "life_event": ["move_in", "nothing"],
    }


def _clients() -> dict[str, Client]:
    admin = Client()
    admin.force_login(UserFactory(role=Role.ADMINISTRATOR))
    return {"administrator": admin, "stranger": Client()}


def _assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what} → {response.status_code}"


class _WatchedQueryDict(QueryDict):
    """The query string or form a view is given: notes whether the view reads it, in any way."""

    read = False


# Every way to read a QueryDict (forms read it through get/getlist; ``in``, iteration, len and the copies too).
_READS = ("__getitem__", "__contains__", "__iter__", "__len__", "get", "getlist", "items", "lists", "keys",
          "values", "dict", "copy", "urlencode")


def _noting(name: str):
    def read(self, *args, **kwargs):
        self.read = True
        return getattr(QueryDict, name)(self, *args, **kwargs)

    read.__name__ = name
    return read


for _name in _READS:
    setattr(_WatchedQueryDict, _name, _noting(_name))


def _watched(query: QueryDict) -> _WatchedQueryDict:
    watched = _WatchedQueryDict(query.urlencode(), encoding=query.encoding)
    watched.read = False  # building it read it
    return watched


@pytest.fixture
def views_reading(monkeypatch):
    """``reads("GET")`` / ``reads("POST")``: whether the view (not the middleware before it) of the last request
    read its query string or its form, while it ran or while its response was rendered. A view that does not
    read them cannot answer differently to other values in them: only what reads the whole request (the
    middleware, the page's own address in a link) may, and one request with every odd value at once shows that."""
    last: dict[str, _WatchedQueryDict | None] = {"GET": None, "POST": None}
    make_view_atomic = BaseHandler.make_view_atomic

    def watching(handler, view):
        inner = make_view_atomic(handler, view)

        @functools.wraps(inner)
        def watched_view(request, *args, **kwargs):
            request.GET, request.POST = last["GET"], last["POST"] = _watched(request.GET), _watched(request.POST)
            return inner(request, *args, **kwargs)

        return watched_view

    def reads(kind: str) -> bool:
        watched, last[kind] = last[kind], None
        return watched is not None and watched.read

    monkeypatch.setattr(BaseHandler, "make_view_atomic", watching)
    return reads


# Every odd value at once, one in each field: for the views that read none of the fields. Not the control
# character: the middleware refuses it before the view (the views that read get it on its own, above).
_PASSING_THE_GUARD = [value for value in ODD_VALUES if not has_control_characters(value)]
assert ODD_VALUES[0] in _PASSING_THE_GUARD  # the first post shows whether the view reads its form


def _mixed(names: list[str]) -> dict[str, str]:
    return {name: _PASSING_THE_GUARD[index % len(_PASSING_THE_GUARD)] for index, name in enumerate(names)}


@pytest.mark.once_on_postgresql  # the stricter database (NUL, lengths): once there when side by side
@pytest.mark.django_db
def test_no_page_answers_5xx_to_odd_query_strings_or_paths(known, views_reading):
    checked = reading = 0
    for route in sorted(set(_routes(get_resolver()))):
        for path in _paths(route, known):
            if path.startswith("/api/"):
                continue  # the API has its own walk (schemathesis) and shapes
            for who, client in _clients().items():
                _assert_no_server_error(client.get(path), f"{who} GET {path}")
                if views_reading("GET"):
                    reading += 1
                    for value in ODD_VALUES:
                        query = {name: value for name in QUERY_NAMES}
                        _assert_no_server_error(client.get(path, query), f"{who} GET {path}?…={value!r}")
                _assert_no_server_error(client.get(path, _mixed(QUERY_NAMES)), f"{who} GET {path}?(every odd value)")
                checked += 1
    assert checked > 50 and reading > 10


@pytest.mark.once_on_postgresql  # the stricter database (NUL, lengths): once there when side by side
@pytest.mark.django_db
def test_no_form_post_answers_5xx_to_odd_values(known, views_reading):
    checked = reading = 0
    for route in sorted(set(_routes(get_resolver()))):
        for path in _paths(route, known):
            if path.startswith(("/api/", "/logout")):
                continue
            for who, client in _clients().items():
                for index, value in enumerate(ODD_VALUES):
                    # every other post repeats each field (a list where one value is expected)
                    data = {name: [value, value] if index % 2 else value for name in POST_NAMES}
                    _assert_no_server_error(client.post(path, data), f"{who} POST {path} …={value!r}")
                    if index == 0 and not views_reading("POST"):
                        break  # the view reads no form: the other values cannot change its answer
                else:
                    reading += 1
                _assert_no_server_error(client.post(path, _mixed(POST_NAMES)), f"{who} POST {path} (every odd value)")
                checked += 1
    assert checked > 50 and reading > 10
    assert Step.objects.exists()


@pytest.mark.django_db
def test_a_control_character_in_a_path_is_refused_everywhere_the_api_included(known):
    # /api/v1/counters/koseki%00/call-next was a 500 on PostgreSQL (it refuses NUL in text).
    admin = _clients()["administrator"]
    checked = 0
    for route in sorted(set(_routes(get_resolver()))):
        if not re.search(r"<(?:str:)?\w+>", route):
            continue
        for path in _paths(route, {name: ["x%00", "x%1B"] for name in re.findall(r"<(?:str:)?(\w+)>", route)}):
            for response in (admin.get(path), admin.post(path, "{}", content_type="application/json")):
                assert response.status_code == 422, f"{path} → {response.status_code}"  # the guard's refusal
            checked += 1
    assert checked > 10


@pytest.mark.django_db
def test_the_review_s_fourteen_inputs_answer_4xx_or_a_page(known):
    admin = _clients()["administrator"]
    for url in ["/staff/supervisor/summary/?date=2026-02-30", "/staff/appointments/?day=2026-02-30",
                "/display/?floor=--1", "/display/?floor=²", "/staff/counters/koseki-move/?desk=²",
                "/appointments/moving/?day=2026-02-30"]:
        assert admin.get(url).status_code < 500, url
    step = known["step_id"][0]
    for action in ("complete", "start", "recall", "no-show", "add"):
        assert admin.post(f"/staff/counters/koseki-move/{action}", {"step": "abc"}).status_code == 404
    assert admin.post("/staff/counters/koseki-move/complete", {"step": step, "memo": "x" * 2000}).status_code < 500
