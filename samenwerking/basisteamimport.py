"""The basisteam import in the beheer: upload → preview of every line → import, all or nothing.

The preview runs the real import and rolls it back, so it shows exactly what the import will do, line by line
with the line numbers of the uploaded file. The confirmation carries the file's text signed (not stored on the
server), so what is imported is the file that was previewed; it is checked again when it is imported.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from . import audit
from .referentiedata import BASISTEAM_COLUMNS, ReferentiedataFout, import_basisteams, preview_basisteams

SALT = "samenwerking.basisteamimport"
# A preview older than this is shown again before anything is written.
MAX_AGE = 3600


class UploadForm(forms.Form):
    bestand = forms.FileField(
        label=_("CSV-bestand met basisteams"),
        help_text=_("UTF-8, gescheiden door komma's, met de kolommen %(kolommen)s.")
        % {"kolommen": ", ".join(BASISTEAM_COLUMNS)},
    )

    def clean_bestand(self):
        upload = self.cleaned_data["bestand"]
        data = upload.read(settings.IMPORT_MAX_BYTES + 1)  # one byte more tells an over-large file apart
        if len(data) > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Het bestand is groter dan %(mb)d MB.")
                                        % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)})
        try:
            return upload.name or "basisteams.csv", data.decode("utf-8-sig")
        except UnicodeDecodeError as fout:
            raise forms.ValidationError(_("Het bestand is geen UTF-8-tekst. Sla het op als ‘CSV UTF-8’ en "
                                          "probeer het opnieuw.")) from fout


class BasisteamImport(View):
    model_admin = None

    def context(self, request, **extra):
        opts = self.model_admin.model._meta
        return {**self.model_admin.admin_site.each_context(request), "opts": opts,
                "title": gettext("Basisteams importeren"), "kolommen": BASISTEAM_COLUMNS, **extra}

    def dispatch(self, request, *args, **kwargs):
        # Importing creates and changes basisteams and werkgebieden: both rights are needed.
        if not (self.model_admin.has_add_permission(request)
                and self.model_admin.has_change_permission(request)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(request, form=UploadForm())

    def render(self, request, **extra):
        return TemplateResponse(request, "admin/samenwerking/basisteam/importeren.html",
                                self.context(request, **extra))

    def post(self, request):
        if "ondertekend" in request.POST:
            return self.confirm(request)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form=form)
        bestand, text = form.cleaned_data["bestand"]
        try:
            resultaat = preview_basisteams(text, bestand)
        except ReferentiedataFout as fout:
            return self.refuse(request, form=form, bestand=bestand, fout=fout)
        ondertekend = signing.dumps({"bestand": bestand, "tekst": text}, salt=SALT, compress=True)
        return self.render(request, form=form, bestand=bestand, resultaat=resultaat, ondertekend=ondertekend)

    def refuse(self, request, *, form, bestand: str, fout: ReferentiedataFout):
        audit.record_refusal(audit.Gebeurtenis.IMPORT_GEWEIGERD, request=request,
                             reden=fout.problemen[0] if fout.problemen else "",
                             details={"soort": "basisteams", "bestand": bestand[:200],
                                      "problemen": len(fout.problemen)})
        return self.render(request, form=form, bestand=bestand, problemen=fout.problemen)

    def confirm(self, request):
        try:
            upload = signing.loads(request.POST["ondertekend"], salt=SALT, max_age=MAX_AGE)
        except signing.BadSignature:
            messages.error(request, gettext("Het voorbeeld is verlopen of gewijzigd. Kies het bestand opnieuw."))
            return HttpResponseRedirect(request.path)
        try:
            resultaat = import_basisteams(upload["tekst"], upload["bestand"])
        except ReferentiedataFout as fout:  # the reference data changed since the preview
            return self.refuse(request, form=UploadForm(), bestand=upload["bestand"], fout=fout)
        audit.record(audit.Gebeurtenis.REFERENTIEDATA_GEIMPORTEERD, request=request,
                     details={"soort": "basisteams", "bestand": upload["bestand"][:200],
                              "regels": len(resultaat.regels), "per_model": resultaat.per_model})
        messages.success(request, gettext(
            "Het bestand %(bestand)s is geïmporteerd (%(regels)d regels). %(samenvatting)s") % {
            "bestand": upload["bestand"], "regels": len(resultaat.regels), "samenvatting": resultaat.samenvatting()})
        return HttpResponseRedirect(reverse("admin:samenwerking_basisteam_changelist"))
