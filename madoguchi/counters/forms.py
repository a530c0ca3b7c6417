from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.catalog.models import Counter, LifeEvent, Procedure, Site
from madoguchi.reception.models import Need

INTERPRETER_LANGUAGES = [
    ("", _("None")), ("en", "English"), ("zh", "中文"), ("ko", "한국어"), ("vi", "Tiếng Việt"),
    ("ne", "नेपाली"), ("tl", "Tagalog"), ("pt", "Português"), ("es", "Español"), ("my", "မြန်မာ"),
    ("jsl", _("Japanese Sign Language")),
]


class ProcedureChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, procedure):
        return f"{procedure.name}（{procedure.code}）"


class ReceptionForm(forms.Form):
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
    needs = forms.MultipleChoiceField(label=_("Needs"), choices=Need.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    interpreter_language = forms.ChoiceField(label=_("Interpreter language"), choices=INTERPRETER_LANGUAGES,
                                             required=False)


class MemoForm(forms.Form):
    memo = forms.CharField(
        label=_("Handoff memo for the next counter"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the next counter must know, so nobody asks again. No individual number."),
    )


class AddProcedureForm(forms.Form):
    procedure = forms.ModelChoiceField(
        label=_("Add a procedure"), queryset=Procedure.objects.filter(active=True), to_field_name="code",
        empty_label=_("Choose…"),
    )


class MoveForm(forms.Form):
    counter = forms.ModelChoiceField(label=_("Move to"), queryset=Counter.objects.filter(active=True),
                                     to_field_name="code", empty_label=_("Choose…"))
