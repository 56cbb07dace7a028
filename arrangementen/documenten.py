"""Every write around the signed PDF: request, render + certify, sign per party, downloads.

The arrangement is the unit: one Document per arrangement version, one stored Documentversie per state
(certified, then after each signature), and a Documentgebeurtenis for every generation and download.
"""

import logging
from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking import audit, taken, toegang, tweestaps
from samenwerking.historie import save_tracked as _save
from samenwerking.organisaties import vertegenwoordigt

from . import documentopslag, signing, workflow
from . import pdf as renderer  # as a module: `pdf` names the bytes below
from .models import (
    Arrangement,
    Document,
    Documentgebeurtenis,
    Documentversie,
    Handtekening,
    Mandaat,
    Ondertekeningssleutel,
    Partij,
    Status,
)

logger = logging.getLogger(__name__)

# tasks.render_document, started by name: its body calls render_and_certify here (samenwerking.taken).
RENDER_TASK = "arrangementen.tasks.render_document"
# tasks.announce_signing: the "uw beurt" and "ondertekend" mails after the PDF is ready and after each signature.
ANNOUNCE_TASK = "arrangementen.tasks.announce_signing"


class SigningRefused(ValidationError):
    """A signature refused by the rules (password, state, order, already signed), not a failure of the system;
    `code` is "al_getekend" when the partij has signed already."""


def reference_for(arrangement: Arrangement) -> str:
    return f"HA-{arrangement.driehoek_id:04d}-{arrangement.pk:06d}-v{arrangement.versie}"


@transaction.atomic
def request_document(*, arrangement: Arrangement, user, met_contactbijlage: bool = False,
                     volgorde: str = Document.Volgorde.VOLGORDELIJK) -> Document:
    """Start (or restart after a failure) the PDF of a vastgesteld arrangement; rendering runs in a task. The
    secretaris chooses whether the partijen sign one after another or in any order."""
    locked = Arrangement.objects.select_for_update().select_related("driehoek").get(pk=arrangement.pk)
    toegang.require(user, locked, permission=toegang.EXPORT,
                    refusal=_("U mag in deze driehoek geen documenten maken of downloaden."))
    if locked.status != Status.VASTGESTELD:
        raise ValidationError(_("Een PDF voor ondertekening kan pas worden gemaakt als het arrangement is "
                                "vastgesteld (nu: %(status)s).") % {"status": locked.get_status_display()})
    if volgorde not in Document.Volgorde.values:
        raise ValidationError({"volgorde": _("Kies of de partijen na elkaar of tegelijk tekenen.")})
    document = Document.objects.select_for_update().filter(arrangement=locked).first()
    if document is None:
        document = _save(Document(arrangement=locked, referentie=reference_for(locked),
                                  met_contactbijlage=met_contactbijlage, volgorde=volgorde,
                                  aangevraagd_door=user), user)
    elif document.status == Document.Status.MISLUKT:
        document.status, document.fout, document.volgorde = Document.Status.WACHTEND, "", volgorde
        document.aangevraagd_door, document.aangevraagd_op = user, timezone.now()
        _save(document, user)
    else:
        return document  # already waiting, busy or done: exactly one document per version
    transaction.on_commit(lambda: taken.start(name=RENDER_TASK, args=(document.pk,)))
    return document


class TransientRenderError(Exception):
    """A failure worth retrying (e.g. the storage was briefly unavailable)."""


def render_and_certify(document_id: int) -> bool:
    """The task's work. Idempotent: a document that is already done is left alone, and a rerun after a
    crash replaces nothing that was committed. Returns True when a PDF was produced now."""
    with transaction.atomic():
        document = Document.objects.select_for_update().select_related("arrangement").get(pk=document_id)
        if document.status == Document.Status.GEREED:
            return False
        document.status = Document.Status.BEZIG
        _save(document, document.aangevraagd_door)
    arrangement = document.arrangement
    try:
        try:
            pdf, velden = renderer.render_arrangement(document)
        except renderer.PdfTeGroot as error:  # too large or too slow: the user reads why, in Dutch; no retry helps
            _fail(document_id, str(error))
            return False
        pdf = signing.certify(
            pdf, velden,
            reason=_("Vastgesteld door de %(driehoek)s op %(datum)s") % {
                "driehoek": arrangement.driehoek.naam,
                "datum": arrangement.vastgesteld_op.strftime("%d-%m-%Y") if arrangement.vastgesteld_op else "-"},
        )
    except OSError as error:
        raise TransientRenderError(str(error)) from error
    except signing.KeyMaterialError as error:
        _fail(document_id, str(error))
        return False
    except Exception:  # noqa: BLE001 - recorded for the user, and logged for the beheerder
        logger.exception("PDF van document %s mislukt", document_id)
        _fail(document_id, _("Het maken van de PDF is mislukt door een fout in de applicatie. De beheerder kan "
                             "in het applicatielog zien wat er misging; probeer het later opnieuw."))
        return False
    with documentopslag.atomic_with_files() as files:
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.status == Document.Status.GEREED:
            return False
        versie = documentopslag.store_version(document, pdf, 1, _("Gecertificeerd door het platform"),
                                              document.aangevraagd_door, files)
        document.status, document.fout = Document.Status.GEREED, ""
        _save(document, document.aangevraagd_door)
        _save(Documentgebeurtenis(document=document, soort=Documentgebeurtenis.Soort.GENERATIE,
                                  door=document.aangevraagd_door, documentversie=versie, sha256=versie.sha256),
              document.aangevraagd_door)
        audit.record(audit.Gebeurtenis.PDF_GEMAAKT, gebruiker=document.aangevraagd_door, obj=document,
                     details={"versie": versie.volgnummer, "sha256": versie.sha256})
        transaction.on_commit(lambda: taken.start(name=ANNOUNCE_TASK, args=(document_id,)))
    return True


def _fail(document_id: int, reason: str):
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        document.status, document.fout = Document.Status.MISLUKT, reason
        _save(document, document.aangevraagd_door)
        audit.record(audit.Gebeurtenis.PDF_GEMAAKT, gebruiker=document.aangevraagd_door, obj=document,
                     resultaat=audit.Resultaat.MISLUKT, details={"fout": reason})


def latest_version(document: Document) -> Documentversie | None:
    return document.versies.order_by("-volgnummer").first()


def active_mandates(user, day=None):
    day = day or timezone.localdate()
    return Mandaat.objects.filter(gemachtigde=user, geldig_van__lte=day, geldig_tot__gte=day).select_related(
        "volmachtgever", "volmachtgever__organisatie")


@dataclass
class Tekenoptie:
    partij: Partij
    namens: object  # the user signed for under a mandate, or None


def acting_for(user, partij: Partij, *, mandaten=None) -> Tekenoptie | None:
    """Whether and how this user acts for this partij: for their own organisation (a basisteam's people act for
    its eenheid), under a mandate of someone who does, or not at all (None). Signing and opzeggen both ask;
    `mandaten`: the user's active_mandates, when already read."""
    if vertegenwoordigt(eigen=user.organisatie, partij=partij.organisatie):
        return Tekenoptie(partij, None)
    for mandaat in active_mandates(user) if mandaten is None else mandaten:
        if vertegenwoordigt(eigen=mandaat.volmachtgever.organisatie, partij=partij.organisatie):
            return Tekenoptie(partij, mandaat.volmachtgever)
    return None


def signing_options(user, document: Document) -> list[Tekenoptie]:
    """The unsigned fields this user may sign: those of a partij they act for (acting_for)."""
    signed = set(document.handtekeningen.values_list("partij_id", flat=True))
    options = []
    for partij in document.arrangement.partijen.select_related("organisatie").order_by("volgorde", "pk"):
        if partij.pk not in signed and (option := acting_for(user, partij)) is not None:
            options.append(option)
    return options


def sign_document(*, document: Document, partij: Partij, user, password: str, code: str, location: str = "",
                  expected_sha256: str | None = None, request=None) -> Handtekening:
    """One party signs, after re-entering their password and a fresh second-factor code. In partij order; once
    per party; only when vastgesteld; with the organisation's key. All or nothing: the signed file is written
    only after its rows were stored, and removed again if they are not committed.

    The password and the code are checked here, so no caller can skip them, and before the signing transaction
    opens: a wrong password counts towards the login lockout and a wrong code towards django-otp's growing wait,
    and those counters must outlive a rollback (call this outside any transaction, as the views do).

    Concurrent attempts for one document wait on its row lock, so exactly one signs a partij; the unique
    constraint on (document, partij) is the backstop. Every refusal and failure is in the security log,
    written after the signing transaction was rolled back.
    """
    confirm_signer(document=document, partij=partij, user=user, password=password, code=code, request=request)
    try:
        with documentopslag.atomic_with_files() as files:
            return _sign_locked(document=document, partij=partij, user=user, location=location, files=files,
                                expected_sha256=expected_sha256)
    except (SigningRefused, PermissionDenied) as error:
        reden = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        audit.record_refusal(audit.Gebeurtenis.ONDERTEKEND, request=request, gebruiker=user, obj=document,
                             reden=reden, details={"partij": partij.pk})
        raise
    except ValidationError as error:
        audit.record(audit.Gebeurtenis.ONDERTEKEND, request=request, gebruiker=user, obj=document,
                     resultaat=audit.Resultaat.MISLUKT, details={"partij": partij.pk, "fout": error.messages})
        raise
    except (DatabaseError, OSError) as error:  # the database or the storage failed: nothing was kept
        logger.exception("Handtekening voor document %s, partij %s niet vastgelegd", document.pk, partij.pk)
        if _has_signed(document, partij):  # the constraint caught a concurrent signature
            refused = SigningRefused(_("Voor %(partij)s is al getekend.") % {"partij": partij.organisatie},
                                     code="al_getekend")
            audit.record_refusal(audit.Gebeurtenis.ONDERTEKEND, request=request, gebruiker=user, obj=document,
                                 reden=" ".join(refused.messages), details={"partij": partij.pk})
            raise refused from error
        audit.record(audit.Gebeurtenis.ONDERTEKEND, request=request, gebruiker=user, obj=document,
                     resultaat=audit.Resultaat.MISLUKT, details={"partij": partij.pk, "fout": "database"})
        raise ValidationError(_("De handtekening kon niet worden vastgelegd; er is niets ondertekend. Probeer het "
                                "opnieuw, en meld het aan de beheerder als dit blijft gebeuren."),
                              code="mislukt") from error


def _refuse(error: Exception, *, document: Document, partij: Partij, user, request, reden: str):
    audit.record_refusal(audit.Gebeurtenis.ONDERTEKEND, request=request, gebruiker=user, obj=document, reden=reden,
                         details={"partij": partij.pk, "fout": [reden]})
    raise error


def confirm_signer(*, document: Document, partij: Partij, user, password: str, code: str, request) -> None:
    """The signatory's right, then the password (a wrong one must not use up the code), then the second factor
    again whatever the session says; each refusal in the security log, each outside the signing transaction.
    `document`: anything signed for an arrangement's partij (also a geweldsadvies, adviesondertekening.py)."""
    try:
        toegang.require(user, document.arrangement, permission=toegang.SIGN,
                        refusal=_("U bent in deze driehoek geen ondertekenaar."))
    except PermissionDenied as error:
        _refuse(error, document=document, partij=partij, user=user, request=request, reden=str(error))
    # With the request, a wrong password here counts towards the login lockout like any other.
    if authenticate(request, username=user.get_username(), password=password) is None:
        refused = SigningRefused({"wachtwoord": _("Het wachtwoord klopt niet. Uw handtekening is niet gezet.")})
        _refuse(refused, document=document, partij=partij, user=user, request=request, reden="wachtwoord onjuist")
    uitkomst = tweestaps.check_code(user, code)
    if not uitkomst.gelukt:
        refused = SigningRefused({"verificatiecode": uitkomst.melding})
        _refuse(refused, document=document, partij=partij, user=user, request=request, reden=str(uitkomst.melding))


def _has_signed(document: Document, partij: Partij) -> bool:
    try:
        return Handtekening.objects.filter(document_id=document.pk, partij_id=partij.pk).exists()
    except DatabaseError:
        return False


def _sign_locked(*, document: Document, partij: Partij, user, location: str, files: list,
                 expected_sha256: str | None) -> Handtekening:
    document = Document.objects.select_for_update().select_related("arrangement", "arrangement__driehoek").get(
        pk=document.pk)
    arrangement = document.arrangement
    option, signed = _check_turn(document=document, partij=partij, user=user)
    current = latest_version(document)
    # The signer saw this version's SHA-256 on the page; a version stored since then is not what they read.
    if expected_sha256 is not None and expected_sha256 != current.sha256:
        raise SigningRefused(_("Het document is gewijzigd sinds u de pagina opende (nu versie %(versie)s). Bekijk "
                               "de nieuwe versie en teken opnieuw; er is niets ondertekend.")
                             % {"versie": current.volgnummer}, code="gewijzigd")
    signer = load_party_signer(partij)
    with current.bestand.open("rb") as handle:
        pdf = handle.read()
    aanvraag = signing.SignatureRequest(
        field=signing.field_name(partij), name=user.get_full_name() or user.get_username(),
        namens=(option.namens.get_full_name() or str(option.namens)) if option.namens is not None else "",
        function=partij.ondertekenaar_functie, organisation=str(partij.organisatie), location=location,
        reason=_("Ondertekend namens %(organisatie)s als %(functie)s") % {
            "organisatie": partij.organisatie, "functie": partij.ondertekenaar_functie},
    )
    name = aanvraag.signer_name
    # The document's parties (and its closing timestamp) share a still-valid revocation list (validatiegegevens).
    reuse_for = f"document:{document.pk}"
    signed_pdf = signing.sign(pdf, aanvraag, signer, reuse_for=reuse_for)
    remaining = arrangement.partijen.exclude(pk__in=signed | {partij.pk}).exists()
    if not remaining:
        signed_pdf = signing.document_timestamp(signed_pdf, reuse_for=reuse_for)
    versie = documentopslag.store_version(document, signed_pdf, current.volgnummer + 1,
                                          _("Ondertekend door %(naam)s voor %(organisatie)s") % {
                                              "naam": name, "organisatie": partij.organisatie}, user, files)
    handtekening = _save(Handtekening(document=document, partij=partij, veldnaam=signing.field_name(partij),
                                      ondertekenaar=user, namens=option.namens, documentversie=versie), user)
    _save(Documentgebeurtenis(document=document, soort=Documentgebeurtenis.Soort.ONDERTEKENING, door=user,
                              documentversie=versie, sha256=versie.sha256), user)
    audit.record(audit.Gebeurtenis.ONDERTEKEND, gebruiker=user, obj=document,
                 details={"partij": str(partij.organisatie), "namens": str(option.namens) if option.namens else None,
                          "versie": versie.volgnummer, "sha256": versie.sha256})
    if not remaining:
        workflow.perform(arrangement=arrangement, action="ondertekening_voltooien", user=user,
                         toelichting=_("Alle partijen hebben getekend."), as_system=True)
    transaction.on_commit(lambda: taken.start(name=ANNOUNCE_TASK, args=(document.pk,)))
    return handtekening


def _check_turn(*, document: Document, partij: Partij, user) -> tuple[Tekenoptie, set[int]]:
    """Under the document's lock: may this user sign for this partij now? Returns how, and who signed so far."""
    arrangement = document.arrangement
    # Asked again under the lock: a membership may have ended while the password was checked.
    toegang.require(user, arrangement, permission=toegang.SIGN,
                    refusal=_("U bent in deze driehoek geen ondertekenaar."))
    if arrangement.status != Status.VASTGESTELD:
        raise SigningRefused(_("Ondertekenen kan alleen als het arrangement is vastgesteld (nu: %(status)s).")
                             % {"status": arrangement.get_status_display()})
    if document.status != Document.Status.GEREED:
        raise SigningRefused(_("De PDF is nog niet klaar om te ondertekenen."))
    if partij.arrangement_id != arrangement.pk:
        raise SigningRefused(_("Deze partij hoort niet bij dit arrangement."))
    if document.handtekeningen.filter(partij=partij).exists():
        raise SigningRefused(_("Voor %(partij)s is al getekend.") % {"partij": partij.organisatie},
                             code="al_getekend")
    option = next((o for o in signing_options(user, document) if o.partij.pk == partij.pk), None)
    if option is None:
        raise PermissionDenied(_("U kunt niet tekenen voor %(partij)s: dat is niet uw organisatie en u heeft "
                                 "geen geldig mandaat.") % {"partij": partij.organisatie})
    signed = set(document.handtekeningen.values_list("partij_id", flat=True))
    if document.volgorde == Document.Volgorde.PARALLEL:
        return option, signed
    ordered = list(arrangement.partijen.select_related("organisatie").order_by("volgorde", "pk"))
    position = next(i for i, p in enumerate(ordered) if p.pk == partij.pk)
    waiting = [p for p in ordered[:position] if p.pk not in signed]
    if waiting:
        raise SigningRefused(_("Er wordt in volgorde getekend: eerst %(partij)s.")
                             % {"partij": ", ".join(str(p.organisatie) for p in waiting)})
    return option, signed


def load_party_signer(partij: Partij):
    """The partij's organisation's key, opened with its passphrase; a missing or broken key is a Dutch error."""
    key = Ondertekeningssleutel.objects.filter(organisatie_id=partij.organisatie_id).first()
    if key is None:
        raise ValidationError(_("Voor %(organisatie)s is geen ondertekeningssleutel ingesteld. Vraag de beheerder "
                                "om die toe te voegen; er is niets ondertekend.") % {"organisatie": partij.organisatie})
    try:
        with key.pkcs12.open("rb") as handle:
            return signing.load_signer(handle.read(), key.wachtwoord_bron)
    except (OSError, signing.KeyMaterialError) as error:
        raise ValidationError(_("De ondertekeningssleutel van %(organisatie)s is niet bruikbaar: %(fout)s Vraag de "
                                "beheerder dit te herstellen; er is niets ondertekend.")
                              % {"organisatie": partij.organisatie, "fout": error}) from error


def record_download(*, versie: Documentversie, user):
    """Open a version for download (arrangementen.selectors.downloadable_version chose it) and record who took
    it; returns the open file. The file is opened first, so a download is only recorded when there is something
    to hand over."""
    document = versie.document
    toegang.require(user, document.arrangement, permission=toegang.EXPORT,
                    refusal=_("U mag in deze driehoek geen documenten downloaden."))
    try:
        handle = versie.bestand.open("rb")
    except OSError as error:
        logger.error("PDF-bestand van %s #%s ontbreekt: %s", document.referentie, versie.volgnummer, error)
        raise ValidationError(_("Het PDF-bestand is niet beschikbaar. Meld dit aan de beheerder.")) from error
    _save(Documentgebeurtenis(document=document, soort=Documentgebeurtenis.Soort.DOWNLOAD, door=user,
                              documentversie=versie, sha256=versie.sha256), user)
    audit.record(audit.Gebeurtenis.PDF_GEDOWNLOAD, gebruiker=user, obj=document,
                 details={"versie": versie.volgnummer, "sha256": versie.sha256})
    return handle


def find_version(digest: str) -> Documentversie | None:
    return Documentversie.objects.select_related("document", "document__arrangement",
                                                 "document__arrangement__driehoek").filter(sha256=digest).first()


def save_signing_key(*, key: Ondertekeningssleutel, pkcs12: bytes | None, user) -> Ondertekeningssleutel:
    """Check that the key opens with its passphrase source before storing it; a beheerder gets the reason."""
    data = pkcs12
    if data is None and key.pkcs12:
        with key.pkcs12.open("rb") as handle:
            data = handle.read()
    if not data:
        raise ValidationError({"pkcs12": _("Kies een PKCS#12-bestand (.p12 of .pfx).")})
    try:
        key.certificaat_onderwerp, key.geldig_tot = signing.describe_certificate(data, key.wachtwoord_bron)
    except signing.KeyMaterialError as error:
        raise ValidationError({"wachtwoord_bron": str(error)}) from error
    return _save(key, user)

