"""The congestion answer is computed and serialised once per period for every process, not per request."""

import json

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
