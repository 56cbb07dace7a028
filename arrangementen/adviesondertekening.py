"""Party signatures on the driehoek's advice on geweldsmiddelen (issue 20, item 3).

When the secretaris asks for them, the platform-certified PDF carries one empty signature field per partij of the
arrangement, and each partij's ondertekenaar signs it the way they sign the arrangement itself: the same right
(SIGN), the same capacity rules (documenten.acting_for: own organisation or a mandate), password and a fresh second
factor (documenten.confirm_signer), the organisation's key (documenten.load_party_signer) and the same incremental
PAdES signature (signing.sign). The partijen sign in any order; the advice is "ondertekend" when every one has.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking import audit, toegang
from samenwerking.historie import save_tracked

from . import adviesmails, documenten, documentopslag, signing
from . import pdf as renderer
from .models import Adviesondertekening, Geweldsadvies, Partij

logger = logging.getLogger(__name__)

# The id prefix of each signature box in templates/arrangementen/geweldsadvies_pdf.html.
FIELD_ANCHOR = "adviesveld-"


class AdviesSigningRefused(ValidationError):
    """A signature refused by the rules (state, already signed, changed file); nothing was written."""


def partijen_of(advies: Geweldsadvies) -> list[Partij]:
    """The partijen who sign the advice: those of the arrangement it rests on, in their order."""
    return list(advies.arrangement.partijen.select_related("organisatie").order_by("volgorde", "pk"))


def render(advies: Geweldsadvies, html: str) -> tuple[bytes, list[signing.Veld]]:
    """The rendered advice and, when the partijen sign too, one empty field per partij where the layout put it."""
    if not advies.met_partijen:
        return renderer.render_pdf(html, identifier=advies.referentie), []
    opgemaakt = renderer.render_document(html, identifier=advies.referentie, anchor_prefix=FIELD_ANCHOR)
    velden = [signing.Veld(naam=signing.field_name(partij), pagina=opgemaakt.plekken[f"{FIELD_ANCHOR}{partij.pk}"][0],
                           box=opgemaakt.plekken[f"{FIELD_ANCHOR}{partij.pk}"][1]) for partij in partijen_of(advies)]
    return opgemaakt.pdf, velden


def latest_state(advies: Geweldsadvies):
    """(file, SHA-256) of the newest state of the advice's PDF: after the last signature, else as certified."""
    last = advies.ondertekeningen.order_by("-getekend_op", "-pk").first()
    return (last.bestand, last.sha256) if last else (advies.bestand, advies.sha256)


def per_partij(advies: Geweldsadvies) -> list[tuple[Partij, Adviesondertekening | None]]:
    """Every partij with its signature, or None while it has not signed."""
    signed = {o.partij_id: o for o in advies.ondertekeningen.select_related("ondertekenaar", "namens")}
    return [(partij, signed.get(partij.pk)) for partij in partijen_of(advies)]


def with_signatures(arrangement, adviezen: list[Geweldsadvies], *, signer=None) -> list[Geweldsadvies]:
    """The arrangement page's list: each advice gets `per_partij` (as per_partij()) and `kan_tekenen` (whether
    `signer`, a signatory of the driehoek, has a field left to sign), in a fixed number of queries for all."""
    signing = [a for a in adviezen if a.met_partijen]
    partijen = list(arrangement.partijen.select_related("organisatie").order_by("volgorde", "pk")) if signing else []
    rows = Adviesondertekening.objects.filter(advies__in=signing).select_related("ondertekenaar", "namens")
    signed = {(o.advies_id, o.partij_id): o for o in rows} if signing else {}
    mine = set()
    if signer is not None and partijen:
        mandaten = list(documenten.active_mandates(signer))
        mine = {p.pk for p in partijen if documenten.acting_for(signer, p, mandaten=mandaten) is not None}
    for advies in adviezen:
        advies.per_partij = [(p, signed.get((advies.pk, p.pk))) for p in partijen] if advies.met_partijen else []
        advies.kan_tekenen = advies.status == Geweldsadvies.Status.GEREED and any(
            o is None and p.pk in mine for p, o in advies.per_partij)
    return adviezen


def signing_options(user, advies: Geweldsadvies) -> list[documenten.Tekenoptie]:
    """The unsigned fields of the advice this user may sign (documenten.acting_for, as for the arrangement)."""
    if not advies.met_partijen or advies.status != Geweldsadvies.Status.GEREED:
        return []
    signed = set(advies.ondertekeningen.values_list("partij_id", flat=True))
    mandaten = list(documenten.active_mandates(user))
    return [option for partij in partijen_of(advies) if partij.pk not in signed
            and (option := documenten.acting_for(user, partij, mandaten=mandaten)) is not None]


def sign_advies(*, advies: Geweldsadvies, partij: Partij, user, password: str, code: str, location: str = "",
                expected_sha256: str | None = None, request=None) -> Adviesondertekening:
    """One partij signs the advice, after its password and a fresh second-factor code (checked outside the
    transaction, as for the arrangement, so the lockout counters survive a rollback). All or nothing: the file is
    written only after its row was stored. Every refusal is in the security log."""
    documenten.confirm_signer(document=advies, partij=partij, user=user, password=password, code=code,
                              request=request)
    try:
        with documentopslag.atomic_with_files() as files:
            return _sign_locked(advies=advies, partij=partij, user=user, location=location, files=files,
                                expected_sha256=expected_sha256)
    except (AdviesSigningRefused, PermissionDenied) as error:
        reden = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        audit.record_refusal(audit.Gebeurtenis.ONDERTEKEND, request=request, gebruiker=user, obj=advies,
                             reden=reden, details={"partij": partij.pk, "geweldsadvies": advies.referentie})
        raise
    except (DatabaseError, OSError) as error:  # the database or the storage failed: nothing was kept
        logger.exception("Handtekening voor advies %s, partij %s niet vastgelegd", advies.pk, partij.pk)
        if Adviesondertekening.objects.filter(advies_id=advies.pk, partij_id=partij.pk).exists():
            raise AdviesSigningRefused(_("Voor %(partij)s is dit advies al ondertekend.")
                                       % {"partij": partij.organisatie}, code="al_getekend") from error
        raise ValidationError(_("De handtekening kon niet worden vastgelegd; er is niets ondertekend. Probeer het "
                                "opnieuw, en meld het aan de beheerder als dit blijft gebeuren."),
                              code="mislukt") from error


def _check(*, advies: Geweldsadvies, partij: Partij, user) -> documenten.Tekenoptie:
    """Under the advice's lock: may this user sign for this partij now? Returns how (own or by mandate)."""
    toegang.require(user, advies.arrangement, permission=toegang.SIGN,
                    refusal=_("U bent in deze driehoek geen ondertekenaar."))
    if not advies.met_partijen:
        raise AdviesSigningRefused(_("Dit advies wordt alleen door het platform ondertekend; de partijen tekenen "
                                     "het niet."))
    if advies.status != Geweldsadvies.Status.GEREED:
        raise AdviesSigningRefused(_("De PDF van dit advies is nog niet klaar om te ondertekenen."))
    if partij.arrangement_id != advies.arrangement_id:
        raise AdviesSigningRefused(_("Deze partij hoort niet bij het arrangement van dit advies."))
    if advies.ondertekeningen.filter(partij=partij).exists():
        raise AdviesSigningRefused(_("Voor %(partij)s is dit advies al ondertekend.") % {"partij": partij.organisatie},
                                   code="al_getekend")
    option = documenten.acting_for(user, partij)
    if option is None:
        raise PermissionDenied(_("U kunt niet tekenen voor %(partij)s: dat is niet uw organisatie en u heeft "
                                 "geen geldig mandaat.") % {"partij": partij.organisatie})
    return option


def _sign_locked(*, advies: Geweldsadvies, partij: Partij, user, location: str, files: list,
                 expected_sha256: str | None) -> Adviesondertekening:
    advies = Geweldsadvies.objects.select_for_update().select_related("arrangement__driehoek").get(pk=advies.pk)
    option = _check(advies=advies, partij=partij, user=user)
    bestand, current = latest_state(advies)
    # The signer saw this state's SHA-256 on the page; a signature stored since then is not what they read.
    if expected_sha256 is not None and expected_sha256 != current:
        raise AdviesSigningRefused(_("Het advies is gewijzigd sinds u de pagina opende: er is intussen getekend. "
                                     "Bekijk de nieuwe versie en teken opnieuw; er is niets ondertekend."),
                                   code="gewijzigd")
    signer = documenten.load_party_signer(partij)
    with bestand.open("rb") as handle:
        pdf = handle.read()
    aanvraag = signing.SignatureRequest(
        field=signing.field_name(partij), name=user.get_full_name() or user.get_username(),
        namens=(option.namens.get_full_name() or str(option.namens)) if option.namens is not None else "",
        function=partij.ondertekenaar_functie, organisation=str(partij.organisatie), location=location,
        reason=_("Advies over geweldsmiddelen ondertekend namens %(organisatie)s als %(functie)s") % {
            "organisatie": partij.organisatie, "functie": partij.ondertekenaar_functie})
    signed_pdf = signing.sign(pdf, aanvraag, signer, reuse_for=f"advies:{advies.pk}")
    remaining = advies.arrangement.partijen.exclude(
        pk__in={*advies.ondertekeningen.values_list("partij_id", flat=True), partij.pk}).exists()
    if not remaining:
        signed_pdf = signing.document_timestamp(signed_pdf, reuse_for=f"advies:{advies.pk}")
    ondertekening = Adviesondertekening(advies=advies, partij=partij, veldnaam=signing.field_name(partij),
                                        ondertekenaar=user, namens=option.namens,
                                        sha256=documentopslag.sha256(signed_pdf))
    field = ondertekening.bestand.field
    ondertekening.bestand.name = field.storage.get_available_name(
        field.generate_filename(ondertekening, f"{advies.referentie}-p{partij.pk}.pdf"), max_length=field.max_length)
    # The acting user is the history row's user; the reason names the partij (bounded: the column holds 100).
    reden = _("Advies ondertekend voor %(organisatie)s") % {"organisatie": partij.organisatie}
    save_tracked(ondertekening, user, reason=reden[:100])
    files.append((ondertekening.bestand.name, signed_pdf))
    # Also on the advice's own history, which the arrangement's history page reads (no extra query there).
    advies.aantal_handtekeningen = advies.ondertekeningen.count()
    if not remaining:
        advies.ondertekend_op = timezone.now()
        reden = _("Advies door alle partijen ondertekend, als laatste voor %(organisatie)s") % {
            "organisatie": partij.organisatie}
    save_tracked(advies, user, reason=reden[:100])
    audit.record(audit.Gebeurtenis.ONDERTEKEND, gebruiker=user, obj=advies,
                 details={"geweldsadvies": advies.referentie, "partij": str(partij.organisatie),
                          "namens": str(option.namens) if option.namens else None, "sha256": ondertekening.sha256})
    adviesmails.announce(advies=advies)
    return ondertekening


def find_state(digest: str) -> tuple[Geweldsadvies, Adviesondertekening | None] | None:
    """The advice whose PDF, in some stored state, has this SHA-256: (advice, the signature that made that state,
    or None for the platform's certified file); None when no advice has it."""
    ondertekening = (Adviesondertekening.objects.select_related("advies__arrangement__driehoek")
                     .filter(sha256=digest).first())
    if ondertekening is not None:
        return ondertekening.advies, ondertekening
    advies = Geweldsadvies.objects.select_related("arrangement__driehoek").filter(sha256=digest).first()
    return (advies, None) if advies is not None else None


@transaction.atomic
def announce_ready(advies_id: int) -> None:
    """After the certified PDF is stored: the partijen's turn mails, once each (adviesmails)."""
    advies = Geweldsadvies.objects.select_related("arrangement__driehoek").get(pk=advies_id)
    adviesmails.announce(advies=advies)
