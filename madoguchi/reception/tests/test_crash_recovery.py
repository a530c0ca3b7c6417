"""Killing the app server mid-load and restarting it loses no visit and no Step state.

A real gunicorn serves the test database; clients register visits and call/complete them while
the server is killed with SIGKILL and started again. Every answer the clients got must be in the
database afterwards, and no visit may be half-written (a visit without Steps, two open Steps
being served at once, a Step whose status disagrees with its last event)."""

import http.client
import json
import threading
import time

import pytest

from madoguchi.accounts.services import api_token_get_or_create
from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Counter
from madoguchi.core.roles import Role
from madoguchi.reception.models import Step, StepEvent, Visit

from .servers import free_port, kill, start_server, until

pytestmark = pytest.mark.django_db(transaction=True)


class Clients:
    """Keeps registering and serving until stopped; records every answer the server gave."""

    def __init__(self, port: int, reception_token: str, clerk_token: str):
        self.port = port
        self.headers = {"reception": {"Authorization": f"Bearer {reception_token}", "Content-Type": "application/json"},
                        "clerk": {"Authorization": f"Bearer {clerk_token}", "Content-Type": "application/json"}}
        self.registered: dict[int, str] = {}  # visit id → ticket
        self.completed: set[int] = set()  # step ids
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def post(self, who: str, path: str, body: dict):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("POST", path, json.dumps(body), self.headers[who])
            response = connection.getresponse()
            return response.status, response.read()
        except OSError:
            return None, b""  # the server died mid-request: no answer, no promise
        finally:
            connection.close()

    def register(self):
        kinds = [["cert.juminhyo"], ["juki.move_in", "nhi.enroll"], ["cert.tax", "cert.seal"]]
        n = 0
        while not self.stop.is_set():
            status, body = self.post("reception", "/api/v1/visits", {"procedures": kinds[n % 3]})
            n += 1
            if status == 201:
                visit = json.loads(body)
                with self.lock:
                    self.registered[visit["id"]] = visit["ticket_number"]

    def serve(self, counter: str, desk: int):
        step = None
        while not self.stop.is_set():
            if step is None:
                status, body = self.post("clerk", f"/api/v1/counters/{counter}/call-next", {"desk": desk})
                if status == 200:
                    step = json.loads(body)["step"]["id"]
                elif status == 409:  # our desk still holds a visitor called before the crash
                    step = Step.objects.filter(counter__code=counter, desk=desk, status__in=Step.ACTIVE) \
                        .values_list("id", flat=True).first()
                else:
                    time.sleep(0.02)
            else:
                status, _body = self.post("clerk", f"/api/v1/steps/{step}/complete", {})
                if status == 200:
                    with self.lock:
                        self.completed.add(step)
                    step = None
                elif status == 409:
                    step = None  # it was completed by our request before the crash answered


def test_a_killed_server_loses_no_visit_and_no_step_state(starter_catalog):
    reception = api_token_get_or_create(user=UserFactory(role=Role.RECEPTION)).key
    clerk = api_token_get_or_create(user=UserFactory(role=Role.SUPERVISOR)).key
    Counter.objects.filter(code__in=["koseki-cert", "kokuho"]).update(desks=3)
    port = free_port()
    server = start_server(port)
    clients = Clients(port, reception, clerk)
    threads = [threading.Thread(target=clients.register) for _ in range(3)]
    threads += [threading.Thread(target=clients.serve, args=(c, d)) for c in ("koseki-cert", "kokuho") for d in (1, 2)]
    for thread in threads:
        thread.start()
    try:
        # Kill only once the load is really running (a slow, busy machine takes longer to get there),
        # so the kill lands mid-traffic; then let it run as long again after the restart.
        running = until(lambda: len(clients.registered) >= 5 and clients.completed, timeout=60)
        before_kill = len(clients.registered)
        kill(server)
        server = start_server(port)
        after = len(clients.registered)
        until(lambda: len(clients.registered) >= after + 5, timeout=60)
    finally:
        clients.stop.set()
        for thread in threads:
            thread.join()
        kill(server)

    assert running and before_kill > 0, "no visit was served before the kill: the test proved nothing"
    assert len(clients.registered) > before_kill, "nothing was registered after the restart"
    stored = dict(Visit.objects.values_list("id", "ticket_number"))
    missing = {vid: t for vid, t in clients.registered.items() if stored.get(vid) != t}
    assert not missing, f"acknowledged visits lost: {missing}"
    assert len(set(stored.values())) == len(stored)
    not_done = Step.objects.filter(pk__in=clients.completed).exclude(status=Step.Status.DONE)
    assert not not_done.exists(), "a completed Step lost its state"
    for visit in Visit.objects.prefetch_related("steps"):
        steps = list(visit.steps.all())
        assert steps, f"{visit.ticket_number} was half-written: no Steps"
        in_line = [s for s in steps if s.status in (Step.Status.QUEUED, *Step.ACTIVE)]
        assert len(in_line) <= 1, f"{visit.ticket_number} is in two queues at once"
        if visit.status == Visit.Status.ACTIVE:
            assert in_line, f"{visit.ticket_number} is active but in no queue"
    last_kind = {}
    for step_id, kind in StepEvent.objects.order_by("at", "id").values_list("step_id", "kind"):
        last_kind[step_id] = kind
    for step in Step.objects.exclude(status=Step.Status.PENDING):
        expected = {"queued": "queued", "called": "called", "serving": "serving", "done": "done"}[step.status]
        assert last_kind.get(step.pk) in {expected, "recalled"} | ({"requeued"} if expected == "queued" else set())
