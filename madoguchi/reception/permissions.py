"""Who may act at which counter: a counter clerk at the counters assigned to them; supervisors and
administrators anywhere."""

from madoguchi.core.roles import Capability, Role


def may_serve(user, counter) -> bool:
    if not user.can(Capability.COUNTER_SERVE):
        return False
    if user.role == Role.COUNTER:
        return user.counters.filter(pk=counter.pk).exists()
    return True
