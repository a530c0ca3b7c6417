"""Two app servers on one PostgreSQL serve one office: the rate limits and "call next" hold across them.

Each server is a real gunicorn with two worker processes on the test database, with the shared cache
as deployed (the database cache table). A limit kept in each process's memory would let a client
through four times over here; a "call next" decided in Python would hand one visitor to two clerks.
"""

import http.client
import json
import threading
from collections import Counter as Tally

import pytest

from madoguchi.accounts.services import api_token_get_or_create
from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role
from madoguchi.navigator.api import EVALUATE_RATE
from madoguchi.reception.models import Step, StepEvent
from madoguchi.reception.tests.factories import VisitFactory

from .servers import free_port, kill, start_server

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

HOUSEHOLD = {"life_event": "move_in", "event_date": "2026-04-01", "moved_from": "other_prefecture",
             "household": [{"relation": "self", "age": 40, "insurance": "national"}]}


def post(port: int, path: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", path, json.dumps(body), {"Content-Type": "application/json", **(headers or {})})
        response = connection.getresponse()
        data = response.read()
        is_json = response.getheader("Content-Type", "").startswith("application/json")
        return response.status, json.loads(data) if data and is_json else {"raw": data[:200]}
    finally:
        connection.close()


@pytest.fixture
def two_servers(starter_catalog):
    ports = [free_port(), free_port()]
    servers = [start_server(port) for port in ports]
    yield ports
    for server in servers:
        kill(server)


def test_a_rate_limit_holds_across_both_servers_and_all_their_workers(two_servers):
    limit = int(EVALUATE_RATE.split("/")[0])
    statuses = Tally(post(two_servers[n % 2], "/api/v1/navigator/evaluate", HOUSEHOLD)[0]
                     for n in range(limit + 20))

    assert statuses[200] == limit, statuses  # not twice or four times the limit
    assert statuses[429] == 20


def test_call_next_on_both_servers_never_hands_one_visitor_to_two_clerks(two_servers):
    from madoguchi.catalog.models import Counter

    Counter.objects.filter(code="koseki-cert").update(desks=4)  # a desk for each clerk
    visits = [VisitFactory(procedures=["cert.juminhyo"]) for _ in range(30)]
    clerks = [UserFactory(role=Role.COUNTER, counters=["koseki-cert"]) for _ in range(4)]
    tokens = [api_token_get_or_create(user=clerk).key for clerk in clerks]
    served: list[int] = []
    lock = threading.Lock()

    def work(index: int):
        port = two_servers[index % 2]
        auth = {"Authorization": f"Bearer {tokens[index]}"}
        while True:
            status, body = post(port, "/api/v1/counters/koseki-cert/call-next", {"desk": index + 1}, auth)
            if status == 204:
                return
            assert status == 200, body
            step = body["step"]["id"]
            status, _ = post(port, f"/api/v1/steps/{step}/complete", {}, auth)
            assert status == 200
            with lock:
                served.append(step)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(len(clerks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(served) == len(set(served)) == len(visits)  # every visitor once, none twice
    calls = Tally(StepEvent.objects.filter(kind=StepEvent.Kind.CALLED).values_list("step_id", flat=True))
    assert set(calls.values()) == {1}
    assert not Step.objects.exclude(status=Step.Status.DONE).exists()
