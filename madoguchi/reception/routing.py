"""Routing policy: which counters a visit needs, and which of its Steps comes next.

Pure (no Django): the live system and the office simulator run this same code.

Two decisions:

* ``assign_counters`` — at registration, each procedure goes to one of the counters at the
  visit's site that serve it, using as few counters as possible (a procedure served at a counter
  the visit must see anyway rides along: the My Number card update is done at the moving desk).
* ``choose_next_step`` — when a Step completes (or at registration), the next Step is the one
  whose prerequisites are all done (resident record before insurance, allowances, schools),
  then the one at the counter with the shortest expected wait. Chosen live, not fixed at reception.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class RoutingError(ValueError):
    """A procedure cannot be routed (no counter serves it at this site)."""

    def __init__(self, message: str, codes: Sequence[str] = ()):
        super().__init__(message)
        self.codes = list(codes)


def assign_counters(procedure_counters: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """``{procedure: [counters serving it here, in preference order]}`` → ``{counter: [procedures]}``.

    Greedy set cover: take the counter that serves the most procedures still unassigned (ties: the
    earlier counter in the procedures' own preference lists), until every procedure has a counter.
    Raises ``RoutingError`` naming the procedures no counter here serves.
    """
    missing = sorted(code for code, counters in procedure_counters.items() if not counters)
    if missing:
        raise RoutingError("not handled at this site: " + ", ".join(missing), missing)
    preference: dict[str, int] = {}
    for counters in procedure_counters.values():
        for rank, counter in enumerate(counters):
            preference[counter] = min(preference.get(counter, rank), rank)
    unassigned = dict(procedure_counters)
    assignment: dict[str, list[str]] = {}
    while unassigned:
        coverage: dict[str, list[str]] = {}
        for code, counters in unassigned.items():
            for counter in counters:
                coverage.setdefault(counter, []).append(code)
        best = min(coverage, key=lambda c: (-len(coverage[c]), preference[c], c))
        assignment[best] = sorted(coverage[best])
        for code in coverage[best]:
            del unassigned[code]
    return assignment


@dataclass(frozen=True)
class PendingStep:
    """A Step of the visit not yet done, as routing sees it."""

    step_id: int
    counter: str
    procedures: frozenset[str]
    # The cashier (会計窓口) settles the fees of the other Steps: it comes after every one of them.
    last: bool = False


def unmet_prerequisites(
    step: PendingStep, pending: Sequence[PendingStep], prerequisites: Mapping[str, frozenset[str] | set[str]]
) -> set[str]:
    """Prerequisite procedures of ``step`` still to be done at *another* pending Step of the visit.

    Prerequisites inside the same Step do not block it: one counter does them in order.
    """
    elsewhere = set()
    for other in pending:
        if other.step_id != step.step_id:
            elsewhere |= other.procedures
    needed = set()
    for code in step.procedures:
        needed |= set(prerequisites.get(code, ())) & elsewhere
    return needed


def choose_next_step(
    pending: Sequence[PendingStep],
    prerequisites: Mapping[str, frozenset[str] | set[str]],
    expected_wait: Mapping[str, float],
) -> PendingStep | None:
    """The Step to queue next, or None when nothing is pending.

    Order: a Step marked ``last`` (the cashier) only when nothing else is pending; then no unmet
    prerequisites first (if every Step waits on another — impossible with an acyclic catalogue, but
    a visit edited mid-way could do it — the fewest unmet), then the shortest expected wait at its
    counter, then the counter code for a stable choice.
    """
    if not pending:
        return None
    return min(
        pending,
        key=lambda step: (
            step.last,
            len(unmet_prerequisites(step, pending, prerequisites)),
            expected_wait.get(step.counter, 0.0),
            step.counter,
            step.step_id,
        ),
    )


def counters_compared(
    pending: Sequence[PendingStep], prerequisites: Mapping[str, frozenset[str] | set[str]]
) -> set[str]:
    """The counters whose expected waits ``choose_next_step`` would compare: those of the Steps tied
    before the wait decides (not last, fewest unmet prerequisites). With one such counter the choice is
    made without any wait, and nobody need compute one."""
    if not pending:
        return set()
    ranks = {step.step_id: (step.last, len(unmet_prerequisites(step, pending, prerequisites))) for step in pending}
    best = min(ranks.values())
    return {step.counter for step in pending if ranks[step.step_id] == best}


def planned_order(
    pending: Sequence[PendingStep],
    prerequisites: Mapping[str, frozenset[str] | set[str]],
    expected_wait: Mapping[str, float],
) -> list[PendingStep]:
    """The whole route as it looks now (for the route sheet): ``choose_next_step`` repeatedly.

    Only a forecast: the live choice is made again each time a Step completes.
    """
    remaining = list(pending)
    order = []
    while remaining:
        step = choose_next_step(remaining, prerequisites, expected_wait)
        order.append(step)
        remaining.remove(step)
    return order
