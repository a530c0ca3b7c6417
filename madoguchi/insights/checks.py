"""A configuration check: the lunch rotation the staffing plan keeps must be readable."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from madoguchi.core.dates import lunch_rotation


@register()
def lunch_rotation_readable(app_configs, **kwargs):
    try:
        lunch_rotation()
    except ImproperlyConfigured as error:
        return [Error(str(error), hint="For example LUNCH_HOURS=12:00-13:00 and LUNCH_SHARE=0.17, or "
                      "LUNCH_HOURS= for none.", id="insights.E001")]
    return []
