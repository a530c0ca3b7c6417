from django import template
from django.utils.html import format_html, format_html_join

from madoguchi.insights.tables import display

register = template.Library()


@register.filter
def show(value, kind: str) -> str:
    """A table value as the page shows it (minutes with one decimal, shares in %, intervals …)."""
    return display(value, kind)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)


@register.simple_tag
def table_rows(table) -> str:
    """The ``<tr>`` of every row of ``table``, the first cell a row header, numbers right-aligned.

    Written in Python rather than as template loops: a year's weekly usage per counter and procedure is
    a few thousand rows, and the template engine spent seconds on their cells."""
    templates = ["<th scope=\"row\">{}</th>", *("<td class=\"numeric\">{}</td>" if column.kind != "text"
                                                 else "<td>{}</td>" for column in table.columns[1:])]
    columns = [(column.key, column.kind) for column in table.columns]

    def cells(row):
        return format_html_join("", "{}", ((format_html(template, display(row.get(key), kind)),)
                                           for template, (key, kind) in zip(templates, columns, strict=True)))

    return format_html_join("\n      ", "<tr>{}</tr>", ((cells(row),) for row in table.rows))
