"""The driehoeken of the dashboard's list where the user may draft (annotated by the access module's subquery)."""

from django import template

register = template.Library()


@register.filter
def opstelbaar(driehoeken) -> list:
    return [d for d in driehoeken or [] if getattr(d, "mag_opstellen", False)]
