"""DX talent (DX人材): the ward's sections and staff register, the skill framework, each member's
assessed levels, training and qualifications, and the targets the ward sets per fiscal year.

- ``Section`` (所属) is a section as the HR system names it. Where it is a department of the
  one-stop counter it links to ``catalog.Department`` (a "counter section").
- ``StaffMember`` is one employee in the HR register (``manage.py import_staff``), linked to a login
  account when one exists. Leavers are deactivated, never deleted: past figures refer to them.
- The framework (``SkillRole``, ``SkillLevel``, ``Grade``, ``Qualification``) is catalogue data from
  ``catalog/dx_skills.yaml`` (``manage.py dx_skills_load``).
- ``SkillAssessment``: per member, fiscal year and role, the self-assessed level and the level the
  supervisor confirmed. Only confirmed levels count in the figures.
- ``SkillTarget``: how many staff the ward wants at a role's level (or above) in a fiscal year, for a
  section (or the whole ward) and a grade (or all grades). ``GapSnapshot`` freezes a closed year.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def _localised(ja: str, en: str) -> str:
    language = translation.get_language() or "ja"
    return en if language.startswith("en") and en else ja


class FrameworkEntry(models.Model):
    """Shared fields of the framework's rows: a stable code and names in Japanese and English."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self.name_ja, self.name_en)


class SkillRole(FrameworkEntry):
    """A role of the skill standard (ビジネスアーキテクト …), DX literacy, or one of the ward's own."""

    description_ja = models.CharField(_("description (Japanese)"), max_length=400, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=400, blank=True)
    everyone = models.BooleanField(_("expected of every employee"), default=False)

    class Meta(FrameworkEntry.Meta):
        verbose_name = _("DX skill role")
        verbose_name_plural = _("DX skill roles")

    @property
    def description(self) -> str:
        return _localised(self.description_ja, self.description_en)


class SkillLevel(models.Model):
    role = models.ForeignKey(SkillRole, verbose_name=_("role"), on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(_("level"))
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_ja = models.CharField(_("description (Japanese)"), max_length=400, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("DX skill level")
        verbose_name_plural = _("DX skill levels")
        ordering = ["role__sort_order", "level"]
        constraints = [
            models.UniqueConstraint(fields=["role", "level"], name="skill_level_unique_per_role"),
            models.CheckConstraint(condition=Q(level__gte=1), name="skill_level_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.role.name} {self.level}: {self.name}"

    @property
    def name(self) -> str:
        return _localised(self.name_ja, self.name_en)

    @property
    def description(self) -> str:
        return _localised(self.description_ja, self.description_en)


class Grade(FrameworkEntry):
    """A job grade (職層: 係員・主任・係長・課長 …); ``sort_order`` runs from the most junior up."""

    aliases = models.JSONField(_("other names in the HR system"), default=list, blank=True)

    class Meta(FrameworkEntry.Meta):
        verbose_name = _("job grade")
        verbose_name_plural = _("job grades")


class Qualification(FrameworkEntry):
    roles = models.JSONField(_("evidence for the roles"), default=list, blank=True)

    class Meta(FrameworkEntry.Meta):
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")


class Section(models.Model):
    """A section (所属・課) as the HR system names it."""

    name = models.CharField(_("section"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    department = models.OneToOneField(
        "catalog.Department", verbose_name=_("counter department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Set when the section is a department of the one-stop counter."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _localised(self.name, self.name_en)

    @property
    def is_counter(self) -> bool:
        """A department of the one-stop counter (総合窓口の課)."""
        return self.department_id is not None


class StaffMember(models.Model):
    """One employee as the HR system lists them. No individual number, ever."""

    employee_number = models.CharField(_("employee number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="staff")
    grade = models.ForeignKey(Grade, verbose_name=_("grade"), on_delete=models.PROTECT, related_name="staff")
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("login account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="staff_member",
    )
    active = models.BooleanField(_("in post"), default=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["section__name", "grade__sort_order", "employee_number"]
        constraints = [
            models.CheckConstraint(condition=Q(active=True) | Q(left_on__isnull=False), name="leaver_has_left_on"),
        ]

    def __str__(self) -> str:
        # No name: this string reaches admin logs and error reports.
        return f"staff {self.employee_number}"


class SkillAssessment(models.Model):
    """A member's level in one role for one fiscal year: as they see it, and as their supervisor
    confirmed it. Changing the self-assessment clears the confirmation."""

    staff = models.ForeignKey(StaffMember, verbose_name=_("staff member"), on_delete=models.CASCADE,
                              related_name="assessments")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    role = models.ForeignKey(SkillRole, verbose_name=_("role"), on_delete=models.PROTECT, related_name="+")
    self_level = models.PositiveSmallIntegerField(_("self-assessed level"))
    self_assessed_at = models.DateTimeField(_("self-assessed at"))
    confirmed_level = models.PositiveSmallIntegerField(_("confirmed level"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("DX skill assessment")
        verbose_name_plural = _("DX skill assessments")
        ordering = ["fiscal_year", "role__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "fiscal_year", "role"], name="one_assessment_per_role_year"),
            models.CheckConstraint(
                condition=Q(confirmed_level__isnull=True) | Q(confirmed_at__isnull=False),
                name="confirmed_assessment_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.fiscal_year} {self.role_id}"


class TrainingRecord(models.Model):
    staff = models.ForeignKey(StaffMember, verbose_name=_("staff member"), on_delete=models.CASCADE,
                              related_name="trainings")
    course = models.CharField(_("course"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    taken_on = models.DateField(_("date"))
    role = models.ForeignKey(SkillRole, verbose_name=_("role"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training taken")
        verbose_name_plural = _("training taken")
        ordering = ["-taken_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="training_takes_time")]

    def __str__(self) -> str:
        return f"{self.staff} training {self.pk}"


class StaffQualification(models.Model):
    staff = models.ForeignKey(StaffMember, verbose_name=_("staff member"), on_delete=models.CASCADE,
                              related_name="qualifications")
    qualification = models.ForeignKey(Qualification, verbose_name=_("qualification"), on_delete=models.PROTECT,
                                      related_name="+")
    obtained_on = models.DateField(_("obtained on"))

    class Meta:
        verbose_name = _("qualification held")
        verbose_name_plural = _("qualifications held")
        ordering = ["-obtained_on"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "qualification"], name="qualification_once_per_staff"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.qualification_id}"


class SkillTarget(models.Model):
    """How many staff the ward wants at ``level`` or above in ``role`` by the end of a fiscal year,
    in a section (none: the whole ward) and a grade (none: every grade)."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    section = models.ForeignKey(Section, verbose_name=_("section"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="targets")
    grade = models.ForeignKey(Grade, verbose_name=_("grade"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    role = models.ForeignKey(SkillRole, verbose_name=_("role"), on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"))
    headcount = models.PositiveIntegerField(_("target headcount"))

    class Meta:
        verbose_name = _("DX talent target")
        verbose_name_plural = _("DX talent targets")
        ordering = ["fiscal_year", "role__sort_order", "level", "section__name", "grade__sort_order"]
        # One target per (year, section, grade, role, level), "none" counting as a value: NULLs are
        # distinct in a plain unique constraint, so each combination of blanks has its own.
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "section", "grade", "role", "level"],
                                    condition=Q(section__isnull=False, grade__isnull=False),
                                    name="target_unique_section_grade"),
            models.UniqueConstraint(fields=["fiscal_year", "section", "role", "level"],
                                    condition=Q(section__isnull=False, grade__isnull=True),
                                    name="target_unique_section"),
            models.UniqueConstraint(fields=["fiscal_year", "grade", "role", "level"],
                                    condition=Q(section__isnull=True, grade__isnull=False),
                                    name="target_unique_grade"),
            models.UniqueConstraint(fields=["fiscal_year", "role", "level"],
                                    condition=Q(section__isnull=True, grade__isnull=True),
                                    name="target_unique_ward"),
            models.CheckConstraint(condition=Q(level__gte=1), name="target_level_from_one"),
        ]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year} {self.role_id}≥{self.level}: {self.headcount}"


class GapSnapshot(models.Model):
    """The gap report of a fiscal year as it stood when HR closed the year: the figures the next
    basic plan cites, unchanged by later transfers, leavers or re-assessments."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    rows = models.JSONField(_("figures"))
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("closed fiscal year")
        verbose_name_plural = _("closed fiscal years")
        ordering = ["fiscal_year"]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year}"
