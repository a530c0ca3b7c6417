"""The ward's catalogue: where the counters are and what is done at them.

Loaded from ``catalog/*.yaml`` (see ``services.catalog_load``); editable in the admin. Rows are
never deleted by a load (visits refer to them): an entry removed from the YAML is deactivated.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .translations import text_in

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
        """The name in the active language (やさしい日本語 falls back to Japanese; the other resident
        languages come from the catalogue's translation files)."""
        return text_in(translation.get_language(), ja=self.name_ja, en=self.name_en, easy=self.name_easy)


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
    is_cashier = models.BooleanField(
        _("cashier (会計窓口)"), default=False,
        help_text=_("Takes the fees of procedures paid at a separate cashier; a visit needing it ends here."),
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
    paid_at_cashier = models.BooleanField(
        _("paid at the cashier"), default=False,
        help_text=_("Its fees are paid at the site's cashier counter (会計窓口), where the site has one."),
    )
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
        return [text_in(language, ja=doc.get("ja", ""), en=doc.get("en", ""), easy=doc.get("easy", ""))
                for doc in self.documents]


class RevenueItem(Named):
    """歳入科目: the budget line a fee is booked to in the ward's accounts (款・項・目・節)."""

    account_code = models.CharField(
        _("account code"), max_length=32, help_text=_("The code of the ward's accounting system, e.g. 13-02-01-01.")
    )

    class Meta(Named.Meta):
        verbose_name = _("revenue item")
        verbose_name_plural = _("revenue items")


class FeeItem(Named):
    """One thing a fee is charged for (住民票の写し 1通 300円), under a procedure, booked to a revenue item."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="fee_items"
    )
    amount_yen = models.PositiveIntegerField(_("fee per copy (yen)"))
    revenue_item = models.ForeignKey(
        RevenueItem, verbose_name=_("revenue item"), on_delete=models.PROTECT, related_name="fee_items"
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta(Named.Meta):
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        ordering = ["sort_order", "code"]


class FeeExemption(Named):
    """A reason a fee is waived (公用請求 …). With no fee items listed it applies to every fee item."""

    fee_items = models.ManyToManyField(
        FeeItem, verbose_name=_("applies to"), blank=True, related_name="exemptions",
        help_text=_("Leave empty when the reason applies to every fee."),
    )
    note_required = models.BooleanField(
        _("note required"), default=False,
        help_text=_("The clerk must write what proves it (e.g. the requesting office and its document number)."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta(Named.Meta):
        verbose_name = _("fee exemption")
        verbose_name_plural = _("fee exemptions")
        ordering = ["sort_order", "code"]


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


class Survey(models.Model):
    """A visitor survey (利用者調査) of ``catalog/surveys/*.yaml``; its questions live in its versions."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def current_version(self) -> "SurveyVersion | None":
        return self.versions.order_by("-number").first()


class SurveyVersion(models.Model):
    """One definition of a survey as it was loaded. A changed definition is a new version; the old one
    stays, because responses keep the version they answered."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version number"))
    digest = models.CharField(max_length=64)
    definition = models.JSONField(_("definition"))
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        ordering = ["survey", "number"]
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="survey_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.survey_id} v{self.number}"
