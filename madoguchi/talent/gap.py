"""The gap report (目標と実績の差): targets against confirmed levels, and small-group suppression.
Pure: no Django.

A target asks for ``headcount`` staff at ``level`` or above in ``role``, among the staff of a section
(``None``: the whole ward) and a grade (``None``: every grade). Its *population* is the number of
staff in that scope; its *actual* the number of them whose confirmed level reaches the target's.

Privacy: a figure drawn from fewer than ``MIN_GROUP`` people is not shown ("—"), or somebody's level
could be read off it. A total is hidden too when one of the rows it adds up is hidden, so nothing
hidden can be recovered by subtracting the rows shown from the total.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field

MIN_GROUP = 5
HIDDEN = "—"


@dataclass(frozen=True)
class Person:
    section: int
    grade: int
    levels: Mapping[str, int] = field(default_factory=dict)  # role code → confirmed level


@dataclass(frozen=True)
class Target:
    section: int | None
    grade: int | None
    role: str
    level: int
    headcount: int
    id: int | None = None


@dataclass(frozen=True)
class TargetResult:
    target: Target
    population: int
    actual: int

    @property
    def shortfall(self) -> int:
        return max(self.target.headcount - self.actual, 0)

    @property
    def suppressed(self) -> bool:
        return self.population < MIN_GROUP

    @property
    def achievement(self) -> float | None:
        """Share of the target reached, capped at 1 (None for a target of 0)."""
        if self.target.headcount == 0:
            return None
        return min(self.actual / self.target.headcount, 1.0)


@dataclass(frozen=True)
class GroupResult:
    key: Hashable
    population: int
    targets: int
    headcount: int
    actual: int
    shortfall: int
    suppressed: bool

    @property
    def achievement(self) -> float | None:
        if self.headcount == 0:
            return None
        return (self.headcount - self.shortfall) / self.headcount


def in_scope(person: Person, *, section: int | None, grade: int | None) -> bool:
    return (section is None or person.section == section) and (grade is None or person.grade == grade)


def target_results(targets: Iterable[Target], people: list[Person]) -> list[TargetResult]:
    results = []
    for target in targets:
        scope = [p for p in people if in_scope(p, section=target.section, grade=target.grade)]
        actual = sum(1 for p in scope if p.levels.get(target.role, 0) >= target.level)
        results.append(TargetResult(target=target, population=len(scope), actual=actual))
    return results


def group_results(results: list[TargetResult], people: list[Person], *,
                  key: Callable[[Target], Hashable],
                  population_of: Callable[[Hashable, list[Person]], int]) -> list[GroupResult]:
    """Totals of ``results`` grouped by ``key(target)`` (in the order groups first appear)."""
    groups: dict[Hashable, list[TargetResult]] = {}
    for result in results:
        groups.setdefault(key(result.target), []).append(result)
    out = []
    for group_key, rows in groups.items():
        population = population_of(group_key, people)
        out.append(GroupResult(
            key=group_key, population=population, targets=len(rows),
            headcount=sum(r.target.headcount for r in rows), actual=sum(r.actual for r in rows),
            shortfall=sum(r.shortfall for r in rows),
            suppressed=population < MIN_GROUP or any(r.suppressed for r in rows),
        ))
    return out


def by_section(results: list[TargetResult], people: list[Person]) -> list[GroupResult]:
    return group_results(results, people, key=lambda t: t.section,
                         population_of=lambda s, ps: sum(1 for p in ps if s is None or p.section == s))


def by_grade(results: list[TargetResult], people: list[Person]) -> list[GroupResult]:
    return group_results(results, people, key=lambda t: t.grade,
                         population_of=lambda g, ps: sum(1 for p in ps if g is None or p.grade == g))


def shown(value, *, suppressed: bool, exact: bool = False):
    """The value, or ``HIDDEN`` when it is drawn from too few people (unless ``exact`` is allowed)."""
    if suppressed and not exact:
        return HIDDEN
    return value
