"""Control the simulated payment terminal (development, demos, tests of a running server).

    python manage.py payments_terminal --show
    python manage.py payments_terminal --next decline --next timeout   # the next two charges
    python manage.py payments_terminal --default approve --delay-ms 800
    python manage.py payments_terminal --hold        # charges wait at the terminal … until --release
    python manage.py payments_terminal --settlement 2026-11-26         # its settlement CSV of a day
"""

from django.core.management.base import BaseCommand, CommandError

from madoguchi.core.params import date_or_none
from madoguchi.payments.terminals import backend_name, get_terminal
from madoguchi.payments.terminals.simulated import BEHAVIOURS


class Command(BaseCommand):
    help = "Script the simulated payment terminal: what the next charges do, its default, its delay."

    def add_arguments(self, parser):
        parser.add_argument("--next", dest="next_charges", action="append", choices=BEHAVIOURS, default=[],
                            help="what the next charge does (repeat for the ones after)")
        parser.add_argument("--default", choices=BEHAVIOURS, help="what every later charge does")
        parser.add_argument("--delay-ms", type=int, help="the time a resident takes at the terminal")
        parser.add_argument("--hold", action="store_true", help="keep every charge at the terminal until --release")
        parser.add_argument("--release", action="store_true", help="let held charges go on")
        parser.add_argument("--settlement", metavar="DATE", help="print the settlement report (CSV) of DATE")
        parser.add_argument("--show", action="store_true")

    def handle(self, *args, next_charges, default, delay_ms, hold, release, settlement, show, **options):
        if backend_name() != "simulated":
            raise CommandError(f"PAYMENT_TERMINAL is {backend_name()!r}, not the simulator.")
        terminal = get_terminal()
        if default:
            terminal.set_default(default)
        if delay_ms is not None:
            terminal.set_delay(delay_ms)
        if next_charges:
            terminal.script(next_charges)
        if hold:
            terminal.hold()
        if release:
            terminal.release()
        if settlement:
            day = date_or_none(settlement)
            if day is None:
                raise CommandError("--settlement takes a date: YYYY-MM-DD")
            self.stdout.write(terminal.settlement_report(day=day), ending="")
            return
        state = terminal.state()
        self.stdout.write(f"default {state['default']}, delay {state['delay_ms']} ms, "
                          f"{'holding charges, ' if state['held'] else ''}"
                          f"queued {state['script'] or 'nothing'}, {state['charges']} charges held")
