"""The verification report in words a lay reader understands: which document it is, one verdict per signature
and one overall, whether every party has signed, whether a newer version exists, and whether the file stays
verifiable after its certificates expire.

handtekeningcontrole.verify says what the file holds; this module adds what the application knows about it. What
it knows is shown only for a file that is byte for byte a stored version: whoever holds that file already reads the
title, the reference and the signers on its pages. For any other file, the names come from the file's own
certificates, never from the database.
"""

from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import handtekeningcontrole, opzeggen, publicatie, signing
from .models import Adviesondertekening, Arrangement, Documentversie, Geweldsadvies, Handtekening, Status

# The overall verdicts, from worst to best; the template styles each.
GEWIJZIGD, ONGELDIG, ALLEEN_GECERTIFICEERD, DEELS, GELDIG = (
    "gewijzigd", "ongeldig", "alleen_gecertificeerd", "deels", "geldig")


@dataclass
class Regel:
    """One signature, timestamp or still empty field, as a sentence."""

    wie: str
    wanneer: str
    oordeel: str
    in_orde: bool | None  # None: not signed yet


@dataclass
class Uitslag:
    soort: str
    kop: str
    tekst: str
    document: dict | None = None  # titel, versie, referentie, bestandsversie of a known file
    nieuwere: list[str] = field(default_factory=list)
    regels: list[Regel] = field(default_factory=list)
    langdurig: str = ""
    opzegging: str = ""  # the notice given of the arrangement since (not in the file: the PDF is never altered)


def _when(moment) -> str:
    if not moment:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "j F Y, H:i")


def _signature_verdict(signature: handtekeningcontrole.SignatureReport) -> str:
    if signature.coverage == "ONBEKEND":
        return signature.details
    if not signature.intact:
        return _("Niet in orde: wat deze handtekening ondertekent, is na het tekenen gewijzigd.")
    if not signature.valid:
        return _("Niet in orde: de handtekening zelf klopt niet.")
    if not signature.trusted:
        return _("Niet in orde: gezet met een certificaat van een uitgever die wij niet vertrouwen.")
    if signature.after == "ongeoorloofd":
        return _("Niet in orde: na deze handtekening is het bestand gewijzigd op een manier die niet is toegestaan.")
    if signature.after == "toegestaan":
        return _("In orde: echt; daarna zijn alleen handtekeningen of tijdstempels toegevoegd.")
    return _("In orde: echt, en het bestand is daarna niet meer gewijzigd.")


def _from_certificate(signature: handtekeningcontrole.SignatureReport) -> str:
    """The signer in plain words from the file itself: the name it carries and the certificate's organisation."""
    if signature.timestamp:
        return _("Tijdstempel van %(uitgever)s") % {"uitgever": signature.organisation or signature.common_name}
    if signature.certification:
        return _("%(platform)s (certificering door het platform)") % {
            "platform": signature.organisation or signature.common_name}
    name = signature.signer or signature.common_name
    if signature.organisation and signature.organisation != name:
        return f"{name}, {signature.organisation}"
    return name or _("onbekende ondertekenaar")


def _from_record(handtekening: Handtekening | Adviesondertekening) -> str:
    name = handtekening.ondertekenaar.get_full_name() or handtekening.ondertekenaar.get_username()
    if handtekening.namens_id:
        name = _("%(naam)s namens %(namens)s") % {
            "naam": name, "namens": handtekening.namens.get_full_name() or handtekening.namens.get_username()}
    partij = handtekening.partij
    return ", ".join(part for part in (name, partij.ondertekenaar_functie, str(partij.organisatie)) if part)


def _overall(report: handtekeningcontrole.VerificationReport) -> tuple[str, str, str]:
    signatures = report.signatures
    if any(not s.intact or s.after == "ongeoorloofd" for s in signatures):
        return GEWIJZIGD, _("Niet geldig"), _(
            "dit bestand is gewijzigd nadat het werd ondertekend. Vertrouw de inhoud niet; vraag de afzender om "
            "het oorspronkelijke bestand.")
    if not report.all_valid:
        return ONGELDIG, _("Niet geldig"), _(
            "ten minste één handtekening is niet echt of niet gezet met een certificaat dat wij vertrouwen.")
    total, signed = len(report.party_fields), len(report.party_signatures)
    if total == 0:  # no fields for parties: a document only the platform signs, such as a geweldsmiddelen advice
        return GELDIG, _("Geldig"), _(
            "gecertificeerd door het platform; dit document heeft geen handtekeningvelden voor partijen. De "
            "handtekening is echt en het bestand is daarna niet gewijzigd.")
    if signed == 0:
        return ALLEEN_GECERTIFICEERD, _("Nog niet ondertekend"), ngettext(
            "dit bestand is alleen gecertificeerd door het platform; de partij heeft nog niet getekend (0 van 1).",
            "dit bestand is alleen gecertificeerd door het platform; nog geen enkele partij heeft getekend "
            "(0 van %(totaal)d).", total) % {"totaal": total}
    if signed < total:
        return DEELS, _("Nog niet door alle partijen ondertekend"), _(
            "%(getekend)d van %(totaal)d. De handtekeningen die er staan zijn echt en het bestand is daarna niet "
            "gewijzigd.") % {"getekend": signed, "totaal": total}
    return GELDIG, _("Geldig"), ngettext(
        "ondertekend door de enige partij (1 van 1). De handtekening is echt en het bestand is na het "
        "ondertekenen niet gewijzigd.",
        "ondertekend door alle partijen (%(totaal)d van %(totaal)d). Alle handtekeningen zijn echt en het "
        "bestand is na het ondertekenen niet gewijzigd.", total) % {"totaal": total}


def _long_term(report: handtekeningcontrole.VerificationReport) -> str:
    if report.long_term:
        return _("Langdurig verifieerbaar: ja. Alles wat nodig is om de handtekeningen te controleren (de "
                 "certificaten en de lijsten van ingetrokken certificaten) zit in het bestand, en een tijdstempel "
                 "van %(datum)s legt vast dat het bestand toen zo bestond. Ook als de certificaten verlopen zijn, "
                 "blijft te controleren dat de handtekeningen geldig waren.") % {"datum": _when(report.long_term_at)}
    if report.long_term_reason == "ongeldig":
        return _("Langdurig verifieerbaar: nee. De handtekeningen zijn nu al niet in orde.")
    if report.long_term_reason == "geen tijdstempel":
        return _("Langdurig verifieerbaar: nee. Het bestand heeft (nog) geen afsluitend tijdstempel; zonder dat "
                 "zijn de handtekeningen alleen te controleren zolang de certificaten geldig zijn.")
    return _("Langdurig verifieerbaar: nee. Niet alles wat nodig is om de handtekeningen later nog te "
             "controleren (de certificaten en de lijsten van ingetrokken certificaten) zit in het bestand; na het "
             "verlopen van de certificaten is de geldigheid dan niet meer vast te stellen.")


def _newer(versie: Documentversie) -> list[str]:
    """A later state of the same file, and a signed herziening of the arrangement (the newest of the chain)."""
    lines = []
    latest = versie.document.versies.order_by("-volgnummer").first()
    if latest and latest.volgnummer > versie.volgnummer:
        lines.append(_("Let op: er is een nieuwere versie: versie %(nummer)d van het bestand (%(omschrijving)s).")
                     % {"nummer": latest.volgnummer, "omschrijving": latest.omschrijving})
    herziening, signed = versie.document.arrangement, None
    for _step in range(100):  # a chain of herzieningen; bounded, as every loop over stored links should be
        herziening = Arrangement.objects.filter(vorige_versie=herziening).only("pk", "versie", "status").first()
        if herziening is None:
            break
        if herziening.status == Status.ONDERTEKEND:
            signed = herziening
    if signed is not None:
        lines.append(_("Let op: er is een nieuwere versie: versie %(versie)d van het arrangement, ondertekend door "
                       "alle partijen. Die vervangt deze versie.") % {"versie": signed.versie})
    return lines


def _notice(arrangement: Arrangement) -> str:
    opzegging = opzeggen.opzegging_of(arrangement)
    if opzegging is None:
        return ""
    return _("Let op: dit arrangement is opgezegd door %(naam)s namens %(partij)s op %(datum)s, per %(ingang)s. "
             "Dat staat niet in het bestand: een ondertekende PDF wordt nooit gewijzigd.") % {
        "naam": opzegging.door.get_full_name() or opzegging.door.get_username(),
        "partij": opzegging.partij.organisatie, "datum": opzeggen.long_date(timezone.localdate(opzegging.gedaan_op)),
        "ingang": opzeggen.long_date(opzegging.ingangsdatum)}


def _advice(uitslag: Uitslag, advies: Geweldsadvies, staat: Adviesondertekening | None) -> tuple[dict, dict]:
    """A stored state of a geweldsmiddelen advice: what it is, and who signed it up to that state."""
    signed = list(advies.ondertekeningen.select_related("ondertekenaar", "namens", "partij__organisatie"))
    upto = signed[:signed.index(staat) + 1] if staat is not None else []
    uitslag.document = {
        "advies": True, "titel": _("Advies over geweldsmiddelen voor %(organisatie)s (%(domein)s)") % {
            "organisatie": advies.boa_organisatie, "domein": advies.get_domein_display()},
        "versie": advies.arrangement_versie, "referentie": advies.referentie,
        "arrangement_referentie": advies.arrangement_referentie, "bestandsversie": len(upto) + 1,
        "omschrijving": _("ondertekend door %(partij)s") % {"partij": staat.partij.organisatie} if staat
        else _("gecertificeerd door het platform")}
    if len(signed) > len(upto):
        uitslag.nieuwere.append(_("Let op: er is een nieuwere versie van dit advies, met %(aantal)d handtekening(en) "
                                  "van partijen.") % {"aantal": len(signed)})
    partijen = {signing.field_name(p): p for p in advies.arrangement.partijen.select_related("organisatie")}
    return {o.veldnaam: o for o in upto}, partijen


def describe(*, report: handtekeningcontrole.VerificationReport, versie: Documentversie | None,
             advies: tuple[Geweldsadvies, Adviesondertekening | None] | None = None) -> Uitslag | None:
    """The report in words; None when the file could not be checked at all (report.error says why). `advies`: a
    stored state of a geweldsmiddelen advice (adviesondertekening.find_state), named like an arrangement."""
    if report.error or not report.signatures:
        return None
    soort, kop, tekst = _overall(report)
    uitslag = Uitslag(soort=soort, kop=kop, tekst=tekst, langdurig=_long_term(report))
    records, partijen = {}, {}
    if versie is None and advies is not None:
        records, partijen = _advice(uitslag, *advies)
    if versie is not None:
        arrangement = versie.document.arrangement
        uitslag.document = {
            "titel": arrangement.titel, "versie": arrangement.versie, "referentie": versie.document.referentie,
            "bestandsversie": versie.volgnummer, "omschrijving": versie.omschrijving,
            "cvdr": arrangement.cvdr_referentie, "cvdr_link": publicatie.cvdr_link(arrangement.cvdr_referentie),
        }
        uitslag.nieuwere = _newer(versie)
        uitslag.opzegging = _notice(arrangement)
        records = {h.veldnaam: h for h in Handtekening.objects.filter(
            document=versie.document, documentversie__volgnummer__lte=versie.volgnummer,
        ).select_related("ondertekenaar", "namens", "partij__organisatie")}
        partijen = {signing.field_name(p): p for p in arrangement.partijen.select_related("organisatie")}
    for signature in report.signatures:
        record = records.get(signature.field)
        uitslag.regels.append(Regel(
            wie=_from_record(record) if record else _from_certificate(signature),
            wanneer=_when(signature.signed_at), oordeel=_signature_verdict(signature), in_orde=signature.ok))
    for name in report.unsigned_fields:
        partij = partijen.get(name)
        uitslag.regels.append(Regel(
            wie=str(partij.organisatie) if partij else _("Handtekeningveld ‘%(naam)s’") % {"naam": name}, wanneer="",
            oordeel=_("Nog niet getekend."), in_orde=None))
    return uitslag
