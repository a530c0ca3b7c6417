"""The review-and-print page of a visit (書かない窓口): identity, card reading, answers, one PDF.

One page serves every counter of the visit: the first captures the identity (card or typed), the
later ones find it there and only add their answers. Showing the page shows personal data, so
each render writes an access-log row (``selectors.identity_for_staff``) and every response is
``Cache-Control: no-store`` (``never_cache``).

The card PIN never comes here: the page's JavaScript sends it to the card reader agent on the
counter PC (``CARD_READER_AGENT_URL``), and the PIN field has no ``name``, so no form can post it.
"""

import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from madoguchi.core.access import requires
from madoguchi.core.forms import form_guarded
from madoguchi.core.roles import Capability
from madoguchi.reception.models import Visit

from . import selectors, services
from .answers import answer_specs, missing_answers
from .entry_forms import AnswersForm, HouseholdFormSet, IdentityForm
from .fonts import unprintable_characters
from .models import SexCode
from .permissions import may_handle_visit
from .responses import pdf_response
from .wareki import WarekiError, format_wareki

HANDLERS = (Capability.COUNTER_SERVE, Capability.RECEPTION_REGISTER)
VIEW_PURPOSE = "書かない窓口：申請書の確認 / reviewing the identity and answers for the visit's forms"
_HOUSEHOLD_FIELD = re.compile(r"^household-(\d+)-(\w+)$")
_HOUSEHOLD_ERROR = re.compile(r"^household\[(\d+)\]\.(\w+)$")


def _visit_for(request, visit_id: int) -> Visit:
    visit = get_object_or_404(Visit.objects.select_related("site"), pk=visit_id)
    if not may_handle_visit(request.user, visit):
        raise PermissionDenied
    return visit


def _page_url(visit: Visit, anchor: str = "") -> str:
    return reverse("prefill:visit_forms", args=[visit.pk]) + (f"#{anchor}" if anchor else "")


def _wareki(day) -> str:
    try:
        return format_wareki(day)
    except WarekiError:
        return ""


def _place_errors(error: ValidationError, *, identity_form=None, formset=None, answers_form=None,
                  rows: list[int] | None = None) -> list[str]:
    """Put each message next to its field; return those that belong to no field on the page.
    ``rows[i]`` is the formset row of the i-th member sent to the service (blank rows are skipped)."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    leftovers: list[str] = []
    for field, field_messages in error.message_dict.items():
        if (match := _HOUSEHOLD_ERROR.match(field)) and formset is not None:
            index = int(match.group(1))
            row = rows[index] if rows is not None and index < len(rows) else index
            if row < len(formset.forms) and match.group(2) in formset.forms[row].fields:
                formset.forms[row].add_error(match.group(2), field_messages)
                continue
        elif field.startswith("answers.") and answers_form is not None:
            key = field.removeprefix("answers.")
            if key in answers_form.fields:
                answers_form.add_error(key, field_messages)
                continue
        elif identity_form is not None and field in identity_form.fields:
            identity_form.add_error(field, field_messages)
            continue
        leftovers.extend(field_messages)
    return list(dict.fromkeys(leftovers))


def _identity_initial(identity) -> dict:
    if identity is None:
        return {}
    return {"source": identity.source, "name": identity.name, "name_kana": identity.name_kana,
            "birth_date": identity.birth_date.isoformat(), "sex": identity.sex, "postal_code": identity.postal_code,
            "address": identity.address}


def _render(request, visit: Visit, *, identity_form=None, household_formset=None, answers_form=None,
            errors: list[str] | None = None, print_errors: list[str] | None = None, status: int = 200):
    identity = selectors.identity_for_staff(visit=visit, actor=request.user, purpose=VIEW_PURPOSE)
    forms = selectors.visit_forms(visit)
    mine = selectors.counter_forms(visit, request.user)
    titles = {form.code: form.title_ja for form in forms}
    specs = answer_specs(forms)
    known = selectors.visit_known_answers(visit, specs)
    answers = {**known, **(identity.answers if identity else {})}
    move = selectors.visit_move(visit)
    if identity_form is None:
        identity_form = IdentityForm(initial={**_identity_initial(identity),
                                              "applicant_listed": selectors.applicant_is_listed(visit, identity)},
                                     move=move)
    if household_formset is None:
        household_formset = HouseholdFormSet(prefix="household", initial=identity.household if identity else [])
    if answers_form is None:
        answers_form = AnswersForm(specs, prefix="answers", form_titles=titles, initial=answers, known=known)
    household = []
    unprintable: list[str] = []
    if identity is not None:
        household = [{**raw, "sex_label": SexCode(raw["sex"]).label, "birth_date_wareki": _wareki(member.birth_date)}
                     for raw, member in zip(identity.household, identity.household_members(), strict=True)]
        unprintable = unprintable_characters(" ".join(
            [identity.name, identity.name_kana, identity.address, *(m["name"] for m in identity.household)]))
    step = selectors.active_step_of(visit, request.user) if request.user.can(Capability.COUNTER_SERVE) else None
    response = render(request, "prefill/visit_forms.html", {
        "visit": visit, "identity": identity, "forms": forms, "identity_form": identity_form,
        "household_formset": household_formset, "answers_form": answers_form, "household": household,
        "birth_date_wareki": _wareki(identity.birth_date) if identity else "",
        "sex_label": SexCode(identity.sex).label if identity else "",
        "missing": missing_answers(forms, answers) if identity else [],
        "mine": mine if len(mine) < len(forms) else [],
        "missing_mine": missing_answers(mine, answers) if identity else [],
        "unprintable": unprintable, "errors": errors or [], "print_errors": print_errors or [],
        "console_step": step, "agent_url": settings.CARD_READER_AGENT_URL.rstrip("/"),
        "card_messages": _card_messages(),
    }, status=status)
    # The only page that may talk to the card reader agent on this PC (django-csp adds it to connect-src).
    response._csp_update = {"connect-src": [settings.CARD_READER_AGENT_URL.rstrip("/")]}
    return response


def _card_messages() -> dict[str, str]:
    """The PIN pad's texts, translated here so the script holds none."""
    return {
        "checking": _("Checking the card reader…"),
        "unreachable": _("The card reader program on this PC does not answer. Start it, then check again."),
        "no_reader": _("No card reader is connected."),
        "no_card": _("Place the card on the reader."),
        "ready": _("Card ready."),
        "tries_left": _("PIN tries left: %(tries)s"),
        "last_try": _("Last try: a wrong PIN locks the card, and only the ward office can unlock it."),
        "locked": _("The card's PIN is locked. The resident must have it reset at the ward office."),
        "pin_format": _("Enter the 4-digit PIN."),
        "reading": _("Reading the card…"),
        "read_ok": _("Read from the card. Check the four facts, add kana and postal code below, then save."),
        "failed": _("The card could not be read."),
    }


@requires(*HANDLERS)
@never_cache
@require_GET
def visit_forms(request, visit_id: int):
    """Review and print: the visit's identity, the card reader, the answers, and the PDF link."""
    return _render(request, _visit_for(request, visit_id))


@requires(*HANDLERS)
@never_cache
@require_POST
@form_guarded
def identity_save(request, visit_id: int):
    visit = _visit_for(request, visit_id)
    # The forms refuse an individual number at its field and blank it (core.forms): nothing echoes it.
    identity_form = IdentityForm(request.POST, move=selectors.visit_move(visit))
    formset = HouseholdFormSet(request.POST, prefix="household")
    forms_valid = identity_form.is_valid() & formset.is_valid()  # both, so every field shows its errors
    leftovers: list[str] = []
    if forms_valid:
        rows = [index for index, form in enumerate(formset.forms) if form.member_data()]
        household = [formset.forms[index].member_data() for index in rows]
        try:
            services.identity_capture(visit=visit, source=identity_form.cleaned_data["source"],
                                      data=identity_form.identity_data(), household=household, actor=request.user,
                                      applicant_listed=identity_form.cleaned_data["applicant_listed"])
        except ValidationError as error:
            leftovers = _place_errors(error, identity_form=identity_form, formset=formset, rows=rows)
        else:
            messages.success(request, _("Identity saved. Every counter of this visit will use it."))
            return redirect(_page_url(visit, "answers"))
    return _render(request, visit, identity_form=identity_form, household_formset=formset, errors=leftovers,
                   status=422)


@requires(*HANDLERS)
@never_cache
@require_POST
@form_guarded
def answers_save(request, visit_id: int):
    visit = _visit_for(request, visit_id)
    forms = selectors.visit_forms(visit)
    answers_form = AnswersForm(answer_specs(forms), request.POST, prefix="answers",
                               form_titles={form.code: form.title_ja for form in forms})
    leftovers = []
    if answers_form.is_valid():
        try:
            services.identity_answers_save(visit=visit, answers=answers_form.cleaned_data, actor=request.user)
        except ValidationError as error:
            leftovers = _place_errors(error, answers_form=answers_form)
        else:
            messages.success(request, _("Answers saved."))
            return redirect(_page_url(visit, "print"))
    return _render(request, visit, answers_form=answers_form, errors=leftovers, status=422)


@requires(*HANDLERS)
@never_cache
@require_GET
@xframe_options_sameorigin
def bundle(request, visit_id: int):
    """The PDF of the visit's forms (``?forms=mine``: those of this clerk's counter, else every one);
    back to the page with the reasons when it cannot be made. ``?inline=1`` for the print page's frame."""
    visit = _visit_for(request, visit_id)
    try:
        pdf = services.forms_render(visit=visit, actor=request.user, only_mine=request.GET.get("forms") == "mine")
    except ValidationError as error:
        return _render(request, visit, print_errors=list(dict.fromkeys(error.messages)), status=422)
    response = pdf_response(pdf, visit, inline=request.GET.get("inline") == "1")
    response._csp_replace = {"frame-ancestors": ["'self'"]}  # the print page shows it in a frame
    return response


@requires(*HANDLERS)
@never_cache
@require_GET
def print_page(request, visit_id: int):
    """The forms in a frame, handed to the browser's print dialog as soon as they are shown (the
    download link stays for a browser that cannot print a framed PDF)."""
    visit = _visit_for(request, visit_id)
    scope = "mine" if request.GET.get("forms") == "mine" else "all"
    return render(request, "prefill/print.html", {"visit": visit, "scope": scope})
