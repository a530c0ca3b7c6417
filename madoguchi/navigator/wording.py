"""How the questionnaire words its questions and errors (UI strings, translated with gettext).

What the rules say to a resident — reasons, relation names, procedure names, documents — comes
from the catalogue YAML in ja / en / やさしい日本語 instead.
"""

from django.utils.translation import gettext_lazy as _

PLACE_CHOICES = {
    "same_prefecture": _("Elsewhere in Tokyo (another city or ward)"),
    "other_prefecture": _("Another prefecture"),
    "abroad": _("Abroad"),
}

EVENT_FACT_LABELS = {
    "moved_from": _("Where did you move from?"),
    "moving_to": _("Where are you moving to?"),
}

EVENT_DATE_LABELS = {
    "move_in": _("Date you started living at the new address"),
    "move_out": _("Date you move out"),
    "move_within": _("Date you moved"),
    "birth": _("Date of birth"),
    "death": _("Date of death"),
    "marriage": _("Date of the marriage"),
    "divorce": _("Date of the divorce"),
}
EVENT_DATE_LABEL = _("Date of the event")
EVENT_DATE_HELP = _("For example 2026 4 1.")
DATE_PART_LABELS = (_("Year"), _("Month"), _("Day"))

MEMBER_FACT_LABELS = {
    "relation": _("Relation"),
    "age": _("Age"),
    "insurance": _("Health insurance"),
    "has_mynumber_card": _("Has a My Number card"),
    "disability_certificate": _("Has a disability certificate"),
    "care_certified": _("Is certified as needing long-term care or support"),
    "attends_nursery": _("Goes to a nursery school"),
    "civil_servant": _("Is a civil servant (works for the national or a local government)"),
    "pension_recipient": _("Receives a public pension"),
    "resident_taxpayer": _("Pays resident tax"),
    "name_changes": _("The surname changes with this event"),
    "deceased": _("This is the person who died"),
    "newborn": _("This is the newborn baby"),
}

MEMBER_FACT_HELP = {
    "age": _("In full years on the date of the event."),
    "insurance": _("Choose “None” if the insurance ends with this event."),
}

INSURANCE_CHOICES = {
    "employee": _("Employee health insurance (through a job, also as a dependant)"),
    "national": _("National Health Insurance"),
    "late_stage": _("Late-stage elderly medical care (75 and over)"),
    "welfare": _("Public assistance (welfare) medical aid"),
    "none": _("None"),
}

ERRORS = {
    "date": _("Enter the date (year, month and day)."),
    "choose": _("Choose one."),
    "age": _("Enter an age from 0 to 130."),
    "new_questions": _("New questions appeared for this person. Please answer them."),
}
