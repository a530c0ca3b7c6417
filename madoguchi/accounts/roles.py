"""Roles and what each may do. Pure data: the single place a permission is granted.

Every page and API operation names the capability it needs; a role has a fixed set of
capabilities. Anything not granted here is denied (see ``middleware.AccessPolicyMiddleware``).
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RECEPTION = "reception", _("Reception clerk")
    COUNTER = "counter", _("Counter clerk")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")
    KIOSK = "kiosk", _("Kiosk device")
    DISPLAY = "display", _("Call display device")


DEVICE_ROLES = frozenset({Role.KIOSK, Role.DISPLAY})


class Capability(StrEnum):
    STAFF_HOME = "staff.home"
    CATALOG_VIEW = "catalog.view"
    RECEPTION_REGISTER = "reception.register"
    COUNTER_SERVE = "counter.serve"
    SUPERVISE = "supervise"
    AUDIT_VIEW = "audit.view"
    ADMINISTER = "administer"
    KIOSK_USE = "kiosk.use"
    DISPLAY_VIEW = "display.view"
    NAVIGATOR_ASSIST = "navigator.assist"  # run the procedure navigator for a visitor at the desk


_STAFF = {Capability.STAFF_HOME, Capability.CATALOG_VIEW, Capability.NAVIGATOR_ASSIST}

GRANTS: dict[str, frozenset[Capability]] = {
    Role.RECEPTION: frozenset(_STAFF | {Capability.RECEPTION_REGISTER}),
    Role.COUNTER: frozenset(_STAFF | {Capability.COUNTER_SERVE}),
    Role.SUPERVISOR: frozenset(
        _STAFF
        | {
            Capability.RECEPTION_REGISTER,
            Capability.COUNTER_SERVE,
            Capability.SUPERVISE,
            Capability.AUDIT_VIEW,
        }
    ),
    # The administrator may do everything, device screens included (to set them up and test them).
    Role.ADMINISTRATOR: frozenset(Capability),
    # Devices reach only their own screen.
    Role.KIOSK: frozenset({Capability.KIOSK_USE}),
    Role.DISPLAY: frozenset({Capability.DISPLAY_VIEW}),
}


def role_can(role: str | None, capability: Capability) -> bool:
    return capability in GRANTS.get(role or "", frozenset())
