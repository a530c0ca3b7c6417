"""The agent end to end over real HTTP on a free port, with the simulated card."""

import http.client
import json
import logging
import threading

import pytest

from madoguchi.cardreader.card.simulator import SimulatedCard
from madoguchi.cardreader.server import make_server
from madoguchi.cardreader.sources import SimulatorSource

OFFICE = "http://127.0.0.1:8000"
PIN = "7395"  # distinctive, so that finding it in a log cannot be a coincidence
WRONG_PIN = "4862"


@pytest.fixture
def card():
    return SimulatedCard(name="髙﨑　𠮷男", pin=PIN)


@pytest.fixture
def agent(card):
    server = make_server(SimulatorSource(card), origin=OFFICE, port=0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def request(agent, method, path, *, body=None, origin=OFFICE, headers=None, raw=None):
    connection = http.client.HTTPConnection("127.0.0.1", agent.port, timeout=10)
    sent = dict(headers or {})
    if origin is not None:
        sent["Origin"] = origin
    payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    if payload is not None:
        sent.setdefault("Content-Type", "application/json")
    connection.request(method, path, body=payload, headers=sent)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    is_json = response.getheader("Content-Type", "").startswith("application/json")
    return response, (json.loads(data) if data and is_json else None)


def test_the_right_pin_returns_the_four_facts(agent):
    response, body = request(agent, "POST", "/read", body={"pin": PIN})
    assert response.status == 200
    assert body == {"source": "card", "name": "髙﨑　𠮷男", "address": "東京都板橋区板橋二丁目66番1号",
                    "birth_date": "1977-04-01", "birth_date_wareki": "昭和52年4月1日", "sex": 1}


def test_the_office_origin_gets_cors_headers_and_no_caching(agent):
    response, _ = request(agent, "POST", "/read", body={"pin": PIN})
    assert response.getheader("Access-Control-Allow-Origin") == OFFICE
    assert response.getheader("Cache-Control") == "no-store"


def test_a_wrong_pin_answers_with_the_tries_left_two_then_one(agent):
    first, first_body = request(agent, "POST", "/read", body={"pin": WRONG_PIN})
    second, second_body = request(agent, "POST", "/read", body={"pin": WRONG_PIN})
    assert (first.status, second.status) == (403, 403)
    assert (first_body["error"], first_body["tries_left"]) == ("wrong_pin", 2)
    assert second_body["tries_left"] == 1
    assert "tries left" in second_body["message"]


def test_a_wrong_pin_is_tried_once_per_request(agent, card):
    request(agent, "POST", "/read", body={"pin": WRONG_PIN})
    assert card.verify_attempts == 1


def test_three_wrong_pins_lock_the_card_and_the_right_one_is_then_refused(agent, card):
    for _ in range(3):
        request(agent, "POST", "/read", body={"pin": WRONG_PIN})
    response, body = request(agent, "POST", "/read", body={"pin": PIN})
    assert response.status == 423
    assert (body["error"], body["tries_left"]) == ("pin_locked", 0)
    assert card.verify_attempts == 3


def test_status_shows_reader_card_and_tries_left(agent):
    request(agent, "POST", "/read", body={"pin": WRONG_PIN})
    response, body = request(agent, "GET", "/status")
    assert response.status == 200
    assert body == {"reader": True, "reader_name": "madoguchi simulated reader", "card": True,
                    "tries_left": 2, "locked": False}


def test_status_without_a_card_says_so(agent, card):
    card.remove()
    _, body = request(agent, "GET", "/status")
    assert (body["card"], body["tries_left"]) == (False, None)


def test_reading_without_a_card_is_a_conflict(agent, card):
    card.remove()
    response, body = request(agent, "POST", "/read", body={"pin": PIN})
    assert (response.status, body["error"]) == (409, "card_absent")


def test_a_card_removed_mid_read_is_reported(agent, card):
    card.address = "東京都板橋区" + "髙島平" * 120
    card.remove_after_reads = 1
    response, body = request(agent, "POST", "/read", body={"pin": PIN})
    assert (response.status, body["error"]) == (409, "card_removed")


def test_another_origin_is_refused_without_cors_headers(agent, card):
    response, body = request(agent, "POST", "/read", body={"pin": PIN}, origin="http://evil.example")
    assert response.status == 403
    assert body["error"] == "origin_refused"
    assert response.getheader("Access-Control-Allow-Origin") is None
    assert card.commands == []


def test_another_origin_cannot_even_read_the_status(agent):
    response, _ = request(agent, "GET", "/status", origin="http://evil.example")
    assert response.status == 403
    assert response.getheader("Access-Control-Allow-Origin") is None


def test_the_preflight_of_the_office_origin_is_allowed(agent):
    response, _ = request(agent, "OPTIONS", "/read", headers={
        "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type",
        "Access-Control-Request-Private-Network": "true"})
    assert response.status == 204
    assert response.getheader("Access-Control-Allow-Origin") == OFFICE
    assert "POST" in response.getheader("Access-Control-Allow-Methods")
    assert response.getheader("Access-Control-Allow-Headers") == "Content-Type"
    assert response.getheader("Access-Control-Allow-Private-Network") == "true"


def test_the_preflight_of_another_origin_is_refused(agent):
    response, _ = request(agent, "OPTIONS", "/read", origin="http://evil.example",
                          headers={"Access-Control-Request-Method": "POST"})
    assert response.status == 403
    assert response.getheader("Access-Control-Allow-Origin") is None


def test_a_foreign_host_header_is_refused(agent):
    response, body = request(agent, "GET", "/status", origin=None, headers={"Host": "rebound.example:8765"})
    assert (response.status, body["error"]) == (403, "host_refused")


def test_a_form_post_is_refused_as_not_json(agent, card):
    response, body = request(agent, "POST", "/read", raw=b"pin=7395",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (response.status, body["error"]) == (415, "json_required")
    assert card.commands == []


@pytest.mark.parametrize("sent", [{"pin": "12"}, {"pin": 7395}, {"code": "7395"}, ["7395"]])
def test_a_pin_that_is_not_four_digits_is_refused_without_touching_the_card(agent, card, sent):
    response, body = request(agent, "POST", "/read", body=sent)
    assert (response.status, body["error"]) == (400, "invalid_pin")
    assert card.commands == []


def test_the_pin_never_appears_in_the_logs_or_responses(agent, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    seen = []
    for pin in (PIN, WRONG_PIN, "12"):
        response, body = request(agent, "POST", "/read", body={"pin": pin})
        seen.append(json.dumps(body, ensure_ascii=False))
        seen.extend(f"{k}: {v}" for k, v in response.getheaders())
    captured = capsys.readouterr()
    everything = "\n".join([caplog.text, captured.out, captured.err, *seen])
    assert "POST /read" in caplog.text  # the access log is there …
    assert PIN not in everything and WRONG_PIN not in everything  # … and no PIN is in it


def test_an_unknown_path_is_not_found(agent):
    response, _ = request(agent, "GET", "/facts")
    assert response.status == 404


# --- request smuggling and requests without an Origin -------------------------------------------


def raw_exchange(agent, data: bytes) -> bytes:
    """Send ``data`` on one connection and read everything the agent answers until it closes."""
    import socket

    with socket.create_connection(("127.0.0.1", agent.port), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def http_request(agent, method: str, path: str, body: bytes = b"", **headers) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{agent.port}"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def test_a_refused_request_cannot_smuggle_a_pin_try_in_its_body(agent, card):
    tries_before = card.tries_left
    smuggled = http_request(agent, "POST", "/read", json.dumps({"pin": WRONG_PIN}).encode())
    outer = http_request(agent, "POST", "/read", smuggled, Origin="https://evil.example")

    answer = raw_exchange(agent, outer)

    assert answer.count(b"HTTP/1.1 ") == 1, answer  # one answer, then the connection closed
    assert answer.startswith(b"HTTP/1.1 403") and b"Connection: close" in answer
    assert card.tries_left == tries_before  # no PIN try was spent


def test_a_request_without_an_origin_is_refused_by_default(agent, card):
    tries_before = card.tries_left
    response, body = request(agent, "POST", "/read", body={"pin": WRONG_PIN}, origin=None)
    assert response.status == 403 and body["error"] == "origin_required"
    assert card.tries_left == tries_before


def test_local_tools_may_read_the_status_without_an_origin_when_allowed(card):
    server = make_server(SimulatorSource(card), origin=OFFICE, port=0, allow_local_tools=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        response, body = request(server, "GET", "/status", origin=None)
    finally:
        server.shutdown()
        server.server_close()
    assert response.status == 200 and body["card"] is True


def test_no_log_line_holds_a_pin_from_a_query_string_or_a_garbled_request_line(agent, caplog):
    caplog.set_level(logging.DEBUG, logger="madoguchi.cardreader")
    request(agent, "GET", f"/read?pin={PIN}")
    raw_exchange(agent, f"GARBAGE {PIN} {PIN}\r\n\r\n".encode())
    request(agent, "POST", f"/read?pin={PIN}", body={"pin": PIN})

    assert caplog.records, "the agent logs its requests"
    assert not [r for r in caplog.records if PIN in r.getMessage()]
