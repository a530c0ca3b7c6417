"""The insights pages: who may open them, the figures they show, exports, interventions, the monthly
PDF and the public forecast."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.audit.models import Event
from madoguchi.core.roles import Role
from madoguchi.insights import services
from madoguchi.insights.models import Intervention

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(starter_catalog):
    """Three weeks of small demo days up to yesterday (about 100 visits a day)."""
    return services.demo_history_write(days=21, seed=2, scale=0.12)


@pytest.fixture
def analyst(client):
    client.force_login(UserFactory(role=Role.ANALYST))
    return client


STAFF_PAGES = ["insights:dashboard", "insights:effects", "insights:interventions", "insights:forecast",
               "insights:monthly"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_a_counter_clerk_may_not_open_the_figures(client, starter_catalog, name):
    client.force_login(UserFactory(role=Role.COUNTER))

    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("role", [Role.ANALYST, Role.SUPERVISOR, Role.ADMINISTRATOR])
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_analysts_supervisors_and_administrators_open_every_page(client, starter_catalog, role, name):
    client.force_login(UserFactory(role=role))

    assert client.get(reverse(name)).status_code == 200


def test_an_empty_office_says_how_to_get_figures(analyst, starter_catalog):
    html = analyst.get(reverse("insights:dashboard")).content.decode()

    assert "demo_history" in html and "import_events" in html


def test_the_dashboard_shows_the_figures_the_chart_with_its_table_and_their_downloads(analyst, history):
    html = analyst.get(reverse("insights:dashboard")).content.decode()

    assert 'class="kpis"' in html
    for key in ("daily", "hourly", "channels", "counters", "procedures", "accuracy", "origins"):
        assert f'id="t-{key}"' in html
    assert reverse("insights:chart", args=["visits"]) in html
    chart = analyst.get(reverse("insights:chart", args=["visits"]))
    assert chart["Content-Type"] == "image/png" and chart.content.startswith(b"\x89PNG")

    # Every table downloads as CSV, the page as one workbook.
    csv = analyst.get(reverse("insights:dashboard") + "?export=csv&table=counters")
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeff") and "窓口" in text.splitlines()[0]

    xlsx = analyst.get(reverse("insights:dashboard") + "?export=xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) == 7
    first = book[book.sheetnames[0]]
    assert first["A1"].value and first.max_row > 3

    assert analyst.get(reverse("insights:dashboard") + "?export=csv&table=nope").status_code == 404
    assert analyst.get(reverse("insights:dashboard") + "?export=pdf").status_code == 404


def test_a_bad_period_is_named_next_to_its_field(analyst, starter_catalog):
    response = analyst.get(reverse("insights:dashboard") + "?from=2026-11-10&to=2026-11-01")

    assert response.status_code == 200
    assert "終了日が開始日より前です" in response.content.decode()
    assert analyst.get(reverse("insights:dashboard") + "?from=not-a-date").status_code == 200


def test_the_effects_page_shows_each_service_with_its_interval_or_too_few(analyst, history):
    html = analyst.get(reverse("insights:effects")).content.decode()

    assert html.count('class="effect-card"') == 5  # prefill, pre-application, appointments, navigator, cashless
    assert "method-note" in html
    xlsx = analyst.get(reverse("insights:effects") + "?export=xlsx")
    assert "effects" in load_workbook(io.BytesIO(xlsx.content)).sheetnames[0].lower() or xlsx.status_code == 200
    assert analyst.get(reverse("insights:chart", args=["effects"])).content.startswith(b"\x89PNG")
    assert analyst.get(reverse("insights:chart", args=["usage"])).content.startswith(b"\x89PNG")


def test_recording_an_intervention_shows_its_before_and_after(analyst, history):
    day = timezone.localdate() - timedelta(days=10)
    response = analyst.post(reverse("insights:interventions"), {
        "day": day.isoformat(), "title": "受付にポスターを掲示", "description": "書かない窓口の案内",
        "service": "prefill", "site": "", "counter": ""})

    intervention = Intervention.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("insights:intervention",
                                                                           args=[intervention.pk])
    assert Event.objects.filter(action="insights.intervention_recorded").exists()
    html = analyst.get(response["Location"]).content.decode()
    assert 'id="t-usage"' in html and 'id="t-effects"' in html and "★" in html


def test_an_intervention_refuses_an_individual_number_without_echoing_it(analyst, starter_catalog):
    response = analyst.post(reverse("insights:interventions"), {
        "day": timezone.localdate().isoformat(), "title": "番号 1234 5678 9018", "service": "prefill"})

    html = response.content.decode()
    assert response.status_code == 200 and not Intervention.objects.exists()
    assert html.count('class="field__errors"') == 1 and "9018" not in html


def test_an_intervention_is_recorded_once_it_has_begun(analyst, starter_catalog):
    response = analyst.post(reverse("insights:interventions"), {
        "day": (timezone.localdate() + timedelta(days=3)).isoformat(), "title": "来週のポスター", "service": "prefill"})

    assert response.status_code == 200 and not Intervention.objects.exists()
    assert 'id="id_day_error"' in response.content.decode()


def test_the_monthly_report_is_a_japanese_pdf_with_the_figures(analyst, history):
    from madoguchi.reception.models import Visit

    yesterday = timezone.localdate() - timedelta(days=1)
    month = yesterday.strftime("%Y-%m")
    # Inside the reported month even on its first days (the 1st–3rd once put it in the month before).
    day = max(yesterday - timedelta(days=2), yesterday.replace(day=1))
    services.intervention_record(day=day, title="受付にポスターを掲示", service="prefill")
    response = analyst.get(reverse("insights:monthly") + f"?month={month}&site=honcho")

    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = text.replace("\n", "")  # table cells wrap their lines
    assert "総合窓口運営連絡会" in text and "令和" in text and "今月の概要" in flat
    # The month's visits as the records count them, in the overview.
    visits = Visit.objects.filter(service_date__year=yesterday.year, service_date__month=yesterday.month,
                                  site__code="honcho").count()
    assert visits > 0 and f"{visits:,}" in text
    assert "書かない窓口" in flat  # the services' table
    assert "受付にポスターを掲示" in flat  # the month's intervention with its before and after
    assert "の混雑予想" in flat  # next month's forecast
    fonts = {str(font.get_object()["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert any("IPAexGothic" in name for name in fonts), fonts  # embedded, a subset of the font


def test_a_bad_month_is_refused_on_the_form(analyst, starter_catalog):
    response = analyst.get(reverse("insights:monthly") + "?month=2026-13")

    assert response.status_code == 200 and "alert--error" in response.content.decode()


def test_the_public_forecast_opens_for_anyone_in_three_languages_without_names_or_scripts(client, history):
    response = client.get(reverse("insights:public_forecast"))

    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=300"
    assert 'class="forecast-calendar"' in html and 'id="hours"' in html
    assert "<script>" not in html and "onclick" not in html
    assert "○" in html  # the level is a symbol and a word, not a colour alone

    client.cookies["django_language"] = "ja-easy"
    easy = client.get(reverse("insights:public_forecast")).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("insights:public_forecast")).content.decode()

    assert "Congestion forecast" in english
    assert "こみぐあい" in easy


def test_the_congestion_page_links_to_the_forecast(client, starter_catalog):
    html = client.get(reverse("counters:congestion")).content.decode()

    assert reverse("insights:public_forecast") in html


def test_the_staff_forecast_shows_the_desks_each_hour_needs(analyst, history):
    html = analyst.get(reverse("insights:forecast")).content.decode()

    assert 'id="t-desks"' in html and 'id="t-forecast_days"' in html
    counter = analyst.get(reverse("insights:forecast") + "?counter=koseki-cert").content.decode()
    assert "forecast-hours" in counter
    assert analyst.get(reverse("insights:forecast") + "?chart=png").content.startswith(b"\x89PNG")


def test_the_staff_home_lists_the_insights_for_analysts(analyst, starter_catalog):
    html = analyst.get("/staff/").content.decode()

    assert reverse("insights:dashboard") in html and reverse("insights:effects") in html


def test_today_is_rolled_up_when_the_dashboard_asks(analyst, starter_catalog):
    from madoguchi.catalog.models import Site
    from madoguchi.insights.models import RollupDay
    from madoguchi.reception.services import visit_register

    visit_register(site=Site.objects.get(code="honcho"), procedure_codes=["cert.juminhyo"])

    html = analyst.get(reverse("insights:dashboard")).content.decode()

    assert RollupDay.objects.filter(day=timezone.localdate(), visits=1).exists()
    assert 'class="kpis"' in html
