from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def floor_label(floor) -> str:
    """A floor as people read it: 「2階」 in Japanese, "2F" in English."""
    return gettext("%(floor)sF") % {"floor": floor}
