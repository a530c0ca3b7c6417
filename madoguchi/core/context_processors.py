from django.conf import settings


def layout(request):
    """Languages for the switch: staff pages offer ja/en; resident pages add やさしい日本語."""
    return {
        "staff_languages": [(c, n) for c, n in settings.LANGUAGES if c in settings.STAFF_LANGUAGES],
        "resident_languages": settings.LANGUAGES,
        "site_name": settings.SITE_NAME,
    }
