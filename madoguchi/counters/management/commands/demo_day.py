"""Play a busy morning against the running database so displays, consoles and the congestion page move.

    python manage.py demo_day --visitors-per-hour 240 --speed 20 --minutes 10

Time runs ``--speed`` times faster than the clock: visitors arrive at the given rate per (played)
hour, clerks call, serve and complete at every open desk with handling times around each
procedure's typical minutes. Every action goes through the same services the consoles use, so the
step events, the summary and the figures are real. Stop with Ctrl-C.
"""

import random
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import timezone

from madoguchi.accounts.models import User
from madoguchi.accounts.services import staff_create
from madoguchi.catalog.models import Counter, Site
from madoguchi.core.roles import Role
from madoguchi.reception import selectors, services
from madoguchi.reception.models import Step

# What walks in on a busy morning: about a third with several procedures (moving season).
VISIT_MIX = [
    (30, ["cert.juminhyo"]), (8, ["cert.seal"]), (6, ["cert.koseki"]), (6, ["cert.tax"]),
    (4, ["cert.juminhyo", "cert.seal"]),
    (10, ["juki.move_in", "mynumber.card_update", "nhi.enroll"]),
    (6, ["juki.move_in", "mynumber.card_update", "kosodate.child_allowance", "kosodate.child_medical",
         "gakumu.school_transfer"]),
    (5, ["juki.move_out", "nhi.withdraw"]), (6, ["juki.move_within", "mynumber.card_update"]),
    (4, ["koseki.birth", "kosodate.child_allowance", "kosodate.child_medical"]),
    (3, ["koseki.death", "nhi.withdraw", "nhi.funeral_benefit", "kazei.heir_representative"]),
    (3, ["juki.move_in", "kaigo.enroll", "kouki.enroll"]), (4, ["seal.register"]), (5, ["nhi.enroll"]),
]


@dataclass
class DeskPlay:
    counter: Counter
    desk: int
    step: Step | None = None
    next_action_at: float = 0.0


class Command(BaseCommand):
    help = "Play a busy morning: visits arrive, clerks call, serve and complete (Ctrl-C stops)."

    def add_arguments(self, parser):
        parser.add_argument("--visitors-per-hour", type=float, default=240)
        parser.add_argument("--speed", type=float, default=20, help="played seconds per real second")
        parser.add_argument("--minutes", type=float, default=10, help="real minutes to play")
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--site", default="honcho")

    def handle(self, *args, visitors_per_hour, speed, minutes, seed, site, **options):
        rng = random.Random(seed)
        site = Site.objects.get(code=site)
        clerk = User.objects.filter(username="demo_day").first() or staff_create(
            username="demo_day", role=Role.SUPERVISOR, password=None, display_name="デモ職員", created_by="demo_day"
        )
        desks = [DeskPlay(c, n) for c in Counter.objects.filter(site=site, active=True)
                 for n, is_open in selectors.desk_states(c) if is_open]
        typical = selectors.typical_minutes()
        weights = [w for w, _ in VISIT_MIX]
        started = time.monotonic()
        next_arrival = 0.0
        arrivals = served = 0
        last_report = 0.0
        self.stdout.write(f"Playing {minutes:g} minutes at ×{speed:g}: {visitors_per_hour:g} visitors per played "
                          f"hour, {len(desks)} desks at {site.name_ja}. Ctrl-C stops.")
        try:
            while (elapsed := time.monotonic() - started) < minutes * 60:
                while elapsed >= next_arrival:
                    codes = rng.choices([c for _, c in VISIT_MIX], weights)[0]
                    try:
                        services.visit_register(site=site, procedure_codes=codes, channel="kiosk",
                                                needs=["priority"] if rng.random() < 0.03 else [])
                        arrivals += 1
                    except ValidationError as error:
                        self.stderr.write(f"skipped a visit: {' '.join(error.messages)}")
                    next_arrival += rng.expovariate(visitors_per_hour / 3600 * speed)
                for play in desks:
                    served += self._tick(play, clerk, rng, typical, speed, elapsed)
                time.sleep(0.2)
                if elapsed - last_report >= 15:
                    last_report = elapsed
                    self.stdout.write(f"{timezone.localtime():%H:%M:%S} arrivals {arrivals}, completed {served}")
        except KeyboardInterrupt:
            pass
        self.stdout.write(f"\nDone: {arrivals} visits arrived, {served} steps completed.")

    def _tick(self, play: DeskPlay, clerk, rng, typical, speed, elapsed) -> int:
        if elapsed < play.next_action_at:
            return 0
        try:
            if play.step is None:
                play.step = services.step_call_next(counter=play.counter, clerk=clerk, desk=play.desk)
                # walking to the desk takes half a minute; an idle desk looks again soon
                play.next_action_at = elapsed + (30 if play.step else 20) / speed
                return 0
            play.step.refresh_from_db()
            if play.step.status == Step.Status.CALLED:
                services.step_start(step=play.step, clerk=clerk)
                minutes = sum(typical.get(p.code, 10) for p in play.step.procedures.all())
                play.next_action_at = elapsed + minutes * 60 * rng.lognormvariate(0, 0.35) / speed
                return 0
            if play.step.status == Step.Status.SERVING:
                services.step_complete(step=play.step, clerk=clerk)
                play.step = None
                return 1
            play.step = None  # moved or cancelled by someone else meanwhile
        except ValidationError:
            play.step = None
        return 0
