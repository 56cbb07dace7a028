"""Views around the signed PDF: start/retry, download, sign, and the public verification page."""

import hashlib
import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from samenwerking import audit, toegang
from samenwerking.forms import apply_errors
from samenwerking.toegang import visible_driehoeken

from . import adviesondertekening, documenten, handtekeningcontrole, ondertekenmails, selectors, verificatie
from .models import Document, Partij
from .pdf import CONCEPT_STATUSES, PdfTeGroot, render_concept


@require_POST
@login_required
def document_request(request, pk: int):
    arrangement = selectors.get_arrangement(request.user, pk, permission=toegang.EXPORT)
    try:
        documenten.request_document(arrangement=arrangement, user=request.user,
                                    met_contactbijlage=request.POST.get("met_contactbijlage") == "1",
                                    volgorde=str(request.POST.get("volgorde", Document.Volgorde.VOLGORDELIJK))[:20])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("De PDF wordt gemaakt. Ververs deze pagina over enkele ogenblikken."))
    return redirect(f"{arrangement.get_absolute_url()}#document")


def _document_of(user, pk: int, permission: str) -> Document:
    arrangement = selectors.get_arrangement(user, pk, permission=permission)
    document = Document.objects.filter(arrangement=arrangement).select_related("arrangement").first()
    if document is None:
        raise Http404(_("Er is nog geen PDF van dit arrangement."))
    return document


@login_required
def document_download(request, pk: int):
    """The same document as the API's (arrangementen.selectors.downloadable_version)."""
    versie = selectors.downloadable_version(request.user, pk)
    try:
        handle = documenten.record_download(versie=versie, user=request.user)
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from error
    return FileResponse(handle, as_attachment=True, content_type="application/pdf",
                        filename=f"{versie.document.referentie}-{versie.volgnummer:02d}.pdf")


@never_cache
@login_required
def document_concept(request, pk: int):
    """A CONCEPT PDF for circulation before vaststelling, for whoever may read the arrangement: rendered now,
    watermarked, not signed, not certified, not stored (no Document row) and not cached."""
    arrangement = selectors.get_arrangement(request.user, pk)
    if arrangement.status not in CONCEPT_STATUSES:
        messages.error(request, _("Een concept-PDF is er alleen vóór de vaststelling. Dit arrangement is %(status)s; "
                                  "gebruik de PDF voor ondertekening.") % {"status": arrangement.get_status_display()})
        return redirect(f"{arrangement.get_absolute_url()}#document")
    try:
        data = render_concept(arrangement)
    except PdfTeGroot as error:
        messages.error(request, str(error))
        return redirect(arrangement.get_absolute_url())
    filename = f"{slugify(arrangement.titel) or 'arrangement'}-versie-{arrangement.versie}-concept.pdf"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class OndertekenForm(forms.Form):
    partij = forms.ModelChoiceField(queryset=Partij.objects.none(), label=gettext_lazy("Tekenen voor"),
                                    widget=forms.RadioSelect, empty_label=None)
    plaats = forms.CharField(label=gettext_lazy("Plaats"), max_length=100,
                             help_text=gettext_lazy("De plaats van ondertekening, zoals die in de PDF komt."),
                             error_messages={"required": gettext_lazy("Vul de plaats van ondertekening in.")})
    wachtwoord = forms.CharField(
        label=gettext_lazy("Uw wachtwoord"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("Ter bevestiging dat u het zelf bent die tekent."),
    )
    verificatiecode = forms.CharField(
        label=gettext_lazy("Verificatiecode"), max_length=40,
        help_text=gettext_lazy("De code die uw authenticator-app nu toont (of een herstelcode). Voor elke "
                               "handtekening vragen we een nieuwe code."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off",
                                      "spellcheck": "false"}),
    )
    # The SHA-256 of the version shown on the page: signing refuses when the document changed since.
    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64,
                             error_messages={"required": gettext_lazy("Laad de pagina opnieuw: het is niet bekend "
                                                                      "welke versie u ondertekent.")})

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {o.partij.pk: o for o in options}
        self.fields["partij"].queryset = Partij.objects.filter(pk__in=self.options).select_related("organisatie")
        self.fields["partij"].label_from_instance = self._label
        if len(options) == 1:  # one choice: chosen already
            self.fields["partij"].initial = options[0].partij.pk

    def _label(self, partij):
        option = self.options[partij.pk]
        label = f"{partij.organisatie} – {partij.ondertekenaar_functie}"
        if option.namens:
            label += " " + _("(namens %(naam)s, op grond van mandaat)") % {"naam": option.namens}
        return label


ALREADY_SIGNED = gettext_lazy("Deze partij heeft al getekend. Uw handtekening is niet gezet.")


@login_required
def document_sign(request, pk: int):
    try:
        document = _document_of(request.user, pk, toegang.SIGN)
    except PermissionDenied as error:
        if request.method == "POST":  # a signing attempt by a member who may not sign
            audit.record_refusal(audit.Gebeurtenis.ONDERTEKEND, request=request, reden=str(error),
                                 details={"arrangement": pk})
        raise
    options = documenten.signing_options(request.user, document)
    versie = documenten.latest_version(document)
    form = OndertekenForm(request.POST or None, options=options, initial={"sha256": versie.sha256 if versie else ""})
    if request.method == "POST" and not form.is_valid():
        refuse_unoffered_partij(request, obj=document, signed_partijen=document.handtekeningen, form=form)
    elif request.method == "POST" and _sign(request, document, form):
        messages.success(request, _("Uw handtekening is gezet."))
        return redirect(f"{document.arrangement.get_absolute_url()}#document")
    return render(request, "arrangementen/ondertekenen.html", {
        "arrangement": document.arrangement, "document": document, "form": form, "opties": options,
        "test_pki": settings.SIGNING_TEST_PKI, "versie": versie,
    })


def refuse_unoffered_partij(request, *, obj, signed_partijen, form, wat: str = "",
                            details: dict | None = None) -> None:
    """A posted partij that is not on offer: signed meanwhile (another tab, a colleague) or not the user's. Shared
    by the arrangement's document and the geweldsadvies (`wat` names the signed object in the audit reason)."""
    posted = str(request.POST.get("partij", ""))[:20]
    if not posted or "partij" not in form.errors:
        return
    if posted in {str(pk) for pk in signed_partijen.values_list("partij_id", flat=True)}:
        del form.errors["partij"]
        form.add_error(None, ALREADY_SIGNED)
        reden = f"partij heeft {wat + ' ' if wat else ''}al getekend"
    else:
        reden = f"geen veld {'van ' + wat + ' ' if wat else ''}dat deze gebruiker mag tekenen"
    audit.record_refusal(audit.Gebeurtenis.ONDERTEKEND, request=request, obj=obj, reden=reden,
                         details={"partij": posted, **(details or {})})


def _sign(request, document, form) -> bool:
    try:
        documenten.sign_document(document=document, partij=form.cleaned_data["partij"], user=request.user,
                                 password=form.cleaned_data["wachtwoord"], code=form.cleaned_data["verificatiecode"],
                                 location=form.cleaned_data["plaats"], expected_sha256=form.cleaned_data["sha256"],
                                 request=request)
    except ValidationError as error:
        # sign_document checked password and code, and logged the refusal or failure after rolling back; here
        # it only reaches the form.
        if getattr(error, "code", None) == "al_getekend":
            form.add_error(None, ALREADY_SIGNED)
        elif getattr(error, "code", None) == "gewijzigd":  # the next attempt signs the version shown now
            form.add_error(None, error)
            form.data = form.data.copy()
            form.data["sha256"] = documenten.latest_version(document).sha256
        else:
            apply_errors(form, error)
        return False
    return True


@require_POST
@login_required
def document_remind(request, pk: int, partij_pk: int):
    """The secretaris reminds a partij that has not signed yet; at most once per hour per partij."""
    document = _document_of(request.user, pk, toegang.ADOPT)
    target = get_object_or_404(Partij, pk=partij_pk, arrangement=document.arrangement)
    try:
        sent = ondertekenmails.remind_by_hand(document=document, partij=target, user=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, ngettext("Herinnering gestuurd aan %(aantal)s ondertekenaar van %(partij)s.",
                                           "Herinnering gestuurd aan %(aantal)s ondertekenaars van %(partij)s.",
                                           sent) % {"aantal": sent, "partij": target.organisatie})
    return redirect(f"{document.arrangement.get_absolute_url()}#document")


class VerificatieForm(forms.Form):
    bestand = forms.FileField(label=gettext_lazy("PDF-bestand"),
                              help_text=gettext_lazy("Het ondertekende arrangement dat u wilt controleren."))

    def clean_bestand(self):
        upload = self.cleaned_data["bestand"]
        limit = settings.VERIFICATION_MAX_UPLOAD
        if upload.size > limit:
            raise ValidationError(_("Dit bestand is %(grootte)s; de grens is %(grens)s.")
                                  % {"grootte": filesizeformat(upload.size), "grens": filesizeformat(limit)})
        return upload


def _over_upload_limit(request) -> bool:
    """Count this upload against the client's address; True once it is past VERIFICATIE_MAX_PER_ADRES in the
    current window. The counter lives in the cache, shared by every worker (Redis in production)."""
    window = settings.VERIFICATIE_VENSTER_SECONDEN
    key = f"verifieer:uploads:{audit.client_ip(request)}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 60)
        count = 1
    return count > settings.VERIFICATIE_MAX_PER_ADRES


def verify(request):
    """Anyone may check a file and gets the verdict in words (arrangementen.verificatie): per signature and
    overall, which document a stored file is, whether it is superseded and long-term verifiable. Logged-in
    users also see what each signature covers; members get a link to the arrangement. Uploads are limited per
    address, and a file too complex to check gets a Dutch verdict and an entry in the security log."""
    context = {"max_upload": settings.VERIFICATION_MAX_UPLOAD}
    if request.method == "POST" and _over_upload_limit(request):
        audit.record_refusal(audit.Gebeurtenis.LIMIET_OVERSCHREDEN, request=request,
                             reden=_("te veel bestanden ter controle vanaf hetzelfde adres"),
                             details={"pagina": "verifieer", "limiet": settings.VERIFICATIE_MAX_PER_ADRES,
                                      "venster_seconden": settings.VERIFICATIE_VENSTER_SECONDEN})
        context.update(form=VerificatieForm(), te_vaak=True,
                       minuten=max(1, settings.VERIFICATIE_VENSTER_SECONDEN // 60))
        return render(request, "arrangementen/verifieer.html", context, status=429)
    form = VerificatieForm(request.POST or None, request.FILES or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["bestand"].read()
        report = handtekeningcontrole.verify(data)
        digest = hashlib.sha256(data).hexdigest()
        versie = documenten.find_version(digest)
        advies = adviesondertekening.find_state(digest) if versie is None else None
        if report.limit:
            audit.record_refusal(audit.Gebeurtenis.VERIFICATIE, request=request,
                                 obj=versie.document if versie else None, reden=report.error,
                                 details={"sha256": digest, "grootte": len(data), "limiet": report.limit})
        else:
            audit.record(audit.Gebeurtenis.VERIFICATIE, request=request, obj=versie.document if versie else None,
                         details={"sha256": digest, "bekend": versie is not None, "geldig": report.all_valid})
        visible = bool(
            versie and request.user.is_authenticated
            and visible_driehoeken(request.user).filter(pk=versie.document.arrangement.driehoek_id).exists()
        )
        context.update(rapport=report, bekend=versie is not None or advies is not None,
                       versie=versie if visible else None, details=request.user.is_authenticated,
                       uitslag=verificatie.describe(report=report, versie=versie, advies=advies))
    return render(request, "arrangementen/verifieer.html", context)
