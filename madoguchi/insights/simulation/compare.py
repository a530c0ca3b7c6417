"""Run the policies on one drawn day and gather their figures."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from .demand import PlannedVisit, draw_visits
from .followed import followed_run
from .inputs import Office, Profile, Staffing, staffing_of
from .model import POLICIES, PolicyRun, run_policy
from .stats import PolicySummary, summarise

# The model's three policies, and (d): (c) with a supervisor who follows the staffing page (``followed``).
COMPARED = (*POLICIES, "d")


@dataclass(frozen=True)
class Comparison:
    profile: Profile
    seed: int
    staffing: Staffing
    visits: list[PlannedVisit]
    summaries: dict[str, PolicySummary]
    runs: dict[str, PolicyRun] = field(default_factory=dict)

    @property
    def multi_share(self) -> float:
        return sum(v.multi_procedure for v in self.visits) / len(self.visits) if self.visits else 0.0

    @property
    def prefilled(self) -> int:
        return sum(v.prefilled for v in self.visits)


def simulate(office: Office, profile: Profile, *, seed: int, policies: Sequence[str] = POLICIES,
             keep_runs: bool = False) -> Comparison:
    """The day of ``profile`` drawn once with ``seed``, then run under each policy on those same visitors."""
    unknown = [p for p in policies if p not in COMPARED]
    if unknown:
        raise ValueError(f"unknown policy {', '.join(unknown)} (known: {', '.join(COMPARED)})")
    visits = draw_visits(office, profile, seed)
    runs = {policy: (followed_run(office, profile, visits).run if policy == "d" else
                     run_policy(office, profile, visits, policy)) for policy in policies}
    return Comparison(profile=profile, seed=seed, staffing=staffing_of(profile, office), visits=visits,
                      summaries={policy: summarise(run) for policy, run in runs.items()},
                      runs=runs if keep_runs else {})
