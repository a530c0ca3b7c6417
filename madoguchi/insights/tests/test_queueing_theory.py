"""The simulator against queueing theory: single-counter M/M/c and M/G/c days over many seeds, their
mean wait within the 95% interval of Erlang C / Allen–Cunneen. Pure (no database); a few seconds."""

import functools
import math
import statistics

import pytest

from madoguchi.insights.simulation import demand
from madoguchi.insights.simulation.queueing import (
    allen_cunneen_mean_wait,
    check,
    erlang_c,
    mmc_mean_wait,
    single_counter,
    steady_day,
)

SEEDS = range(1, 31)


@functools.cache
def simulated(servers: int, mean_handling: float, load: float, cv: float, exponential: bool):
    return check(servers=servers, mean_handling=mean_handling, load=load, handling_cv=cv, exponential=exponential,
                 seeds=SEEDS)


def test_erlang_c_matches_the_textbook_values():
    # M/M/1: the probability of waiting is the load, the wait ρ/(μ − λ).
    assert erlang_c(0.5, 1.0, 1) == pytest.approx(0.5)
    assert mmc_mean_wait(0.5, 1.0, 1) == pytest.approx(1.0)
    # M/M/2 with a = 1: C = 1/3 (closed form 2·a²/(2+a)/ (…) for c = 2: a²/(2 + a) / (1 + a − …)).
    assert erlang_c(1.0, 1.0, 2) == pytest.approx(1 / 3)
    # A published table value: c = 10, a = 8 → C ≈ 0.409.
    assert erlang_c(8.0, 1.0, 10) == pytest.approx(0.4092, abs=5e-4)
    # Allen–Cunneen: exponential handling is M/M/c itself; deterministic handling halves the wait.
    assert allen_cunneen_mean_wait(2.0, 1.0, 3, 1.0) == pytest.approx(mmc_mean_wait(2.0, 1.0, 3))
    assert allen_cunneen_mean_wait(2.0, 1.0, 3, 0.0) == pytest.approx(mmc_mean_wait(2.0, 1.0, 3) / 2)


def test_a_full_load_has_no_steady_state():
    with pytest.raises(ValueError):
        erlang_c(3.0, 1.0, 3)


def test_exponential_handling_has_the_mean_and_spread_asked_for():
    office = single_counter(1, 6.0)
    profile = steady_day(office, arrivals_per_hour=8, handling_cv=0.3, exponential=True)
    minutes = [s.handling_minutes for seed in range(1, 6) for v in demand.draw_visits(office, profile, seed)
               for s in v.steps]
    mean = statistics.fmean(minutes)
    assert mean == pytest.approx(6.0, rel=0.06)
    assert statistics.stdev(minutes) / mean == pytest.approx(1.0, rel=0.08)  # exponential: cv 1 whatever cv says


@pytest.mark.parametrize(("servers", "mean_handling", "load"), [(1, 5.0, 0.7), (3, 6.0, 0.75), (5, 10.0, 0.8)])
def test_mmc_day_waits_as_erlang_c_says(servers, mean_handling, load):
    result = simulated(servers, mean_handling, load, 1.0, True)
    assert result.within, result
    assert result.waits > 1000 * (1 if servers == 1 else 2)


@pytest.mark.parametrize(("servers", "mean_handling", "load", "cv"), [(3, 6.0, 0.75, 0.5), (4, 8.0, 0.8, 1.5)])
def test_mgc_day_waits_as_allen_cunneen_says(servers, mean_handling, load, cv):
    result = simulated(servers, mean_handling, load, cv, False)
    assert result.within, result


def test_the_check_tells_a_wrong_model_apart():
    """The interval is narrow enough to fail: steady lognormal handling (cv 0.5) waits well below what
    M/M/c would say, and a desk fewer would wait far longer than the simulated day."""
    result = simulated(3, 6.0, 0.75, 0.5, False)
    arrival_rate = 0.75 * 3 / 6.0
    assert not result.ci95[0] <= mmc_mean_wait(arrival_rate, 6.0, 3) <= result.ci95[1]
    one_desk_fewer = allen_cunneen_mean_wait(arrival_rate, 6.0, 2, 0.5) if arrival_rate * 6.0 < 2 else math.inf
    assert one_desk_fewer > result.ci95[1]
