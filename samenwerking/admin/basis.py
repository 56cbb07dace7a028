"""What every app's beheer pages share: autocomplete selects as valid HTML, inputs named per row, standing notices."""

from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.forms.models import BaseInlineFormSet, BaseModelFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin


def name_row_fields(form, index=None) -> None:
    """A row of a list or tabular inline has no <label> per input: each is named by its column and its row."""
    row = str(form.instance) if form.instance.pk else gettext("nieuwe rij")
    for name, field in form.fields.items():
        if not field.widget.is_hidden:
            field.widget.attrs["aria-label"] = f"{capfirst(field.label or name)} – {row}"


class BlankFirstAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete select as valid HTML: a labelled blank choice always comes first (a required
    select needs one, and an empty <option> needs a label); select2 still shows it as empty."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        options = groups[0][1]
        if not options or options[0]["value"] != "":
            options.insert(0, self.create_option(name, "", "", False, 0))
        options[0]["attrs"]["label"] = gettext("geen keuze")
        return groups


class AutocompleteMixin:
    """For every ModelAdmin and inline with autocomplete_fields: the autocomplete select above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = BlankFirstAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RowNamedInlineFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        name_row_fields(form, index)


class RowNamedModelFormSet(BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        name_row_fields(form, index)


class NoticeAdmin(SimpleHistoryAdmin):
    """A changelist that shows a standing notice (attribution, completeness) above the list."""

    notice = None

    def changelist_view(self, request, extra_context=None):
        if self.notice and request.method == "GET":
            messages.info(request, self.notice)
        return super().changelist_view(request, extra_context)
