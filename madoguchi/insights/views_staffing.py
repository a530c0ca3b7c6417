"""The supervisor's staffing suggestion: one desk to move now, with its expected effect, and accept."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from madoguchi.catalog.models import Counter
from madoguchi.core.access import requires
from madoguchi.core.errors import DomainError, error_text
from madoguchi.core.forms import Form, form_guarded
from madoguchi.core.params import int_or_none
from madoguchi.core.roles import Capability
from madoguchi.reception.selectors import minutes_display

from . import staffing


class AcceptForm(Form):
    from_counter = forms.SlugField(label=gettext_lazy("From counter"), max_length=64)
    to_counter = forms.SlugField(label=gettext_lazy("To counter"), max_length=64)


@requires(Capability.SUPERVISE)
@never_cache
def staffing_page(request):
    target = int_or_none(request.GET.get("target"), low=1, high=600) or staffing.DEFAULT_TARGET_MINUTES
    suggestion, counters = staffing.live_suggestion(target=target)
    context = {"target": target, "suggestion": suggestion}
    if suggestion is not None:
        context.update(
            giver=counters[suggestion.from_counter], taker=counters[suggestion.to_counter],
            before=[minutes_display(m) for m in suggestion.before],
            after=[minutes_display(m) for m in suggestion.after],
            form=AcceptForm(initial={"from_counter": suggestion.from_counter, "to_counter": suggestion.to_counter}))
    return render(request, "insights/staffing.html", context)


@requires(Capability.SUPERVISE)
@form_guarded
@require_POST
def staffing_accept(request):
    form = AcceptForm(request.POST)
    if form.is_valid():
        giver = Counter.objects.filter(code=form.cleaned_data["from_counter"], active=True).first()
        taker = Counter.objects.filter(code=form.cleaned_data["to_counter"], active=True).first()
        if giver is None or taker is None:
            messages.error(request, _("Unknown counter."))
        else:
            try:
                closed, opened = staffing.staffing_accept(from_counter=giver, to_counter=taker, actor=request.user)
            except DomainError as error:
                messages.error(request, error_text(error))
            else:
                messages.success(request, _("Desk %(closed)d at %(giver)s closed, desk %(opened)d at %(taker)s "
                                            "opened.") % {"closed": closed, "giver": giver.name, "opened": opened,
                                                          "taker": taker.name})
    else:
        messages.error(request, _("Unknown counter."))
    return redirect("insights:staffing")
