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
    ANALYST = "analyst", _("Analyst (read-only figures)")
    DX_DESK = "dx_desk", _("DX help desk")
    HR = "hr", _("Human resources")
    KIOSK = "kiosk", _("Kiosk device")
    DISPLAY = "display", _("Call display device")
    SURVEY_TABLET = "survey_tablet", _("Survey tablet device")


DEVICE_ROLES = frozenset({Role.KIOSK, Role.DISPLAY, Role.SURVEY_TABLET})


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
    INSIGHTS_VIEW = "insights.view"  # the figures: usage, waits, effects, forecast, survey analysis
    SURVEY_TABLET_USE = "survey_tablet.use"  # the exit tablet's survey screen
    DX_DESK_WORK = "dx_desk.work"  # triage and work every help-desk consultation
    TALENT_ALL = "talent.all"  # every staff member's DX skills, training and the targets
    DX_CONSULT = "dx_desk.consult"  # file a consultation with the DX help desk and follow one's own
    TALENT_SELF = "talent.self"  # one's own DX skill record: self-assessment, training, qualifications
    TALENT_SECTION = "talent.section"  # staff records: one's own section's (all with TALENT_ALL); confirm them
    TALENT_FIGURES = "talent.figures"  # the talent figures as aggregates (groups under five people hidden)
    PAYMENT_TAKE = "payment.take"  # charge fees at the desk, print receipts, void one's own charge the same day
    PAYMENT_REFUND = "payment.refund"  # refund a fee on a later day, void anyone's charge the same day
    CASHIER_CLOSE = "cashier.close"  # the day's payments, close a register (日計・精算), settlement, accounting export


_STAFF = {Capability.STAFF_HOME, Capability.CATALOG_VIEW, Capability.NAVIGATOR_ASSIST}
# What every member of staff does in the back office (issue 17): ask the DX help desk for help, keep
# their own DX skill record, read the talent figures as aggregates.
_BACK_OFFICE = {Capability.DX_CONSULT, Capability.TALENT_SELF, Capability.TALENT_FIGURES}

GRANTS: dict[str, frozenset[Capability]] = {
    Role.RECEPTION: frozenset(_STAFF | _BACK_OFFICE | {Capability.RECEPTION_REGISTER}),
    Role.COUNTER: frozenset(_STAFF | _BACK_OFFICE | {Capability.COUNTER_SERVE, Capability.PAYMENT_TAKE}),
    Role.SUPERVISOR: frozenset(
        _STAFF
        | _BACK_OFFICE
        | {
            Capability.RECEPTION_REGISTER,
            Capability.COUNTER_SERVE,
            Capability.SUPERVISE,
            Capability.AUDIT_VIEW,
            Capability.INSIGHTS_VIEW,
            Capability.TALENT_SECTION,
            Capability.PAYMENT_TAKE,
            Capability.PAYMENT_REFUND,
            Capability.CASHIER_CLOSE,
        }
    ),
    Role.ANALYST: frozenset({Capability.STAFF_HOME, Capability.CATALOG_VIEW, Capability.INSIGHTS_VIEW,
                             Capability.TALENT_FIGURES}),
    Role.DX_DESK: frozenset(_STAFF | _BACK_OFFICE | {Capability.DX_DESK_WORK, Capability.TALENT_ALL,
                                                     Capability.TALENT_SECTION}),
    Role.HR: frozenset(_STAFF | _BACK_OFFICE | {Capability.TALENT_ALL, Capability.TALENT_SECTION}),
    # The administrator may do everything, device screens included (to set them up and test them).
    Role.ADMINISTRATOR: frozenset(Capability),
    # Devices reach only their own screen.
    Role.KIOSK: frozenset({Capability.KIOSK_USE}),
    Role.DISPLAY: frozenset({Capability.DISPLAY_VIEW}),
    Role.SURVEY_TABLET: frozenset({Capability.SURVEY_TABLET_USE}),
}


def role_can(role: str | None, capability: Capability) -> bool:
    return capability in GRANTS.get(role or "", frozenset())
