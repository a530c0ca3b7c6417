"""The supervisor's simulator page: who may open it, the run, the htmx part, the what-if."""

import pytest
from django.urls import reverse

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.core.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_profiles")]
URL = reverse("insights:simulator")


@pytest.fixture
def supervisor(client):
    client.force_login(UserFactory(role=Role.SUPERVISOR))
    return client


def form_data(**extra):
    return {"profile": "small_day", "seed": "4", "policy": "all", "prefill_share": "", **extra}


def test_a_counter_clerk_may_not_open_the_simulator(client):
    client.force_login(UserFactory(role=Role.COUNTER))

    assert client.get(URL).status_code == 403


def test_the_page_offers_the_profiles_and_a_desk_field_per_counter(supervisor):
    response = supervisor.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="small_day"' in html
    assert 'name="desks_kokuho"' in html and 'name="desks_koseki-move"' in html
    assert 'hx-post="' + URL + '"' in html and 'hx-indicator="#simulation-progress"' in html


def test_running_the_simulation_shows_the_chart_and_the_figures(supervisor):
    response = supervisor.post(URL, form_data())

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="img" aria-labelledby="simulation-chart-caption"' in html
    assert 'id="simulation-chart-caption"' in html
    assert html.count('<table class="data">') == 3
    assert "<html" in html  # a plain form post gets the whole page


def test_all_four_policies_run_on_the_same_visitors_the_fourth_following_the_staffing_page(supervisor):
    html = supervisor.post(URL, form_data(), HTTP_HX_REQUEST="true").content.decode()
    headers = [line for line in html.splitlines() if '<th scope="col" class="numeric">(' in line]
    assert len(headers) == 3  # stays, estimates, utilisation
    for line in headers:
        assert [line.count(f'<th scope="col" class="numeric">({p}) ') for p in "abcd"] == [1, 1, 1, 1]
    assert "(d) (c)に加え、人員配置の提案どおりに席を移す" in html
    moves = html.split("1日に受け入れた席の移動（回）</th>")[1].split("</tr>")[0]
    assert moves.count('<td class="numeric">—</td>') == 3 and moves.count('<td class="numeric">') == 4
    assert int(moves.rsplit('<td class="numeric">', 1)[1].split("<")[0]) > 0  # (d)'s moves, counted

    alone = supervisor.post(URL, form_data(policy="d"), HTTP_HX_REQUEST="true").content.decode()
    assert "(d) (c)に加え、人員配置の提案どおりに席を移す" in alone and "(c) 窓口連携＋" not in alone


def test_htmx_gets_only_the_result(supervisor):
    response = supervisor.post(URL, form_data(policy="c"), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert "simulation-result-title" in html
    assert 'class="chart" src="data:image/svg+xml' in html


def test_the_what_if_is_applied(supervisor):
    base = supervisor.post(URL, form_data(policy="b"), HTTP_HX_REQUEST="true").content.decode()
    changed = supervisor.post(URL, form_data(policy="b", desks_kokuho="7", prefill_share="0.9"),
                              HTTP_HX_REQUEST="true").content.decode()

    assert base != changed
    assert "<td class=\"numeric\">7</td>" in changed  # the insurance counter's desks in the utilisation table


def test_a_what_if_leaving_visitors_without_a_desk_is_refused(supervisor):
    response = supervisor.post(URL, form_data(desks_kokuho="0"), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert 'role="alert"' in html
    assert "国民健康保険・国民年金" in html  # the counter the visitors need, named in the alert
    assert 'class="chart"' not in html


def test_an_invalid_field_is_reported(supervisor):
    response = supervisor.post(URL, form_data(seed="-1"), HTTP_HX_REQUEST="true")

    assert 'role="alert"' in response.content.decode()
