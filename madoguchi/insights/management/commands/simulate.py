"""Simulate a day of the office under the three handoff policies, or replay a recorded day.

    python manage.py simulate                                   # the default peak day, seed 1, all policies
    python manage.py simulate --profile FILE --seed 7 --policy c --csv out.csv
    python manage.py simulate --desks kokuho=10 kosodate=9 --prefill-share 0.4   # what-if
    python manage.py simulate --replay 2025-03-24               # the estimator against a recorded day
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from madoguchi.catalog.schema import CatalogInvalid
from madoguchi.insights import selectors
from madoguchi.insights.simulation import COMPARED, DEFAULT_PROFILE, ProfileInvalid, simulate
from madoguchi.insights.simulation.inputs import what_if
from madoguchi.insights.simulation.replay import ReplayResult, replay_day
from madoguchi.insights.simulation.report import CSV_FIELDS, clock, csv_rows, text_table, write_csv


def parse_desks(values: list[str]) -> dict[str, int]:
    desks = {}
    for value in values:
        counter, _, count = value.partition("=")
        if not counter or not count.strip().isdigit():
            raise CommandError(f"--desks takes COUNTER=N (e.g. kokuho=10), not {value!r}")
        desks[counter.strip()] = int(count)
    return desks


class Command(BaseCommand):
    help = ("Simulate a day at the counters under policies (a), (b), (c), (d) (c with the staffing page followed), "
            "or replay a recorded day's events.")

    def add_arguments(self, parser):
        parser.add_argument("--profile", type=Path, default=DEFAULT_PROFILE, help="the day's profile (YAML)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (the same seed, the same visitors)")
        parser.add_argument("--policy", choices=[*COMPARED, "all"], default="all")
        parser.add_argument("--csv", type=Path, help="also write the figures here, one a row")
        parser.add_argument("--desks", nargs="+", action="extend", default=[], metavar="COUNTER=N",
                            help="what-if: staff N desks all day at COUNTER")
        parser.add_argument("--prefill-share", type=float, help="what-if: the share of visits using pre-fill (0–1)")
        parser.add_argument("--replay", type=date.fromisoformat, metavar="DATE",
                            help="replay the recorded step events of DATE (YYYY-MM-DD) instead of simulating")

    def handle(self, *args, profile, seed, policy, csv, desks, prefill_share, replay, **options):
        if replay is not None:
            return self.replay(replay, csv)
        try:
            office, day = selectors.simulation_inputs(profile)
        except (ProfileInvalid, CatalogInvalid, OSError) as error:
            raise CommandError(f"{profile}: {error}") from error
        try:
            day = what_if(day, office, desks=parse_desks(desks), prefill_share=prefill_share)
        except ProfileInvalid as error:
            raise CommandError(f"{error}\n(counters at {office.site}: {', '.join(office.counters)})") from error
        comparison = simulate(office, day, seed=seed, policies=COMPARED if policy == "all" else [policy])
        self.stdout.write(text_table(comparison))
        if csv is not None:
            with csv.open("w", encoding="utf-8", newline="") as stream:
                write_csv(csv_rows(comparison), stream)
            self.stdout.write(f"CSV written to {csv}")

    def replay(self, day: date, csv: Path | None) -> None:
        result = replay_day(selectors.recorded_day(day=day))
        if not result.joins:
            raise CommandError(f"no called visitors recorded on {day.isoformat()}: nothing to replay")
        self.stdout.write(replay_table(result))
        if csv is not None:
            with csv.open("w", encoding="utf-8", newline="") as stream:
                write_csv(replay_rows(result), stream, fields=["day", *CSV_FIELDS[3:]])
            self.stdout.write(f"CSV written to {csv}")


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def replay_table(result: ReplayResult) -> str:
    error = result.error
    lines = [
        f"Replay of {result.label}: {result.visits} visits, {result.steps_done} steps done, "
        f"{error.estimates} queue joins called",
        "arrivals by hour: " + ", ".join(f"{clock(hour * 60)} {count}" for hour, count in
                                         result.arrivals_by_hour.items()),
        "",
        f"{'counter':<20}{'joins':>7}{'mean wait':>11}{'MAE product':>13}{'MAE naive':>11}{'bias product':>14}"
        f"{'bias naive':>12}{'mean handling':>15}",
    ]
    rows = [*result.by_counter.items(), ("all", error)]
    for counter, figures in rows:
        lines.append(
            f"{counter:<20}{figures.estimates:>7}{_minutes(figures.mean_actual):>11}{_minutes(figures.mae_product):>13}"
            f"{_minutes(figures.mae_naive):>11}{_minutes(figures.bias_product):>14}{_minutes(figures.bias_naive):>12}"
            f"{_minutes(result.mean_handling.get(counter)):>15}")
    lines.append("(minutes; MAE = mean absolute error of the estimate made when the visitor joined the queue)")
    return "\n".join(lines)


def replay_rows(result: ReplayResult) -> list[dict]:
    rows = []
    for counter, figures in [*result.by_counter.items(), ("all", result.error)]:
        for metric, value in (("queue_joins", figures.estimates), ("mean_actual_wait_minutes", figures.mean_actual),
                              ("mae_product_minutes", figures.mae_product), ("mae_naive_minutes", figures.mae_naive),
                              ("bias_product_minutes", figures.bias_product),
                              ("bias_naive_minutes", figures.bias_naive)):
            rows.append({"day": result.label, "policy": "recorded", "subject": counter, "metric": metric,
                         "value": "" if value is None else round(value, 3)})
    return rows
