"""Visits at a desk, ready to pay: registered through reception's own service and called to a desk."""

from madoguchi.accounts.models import User
from madoguchi.accounts.tests.factories import UserFactory
from madoguchi.catalog.models import Counter, Site
from madoguchi.core.roles import Role
from madoguchi.payments import services
from madoguchi.reception import services as reception
from madoguchi.reception.models import Step


def _helper():
    return User.objects.filter(username="helper-supervisor").first() or UserFactory(
        username="helper-supervisor", role=Role.SUPERVISOR)


def clerk_at(*counter_codes: str, role: str = Role.COUNTER):
    clerk = UserFactory(role=role)
    clerk.counters.set(Counter.objects.filter(code__in=counter_codes))
    return clerk


def visit_at_desk(procedures: list[str], *, counter: str = "koseki-cert", desk: int = 1, clerk=None, site="honcho",
                  now=None):
    """A visit registered for ``procedures`` whose Step at ``counter`` is being served at ``desk``:
    (visit, step, register, clerk)."""
    clerk = clerk or clerk_at(counter)
    visit = reception.visit_register(site=Site.objects.get(code=site), procedure_codes=procedures, now=now)
    target = Counter.objects.get(code=counter)
    if not visit.steps.filter(counter=target).exists():
        # A procedure served at several counters of the site (課税証明: certificates or tax) may have been
        # routed to the other one: move it here, as a supervisor would.
        movable = next(s for s in visit.steps.all() if all(
            target in p.counters.all() for p in s.procedures.all()))
        reception.step_move(step=movable, counter=target, actor=_helper(), now=now)
    step = visit.steps.get(status=Step.Status.QUEUED)
    while step.counter.code != counter:  # the counters before this one serve the visit first
        other = reception.step_call_next(counter=step.counter, clerk=_helper(), desk=step.counter.desks, now=now)
        step = reception.step_complete(step=other, clerk=_helper(), now=now).following
    called = reception.step_call_next(counter=step.counter, clerk=clerk, desk=desk, now=now)
    assert called.pk == step.pk, "another visit was waiting at this counter"
    step = reception.step_start(step=called, clerk=clerk, now=now)
    register = services.register_for(counter=step.counter, desk=desk)
    return visit, step, register, clerk


def charge(visit, register, clerk, items, *, method="cash", key=None, tendered=None, step=None, **kwargs):
    """``items``: [(fee item code, copies)] or ChargeItem objects."""
    import uuid

    charge_items = [i if isinstance(i, services.ChargeItem) else services.ChargeItem(*i) for i in items]
    if method == "cash" and tendered is None:
        tendered = 100_000
    return services.payment_charge(visit=visit, items=charge_items, method=method,
                                   idempotency_key=key or uuid.uuid4().hex, register=register, clerk=clerk,
                                   tendered_yen=tendered, step=step, **kwargs)
