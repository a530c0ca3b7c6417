"""Pre-application pages: the resident's form and code (public side), and reading codes at reception.

Public side: nothing is stored. What the resident types travels in the form (POST, never the URL)
from page to page; on submit it is sealed to the office's public key and shown as QR codes, and the
response is ``no-store``. ``sensitive_post_parameters`` keeps the values out of any error report.

Reception: the scanned parts travel in the form too (they are sealed); the clerk confirms what they
hold, and the visit is registered from the code itself, opened again.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from madoguchi.catalog import selectors as catalog
from madoguchi.catalog.selectors import departments_with_procedures
from madoguchi.core import qr
from madoguchi.core.access import public, requires
from madoguchi.core.forms import form_guarded, refused_individual_number, without_individual_numbers
from madoguchi.core.i18n import resident_page
from madoguchi.core.params import int_or_none
from madoguchi.core.roles import Capability
from madoguchi.navigator.qr import decode_selection
from madoguchi.prefill.answers import answer_specs
from madoguchi.prefill.layouts import forms_for_procedures
from madoguchi.prefill.selectors import ward_forms
from madoguchi.prefill.wareki import WarekiError, format_wareki
from madoguchi.reception.forms import ReceptionForm

from . import keyring, sealed, selectors, services
from .application import ApplicationInvalid, check_application
from .entry_forms import (
    NUMBER_WARNING,
    CodeScanForm,
    ProcedurePickForm,
    ResidentAnswersForm,
    ResidentHouseholdFormSet,
    ResidentIdentityForm,
)
from .refusals import PreapplicationRefused
from .throttle import FORM_RATE, rate_limited

# --- resident: choose procedures ------------------------------------------------------------------


def _active_codes() -> list[str]:
    """Active procedure codes in the catalogue's order (the order forms and routes list them)."""
    return catalog.active_procedure_codes()


def _with_forms() -> set[str]:
    return {code for form in ward_forms() for code in form.procedures}


def _start_page(request, form: ProcedurePickForm, status: int = 200):
    with_forms = _with_forms()
    chosen = set(form["procedures"].value() or [])
    groups = [(department, [{"procedure": p, "has_form": p.code in with_forms, "checked": p.code in chosen}
                            for p in procedures])
              for department, procedures in departments_with_procedures() if procedures]
    return render(request, "preapply/start.html", {"form": form, "groups": groups,
                                                  "max_age_days": selectors.max_age().days}, status=status)


@public
@resident_page
@form_guarded
@never_cache
@require_http_methods(["GET", "POST"])
def start(request):
    """Step 1: which procedures. From a navigator result (``?nav=<its QR text>``: catalogue codes only)
    they come ticked; the form page's "change" comes back here by POST."""
    codes = _active_codes()
    if request.method == "POST":
        form = ProcedurePickForm(initial={"procedures": request.POST.getlist("procedures"),
                                          "life_event": request.POST.get("life_event", "")}, procedure_codes=codes)
        return _start_page(request, form)
    initial: dict = {}
    nav = request.GET.get("nav", "")
    if nav:
        try:
            selection = decode_selection(nav[:2000])
        except ValueError:
            messages.info(request, _("The navigator's code could not be read: please tick your procedures."))
        else:
            initial = {"procedures": [c for c in selection.procedure_codes if c in codes],
                       "life_event": selection.life_event}
    return _start_page(request, ProcedurePickForm(initial=initial, procedure_codes=codes))


# --- resident: fill in ----------------------------------------------------------------------------


def _initial(form_class_fields, data: QueryDict, prefix: str | None) -> dict:
    return {name: data.get(f"{prefix}-{name}" if prefix else name, "") for name in form_class_fields}


class _Page:
    """The forms of the fill-in page for the chosen procedures, bound or only redisplayed."""

    def __init__(self, codes: list[str], life_event: str, data: QueryDict | None, *, validate: bool, add_row: bool):
        self.codes, self.life_event = codes, life_event
        self.forms = forms_for_procedures(ward_forms(), codes)
        self.specs = answer_specs(self.forms)
        titles = {form.code: form.title_ja for form in self.forms}
        wants_household = any(form.household_table for form in self.forms)
        if data is None:
            self.identity = ResidentIdentityForm()
            self.household = ResidentHouseholdFormSet(prefix="household", initial=[{}] if wants_household else [])
            self.answers = ResidentAnswersForm(self.specs, prefix="answers", form_titles=titles)
        elif validate:
            self.identity = ResidentIdentityForm(data)
            self.household = ResidentHouseholdFormSet(data, prefix="household")
            self.answers = ResidentAnswersForm(self.specs, data, prefix="answers", form_titles=titles)
        else:  # redisplay what was typed (a row added) without judging it yet
            rows = self._row_count(data) + (1 if add_row else 0)
            member_fields = list(ResidentHouseholdFormSet.form.base_fields)
            self.identity = ResidentIdentityForm(initial=_initial(ResidentIdentityForm.base_fields, data, None))
            self.household = ResidentHouseholdFormSet(prefix="household", initial=[
                _initial(member_fields, data, f"household-{i}") for i in range(rows)])
            self.answers = ResidentAnswersForm(self.specs, prefix="answers", form_titles=titles,
                                               initial=_initial([s.key for s in self.specs], data, "answers"))

    @staticmethod
    def _row_count(data: QueryDict) -> int:
        try:
            rows = int(data.get("household-TOTAL_FORMS", "0"))
        except ValueError:
            rows = 0
        return max(0, min(rows, ResidentHouseholdFormSet.max_num))

    def is_valid(self) -> bool:
        return self.identity.is_valid() & self.household.is_valid() & self.answers.is_valid()

    @staticmethod
    def _add(form, name: str, reasons: list[str]) -> None:
        if not form.errors.get(name):  # one message a field: the form's own, else the counter's
            form.add_error(name, reasons)

    def place(self, problems: dict[str, list[str] | str], rows: list[int]) -> list[str]:
        """Each message next to its field; those of no field returned."""
        leftovers = []
        for field, reasons in problems.items():
            reasons = [reasons] if isinstance(reasons, str) else reasons
            if field.startswith("household[") and "]." in field:
                index, name = field[len("household["):].split("].", 1)
                number = int_or_none(index, low=0, high=len(rows) - 1)
                row = rows[number] if number is not None else None
                if row is not None and name in self.household.forms[row].fields:
                    self._add(self.household.forms[row], name, reasons)
                    continue
            elif field.startswith("answers.") and field.removeprefix("answers.") in self.answers.fields:
                self._add(self.answers, field.removeprefix("answers."), reasons)
                continue
            elif field in self.identity.fields:
                self._add(self.identity, field, reasons)
                continue
            leftovers.extend(reasons)
        return list(dict.fromkeys(leftovers))


def _post_field(key: str) -> str:
    """``household-2-name`` → ``household[2].name``, ``answers-phone`` → ``answers.phone``."""
    parts = key.split("-")
    if len(parts) == 3 and parts[0] == "household" and int_or_none(parts[1], low=0) is not None:
        return f"household[{parts[1]}].{parts[2]}"
    if key.startswith("answers-"):
        return "answers." + key.removeprefix("answers-")
    return key


def _typed(form) -> dict | None:
    """What was typed into ``form``, blank fields left out; None when it is all blank."""
    typed = {name: form[name].value() for name in form.fields}
    typed = {name: value for name, value in typed.items() if value not in ("", None)}
    return typed or None


def _form_page(request, page: _Page, *, errors: list[str] | None = None, status: int = 200):
    procedures = selectors.procedures_by_code(page.codes)
    return render(request, "preapply/form.html", {
        "page": page, "procedures": [procedures[c] for c in page.codes if c in procedures],
        "errors": errors or [], "number_warning": NUMBER_WARNING, "max_age_days": selectors.max_age().days,
        "can_add_member": len(page.household.forms) < ResidentHouseholdFormSet.max_num,
    }, status=status)


def _result_page(request, page: _Page, application, texts: list[str], now):
    expires = timezone.localtime(now + selectors.max_age())
    procedures = selectors.procedures_by_code(page.codes)
    return render(request, "preapply/result.html", {
        "codes": [{"number": n, "text": text, "svg": qr.svg(text, css_class="preapply-qr__svg"),
                   "png": qr.png_data_uri(text)} for n, text in enumerate(texts, start=1)],
        "total": len(texts), "expires": expires, "expires_wareki": _wareki(expires.date()),
        "application": application, "procedures": [procedures[c] for c in page.codes if c in procedures],
        "answer_rows": [(spec, application.answers[spec.key]) for spec in page.specs
                        if spec.key in application.answers],
    })


def _wareki(day) -> str:
    try:
        return format_wareki(day)
    except WarekiError:
        return ""


@public
@resident_page
@form_guarded
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("form", FORM_RATE)
def fill(request):
    """Step 2: identity, household and the forms' answers → the QR code(s). Keeps nothing."""
    if request.method == "GET":  # e.g. after switching the language: nothing was kept, so start again
        return redirect("preapply:start")
    known = _active_codes()
    chosen = set(request.POST.getlist("procedures"))
    codes = [code for code in known if code in chosen]
    life_event = request.POST.get("life_event", "")[:64]
    if life_event and catalog.life_event_by_code(life_event) is None:
        life_event = ""
    action = request.POST.get("action", "")
    if not codes:
        form = ProcedurePickForm(request.POST, procedure_codes=known)
        form.is_valid()
        return _start_page(request, form, status=422)
    if action == "start":
        return _form_page(request, _Page(codes, life_event, None, validate=False, add_row=False))
    if action != "submit":  # add a household row: what was typed is shown again, never a number in it
        return _form_page(request, _Page(codes, life_event, without_individual_numbers(request.POST),
                                         validate=False, add_row=action == "add_member"))
    page = _Page(codes, life_event, request.POST, validate=True, add_row=False)
    forms_valid = page.is_valid()
    if refused_individual_number(page.identity, *page.household.forms, page.answers):
        return _form_page(request, page, status=422)  # each refused field says why; nothing else is judged
    # The counter's own checks run on what was typed even when a field is missing, so every problem
    # shows at once (a date that does not read beside a blank name).
    rows = [i for i, form in enumerate(page.household.forms) if _typed(form)]
    now = timezone.now()
    try:
        application = check_application(
            procedure_codes=codes, identity=_typed(page.identity) or {},
            household=[_typed(page.household.forms[i]) for i in rows], answers=_typed(page.answers) or {},
            specs=page.specs, today=timezone.localdate(now), life_event=life_event,
        )
    except ApplicationInvalid as error:
        return _form_page(request, page, errors=page.place(error.message_dict, rows), status=422)
    if not forms_valid:
        return _form_page(request, page, status=422)
    try:
        texts = services.preapplication_seal(application=application, now=now)
    except sealed.ContentTooLarge:
        return _form_page(request, page, status=422, errors=[_(
            "This is too much to fit in the QR codes. Shorten the longer answers, or fill in the rest at the "
            "counter.")])
    except keyring.KeyFileError:
        return render(request, "preapply/unavailable.html", status=503)
    return _result_page(request, page, application, texts, now)


# --- reception: read a code -----------------------------------------------------------------------

REGISTER_FORM_FIELDS = ("site", "needs", "interpreter_language")


def _registration_form(data=None) -> ReceptionForm:
    """Reception's own form, for what the code does not carry: the site and the visitor's needs."""
    form = ReceptionForm(data, initial={"site": catalog.site_or_main()})
    for name in list(form.fields):
        if name not in REGISTER_FORM_FIELDS:
            del form.fields[name]
    return form


def _reception_page(request, *, parts: list[str], read=None, collection=None, error: str = "", reason: str = "",
                    form=None, status: int = 200):
    return render(request, "preapply/reception.html", {
        "scan": CodeScanForm(), "parts": parts, "read": read, "collection": collection, "error": error,
        "reason": reason,
        "form": form or _registration_form(), "max_age_days": selectors.max_age().days,
    }, status=status)


@requires(Capability.RECEPTION_REGISTER)
@form_guarded
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def reception(request):
    """Scan a pre-application's code(s) → the clerk sees what it holds → register the visit."""
    if request.method == "GET":
        return _reception_page(request, parts=[])
    previous = request.POST.getlist("part")
    scanned = request.POST.get("code", "")
    if request.POST.get("action") == "clear":
        return _reception_page(request, parts=[])
    try:
        collection = selectors.preapplication_scan([*previous, scanned])
    except PreapplicationRefused as refusal:
        # The new scan is refused; the parts read before it are kept (they were fine).
        return _reception_page(request, parts=previous if scanned.strip() else [], error=refusal.messages[0],
                               reason=refusal.reason, status=422)
    parts = [part for text in [*previous, scanned] for part in sealed.split_parts(text)]
    parts = list(dict.fromkeys(p.strip("\r\n\t").lstrip(" ") for p in parts if p.strip()))
    if not collection.complete:
        return _reception_page(request, parts=parts, collection=collection)
    try:
        read = selectors.preapplication_for_staff(collection=collection, actor=request.user)
    except PreapplicationRefused as refusal:
        return _reception_page(request, parts=[], error=refusal.messages[0], reason=refusal.reason, status=422)
    return _reception_page(request, parts=parts, read=read, collection=collection)


@requires(Capability.RECEPTION_REGISTER)
@form_guarded
@sensitive_post_parameters()
@never_cache
@require_POST
def register(request):
    """Register the confirmed pre-application: the code is opened again, not the page's copy trusted."""
    parts = request.POST.getlist("part")
    form = _registration_form(request.POST)
    try:
        collection = selectors.preapplication_scan(parts)
    except PreapplicationRefused as refusal:
        return _reception_page(request, parts=[], error=refusal.messages[0], reason=refusal.reason, status=422)
    if not form.is_valid():
        return _reception_page(request, parts=parts, collection=collection, form=form,
                               error=_("Check the site and needs."), status=422)
    data = form.cleaned_data
    try:
        visit = services.preapplication_register(
            collection=collection, site=data["site"], needs=data["needs"],
            interpreter_language=data["interpreter_language"], actor=request.user,
        )
    except ValidationError as error:
        return _reception_page(request, parts=[], error=" ".join(error.messages), status=422)
    messages.success(request, _("Ticket %(ticket)s registered from the pre-application: its identity and answers "
                                "are ready, so the forms print filled in.") % {"ticket": visit.ticket_number})
    return redirect("reception:route_sheet", visit_id=visit.pk)
