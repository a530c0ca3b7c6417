from django.conf import settings
from django.utils import translation

from .i18n import SWITCH_FIELD, html_lang
from .roles import Role


def layout(request):
    """Languages for the switch: staff pages offer ja/en; resident pages every resident language."""
    names = dict(settings.LANGUAGES)
    user = getattr(request, "user", None)
    return {
        "staff_languages": [(c, names[c]) for c in settings.STAFF_LANGUAGES],
        "resident_languages": [(c, names[c]) for c in settings.RESIDENT_LANGUAGES],
        "html_lang": html_lang(translation.get_language()),
        "language_switch_field": SWITCH_FIELD,
        "site_name": settings.SITE_NAME,
        # A kiosk shows no links away from its own screens (the public home, the staff login).
        "kiosk_device": bool(user is not None and user.is_authenticated and user.role == Role.KIOSK),
    }
