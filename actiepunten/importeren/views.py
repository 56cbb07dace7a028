"""The import page: upload or paste, then a preview the user corrects (header row, columns, owners, dates)
until it is complete, then one confirm that writes every row or none."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samenwerking import audit, toegang
from samenwerking.selectors import driehoek_members

from .. import importeren, selectors
from ..forms import ImportForm
from ..models import Status
from . import datumkeuzes
from .kolommen import FIELDS
from .schrijven import snapshot
from .voorbeeld import DATUM, EXTERN, ONBEKEND, Keuzes, Lid, as_leden


def _keuzes(post) -> Keuzes:
    """The answers posted with a preview; a column mapping only counts for the header row it was made for."""
    kopregel = int(post["kopregel"]) if post.get("kopregel", "").isdigit() else None
    kolommen = None
    if kopregel is not None and post.get("kopregel_vorige") == str(kopregel):
        kolommen = {i: post.get(f"kolom_{i}", "") for i in range(settings.IMPORT_MAX_COLUMNS)
                    if f"kolom_{i}" in post}
    datums = {}
    for key, value in post.items():
        rij = key.removeprefix("datum_")
        if key.startswith("datum_") and rij.isdigit() and value in (ONBEKEND, DATUM):
            datums[int(rij)] = (value, post.get(f"datumtekst_{rij}", "")[:40])
    regels, fouten = post.get("datumregels"), []
    if regels is not None:  # a long list answers in one field (datumkeuzes); its lines win over row inputs
        afwijkingen = datumkeuzes.read_lines(regels)
        datums, fouten = {**datums, **afwijkingen.datums}, afwijkingen.fouten
    eigenaars = {k: v for k, v in post.items() if k.startswith("wie_") and (v == EXTERN or v.isdigit())}
    return Keuzes(kopregel=kopregel, kolommen=kolommen, eigenaars=eigenaars, datums=datums,
                  datum_alle=ONBEKEND if post.get("datum_alle") == ONBEKEND else "", datumregels=regels,
                  datumfouten=fouten)


def _leden(driehoek) -> list[Lid]:
    """The members with their roles (value and Dutch label), for matching 'Driehoeksecretaris' and the like."""
    rollen = {entry["gebruiker"].pk: [r for m in entry["rollen"] for r in (m.rol, m.get_rol_display())]
              for entry in driehoek_members(driehoek)}
    return as_leden(list(selectors.members_of(driehoek)), rollen)


def _preview(overleg, rows, keuzes: Keuzes):
    bestaande = {a.nummer: snapshot(a) for a in selectors.import_bestaande(overleg)}
    return importeren.preview_rows(rows=rows, members=_leden(overleg.driehoek), existing_numbers=set(bestaande),
                                   bestaande=bestaande, keuzes=keuzes,
                                   remembered=selectors.import_toewijzing(overleg.driehoek), overleg_naam=str(overleg))


def _confirmed(request, overleg, regels, toewijzing) -> bool:
    """Write a complete preview; False (with the refusal as a message) when a row was taken meanwhile."""
    try:
        verwerking = importeren.confirm(overleg=overleg, user=request.user, regels=regels, toewijzing=toewijzing)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    if verwerking.al_verwerkt:
        messages.info(request, _("Deze import is al verwerkt; de actiepunten staan hieronder."))
        return True
    if verwerking.actiepunten or not verwerking.bijgewerkt:
        messages.success(request, _("%(n)s actiepunten zijn geïmporteerd.") % {"n": len(verwerking.actiepunten)})
    if verwerking.bijgewerkt:
        messages.success(request, _("%(n)s bestaande actiepunten zijn bijgewerkt.") % {"n": len(verwerking.bijgewerkt)})
    return True


def _upload(form):
    upload, tekst = form.cleaned_data.get("bestand"), form.cleaned_data.get("tekst") or ""
    if upload:
        naam, data, geplakt = upload.name or "", upload.read(settings.IMPORT_MAX_BYTES + 1), False
    else:
        naam, data, geplakt = _("geplakte tabel"), tekst.encode("utf-8"), True
    rows, voorbeeld = importeren.load(name=naam, data=data, geplakt=geplakt)
    return naam, data, rows, voorbeeld


@require_http_methods(["GET", "POST"])
@login_required
def importeren_view(request, pk: int):
    overleg = selectors.get_overleg(request.user, pk, permission=toegang.MANAGE_ACTIEPUNTEN)
    scope = f"{request.user.pk}:{overleg.pk}"
    stap = request.POST.get("stap", "")
    form, voorbeeld, bestandsnaam, bron = ImportForm(), None, "", ""
    if request.method == "POST" and stap == "bevestigen" and not request.POST.get("bron"):
        regels = importeren.unsign(request.POST.get("voorbeeld", ""), scope=scope)
        if regels is None:
            messages.error(request, _("Het voorbeeld is verlopen of ongeldig. Laad het bestand opnieuw."))
            return redirect("actiepunten:importeren", pk)
        toewijzing = importeren.unsign_toewijzing(request.POST.get("voorbeeld", ""), scope=scope)
        ok = _confirmed(request, overleg, regels, toewijzing)
        return redirect("actiepunten:overleg" if ok else "actiepunten:importeren", pk)
    if request.method == "POST" and request.POST.get("bron"):
        carried = importeren.unsign_bron(request.POST["bron"], scope=scope)
        if carried is None:
            messages.error(request, _("Het voorbeeld is verlopen of ongeldig. Laad het bestand opnieuw."))
            return redirect("actiepunten:importeren", pk)
        rows, bestandsnaam = carried
        bron = request.POST["bron"]
        voorbeeld = _preview(overleg, rows, _keuzes(request.POST))
        if stap == "bevestigen" and voorbeeld.is_schoon:
            ok = _confirmed(request, overleg, voorbeeld.regels, voorbeeld.remembered())
            return redirect("actiepunten:overleg" if ok else "actiepunten:importeren", pk)
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            bestandsnaam, data, rows, voorbeeld = _upload(form)
            if rows is not None:
                bron = importeren.sign_bron(rows, scope=scope, name=bestandsnaam)
                voorbeeld = _preview(overleg, rows, Keuzes())
            if bron and len(bron) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2:
                # The preview form carries the rows back; it must fit in a request the server accepts.
                bron, voorbeeld = "", importeren.Voorbeeld()
                voorbeeld.add(None, _("De actielijst is te groot om hier te bekijken. Splits de lijst op."))
            if voorbeeld.weigering:
                audit.record_refusal(
                    audit.Gebeurtenis.IMPORT_GEWEIGERD, request=request, obj=overleg,
                    reden=voorbeeld.problemen[0].tekst,
                    details={**voorbeeld.weigering, "bestand": bestandsnaam[:200], "grootte": len(data)})
    return _render(request, overleg, form, voorbeeld, bestandsnaam, bron, scope)


def te_groot(request, exception, *, pk: int):
    """The import page again, saying the limit: a paste or preview over Django's request limits never reaches
    the view (middleware reads the body first), so samenwerking.beveiliging.bad_request hands it here."""
    overleg = selectors.get_overleg(request.user, pk, permission=toegang.MANAGE_ACTIEPUNTEN)
    voorbeeld = importeren.Voorbeeld()
    if isinstance(exception, RequestDataTooBig):
        voorbeeld.add(None, _("Het formulier is groter dan %(max)s MB en is niet verwerkt; ook de geplakte tekst kon "
                              "daardoor niet bewaard blijven. Plak of kies een kleinere actielijst (een bestand mag "
                              "tot %(bestand)s MB) of splits de lijst op.")
                      % {"max": _megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
                         "bestand": _megabytes(settings.IMPORT_MAX_BYTES)})
    else:
        voorbeeld.add(None, _("Het formulier bevat meer dan %(max)s velden en is niet verwerkt. Laad het bestand "
                              "opnieuw en beantwoord de datums met de keuze voor de hele lijst.")
                      % {"max": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS})
    response = _render(request, overleg, ImportForm(), voorbeeld, "", "", "")
    response.status_code = 413
    return response


importeren_view.te_groot = te_groot


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".0", "").replace(".", ",")


def _render(request, overleg, form, voorbeeld, bestandsnaam, bron, scope):
    leden = {lid.pk: lid for lid in voorbeeld.leden} if voorbeeld else {}
    schoon = voorbeeld is not None and voorbeeld.is_schoon
    return render(request, "actiepunten/importeren.html", {
        "overleg": overleg, "driehoek": overleg.driehoek, "form": form, "voorbeeld": voorbeeld,
        "bestandsnaam": bestandsnaam, "bron": bron, "velden": list(FIELDS.items()), "statussen": Status.choices,
        "regels": [(r, leden.get(r.eigenaar_id)) for r in voorbeeld.regels] if voorbeeld else [],
        "ondertekend": importeren.sign(voorbeeld.regels, scope=scope, toewijzing=voorbeeld.remembered())
        if schoon else "",
        "aantal_nieuw": sum(1 for r in voorbeeld.te_schrijven if not r.bestaand_id) if voorbeeld else 0,
        "aantal_bijwerken": sum(1 for r in voorbeeld.te_schrijven if r.bestaand_id) if voorbeeld else 0,
    }, status=400 if form.errors or (voorbeeld is not None and not schoon) else 200)
