"""The effect estimates are honest: their 95% intervals cover a planted effect about 95% of the time."""

from collections import defaultdict

import pytest

from madoguchi.insights.estimators import (
    Counts,
    Moments,
    ShareStratum,
    Stratum,
    proportion_change,
    stratified_mean_effect,
    stratified_share_effect,
    t_quantile_975,
)
from madoguchi.insights.simulation import draw_visits, load_profile
from madoguchi.insights.simulation.inputs import PROFILES_DIR


def moments(values):
    return Moments(len(values), sum(values), sum(v * v for v in values))


@pytest.mark.parametrize(("df", "expected"), [(1, 12.706), (2, 4.303), (5, 2.571), (10, 2.228), (30, 2.042),
                                              (1e6, 1.960)])
def test_the_t_quantile_matches_the_tables(df, expected):
    assert t_quantile_975(df) == pytest.approx(expected, abs=0.004)


def test_strata_are_compared_within_themselves_and_weighted_by_the_visits_with_the_service():
    # Move-ins take 30 minutes, certificates 5; pre-filled ones a third less. Most pre-filled visits are
    # certificates: a pooled comparison would show a huge "saving" that is only the mix.
    move_in = Stratum(("move",), moments([20.0, 20.0, 20.0, 20.0]), moments([30.0, 30.0, 30.0, 30.0, 30.0, 30.0]))
    certificate = Stratum(("cert",), moments([4.0] * 12), moments([6.0] * 2))

    effect = stratified_mean_effect([move_in, certificate], min_count=1)

    assert effect.difference == pytest.approx((4 * -10 + 12 * -2) / 16)
    assert effect.mean_without == pytest.approx((4 * 30 + 12 * 6) / 16)
    assert effect.relative == pytest.approx(effect.mean_with / effect.mean_without - 1)


def test_a_stratum_without_anyone_to_compare_with_is_left_out_and_counted():
    alone = Stratum(("rare",), moments([10.0, 12.0]), moments([]))
    effect = stratified_mean_effect([alone], min_count=1)

    assert effect.difference is None and effect.strata_left_out == 1 and not effect.enough


def test_too_few_visits_is_not_enough_to_say():
    effect = stratified_mean_effect([Stratum(("a",), moments([1.0, 2.0, 3.0]), moments([2.0, 3.0, 4.0]))],
                                    min_count=30)

    assert effect.difference is not None and not effect.enough


def test_a_share_of_zero_still_has_an_interval():
    effect = stratified_share_effect([ShareStratum((1,), Counts(100, 0), Counts(400, 40))], min_count=30)

    assert effect.share_with == 0 and effect.share_without == pytest.approx(0.1)
    low, high = effect.ci95_relative
    assert -1 < low < high < 0


def test_a_change_of_share_has_newcombes_interval():
    change = proportion_change(50, 1000, 80, 1000)

    assert change.difference == pytest.approx(0.03)
    low, high = change.ci95
    # At these counts it is close to the Wald interval 0.03 ± 1.96 × √(0.08·0.92/1000 + 0.05·0.95/1000).
    assert low == pytest.approx(0.0084, abs=0.0005) and high == pytest.approx(0.0520, abs=0.0005)


@pytest.mark.parametrize("saving", [0.2, 0.35, 0.5])
def test_the_interval_covers_a_planted_pre_fill_saving_about_95_percent_of_the_time(office, saving):
    """The simulator's visitors with a known saving on the procedures that have a pre-fillable form:
    over 40 draws of three days each, the 95% interval of the relative difference covers the truth
    (the same weighting over the same strata) in about 95% of them — far more than 85%."""
    base = load_profile(PROFILES_DIR / "ordinary_day.yaml", office)
    profile = base.model_validate({**base.model_dump(), "prefill": {"share": 0.2, "saving": saving}})
    covered = 0
    draws = 40
    for seed in range(draws):
        groups = defaultdict(lambda: ([], []))
        truth = {}
        for day in range(3):
            for visit in draw_visits(office, profile, seed * 100 + day):
                for step in visit.steps:
                    forms = [office.procedures[c].prefillable for c in step.procedures]
                    if not any(forms):
                        continue
                    key = (step.counter, step.procedures)
                    groups[key][0 if visit.prefilled else 1].append(step.handling_minutes)
                    typical = [office.procedures[c].typical_minutes for c in step.procedures]
                    truth[key] = (sum(t * (1 - saving if f else 1) for t, f in zip(typical, forms, strict=True)),
                                  sum(typical))
        strata = [Stratum(key, moments(w), moments(wo)) for key, (w, wo) in groups.items()]
        effect = stratified_mean_effect(strata)
        used = [s for s in strata if s.comparable]
        weight = sum(s.treated.n for s in used)
        true_relative = (sum(s.treated.n * truth[s.key][0] for s in used)
                         / sum(s.treated.n * truth[s.key][1] for s in used)) - 1
        assert effect.enough, weight
        low, high = effect.ci95_relative
        covered += low <= true_relative <= high
    assert covered / draws >= 0.85, f"covered {covered} of {draws}"
