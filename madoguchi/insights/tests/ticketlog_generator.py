"""A ticket log as an old reception system would export it, with its own rhythm (for the import and
forecast tests): not the demo's. A branch-like office that opens Saturday mornings, is busiest on
Wednesdays and late afternoons, peaks in June and July (tax and insurance notices, not moving), and
sees crowds at month ends and after holidays."""

import csv
import io
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from madoguchi.insights.calendar import OfficeCalendar, is_public_holiday, is_year_end

TOKYO = ZoneInfo("Asia/Tokyo")
HEADER = "ticket,issued_at,counter,procedure,channel,called_at,started_at,completed_at"


@dataclass
class Pattern:
    counters: dict[str, tuple[float, tuple[str, ...], float]] = field(default_factory=lambda: {
        # counter: (share of visits, procedures, mean handling minutes)
        "koseki-cert": (0.5, ("cert.juminhyo", "cert.tax", "cert.seal"), 5.0),
        "kokuho": (0.3, ("nhi.enroll", "nhi.withdraw"), 12.0),
        "kazei": (0.2, ("kazei.heir_representative", "cert.tax"), 10.0),
    })
    visits_per_day: float = 180.0
    weekday: dict[int, float] = field(default_factory=lambda: {0: 0.8, 1: 1.0, 2: 1.4, 3: 1.0, 4: 1.1, 5: 0.7})
    hours: dict[int, float] = field(default_factory=lambda: {9: 0.6, 10: 0.8, 11: 0.9, 12: 0.7, 13: 0.9,
                                                             14: 1.1, 15: 1.5, 16: 1.6, 17: 1.0})
    saturday_hours: tuple[int, ...] = (9, 10, 11)
    months: dict[int, float] = field(default_factory=lambda: {1: 0.8, 2: 0.85, 3: 1.0, 4: 1.0, 5: 1.05, 6: 1.35,
                                                              7: 1.75, 8: 1.25, 9: 1.0, 10: 0.95, 11: 0.9,
                                                              12: 0.8})
    month_end: float = 1.45
    after_holiday: float = 1.4


def is_open(day: date) -> bool:
    return day.weekday() <= 5 and not is_public_holiday(day) and not is_year_end(day)


def expected_visits(pattern: Pattern, day: date, calendar: OfficeCalendar) -> float:
    factor = pattern.weekday.get(day.weekday(), 0.0) * pattern.months[day.month]
    features = calendar.features(day)
    if features["month_end"]:
        factor *= pattern.month_end
    if features["after_holiday"]:
        factor *= pattern.after_holiday
    return pattern.visits_per_day * factor


def ticket_log(start: date, end: date, *, seed: int = 1, pattern: Pattern | None = None) -> str:
    """The CSV text of every office day from ``start`` to ``end`` (inclusive)."""
    pattern = pattern or Pattern()
    calendar = OfficeCalendar(open_weekdays=frozenset(range(6)))
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    out.write(HEADER + "\n")
    day = start
    while day <= end:
        if is_open(day):
            hours = pattern.saturday_hours if day.weekday() == 5 else tuple(pattern.hours)
            weights = [pattern.hours[h] for h in hours]
            total = sum(weights)
            mean = expected_visits(pattern, day, calendar)
            number = 0
            for hour, weight in zip(hours, weights, strict=True):
                for _ in range(_poisson(rng, mean * weight / total)):
                    number += 1
                    issued = datetime(day.year, day.month, day.day, hour, tzinfo=TOKYO) + timedelta(
                        seconds=rng.uniform(0, 3600))
                    counter = rng.choices(list(pattern.counters), [c[0] for c in pattern.counters.values()])[0]
                    _share, procedures, handling = pattern.counters[counter]
                    called = issued + timedelta(minutes=rng.expovariate(1 / 12))
                    started = called + timedelta(minutes=rng.uniform(0.3, 2))
                    completed = started + timedelta(minutes=rng.lognormvariate(math.log(handling) - 0.125, 0.5))
                    channel = rng.choices(["reception", "kiosk", ""], [5, 3, 2])[0]
                    writer.writerow([f"{number:04d}", issued.isoformat(timespec="seconds"), counter,
                                     rng.choice(procedures), channel, called.isoformat(timespec="seconds"),
                                     started.isoformat(timespec="seconds"), completed.isoformat(timespec="seconds")])
        day += timedelta(days=1)
    return out.getvalue()


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method for small means, a rounded normal for large ones (plenty for a test log).
    if mean > 60:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    threshold, count, product = math.exp(-mean), 0, rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count
