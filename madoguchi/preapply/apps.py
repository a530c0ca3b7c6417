from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreapplyConfig(AppConfig):
    name = "madoguchi.preapply"
    label = "preapply"
    verbose_name = _("Pre-application and appointments")

    def ready(self):
        from django.utils.translation import get_language

        from madoguchi.audit.labels import register_values
        from madoguchi.catalog.translations import text_in

        from .selectors import appointment_group

        def group_name(code):
            group = appointment_group(code)
            if group is None:
                return None
            return text_in(get_language(), ja=group.name_ja, en=group.name_en)

        # The audit page's words for an appointment's group.
        register_values(["group"], group_name, actions=["appointment.booked"])
