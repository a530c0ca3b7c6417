"""Who may see and capture a visit's identity (purpose-bound: 改正個人情報保護法).

Reception registers every visit and may capture its identity there. A counter clerk only handles
visits that have a Step at one of their counters. Supervisors and administrators, anywhere.
"""

from madoguchi.core.roles import Capability, Role
from madoguchi.reception.models import Visit


def may_handle_visit(user, visit: Visit) -> bool:
    if not user.is_authenticated:
        return False
    if user.can(Capability.RECEPTION_REGISTER):
        return True
    if not user.can(Capability.COUNTER_SERVE):
        return False
    if user.role == Role.COUNTER:
        return visit.steps.filter(counter__in=user.counters.all()).exists()
    return True
