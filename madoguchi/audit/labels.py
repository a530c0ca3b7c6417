"""The words the audit page shows for the codes the trail keeps: what was done, to what, the names of the
details, the purpose of a view and the fields seen. A Japanese screen shows no internal code (README's rule:
clerks and auditors read 窓口の利用者を登録, not ``accounts.created``). The trail itself keeps the codes —
what a query, an export or another system reads; the words are the reader's, in their language.

A detail's value that is a code of another app (a payment's method, a consultation's status, a counter) gets
its words from that app, which registers them at start-up (``register_values``): the audit app stands below
them all and imports none. A value nobody registered is shown as kept.
"""

import sys
from collections.abc import Callable, Iterable, Mapping
from operator import attrgetter
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from madoguchi.core.roles import Role

from .services import STAFFING_MOVE_ACCEPTED, SYSTEM, WITHHELD

# Every action audit.services writes (tests/test_labels.py reads them from its source).
ACTIONS = {
    "auth.login": _("Signed in"),
    "auth.login_failed": _("Sign-in failed"),
    "auth.logout": _("Signed out"),
    "auth.api_token_issued": _("API token issued"),
    "accounts.created": _("Staff account created"),
    "catalog.loaded": _("Catalogue loaded"),
    "prefill.identity_captured": _("Identity captured for the forms"),
    "prefill.forms_printed": _("Pre-filled forms printed"),
    "prefill.personal_data_purged": _("Personal data past its retention erased"),
    "preapply.registered": _("Pre-application registered at reception"),
    "appointment.booked": _("Appointment booked"),
    "appointment.changed": _("Appointment changed"),
    "appointment.cancelled": _("Appointment cancelled"),
    "appointment.checked_in": _("Appointment checked in"),
    "appointment.no_show": _("Appointment missed"),
    "appointment.contacts_purged": _("Appointment contacts past their retention erased"),
    "talent.staff_imported": _("Staff list imported"),
    "talent.framework_loaded": _("DX skill framework loaded"),
    "talent.assessment_confirmed": _("DX skill assessment confirmed"),
    "talent.target_set": _("DX staffing target set"),
    "talent.target_deleted": _("DX staffing target deleted"),
    "talent.year_closed": _("DX year closed"),
    "dxdesk.filed": _("DX consultation filed"),
    "dxdesk.status_changed": _("DX consultation status changed"),
    "insights.demo_history_written": _("Demo history written"),
    "insights.demo_history_deleted": _("Demo history deleted"),
    "insights.events_imported": _("Event log imported"),
    "insights.intervention_recorded": _("Intervention recorded"),
    "insights.intervention_deleted": _("Intervention deleted"),
    STAFFING_MOVE_ACCEPTED: _("Desk move accepted"),
    "payment.received": _("Fee received"),
    "payment.not_completed": _("Fee not completed"),
    "payment.resolved": _("Fee settled from the terminal's record"),
    "payment.voided": _("Fee voided"),
    "payment.refunded": _("Fee refunded"),
    "payment.receipt_printed": _("Receipt printed"),
    "payment.settlement_imported": _("Card settlement imported"),
    "payment.day_closed": _("Cash register closed for the day"),
    "payment.addressees_purged": _("Receipt addressees past their retention erased"),
    "surveys.action_recorded": _("Survey action item recorded"),
    "surveys.action_changed": _("Survey action item changed"),
}

# Every detail name audit.services writes, and the counts some details hold.
DETAILS = {
    "age_days": _("age (days)"), "already": _("already there"), "amount_yen": _("amount (yen)"),
    "cashless_unmatched": _("cashless payments unmatched"), "changes": _("changes"), "charged_by": _("charged by"),
    "closed_desk": _("desk closed"), "code": _("code"), "count": _("count"), "counted_yen": _("counted (yen)"),
    "counts": _("counts"), "created_by": _("created by"), "day": _("day"), "days": _("days"),
    "department": _("department"), "due": _("due"), "expected_yen": _("expected (yen)"), "file": _("file"),
    "fiscal_year": _("fiscal year"), "forms": _("forms"), "from_counter": _("from counter"),
    "group": _("booking group"), "headcount": _("headcount"), "household_size": _("household size"),
    "ip": _("from IP address"),
    "issued_by": _("issued by"), "key_id": _("key"), "kind": _("kind"), "level": _("level"),
    "locked": _("locked"), "method": _("method"), "new": _("new status"), "old": _("old status"),
    "opened_desk": _("desk opened"), "outcome": _("outcome"), "paid_on": _("paid on"),
    "previous": _("previous"), "reason": _("reason"), "receipt": _("receipt number"), "register": _("cash register"),
    "reprint": _("reprint"), "retention_days": _("retention (days)"), "role": _("role"), "rows": _("rows"),
    "section": _("section"), "seed": _("seed"), "service": _("service"), "slot": _("slot"), "source": _("source"),
    "status": _("status"), "step": _("step"), "steps": _("steps"), "ticket": _("ticket"),
    "to_counter": _("to counter"), "total_yen": _("total (yen)"), "variance_yen": _("variance (yen)"),
    "visit": _("visit"), "visits": _("visits"),
    # talent.staff_imported's counts
    "created": _("added"), "updated": _("updated"), "left": _("left"), "returned": _("returned"),
    "sections_created": _("sections added"),
    # the counts of catalog.loaded (the catalogue's sections) and prefill.personal_data_purged
    "sites": _("sites"), "departments": _("departments"), "counters": _("counters"), "procedures": _("procedures"),
    "life_events": _("life events"), "relations": _("relations"), "ward_days": _("ward days"),
    "rules": _("eligibility rules"), "revenue_items": _("revenue items"), "fee_items": _("fee items"),
    "fee_exemptions": _("fee exemptions"),
    "surveys": _("surveys"), "roles": _("roles"), "grades": _("grades"), "qualifications": _("qualifications"),
    "identities": _("identities"), "household_members": _("household members"), "answer_sets": _("answer sets"),
    "handoff_memos": _("handoff memos"),
}

# Targets that are not a model of the project.
TARGETS = {"catalog": _("catalogue"), "preapply.code": _("pre-application code"),
           "talent.framework": _("DX skill framework")}

# The fields a view of personal data names: a model's own field shows its verbose name; these are the others.
FIELDS = {
    "name": _("name"), "name_kana": _("name in kana"), "birth_date": _("date of birth"), "sex": _("sex"),
    "postal_code": _("postal code"), "address": _("address"), "household": _("household"), "answers": _("answers"),
    "contact": _("contact"), "addressee": _("receipt addressee"), "employee_number": _("employee number"),
    "grade": _("grade"), "levels": _("DX levels"), "email": _("e-mail"), "trainings": _("trainings"),
    "qualifications": _("qualifications"), "handoff_memo": _("handoff memo"), "procedures": _("procedures"),
}

# (action, detail name) → (the module that registered them, the words of a coded value): a name may mean
# another code set in another action.
_VALUES: dict[tuple[str, str], tuple[str, Callable[[Any], Any]]] = {
    ("accounts.created", "role"): (__name__, dict(Role.choices).get)}


def register_values(names: Iterable[str], words: Mapping[str, Any] | Callable[[Any], Any], *,
                    actions: Iterable[str]) -> None:
    """The words for the values of these detail names in these actions' details (a mapping from code to
    words, or a function giving the words or None); called by the app that owns the codes, from its
    ``ready()``. A name means one thing per action: a second app registering it for the same action is
    refused (the same app registering again — its ``ready()`` run again when a test changes the installed
    apps — replaces its own)."""
    find = words.get if isinstance(words, Mapping) else words
    by = sys._getframe(1).f_globals.get("__name__", "")
    for action in actions:
        for name in names:
            if _VALUES.get((action, name), (by,))[0] != by:
                raise ValueError(f"the values of {name!r} in {action!r} have words already")
            _VALUES[(action, name)] = (by, find)


def row_words(model, *, key: str = "code", words: Callable[[Any], Any] = attrgetter("name"),
              related: tuple[str, ...] = ()) -> Callable[[Any], Any]:
    """For ``register_values``: the words of a value that names a row of ``model`` (its code, or whatever ``key``
    says) — the row's ``name``, or ``words(row)`` — or None when no row has it."""
    def find(value):
        row = model._default_manager.select_related(*related).filter(**{key: value}).first()
        return words(row) if row is not None else None
    return find


def actor_words(label: str, actor_id) -> str:
    """Who did it: the account's name as kept, or, for what no person did (a timer, a command), 「システム」."""
    return str(_("the system")) if actor_id is None and label == SYSTEM else kept_words(label)


def kept_words(text: str) -> str:
    """A name or key as kept, or the words for one withheld (it held an individual number)."""
    return str(_("(withheld)")) if text == WITHHELD else text


def action_words(code: str) -> str:
    return str(ACTIONS.get(code, code))


def target_words(code: str) -> str:
    if code in TARGETS:
        return str(TARGETS[code])
    model = _model(code)
    return str(model._meta.verbose_name) if model is not None else code


def purpose_words(purpose: str) -> str:
    """A purpose is kept as 「日本語 / English」: the reader's half."""
    japanese, separator, english = purpose.partition(" / ")
    if not separator:
        return purpose
    return japanese if _japanese() else english


def field_words(subject_type: str, name: str) -> str:
    if name in FIELDS:
        return str(FIELDS[name])
    model = _model(subject_type)
    try:
        return str(model._meta.get_field(name).verbose_name) if model is not None else name
    except FieldDoesNotExist:
        return name


def details_words(details: Any, action: str = "", memo: dict | None = None) -> list[tuple[str, str]]:
    """(name, value) pairs of an event's details in the reader's words, nested counts flattened. ``memo``: the
    words already found for a value while rendering one page (a counter's name is looked up once)."""
    if not isinstance(details, dict):
        return [("", str(details))] if details not in (None, "", [], {}) else []
    memo = {} if memo is None else memo
    shown = []
    for key, value in details.items():
        name = str(DETAILS.get(key, key))
        if isinstance(value, dict):
            value = separator().join(f"{DETAILS.get(k, k)} {v}" for k, v in value.items())
        elif isinstance(value, list | tuple):
            value = separator().join(str(_value_words(action, key, item, memo)) for item in value)
        else:
            value = _value_words(action, key, value, memo)
        shown.append((name, str(value)))
    return shown


def separator() -> str:
    """Between the items of a list: 、 in Japanese, a comma in English."""
    return "、" if _japanese() else ", "


def _japanese() -> bool:
    return (get_language() or "ja").startswith("ja")


# Details that hold a moment or a day, kept in ISO form: shown as the office's local time.
_MOMENTS = {"slot", "previous"}


def _value_words(action: str, key: str, value: Any, memo: dict) -> Any:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value in (None, ""):
        return value
    if key in _MOMENTS and isinstance(value, str):
        moment = parse_datetime(value)
        return date_format(timezone.localtime(moment), "Y-m-d H:i") if moment is not None else value
    if key == "created_by" and value == SYSTEM:
        return _("the system")
    registered = _VALUES.get((action, key))
    if registered is None:
        return value
    find = registered[1]
    remembered = (action, key, value)
    if remembered not in memo:
        try:
            memo[remembered] = find(value)
        except (TypeError, ValueError):
            memo[remembered] = None
    words = memo[remembered]
    return words if words is not None else value


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None
