"""The live staffing suggestion (issue 18): from the queues now, one desk to move within a section,
with its effect; accepting it closes one desk and opens another. Real database and browser."""

import pytest
from playwright.sync_api import expect

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Counter
from madoguchi.core.roles import Role
from madoguchi.insights import staffing
from madoguchi.insights.simulation.advisor import LiveQueue, suggest_move
from madoguchi.reception import services
from madoguchi.reception.selectors import desk_states

from .test_simulator_e2e import signed_in_page


def queue(code, section, open_, desks, waiting):
    return LiveQueue(code, section, open_, desks, tuple([10.0] * waiting), ())


def test_a_desk_moves_to_the_long_queue_of_the_same_section_only():
    queues = [queue("cert", "koseki", 4, 4, 2), queue("move", "koseki", 2, 4, 30), queue("nhi", "kokuho", 6, 6, 0)]
    suggestion = suggest_move(queues, target=30)
    assert (suggestion.from_counter, suggestion.to_counter) == ("cert", "move")
    assert suggestion.before[1] == pytest.approx(150) and suggestion.after[1] == pytest.approx(100)
    assert suggestion.after[0] <= 30
    # Another section's idle desks are never offered; under the target nothing moves.
    assert suggest_move([queues[1], queues[2]], target=30) is None
    assert suggest_move(queues, target=200) is None


def open_desks(counter):
    return sum(is_open for _number, is_open in desk_states(counter))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_supervisor_accepts_the_suggestion_and_the_desks_change(site, browser, live_server, axe):
    move = Counter.objects.get(code="koseki-move")
    for number in range(2, move.desks + 1):
        services.desk_set_open(counter=move, number=number, is_open=False)
    for _ in range(6):
        services.visit_register(site=site, procedure_codes=["juki.move_in"])
    suggestion, _counters = staffing.live_suggestion(target=30)
    assert suggestion is not None and suggestion.to_counter == "koseki-move"
    giver = Counter.objects.get(code=suggestion.from_counter)
    before = open_desks(giver)

    page = signed_in_page(browser, live_server, UserFactory(role=Role.SUPERVISOR))
    page.goto("/staff/insights/staffing/")
    expect(page.get_by_role("heading", level=2)).to_contain_text(move.name_ja)
    axe(page)
    page.get_by_role("button", name="受け入れる", exact=False).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe(page)

    assert open_desks(move) == 2
    assert open_desks(giver) == before - 1
