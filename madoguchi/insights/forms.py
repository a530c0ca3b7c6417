"""The simulator page's form: which day, which seed and policies, and the what-if (desks, pre-fill);
the period of the cashless figures."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from madoguchi.core.forms import Form as GuardedForm

from .simulation import POLICIES, Office, Profile
from .simulation.inputs import staffing_of

POLICY_LABELS = {
    "a": _("(a) Back of the queue at every counter"),
    "b": _("(b) Handoff keeping the arrival order, fixed route"),
    "c": _("(c) Handoff and the next counter chosen live by waits"),
}
# The chart's legend: short.
POLICY_SHORT = {"a": _("(a) back of the queue"), "b": _("(b) handoff"), "c": _("(c) handoff + routing")}
DESK_PREFIX = "desks_"


def counter_name(office: Office, code: str) -> str:
    counter = office.counters[code]
    return counter.name_en if (get_language() or "ja").startswith("en") else counter.name_ja


class SimulationForm(GuardedForm):
    profile = forms.ChoiceField(label=_("Day profile"))
    seed = forms.IntegerField(label=_("Random seed"), min_value=0, max_value=999_999, initial=1,
                              help_text=_("The same seed draws the same visitors: change it to see another day."))
    policy = forms.ChoiceField(label=_("Policies"), initial="all",
                               choices=[("all", _("All three, on the same visitors")),
                                        *[(p, POLICY_LABELS[p]) for p in POLICIES]])
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
