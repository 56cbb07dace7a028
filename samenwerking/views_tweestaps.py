"""Pages of two-step verification (the second step at login, setting up an app, recovery codes, switching off) and
of the user's own API tokens."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import api_tokens, audit, tweestaps


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verificatiecode"), max_length=40, strip=True,
        help_text=gettext_lazy("De zes cijfers die uw authenticator-app nu toont, of een van uw herstelcodes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text",
                                      "autocapitalize": "off", "spellcheck": "false", "autofocus": True}),
    )


class HerbevestigingForm(forms.Form):
    """The password and a current code, asked again whatever the session says (tweestaps.confirm_identity)."""

    wachtwoord = forms.CharField(
        label=gettext_lazy("Uw wachtwoord"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    verificatiecode = forms.CharField(
        label=gettext_lazy("Huidige verificatiecode"), max_length=40,
        help_text=gettext_lazy("De code die uw huidige authenticator-app nu toont, of een van uw herstelcodes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off",
                                      "spellcheck": "false"}),
    )

    def confirm(self, request) -> tweestaps.Herbevestiging:
        """Check both; a refusal is put next to its field."""
        bevestiging = tweestaps.confirm_identity(request, password=self.cleaned_data["wachtwoord"],
                                                 code=self.cleaned_data["verificatiecode"])
        if not bevestiging.gelukt:
            self.add_error(bevestiging.veld, bevestiging.melding)
        return bevestiging


class NieuweAppForm(HerbevestigingForm):
    code = forms.CharField(
        label=gettext_lazy("Verificatiecode"), max_length=12, strip=True,
        help_text=gettext_lazy("De zes cijfers die de app toont nadat u de QR-code heeft gescand."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, vervangt: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if vervangt:
            # Another app replaces the linked one: password and a code of the current app (or a recovery code).
            self.fields["code"].label = gettext_lazy("Code uit de nieuwe app")
            self.order_fields(["wachtwoord", "verificatiecode", "code"])
        else:
            del self.fields["wachtwoord"], self.fields["verificatiecode"]


class ApiTokenForm(HerbevestigingForm):
    naam = forms.CharField(
        label=gettext_lazy("Omschrijving"), max_length=100,
        help_text=gettext_lazy("Waarvoor u de token gebruikt, bijvoorbeeld de naam van het script of systeem."),
    )
    dagen = forms.IntegerField(
        label=gettext_lazy("Geldig (dagen)"), min_value=1,
        help_text=gettext_lazy("Daarna werkt de token niet meer; u kunt hem eerder intrekken."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The maximum is a setting, read per form rather than at import.
        dagen = self.fields["dagen"]
        dagen.initial, dagen.max_value = api_tokens.default_days(), api_tokens.max_days()
        dagen.validators.append(MaxValueValidator(dagen.max_value))
        dagen.widget.attrs["max"] = dagen.max_value
        self.order_fields(["naam", "dagen", "wachtwoord", "verificatiecode"])


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return reverse("samenwerking:dashboard")


@login_required
def verificatie(request):
    """The second step after the password. Only reached while the session is not yet verified."""
    step = tweestaps.needs_step(request)
    if step is None:
        return redirect(_next_url(request))
    if step == "instellen":
        return redirect(f"{reverse('account:tweestaps_instellen')}?{urlencode({'next': _next_url(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        uitkomst = tweestaps.check_code(request.user, form.cleaned_data["code"])
        if uitkomst.gelukt:
            request.session.cycle_key()
            tweestaps.mark_verified(request, uitkomst.middel)
            details = {"middel": uitkomst.middel}
            if uitkomst.middel == "herstelcode":
                details["herstelcodes_over"] = over = tweestaps.remaining_recovery_codes(request.user)
                messages.warning(request, _(
                    "U heeft een herstelcode gebruikt; u heeft er nog %(aantal)s. Maak nieuwe herstelcodes aan als "
                    "u uw app kwijt bent, of koppel een nieuwe app.") % {"aantal": over})
            audit.record(audit.Gebeurtenis.MFA_VERIFICATIE, request=request, details=details)
            return redirect(_next_url(request))
        audit.record(audit.Gebeurtenis.MFA_VERIFICATIE, request=request, resultaat=audit.Resultaat.MISLUKT,
                     details={"reden": uitkomst.melding})
        form.add_error("code", uitkomst.melding)
    return render(request, "registration/verificatie.html", {"form": form, "next": _next_url(request)})


def _overzicht(request, *, herstel_form=None):
    user = request.user
    device = tweestaps.app_device(user)
    return render(request, "samenwerking/tweestaps.html", {
        "app": device,
        "verplicht": tweestaps.required_for(user),
        "herstelcodes_over": tweestaps.remaining_recovery_codes(user) if device else 0,
        "herstel_form": herstel_form or HerbevestigingForm(auto_id="herstel_%s"),
        "uitschakel_form": CodeForm(auto_id="uit_%s"),
    })


@login_required
def overzicht(request):
    return _overzicht(request)


@login_required
def instellen(request):
    """Link an authenticator app: scan the QR code (or type the key), confirm with a first code.

    Replacing a linked app also asks for the password and a code of the current app (or a recovery code).
    """
    user = request.user
    vervangt = tweestaps.has_app(user)
    if vervangt and tweestaps.session_state(request) != "geverifieerd":
        # Replacing an app needs the old one first: a password alone must not be enough to take over the account.
        return redirect(f"{reverse('login_verificatie')}?{urlencode({'next': request.get_full_path()})}")
    device = tweestaps.pending_device(user)
    form = NieuweAppForm(request.POST or None, vervangt=vervangt)
    if request.method == "POST" and form.is_valid():
        bevestiging = form.confirm(request) if vervangt else None
        if bevestiging is not None and not bevestiging.gelukt:
            audit.record(audit.Gebeurtenis.MFA_APP_GEKOPPELD, request=request, obj=user,
                         resultaat=audit.Resultaat.GEWEIGERD, details={"fout": bevestiging.melding})
        else:
            uitkomst, codes = tweestaps.confirm_setup(request, device, form.cleaned_data["code"],
                                                      herbevestigd_met=bevestiging.middel if bevestiging else "")
            if uitkomst.gelukt:
                return render(request, "samenwerking/herstelcodes.html", {
                    "codes": codes, "nieuw": True, "next": _next_url(request)})
            if vervangt:
                audit.record(audit.Gebeurtenis.MFA_APP_GEKOPPELD, request=request, obj=user,
                             resultaat=audit.Resultaat.MISLUKT, details={"fout": uitkomst.melding})
            form.add_error("code", uitkomst.melding)
    secret = tweestaps.secret_of(device)
    return render(request, "samenwerking/tweestaps_instellen.html", {
        "form": form, "qr": tweestaps.qr_svg(device), "geheim": tweestaps.grouped(secret),
        "verplicht": tweestaps.required_for(user), "vervangt": vervangt,
        "next": _next_url(request),
    })


@require_POST
@login_required
def herstelcodes(request):
    """New recovery codes, after the password and a current code: an open session alone cannot make them."""
    if not tweestaps.has_app(request.user):
        messages.error(request, _("Stel eerst een authenticator-app in; daarna krijgt u herstelcodes."))
        return redirect("account:tweestaps")
    form = HerbevestigingForm(request.POST, auto_id="herstel_%s")
    if not form.is_valid():
        return _overzicht(request, herstel_form=form)
    bevestiging = form.confirm(request)
    if not bevestiging.gelukt:
        audit.record(audit.Gebeurtenis.MFA_HERSTELCODES, request=request, obj=request.user,
                     resultaat=audit.Resultaat.GEWEIGERD, details={"fout": bevestiging.melding})
        return _overzicht(request, herstel_form=form)
    codes = tweestaps.new_recovery_codes(request.user)
    audit.record(audit.Gebeurtenis.MFA_HERSTELCODES, request=request, obj=request.user,
                 details={"aantal": len(codes), "herbevestigd_met": bevestiging.middel})
    return render(request, "samenwerking/herstelcodes.html", {"codes": codes, "nieuw": False,
                                                             "next": reverse("account:tweestaps")})


@require_POST
@login_required
def uitschakelen(request):
    user = request.user
    if tweestaps.required_for(user):
        messages.error(request, _("Uw rol vraagt om tweestapsverificatie; u kunt die niet uitschakelen. U kunt wel "
                                  "een andere app koppelen."))
        return redirect("account:tweestaps")
    form = CodeForm(request.POST, auto_id="uit_%s")
    uitkomst = tweestaps.check_code(user, form.data.get("code", "")) if tweestaps.has_app(user) else None
    if uitkomst is not None and not uitkomst.gelukt:
        messages.error(request, _("Tweestapsverificatie is niet uitgeschakeld: %(reden)s") % {
            "reden": uitkomst.melding})
        return redirect("account:tweestaps")
    tweestaps.switch_off(user=user, door=user, request=request)
    tweestaps.mark_not_needed(request)
    messages.success(request, _("Tweestapsverificatie is uitgeschakeld."))
    return redirect("account:tweestaps")


# --- the user's own API tokens ------------------------------------------------------------------------------

@never_cache
@login_required
def api_tokens_overzicht(request):
    """The user's tokens, and a new one after the password and a fresh code; its key is shown in this answer only."""
    user = request.user
    heeft_app = tweestaps.has_app(user)
    form = ApiTokenForm(request.POST or None, auto_id="token_%s")
    if request.method == "POST" and not heeft_app:
        form.add_error(None, _("Stel eerst tweestapsverificatie in: een API-token krijgt u alleen na een verse "
                               "code uit uw authenticator-app."))
    elif request.method == "POST" and form.is_valid():
        bevestiging = form.confirm(request)
        if bevestiging.gelukt:
            try:
                token, sleutel = api_tokens.create_token(gebruiker=user, door=user, naam=form.cleaned_data["naam"],
                                                         dagen=form.cleaned_data["dagen"], request=request)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return render(request, "samenwerking/api_tokens.html", {
                    "nieuw": token, "sleutel": sleutel, "tokens": api_tokens.tokens_of(user)})
        else:
            audit.record(audit.Gebeurtenis.API_TOKEN_AANGEMAAKT, request=request, obj=user,
                         resultaat=audit.Resultaat.GEWEIGERD, details={"fout": bevestiging.melding})
    return render(request, "samenwerking/api_tokens.html", {
        "form": form, "heeft_app": heeft_app, "tokens": api_tokens.tokens_of(user)})


@require_POST
@login_required
def api_token_intrekken(request, pk: int):
    """Revoke one of one's own tokens (another user's answers 404)."""
    token = get_object_or_404(api_tokens.tokens_of(request.user), pk=pk)
    if api_tokens.revoke_token(token=token, door=request.user, request=request):
        messages.success(request, _("De API-token '%(naam)s' is ingetrokken; hij werkt niet meer.") % {
            "naam": token.naam})
    else:
        messages.info(request, _("Deze API-token was al ingetrokken."))
    return redirect("account:api_tokens")
