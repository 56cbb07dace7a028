"""The page on which an ondertekenaar gives notice of a signed arrangement (arrangementen.opzeggen)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samenwerking import toegang, tweestaps
from samenwerking.forms import apply_errors
from samenwerking.tekstlimieten import text_field

from .. import opzeggen as service
from .. import selectors
from ..forms import DATE
from ..models import Partij


class OpzegForm(forms.Form):
    partij = forms.ModelChoiceField(
        queryset=Partij.objects.none(), label=gettext_lazy("Opzeggen namens"), widget=forms.RadioSelect,
        empty_label=None, error_messages={"required": gettext_lazy("Kies namens welke partij u opzegt."),
                                          "invalid_choice": gettext_lazy("U kunt niet opzeggen namens deze partij.")})
    reden = text_field(label=gettext_lazy("Reden van de opzegging"), widget=forms.Textarea(attrs={"rows": 4}),
                       help_text=gettext_lazy("Alle partijen lezen deze reden in de e-mail over de opzegging."),
                       error_messages={"required": gettext_lazy("Geef de reden van de opzegging.")})
    ingangsdatum = forms.DateField(
        label=gettext_lazy("Gaat in op"), widget=DATE,
        error_messages={"required": gettext_lazy("Vul de datum in waarop de opzegging ingaat."),
                        "invalid": gettext_lazy("Vul een geldige datum in, bijvoorbeeld 31-12-2026.")})
    wachtwoord = forms.CharField(
        label=gettext_lazy("Uw wachtwoord"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("Ter bevestiging dat u het zelf bent die opzegt."),
        error_messages={"required": gettext_lazy("Vul uw wachtwoord in.")})
    verificatiecode = forms.CharField(
        label=gettext_lazy("Verificatiecode"), max_length=40,
        help_text=gettext_lazy("De code die uw authenticator-app nu toont (of een herstelcode)."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off",
                                      "spellcheck": "false"}),
        error_messages={"required": gettext_lazy("Vul de code uit uw authenticator-app in.")})

    def __init__(self, *args, partijen: list[Partij], earliest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partij"].queryset = Partij.objects.filter(pk__in=[p.pk for p in partijen]).select_related(
            "organisatie").order_by("volgorde", "pk")
        self.fields["partij"].label_from_instance = lambda p: f"{p.organisatie} – {p.ondertekenaar_functie}"
        if len(partijen) == 1:  # one choice: chosen already
            self.fields["partij"].initial = partijen[0].pk
        self.fields["ingangsdatum"].initial = earliest
        self.fields["ingangsdatum"].help_text = _(
            "Op zijn vroegst %(datum)s: vandaag plus de opzegtermijn. Een latere datum mag ook.") % {
            "datum": service.long_date(earliest)}


@login_required
def opzeggen(request, pk: int):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.SIGN)
    reason = service.refusal(arrangement)
    if reason:
        messages.error(request, reason)
        return redirect(arrangement.get_absolute_url())
    partijen = service.parties_for(request.user, arrangement)
    if not partijen:
        raise toegang.Geweigerd(_("U tekent voor geen van de partijen van dit arrangement; opzeggen kan alleen "
                                  "namens een partij waarvoor u tekent."), obj=arrangement)
    form = OpzegForm(request.POST or None, partijen=partijen, earliest=service.earliest_date(arrangement))
    if request.method == "POST" and form.is_valid() and _confirm(request, form) and _give_notice(request, form,
                                                                                                  arrangement):
        messages.success(request, _("Het arrangement is opgezegd. Alle partijen krijgen hierover een e-mail."))
        return redirect(f"{arrangement.get_absolute_url()}#opzegging")
    return render(request, "arrangementen/opzeggen.html", {
        "arrangement": arrangement, "form": form, "opzegtermijn": arrangement.opzegtermijn_maanden,
    })


def _confirm(request, form: OpzegForm) -> bool:
    """Password and a fresh code whatever the session says, as for signing; a refusal sits next to its field."""
    bevestiging = tweestaps.confirm_identity(request, password=form.cleaned_data["wachtwoord"],
                                             code=form.cleaned_data["verificatiecode"])
    if not bevestiging.gelukt:
        form.add_error(bevestiging.veld, _("%(melding)s Er is niets opgezegd.") % {"melding": bevestiging.melding})
    return bevestiging.gelukt


def _give_notice(request, form: OpzegForm, arrangement) -> bool:
    try:
        service.opzeggen(arrangement=arrangement, user=request.user, partij=form.cleaned_data["partij"],
                         reden=form.cleaned_data["reden"], ingangsdatum=form.cleaned_data["ingangsdatum"])
    except ValidationError as error:
        apply_errors(form, error)
        return False
    except PermissionDenied as error:  # the membership or mandate ended while the page was open
        form.add_error(None, str(error))
        return False
    return True
