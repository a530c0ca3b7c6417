"""The help desk's pages: consultations (file, list, work), the dashboard and the ideas."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
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
from madoguchi.talent import selectors as talent
from madoguchi.talent.services import section_for_department

from . import ideas as counter_ideas
from . import selectors, services, tables, workflow
from .forms import CommentForm, ConsultationForm, DeclineForm, DeliverForm, FilterForm, MeasureForm, NoteForm
from .models import Consultation, Origin, Status

EVERY_STAFF = (Capability.DX_CONSULT, Capability.DX_DESK_WORK)


def _page(request, template: str, context: dict, tables_: list, name: str):
    exported = export_or_none(request, tables_, name)
    if exported is not None:
        return exported
    return render(request, template, {**context, "tables": with_export_links(request, tables_)})


@requires(*EVERY_STAFF)
@never_cache
def consultation_list(request):
    """The desk: every consultation, with filters and the measurements due. Anyone else: their own."""
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.consultations_for(request.user, status=filters.get("status", ""),
                                       kind=filters.get("kind", ""),
                                       section=filters["section"].pk if filters.get("section") else None)
    desk = selectors.is_desk(request.user)
    tables_ = [tables.consultations(rows, key="consultations")]
    if desk:
        tables_.insert(0, tables.measurements_due(selectors.measurements_due()))
    return _page(request, "dxdesk/list.html", {"form": form, "desk": desk}, tables_, "dx-consultations")


def _default_section(user):
    member = talent.staff_for_user(user)
    if member is not None:
        return member.section
    return talent.section_of_department(user.department_id)


@requires(Capability.DX_CONSULT)
@never_cache
@form_guarded
def consultation_new(request):
    form = ConsultationForm(request.POST or None, initial={"section": _default_section(request.user)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.consultation_file(filed_by=request.user, **data)
        except ValidationError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Consultation %(number)s filed. The DX help desk will contact you.") % {
                "number": consultation.number})
            return redirect("dxdesk:detail", consultation.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "dxdesk/new.html", {"form": form}, status=status)


def _consultation(request, pk: int) -> Consultation:
    consultation = selectors.consultation_get(pk)
    if consultation is None:
        raise Http404
    if not selectors.may_view(request.user, consultation):
        raise PermissionDenied
    return consultation


def _detail(request, consultation: Consultation, *, status: int = 200, **bound):
    desk = selectors.is_desk(request.user)
    forms = {"comment_form": bound.get("comment_form") or CommentForm()}
    if desk:
        moves = [new for new in workflow.NEXT[consultation.status] if (consultation.status, new) in workflow.SIMPLE]
        forms.update({
            "moves": [(new, Status(new).label) for new in moves],
            "note_form": bound.get("note_form") or NoteForm(),
            "decline_form": bound.get("decline_form") or DeclineForm()
            if workflow.may_move(consultation.status, Status.DECLINED) else None,
            "deliver_form": bound.get("deliver_form") or DeliverForm(initial={"tool_kind": consultation.help_kind})
            if workflow.may_move(consultation.status, Status.DELIVERED) else None,
            "measure_form": bound.get("measure_form") or MeasureForm()
            if consultation.status == Status.DELIVERED else None,
        })
    notes = consultation.notes.select_related("author")
    context = {"c": consultation, "desk": desk, "notes": notes, "today": timezone.localdate(),
               "before_hours": tables.hours(consultation.times_per_month, consultation.minutes_per_time), **forms}
    return render(request, "dxdesk/detail.html", context, status=status)


@requires(*EVERY_STAFF)
@never_cache
def consultation_detail(request, pk: int):
    return _detail(request, _consultation(request, pk))


def _act(request, pk: int, form_class, form_name: str, action):
    """Run ``action(consultation, cleaned_data)`` from a posted form; on a refusal show the page again
    with the message next to the field."""
    consultation = _consultation(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(consultation, form.cleaned_data)
        except ValidationError as error:
            add_to_form(form, error)
            if not form.errors:
                messages.error(request, error_text(error))
        else:
            return redirect("dxdesk:detail", consultation.pk)
    consultation.refresh_from_db()
    return _detail(request, consultation, status=422, **{form_name: form})


@requires(*EVERY_STAFF)
@require_POST
@form_guarded
def consultation_comment(request, pk: int):
    return _act(request, pk, CommentForm, "comment_form", lambda c, data: services.consultation_comment(
        consultation=c, author=request.user, text=data["text"]))


@requires(Capability.DX_DESK_WORK)
@require_POST
@form_guarded
def consultation_advance(request, pk: int):
    new = request.POST.get("new", "")
    return _act(request, pk, NoteForm, "note_form", lambda c, data: services.consultation_advance(
        consultation=c, new=new, actor=request.user, note=data["note"]))


@requires(Capability.DX_DESK_WORK)
@require_POST
@form_guarded
def consultation_decline(request, pk: int):
    return _act(request, pk, DeclineForm, "decline_form", lambda c, data: services.consultation_decline(
        consultation=c, reason=data["reason"], actor=request.user))


@requires(Capability.DX_DESK_WORK)
@require_POST
@form_guarded
def consultation_deliver(request, pk: int):
    return _act(request, pk, DeliverForm, "deliver_form", lambda c, data: services.consultation_deliver(
        consultation=c, actor=request.user, **data))


@requires(Capability.DX_DESK_WORK)
@require_POST
@form_guarded
def consultation_measure(request, pk: int):
    return _act(request, pk, MeasureForm, "measure_form", lambda c, data: services.consultation_measure(
        consultation=c, actor=request.user, **data))


@requires(Capability.DX_CONSULT, Capability.INSIGHTS_VIEW)
@never_cache
def dashboard(request):
    years = selectors.fiscal_years()
    year = int_or_none(request.GET.get("fiscal_year"), low=2000, high=2100)
    figures = selectors.dashboard(fiscal_year=year)
    tables_ = [tables.by_section(figures), tables.by_kind(figures), tables.by_quarter(figures)]
    return _page(request, "dxdesk/dashboard.html", {"figures": figures, "years": years, "year": year},
                 tables_, "dx-dashboard")


@requires(Capability.DX_DESK_WORK)
@never_cache
def idea_list(request):
    year = talent.current_fiscal_year()
    found = counter_ideas.ideas(fiscal_year=year)
    groups = [(kind, tables.IDEA_HEADINGS[kind], found[kind]) for kind in counter_ideas.KINDS]
    tables_ = [tables.ideas(found)]
    return _page(request, "dxdesk/ideas.html", {"groups": groups, "period": counter_ideas.PERIOD_DAYS,
                                                 "min_cases": counter_ideas.MIN_CASES}, tables_, "dx-ideas")


@requires(Capability.DX_DESK_WORK)
@require_POST
def idea_open(request):
    """One click: the idea becomes a consultation for the procedure's section, filed by the desk."""
    idea = counter_ideas.idea_by_key(request.POST.get("key", ""), fiscal_year=talent.current_fiscal_year())
    if idea is None:
        raise Http404
    if idea.consultation is not None:
        return redirect("dxdesk:detail", idea.consultation.pk)
    try:
        consultation = services.consultation_file(
            filed_by=request.user, section=section_for_department(idea.procedure.department), title=idea.title,
            task=idea.summary, times_per_month=idea.per_month, minutes_per_time=idea.minutes, pain=idea.pain,
            help_kind=idea.help_kind, origin=Origin.COUNTER_DATA, idea_key=idea.key, procedure=idea.procedure)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(reverse("dxdesk:ideas"))
    messages.success(request, _("Consultation %(number)s opened for %(section)s.") % {
        "number": consultation.number, "section": consultation.section.label})
    return redirect("dxdesk:detail", consultation.pk)
