"""The talent pages' forms. Checks beyond the field types live in the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.core.forms import Form

from .models import Grade, Qualification, Section, SkillRole


def level_choices(role: SkillRole, *, none_label=None) -> list[tuple[int, str]]:
    choices = [(0, none_label or _("None yet"))]
    choices += [(level.level, f"{level.level} {level.name}") for level in role.levels.all()]
    return choices


class SelfAssessmentForm(Form):
    """One level per role (0: none) for the fiscal year."""

    def __init__(self, *args, roles: list[SkillRole] = (), initial_levels: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles = list(roles)
        initial_levels = initial_levels or {}
        for role in roles:
            self.fields[f"role_{role.code}"] = forms.TypedChoiceField(
                label=role.name, coerce=int, choices=level_choices(role), initial=initial_levels.get(role.code, 0),
                help_text=role.description, required=False, empty_value=None)

    def levels(self) -> dict[SkillRole, int]:
        """The levels given (a role left out of the post keeps its level)."""
        return {role: self.cleaned_data[f"role_{role.code}"] for role in self.roles
                if self.cleaned_data.get(f"role_{role.code}") is not None}


class ConfirmForm(Form):
    """The supervisor's level for each role the member assessed."""

    def __init__(self, *args, lines: list = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = [line for line in lines if line.assessment is not None]
        for line in self.lines:
            initial = line.confirmed_level if line.confirmed_level is not None else line.self_level
            self.fields[f"confirm_{line.role.code}"] = forms.TypedChoiceField(
                label=line.role.name, coerce=int, choices=level_choices(line.role), initial=initial,
                required=False, empty_value=None)

    def confirmations(self) -> list[tuple[object, int]]:
        """The levels given (a role left out of the post stays as it is)."""
        return [(line.assessment, self.cleaned_data[f"confirm_{line.role.code}"]) for line in self.lines
                if self.cleaned_data.get(f"confirm_{line.role.code}") is not None]


class TrainingForm(Form):
    course = forms.CharField(label=_("Course"), max_length=200)
    hours = forms.DecimalField(label=_("Hours"), min_value=0.5, max_value=1000, decimal_places=1,
                               widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}))
    taken_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    role = forms.ModelChoiceField(label=_("Role it develops"), required=False, queryset=SkillRole.objects.none(),
                                  empty_label=_("(not one role)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = SkillRole.objects.filter(active=True)
        self.fields["taken_on"].initial = timezone.localdate()


class QualificationForm(Form):
    qualification = forms.ModelChoiceField(label=_("Qualification"), queryset=Qualification.objects.none())
    obtained_on = forms.DateField(label=_("Obtained on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualification"].queryset = Qualification.objects.filter(active=True)


class TargetForm(Form):
    section = forms.ModelChoiceField(label=_("Section"), required=False, queryset=Section.objects.none(),
                                     empty_label=_("The whole ward"))
    grade = forms.ModelChoiceField(label=_("Grade"), required=False, queryset=Grade.objects.none(),
                                   empty_label=_("Every grade"))
    role = forms.ModelChoiceField(label=_("Role"), queryset=SkillRole.objects.none(), empty_label=None)
    level = forms.IntegerField(label=_("Level (or above)"), min_value=1, max_value=9,
                               widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    headcount = forms.IntegerField(label=_("Staff wanted"), min_value=0, max_value=100_000,
                                   widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(active=True).order_by("name")
        self.fields["grade"].queryset = Grade.objects.filter(active=True)
        self.fields["role"].queryset = SkillRole.objects.filter(active=True)


class ImportForm(Form):
    file = forms.FileField(label=_("Staff list from the HR system (CSV)"),
                           help_text=_("Columns: employee_number, name, section, grade, email (or 職員番号, 氏名, "
                                       "所属, 職層, メールアドレス); UTF-8 or Shift_JIS."))
