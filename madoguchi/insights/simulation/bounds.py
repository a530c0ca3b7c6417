"""What no desk plan can beat (issue 18, the staffing advisor's targets). Pure (no Django).

* ``section_balance``: the work a section's counters get on the day (desk-minutes, the catalogue's
  minutes less the pre-fill saving) beside the desk-minutes its staff can give in the opening hours. A
  section short of desk-minutes carries a backlog whatever the plan does inside it: a desk plan only
  decides which of its counters waits.
* ``pooled``: the office with one section's counters merged into one pool whose desks follow the queue
  — every desk calls the visitor with the earliest priority among all the section's queues, at every
  moment. No hourly plan of that section's desks does better for the longest waits; it is optimistic,
  too, for a visit with steps at two of the section's counters, which the pool serves in one go.
"""

import dataclasses
from collections import defaultdict

from .advisor import counter_load, opening_hours
from .inputs import CounterSpec, Office, Profile, minutes_open, staffing_of


def section_balance(office: Office, profile: Profile) -> dict[str, tuple[float, float]]:
    """Section → (desk-minutes of work expected, desk-minutes staffed) over the opening hours."""
    staffing = staffing_of(profile, office)
    load = counter_load(office, profile)
    balance: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for code, spec in office.counters.items():
        for hour in opening_hours(profile):
            span = minutes_open(hour, profile.opens_minute, profile.closes_minute)
            here = load.get(code, {}).get(hour)
            if here:
                balance[spec.department or code][0] += here.arrivals_per_minute * here.mean_handling * span
            balance[spec.department or code][1] += staffing.desks_by_hour[code][hour] * span
    return {section: (work, staffed) for section, (work, staffed) in balance.items()}


def pooled(office: Office, profile: Profile, section: str) -> tuple[Office, Profile]:
    """``office`` and ``profile`` with ``section``'s counters as one counter (code ``section``) staffed,
    hour by hour, with the sum of their desks: the same staff-hours, and the same visitors when drawn
    with the same seed (draws are per procedure, not per counter)."""
    members = [code for code, spec in office.counters.items() if spec.department == section]
    if not members:
        raise ValueError(f"no counter of section {section!r}")
    first = office.counters[members[0]]
    counters = {code: spec for code, spec in office.counters.items() if code not in members}
    counters[section] = CounterSpec(section, first.name_ja, first.name_en, first.floor,
                                    sum(office.counters[c].desks for c in members), first.rank, section)
    procedures = {
        code: dataclasses.replace(p, counters=tuple(dict.fromkeys(section if c in members else c for c in p.counters)))
        for code, p in office.procedures.items()}
    staffing = staffing_of(profile, office)
    rows = {code: dict(hours) for code, hours in profile.staffing.items() if code not in members}
    rows[section] = {hour: sum(staffing.desks_by_hour[c][hour] for c in members) for hour in range(24)}
    return (Office(office.site, counters, procedures),
            profile.model_validate({**profile.model_dump(), "staffing": rows}))
