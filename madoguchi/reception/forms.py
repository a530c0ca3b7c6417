"""What reception asks: where, which procedures, which needs — nothing about the person."""

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.catalog.models import Counter, LifeEvent, Procedure, Site
from madoguchi.core.forms import Form as GuardedForm
from madoguchi.navigator.qr import decode_selection

from .models import Channel, InterpreterLanguage, Need, Step, Visit

INTERPRETER_LANGUAGES = [("", _("None")), *InterpreterLanguage.choices]


class ProcedureChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, procedure):
        return str(procedure.name)  # never the code: clerks read names


class ReceptionForm(GuardedForm):
    """What reception asks: where, which procedures, which needs. Nothing about the person."""

    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.filter(active=True), empty_label=None)
    life_event = forms.ModelChoiceField(
        label=_("Life event"), queryset=LifeEvent.objects.filter(active=True), required=False,
        empty_label=_("(none)"), to_field_name="code",
    )
    procedures = ProcedureChoiceField(
        label=_("Procedures"), queryset=Procedure.objects.filter(active=True).select_related("department"),
        to_field_name="code", widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one procedure.")},
    )
    event_date = forms.DateField(
        label=_("Date of the event"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("If the visitor knows it (the day of the move, the birth): the forms are dated with it."),
    )
    needs = forms.MultipleChoiceField(label=_("Needs"), choices=Need.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    interpreter_language = forms.ChoiceField(label=_("Interpreter language"), choices=INTERPRETER_LANGUAGES,
                                             required=False)
    # How the visit came: set to "navigator" when the procedures came from a scanned navigator QR.
    channel = forms.ChoiceField(choices=[(Channel.RECEPTION, ""), (Channel.NAVIGATOR, "")], initial=Channel.RECEPTION,
                                required=False, widget=forms.HiddenInput)


class ScanForm(GuardedForm):
    """The navigator's QR code: a handheld scanner types its text into this field (and Enter)."""

    navigator_qr = forms.CharField(
        label=_("Scan the navigator's QR code"), max_length=2000,
        help_text=_("Put the cursor here and scan: the procedures are ticked below."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        # Optional on the page (most visitors come without one); reading an empty field says so.
        required=False,
    )

    def clean_navigator_qr(self):
        text = self.cleaned_data["navigator_qr"]
        if not text.strip():
            raise forms.ValidationError(_("Scan the code first: the field is empty."))
        try:
            selection = decode_selection(text)
        except ValueError as error:
            # The decoder's reason is for developers (English, technical): the clerk gets a message in
            # their language and what to do.
            raise forms.ValidationError(
                _("This is not a navigator QR code. Scan the code on the navigator's result page again, "
                  "or choose the procedures below.")) from error
        unknown = sorted(set(selection.procedure_codes) - set(
            Procedure.objects.filter(active=True, code__in=selection.procedure_codes).values_list("code", flat=True)))
        if unknown:
            raise forms.ValidationError(
                _("The code names procedures this office no longer offers: choose the procedures below."))
        return selection


STATUS_CHOICES = [
    ("", _("Any")),
    (Step.Status.QUEUED, _("Waiting")), (Step.Status.CALLED, _("Called")), (Step.Status.SERVING, _("Being served")),
    (Visit.Status.ACTIVE, _("In progress")), (Visit.Status.DONE, _("Done")), (Visit.Status.CANCELLED, _("Cancelled")),
]


class CounterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, counter):
        return _("%(floor)sF counter %(number)s %(name)s") % {
            "floor": counter.floor, "number": counter.number, "name": counter.name}


class VisitSearchForm(GuardedForm):
    """Today's visits: any of ticket number, status, counter (all optional)."""

    ticket = forms.CharField(label=_("Ticket number"), max_length=20, required=False,
                             help_text=_("For example R-012, or just 12."))
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    counter = CounterChoiceField(label=_("Counter"), queryset=Counter.objects.none(), required=False,
                                 empty_label=_("Any"))

    def __init__(self, *args, counters=None, **kwargs):
        super().__init__(*args, **kwargs)
        if counters is not None:
            self.fields["counter"].queryset = counters
