"""Tickets served through the API in process (run by bench/instructions/run.sh under callgrind, SCRIPT=serving.py):
200 certificate visits registered (the same in every run, so they cancel out in the difference), then N served at
one desk the clerk console's long way: call-next, start, complete."""

import json
import os

from django.test import Client

from madoguchi.accounts.models import User
from madoguchi.accounts.services import api_token_get_or_create, staff_create


def token(name, role):
    user = User.objects.filter(username=name).first() or staff_create(username=name, role=role, password=None)
    return api_token_get_or_create(user=user).key


reception, clerk = token("bench_reception", "reception"), token("bench_clerk", "supervisor")
client = Client(HTTP_HOST="127.0.0.1")


def post(path, key, body):
    response = client.post(path, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code in (200, 201), (path, response.status_code, response.content)
    return response.json()


for _ in range(200):
    post("/api/v1/visits", reception, {"procedures": ["cert.juminhyo"], "channel": "kiosk"})
for _ in range(int(os.environ["N"])):
    step = post("/api/v1/counters/koseki-cert/call-next", clerk, {"desk": 1})["step"]["id"]
    post(f"/api/v1/steps/{step}/start", clerk, {})
    post(f"/api/v1/steps/{step}/complete", clerk, {})
