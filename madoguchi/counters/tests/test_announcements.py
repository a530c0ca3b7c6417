"""The call display also announces in the visitor's interpreter language (the text and its speech tag)."""

import pytest
from playwright.sync_api import expect

from madoguchi.accounts.tests.factories import UserFactory, logged_in
from madoguchi.catalog.models import Counter
from madoguchi.core.roles import Role
from madoguchi.counters.announcements import SENTENCES, announcement
from madoguchi.counters.tests.test_flow_e2e import context_for
from madoguchi.reception import services
from madoguchi.reception.models import InterpreterLanguage


def test_each_spoken_interpreter_language_has_its_sentence_with_every_figure():
    spoken = {code for code, _name in InterpreterLanguage.choices} - {"en", "jsl"}
    assert spoken <= set(SENTENCES)
    for code in SENTENCES:
        said = announcement(code, ticket="A-023", floor=2, number="24")
        assert "A-023" in said.text and "2" in said.text and "24" in said.text
    assert announcement("", ticket="A-023", floor=2, number="24") is None
    assert announcement("jsl", ticket="A-023", floor=2, number="24") is None


@pytest.mark.django_db
def test_the_board_carries_the_visitors_language_only_for_that_call(client, site):
    counter = Counter.objects.get(code="koseki-cert")
    clerk = UserFactory(role=Role.COUNTER, counters=[counter.code])
    korean = services.visit_register(site=site, procedure_codes=["cert.juminhyo"], needs=["interpreter"],
                                     interpreter_language="ko")
    plain = services.visit_register(site=site, procedure_codes=["cert.juminhyo"])
    services.step_call_next(counter=counter, clerk=clerk)
    services.step_call_next(counter=counter, clerk=clerk, desk=2)
    logged_in(client, Role.DISPLAY)
    body = client.get("/display/calls?site=honcho").content.decode()
    assert f'data-say-extra="{korean.ticket_number}번 고객님' in body and 'data-say-extra-lang="ko-KR"' in body
    assert body.count("data-say-extra=") == 1  # the other visitor asked for no interpreter
    assert plain.ticket_number in body


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_display_announces_a_vietnamese_visitor_in_vietnamese_too(browser, live_server, site):
    counter = Counter.objects.get(code="koseki-cert")
    visit = services.visit_register(site=site, procedure_codes=["cert.juminhyo"], needs=["interpreter"],
                                    interpreter_language="vi")
    display = context_for(browser, live_server, UserFactory(role=Role.DISPLAY)).new_page()
    display.goto("/display/?site=honcho")
    expect(display.locator(".call-list")).to_be_attached()
    services.step_call_next(counter=counter, clerk=UserFactory(role=Role.COUNTER, counters=[counter.code]))
    expect(display.locator("#announcement")).to_contain_text(f"Xin mời số {visit.ticket_number}")
    expect(display.locator("#announcement")).to_contain_text("番窓口へお越しください")
