"""N registrations through the API in process (run by bench/instructions/run.sh under callgrind): the mix of the
request-cost bench (one to three procedures), as the reception's API token."""

import json
import os

from django.test import Client

from madoguchi.accounts.models import User
from madoguchi.accounts.services import api_token_get_or_create, staff_create

KINDS = [["cert.juminhyo"], ["juki.move_in", "nhi.enroll"], ["cert.juminhyo"], ["juki.move_out"]]

user = User.objects.filter(username="bench_reception").first() or staff_create(
    username="bench_reception", role="reception", password=None)
token = api_token_get_or_create(user=user).key
client = Client(HTTP_HOST="127.0.0.1")
for n in range(int(os.environ["N"])):
    response = client.post("/api/v1/visits", json.dumps({"procedures": KINDS[n % 4], "channel": "kiosk"}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.content
