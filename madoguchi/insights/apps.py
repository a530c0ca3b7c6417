from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "madoguchi.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self):
        from madoguchi.audit.labels import register_values

        from . import checks  # noqa: F401 - registers the lunch rotation's check
        from .models import Service

        # The audit page's words for an intervention's service.
        register_values(["service"], dict(Service.choices),
                        actions=["insights.intervention_recorded", "insights.intervention_deleted"])
