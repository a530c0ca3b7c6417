"""/staff/insights/survey/: the visitor survey's analysis for the supervisors and analysts, its CSV/XLSX
exports and a printable report. The URL sits with the insights pages; the code stays in surveys, as
insights may read the survey but the survey nothing of insights."""

from datetime import timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from madoguchi.catalog.models import Department
from madoguchi.core.access import requires
from madoguchi.core.errors import DomainError, add_to_form
from madoguchi.core.forms import Form, form_guarded
from madoguchi.core.params import int_or_none
from madoguchi.core.roles import Capability
from madoguchi.core.tables import export_or_none, with_export_links

from . import paper as paper_pdf
from . import selectors, services
from .analysis import MIN_CELL
from .models import ActionItem, Source
from .reports import Period, survey_tables

DEFAULT_DAYS = 91
MAX_DAYS = 3 * 366


class PeriodForm(Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end must not be before the start."))
        elif start and end and (end - start).days > MAX_DAYS:
            self.add_error("start", _("At most three years at a time, please."))
        return data


def _period(request) -> tuple[PeriodForm, Period | None]:
    today = timezone.localdate()
    defaults = {"start": today - timedelta(days=DEFAULT_DAYS - 1), "end": today}
    form = PeriodForm(request.GET if "start" in request.GET else None, initial=defaults)
    if not form.is_bound:
        return PeriodForm(initial=defaults), Period(**defaults)
    if form.is_valid():
        return form, Period(form.cleaned_data["start"], form.cleaned_data["end"])
    return form, None


def _page(request, template: str):
    form, period = _period(request)
    context = {"form": form, "period": period, "min_cell": MIN_CELL, "version": selectors.current_version()}
    if period is not None:
        tables = with_export_links(request, survey_tables(period))
        exported = export_or_none(request, tables, "survey")
        if exported is not None:
            return exported
        context["tables"] = tables
    return render(request, template, context)


@requires(Capability.INSIGHTS_VIEW)
@never_cache
def analysis(request):
    """Response rate, awareness and use with intervals, satisfaction against the actual wait, comments."""
    return _page(request, "surveys/analysis.html")


@requires(Capability.INSIGHTS_VIEW)
@never_cache
def report(request):
    """The same tables as one printable page (A4) for the 総合窓口運営連絡会."""
    return _page(request, "surveys/report.html")


@requires(Capability.INSIGHTS_VIEW, Capability.SUPERVISE, Capability.RECEPTION_REGISTER)
@never_cache
def paper(request):
    """The paper questionnaire as PDF in the page's language, from the current definition."""
    version = selectors.current_version()
    if version is None:
        raise Http404
    labels = {"ticket": _("Ticket number"), "date": _("Visit date"), "question": _("Q"),
              "how": _("Tick the boxes that apply. Please do not write your name or phone number."),
              "conditional": _("(Only if your answer above makes this apply.)"), "any": _("(Choose any.)"),
              "version": _("Questionnaire version")}
    body = paper_pdf.questionnaire_pdf(version.definition, version=version.number,
                                       labels={k: str(v) for k, v in labels.items()})
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="survey-{version.survey.code}-v{version.number}.pdf"'
    return response


class PaperVisitForm(Form):
    ticket_number = forms.CharField(label=_("Ticket number"), max_length=12)
    service_date = forms.DateField(label=_("Visit date"), widget=forms.DateInput(attrs={"type": "date"}))


@requires(Capability.SUPERVISE, Capability.RECEPTION_REGISTER)
@form_guarded
@never_cache
def paper_entry(request):
    """Key in a paper questionnaire: find its visit by the ticket number and date written on it."""
    form = PaperVisitForm(request.POST or None, initial={"service_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        visit = selectors.visit_by_ticket(form.cleaned_data["ticket_number"], form.cleaned_data["service_date"])
        if visit is None:
            form.add_error("ticket_number", _("No visit of that day has this ticket number."))
        else:
            return redirect("surveys:paper_answer", token=visit.status_token)
    return render(request, "surveys/paper_entry.html", {"form": form})


@requires(Capability.SUPERVISE, Capability.RECEPTION_REGISTER)
@form_guarded
@never_cache
def paper_answer(request, token: str):
    from .views import survey_page

    return survey_page(request, selectors.visit_for_survey(token), source=Source.PAPER,
                       done_url=reverse("surveys:paper_entry") + "?keyed=1", base="base.html")


class ActionItemForm(Form):
    finding = forms.CharField(label=_("Finding"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("What the survey showed, e.g. few visitors over 70 know the "
                                          "no-writing counter."))
    action = forms.CharField(label=_("What will be done"), max_length=200)
    department = forms.ModelChoiceField(label=_("Owner department"), queryset=Department.objects.filter(active=True))
    due = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].label_from_instance = lambda d: d.name


@requires(Capability.INSIGHTS_VIEW)
@form_guarded
@never_cache
def actions(request):
    """The action items from the survey's findings (for the 総合窓口運営連絡会); supervisors add and move them."""
    may_edit = request.user.can(Capability.SUPERVISE)
    form = ActionItemForm(request.POST if request.method == "POST" and "action" in request.POST else None)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_item_create(finding=data["finding"], action=data["action"],
                                        department=data["department"], due=data["due"], actor=request.user)
        except DomainError as error:
            add_to_form(form, error)
        else:
            return redirect("surveys:actions")
    elif request.method == "POST" and "status" in request.POST:
        item = get_object_or_404(ActionItem, pk=int_or_none(request.POST.get("item"), low=1) or 0)
        services.action_item_set_status(item=item, status=request.POST["status"], actor=request.user)
        return redirect("surveys:actions")
    return render(request, "surveys/actions.html", {
        "form": form, "may_edit": may_edit, "statuses": ActionItem.Status.choices,
        "items": ActionItem.objects.select_related("department")[:300]})
