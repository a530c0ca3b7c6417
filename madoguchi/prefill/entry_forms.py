"""The page's Django forms: identity, household rows and the answers of the visit's forms.

They only carry and redisplay what the clerk typed; every rule lives in ``services`` (which use the
pure ``identity`` module), so the page and the API refuse exactly the same things. (``forms.py`` of
this app is the form *definitions* of the paper forms, hence this module's name.)

Text inputs say ``autocomplete="off"``: the counter PC is shared, and the browser must not offer
one resident's name to the next.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.core.forms import Form as GuardedForm

from .answers import AnswerSpec
from .identity import ADDRESS_MAX, NAME_MAX, RELATIONSHIP_MAX
from .models import CaptureSource, SexCode

DATE_HELP = _("Western or Japanese era, e.g. 1977-04-01, S52.4.1 or 昭和52年4月1日.")
OFF = {"autocomplete": "off"}


def _sex_choices():
    return [("", _("Choose")), *[(str(value), label) for value, label in SexCode.choices]]


def _text(label, *, required: bool = True, max_length: int = NAME_MAX, help_text="", **attrs) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text,
                           widget=forms.TextInput(attrs={**OFF, **attrs}))


class IdentityForm(GuardedForm):
    source = forms.ChoiceField(choices=CaptureSource.choices, initial=CaptureSource.MANUAL, widget=forms.HiddenInput)
    name = _text(_("Name (as written, rare kanji included)"))
    name_kana = _text(_("Name in kana"), required=False, help_text=_("Katakana or hiragana."))
    birth_date = _text(_("Date of birth"), max_length=40, help_text=DATE_HELP)
    sex = forms.TypedChoiceField(label=_("Sex"), choices=_sex_choices, coerce=int, empty_value=None)
    postal_code = _text(_("Postal code"), required=False, max_length=10, help_text=_("7 digits, e.g. 173-8501."),
                        inputmode="numeric")
    address = forms.CharField(label=_("Address"), max_length=ADDRESS_MAX,
                              widget=forms.Textarea(attrs={**OFF, "rows": 2}))
    applicant_listed = forms.BooleanField(
        label=_("The person at the counter is also one of the people moving or joining"), required=False,
        help_text=_("Listed first in the forms' tables of the people moving or joining (not for a birth or a death)."))

    def __init__(self, *args, move: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if move:
            # On a move the card (and what is typed here) is the address before it; the new one is asked
            # with the answers.
            self.fields["address"].label = _("Address before the move (as on the card)")
            self.fields["postal_code"].label = _("Postal code of the address before the move")

    def identity_data(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("name", "name_kana", "birth_date", "sex", "postal_code", "address")}


class HouseholdMemberForm(GuardedForm):
    """One row of the household; a row left blank is no member."""

    name = _text(_("Name"), required=False)
    name_kana = _text(_("Name in kana"), required=False)
    birth_date = _text(_("Date of birth"), required=False, max_length=40, help_text=DATE_HELP)
    sex = forms.TypedChoiceField(label=_("Sex"), choices=_sex_choices, coerce=int, empty_value=None, required=False)
    relationship = _text(_("Relationship to the householder"), required=False, max_length=RELATIONSHIP_MAX,
                         help_text=_("As written: 世帯主, 妻, 子 …"))

    def member_data(self) -> dict | None:
        data = getattr(self, "cleaned_data", {}) or {}
        member = {key: value for key, value in data.items() if value not in ("", None)}
        return member or None


HouseholdFormSet = forms.formset_factory(HouseholdMemberForm, extra=2, max_num=20, absolute_max=20)


class AnswersForm(GuardedForm):
    """What the resident adds, one field per answer key of the visit's forms (``answer_specs``).

    No field is required here: answers may be saved a few at a time, and the print step says which
    required ones are still missing. ``show_required`` marks them for the template."""

    use_required_attribute = False

    def __init__(self, specs: list[AnswerSpec], *args, form_titles: dict[str, str] | None = None,
                 known: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        titles = form_titles or {}
        for spec in specs:
            used_by = "、".join(titles.get(code, code) for code in spec.forms)
            if spec.key in (known or {}):
                used_by = _("%(forms)s — filled in from the visit (its procedures, its life event); change it "
                            "if it is wrong.") % {"forms": used_by}
            if spec.kind == "choice":
                field = forms.ChoiceField(label=spec.label, required=False, help_text=used_by,
                                          choices=[("", _("Choose")), *[(c, c) for c in spec.choices]])
            else:
                help_text = f"{DATE_HELP} {used_by}" if spec.kind == "date" else used_by
                field = forms.CharField(label=spec.label, required=False, max_length=200, help_text=help_text,
                                        widget=forms.TextInput(attrs=OFF))
            field.show_required = spec.required
            self.fields[spec.key] = field
