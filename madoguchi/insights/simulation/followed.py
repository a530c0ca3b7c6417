"""Policy (d), live (issue 18): (c) with a supervisor who follows the staffing page through the day.

Pure (no Django). Every ``Following.every`` minutes of the opening hours the supervisor looks at the page —
the product's own ``advisor.plan_rest_of_day``, fed the way ``insights.staffing.live_plan`` feeds it: each
counter's work waiting now (the expected handling of those queued and the rest of those at a desk, as the
queue snapshot computes it), the forecast of the hours left (here the day's profile, as a forecast would
give it), the lunch rotation, the page's rule that a move must save one target-long wait — and accepts the
moves it shows for the current hour.

What a move costs, as on the floor: the desk closes when its clerk has finished the visitor at it (the
highest-numbered desk, as ``staffing_accept`` closes it), and opens at the other counter after the clerk's
walk there (the profile's walk minutes between the floors). Each section keeps its staff of every hour —
the profile's desks with their lunch rotation: a clerk back from lunch sits at the section's counter with
the most work per open desk, one leaving for lunch leaves the counter with the most desks open — so the
staff-hours are (c)'s, less the minutes clerks spend walking between counters (counted as not staffed).
"""

import dataclasses
import math
from collections import defaultdict
from dataclasses import dataclass

from . import live
from .advisor import LiveCounter, counter_load, opening_hours, plan_rest_of_day
from .demand import PlannedVisit
from .inputs import Office, Profile
from .model import PolicyRun, _Counter, _Run


@dataclass(frozen=True)
class Following:
    every: float = 15.0  # minutes between two looks at the page (on the clock: 8:30, 8:45 …)
    p90_target: float = 30.0  # the page's target (insights.staffing.DEFAULT_TARGET_MINUTES)


@dataclass(frozen=True)
class AcceptedMove:
    minute: float  # when the supervisor accepted it
    from_counter: str
    to_counter: str
    closing_desk: int  # the desk number closed at ``from_counter`` once its visitor is done
    opens_at: float  # when the clerk sits at ``to_counter``: that visitor done, then the walk


class _Followed(_Run):
    def __init__(self, office: Office, profile: Profile, visits: list[PlannedVisit], following: Following):
        super().__init__(office, profile, visits, "c")
        self.following = following
        self.load = counter_load(office, profile)
        self.sections: dict[str, list[str]] = defaultdict(list)
        for code, spec in office.counters.items():
            self.sections[spec.department or code].append(code)
        hours = opening_hours(profile)
        self.hours = hours
        self.section_desks = {
            section: {h: sum(self.staffing.desks_by_hour[c][h] for c in members) for h in hours}
            for section, members in self.sections.items()}
        self.open = {code: self.staffing.desks(code, profile.opens_minute) for code in office.counters}
        self.walking: dict[str, int] = defaultdict(int)  # section → clerks on their way to another counter
        self.changed = {code: self.env.event() for code in office.counters}
        self.staffed = dict.fromkeys(office.counters, 0.0)
        self.since = dict.fromkeys(office.counters, profile.opens_minute)
        self.accepted: list[AcceptedMove] = []
        total = {h: sum(row[h] for row in self.section_desks.values()) for h in hours}
        most = max(total.values(), default=0)
        # The office's lunch rotation as the page knows it: the share of the staff away in each hour.
        self.away = {h: 1 - total[h] / most for h in hours} if most else {}
        means = {}
        for code, rows in self.load.items():
            visitors = sum(row.arrivals_per_minute for row in rows.values())
            means[code] = (sum(row.arrivals_per_minute * row.mean_handling for row in rows.values()) / visitors
                           if visitors else None)
        self.mean_handling = {code: means.get(code) or c.fallback_mean for code, c in self.counters.items()}

    # --- desks that open and close during the day ---------------------------------------------

    def desks_open(self, code: str, now: float) -> int:
        return self.open[code]

    def set_open(self, code: str, desks: int) -> None:
        now = min(self.env.now, self.profile.closes_minute)
        self.staffed[code] += self.open[code] * max(0.0, now - self.since[code])
        self.since[code] = now
        self.open[code] = desks
        event, self.changed[code] = self.changed[code], self.env.event()
        event.succeed()

    def staffed_minutes(self, code: str) -> float:
        return self.staffed[code] + self.open[code] * max(0.0, self.profile.closes_minute - self.since[code])

    def desk(self, counter: _Counter, index: int):
        while True:
            if index >= self.open[counter.code]:
                yield self.changed[counter.code]
            elif not counter.waiting:
                yield counter.wake | self.changed[counter.code]
            else:
                yield from self.serve_next(counter, index)

    def start(self) -> None:
        self.env.process(self.arrivals())
        self.env.process(self.supervisor())
        for code, counter in self.counters.items():
            section = self.office.counters[code].department or code
            for index in range(max(self.section_desks[section].values(), default=0)):
                self.env.process(self.desk(counter, index))

    # --- the supervisor -----------------------------------------------------------------------

    def supervisor(self):
        closes, every = self.profile.closes_minute, self.following.every
        while self.env.now < closes:
            self.keep_rotation()
            self.follow_page()
            now = self.env.now
            yield self.env.timeout(min((math.floor(now / every + 1e-9) + 1) * every, closes) - now)

    def backlog(self, code: str) -> tuple[float, int]:
        """(desk-minutes of work at the counter now, visitors waiting) — ``queue_snapshot``'s view."""
        now, counter = self.env.now, self.counters[code]
        waiting = sum(self.expected(step, now) for step in counter.waiting)
        serving = sum(self.serving_remaining(step, now) for step in counter.active.values())
        return waiting + serving, len(counter.waiting)

    def serving_remaining(self, step, now: float) -> float:
        return live.serving_remaining(self.expected(step, now),
                                      now - (step.started if step.started <= now else step.called))

    def keep_rotation(self) -> None:
        """Each section's desks of this hour: those leaving for lunch leave, those back sit down."""
        hour = int(min(self.env.now, self.profile.closes_minute - 1e-6) // 60)
        for section, members in self.sections.items():
            wanted = self.section_desks[section].get(hour)
            if wanted is None:
                continue
            present = sum(self.open[c] for c in members) + self.walking[section]
            while present > wanted:
                leaving = max((c for c in members if self.open[c] > 1), key=lambda c: self.open[c], default=None)
                if leaving is None:
                    break
                self.set_open(leaving, self.open[leaving] - 1)
                present -= 1
            while present < wanted:
                staffed = [c for c in members if self.open[c] > 0] or members
                back = max(staffed, key=lambda c: self.backlog(c)[0] / max(1, self.open[c]))
                self.set_open(back, self.open[back] + 1)
                present += 1

    def follow_page(self) -> None:
        now, closes = self.env.now, self.profile.closes_minute
        hours = [h for h in self.hours if (h + 1) * 60 > now]
        if not hours:
            return
        counters = []
        for code, spec in self.office.counters.items():
            section = spec.department or code
            work, waiting = self.backlog(code)
            rows = self.load.get(code, {})
            counters.append(LiveCounter(
                code, section, self.open[code], max(self.section_desks[section].values(), default=0), work, waiting,
                {h: rows[h].arrivals_per_minute * 60.0 for h in hours if h in rows}, self.mean_handling[code]))
        target = self.following.p90_target
        plan = plan_rest_of_day(counters, now_minute=now, closes_minute=closes, cv=self.profile.handling.cv,
                                p90_target=target, min_gain=target, away=self.away,
                                away_now=self.away.get(hours[0], 0.0))
        for move in plan.moves:
            if move.hour != hours[0]:
                break
            for _ in range(move.desks):
                if self.open[move.from_counter] < 2:  # the page's rule: a counter keeps a desk (staffing_accept)
                    break
                self.move_desk(move.from_counter, move.to_counter)

    def move_desk(self, giver: str, taker: str) -> None:
        now = self.env.now
        self.set_open(giver, self.open[giver] - 1)
        closing = self.open[giver] + 1  # the desk number that closes (1-based)
        finishes = max((step.started + step.plan.handling_minutes for step in self.counters[giver].active.values()
                        if step.desk == closing), default=now)
        closes = self.profile.closes_minute
        self.staffed[giver] += max(0.0, min(finishes, closes) - min(now, closes))  # the clerk at it until then
        opens_at = finishes + self.walk_minutes(self.office.counters[giver].floor, self.office.counters[taker].floor)
        self.accepted.append(AcceptedMove(now, giver, taker, closing, opens_at))
        section = self.office.counters[giver].department or giver
        self.walking[section] += 1
        self.env.process(self.arrive(taker, section, opens_at - now))

    def arrive(self, taker: str, section: str, after: float):
        yield self.env.timeout(after)
        self.walking[section] -= 1
        self.set_open(taker, self.open[taker] + 1)


def followed_run(office: Office, profile: Profile, visits: list[PlannedVisit],
                 following: Following = Following()) -> tuple[PolicyRun, list[AcceptedMove]]:
    """Policy (d), live: (c) on ``visits`` with a supervisor who accepts the staffing page's moves."""
    run = _Followed(office, profile, visits, following)
    return dataclasses.replace(run.run(), policy="d"), run.accepted
