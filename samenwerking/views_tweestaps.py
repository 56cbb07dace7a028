"""Pages of two-step verification: the second step at login, setting up an app, recovery codes, switching off."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import audit, tweestaps


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verificatiecode"), max_length=40, strip=True,
        help_text=gettext_lazy("De zes cijfers die uw authenticator-app nu toont, of een van uw herstelcodes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text",
                                      "autocapitalize": "off", "spellcheck": "false", "autofocus": True}),
    )


class NieuweAppForm(CodeForm):
    code = forms.CharField(
        label=gettext_lazy("Verificatiecode"), max_length=12, strip=True,
        help_text=gettext_lazy("De zes cijfers die de app toont nadat u de QR-code heeft gescand."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


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


@login_required
def overzicht(request):
    user = request.user
    device = tweestaps.app_device(user)
    return render(request, "samenwerking/tweestaps.html", {
        "app": device,
        "verplicht": tweestaps.required_for(user),
        "herstelcodes_over": tweestaps.remaining_recovery_codes(user) if device else 0,
        "uitschakel_form": CodeForm(auto_id="uit_%s"),
    })


@login_required
def instellen(request):
    """Link an authenticator app: scan the QR code (or type the key), confirm with a first code."""
    user = request.user
    if tweestaps.has_app(user) and tweestaps.session_state(request) != "geverifieerd":
        # Replacing an app needs the old one first: a password alone must not be enough to take over the account.
        return redirect(f"{reverse('login_verificatie')}?{urlencode({'next': request.get_full_path()})}")
    device = tweestaps.pending_device(user)
    form = NieuweAppForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        uitkomst, codes = tweestaps.confirm_setup(request, device, form.cleaned_data["code"])
        if uitkomst.gelukt:
            return render(request, "samenwerking/herstelcodes.html", {
                "codes": codes, "nieuw": True, "next": _next_url(request)})
        form.add_error("code", uitkomst.melding)
    secret = tweestaps.secret_of(device)
    return render(request, "samenwerking/tweestaps_instellen.html", {
        "form": form, "qr": tweestaps.qr_svg(device), "geheim": tweestaps.grouped(secret),
        "verplicht": tweestaps.required_for(user), "vervangt": tweestaps.has_app(user),
        "next": _next_url(request),
    })


@require_POST
@login_required
def herstelcodes(request):
    if not tweestaps.has_app(request.user):
        messages.error(request, _("Stel eerst een authenticator-app in; daarna krijgt u herstelcodes."))
        return redirect("account:tweestaps")
    codes = tweestaps.new_recovery_codes(request.user)
    audit.record(audit.Gebeurtenis.MFA_HERSTELCODES, request=request, obj=request.user,
                 details={"aantal": len(codes)})
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
