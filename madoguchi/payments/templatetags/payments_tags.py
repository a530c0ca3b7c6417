from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def yen(amount) -> str:
    """1200 → 「1,200円」 in Japanese, "¥1,200" in English."""
    if amount is None or amount == "":
        return ""
    return _("¥%(amount)s") % {"amount": f"{int(amount):,}"}
