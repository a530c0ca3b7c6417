"""The help desk's forms. Checks beyond the field types live in the services (DomainError → field)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.core.forms import Form
from madoguchi.talent.models import Section

from .models import HelpKind, Status


class ConsultationForm(Form):
    section = forms.ModelChoiceField(label=_("Section"), queryset=Section.objects.none(), empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=120,
                            help_text=_("In a few words, e.g. “Enter the nursery applications into the ledger”."))
    task = forms.CharField(label=_("The task today"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("What is done, by whom, with which tools and papers."))
    times_per_month = forms.IntegerField(label=_("How often (times per month)"), min_value=1, max_value=10_000,
                                         widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    minutes_per_time = forms.IntegerField(label=_("How long each time (minutes)"), min_value=1, max_value=24 * 60,
                                          widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    pain = forms.CharField(label=_("What hurts"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Errors, waiting, overtime, double entry … Do not write residents' "
                                       "personal data or an individual number."))
    help_kind = forms.ChoiceField(label=_("Kind of help"), choices=HelpKind.choices, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(active=True).order_by("name")


class NoteForm(Form):
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class DeclineForm(Form):
    reason = forms.CharField(label=_("Why the desk declines"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class DeliverForm(Form):
    tool_kind = forms.ChoiceField(label=_("Kind of tool"), choices=HelpKind.choices)
    tool_name = forms.CharField(label=_("Tool"), max_length=200, help_text=_("e.g. “Nursery ledger RPA robot”."))
    tool_location = forms.CharField(label=_("Where it lives"), max_length=300,
                                    help_text=_("A path, a system, a shared folder or an address."))
    delivered_on = forms.DateField(label=_("Delivered on"), widget=forms.DateInput(attrs={"type": "date"}))
    expected_hours_per_year = forms.DecimalField(
        label=_("Hours it should save per year"), min_value=0, max_value=100_000, decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivered_on"].initial = timezone.localdate()


class MeasureForm(Form):
    times_per_month_after = forms.IntegerField(label=_("Times per month now"), min_value=0, max_value=10_000,
                                               widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    minutes_per_time_after = forms.IntegerField(label=_("Minutes each time now"), min_value=0, max_value=24 * 60,
                                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    measured_on = forms.DateField(label=_("Measured on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measured_on"].initial = timezone.localdate()


class CommentForm(Form):
    text = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class FilterForm(Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices])
    kind = forms.ChoiceField(label=_("Kind of help"), required=False, choices=[("", _("All kinds")), *HelpKind.choices])
    section = forms.ModelChoiceField(label=_("Section"), required=False, queryset=Section.objects.none(),
                                     empty_label=_("All sections"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.order_by("name")
