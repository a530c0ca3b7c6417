"""A comparison as a plain-text table (the command) and as tidy CSV rows (one figure a row)."""

import csv
import io
from collections.abc import Iterable

from .compare import Comparison
from .stats import GROUPS, Figures

POLICY_TITLES = {
    "a": "(a) back of each queue",
    "b": "(b) handoff, fixed route",
    "c": "(c) handoff + live route",
    "d": "(d) (c) + staffing page",
}
GROUP_TITLES = {
    "single": "single-procedure visitors",
    "multi": "multi-procedure visitors",
    "multi_counter": "  of which at several counters",
    "all": "all visitors",
}
CSV_FIELDS = ["profile", "seed", "prefill_share", "policy", "subject", "metric", "value"]


def clock(minute: float | None) -> str:
    if minute is None:
        return "—"
    minute = round(minute)
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _pair(first: float | None, second: float | None) -> str:
    return f"{_number(first)} / {_number(second)}"


def text_table(comparison: Comparison) -> str:
    """The figures of every policy side by side (minutes)."""
    policies = list(comparison.summaries)
    summaries = comparison.summaries
    width = 27
    lines = [
        f"{comparison.profile.name} — seed {comparison.seed}: {len(comparison.visits)} visits, "
        f"{comparison.multi_share:.0%} with several procedures, pre-fill share {comparison.profile.prefill.share:.0%} "
        f"({comparison.prefilled} visits)",
        "",
        f"{'minutes':<34}" + "".join(f"{POLICY_TITLES[p]:>{width}}" for p in policies),
    ]
    for group in GROUPS:
        count = summaries[policies[0]].groups[group].visits
        lines.append(f"{GROUP_TITLES[group]} ({count})")
        for label, first, second in (("stay mean / p90", "mean_stay", "p90_stay"),
                                     ("wait mean / p90", "mean_wait", "p90_wait")):
            cells = [_pair(getattr(summaries[p].groups[group], first), getattr(summaries[p].groups[group], second))
                     for p in policies]
            lines.append(f"  {label:<32}" + "".join(f"{cell:>{width}}" for cell in cells))
    lines.append("wait estimate, mean absolute error")
    lines.append(f"  {'product / naive':<32}" + "".join(
        f"{_pair(summaries[p].estimator.mae_product, summaries[p].estimator.mae_naive):>{width}}" for p in policies))
    lines.append(f"  {'oracle bound':<32}" + "".join(
        f"{_number(summaries[p].estimator.mae_oracle):>{width}}" for p in policies))
    lines.append(f"  {'bias product / naive':<32}" + "".join(
        f"{_pair(summaries[p].estimator.bias_product, summaries[p].estimator.bias_naive):>{width}}"
        for p in policies))
    lines.append(f"  {'queue joins estimated':<32}" + "".join(
        f"{summaries[p].estimator.estimates:>{width}}" for p in policies))
    lines.append(f"{'last visitor leaves':<34}" + "".join(
        f"{clock(summaries[p].last_departure):>{width}}" for p in policies))
    if "d" in policies:
        lines.append(f"{'desk moves accepted':<34}" + "".join(
            f"{summaries[p].desk_moves if p == 'd' else '—':>{width}}" for p in policies))
    lines.append("counter utilisation in opening hours (desk time with a visitor ÷ staffed desk time)")
    counters = sorted({c for p in policies for c in summaries[p].utilisation},
                      key=lambda c: list(comparison.staffing.desks_by_hour).index(c))
    for counter in counters:
        cells = []
        for p in policies:
            value = summaries[p].utilisation.get(counter)
            cells.append("—" if value is None else f"{value:.0%}")
        low, high = comparison.staffing.desk_range(counter)
        label = f"{counter} ({low}–{high} desks)" if low != high else f"{counter} ({low} desks)"
        lines.append(f"  {label:<32}" + "".join(f"{cell:>{width}}" for cell in cells))
    lines.append(f"{'simulated in (seconds)':<34}" + "".join(
        f"{summaries[p].wall_seconds:>{width}.2f}" for p in policies))
    return "\n".join(lines)


def _group_rows(figures: Figures) -> Iterable[tuple[str, float | int | None]]:
    yield "visits", figures.visits
    yield "mean_stay_minutes", figures.mean_stay
    yield "p90_stay_minutes", figures.p90_stay
    yield "mean_wait_minutes", figures.mean_wait
    yield "p90_wait_minutes", figures.p90_wait


def csv_rows(comparison: Comparison) -> list[dict]:
    """One figure a row: (policy, subject, metric, value), with the profile, seed and pre-fill share."""
    base = {"profile": comparison.profile.name, "seed": comparison.seed,
            "prefill_share": comparison.profile.prefill.share}
    rows = []

    def add(policy: str, subject: str, metric: str, value) -> None:
        if isinstance(value, float):
            value = round(value, 3)
        rows.append({**base, "policy": policy, "subject": subject, "metric": metric,
                     "value": "" if value is None else value})

    for policy, summary in comparison.summaries.items():
        for group, figures in summary.groups.items():
            for metric, value in _group_rows(figures):
                add(policy, group, metric, value)
        error = summary.estimator
        add(policy, "estimator", "queue_joins", error.estimates)
        add(policy, "estimator", "mae_product_minutes", error.mae_product)
        add(policy, "estimator", "mae_naive_minutes", error.mae_naive)
        add(policy, "estimator", "bias_product_minutes", error.bias_product)
        add(policy, "estimator", "bias_naive_minutes", error.bias_naive)
        add(policy, "estimator", "mae_oracle_minutes", error.mae_oracle)
        add(policy, "estimator", "bias_oracle_minutes", error.bias_oracle)
        add(policy, "estimator", "mean_actual_wait_minutes", error.mean_actual)
        for counter, value in summary.utilisation.items():
            add(policy, counter, "utilisation", value)
        add(policy, "day", "last_departure", clock(summary.last_departure))
        add(policy, "day", "wall_seconds", summary.wall_seconds)
        if policy == "d":
            add(policy, "day", "desk_moves", summary.desk_moves)
    return rows


def write_csv(rows: list[dict], stream: io.TextIOBase, fields: list[str] = CSV_FIELDS) -> None:
    writer = csv.DictWriter(stream, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
