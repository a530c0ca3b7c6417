"""Effect estimates with an honest uncertainty. Pure (no Django, no numpy).

**Means (handling time with vs without pre-filled forms; waits with vs without an appointment).** The
visits are compared within strata — the same set of procedures at the same counter (a pre-filled
move-in against other move-ins, never against certificates), or the same counter and hour for waits —
and the strata's differences are averaged with weights = the number of visits *with* the service in
each (the effect on those who used it). Its 95% interval is Welch's: each stratum's two variances
s²/n, combined with the weights, and a t quantile with the Welch–Satterthwaite degrees of freedom.
The relative difference is the ratio of the two weighted means minus one, its interval computed on the
log scale (delta method: the two groups are disjoint samples) and turned back, so it stays above −100%.

**Shares (procedures added mid-visit, with vs without the navigator).** The same stratified design
(strata: how many procedures the visit brought), weighted difference of proportions with its normal
interval, and the ratio of the weighted shares with a log-scale interval (0.5 added to empty cells).

A stratum enters only with at least two on each side (a variance needs two); the whole estimate is
given only with ``min_count`` on each side over the strata used — below that the page says "too few".
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from madoguchi.core.stats import Z_975, wilson


def t_quantile_975(df: float) -> float:
    """The 97.5% quantile of Student's t with ``df`` degrees of freedom: exact at 1, 2 and 3 (linear
    between), from 3 up the Cornish–Fisher expansion (within 0.004, closer as df grows)."""
    exact = {1: 12.706204736174698, 2: 4.302652729749464, 3: 3.182446305284263}
    if df <= 1:
        return exact[1]
    if df < 3:
        low = int(df)
        return exact[low] + (df - low) * (exact[low + 1] - exact[low])
    z, v = Z_975, float(df)
    return (z + (z**3 + z) / (4 * v) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
            + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4))


@dataclass(frozen=True)
class Moments:
    """A group's count, sum and sum of squares (minutes)."""

    n: int
    total: float
    squares: float

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        """The sample variance (n − 1)."""
        if self.n < 2:
            return None
        return max(0.0, (self.squares - self.total * self.total / self.n) / (self.n - 1))


@dataclass(frozen=True)
class Stratum:
    key: tuple
    treated: Moments  # with the service
    control: Moments  # without

    @property
    def comparable(self) -> bool:
        return self.treated.n >= 2 and self.control.n >= 2


@dataclass
class MeanEffect:
    n_with: int = 0
    n_without: int = 0
    mean_with: float | None = None
    mean_without: float | None = None
    difference: float | None = None  # with − without (minutes)
    ci95: tuple[float, float] | None = None
    relative: float | None = None  # (with ÷ without) − 1
    ci95_relative: tuple[float, float] | None = None
    strata_used: int = 0
    strata_left_out: int = 0  # strata with the service but nobody without it to compare with (or one alone)
    enough: bool = False
    min_count: int = 0

    @property
    def significant(self) -> bool:
        return bool(self.ci95 and (self.ci95[0] > 0 or self.ci95[1] < 0))


def stratified_mean_effect(strata: Iterable[Stratum], *, min_count: int = 30) -> MeanEffect:
    """The weighted (by visits with the service) difference of means over comparable strata."""
    strata = list(strata)
    used = [s for s in strata if s.comparable]
    left_out = sum(1 for s in strata if s.treated.n and not s.comparable)
    effect = MeanEffect(n_with=sum(s.treated.n for s in used), n_without=sum(s.control.n for s in used),
                        strata_used=len(used), strata_left_out=left_out, min_count=min_count)
    if not used:
        return effect
    weight = sum(s.treated.n for s in used)
    m1 = sum(s.treated.n * s.treated.mean for s in used) / weight
    m0 = sum(s.treated.n * s.control.mean for s in used) / weight
    effect.mean_with, effect.mean_without = m1, m0
    effect.difference = m1 - m0
    effect.enough = effect.n_with >= min_count and effect.n_without >= min_count
    # Each stratum mean's variance, weighted: the terms of Var(difference), with their degrees of freedom.
    terms1 = [((s.treated.n / weight) ** 2 * s.treated.variance / s.treated.n, s.treated.n - 1) for s in used]
    terms0 = [((s.treated.n / weight) ** 2 * s.control.variance / s.control.n, s.control.n - 1) for s in used]
    var1, var0 = sum(t for t, _ in terms1), sum(t for t, _ in terms0)
    variance = var1 + var0
    denominator = sum(t * t / df for t, df in terms1 + terms0 if df > 0)
    df = variance * variance / denominator if denominator > 0 else 1e9
    t = t_quantile_975(df)
    se = math.sqrt(variance)
    effect.ci95 = (effect.difference - t * se, effect.difference + t * se)
    if m0 > 0 and m1 > 0:
        effect.relative = m1 / m0 - 1
        se_log = math.sqrt(var1 / (m1 * m1) + var0 / (m0 * m0))
        log_ratio = math.log(m1 / m0)
        effect.ci95_relative = (math.exp(log_ratio - t * se_log) - 1, math.exp(log_ratio + t * se_log) - 1)
    return effect


@dataclass(frozen=True)
class Counts:
    n: int
    events: int

    @property
    def share(self) -> float | None:
        return self.events / self.n if self.n else None


@dataclass(frozen=True)
class ShareStratum:
    key: tuple
    treated: Counts
    control: Counts

    @property
    def comparable(self) -> bool:
        return self.treated.n >= 1 and self.control.n >= 1


@dataclass
class ShareEffect:
    n_with: int = 0
    n_without: int = 0
    share_with: float | None = None
    share_without: float | None = None
    difference: float | None = None  # share with − share without (a fraction: 0.05 = 5 points)
    ci95: tuple[float, float] | None = None
    relative: float | None = None  # (share with ÷ share without) − 1
    ci95_relative: tuple[float, float] | None = None
    strata_used: int = 0
    enough: bool = False
    min_count: int = 0
    strata: list = field(default_factory=list)


def stratified_share_effect(strata: Iterable[ShareStratum], *, min_count: int = 30) -> ShareEffect:
    used = [s for s in strata if s.comparable]
    effect = ShareEffect(n_with=sum(s.treated.n for s in used), n_without=sum(s.control.n for s in used),
                         strata_used=len(used), min_count=min_count)
    if not used:
        return effect
    weight = sum(s.treated.n for s in used)
    p1 = sum(s.treated.n * s.treated.share for s in used) / weight
    p0 = sum(s.treated.n * s.control.share for s in used) / weight
    var1 = sum((s.treated.n / weight) ** 2 * s.treated.share * (1 - s.treated.share) / s.treated.n for s in used)
    var0 = sum((s.treated.n / weight) ** 2 * s.control.share * (1 - s.control.share) / s.control.n for s in used)
    effect.share_with, effect.share_without, effect.difference = p1, p0, p1 - p0
    effect.enough = effect.n_with >= min_count and effect.n_without >= min_count
    se = math.sqrt(var1 + var0)
    effect.ci95 = (p1 - p0 - Z_975 * se, p1 - p0 + Z_975 * se)
    # Ratio on the log scale; 0.5 added to empty cells (Haldane) so a share of zero still has an interval.
    n1 = effect.n_with
    n0 = effect.n_without
    e1, e0 = p1 * n1, p0 * n0
    if e1 == 0 or e0 == 0 or e1 == n1 or e0 == n0:
        e1, e0, n1, n0 = e1 + 0.5, e0 + 0.5, n1 + 1, n0 + 1
    q1, q0 = e1 / n1, e0 / n0
    effect.relative = p1 / p0 - 1 if p0 > 0 else None
    se_log = math.sqrt(var1 / (q1 * q1) + var0 / (q0 * q0)) if var1 + var0 > 0 else \
        math.sqrt(max(1e-12, (1 - q1) / e1 + (1 - q0) / e0))
    log_ratio = math.log(q1 / q0)
    effect.ci95_relative = (math.exp(log_ratio - Z_975 * se_log) - 1, math.exp(log_ratio + Z_975 * se_log) - 1)
    return effect


@dataclass
class ProportionChange:
    """A share before and after an intervention: the change in points with its 95% interval."""

    n_before: int
    n_after: int
    share_before: float | None
    share_after: float | None
    difference: float | None = None
    ci95: tuple[float, float] | None = None
    enough: bool = False


def proportion_change(events_before: int, n_before: int, events_after: int, n_after: int, *,
                      min_count: int = 30) -> ProportionChange:
    """Newcombe's hybrid score interval (Wilson intervals of each share combined) for after − before."""
    p0 = events_before / n_before if n_before else None
    p1 = events_after / n_after if n_after else None
    change = ProportionChange(n_before, n_after, p0, p1, enough=n_before >= min_count and n_after >= min_count)
    if p0 is None or p1 is None:
        return change
    l0, u0 = wilson(events_before, n_before)
    l1, u1 = wilson(events_after, n_after)
    difference = p1 - p0
    change.difference = difference
    change.ci95 = (difference - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2),
                   difference + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2))
    return change


