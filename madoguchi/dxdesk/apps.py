from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DxdeskConfig(AppConfig):
    name = "madoguchi.dxdesk"
    verbose_name = _("DX help desk")
    default_auto_field = "django.db.models.BigAutoField"
