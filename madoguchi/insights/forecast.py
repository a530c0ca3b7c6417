"""The congestion forecast (混雑予想): arrivals per day and hour, learnt from the recorded history. Pure.

One model per series (the site's visits, and each counter's queue joins), explainable in three steps:

1. **How many on the day.** A Poisson regression of the day's arrivals on the calendar features of
   ``insights.calendar`` — weekday, first and last two office days of the month, the day after a
   holiday, the moving season (peak and shoulder), the month, the ward's busy days that concern the
   series (``catalog/calendar.yaml``) — with a ridge penalty (a prior that each effect is small unless
   the history shows it), fitted by Newton–Raphson. Its coefficients are multipliers: "Mondays ×1.25,
   the day after a holiday ×1.4 …".
2. **The level now.** The fit is scaled by how the last four weeks compared with it (shrunk towards 1),
   so a slow change in the number of visitors is followed without waiting a year.
3. **When in the day.** The day's arrivals are spread over its hours by the share each hour had on
   that weekday in the last twelve weeks, shrunk towards the hour shape common to all weekdays (a
   counter's: towards the site's same weekday), as hard as the data say they do not differ.

Expected waits: for each counter, the mean wait that followed in past hours with as many arrivals,
made non-decreasing in the arrivals (isotonic regression); the site's wait is the mean over its
counters weighted by their arrivals. Levels (空いている／やや混雑／混雑) come from the expected wait
(``LEVEL_MINUTES``), or — with no waits recorded (an import without call times) — from the day's
arrivals against an ordinary day of the last eight weeks.

The backtest (``backtest``) re-fits before each of the last weeks and compares the hourly arrivals it
forecast with the seasonal-naive baseline: the mean of the same weekday and hour over the four
previous weeks (office days only).
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from .calendar import OfficeCalendar

HOURS = 24
LEVELS = ("low", "medium", "high")  # 空いている, やや混雑, 混雑
LEVEL_MINUTES = (10.0, 25.0)  # expected wait below 10 minutes: low; 25 or more: high
LEVEL_VOLUME = (1.0, 1.25)  # without waits: the day's arrivals ÷ an ordinary day's
RECENT_WEEKS = 4
PROFILE_WEEKS = 12
LEVEL_SHRINK = 200.0  # arrivals: how much evidence the recent level needs to move away from its prior
PENALTY = {"weekday": 1.0, "flag": 4.0, "month": 8.0, "ward": 4.0}
# A counter's effects are the site's plus its own deviations, held closer to zero: a counter with ten
# visitors a day borrows the site's Mondays and month ends instead of guessing them from its own few.
DEVIATION_PENALTY = {"weekday": 8.0, "flag": 8.0, "month": 16.0, "ward": 2.0}
MAX_DEVIATION_PENALTY = 1e4  # a deviation no larger than its noise: a prior standard deviation of 1%
OVERALL_PROFILE_WEEKS = 52
FLAGS = ("month_start", "month_end", "after_holiday", "moving_peak", "moving_shoulder", "extra_opening")


@dataclass
class Series:
    """One series' history: arrivals per office day and hour (24 counts), and waits where recorded."""

    key: str | None  # None: the site's visits; else a counter code
    arrivals: dict[date, Sequence[float]]
    waits: dict[date, Sequence[tuple[int, float]]] = field(default_factory=dict)  # per hour (count, sum)

    def totals(self) -> dict[date, float]:
        return {day: float(sum(hours)) for day, hours in self.arrivals.items()}


@dataclass
class DayModel:
    names: list[str]
    coefficients: np.ndarray
    level: float  # the recent level's correction
    profiles: dict[int, np.ndarray]  # weekday → 24 hour shares
    overall_profile: np.ndarray
    ordinary_day: float  # the median office day's arrivals over the last eight weeks

    def multipliers(self) -> dict[str, float]:
        """exp(coefficient) of each feature: how much more (or less) on such a day."""
        return {name: float(math.exp(c)) for name, c in zip(self.names, self.coefficients, strict=True)}


def _design(calendar: OfficeCalendar, days: Sequence[date], series_key: str | None,
            weekdays: Sequence[int], penalty: Mapping[str, float] = PENALTY
            ) -> tuple[np.ndarray, list[str], np.ndarray]:
    names = ["intercept"]
    penalties = [0.0]
    base_weekday = weekdays[0] if weekdays else 0
    for weekday in weekdays:
        if weekday != base_weekday:
            names.append(f"weekday:{weekday}")
            penalties.append(penalty["weekday"])
    for flag in FLAGS:
        names.append(flag)
        penalties.append(penalty["flag"])
    for month in range(1, 13):
        if month not in (3, 4, 10):  # March and April: the moving season's; October: the reference
            names.append(f"month:{month}")
            penalties.append(penalty["month"])
    busy = [spec for spec in calendar.busy_days if spec.concerns(series_key)]
    for spec in busy:
        names.append(f"ward:{spec.code}")
        penalties.append(penalty["ward"])
    index = {name: i for i, name in enumerate(names)}
    matrix = np.zeros((len(days), len(names)))
    for row, day in enumerate(days):
        features = calendar.features(day)
        matrix[row, 0] = 1.0
        weekday_name = f"weekday:{day.weekday()}"
        if weekday_name in index:
            matrix[row, index[weekday_name]] = 1.0
        for flag in FLAGS:
            matrix[row, index[flag]] = features[flag]
        month_name = f"month:{day.month}"
        if month_name in index:
            matrix[row, index[month_name]] = 1.0
        for spec in busy:
            matrix[row, index[f"ward:{spec.code}"]] = features[f"ward:{spec.code}"]
    return matrix, names, np.array(penalties)


def fit_poisson_ridge(matrix: np.ndarray, counts: np.ndarray, penalties: np.ndarray, *,
                      offset: np.ndarray | None = None, iterations: int = 50) -> np.ndarray:
    """Coefficients maximising the Poisson log-likelihood minus ½ Σ penalty·β² (Newton–Raphson);
    ``offset``: a known part of log μ per row (the site's effects, when fitting a counter's deviations)."""
    offset = np.zeros(len(counts)) if offset is None else offset
    beta = np.zeros(matrix.shape[1])
    beta[0] = math.log(max(counts.mean(), 1e-3)) - float(offset.mean())
    penalty = np.diag(penalties)
    for _ in range(iterations):
        mu = np.exp(np.clip(matrix @ beta + offset, -30, 30))
        gradient = matrix.T @ (counts - mu) - penalty @ beta
        hessian = matrix.T @ (matrix * mu[:, None]) + penalty + np.eye(len(beta)) * 1e-9
        step = np.linalg.solve(hessian, gradient)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta


def deviation_penalties(matrix: np.ndarray, counts: np.ndarray, penalties: np.ndarray, names: Sequence[str], *,
                        offset: np.ndarray) -> np.ndarray:
    """A counter's penalties on its deviations from the site's effects, read from its data (empirical
    Bayes, per kind of effect: weekdays, months, calendar flags, ward days): fitted first with the loose
    ``DEVIATION_PENALTY``, the spread of a kind's deviations beyond their standard errors estimates how
    far such deviations truly go (τ²), and the penalty becomes 1/τ². Where the deviations are no larger
    than their noise, the counter follows the site (a counter taking a fixed share of the visitors does
    not guess its own Julys from one July's few hundred arrivals)."""
    beta = fit_poisson_ridge(matrix, counts, penalties, offset=offset)
    mu = np.exp(np.clip(matrix @ beta + offset, -30, 30))
    hessian = matrix.T @ (matrix * mu[:, None]) + np.diag(penalties) + np.eye(len(beta)) * 1e-9
    variances = np.diag(np.linalg.inv(hessian))
    out = penalties.copy()
    kinds: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        if name != "intercept":
            kinds.setdefault(name.split(":")[0] if ":" in name else "flag", []).append(index)
    for indices in kinds.values():
        # Only the effects the history shows (a flag that never occurred has nothing to say).
        seen = [i for i in indices if matrix[:, i].any()]
        if not seen:
            continue
        spread = float(np.mean(beta[seen] ** 2) - np.mean(variances[seen]))
        out[indices] = max(penalties[indices[0]], 1.0 / spread if spread > 0 else MAX_DEVIATION_PENALTY)
    return out


def level_weight(days: Sequence[date], counts: np.ndarray, fitted: np.ndarray, *, until: date) -> float:
    """How much of the last ``RECENT_WEEKS`` weeks' departure from the fit to follow (0–1), read from
    the history (empirical Bayes): over the past year's four-week blocks, the variance of log(arrivals ÷
    fitted) beyond what Poisson counts alone would give (1/fitted) is the level's true drift τ²; the
    recent block's ratio is then worth τ² / (τ² + 1/fitted). A level that drifts is followed, a
    steady one is not chased after its noise."""
    blocks = []
    for back in range(1, 14):
        since, before = until - timedelta(weeks=RECENT_WEEKS * back), until - timedelta(weeks=RECENT_WEEKS * (back - 1))
        rows = [i for i, d in enumerate(days) if since <= d < before]
        if rows and fitted[rows].sum() > 0 and counts[rows].sum() > 0:
            blocks.append((math.log(counts[rows].sum() / fitted[rows].sum()), 1.0 / fitted[rows].sum()))
    if len(blocks) < 3:
        return 1.0
    logs = np.array([b[0] for b in blocks])
    drift = float(np.var(logs, ddof=1) - np.mean([b[1] for b in blocks]))
    if drift <= 0:
        return 0.0
    return drift / (drift + blocks[0][1])


def fit_series(series: Series, calendar: OfficeCalendar, *, until: date, site: DayModel | None = None
               ) -> DayModel | None:
    """The model of ``series`` from its office days before ``until``; None without enough history.
    ``site``: the site's model, whose effects a counter's model starts from (it fits its deviations)."""
    days = sorted(d for d in series.arrivals if d < until and calendar.is_open(d))
    if len(days) < 10:
        return None
    totals = series.totals()
    counts = np.array([totals[d] for d in days])
    weekdays = sorted({d.weekday() for d in days}, key=lambda w: (w != 1, w))  # Tuesday the reference
    if site is None:
        matrix, names, penalties = _design(calendar, days, series.key, weekdays)
        beta = fit_poisson_ridge(matrix, counts, penalties)
    else:
        matrix, names, penalties = _design(calendar, days, series.key, weekdays, DEVIATION_PENALTY)
        inherited = dict(zip(site.names, site.coefficients, strict=True))
        prior = np.array([0.0 if name == "intercept" else inherited.get(name, 0.0) for name in names])
        penalties = deviation_penalties(matrix, counts, penalties, names, offset=matrix @ prior)
        deviation = fit_poisson_ridge(matrix, counts, penalties, offset=matrix @ prior)
        beta = prior + deviation
    fitted = np.exp(matrix @ beta)
    level = site.level if site is not None else 1.0
    # The site's recent level, then the series' own, as far as its level is seen to drift (see level_weight).
    recent = [i for i, d in enumerate(days) if d >= until - timedelta(weeks=RECENT_WEEKS)]
    if recent:
        weight = level_weight(days, counts, fitted, until=until)
        level *= ((counts[recent].sum() + LEVEL_SHRINK) / (level * fitted[recent].sum() + LEVEL_SHRINK)) ** weight
    profiles, overall_share = _hour_profiles(series, days, until=until, site=site)
    ordinary = [totals[d] for d in days if d >= until - timedelta(weeks=8)] or list(counts)
    return DayModel(names, beta, float(level), profiles, overall_share, float(np.median(ordinary)))


def _hour_profiles(series: Series, days: Sequence[date], *, until: date, site: DayModel | None
                   ) -> tuple[dict[int, np.ndarray], np.ndarray]:
    """Each weekday's shares of the day's arrivals per hour, and the shares over all weekdays.

    A weekday's own hours (the last ``PROFILE_WEEKS`` weeks) are pulled towards a prior: for a counter,
    the site's same weekday; for the site, the hour shape common to every weekday (the last
    ``OVERALL_PROFILE_WEEKS`` weeks, ``common_hour_shape``) over the hours that weekday opens. How hard
    they are pulled is read from the data (``dirichlet_weight``): hours that differ from the prior no
    more than chance would make them keep the prior's better-measured shape; a counter busy when the
    others are not keeps its own."""
    by_weekday: dict[int, np.ndarray] = {}
    for day in [d for d in days if d >= until - timedelta(weeks=PROFILE_WEEKS)] or days:
        by_weekday.setdefault(day.weekday(), np.zeros(HOURS))
        by_weekday[day.weekday()] += np.asarray(series.arrivals[day], dtype=float)
    year: dict[int, np.ndarray] = {}
    for day in days:
        if day >= until - timedelta(weeks=OVERALL_PROFILE_WEEKS):
            year.setdefault(day.weekday(), np.zeros(HOURS))
            year[day.weekday()] += np.asarray(series.arrivals[day], dtype=float)
    shape = common_hour_shape(year)
    overall = sum(year.values(), np.zeros(HOURS))
    overall_share = overall / overall.sum() if overall.sum() > 0 else np.full(HOURS, 1 / HOURS)
    priors = {}
    for weekday, hours in by_weekday.items():
        if site is not None:
            priors[weekday] = site.profiles.get(weekday, site.overall_profile)
        else:
            opens = (hours > 0) | (year.get(weekday, np.zeros(HOURS)) > 0)
            prior = np.where(opens, shape, 0.0)
            priors[weekday] = prior / prior.sum() if prior.sum() > 0 else overall_share
    weight = dirichlet_weight([(by_weekday[w], priors[w]) for w in by_weekday])
    profiles = {weekday: priors[weekday] if math.isinf(weight) else
                (hours + weight * priors[weekday]) / (hours.sum() + weight)
                for weekday, hours in by_weekday.items()}
    return profiles, overall_share


def common_hour_shape(counts: Mapping[int, np.ndarray], *, iterations: int = 100) -> np.ndarray:
    """The hour shape b (summing to 1) of the log-linear model count[w, h] ≈ a[w]·b[h] over the hours each
    weekday opens (its cells with arrivals), by iterative proportional fitting: a Saturday open only in
    the morning tells the shape of the morning, and does not make every weekday's mornings look busier."""
    if not counts:
        return np.full(HOURS, 1 / HOURS)
    table = np.array([counts[w] for w in sorted(counts)], dtype=float)
    opens = table > 0
    shape = table.sum(axis=0)
    if shape.sum() <= 0:
        return np.full(HOURS, 1 / HOURS)
    shape = shape / shape.sum()
    for _ in range(iterations):
        level = table.sum(axis=1) / np.maximum((opens * shape).sum(axis=1), 1e-12)
        updated = table.sum(axis=0) / np.maximum((opens * level[:, None]).sum(axis=0), 1e-12)
        updated = np.where(opens.any(axis=0), updated, 0.0)
        updated = updated / updated.sum()
        if np.max(np.abs(updated - shape)) < 1e-10:
            shape = updated
            break
        shape = updated
    return shape


def dirichlet_weight(groups: Sequence[tuple[np.ndarray, np.ndarray]]) -> float:
    """How many arrivals' worth a prior's hour shares weigh against a series' own hour counts (empirical
    Bayes, one weight for all its weekdays): were each weekday's shares drawn from a Dirichlet of weight
    K around its prior, the Pearson statistic X² of its n counts against the prior would have the
    expectation (H − 1)(n + K)/(1 + K) over its H open hours; K is solved from the X² summed over the
    weekdays (method of moments). Infinite when the counts scatter around their priors no more than
    multinomial draws would (the prior is then the better estimate); 0 (the counts alone) when a weekday
    has arrivals in an hour its prior gives nothing to."""
    observed = dof = weighted = 0.0
    for counts, prior in groups:
        n = float(counts.sum())
        cells = prior > 0
        if n <= 1 or cells.sum() < 2:
            continue
        if counts[~cells].sum() > 0:
            return 0.0
        expected = n * prior[cells]
        observed += float((((counts[cells] - expected) ** 2) / expected).sum())
        dof += cells.sum() - 1
        weighted += (cells.sum() - 1) * n
    if observed <= dof:
        return math.inf
    return max(0.0, (weighted - observed) / (observed - dof))


def predict_days(model: DayModel, calendar: OfficeCalendar, days: Sequence[date], series_key: str | None,
                 weekdays: Sequence[int]) -> dict[date, np.ndarray]:
    """Expected arrivals per hour (24 values) of each office day of ``days``."""
    open_days = [d for d in days if calendar.is_open(d)]
    if not open_days:
        return {}
    matrix, names, _penalties = _design(calendar, open_days, series_key, weekdays)
    if names != model.names:  # a weekday never seen in the history: its column has no coefficient
        columns = [names.index(n) for n in model.names]
        matrix = matrix[:, columns]
    totals = np.exp(matrix @ model.coefficients) * model.level
    return {day: total * model.profiles.get(day.weekday(), model.overall_profile)
            for day, total in zip(open_days, totals, strict=True)}


def weekdays_of(series: Series, until: date) -> list[int]:
    days = [d for d in series.arrivals if d < until]
    return sorted({d.weekday() for d in days}, key=lambda w: (w != 1, w))


# --- waits and levels ----------------------------------------------------------------------------


@dataclass
class WaitModel:
    """Mean wait (minutes) against arrivals in the hour, non-decreasing, from past hours."""

    arrivals: np.ndarray
    waits: np.ndarray

    def expected(self, arrivals: float) -> float:
        if len(self.arrivals) == 0:
            return 0.0
        return float(np.interp(arrivals, self.arrivals, self.waits))


def isotonic(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pool-adjacent-violators: the weighted least-squares non-decreasing fit of y on sorted x."""
    order = np.argsort(x, kind="stable")
    x, y, w = x[order], y[order], w[order]
    blocks: list[list[float]] = []  # [sum w·y, sum w, sum w·x]
    for xi, yi, wi in zip(x, y, w, strict=True):
        blocks.append([wi * yi, wi, wi * xi])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            last = blocks.pop()
            for i in range(3):
                blocks[-1][i] += last[i]
    return (np.array([b[2] / b[1] for b in blocks]), np.array([b[0] / b[1] for b in blocks]))


def fit_waits(series: Series, *, until: date, weeks: int = 26) -> WaitModel | None:
    """None when fewer than 20 hours have waits (history imported without call times)."""
    xs, ys, ws = [], [], []
    since = until - timedelta(weeks=weeks)
    for day, hours in series.waits.items():
        if not since <= day < until:
            continue
        arrivals = series.arrivals.get(day)
        for hour, (count, total) in enumerate(hours):
            if count > 0 and arrivals is not None:
                xs.append(float(arrivals[hour]))
                ys.append(total / count)
                ws.append(float(count))
    if len(xs) < 20:
        return None
    x, y = isotonic(np.array(xs), np.array(ys), np.array(ws))
    return WaitModel(x, y)


def level_of_wait(minutes: float | None, thresholds: tuple[float, float] = LEVEL_MINUTES) -> str:
    if minutes is None:
        return LEVELS[0]
    if minutes < thresholds[0]:
        return LEVELS[0]
    return LEVELS[1] if minutes < thresholds[1] else LEVELS[2]


def level_of_volume(total: float, ordinary: float, thresholds: tuple[float, float] = LEVEL_VOLUME) -> str:
    ratio = total / ordinary if ordinary > 0 else 0.0
    if ratio <= thresholds[0]:
        return LEVELS[0]
    return LEVELS[1] if ratio <= thresholds[1] else LEVELS[2]


# --- the forecast of a site ----------------------------------------------------------------------


@dataclass
class HourForecast:
    hour: int
    expected_visits: float
    expected_wait_minutes: float | None
    level: str


@dataclass
class DayForecast:
    day: date
    open: bool
    expected_visits: float
    expected_wait_minutes: float | None
    level: str | None
    hours: list[HourForecast] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # the calendar features that apply (flags, ward days)


@dataclass
class SeriesForecast:
    key: str | None
    days: list[DayForecast]
    model: DayModel | None
    waits: WaitModel | None


def open_hours(series: Series, *, share: float = 0.1) -> list[int]:
    """The hours with arrivals on at least ``share`` of the office days (the opening hours, as recorded)."""
    if not series.arrivals:
        return []
    seen = np.zeros(HOURS)
    for hours in series.arrivals.values():
        seen += np.asarray(hours, dtype=float) > 0
    return [h for h in range(HOURS) if seen[h] >= share * len(series.arrivals)]


def reasons_of(calendar: OfficeCalendar, day: date, series_key: str | None) -> list[str]:
    features = calendar.features(day)
    names = [flag for flag in FLAGS if features[flag]]
    names += [f"ward:{spec.code}" for spec in calendar.busy_days
              if spec.concerns(series_key) and features[f"ward:{spec.code}"]]
    return names


def forecast_series(series: Series, calendar: OfficeCalendar, days: Sequence[date], *, until: date,
                    counters: Mapping[str, "SeriesForecast"] | None = None, site: DayModel | None = None,
                    level_minutes: tuple[float, float] = LEVEL_MINUTES) -> SeriesForecast:
    """The forecast of ``days`` from history before ``until``. For the site (key None), ``counters``
    (their forecasts) give the expected waits, weighted by each counter's arrivals; for a counter,
    ``site`` is the site's model its effects start from."""
    model = fit_series(series, calendar, until=until, site=site)
    waits = fit_waits(series, until=until) if series.key is not None else None
    hours_open = open_hours(series)
    if model is None:
        return SeriesForecast(series.key, [DayForecast(day, False, 0.0, None, None) for day in days], None, waits)
    predicted = predict_days(model, calendar, days, series.key, weekdays_of(series, until))
    out = []
    for day in days:
        hours = predicted.get(day)
        if hours is None:
            out.append(DayForecast(day, False, 0.0, None, None))
            continue
        hour_rows = []
        for hour in hours_open:
            visits = float(hours[hour])
            wait = _wait(series.key, waits, counters, day, hour, visits)
            hour_rows.append(HourForecast(hour, visits, wait,
                                          level_of_wait(wait, level_minutes) if wait is not None else
                                          level_of_volume(visits * len(hours_open), model.ordinary_day)))
        total = float(sum(h.expected_visits for h in hour_rows))
        weighted = [(h.expected_visits, h.expected_wait_minutes) for h in hour_rows
                    if h.expected_wait_minutes is not None]
        day_wait = (sum(v * w for v, w in weighted) / sum(v for v, _ in weighted)
                    if weighted and sum(v for v, _ in weighted) > 0 else None)
        level = level_of_wait(day_wait, level_minutes) if day_wait is not None else \
            level_of_volume(total, model.ordinary_day)
        out.append(DayForecast(day, True, total, day_wait, level, hour_rows, reasons_of(calendar, day, series.key)))
    return SeriesForecast(series.key, out, model, waits)


def _wait(key, waits: WaitModel | None, counters, day: date, hour: int, visits: float) -> float | None:
    if key is not None:
        return waits.expected(visits) if waits is not None else None
    if not counters:
        return None
    pairs = []
    for forecast in counters.values():
        row = next((d for d in forecast.days if d.day == day and d.open), None)
        if row is None:
            continue
        cell = next((h for h in row.hours if h.hour == hour), None)
        if cell is not None and cell.expected_wait_minutes is not None:
            pairs.append((cell.expected_visits, cell.expected_wait_minutes))
    weight = sum(v for v, _ in pairs)
    return sum(v * w for v, w in pairs) / weight if weight > 0 else None


# --- backtest ------------------------------------------------------------------------------------


def poisson_mean_absolute_deviation(rate: float) -> float:
    """E|Y − rate| for Y ~ Poisson(rate): 2 e^(−rate) rate^(n+1) / n!, n = ⌊rate⌋. The error no forecast
    of the mean avoids when the counts are as random as independent arrivals make them."""
    if rate <= 0:
        return 0.0
    n = math.floor(rate)
    return 2 * math.exp(-rate + (n + 1) * math.log(rate) - math.lgamma(n + 1))


@dataclass
class BacktestWeek:
    start: date
    cells: int
    forecast_abs_error: float
    baseline_abs_error: float
    noise_floor: float = 0.0  # Σ E|Y − forecast| were the counts Poisson at the forecast's rates


@dataclass
class Backtest:
    key: str | None
    weeks: list[BacktestWeek]

    @property
    def cells(self) -> int:
        return sum(w.cells for w in self.weeks)

    @property
    def mae(self) -> float | None:
        return sum(w.forecast_abs_error for w in self.weeks) / self.cells if self.cells else None

    @property
    def baseline_mae(self) -> float | None:
        return sum(w.baseline_abs_error for w in self.weeks) / self.cells if self.cells else None

    @property
    def ratio(self) -> float | None:
        return self.mae / self.baseline_mae if self.cells and self.baseline_mae else None

    @property
    def noise_floor(self) -> float | None:
        return sum(w.noise_floor for w in self.weeks) / self.cells if self.cells else None


def seasonal_naive(series: Series, day: date, hour: int, *, before: date, calendar: OfficeCalendar) -> float:
    """The mean of the same weekday and hour over the four previous weeks (office days before ``before``)."""
    values = []
    for weeks in range(1, 5):
        past = day - timedelta(weeks=weeks)
        if past < before and past in series.arrivals and calendar.is_open(past):
            values.append(float(series.arrivals[past][hour]))
    return sum(values) / len(values) if values else 0.0


def backtest(series: Series, calendar: OfficeCalendar, *, weeks: int, end: date,
             site: Series | None = None) -> Backtest:
    """Re-forecast each of the ``weeks`` weeks before ``end`` (exclusive) from the history before it
    (a counter's from the site's model of that time too, as the forecast does)."""
    hours_open = open_hours(series)
    result = Backtest(series.key, [])
    for index in range(weeks, 0, -1):
        start = end - timedelta(weeks=index)
        days = [start + timedelta(days=n) for n in range(7)]
        site_model = fit_series(site, calendar, until=start) if site is not None else None
        model = fit_series(series, calendar, until=start, site=site_model)
        if model is None:
            continue
        predicted = predict_days(model, calendar, days, series.key, weekdays_of(series, start))
        cells = 0
        forecast_error = baseline_error = floor = 0.0
        for day in days:
            actual = series.arrivals.get(day)
            if actual is None or not calendar.is_open(day):
                continue
            forecast = predicted.get(day)
            for hour in hours_open:
                expected = float(forecast[hour]) if forecast is not None else 0.0
                naive = seasonal_naive(series, day, hour, before=start, calendar=calendar)
                forecast_error += abs(expected - actual[hour])
                baseline_error += abs(naive - actual[hour])
                floor += poisson_mean_absolute_deviation(expected)
                cells += 1
        result.weeks.append(BacktestWeek(start, cells, forecast_error, baseline_error, floor))
    return result


def combined(backtests: Sequence[Backtest]) -> Backtest:
    """Several series' backtests as one (every counter-hour cell counts once)."""
    weeks: dict[date, BacktestWeek] = {}
    for test in backtests:
        for week in test.weeks:
            cell = weeks.setdefault(week.start, BacktestWeek(week.start, 0, 0.0, 0.0))
            cell.cells += week.cells
            cell.forecast_abs_error += week.forecast_abs_error
            cell.baseline_abs_error += week.baseline_abs_error
            cell.noise_floor += week.noise_floor
    return Backtest("counters", [weeks[k] for k in sorted(weeks)])
