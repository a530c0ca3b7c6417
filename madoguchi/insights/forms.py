"""The simulator page's form: which day, which seed and policies, and the what-if (desks, pre-fill);
the period of the cashless figures."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from madoguchi.catalog.models import Counter, Site
from madoguchi.core.forms import Form as GuardedForm

from .figures import Scope
from .models import Service
from .simulation import COMPARED, Office, Profile
from .simulation.inputs import staffing_of

POLICY_LABELS = {
    "a": _("(a) Back of the queue at every counter"),
    "b": _("(b) Handoff keeping the arrival order, fixed route"),
    "c": _("(c) Handoff and the next counter chosen live by waits"),
    "d": _("(d) As (c), with the desks moved as the staffing page advises"),
}
# The chart's legend: short.
POLICY_SHORT = {"a": _("(a) back of the queue"), "b": _("(b) handoff"), "c": _("(c) handoff + routing"),
                "d": _("(d) + staffing page")}
DESK_PREFIX = "desks_"


def counter_name(office: Office, code: str) -> str:
    counter = office.counters[code]
    return counter.name_en if (get_language() or "ja").startswith("en") else counter.name_ja


class SimulationForm(GuardedForm):
    profile = forms.ChoiceField(label=_("Day profile"))
    seed = forms.IntegerField(label=_("Random seed"), min_value=0, max_value=999_999, initial=1,
                              help_text=_("The same seed draws the same visitors: change it to see another day."))
    policy = forms.ChoiceField(label=_("Policies"), initial="all",
                               choices=[("all", _("All four, on the same visitors")),
                                        *[(p, POLICY_LABELS[p]) for p in COMPARED]])
    prefill_share = forms.FloatField(
        label=_("Share of visits using pre-application or the no-writing counter (0–1)"), required=False,
        min_value=0, max_value=1, widget=forms.NumberInput(attrs={"step": "0.05"}))

    def __init__(self, *args, profiles: list[str], office: Office, profile: Profile, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = [(name, name) for name in profiles]
        self.fields["profile"].initial = profiles[0] if profiles else None
        self.fields["prefill_share"].help_text = _("Leave empty to keep the profile's share (%(share)s).") % {
            "share": f"{profile.prefill.share:g}"}
        staffing = staffing_of(profile, office)
        for code in office.counters:
            low, high = staffing.desk_range(code)
            planned = f"{low}–{high}" if low != high else f"{low}"
            self.fields[DESK_PREFIX + code] = forms.IntegerField(
                label=counter_name(office, code), required=False, min_value=0, max_value=99,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                help_text=_("Profile: %(desks)s") % {"desks": planned})

    def desk_fields(self):
        return [self[name] for name in self.fields if name.startswith(DESK_PREFIX)]

    def desks(self) -> dict[str, int]:
        """The what-if staffing: desks all day per counter, for the counters given."""
        return {name[len(DESK_PREFIX):]: value for name, value in self.cleaned_data.items()
                if name.startswith(DESK_PREFIX) and value is not None}


# --- the insights pages' filters and the intervention form -------------------------------------------

MAX_RANGE_DAYS = 3 * 366


class ScopeForm(GuardedForm):
    """The date range, site and counter of every insights page (GET ``from``, ``to``, ``site``, ``counter``)."""

    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False, empty_label=_("All sites"))
    counter = forms.ModelChoiceField(label=_("Counter"), queryset=None, required=False,
                                     empty_label=_("All counters"))

    def __init__(self, data=None, *, default_days: int = 28, today=None, **kwargs):
        super().__init__(data, **kwargs)
        today = today or timezone.localdate()
        self.fields = {
            "from": forms.DateField(label=_("From"), required=False, initial=today - timedelta(days=default_days - 1),
                                    widget=forms.DateInput(attrs={"type": "date"})),
            "to": forms.DateField(label=_("To"), required=False, initial=today,
                                  widget=forms.DateInput(attrs={"type": "date"})),
            **self.fields,
        }
        self.fields["site"].queryset = Site.objects.filter(active=True)
        self.fields["site"].label_from_instance = lambda site: site.name
        self.fields["site"].to_field_name = "code"
        self.fields["counter"].queryset = Counter.objects.filter(active=True).select_related("site")
        self.fields["counter"].to_field_name = "code"
        self.fields["counter"].label_from_instance = lambda c: f"{c.number} {c.name}"
        self.defaults = {"from": self.fields["from"].initial, "to": self.fields["to"].initial}

    def clean(self):
        data = super().clean()
        start = data.get("from") or self.defaults["from"]
        end = data.get("to") or self.defaults["to"]
        if end < start:
            self.add_error("to", _("The end date is before the start date."))
        elif (end - start).days >= MAX_RANGE_DAYS:
            self.add_error("to", _("Choose at most three years."))
        counter, site = data.get("counter"), data.get("site")
        if counter is not None and site is not None and counter.site_id != site.pk:
            self.add_error("counter", _("This counter is not at the chosen site."))
        data["from"], data["to"] = start, end
        return data

    def scope(self):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {
            "from": self.defaults["from"], "to": self.defaults["to"], "site": None, "counter": None}
        site = data.get("site") or (data["counter"].site if data.get("counter") else None)
        return Scope(data["from"], data["to"], site, data.get("counter"))


class InterventionForm(GuardedForm):
    day = forms.DateField(label=_("Date it began"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("What was done"), max_length=200,
                            help_text=_("For example: posters at reception; a line on the route sheet."))
    description = forms.CharField(label=_("Details"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    service = forms.ChoiceField(label=_("Service it aims at"))
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False, empty_label=_("All sites"))
    counter = forms.ModelChoiceField(label=_("Counter"), queryset=None, required=False,
                                     empty_label=_("All counters"))
    # The visitor survey's action item this intervention carries out (its effect is then measured here).
    action_item = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = Service.choices
        self.fields["site"].queryset = Site.objects.filter(active=True)
        self.fields["site"].label_from_instance = lambda site: site.name
        self.fields["counter"].queryset = Counter.objects.filter(active=True).select_related("site")
        self.fields["counter"].label_from_instance = lambda c: f"{c.number} {c.name}"


class ForecastForm(GuardedForm):
    """The forecast pages: which site and counter, and which day's hours to show."""

    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False, empty_label=None)
    counter = forms.ModelChoiceField(label=_("Counter"), queryset=None, required=False,
                                     empty_label=_("The whole building"))
    day = forms.DateField(label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(active=True)
        self.fields["site"].label_from_instance = lambda site: site.name
        self.fields["site"].to_field_name = "code"
        self.fields["counter"].queryset = Counter.objects.filter(active=True).select_related("site")
        self.fields["counter"].to_field_name = "code"
        self.fields["counter"].label_from_instance = lambda c: f"{c.number} {c.name}"

    def clean(self):
        data = super().clean()
        counter, site = data.get("counter"), data.get("site")
        if counter is not None and site is not None and counter.site_id != site.pk:
            self.add_error("counter", _("This counter is not at the chosen site."))
        if data.get("site") is None:
            data["site"] = counter.site if counter else self.fields["site"].queryset.first()
        return data


class MonthForm(GuardedForm):
    month = forms.RegexField(label=_("Month"), regex=r"^\d{4}-(0[1-9]|1[0-2])$",
                             widget=forms.TextInput(attrs={"type": "month"}),
                             error_messages={"invalid": _("Give the month as YYYY-MM.")})
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False, empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(active=True)
        self.fields["site"].label_from_instance = lambda site: site.name
        self.fields["site"].to_field_name = "code"
class CashlessPeriodForm(GuardedForm):
    """The period of the cashless figures (GET): from and to, both days included, at most a year."""

    MAX_DAYS = 366

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean(self):
        data = super().clean()
        end = data.get("end") or self.today
        start = data.get("start") or end - timedelta(days=29)
        if "start" in self.errors or "end" in self.errors:
            return data
        if start > end:
            self.add_error("start", _("The first day comes after the last day."))
        elif (end - start).days + 1 > self.MAX_DAYS:
            self.add_error("start", _("Choose at most %(days)d days.") % {"days": self.MAX_DAYS})
        data["start"], data["end"] = start, end
        return data
