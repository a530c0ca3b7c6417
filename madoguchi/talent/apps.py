from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "madoguchi.talent"
    verbose_name = _("DX talent")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from madoguchi.audit.labels import register_values, row_words

        from .models import SkillRole

        # The audit page's words for a DX role (its code is kept).
        register_values(["role"], row_words(SkillRole), actions=["talent.assessment_confirmed", "talent.target_set"])
