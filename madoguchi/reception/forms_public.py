"""What a visitor types on the public pages: their ticket and code, and where to be told."""

from django import forms
from django.utils.translation import gettext_lazy as _

from madoguchi.core.forms import Form as GuardedForm

from .models import StatusNotice


class TicketLookupForm(GuardedForm):
    ticket = forms.CharField(
        label=_("Ticket number"), max_length=12, help_text=_("As printed on your ticket, e.g. A-023."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=_("Confirmation code"), max_length=12,
        help_text=_("The 4 digits printed under the ticket number (確認コード)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class StatusNoticeForm(GuardedForm):
    channel = forms.ChoiceField(label=_("Tell me by"), widget=forms.RadioSelect)
    address = forms.CharField(
        label=_("Mobile phone number or e-mail address"), max_length=254,
        help_text=_("Used only for this message and deleted when your visit ends."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, channels: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(StatusNotice.Channel.choices)
        self.fields["channel"].choices = [(c, labels.get(c, c)) for c in channels]
        if len(channels) == 1:
            self.fields["channel"].initial = channels[0]
