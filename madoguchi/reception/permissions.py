"""Who may act at which counter: a counter clerk at the counters assigned to them; supervisors and
administrators anywhere."""

from django.db.models import Exists, prefetch_related_objects

from madoguchi.accounts.models import User
from madoguchi.core.roles import Capability, Role


def assigned(user_id, counter_id) -> Exists:
    """Whether the counter ``counter_id`` (an ``OuterRef`` to the row read) is one of user ``user_id``'s: an EXISTS
    to read with the counter, so ``may_serve`` needs no query of its own (``assigned=``)."""
    return Exists(User.counters.through.objects.filter(user_id=user_id, counter_id=counter_id))


def serves_assigned_counters(user) -> bool:
    """Whether ``may_serve`` asks which counters ``user`` is assigned to (a counter clerk); a caller that reads the
    counter anyway can read that with it (``assigned=``)."""
    return user.role == Role.COUNTER


def may_serve(user, counter, *, assigned: bool | None = None) -> bool:
    """``assigned``: whether ``counter`` is one of ``user``'s, when the caller read that with the counter (the
    same round trip); else they are read here."""
    if not user.can(Capability.COUNTER_SERVE):
        return False
    if serves_assigned_counters(user):
        if assigned is not None:
            return assigned
        # The clerk's counters are read once per user object — a request's: the token and the session load the
        # user afresh on every request — not once per counter asked about (a page listing the counters or a day's
        # bookings asks for each). Django's prefetch cache: a change through this object
        # (counters.add/remove/set/clear) empties it; a change made elsewhere is seen from the next request.
        if "counters" not in getattr(user, "_prefetched_objects_cache", {}):
            prefetch_related_objects([user], "counters")
        return any(assigned.pk == counter.pk for assigned in user.counters.all())
    return True
