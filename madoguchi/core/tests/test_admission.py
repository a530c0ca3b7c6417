"""One computing request at a time per worker process (core.admission), with real threads: a request waits
for the one before it, at most the patience; one waiting on the world outside gives its turn up, but never
inside a transaction. The order of events is asserted, never a duration."""

import threading

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from madoguchi.core import admission


def _request():
    return RequestFactory().get("/")


def _in_thread(target) -> threading.Thread:
    thread = threading.Thread(target=target)
    thread.start()
    return thread


def test_a_request_waits_for_the_one_before_it_to_finish(settings):
    settings.ADMISSION_PATIENCE_MS = 10_000
    first_in, let_first_go, order = threading.Event(), threading.Event(), []

    def first_view(request):
        first_in.set()
        let_first_go.wait(5)
        order.append("first done")
        return HttpResponse()

    def second_view(request):
        order.append("second runs")
        return HttpResponse()

    first = _in_thread(lambda: admission.AdmissionMiddleware(first_view)(_request()))
    first_in.wait(5)
    second = _in_thread(lambda: admission.AdmissionMiddleware(second_view)(_request()))
    second.join(0.2)  # given every chance to run: it must not
    assert order == []
    let_first_go.set()
    first.join(5)
    second.join(5)
    assert order == ["first done", "second runs"] and not admission._turn.locked()


def test_past_the_patience_a_request_runs_beside_a_long_one(settings):
    settings.ADMISSION_PATIENCE_MS = 20
    first_in, let_first_go, order = threading.Event(), threading.Event(), []

    def long_view(request):
        first_in.set()
        let_first_go.wait(5)
        order.append("long done")
        return HttpResponse()

    def short_view(request):
        order.append("short runs")
        assert not admission.holds_turn()  # it runs without the turn: the long one still has it
        return HttpResponse()

    long = _in_thread(lambda: admission.AdmissionMiddleware(long_view)(_request()))
    first_in.wait(5)
    admission.AdmissionMiddleware(short_view)(_request())
    let_first_go.set()
    long.join(5)
    assert order == ["short runs", "long done"] and not admission._turn.locked()


@pytest.mark.django_db(transaction=True)
def test_a_wait_outside_gives_the_turn_up_but_not_inside_a_transaction(settings):
    settings.ADMISSION_PATIENCE_MS = 10_000
    seen = {}

    def view(request):
        seen["at first"] = admission.holds_turn()
        with admission.waiting_outside():
            seen["outside"] = admission.holds_turn()
            other = _in_thread(lambda: seen.setdefault("another request ran",
                                                       admission.AdmissionMiddleware(lambda r: HttpResponse())(
                                                           _request()).status_code == 200))
            other.join(5)
        seen["back"] = admission.holds_turn()
        with transaction.atomic(), admission.waiting_outside():
            seen["outside, in a transaction"] = admission.holds_turn()
        return HttpResponse()

    admission.AdmissionMiddleware(view)(_request())
    assert seen == {"at first": True, "outside": False, "another request ran": True, "back": True,
                    "outside, in a transaction": True}
    assert not admission._turn.locked()
