from django import template
from django.utils.translation import gettext

from madoguchi.core.i18n import html_lang

register = template.Library()


@register.filter
def floor_label(floor) -> str:
    """A floor as people read it: 「2階」 in Japanese, "2F" in English."""
    return gettext("%(floor)sF") % {"floor": floor}


@register.filter
def can(user, capability: str) -> bool:
    """``{% if user|can:"dx_desk.work" %}``: whether the account holds the capability (for links only;
    the view decides access)."""
    from madoguchi.core.roles import Capability

    try:
        return bool(user.is_authenticated and user.can(Capability(capability)))
    except ValueError:
        return False


@register.filter
def day_text(value) -> str:
    """``{{ slot.starts_at|day_text }}``: 12月2日（水） (see ``madoguchi.core.dates.day_text``)."""
    from datetime import datetime

    from django.utils import timezone

    from madoguchi.core.dates import day_text as text

    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return text(value) if value else ""


@register.filter
def get_item(mapping, key):
    """``{{ row.move_options|get_item:step.pk }}``: a mapping's value for a key (None when absent)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter(name="html_lang")
def html_lang_filter(code: str) -> str:
    """The BCP 47 tag of a language code, for a ``lang`` attribute (zh-hans → zh-Hans)."""
    return html_lang(code)
