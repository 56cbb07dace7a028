"""The driehoek's advice on a request for geweldsmiddelen (issue 20, item 3): asked from an arrangement in force,
rendered to PDF/A and certified by the platform in a task, like the arrangement's own PDF (arrangementen.documenten).

National boa policy: a boa-organisation that wants handboeien, a wapenstok or pepperspray for its boa's needs a
handhavingsarrangement with the police, and the minister follows the local driehoek's advice on the request.
"""

import datetime
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking import audit, taken, toegang
from samenwerking.historie import save_tracked
from samenwerking.models import Organisatie

from . import adviesondertekening, documentopslag, levensloop, signing
from . import pdf as renderer
from .models import Arrangement, Document, Domein, Geweldsadvies, Geweldsmiddel, Status

logger = logging.getLogger(__name__)

# tasks.render_geweldsadvies, started by name: its body calls render_and_sign here (samenwerking.taken).
RENDER_TASK = "arrangementen.tasks.render_geweldsadvies"
# Police and OM give the advice; every other party employs boa's.
NIET_BOA_SOORTEN = (Organisatie.Soort.POLITIE, Organisatie.Soort.OM)


@dataclass(frozen=True)
class Adviesgegevens:
    boa_organisatie: Organisatie | None
    domein: str
    middelen: list[str]
    advies: str
    motivering: str
    adviesdatum: datetime.date | None
    met_partijen: bool = False  # the PDF gets a signature field per partij (adviesondertekening.py)


def boa_organisaties(arrangement: Arrangement):
    """The arrangement's parties that employ boa's (every party but politie and OM)."""
    return (Organisatie.objects.filter(pk__in=arrangement.partijen.values("organisatie_id"))
            .exclude(soort__in=NIET_BOA_SOORTEN).order_by("naam"))


def covered_domains(arrangement: Arrangement) -> list[str]:
    """The domeinen in which the arrangement's basisgegevens deploy boa's."""
    return list(arrangement.inzet.filter(Q(aantal_boas__gt=0) | Q(fte__gt=0)).order_by("domein")
                .values_list("domein", flat=True))


def signed_version(arrangement: Arrangement):
    """The newest stored state of the arrangement's signed PDF, or None."""
    document = Document.objects.filter(arrangement=arrangement).first()
    return document.versies.order_by("-volgnummer").first() if document else None


def refusal(arrangement: Arrangement, *, today: datetime.date | None = None) -> str:
    """Why no advice can rest on this arrangement today ("" when it can): it must be in force and signed."""
    fase = levensloop.fase_on(arrangement, today)
    if arrangement.status != Status.ONDERTEKEND or fase is None:
        return _("Een advies over geweldsmiddelen kan alleen steunen op een arrangement dat in werking is. Dit "
                 "arrangement is nog niet door alle partijen ondertekend (status: %(status)s).") % {
            "status": arrangement.get_status_display()}
    if fase not in levensloop.IN_WERKING_FASEN:
        return _("Een advies over geweldsmiddelen kan alleen steunen op een arrangement dat in werking is. Dit "
                 "arrangement is %(fase)s.") % {"fase": levensloop.Levensfase(fase).label}
    if signed_version(arrangement) is None:
        return _("Van dit arrangement is geen ondertekende PDF bewaard, dus kan het advies er niet naar verwijzen.")
    return ""


def _field_errors(arrangement: Arrangement, gegevens: Adviesgegevens, today: datetime.date) -> dict:
    """Each wrong answer with a Dutch message naming its field."""
    errors = {}
    if gegevens.boa_organisatie is None or not boa_organisaties(arrangement).filter(
            pk=gegevens.boa_organisatie.pk).exists():
        errors["boa_organisatie"] = _("BOA-organisatie: kies een partij van dit arrangement die boa's in dienst "
                                      "heeft.")
    covered = covered_domains(arrangement)
    if gegevens.domein not in covered:
        labels = dict(Domein.choices)
        errors["domein"] = _("Domein: dit arrangement regelt geen inzet van boa's in %(domein)s. Het regelt: "
                             "%(gedekt)s.") % {"domein": labels.get(gegevens.domein, gegevens.domein or "—"),
                                              "gedekt": ", ".join(str(labels[d]) for d in covered) or _("geen")}
    if not gegevens.middelen or set(gegevens.middelen) - set(Geweldsmiddel.values):
        errors["middelen"] = _("Gevraagde geweldsmiddelen: kies ten minste één geweldsmiddel uit de lijst.")
    if gegevens.advies not in Geweldsadvies.Advies.values:
        errors["advies"] = _("Advies: kies positief, negatief of positief onder voorwaarden.")
    if not gegevens.motivering.strip():
        errors["motivering"] = _("Motivering: schrijf waarom de driehoek zo adviseert.")
    if gegevens.adviesdatum is None or gegevens.adviesdatum > today:
        errors["adviesdatum"] = _("Datum van het advies: vul de dag in waarop de driehoek adviseerde; die ligt "
                                  "niet in de toekomst.")
    return errors


@transaction.atomic
def request_advies(*, arrangement: Arrangement, user, gegevens: Adviesgegevens) -> Geweldsadvies:
    """Record the advice and start its PDF (rendered and certified in a task); every check first."""
    locked = Arrangement.objects.select_for_update().select_related("driehoek").get(pk=arrangement.pk)
    toegang.require(user, locked, permission=toegang.ADOPT,
                    refusal=_("Alleen de secretaris van de driehoek legt een advies over geweldsmiddelen vast."))
    if reason := refusal(locked):
        raise ValidationError(reason)
    if errors := _field_errors(locked, gegevens, timezone.localdate()):
        raise ValidationError(errors)
    versie = signed_version(locked)
    nummer = (locked.geweldsadviezen.aggregate(n=Max("volgnummer"))["n"] or 0) + 1
    advies = save_tracked(Geweldsadvies(
        arrangement=locked, volgnummer=nummer, referentie=f"{versie.document.referentie}-GA{nummer:02d}",
        boa_organisatie=gegevens.boa_organisatie, domein=gegevens.domein,
        middelen=[m for m in Geweldsmiddel.values if m in gegevens.middelen], advies=gegevens.advies,
        motivering=gegevens.motivering.strip(), adviesdatum=gegevens.adviesdatum,
        arrangement_referentie=versie.document.referentie, arrangement_versie=locked.versie,
        arrangement_geldig_van=locked.geldig_van, arrangement_geldig_tot=locked.geldig_tot,
        arrangement_sha256=versie.sha256, aangevraagd_door=user, met_partijen=gegevens.met_partijen,
    ), user, reason=_("Advies over geweldsmiddelen vastgelegd"))
    transaction.on_commit(lambda: taken.start(name=RENDER_TASK, args=(advies.pk,)))
    return advies


class TransientRenderError(Exception):
    """A failure worth retrying (e.g. the storage was briefly unavailable)."""


def render_html(advies: Geweldsadvies) -> str:
    css = (Path(settings.BASE_DIR) / "static" / "css" / "pdf.css").read_text("utf-8")
    return render_to_string("arrangementen/geweldsadvies_pdf.html", {
        "advies": advies, "arrangement": advies.arrangement, "test_pki": settings.SIGNING_TEST_PKI,
        "partijen": adviesondertekening.partijen_of(advies) if advies.met_partijen else [],
        "veld_anker": adviesondertekening.FIELD_ANCHOR,
        "css": css, "gemaakt_op": timezone.localtime(),
    })


def _render(advies: Geweldsadvies) -> bytes:
    pdf, velden = adviesondertekening.render(advies, render_html(advies))
    return signing.certify(pdf, velden, reason=_("Advies van de %(driehoek)s over geweldsmiddelen, %(datum)s") % {
        "driehoek": advies.arrangement.driehoek.naam, "datum": advies.adviesdatum.strftime("%d-%m-%Y")})


def render_and_sign(advies_id: int) -> bool:
    """The task's work, idempotent like documenten.render_and_certify: a finished advice is left alone, and a
    rerun after a crash replaces nothing that was committed. True when a PDF was produced now."""
    with transaction.atomic():
        advies = Geweldsadvies.objects.select_for_update().select_related(
            "arrangement__driehoek", "boa_organisatie", "aangevraagd_door").get(pk=advies_id)
        if advies.status == Geweldsadvies.Status.GEREED:
            return False
        advies.status = Geweldsadvies.Status.BEZIG
        save_tracked(advies, advies.aangevraagd_door)
    try:
        pdf = _render(advies)
    except (renderer.PdfTeGroot, signing.KeyMaterialError) as error:  # the user reads why; no retry helps
        _fail(advies_id, str(error))
        return False
    except OSError as error:
        raise TransientRenderError(str(error)) from error
    except Exception:  # noqa: BLE001 - recorded for the user, and logged for the beheerder
        logger.exception("PDF van geweldsmiddelenadvies %s mislukt", advies_id)
        _fail(advies_id, _("Het maken van de PDF is mislukt door een fout in de applicatie. De beheerder kan in "
                           "het applicatielog zien wat er misging; probeer het later opnieuw."))
        return False
    with documentopslag.atomic_with_files() as files:
        advies = Geweldsadvies.objects.select_for_update().get(pk=advies_id)
        if advies.status == Geweldsadvies.Status.GEREED:
            return False
        field = advies.bestand.field
        advies.bestand.name = field.storage.get_available_name(
            field.generate_filename(advies, f"{advies.referentie}.pdf"), max_length=field.max_length)
        advies.sha256, advies.status, advies.fout = documentopslag.sha256(pdf), Geweldsadvies.Status.GEREED, ""
        save_tracked(advies, advies.aangevraagd_door, reason=_("Advies gemaakt en ondertekend door het platform"))
        files.append((advies.bestand.name, pdf))
        audit.record(audit.Gebeurtenis.PDF_GEMAAKT, gebruiker=advies.aangevraagd_door, obj=advies,
                     details={"geweldsadvies": advies.referentie, "sha256": advies.sha256})
        adviesondertekening.announce_ready(advies_id)
    return True


def _fail(advies_id: int, reason: str) -> None:
    with transaction.atomic():
        advies = Geweldsadvies.objects.select_for_update().get(pk=advies_id)
        advies.status, advies.fout = Geweldsadvies.Status.MISLUKT, reason
        save_tracked(advies, advies.aangevraagd_door)
        audit.record(audit.Gebeurtenis.PDF_GEMAAKT, gebruiker=advies.aangevraagd_door, obj=advies,
                     resultaat=audit.Resultaat.MISLUKT, details={"fout": reason})


def open_for_download(*, advies: Geweldsadvies, user):
    """The advice's file, opened, and the download recorded in the security log."""
    toegang.require(user, advies.arrangement, permission=toegang.EXPORT,
                    refusal=_("U mag in deze driehoek geen documenten downloaden."))
    if advies.status != Geweldsadvies.Status.GEREED or not advies.bestand:
        raise ValidationError(_("De PDF van dit advies is nog niet klaar."))
    bestand, sha256 = adviesondertekening.latest_state(advies)  # with every partij's signature so far
    try:
        handle = bestand.open("rb")
    except OSError as error:
        logger.error("PDF-bestand van advies %s ontbreekt: %s", advies.referentie, error)
        raise ValidationError(_("Het PDF-bestand is niet beschikbaar. Meld dit aan de beheerder.")) from error
    audit.record(audit.Gebeurtenis.PDF_GEDOWNLOAD, gebruiker=user, obj=advies,
                 details={"geweldsadvies": advies.referentie, "sha256": sha256})
    return handle
