"""demo_history also answers the survey for a share of its finished visits, so a fresh machine shows the
analysis; the answers pass the survey's own checks and go with the demo visits."""

from datetime import date

import pytest

from madoguchi.insights import services as insights
from madoguchi.reception.models import Origin, Visit
from madoguchi.surveys.models import Receipt, Response
from madoguchi.surveys.questions import clean_answers
from madoguchi.surveys.selectors import current_version

pytestmark = pytest.mark.django_db
END = date(2026, 10, 10)


def test_demo_history_writes_plausible_responses_and_deletes_them_again(starter_catalog):
    result = insights.demo_history_write(days=2, seed=4, scale=0.2, end=END)
    responses = list(Response.objects.all())
    finished = Visit.objects.filter(origin=Origin.DEMO, status=Visit.Status.DONE).count()
    assert result.survey_responses == len(responses) and 0.08 * finished < len(responses) < 0.3 * finished
    assert Receipt.objects.count() == len(responses) and all(r.demo for r in responses)
    definition = current_version().definition
    for response in responses:
        assert clean_answers(definition, response.answers) == response.answers
    assert any(r.prefilled for r in responses) and any(r.comment for r in responses)
    assert {r.answers["age_band"] for r in responses} >= {"30s", "70s"}
    again = insights.demo_history_write(days=2, seed=4, scale=0.2, end=END)
    assert again.survey_responses == Response.objects.count() == len(responses)
    insights.demo_history_delete()
    assert not Response.objects.exists() and not Receipt.objects.exists()
