from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "madoguchi.talent"
    verbose_name = _("DX talent")
    default_auto_field = "django.db.models.BigAutoField"
