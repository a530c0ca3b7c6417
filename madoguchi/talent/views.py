"""The DX talent pages: one's own record, a section's records, targets, the gap report, the HR import
and the framework."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from madoguchi.core.access import requires
from madoguchi.core.errors import add_to_form, error_text
from madoguchi.core.forms import form_guarded
from madoguchi.core.params import int_or_none
from madoguchi.core.roles import Capability
from madoguchi.core.tables import export_or_none, with_export_links

from . import selectors, services, tables
from .fiscal import fiscal_year_end
from .forms import ConfirmForm, ImportForm, QualificationForm, SelfAssessmentForm, TargetForm, TrainingForm
from .models import StaffMember
from .staffcsv import StaffCsvInvalid, decode, parse_staff_csv

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _page(request, template: str, context: dict, tables_: list, name: str, *, status: int = 200):
    exported = export_or_none(request, tables_, name)
    if exported is not None:
        return exported
    return render(request, template, {**context, "tables": with_export_links(request, tables_)}, status=status)


def _year(request) -> int:
    return int_or_none(request.GET.get("fiscal_year"), low=2000, high=2100) or selectors.current_fiscal_year()


# --- a member's record ----------------------------------------------------------------------------


def _member_page(request, member: StaffMember, *, status: int = 200, **bound):
    year = selectors.current_fiscal_year()
    lines = selectors.role_lines(member, year)
    roles = [line.role for line in lines]
    editable = selectors.may_edit(request.user, member)
    confirmable = selectors.may_confirm(request.user, member)
    context = {
        "member": member, "year": year, "lines": lines, "editable": editable, "confirmable": confirmable,
        "own": member.user_id == request.user.pk,
        "assess_form": bound.get("assess_form") or (SelfAssessmentForm(
            roles=roles, initial_levels={line.role.code: line.self_level for line in lines}) if editable else None),
        "confirm_form": bound.get("confirm_form") or (ConfirmForm(lines=lines) if confirmable else None),
        "training_form": bound.get("training_form") or (TrainingForm() if editable else None),
        "qualification_form": bound.get("qualification_form") or (QualificationForm() if editable else None),
    }
    tables_ = [tables.assessments(lines), tables.trainings(member.trainings.select_related("role")),
               tables.qualifications(member.qualifications.select_related("qualification"))]
    return _page(request, "talent/member.html", context, tables_, f"dx-staff-{member.employee_number}",
                 status=status)


@requires(Capability.TALENT_SELF)
@never_cache
def me(request):
    member = selectors.staff_for_user(request.user)
    if member is None:
        return render(request, "talent/not_registered.html")
    return _member_page(request, member)


def _member(request, pk: int) -> StaffMember:
    member = selectors.member_get(pk)
    if member is None:
        raise Http404
    if not selectors.may_view(request.user, member):
        raise PermissionDenied
    return member


@requires(Capability.TALENT_SELF, Capability.TALENT_SECTION)
@never_cache
def member(request, pk: int):
    member = _member(request, pk)
    selectors.member_viewed(viewer=request.user, member=member)
    return _member_page(request, member)


def _member_post(request, pk: int, *, allowed, form_name: str, make_form, action, done: str):
    member = _member(request, pk)
    if not allowed(request.user, member):
        raise PermissionDenied
    form = make_form(member)
    if form.is_valid():
        try:
            action(member, form)
        except ValidationError as error:
            add_to_form(form, error)
            if not form.errors:
                messages.error(request, error_text(error))
        else:
            messages.success(request, done)
            return redirect("talent:me" if member.user_id == request.user.pk else "talent:member", *(
                [] if member.user_id == request.user.pk else [member.pk]))
    return _member_page(request, member, status=422, **{form_name: form})


@requires(Capability.TALENT_SELF, Capability.TALENT_ALL)
@require_POST
@form_guarded
def assess(request, pk: int):
    def make_form(member):
        roles = [line.role for line in selectors.role_lines(member, selectors.current_fiscal_year())]
        return SelfAssessmentForm(request.POST, roles=roles, initial_levels={})

    return _member_post(request, pk, allowed=selectors.may_edit, form_name="assess_form", make_form=make_form,
                        action=lambda member, form: services.assessment_set_self(
                            staff=member, fiscal_year=selectors.current_fiscal_year(), levels=form.levels()),
                        done=_("Your levels are saved. Your supervisor confirms them."))


@requires(Capability.TALENT_SECTION)
@require_POST
@form_guarded
def confirm(request, pk: int):
    def make_form(member):
        return ConfirmForm(request.POST, lines=selectors.role_lines(member, selectors.current_fiscal_year()))

    def action(member, form):
        with transaction.atomic():
            for assessment, level in form.confirmations():
                services.assessment_confirm(assessment=assessment, level=level, confirmer=request.user)

    return _member_post(request, pk, allowed=selectors.may_confirm, form_name="confirm_form", make_form=make_form,
                        action=action, done=_("The levels are confirmed."))


@requires(Capability.TALENT_SELF, Capability.TALENT_ALL)
@require_POST
@form_guarded
def training_add(request, pk: int):
    return _member_post(request, pk, allowed=selectors.may_edit, form_name="training_form",
                        make_form=lambda member: TrainingForm(request.POST),
                        action=lambda member, form: services.training_add(staff=member, **form.cleaned_data),
                        done=_("The training is recorded."))


@requires(Capability.TALENT_SELF, Capability.TALENT_ALL)
@require_POST
@form_guarded
def qualification_add(request, pk: int):
    return _member_post(request, pk, allowed=selectors.may_edit, form_name="qualification_form",
                        make_form=lambda member: QualificationForm(request.POST),
                        action=lambda member, form: services.qualification_add(staff=member, **form.cleaned_data),
                        done=_("The qualification is recorded."))


# --- a section's records --------------------------------------------------------------------------


@requires(Capability.TALENT_SECTION)
@never_cache
def staff(request):
    """The records of one section at a time (HR and the desk choose any; a supervisor has theirs)."""
    visible = selectors.supervised_sections(request.user).filter(active=True).order_by("name")
    chosen = None
    section_id = int_or_none(request.GET.get("section"), low=1)
    if section_id is not None:
        chosen = visible.filter(pk=section_id).first()
    chosen = chosen or visible.first()
    year = selectors.current_fiscal_year()
    members, roles = [], list(selectors.roles())
    if chosen is not None:
        members = selectors.staff_in_section(viewer=request.user, section=chosen)
    levels = selectors.confirmed_levels(members, year)
    tables_ = [tables.staff(members, roles, levels, year)]
    pending = selectors.pending_confirmations(viewer=request.user)
    return _page(request, "talent/staff.html",
                 {"sections": visible, "chosen": chosen, "pending": pending, "year": year},
                 tables_, f"dx-staff-section-{chosen.pk if chosen else 0}")


# --- targets and the gap report -------------------------------------------------------------------


@requires(Capability.TALENT_ALL)
@never_cache
@form_guarded
def targets(request):
    year = _year(request)
    form = TargetForm(request.POST or None)
    if request.method == "POST":
        year = int_or_none(request.POST.get("fiscal_year"), low=2000, high=2100) or year
        if form.is_valid():
            try:
                services.target_set(fiscal_year=year, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("The target is saved."))
                return redirect(f"{request.path}?fiscal_year={year}")
    rows = selectors.targets_of_year(year)
    tables_ = [tables.targets(rows, selectors.Names())]
    status = 422 if form.is_bound and form.errors else 200
    return _page(request, "talent/targets.html", {"form": form, "year": year, "years": _years(year),
                                                  "closed": selectors.is_closed(year)},
                 tables_, f"dx-targets-{year}", status=status)


def _years(year: int) -> list[int]:
    current = selectors.current_fiscal_year()
    return sorted(set(selectors.target_years()) | {current, current + 1, year}, reverse=True)


@requires(Capability.TALENT_FIGURES)
@never_cache
def gap_report(request):
    """Targets against confirmed levels. Figures drawn from fewer than five people show "—"; HR and
    the desk, who see every record anyway, may ask for the exact figures (``?exact=1``)."""
    year = _year(request)
    may_exact = request.user.can(Capability.TALENT_ALL)
    exact = may_exact and request.GET.get("exact") == "1"
    figures = selectors.gap_figures(year)
    names = selectors.Names()
    tables_ = [tables.gap_targets(figures, names, exact), tables.gap_by_section(figures, names, exact),
               tables.gap_by_grade(figures, names, exact), tables.trend(selectors.trend(), names, exact)]
    closable = may_exact and figures.closed is None and timezone.localdate() > fiscal_year_end(year)
    return _page(request, "talent/gap.html", {
        "year": year, "years": _years(year), "figures": figures, "exact": exact, "may_exact": may_exact,
        "closable": closable, "min_group": 5}, tables_, f"dx-talent-gap-{year}")


@requires(Capability.TALENT_ALL)
@require_POST
def year_close(request):
    year = int_or_none(request.POST.get("fiscal_year"), low=2000, high=2100)
    if year is None:
        messages.error(request, _("Choose a fiscal year."))
        return redirect("talent:gap")
    try:
        services.year_close(fiscal_year=year, rows=selectors.gap_snapshot_rows(year), actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("FY%(year)d is closed: its figures are frozen.") % {"year": year})
    return redirect(f"{reverse('talent:gap')}?fiscal_year={year}")


# --- the HR import and the framework --------------------------------------------------------------


@requires(Capability.TALENT_ALL)
@never_cache
@form_guarded
def import_staff(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    problems, result = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            try:
                upload.seek(0)  # the form's guard has read it already
                rows = parse_staff_csv(decode(upload.read(), upload.name), upload.name,
                                       grades=services.grade_names())
            except StaffCsvInvalid as invalid:
                problems = invalid.problems
            else:
                result = services.staff_import(rows=rows, source=upload.name, actor=request.user)
                result.listed = len(rows)
    status = 422 if problems or (form.is_bound and form.errors) else 200
    return render(request, "talent/import.html", {"form": form, "problems": problems, "result": result},
                  status=status)


@requires(Capability.TALENT_FIGURES)
@never_cache
def framework(request):
    roles = list(selectors.roles())
    names = selectors.Names()
    tables_ = [tables.framework_roles(roles), tables.framework_grades(selectors.grades()),
               tables.framework_qualifications(selectors.qualifications(), names.role_names())]
    return _page(request, "talent/framework.html", {}, tables_, "dx-skill-framework")
