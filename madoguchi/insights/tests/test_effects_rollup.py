"""The effect estimates read from the daily roll-ups are the estimates computed from the raw Steps and
events: the roll-ups keep per stratum exactly the count, sum and sum of squares the statistics need."""

from collections import defaultdict
from datetime import date, timedelta

import pytest

from madoguchi.insights import effects, services
from madoguchi.insights.estimators import Moments, Stratum, stratified_mean_effect
from madoguchi.insights.figures import Scope
from madoguchi.prefill.models import StepPrefill
from madoguchi.prefill.selectors import ward_forms
from madoguchi.reception.models import Step, StepEvent

pytestmark = pytest.mark.django_db
END = date(2026, 10, 10)  # a Saturday: Monday 5 – Friday 9 October 2026 are written


def raw_handling_effect(start: date, end: date, service: str):
    """The handling-time effect straight from the Steps: handling from the last ``serving`` to ``done``,
    strata = the same counter and the same set of procedures, among the Steps carrying a procedure with a
    pre-fillable form."""
    prefillable = {code for form in ward_forms() for code in form.procedures}
    steps = Step.objects.filter(visit__service_date__range=(start, end))
    codes = defaultdict(set)
    for step_id, code in steps.values_list("id", "procedures__code"):
        if code:
            codes[step_id].add(code)
    # Filtered by the visits' dates, not ``step__in=steps``: PostgreSQL without statistics on the fresh
    # tables planned that subquery as a nested loop over every event.
    dates = (start, end)
    printed = set(StepPrefill.objects.filter(step__visit__service_date__range=dates, forms_printed_at__isnull=False)
                  .values_list("step_id", flat=True))
    handling = {}
    serving = {}
    for step_id, kind, at in StepEvent.objects.filter(visit__service_date__range=dates).order_by(
            "at", "id").values_list("step_id", "kind", "at"):
        if kind == StepEvent.Kind.SERVING:
            serving[step_id] = at
        elif kind == StepEvent.Kind.DONE and step_id in serving:
            handling[step_id] = max(0.0, (at - serving[step_id]).total_seconds() / 60)
    groups: dict[tuple, list[list[float]]] = defaultdict(lambda: [[], []])
    for step_id, counter_id, channel in steps.values_list("id", "counter_id", "visit__channel"):
        if step_id not in handling or not codes[step_id] & prefillable:
            continue
        treated = step_id in printed if service == "prefill" else channel == "preapplication"
        groups[(counter_id, "+".join(sorted(codes[step_id])))][0 if treated else 1].append(handling[step_id])

    def moments(values):
        return Moments(len(values), sum(values), sum(v * v for v in values))

    strata = [Stratum(key, moments(t), moments(c)) for key, (t, c) in groups.items()]
    return stratified_mean_effect(strata, min_count=effects.min_count())


@pytest.mark.parametrize("service", ["prefill", "preapplication"])
def test_the_roll_up_gives_the_effect_and_interval_the_raw_steps_give(starter_catalog, service):
    services.demo_history_write(days=7, seed=4, scale=0.35, end=END, prefill_share=0.4, prefill_saving=0.3)
    start, end = END - timedelta(days=7), END

    from_rollups = next(e for e in effects.service_effects(Scope(start, end)) if e.service == service).effect
    from_steps = raw_handling_effect(start, end, service)

    assert from_rollups.n_with == from_steps.n_with > 30
    assert from_rollups.n_without == from_steps.n_without > 30
    assert from_rollups.strata_used == from_steps.strata_used
    assert from_rollups.difference == pytest.approx(from_steps.difference, rel=1e-9)
    assert from_rollups.ci95 == pytest.approx(from_steps.ci95, rel=1e-9)
    assert from_rollups.relative == pytest.approx(from_steps.relative, rel=1e-9)
    assert from_rollups.ci95_relative == pytest.approx(from_steps.ci95_relative, rel=1e-9)
