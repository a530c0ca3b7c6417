"""The ward's catalogue: where the counters are and what is done at them.

Loaded from ``catalog/*.yaml`` (see ``services.catalog_load``); editable in the admin. Rows are
never deleted by a load (visits refer to them): an entry removed from the YAML is deactivated.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

CODE_PATTERN = r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)*$"
code_validator = RegexValidator(CODE_PATTERN, _("Lower-case letters, digits, '_', '-', parts joined by '.'."))


class Named(models.Model):
    """Shared fields: a stable code and names in Japanese, English and easy Japanese."""

    code = models.CharField(_("code"), max_length=64, unique=True, validators=[code_validator])
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_easy = models.CharField(_("name (easy Japanese)"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name_ja} ({self.code})"

    @property
    def name(self) -> str:
        """The name in the active language (やさしい日本語 falls back to Japanese)."""
        language = translation.get_language() or "ja"
        if language.startswith("en"):
            return self.name_en
        if language == "ja-easy" and self.name_easy:
            return self.name_easy
        return self.name_ja


class Site(Named):
    class Kind(models.TextChoices):
        MAIN = "main", _("Main office")
        BRANCH = "branch", _("Branch office")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    address_ja = models.CharField(_("address"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta(Named.Meta):
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["sort_order", "code"]


class Department(Named):
    class Meta(Named.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")


class Counter(Named):
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="counters")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="counters"
    )
    floor = models.SmallIntegerField(_("floor"))
    number = models.CharField(_("counter number"), max_length=10)
    desks = models.PositiveSmallIntegerField(
        _("desks"), default=1, help_text=_("Desks normally staffed at this counter.")
    )

    class Meta(Named.Meta):
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["site__sort_order", "floor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="counter_number_unique_per_site"),
            models.CheckConstraint(condition=models.Q(desks__gte=1), name="counter_has_a_desk"),
        ]


class Procedure(Named):
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="procedures"
    )
    counters = models.ManyToManyField(Counter, verbose_name=_("counters"), related_name="procedures")
    handling_minutes = models.PositiveSmallIntegerField(_("typical handling minutes"))
    fee_yen = models.PositiveIntegerField(_("fee (yen)"), default=0)
    documents = models.JSONField(
        _("documents to bring"), default=list, blank=True,
        help_text=_('A list of {"ja": ..., "en": ..., "easy": ...}.'),
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("deadline (days after the event)"), null=True, blank=True
    )
    deadline_counts_event_day = models.BooleanField(
        _("the day of the event counts as day 1"), default=False,
        help_text=_("As the Family Register Act counts birth and death notifications."),
    )
    online_url = models.URLField(_("online route"), blank=True)
    fee_note = models.JSONField(
        _("fee note"), default=dict, blank=True,
        help_text=_('Other fees beside the main one, as {"ja": ..., "en": ..., "easy": ...}.'),
    )
    moves = models.CharField(
        _("move of residence"), max_length=10, blank=True,
        choices=[("in", _("into the ward")), ("within", _("within the ward")), ("out", _("out of the ward"))],
        help_text=_("What the visit's forms mean by the address before and after the move."),
    )
    kiosk_direct = models.BooleanField(
        _("offered alone at the kiosk"), default=False,
        help_text=_("Listed on the kiosk's \"certificates and other procedures\" screen, without a life event."),
    )
    prerequisites = models.ManyToManyField(
        "self",
        verbose_name=_("after these (if in the same visit)"),
        symmetrical=False,
        blank=True,
        related_name="dependents",
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta(Named.Meta):
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(handling_minutes__gte=1), name="procedure_takes_time"),
        ]

    def documents_in(self, language: str) -> list[str]:
        key = "en" if language.startswith("en") else ("easy" if language == "ja-easy" else "ja")
        return [doc.get(key) or doc.get("ja", "") for doc in self.documents]


class LifeEvent(Named):
    procedures = models.ManyToManyField(
        Procedure, verbose_name=_("usual procedures"), related_name="life_events", blank=True
    )
    asks = models.JSONField(
        _("event facts asked"), default=list, blank=True,
        help_text=_("What the navigator asks about the event, e.g. where the household moved from."),
    )
    marks = models.CharField(
        _("who it is about"), max_length=40, blank=True,
        help_text=_("The question that says who the event is about, e.g. the person who died."),
    )
    applicant_is_subject = models.BooleanField(
        _("the person at the counter is listed"), default=True,
        help_text=_("Whether the forms' member tables list the person at the counter (no for a birth or a death)."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta(Named.Meta):
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["sort_order", "code"]


class Relation(Named):
    """How the navigator names a household member of this relation (ご本人, 配偶者, your child …)."""

    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta(Named.Meta):
        verbose_name = _("household relation")
        verbose_name_plural = _("household relations")
        ordering = ["sort_order", "code"]


class EligibilityRule(models.Model):
    """One navigator rule: when ``procedure`` applies. ``definition`` is the rule as written in the
    catalogue YAML without its procedure (events, when, household, member, required, reason);
    the catalogue loader has checked it, the navigator's rule engine evaluates it."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="eligibility_rules"
    )
    position = models.PositiveIntegerField(_("position"), unique=True)
    definition = models.JSONField(_("definition"))

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.procedure.code} #{self.position}"


class WardDay(Named):
    """A day the ward knows to be unusual (catalog/calendar.yaml): a busy day the congestion forecast
    learns an effect for, or a closed or opened office day. ``definition`` is the rule as written
    (dates, or day and months, when_closed, lasts_days, counters, valid_from, valid_until); the
    catalogue loader has checked it, ``insights.forecast.calendar`` expands it into dates."""

    class Kind(models.TextChoices):
        BUSY = "busy", _("Busy day")
        CLOSED = "closed", _("Office closed")
        OPEN = "open", _("Office open (exceptionally)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BUSY)
    definition = models.JSONField(_("definition"), default=dict)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta(Named.Meta):
        verbose_name = _("ward calendar day")
        verbose_name_plural = _("ward calendar days")
        ordering = ["sort_order", "code"]
