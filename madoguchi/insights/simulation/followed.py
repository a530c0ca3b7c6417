"""Policy (d), live (issue 18): (c) with a supervisor who follows the staffing page through the day.

Pure (no Django). Every ``Following.every`` minutes of the opening hours the supervisor looks at the page —
the product's own ``advisor.plan_rest_of_day``, fed the way ``insights.staffing.live_plan`` feeds it: each
counter's desks open (a desk accepted on the page counts at once, its clerk still on the way), the work
waiting now (the expected handling of those queued with the call-to-start gap, and the rest of those at a
desk, as the queue snapshot computes it), the forecast of each clock hour's visitors (here the day's
profile, as a forecast would give it), the counter's desks, the lunch rotation, the page's rule that a move
must save one target-long wait, the moves accepted in the last hour (not undone) — and accepts the moves it
shows for the current hour.

What a move costs, as on the floor: the highest-numbered open desk closes (as ``staffing_accept`` closes
it); its clerk finishes the visitor at it, then walks to the other counter (the profile's walk minutes) and
sits at its lowest-numbered desk that is closed and free. Each counter keeps the profile's timetable of the
lunch rotation (at 12:00 a desk leaves each counter the profile staffs less then — from the counter of its
section with the most desks open if the plan has already taken it —, at 13:00 it comes back, to the counter
the profile staffs more, or else the one with the most work per open desk): each section has the
profile's staff in every hour, so the staff-hours are (c)'s less the minutes clerks spend walking.
A counter may take at most its desks: the catalogue's, or as many as the profile staffs there in an hour if
that is more (the temporary desks of the moving season).
"""

import dataclasses
import math
from dataclasses import dataclass

from .advisor import SETTLE_MINUTES, LiveCounter, counter_load, opening_hours, plan_rest_of_day, sections_of
from .demand import PlannedVisit
from .inputs import Office, Profile, minutes_open
from .model import PolicyRun, _Counter, _Run


@dataclass(frozen=True)
class Following:
    every: float = 15.0  # minutes between two looks at the page, from opening (8:30, 8:45 …)
    p90_target: float = 30.0  # the page's target (insights.staffing.DEFAULT_TARGET_MINUTES)
    # True: a section's windows serve any of its counters (the 戸籍住民課 windows side by side on one floor: a
    # window changes counter with its sign), so a counter may take as many desks as its section staffs.
    # False: a counter has only its own desks — the catalogue's, or the most the profile staffs there.
    shared_windows: bool = True


@dataclass(frozen=True)
class AcceptedMove:
    minute: float  # when the supervisor accepted it
    from_counter: str
    to_counter: str
    closing_desk: int  # the desk number closed at ``from_counter`` (its clerk finishes the visitor at it)
    opens_at: float  # when the clerk sits at ``to_counter``


@dataclass(frozen=True)
class DeskChange:
    minute: float
    counter: str
    desk: int  # 1, 2 …
    opened: bool  # False: closed (a visitor at it is finished first)


@dataclass
class Followed:
    run: PolicyRun
    moves: list[AcceptedMove]
    desk_changes: list[DeskChange]


class _Followed(_Run):
    def __init__(self, office: Office, profile: Profile, visits: list[PlannedVisit], following: Following):
        super().__init__(office, profile, visits, "c")
        self.following = following
        self.load = counter_load(office, profile)
        self.sections = sections_of(office)
        self.section_of = {code: section for section, members in self.sections.items() for code in members}
        self.hours = opening_hours(profile)
        self.timetable = {code: {h: self.staffing.desks_by_hour[code][h] for h in self.hours}
                          for code in office.counters}
        own = {code: max([spec.desks, *self.timetable[code].values()]) for code, spec in office.counters.items()}
        section_most = {section: max((sum(self.timetable[c][h] for c in members) for h in self.hours), default=0)
                        for section, members in self.sections.items()}
        self.capacity = {code: max(own[code], section_most[self.section_of[code]]) if following.shared_windows
                         else own[code] for code in office.counters}
        first = int(profile.opens_minute // 60)
        self.open = {code: set(range(self.staffing.desks_by_hour[code][first])) for code in office.counters}
        self.coming: dict[str, int] = dict.fromkeys(office.counters, 0)  # clerks on their way to the counter
        self.processes: dict[str, set[int]] = {code: set() for code in office.counters}
        self.changed = {code: self.env.event() for code in office.counters}
        self.staffed = dict.fromkeys(office.counters, 0.0)
        self.since = dict.fromkeys(office.counters, profile.opens_minute)
        self.accepted: list[AcceptedMove] = []
        self.desk_changes = [DeskChange(profile.opens_minute, code, index + 1, True)
                             for code, desks in self.open.items() for index in sorted(desks)]
        total = {h: sum(row[h] for row in self.timetable.values()) for h in self.hours}
        most = max(total.values(), default=0)
        # The office's lunch rotation as the page knows it: the share of the staff away in each hour.
        self.away = {h: 1 - total[h] / most for h in self.hours} if most else {}
        means = {}
        for code, rows in self.load.items():
            visitors = sum(row.arrivals_per_minute for row in rows.values())
            means[code] = (sum(row.arrivals_per_minute * row.mean_handling for row in rows.values()) / visitors
                           if visitors else None)
        self.mean_handling = {code: means.get(code) or c.fallback_mean for code, c in self.counters.items()}

    # --- desks that open and close during the day ---------------------------------------------

    def desks_open(self, code: str, now: float) -> int:
        return len(self.open[code])

    def busy_desks(self, code: str) -> set[int]:
        """Desk indexes (0-based) with a visitor called to them."""
        return {step.desk - 1 for step in self.counters[code].active.values()}

    def _account(self, code: str) -> None:
        now = min(self.env.now, self.profile.closes_minute)
        self.staffed[code] += len(self.open[code]) * max(0.0, now - self.since[code])
        self.since[code] = now

    def _changed(self, code: str) -> None:
        event, self.changed[code] = self.changed[code], self.env.event()
        event.succeed()

    def open_desk(self, code: str) -> None:
        """A clerk sits at the counter's lowest-numbered desk that is closed and has no visitor."""
        self._account(code)
        busy = self.busy_desks(code)
        index = next(i for i in range(len(self.open[code]) + len(busy) + 1)
                     if i not in self.open[code] and i not in busy)
        self.open[code].add(index)
        self.desk_changes.append(DeskChange(self.env.now, code, index + 1, True))
        if index not in self.processes[code]:
            self.processes[code].add(index)
            self.env.process(self.desk(self.counters[code], index))
        self._changed(code)

    def close_desk(self, code: str, *, moving: bool = False) -> tuple[int, float]:
        """The highest-numbered open desk closes: (its index, when its clerk has finished the visitor at it).
        A clerk ``moving`` to another counter is staffed here until then (from there they walk); one leaving
        for lunch, as in (c), is not."""
        self._account(code)
        index = max(self.open[code])
        self.open[code].discard(index)
        now = self.env.now
        finishes = max((step.started + step.plan.handling_minutes for step in self.counters[code].active.values()
                        if step.desk == index + 1), default=now)
        if moving:
            closes = self.profile.closes_minute
            self.staffed[code] += max(0.0, min(finishes, closes) - min(now, closes))
        self.desk_changes.append(DeskChange(now, code, index + 1, False))
        self._changed(code)
        return index, finishes

    def staffed_minutes(self, code: str) -> float:
        return self.staffed[code] + len(self.open[code]) * max(0.0, self.profile.closes_minute - self.since[code])

    def desk(self, counter: _Counter, index: int):
        while True:
            if index not in self.open[counter.code]:
                yield self.changed[counter.code]
            elif not counter.waiting:
                yield counter.wake | self.changed[counter.code]
            else:
                yield from self.serve_next(counter, index)

    def start(self) -> None:
        super().start()
        self.env.process(self.supervisor())

    def start_desks(self) -> None:
        for code, desks in self.open.items():
            for index in desks:
                self.processes[code].add(index)
                self.env.process(self.desk(self.counters[code], index))

    # --- the supervisor -----------------------------------------------------------------------

    def supervisor(self):
        """At every look, and at every hour (the lunch rotation), until closing."""
        closes, every = self.profile.closes_minute, self.following.every
        while self.env.now < closes:
            now = self.env.now
            self.keep_rotation()
            since = (now - self.profile.opens_minute) / every
            if abs(since - round(since)) < 1e-9:
                self.follow_page()
            look = self.profile.opens_minute + (math.floor(since + 1e-9) + 1) * every
            hour = (math.floor(now / 60 + 1e-9) + 1) * 60.0
            yield self.env.timeout(min(look, hour, closes) - now)

    def backlog(self, code: str) -> tuple[float, int]:
        """(desk-minutes of work at the counter now, visitors waiting) — ``queue_snapshot``'s view."""
        now, counter = self.env.now, self.counters[code]
        serving = sum(self.serving_remaining(step, now) for step in counter.active.values())
        return sum(self.waiting_expected(counter, now)) + serving, len(counter.waiting)

    def keep_rotation(self) -> None:
        """Each section's staff of this hour, as the profile's timetable has it (who leaves for lunch, who is back)."""
        hour = int(min(self.env.now, self.profile.closes_minute - 1e-6) // 60)
        if hour not in self.hours:
            return
        for members in self.sections.values():
            wanted = sum(self.timetable[c][hour] for c in members)
            present = sum(len(self.open[c]) + self.coming[c] for c in members)
            while present > wanted:
                over = [c for c in members if self.open[c] and len(self.open[c]) > self.timetable[c][hour]]
                leaving = max(over or [c for c in members if len(self.open[c]) > 1],
                              key=lambda c: len(self.open[c]), default=None)
                if leaving is None:
                    break
                self.close_desk(leaving)
                present -= 1
            while present < wanted:
                room = [c for c in members if len(self.open[c]) + self.coming[c] + len(self.closing(c))
                        < self.capacity[c]]
                under = [c for c in room if len(self.open[c]) + self.coming[c] < self.timetable[c][hour]]
                staffed = [c for c in room if self.open[c] or self.timetable[c][hour]]
                back = (max(under, key=lambda c: self.timetable[c][hour] - len(self.open[c]) - self.coming[c])
                        if under else max(staffed or room or members,
                                          key=lambda c: self.backlog(c)[0] / max(1, len(self.open[c]))))
                self.open_desk(back)
                present += 1

    def closing(self, code: str) -> set[int]:
        """Desks closed but still finishing a visitor."""
        return self.busy_desks(code) - self.open[code]

    def follow_page(self) -> None:
        now, closes = self.env.now, self.profile.closes_minute
        hours = [h for h in self.hours if (h + 1) * 60 > now]
        if not hours:
            return
        counters = []
        for code in self.office.counters:
            work, waiting = self.backlog(code)
            rows = self.load.get(code, {})
            visits = {h: rows[h].arrivals_per_minute * minutes_open(h, self.profile.opens_minute, closes)
                      for h in hours if h in rows}
            counters.append(LiveCounter(
                code, self.section_of[code], len(self.open[code]) + self.coming[code], self.capacity[code], work,
                waiting, visits, self.mean_handling[code]))
        target = self.following.p90_target
        plan = plan_rest_of_day(counters, now_minute=now, closes_minute=closes, cv=self.profile.handling.cv,
                                p90_target=target, min_gain=target, away=self.away,
                                away_now=self.away.get(hours[0], 0.0), opens_minute=self.profile.opens_minute,
                                settling={(m.to_counter, m.minute) for m in self.accepted
                                          if now - m.minute < SETTLE_MINUTES})
        for move in plan.moves:
            if move.hour != hours[0]:
                break
            for _ in range(move.desks):
                giver, taker = move.from_counter, move.to_counter
                # The page's rules (staffing_accept): a counter keeps a desk; the other has a free one.
                if len(self.open[giver]) < 2 or (len(self.open[taker]) + self.coming[taker] + len(self.closing(taker))
                                                 >= self.capacity[taker]):
                    break
                self.move_desk(giver, taker)

    def move_desk(self, giver: str, taker: str) -> None:
        now = self.env.now
        index, finishes = self.close_desk(giver, moving=True)
        opens_at = finishes + self.walk_minutes(self.office.counters[giver].floor, self.office.counters[taker].floor)
        self.accepted.append(AcceptedMove(now, giver, taker, index + 1, opens_at))
        self.coming[taker] += 1
        self.env.process(self.arrive(taker, opens_at - now))

    def arrive(self, taker: str, after: float):
        yield self.env.timeout(after)
        self.coming[taker] -= 1
        self.open_desk(taker)


def followed_run(office: Office, profile: Profile, visits: list[PlannedVisit],
                 following: Following = Following()) -> Followed:
    """Policy (d), live: (c) on ``visits`` with a supervisor who accepts the staffing page's moves."""
    run = _Followed(office, profile, visits, following)
    return Followed(dataclasses.replace(run.run(), policy="d", desk_moves=len(run.accepted)), run.accepted,
                    run.desk_changes)
