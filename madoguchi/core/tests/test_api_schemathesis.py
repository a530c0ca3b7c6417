"""The whole API from its own OpenAPI document (schemathesis): valid and invalid requests of every
operation, as a stranger and with a token per role, and every answer checked — never a 5xx, and
every status, content type and body as the document says.

The number of examples per operation is kept small enough that the suite stays within its time
budget on both databases; set ``SCHEMATHESIS_EXAMPLES`` higher for a longer hunt.
"""

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from madoguchi.accounts.services import api_token_get_or_create
from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.reception.tests.factories import StepFactory, VisitFactory

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
ROLES = ["anonymous", Role.RECEPTION, Role.COUNTER, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.KIOSK, Role.ANALYST,
         Role.DX_DESK, Role.HR]


def _schema():
    """The document as the API serves it, and the app to call in process."""
    import config.urls  # noqa: F401 - every router mounted before the document is made
    from madoguchi.core.api import api

    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


@pytest.fixture
def in_process_app(db, starter_catalog, clerk):
    # Something to find for the operations that read: a visit called and served at a counter.
    StepFactory(visit=VisitFactory(procedures=["juki.move_in", "nhi.enroll"]), clerk=clerk, started=True)
    VisitFactory(procedures=["cert.juminhyo"])
    # In process, as Django's own test client does: a request must not close the test's database
    # connection when it finishes.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def role_headers(db, starter_catalog) -> dict[str, dict]:
    """The request headers of a stranger and of an account of each role (a token each)."""
    headers = {"anonymous": {}}
    for role in ROLES[1:]:
        user = UserFactory(role=role, counters=["koseki-move", "kokuho", "koseki-cert"])
        headers[role] = {"Authorization": f"Bearer {api_token_get_or_create(user=user).key}"}
    return headers


# (operation, role) pairs the authentication refused with "Your role may not do this": it answers before
# reading any input, from the operation's capabilities and the role's token alone (the token we send
# replaces any Authorization header schemathesis generates), so every case gets the same answer. Such a pair
# gets one case in len(ROLES) - 1 (the named roles take turns), not every case: every role still meets every
# operation with some of its cases, and the roles it admits get them all. The stranger gets every case: its
# request carries the Authorization header and cookie schemathesis generates, which the token parser reads.
AUTH_REFUSED: set[tuple[str, str]] = set()
CASES_SEEN: dict[str, int] = {}


def _refused_by_role(response) -> bool:
    try:
        return response.status_code == 403 and response.json()["message"].startswith("Your role may not do this")
    except (ValueError, KeyError, TypeError, AttributeError):
        return False


@pytest.mark.once_on_postgresql  # PostgreSQL is the stricter database (NUL, lengths): once there when side by side
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow,
                                 HealthCheck.function_scoped_fixture])
def test_every_operation_answers_as_its_document_says(case, in_process_app, role_headers):
    operation = case.operation.label
    number = CASES_SEEN[operation] = CASES_SEEN.get(operation, -1) + 1
    for index, (role, headers) in enumerate(role_headers.items()):  # each generated request, as each role
        if (operation, role) in AUTH_REFUSED and number % (len(ROLES) - 1) != index - 1:
            continue
        # Every check but "a schema-valid request must be accepted": a schema cannot say that a life
        # event code must be one of the catalogue's, or that the identity comes before the answers;
        # those refusals are 422s naming the field, which the other checks hold to the document.
        response = case.call_and_validate(headers=headers,
                                          excluded_checks=[schemathesis.checks.positive_data_acceptance])
        if role != "anonymous" and _refused_by_role(response):
            AUTH_REFUSED.add((operation, role))

