from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.catalog.models import Counter, Procedure
from madoguchi.core.forms import Form as GuardedForm
from madoguchi.reception.models import HANDOFF_MEMO_MAX


class MemoForm(GuardedForm):
    memo = forms.CharField(
        label=_("Handoff memo for the next counter"), required=False, max_length=HANDOFF_MEMO_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the next counter must know, so nobody asks again. No individual number."),
    )


class AddProcedureForm(GuardedForm):
    procedure = forms.ModelChoiceField(
        label=_("Add a procedure"), queryset=Procedure.objects.filter(active=True), to_field_name="code",
        empty_label=_("Choose…"),
    )


class MoveForm(GuardedForm):
    counter = forms.ModelChoiceField(label=_("Move to"), queryset=Counter.objects.filter(active=True),
                                     to_field_name="code", empty_label=_("Choose…"))
