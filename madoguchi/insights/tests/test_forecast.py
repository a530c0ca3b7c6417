"""The congestion forecast beats the seasonal-naive baseline (MAE of hourly arrivals ≤ 0.8 × its) on the
demo history's rhythm and on an imported log with another weekly and seasonal rhythm."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from madoguchi.catalog.schema import parse_catalog
from madoguchi.catalog.yamlsource import read_yaml_directory
from madoguchi.insights import forecast
from madoguchi.insights.calendar import OfficeCalendar, WardDaySpec, learn_open_weekdays
from madoguchi.insights.history.demo import base_profile, day_profile, load_history_profile
from madoguchi.insights.history.ticketlog import read_log

from .conftest import CATALOG_DIR
from .ticketlog_generator import ticket_log

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture(scope="module")
def ward_calendar():
    sources, _problems = read_yaml_directory(CATALOG_DIR)
    data = parse_catalog(sources)
    return OfficeCalendar([WardDaySpec.from_definition(w.code, w.kind, w.definition()) for w in data.ward_days])


def demo_series(office, calendar, start: date, end: date, seed: int = 1):
    """The demo history's arrivals: each office day's visitors drawn as the simulator draws them (a
    Poisson process per hour of the day's profile), each counter's joins from the day's visit mix."""
    history = load_history_profile()
    base = base_profile(history, office)
    rng = np.random.default_rng(seed)
    site = forecast.Series(None, {})
    counters: dict[str, forecast.Series] = {}
    day = start
    while day <= end:
        if calendar.is_open(day):
            profile = day_profile(history, base, office, calendar, day, anchor=end)
            weights = np.array([k.weight for k in profile.visit_mix])
            shares: dict[str, float] = {}
            for kind, weight in zip(profile.visit_mix, weights / weights.sum(), strict=True):
                for counter in office.counter_plan(kind.procedures):
                    shares[counter] = shares.get(counter, 0.0) + weight
            site.arrivals[day] = [0.0] * 24
            for hour, mean in profile.arrivals_per_hour.items():
                minutes = min((hour + 1) * 60, profile.closes_minute) - max(hour * 60, profile.opens_minute)
                site.arrivals[day][hour] = float(rng.poisson(mean * minutes / 60))
                for counter, share in shares.items():
                    series = counters.setdefault(counter, forecast.Series(counter, {}))
                    series.arrivals.setdefault(day, [0.0] * 24)[hour] = float(rng.poisson(mean * minutes / 60 * share))
        day += timedelta(days=1)
    return site, counters


def test_the_forecast_beats_the_seasonal_naive_baseline_on_the_demo_rhythm(office, ward_calendar):
    end = date(2026, 12, 1)
    site, counters = demo_series(office, ward_calendar, date(2025, 10, 1), end - timedelta(days=1))

    site_test = forecast.backtest(site, ward_calendar, weeks=8, end=end)
    counter_test = forecast.combined([forecast.backtest(s, ward_calendar, weeks=8, end=end, site=site)
                                      for s in counters.values()])

    assert site_test.ratio <= 0.8, site_test.ratio
    assert counter_test.ratio <= 0.8, counter_test.ratio
    # Within a few percent of the error no forecast of the mean avoids on Poisson counts.
    assert counter_test.mae <= 1.06 * counter_test.noise_floor


def test_the_forecast_beats_the_baseline_on_an_imported_log_with_its_own_rhythm():
    text = ticket_log(date(2025, 5, 1), date(2026, 7, 31), seed=3)
    visits = read_log(text, name="old.csv", counters={"koseki-cert": "honcho", "kokuho": "honcho", "kazei": "honcho"},
                      procedures={"cert.juminhyo", "cert.tax", "cert.seal", "nhi.enroll", "nhi.withdraw",
                                  "kazei.heir_representative"}, channels={"reception", "kiosk"}, timezone=TOKYO)
    site = forecast.Series(None, {})
    counters: dict[str, forecast.Series] = {}
    for visit in visits:
        site.arrivals.setdefault(visit.day, [0.0] * 24)[visit.arrived_at.astimezone(TOKYO).hour] += 1
        for row in visit.rows:
            series = counters.setdefault(row.counter, forecast.Series(row.counter, {}))
            series.arrivals.setdefault(visit.day, [0.0] * 24)[row.issued_at.astimezone(TOKYO).hour] += 1
    calendar = OfficeCalendar(open_weekdays=learn_open_weekdays(site.arrivals))
    assert 5 in calendar.open_weekdays  # it opens Saturday mornings: learnt from the log

    end = date(2026, 8, 1)
    site_test = forecast.backtest(site, calendar, weeks=8, end=end)
    counter_test = forecast.combined([forecast.backtest(s, calendar, weeks=8, end=end, site=site)
                                      for s in counters.values()])

    assert site_test.ratio <= 0.8, site_test.ratio
    # The counters' hourly counts are Poisson around rates of 5–15: a forecast knowing the generator's
    # true rates scores about 0.79 against the baseline here, so this is at the edge of what any forecast
    # of the mean can do.
    assert counter_test.ratio <= 0.8, counter_test.ratio
    assert counter_test.mae <= 1.05 * counter_test.noise_floor


def test_the_fitted_multipliers_read_as_the_calendar_effects(ward_calendar, office):
    site, _counters = demo_series(office, ward_calendar, date(2025, 10, 1), date(2026, 11, 30))

    multipliers = forecast.fit_series(site, ward_calendar, until=date(2026, 12, 1)).multipliers()

    history = load_history_profile()
    assert multipliers["weekday:0"] == pytest.approx(history.weekday[0], rel=0.05)
    assert multipliers["after_holiday"] == pytest.approx(history.after_holiday, rel=0.1)
    assert multipliers["moving_peak"] > 1.5


def test_hours_that_differ_from_the_prior_only_by_chance_take_the_prior():
    rng = np.random.default_rng(7)
    prior = np.zeros(24)
    prior[9:17] = [0.05, 0.1, 0.15, 0.1, 0.1, 0.15, 0.2, 0.15]
    drawn = [(rng.multinomial(500, prior).astype(float), prior) for _weekday in range(5)]
    other = prior.copy()
    other[9:17] = other[9:17][::-1]  # busy mornings instead of afternoons
    different = [(rng.multinomial(500, other).astype(float), prior) for _weekday in range(5)]

    assert forecast.dirichlet_weight(drawn) > 2 * 500  # the prior outweighs each weekday's own counts
    assert forecast.dirichlet_weight(different) < 100
    assert forecast.dirichlet_weight([(np.eye(24)[18] * 10, prior)]) == 0  # arrivals where the prior has none


def test_a_saturday_morning_opening_tells_the_mornings_shape_without_inflating_them():
    shape = np.zeros(24)
    shape[9:17] = [1, 2, 3, 2, 2, 3, 4, 3]
    saturday = np.zeros(24)
    saturday[9:12] = shape[9:12] * 5  # a busy Saturday morning: the same shape, more visitors
    counts = {weekday: shape * 10 for weekday in range(5)} | {5: saturday}

    common = forecast.common_hour_shape(counts)

    assert common == pytest.approx(shape / shape.sum())


def test_a_counter_with_a_fixed_share_of_the_visitors_follows_the_site():
    """Its deviations from the site's Mondays and months are no larger than their noise: penalised to the
    maximum, the counter's multipliers are the site's."""
    calendar = OfficeCalendar()
    rng = np.random.default_rng(5)
    site = forecast.Series(None, {})
    counter = forecast.Series("kazei", {})
    day = date(2025, 4, 1)
    while day < date(2026, 4, 1):
        if calendar.is_open(day):
            mean = 200 * (1.3 if day.weekday() == 0 else 1.0) * (1.5 if day.month == 7 else 1.0)
            hours = [0.0] * 24
            for hour in range(9, 17):
                hours[hour] = float(rng.poisson(mean / 8))
            site.arrivals[day] = hours
            counter.arrivals[day] = [float(rng.binomial(int(n), 0.2)) for n in hours]
        day += timedelta(days=1)
    site_model = forecast.fit_series(site, calendar, until=day)

    model = forecast.fit_series(counter, calendar, until=day, site=site_model)

    own, shared = model.multipliers(), site_model.multipliers()
    assert own["weekday:0"] == pytest.approx(shared["weekday:0"], rel=0.02)
    assert own["month:7"] == pytest.approx(shared["month:7"], rel=0.02)


def test_waits_rise_with_arrivals_and_make_the_levels():
    _x, y = forecast.isotonic(np.array([1.0, 2, 3, 4, 5]), np.array([2.0, 1, 6, 5, 30]), np.ones(5))
    assert list(y) == sorted(y)
    assert forecast.level_of_wait(5) == "low" and forecast.level_of_wait(15) == "medium"
    assert forecast.level_of_wait(40) == "high"
    assert forecast.level_of_volume(130, 100) == "high" and forecast.level_of_volume(90, 100) == "low"
    assert forecast.poisson_mean_absolute_deviation(1.0) == pytest.approx(2 / np.e)
