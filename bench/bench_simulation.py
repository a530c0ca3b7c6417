"""Issue 7's targets on the default peak day (insights/profiles/peak_day.yaml), median of 5 fixed seeds.

- policy (c) mean stay of multi-procedure visitors ≤ 0.70 × policy (a), and below (b);
- single-procedure visitors wait at most 5% longer under (c) than under (b);
- the product's wait estimator's MAE ≤ 0.75 × the naive estimator's (policy (c), the live system);
- a peak day (all three policies) simulates in under 10 seconds.

The figures are printed as they come out of the model; the profile is not tuned to them. Pure: no
database (the model imports no Django).
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from madoguchi.insights.simulation import DEFAULT_PROFILE, load_office, load_profile, simulate  # noqa: E402

SEEDS = (1, 2, 3, 4, 5)
WALL_LIMIT_SECONDS = 10.0


def spread(values: list[float], digits: int = 1) -> str:
    return f"median {statistics.median(values):.{digits}f} (seeds: {min(values):.{digits}f}–{max(values):.{digits}f})"


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def main() -> int:
    office = load_office(ROOT / "catalog", "honcho")
    profile = load_profile(DEFAULT_PROFILE, office)
    figures: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        figures.setdefault(name, []).append(value)

    for seed in SEEDS:
        started = time.perf_counter()
        comparison = simulate(office, profile, seed=seed)
        add("wall", time.perf_counter() - started)
        add("visits", len(comparison.visits))
        add("multi_share", comparison.multi_share)
        for policy, summary in comparison.summaries.items():
            add(f"{policy}.multi_stay", summary.groups["multi"].mean_stay)
            add(f"{policy}.multi_counter_stay", summary.groups["multi_counter"].mean_stay)
            add(f"{policy}.single_wait", summary.groups["single"].mean_wait)
            add(f"{policy}.mae_product", summary.estimator.mae_product)
            add(f"{policy}.mae_naive", summary.estimator.mae_naive)
            add(f"{policy}.wall", summary.wall_seconds)
        a, b, c = (comparison.summaries[p] for p in "abc")
        add("ratio_c_a_multi", c.groups["multi"].mean_stay / a.groups["multi"].mean_stay)
        add("ratio_c_a_multi_counter", c.groups["multi_counter"].mean_stay / a.groups["multi_counter"].mean_stay)
        add("ratio_c_b_single_wait", c.groups["single"].mean_wait / b.groups["single"].mean_wait)
        add("ratio_mae", c.estimator.mae_product / c.estimator.mae_naive)

    med = {name: statistics.median(values) for name, values in figures.items()}
    print(f"office simulator, {profile.name}: seeds {', '.join(map(str, SEEDS))}; "
          f"visits {spread(figures['visits'], 0)}, several procedures {spread(figures['multi_share'], 2)}")
    print("mean stay of multi-procedure visitors (min): "
          + "; ".join(f"({p}) {spread(figures[f'{p}.multi_stay'])}" for p in "abc"))
    print("  of which at several counters (min): "
          + "; ".join(f"({p}) {spread(figures[f'{p}.multi_counter_stay'])}" for p in "abc"))
    print("mean wait of single-procedure visitors (min): "
          + "; ".join(f"({p}) {spread(figures[f'{p}.single_wait'])}" for p in "abc"))
    print("wait estimate MAE (min), product / naive: "
          + "; ".join(f"({p}) {med[f'{p}.mae_product']:.1f} / {med[f'{p}.mae_naive']:.1f}" for p in "abc"))

    results = []
    target = 0.70 * med["a.multi_stay"]
    ok = med["c.multi_stay"] <= target
    results.append(ok)
    print(f"target: (c) multi-procedure mean stay {med['c.multi_stay']:.1f} ≤ 0.70 × (a) {med['a.multi_stay']:.1f} "
          f"= {target:.1f} min (ratio per seed {spread(figures['ratio_c_a_multi'], 2)}): {verdict(ok)}")
    ok = med["c.multi_stay"] < med["b.multi_stay"]
    results.append(ok)
    print(f"target: (c) multi-procedure mean stay {med['c.multi_stay']:.1f} < (b) {med['b.multi_stay']:.1f} min "
          f"(below under {sum(c < b for c, b in zip(figures['c.multi_stay'], figures['b.multi_stay'], strict=True))}"
          f" of {len(SEEDS)} seeds): {verdict(ok)}")
    target = 1.05 * med["b.single_wait"]
    ok = med["c.single_wait"] <= target
    results.append(ok)
    print(f"target: (c) single-procedure mean wait {med['c.single_wait']:.1f} ≤ 1.05 × (b) {med['b.single_wait']:.1f} "
          f"= {target:.1f} min (ratio per seed {spread(figures['ratio_c_b_single_wait'], 3)}): {verdict(ok)}")
    target = 0.75 * med["c.mae_naive"]
    ok = med["c.mae_product"] <= target
    results.append(ok)
    print(f"target: product estimator MAE {med['c.mae_product']:.1f} ≤ 0.75 × naive {med['c.mae_naive']:.1f} "
          f"= {target:.1f} min, policy (c) (ratio per seed {spread(figures['ratio_mae'], 2)}): {verdict(ok)}")
    ok = max(figures["wall"]) < WALL_LIMIT_SECONDS
    results.append(ok)
    print(f"target: one peak day, three policies, in under {WALL_LIMIT_SECONDS:.0f} s: {spread(figures['wall'], 2)} s; "
          f"one policy {spread(figures['c.wall'], 2)} s: {verdict(ok)}")
    met = sum(results)
    print(f"{met} of {len(results)} targets met")
    return 0 if met == len(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
