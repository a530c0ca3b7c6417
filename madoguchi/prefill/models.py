"""The no-writing counter's records (書かない窓口): one identity per visit, and what each Step did with it.

- ``VisitIdentity`` is the visit's personal data: the four basic facts plus kana and postal code,
  the household members forms list, and the answers the resident added. It is captured once and
  reused by every later counter of the visit, and deleted after ``PERSONAL_DATA_RETENTION_DAYS``
  (``purge_personal_data``). The individual number is never among it (``services`` refuse it).
- ``StepPrefill`` is the measurement of issue 5 point 6: whether a Step's forms were printed
  pre-filled and how the identity behind them was captured. It holds no personal data and
  outlives the purge, so handling times with and without pre-filled forms can be compared later.

Dependencies point one way: prefill knows reception; reception knows nothing of prefill.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .identity import ADDRESS_MAX, NAME_MAX, HouseholdMember, Identity, Sex


class CaptureSource(models.TextChoices):
    CARD = "card", _("My Number card")
    MANUAL = "manual", _("Typed by staff")
    PREAPPLICATION = "preapplication", _("Pre-application")


class SexCode(models.IntegerChoices):
    """ISO/IEC 5218, as on the My Number card."""

    MALE = 1, _("Male")
    FEMALE = 2, _("Female")
    NOT_APPLICABLE = 9, _("Not applicable")
    UNKNOWN = 0, _("Unknown")


class VisitIdentity(models.Model):
    visit = models.OneToOneField(
        "reception.Visit", verbose_name=_("visit"), on_delete=models.CASCADE, related_name="identity"
    )
    source = models.CharField(_("captured from"), max_length=20, choices=CaptureSource.choices)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    name_kana = models.CharField(_("name in kana"), max_length=NAME_MAX, blank=True)
    birth_date = models.DateField(_("date of birth"))
    sex = models.PositiveSmallIntegerField(_("sex"), choices=SexCode.choices)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=ADDRESS_MAX)
    # [{"name", "name_kana", "birth_date" (ISO), "sex" (ISO 5218), "relationship"}], as validated: the
    # people besides the person at the counter.
    household = models.JSONField(_("household"), default=list, blank=True)
    # Whether the person at the counter is one of the people the forms' member tables list (異動する人,
    # 加入する人); None: as the visit's life event says (yes for a move, no for a birth or a death).
    applicant_listed = models.BooleanField(_("the person at the counter is listed"), null=True, blank=True)
    # {answer key: text}. One flat mapping for the whole visit, not one per form: forms share keys
    # (the phone number is asked once for every form that prints it), so nobody is asked twice.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    captured_step = models.ForeignKey(
        "reception.Step", verbose_name=_("captured at step"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("captured by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # The retention clock: the identity is purged this many days after its (last) capture.
    captured_at = models.DateTimeField(_("captured at"), db_index=True)
    answers_updated_at = models.DateTimeField(_("answers updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit identity")
        verbose_name_plural = _("visit identities")
        constraints = [
            models.CheckConstraint(condition=models.Q(source__in=CaptureSource.values), name="identity_source_known"),
            models.CheckConstraint(condition=models.Q(sex__in=SexCode.values), name="identity_sex_iso5218"),
        ]

    def __str__(self) -> str:
        # No personal data: this string reaches admin logs and error reports.
        return f"identity of visit {self.visit_id}"

    def as_identity(self) -> Identity:
        return Identity(name=self.name, name_kana=self.name_kana, birth_date=self.birth_date, sex=Sex(self.sex),
                        postal_code=self.postal_code, address=self.address)

    def household_members(self) -> list[HouseholdMember]:
        return [
            HouseholdMember(name=m["name"], name_kana=m.get("name_kana", ""),
                            birth_date=date.fromisoformat(m["birth_date"]), sex=Sex(int(m["sex"])),
                            relationship=m.get("relationship", ""))
            for m in self.household
        ]


class StepPrefill(models.Model):
    """How one Step used the no-writing counter. No personal data: it stays after the purge."""

    step = models.OneToOneField(
        "reception.Step", verbose_name=_("step"), on_delete=models.CASCADE, related_name="prefill"
    )
    capture_source = models.CharField(_("identity captured from"), max_length=20, choices=CaptureSource.choices)
    # True: the identity was captured at this Step. False: reused from an earlier counter of the visit.
    captured_here = models.BooleanField(_("captured at this step"), default=False)
    form_codes = models.JSONField(_("forms printed"), default=list, blank=True)
    forms_printed_at = models.DateTimeField(_("forms printed at"), null=True, blank=True)
    print_count = models.PositiveSmallIntegerField(_("times printed"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("step pre-fill record")
        verbose_name_plural = _("step pre-fill records")
        constraints = [
            models.CheckConstraint(condition=models.Q(capture_source__in=CaptureSource.values),
                                   name="step_prefill_source_known"),
        ]

    def __str__(self) -> str:
        return f"step {self.step_id}: {self.capture_source}, printed {self.print_count}×"

    @property
    def prefilled(self) -> bool:
        return self.forms_printed_at is not None
