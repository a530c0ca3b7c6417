"""The office simulator (issue 7): a SimPy model of the one-stop counter that runs the live routing
policy and wait estimator on a drawn day. Pure: nothing here imports Django, so the command, the
supervisor page, the bench and the tests all run the same model."""

from .compare import COMPARED, Comparison, simulate
from .demand import PlannedStep, PlannedVisit, draw_visits
from .inputs import (
    DEFAULT_PROFILE,
    PROFILES_DIR,
    Office,
    Profile,
    ProfileInvalid,
    available_profiles,
    load_inputs,
    load_office,
    load_profile,
    parse_profile,
)
from .model import POLICIES, PolicyRun, run_policy
from .stats import GROUPS, PolicySummary, summarise

__all__ = [
    "COMPARED", "DEFAULT_PROFILE", "GROUPS", "POLICIES", "PROFILES_DIR", "Comparison", "Office", "PlannedStep",
    "PlannedVisit", "PolicyRun", "PolicySummary", "Profile", "ProfileInvalid", "available_profiles", "draw_visits",
    "load_inputs", "load_office", "load_profile", "parse_profile", "run_policy", "simulate", "summarise",
]
