"""The congestion answer is computed and serialised once per period for every process, not per request."""

import json

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madoguchi.core.mynumber import is_valid_individual_number
from madoguchi.counters import selectors
from madoguchi.reception import services

pytestmark = pytest.mark.django_db


def test_a_process_without_the_figures_takes_another_ones_from_the_shared_cache(site):
    services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    data, body = selectors.congestion_answer()
    caches["default"].clear()  # another worker: its own memory is empty
    with CaptureQueriesContext(connection) as queries:
        again, again_body = selectors.congestion_answer()
    assert (again, again_body) == (data, body)
    assert not [q for q in queries.captured_queries if "reception_step" in q["sql"]]


def test_the_api_answers_the_stored_body_with_its_etag(client, site):
    services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    response = client.get("/api/v1/congestion")
    data, body = selectors.congestion_answer()
    assert response.content == body and response["Content-Type"] == "application/json"
    assert json.loads(body) == data and response["ETag"] == f'"{data["etag"]}"'
    assert client.get("/api/v1/congestion", headers={"If-None-Match": response["ETag"]}).status_code == 304


def test_the_answer_skips_the_page_machinery_and_says_the_same_as_the_whole_way(client, site, caplog):
    # The same answer as through the whole stack (a query string sends it there), headers included but the
    # language's: the answer carries every name and does not vary by language.
    from django.urls import reverse

    services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    with caplog.at_level("INFO", logger="madoguchi.requests"):
        short = client.get("/api/v1/congestion")
    whole = client.get("/api/v1/congestion?whole=1")
    assert short.content == whole.content and short.status_code == whole.status_code == 200
    different = {name for name in set(short.headers) | set(whole.headers) if short.get(name) != whole.get(name)}
    assert different == {"Vary", "Content-Language"}
    assert "sessionid" not in short.cookies and "csrftoken" not in short.cookies
    assert {r.view for r in caplog.records if hasattr(r, "view")} == {"api:congestion"}  # logged under its name
    assert reverse("api:congestion") == "/api/v1/congestion"
    assert client.head("/api/v1/congestion")["ETag"] == short["ETag"]
    assert client.get("/api/v1/congestion", headers={"If-None-Match": short["ETag"]}).status_code == 304
    assert client.post("/api/v1/congestion").status_code == 405  # other methods go the whole way
    assert client.get("/api/v1/congestion", headers={"Host": "elsewhere.example"}).status_code == 400


def test_a_query_string_still_meets_the_typed_text_guard(client, site):
    number = "4321 8765 093" + next(d for d in "0123456789" if is_valid_individual_number("43218765093" + d))
    assert client.get("/api/v1/congestion", {"q": number}).status_code == 422
