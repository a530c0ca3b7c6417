from django import template

from madoguchi.insights.tables import display

register = template.Library()


@register.filter
def show(value, kind: str) -> str:
    """A table value as the page shows it (minutes with one decimal, shares in %, intervals …)."""
    return display(value, kind)


@register.filter
def cells(table, row):
    return table.cells(row)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)
