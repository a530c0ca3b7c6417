"""Catalogue texts in templates that hold them as plain data (a cached snapshot, not model rows)."""

from django import template

from madoguchi.catalog.translations import text_in

register = template.Library()


@register.filter
def name_in(item: dict, language: str) -> str:
    """``{{ site|name_in:lang }}``: the name of a site or counter snapshot (name_ja, name_en, name_easy)."""
    return text_in(language, ja=item.get("name_ja", ""), en=item.get("name_en", ""), easy=item.get("name_easy", ""))
