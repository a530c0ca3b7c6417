"""Messages ("Ticket A-001 registered.") made only when a request adds or reads one: a poll or an API call
builds no message storage and sets no cookie; a message added before a redirect is shown once on the next page."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.functional import empty

from madoguchi.accounts.tests.factories import logged_in
from madoguchi.core.middleware import LazyMessageMiddleware
from madoguchi.core.roles import Role
from madoguchi.reception.models import Visit


def test_a_request_that_never_touches_its_messages_builds_no_storage():
    request = RequestFactory().get("/api/v1/congestion")
    response = LazyMessageMiddleware(lambda request: HttpResponse("ok"))(request)
    assert request._messages._wrapped is empty
    assert "messages" not in response.cookies


@pytest.mark.django_db
def test_a_message_added_before_a_redirect_is_shown_on_the_next_page(client, site):
    logged_in(client, Role.RECEPTION)
    response = client.post("/staff/reception/", {"site": site.pk, "procedures": ["cert.juminhyo"]})
    assert response.status_code == 302
    ticket = Visit.objects.get().ticket_number
    told = f"受付番号 {ticket} を登録しました。"
    assert told in client.get(response["Location"]).content.decode()
    assert told not in client.get(response["Location"]).content.decode()  # shown once
