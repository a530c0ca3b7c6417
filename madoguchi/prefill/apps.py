from django.apps import AppConfig
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class PrefillConfig(AppConfig):
    name = "madoguchi.prefill"
    label = "prefill"
    verbose_name = _("No-writing counter")

    def ready(self):
        from madoguchi.audit.labels import register_values
        from madoguchi.catalog.translations import text_in

        from .models import CaptureSource
        from .selectors import ward_forms

        def form_title(code):
            return next((text_in(get_language(), ja=form.title_ja, en=form.title_en)
                         for form in ward_forms() if form.code == code), None)

        # The audit page's words for how the identity was captured and for the forms printed.
        register_values(["source"], dict(CaptureSource.choices), actions=["prefill.identity_captured"])
        register_values(["forms"], form_title, actions=["prefill.forms_printed"])
