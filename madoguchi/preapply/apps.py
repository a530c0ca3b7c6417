from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreapplyConfig(AppConfig):
    name = "madoguchi.preapply"
    label = "preapply"
    verbose_name = _("Pre-application and appointments")
