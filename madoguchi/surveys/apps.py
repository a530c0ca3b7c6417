from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "madoguchi.surveys"
    verbose_name = _("Visitor survey")

    def ready(self):
        from madoguchi.audit.labels import register_values

        from .models import ActionItem

        # The audit page's words for an action item's statuses.
        register_values(["old", "new"], dict(ActionItem.Status.choices), actions=["surveys.action_changed"])
