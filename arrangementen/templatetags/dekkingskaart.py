"""The map partial of /beeld/ builds its own data from the page's rows, so the page's view stays as it is."""

from django import template
from django.http import QueryDict

from ..kaart import page_map

register = template.Library()


@register.simple_tag(takes_context=True)
def dekkingskaart(context):
    request = context.get("request")  # absent when the page is rendered outside a request: no zoom then
    return page_map(regels=context["beeld"].regels, params=request.GET if request else QueryDict(),
                    detail_query=context.get("detail_query", ""))
