from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "madoguchi.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        from madoguchi.audit.labels import register_values

        from .models import Counter, Department

        def name_of(model):
            def find(code):
                found = model.objects.filter(code=code).first()
                return found.name if found is not None else None
            return find

        # The audit page names the counters of a desk move and the department of a survey action.
        register_values(["from_counter", "to_counter"], name_of(Counter), actions=["staffing.move_accepted"])
        register_values(["department"], name_of(Department), actions=["surveys.action_recorded"])
