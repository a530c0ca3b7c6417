"""How the questionnaire words its questions and errors (UI strings, translated with gettext).

What the rules say to a resident — reasons, relation names, procedure names, documents — comes
from the catalogue YAML in ja / en / やさしい日本語 instead.

Every question asks for the situation *before* the event (the insurance a person had before the
move, the job change or the death): that is what the rules test.
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
    "job_start": _("First day at the new job"),
    "job_leave": _("Last day at the job"),
}
EVENT_DATE_LABEL = _("Date of the event")
EVENTS_DATE_LABEL = _("Date of the events")
EVENT_DATE_HELP = _("For example 2026 4 1.")
EVENTS_DATE_HELP = _("If they happened on different days, give the earliest: deadlines count from it. "
                     "For example 2026 4 1.")
DATE_PART_LABELS = (_("Year"), _("Month"), _("Day"))
EVENT_NAME_SEPARATOR = _(", ")

# Who to list, where the event makes it a question.
HOUSEHOLD_HINTS = {
    "death": _("List the person who died and everyone who lived with them."),
    "move_out": _("List everyone in the household, also those who stay at the current address."),
    "divorce": _("List the people who live together after the divorce (not the former spouse)."),
    "birth": _("List the baby, the parents and the rest of the household."),
    "job_start": _("List the person starting the job and everyone in the household."),
    "job_leave": _("List the person leaving the job and everyone in the household."),
}
BEFORE_THE_EVENT = _("Answer as things were just before the event.")

MEMBER_FACT_LABELS = {
    "relation": _("Relation"),
    "age": _("Age"),
    "deceased": _("This is the person who died"),
    "newborn": _("This is the newborn baby"),
    "stays": _("Stays at the current address (does not move)"),
    "starts_job": _("This is the person starting the job"),
    "leaves_job": _("This is the person leaving the job"),
    "birth_date": _("Date of birth"),
    "insurance": _("Health insurance before the event"),
    "nationality": _("Nationality"),
    "householder": _("Is the householder (世帯主)"),
    "has_mynumber_card": _("Has a My Number card"),
    "disability_certificate": _("Has a disability certificate"),
    "care_certified": _("Is certified as needing long-term care or support"),
    "moving_into_facility": _("Moves straight into a care facility (such as a nursing home)"),
    "attends_nursery": _("Goes to a nursery school"),
    "civil_servant": _("Is a civil servant (works for the national or a local government)"),
    "pension_recipient": _("Receives a public pension"),
    "child_allowance_recipient": _("Receives the child allowance (児童手当) for the children"),
    "single_parent_allowance": _("Receives the single-parent allowance (児童扶養手当)"),
    "resident_taxpayer": _("Pays resident tax"),
    "name_changes": _("The surname changes with this event"),
}

MEMBER_FACT_HELP = {
    "age": _("In full years on the date of the event."),
    "birth_date": _("It tells the school year exactly. If you leave it empty, the list says what it assumed."),
    "insurance": _("As it was just before the event (before the move, the birth, the death or the job change). "
                   "Someone covered through a family member's job is a dependant."),
}

INSURANCE_CHOICES = {
    "employee": _("Employee health insurance through their own job"),
    "employee_dependent": _("Employee health insurance as a dependant of a family member"),
    "national": _("National Health Insurance"),
    "late_stage": _("Late-stage elderly medical care (75 and over, or 65–74 with a disability certification)"),
    "welfare": _("Public assistance (welfare) medical aid"),
    "none": _("None"),
}

NATIONALITY_CHOICES = {
    "japanese": _("Japanese"),
    "foreign": _("Another nationality"),
}

ERRORS = {
    "date": _("Enter the date (year, month and day)."),
    "choose": _("Choose one."),
    "age": _("Enter an age from 0 to 130."),
    "new_questions": _("New questions appeared for this person. Please answer them."),
    "birth_date": _("Enter a real date (year, month and day), or leave all three empty."),
    "birth_after_event": _("The date of birth is after the date of the event."),
    "birth_age": _("On the date of the event, someone born on this day has another age: correct the age or "
                   "the date of birth."),
    "events": _("Tick at least one event."),
}

# What the navigator assumed when the age alone could not tell a school-year fact (see rules.Reason).
ASSUMPTION_NOTES = {
    ("school_age", True): _("(%(member)s: the age alone does not tell the school year, so this assumes "
                            "elementary or junior high school. Enter the date of birth to be sure.)"),
    ("school_age", False): _("(%(member)s: the age alone does not tell the school year, so this assumes "
                             "no longer at elementary or junior high school. Enter the date of birth to be "
                             "sure.)"),
    ("preschool", True): _("(%(member)s: the age alone does not tell the school year, so this assumes not yet "
                           "at elementary school. Enter the date of birth to be sure.)"),
    ("preschool", False): _("(%(member)s: the age alone does not tell the school year, so this assumes "
                            "already at elementary school. Enter the date of birth to be sure.)"),
    ("child_period", True): _("(%(member)s: the age alone does not tell whether the first March 31 after "
                              "turning 18 has passed, so this assumes it has not. Enter the date of birth to "
                              "be sure.)"),
    ("child_period", False): _("(%(member)s: the age alone does not tell whether the first March 31 after "
                               "turning 18 has passed, so this assumes it has. Enter the date of birth to be "
                               "sure.)"),
}
