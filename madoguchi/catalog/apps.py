from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "madoguchi.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        from madoguchi.audit.labels import register_values, row_words

        from .models import Counter, Department

        # The audit page names the counters of a desk move and the department of a survey action.
        register_values(["from_counter", "to_counter"], row_words(Counter), actions=["staffing.move_accepted"])
        register_values(["department"], row_words(Department), actions=["surveys.action_recorded"])
