"""The simulated terminal keeps the adapter's promises (see terminals.base), with its state in its own
file: idempotent per key, status of a key, cancel (void the same day, refund later, burn an unknown
key), and a settlement report."""

import threading
import time
from datetime import date, timedelta

import pytest

from madoguchi.payments.settlement import parse_settlement_csv
from madoguchi.payments.terminals import Outcome, TerminalTimeout
from madoguchi.payments.terminals.simulated import SimulatedTerminal


@pytest.fixture
def terminal(tmp_path):
    return SimulatedTerminal(path=tmp_path / "t.sqlite3")


def charge(terminal, key, amount=450):
    return terminal.charge(key=key, terminal_id="desk-1", amount_yen=amount, method="card")


def test_a_key_charged_twice_is_one_sale_with_the_first_answer(terminal):
    first = charge(terminal, "k1")
    again = charge(terminal, "k1", amount=999)
    assert first == again and first.outcome == Outcome.APPROVED
    assert [c["amount_yen"] for c in terminal.charges()] == [450]


def test_the_script_then_the_default(terminal):
    terminal.script(["decline", "cancel"])
    terminal.set_default("decline")
    outcomes = [charge(terminal, f"k{n}").outcome for n in range(3)]
    assert outcomes == [Outcome.DECLINED, Outcome.CANCELLED, Outcome.DECLINED]
    with pytest.raises(ValueError):
        terminal.script(["explode"])


def test_a_timeout_takes_the_money_and_status_says_so(terminal):
    terminal.script(["timeout", "lost"])
    with pytest.raises(TerminalTimeout):
        charge(terminal, "k1")
    with pytest.raises(TerminalTimeout):
        charge(terminal, "k2")
    assert terminal.status(key="k1").outcome == Outcome.APPROVED
    assert terminal.status(key="k2").outcome == Outcome.NOT_FOUND


def test_the_state_survives_a_new_instance_on_the_same_file(terminal, tmp_path):
    charge(terminal, "k1")
    assert SimulatedTerminal(path=tmp_path / "t.sqlite3").status(key="k1").outcome == Outcome.APPROVED


def test_cancel_voids_the_same_day_refunds_later_and_burns_an_unknown_key(terminal):
    today = terminal._now().date()
    charge(terminal, "today", 450)
    charge(terminal, "earlier", 300)
    terminal.backdate(key="earlier", day=today - timedelta(days=3))

    void = terminal.cancel(key="today")
    refund = terminal.cancel(key="earlier")
    assert (void.outcome, refund.outcome) == (Outcome.REVERSED, Outcome.REVERSED)
    assert terminal.cancel(key="today") == void  # idempotent
    assert terminal.cancel(key="never").outcome == Outcome.NOT_FOUND
    assert charge(terminal, "never").outcome == Outcome.CANCELLED  # burned: no money taken

    todays = parse_settlement_csv(terminal.settlement_report(day=today))
    assert [(s.kind, s.amount_yen) for s in todays] == [("refund", -300)]  # the void left no sale
    earlier = parse_settlement_csv(terminal.settlement_report(day=today - timedelta(days=3)))
    assert [(s.kind, s.amount_yen) for s in earlier] == [("sale", 300)]  # a refund keeps the day's sale


def test_an_empty_day_has_a_header_only(terminal):
    assert parse_settlement_csv(terminal.settlement_report(day=date(2020, 1, 1))) == []


def test_a_held_charge_is_in_progress_until_released_and_another_instance_releases_it(terminal, tmp_path):
    terminal.hold()
    answers = []
    charging = threading.Thread(target=lambda: answers.append(
        terminal.charge(key="held-0001", terminal_id="t-1", amount_yen=300, method="card")))
    charging.start()
    device = SimulatedTerminal(path=terminal.path)  # another process's view of the same device
    for _ in range(200):
        if device.status(key="held-0001").outcome == Outcome.IN_PROGRESS:
            break
        time.sleep(0.01)
    assert device.status(key="held-0001").outcome == Outcome.IN_PROGRESS and device.state()["held"]
    charging.join(0.3)
    assert charging.is_alive() and answers == []  # still at the terminal
    device.release()
    charging.join(10)
    assert [a.outcome for a in answers] == [Outcome.APPROVED] and not device.state()["held"]
