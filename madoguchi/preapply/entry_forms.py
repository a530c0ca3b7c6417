"""The resident's forms: procedures, identity, household, answers; a booking; a code.

They carry and redisplay what was typed; the rules live in ``application.check_application`` (the
same as the counter's). Unlike the counter PC's forms, these run on the resident's own phone, so
their fields say what they are for the browser's autofill (WCAG 1.3.5).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.core.forms import Form as GuardedForm
from madoguchi.prefill.answers import AnswerSpec
from madoguchi.prefill.entry_forms import HouseholdMemberForm
from madoguchi.prefill.identity import ADDRESS_MAX, NAME_MAX, RELATIONSHIP_MAX
from madoguchi.prefill.models import SexCode

from .application import MAX_HOUSEHOLD

DATE_HELP = _("Western or Japanese era, e.g. 1985-04-01, S60.4.1 or 昭和60年4月1日.")
NUMBER_WARNING = _("Never write your 12-digit individual number (My Number) anywhere in this form.")


def _sex_choices():
    return [("", _("Choose")), (str(SexCode.MALE), _("Male")), (str(SexCode.FEMALE), _("Female")),
            (str(SexCode.NOT_APPLICABLE), _("Not applicable"))]


def _text(label, *, required: bool = True, max_length: int = NAME_MAX, help_text="", **attrs) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text,
                           widget=forms.TextInput(attrs=attrs))


class ProcedurePickForm(GuardedForm):
    procedures = forms.MultipleChoiceField(label=_("Procedures"), widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": _("Choose at least one procedure.")})
    life_event = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, procedure_codes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedures"].choices = [(code, code) for code in procedure_codes]


class ResidentIdentityForm(GuardedForm):
    name = _text(_("Name"), help_text=_("As written in the resident register, rare kanji included."),
                 autocomplete="name")
    name_kana = _text(_("Name in kana"), help_text=_("Katakana or hiragana."))
    birth_date = _text(_("Date of birth"), max_length=40, help_text=DATE_HELP, autocomplete="bday")
    sex = forms.TypedChoiceField(label=_("Sex"), choices=_sex_choices, coerce=int, empty_value=None,
                                 widget=forms.Select(attrs={"autocomplete": "sex"}))
    postal_code = _text(_("Postal code"), required=False, max_length=10, help_text=_("7 digits, e.g. 173-8501."),
                        inputmode="numeric", autocomplete="postal-code")
    address = forms.CharField(label=_("Current address"), max_length=ADDRESS_MAX,
                              help_text=_("Where you live now, as in the resident register (before a move)."),
                              widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}))

    def identity_data(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("name", "name_kana", "birth_date", "sex", "postal_code", "address")}


class ResidentMemberForm(HouseholdMemberForm):
    """One person of the household (the counter's row form); a row left blank is nobody."""

    relationship = _text(_("Relationship to the householder"), required=False, max_length=RELATIONSHIP_MAX,
                         help_text=_("e.g. 世帯主 (householder), 妻 (wife), 子 (child)."))


ResidentHouseholdFormSet = forms.formset_factory(ResidentMemberForm, extra=0, min_num=0, max_num=MAX_HOUSEHOLD,
                                                 absolute_max=MAX_HOUSEHOLD)


class ResidentAnswersForm(GuardedForm):
    """One field per answer the chosen procedures' forms ask (``answer_specs``)."""

    def __init__(self, specs: list[AnswerSpec], *args, form_titles: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        titles = form_titles or {}
        for spec in specs:
            used_by = _("For: %(forms)s") % {"forms": "、".join(titles.get(code, code) for code in spec.forms)}
            if spec.kind == "choice":
                field = forms.ChoiceField(label=spec.label, required=spec.required, help_text=used_by,
                                          choices=[("", _("Choose")), *[(c, c) for c in spec.choices]])
            else:
                help_text = f"{DATE_HELP} {used_by}" if spec.kind == "date" else used_by
                attrs = {"autocomplete": "tel"} if spec.key == "phone" else {}
                field = forms.CharField(label=spec.label, required=spec.required, max_length=200, help_text=help_text,
                                        widget=forms.TextInput(attrs=attrs))
            self.fields[spec.key] = field


class BookingForm(GuardedForm):
    starts_at = forms.ChoiceField(label=_("Time"), widget=forms.RadioSelect,
                                  error_messages={"required": _("Choose a time.")})
    procedures = forms.MultipleChoiceField(label=_("What you will do"), widget=forms.CheckboxSelectMultiple,
                                           error_messages={"required": _("Choose at least one procedure.")})
    contact = forms.CharField(label=_("E-mail or phone (optional)"), required=False, max_length=200,
                              help_text=_("Only for the office to reach you, e.g. if the counter must close. "
                                          "Deleted after your appointment."),
                              widget=forms.TextInput(attrs={"autocomplete": "email"}))

    def __init__(self, *args, times: list[tuple[str, str]], procedures: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].choices = times
        self.fields["procedures"].choices = procedures


class ReferenceForm(GuardedForm):
    reference = forms.CharField(label=_("Booking code"), max_length=20,
                                help_text=_("The 8 characters you were given, e.g. ACDE-3479."),
                                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                              "spellcheck": "false"}))


class CodeScanForm(GuardedForm):
    """A pre-application code: a handheld scanner types it here (and Enter)."""

    code = forms.CharField(label=_("Scan the pre-application QR code"), required=False, max_length=12000, strip=False,
                           help_text=_("Put the cursor here and scan. A code in several parts: scan them one after "
                                       "another."),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                                         "autocapitalize": "none"}))
