"""A select list written in Python, byte for byte what Django's select.html, select_option.html and attrs.html write.

The overview's filters list every eenheid, veiligheidsregio and basisteam of the user's scope and the map's zoom
every eenheid and regio: at national scale some 250 options, and an include of the option template for each one
cost /beeld/ more than its whole table of 342 gemeenten once that was formatted in Python (issue 19).
"""

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: a True value is a bare name, a False one is left out."""
    return "".join(f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
                   for name, value in attrs.items() if value is not False)


def _option(option: dict) -> str:
    return (f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
            f'{conditional_escape(option["label"])}</option>\n')  # the option template ends in a newline


class Keuzelijst(forms.Select):
    """forms.Select without a template per option; the options and their groups are Django's own (optgroups)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            body = "".join(_option(option) for option in options)
            parts.append(format_html('\n  <optgroup label="{}">', group_name) + body + "\n  </optgroup>"
                         if group_name else body)
        return mark_safe(  # noqa: S308 - every name, value and label above is escaped
            f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>{"".join(parts)}\n'
            "</select>")
