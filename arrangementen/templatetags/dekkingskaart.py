"""The map partial of /beeld/ builds its own data from the page's rows, so the page's view stays as it is."""

from django import template

from ..kaart import page_map

register = template.Library()


@register.simple_tag(takes_context=True)
def dekkingskaart(context):
    return page_map(regels=context["beeld"].regels, params=context["request"].GET,
                    peildatum_query=context.get("peildatum_query", ""))
