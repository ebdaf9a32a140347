from django import template

from reports.suppression import suppress_count

register = template.Library()


@register.filter
def small_cell(value: int) -> str:
    """A published count of girls: "<10" below the small-cell threshold."""
    return str(suppress_count(value))
