"""What the staff home offers: one entry per screen, shown to the roles that may open it.

Apps add their screens here as they gain them; the home page lists those the user's role allows.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from madoguchi.core.roles import Capability


@dataclass(frozen=True)
class Screen:
    capability: Capability
    url_name: str
    title: Promise
    description: Promise


SCREENS: list[Screen] = [
    Screen(Capability.CATALOG_VIEW, "catalog:procedures", _("Procedure catalogue"),
           _("Every procedure, its counters, fees, documents and deadlines.")),
    Screen(Capability.AUDIT_VIEW, "audit:events", _("Audit log"),
           _("Who did what and when; every view of personal data.")),
    Screen(Capability.RECEPTION_REGISTER, "reception:desk", _("Reception"),
           _("Register a visit: one ticket for every procedure and counter.")),
    Screen(Capability.RECEPTION_REGISTER, "reception:visits", _("Today's visits"),
           _("Find a visit by ticket, status or counter; its whole route; reprint a lost route sheet.")),
    Screen(Capability.RECEPTION_REGISTER, "preapply:reception", _("Pre-application"),
           _("Scan a resident's pre-application QR code: the visit with its identity and answers.")),
    Screen(Capability.COUNTER_SERVE, "preapply:staff_day", _("Appointments"),
           _("The day's bookings per counter; check-in by booking code.")),
    Screen(Capability.NAVIGATOR_ASSIST, "navigator:staff_start", _("Procedure navigator"),
           _("From a visitor's situation to every procedure they need.")),
    Screen(Capability.COUNTER_SERVE, "counters:counter_list", _("Counter console"),
           _("Call, serve and hand on the visitors at your counter.")),
    Screen(Capability.SUPERVISE, "counters:supervisor", _("All counters"),
           _("Every queue; move visits, open and close desks; the daily summary.")),
    Screen(Capability.INSIGHTS_VIEW, "insights:dashboard", _("Insights dashboard"),
           _("Visits, waits and handling per day, hour, counter and procedure; the accuracy of the wait estimate.")),
    Screen(Capability.INSIGHTS_VIEW, "insights:effects", _("Effect of the digital services"),
           _("Usage and effect of pre-filled forms, pre-application, appointments and the navigator, with intervals.")),
    Screen(Capability.INSIGHTS_VIEW, "insights:forecast", _("Congestion forecast"),
           _("The next eight weeks per counter and hour, with the desks each hour needs.")),
    Screen(Capability.INSIGHTS_VIEW, "surveys:analysis", _("Visitor survey: analysis"),
           _("Response rate; awareness and use of the digital services by age and smartphone use; "
             "satisfaction against the actual wait; comments.")),
    Screen(Capability.SUPERVISE, "surveys:paper_entry", _("Key in paper answers"),
           _("The visitor survey on paper: print the questionnaire, key in the answers.")),
    Screen(Capability.SUPERVISE, "insights:simulator", _("Office simulator"),
           _("A simulated day under three handoff policies; what if staffing or pre-fill changes.")),
    Screen(Capability.CASHIER_CLOSE, "payments:day", _("Payments"),
           _("The day's fees per register: receipts, voids, refunds.")),
    Screen(Capability.CASHIER_CLOSE, "payments:close", _("Close the day (日計・精算)"),
           _("Count each register's cash, reconcile the terminal's settlement, export for accounting.")),
    Screen(Capability.INSIGHTS_VIEW, "insights:cashless", _("Cashless payments"),
           _("The cashless share of the fees per day, counter and method; the time at the desk with and without.")),
    Screen(Capability.SUPERVISE, "insights:staffing", _("Staffing plan"),
           _("Which desks to move between a section's counters today and when, from the queues now and the "
             "forecast; accept a move.")),
    Screen(Capability.DX_DESK_WORK, "dxdesk:list", _("DX help desk: consultations"),
           _("Triage and work every consultation; measure the tools delivered; ideas from the counter's data.")),
    Screen(Capability.DX_CONSULT, "dxdesk:new", _("Ask the DX help desk"),
           _("A task that takes too long? Online forms, RPA, spreadsheets, low-code, AI, paperless.")),
    Screen(Capability.INSIGHTS_VIEW, "dxdesk:dashboard", _("DX help desk dashboard"),
           _("Consultations and hours saved by section, kind and quarter.")),
    Screen(Capability.TALENT_SELF, "talent:me", _("My DX skills"),
           _("Your levels in the DX skill framework, training taken and qualifications.")),
    Screen(Capability.TALENT_SECTION, "talent:staff", _("DX skills: staff records"),
           _("The records of your section (of every section for HR and the desk); confirm self-assessments.")),
    Screen(Capability.TALENT_FIGURES, "talent:gap", _("DX talent: targets and gap"),
           _("Targets by section, grade, role and level against confirmed levels, and the trend.")),
    Screen(Capability.KIOSK_USE, "reception:kiosk", _("Reception kiosk"), _("The walk-in touch screen.")),
    Screen(Capability.SURVEY_TABLET_USE, "surveys:tablet", _("Exit survey tablet"),
           _("Visitors without a phone answer the survey here with their ticket number.")),
    Screen(Capability.DISPLAY_VIEW, "counters:display", _("Call display"), _("The board that calls tickets.")),
    Screen(Capability.ADMINISTER, "admin:index", _("Administration"),
           _("Catalogue, staff accounts, devices (Django admin).")),
    Screen(Capability.CATALOG_VIEW, "api:openapi-view", _("API documentation"),
           _("The JSON API and its OpenAPI document.")),
]


def screens_for(user) -> list[Screen]:
    return [screen for screen in SCREENS if user.can(screen.capability)]
