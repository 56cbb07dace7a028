"""The national data set's part for the pages issue 19 added to `make bench`: the kennisbank (the practices loaded
next to the clause library), the data-sharing register (gegevensstromen of the signed arrangements) and an
arrangement detail with a signed PDF and a review decision per party.

Written in bulk like the rest of the data set (bench/national_basis._bulk, with the '+' history rows). What the
services would have added and no measured page reads is left out: the ontvangers' m2m history rows, and the
PDF's bytes (the detail page reads the document, version, signature and event rows, never the file — the signing
itself is measured in bench/pdf_pipeline.py).
"""

import datetime
import hashlib
from collections import defaultdict

from django.core.files.base import ContentFile
from django.utils import timezone

from bench.national_basis import BATCH, _bulk

# Two flows per signed arrangement: the police to the gemeente and back, on the grounds a real one names.
_STROMEN = (
    ("politie", "gemeente", "wpg-20", "Signalen over overlast en de betrokken adressen",
     "Gezamenlijke aanpak van overlast in de openbare ruimte"),
    ("gemeente", "politie", "bpg-boa", "Processen-verbaal en waarnemingen van BOA's",
     "Informatie-uitwisseling voor de inzet van politie en BOA's"),
)


def load_knowledge() -> int:
    """The kennisbank's practices, after the clause library they link to (laad_modelbibliotheek does the same)."""
    from arrangementen.praktijkvoorbeelden import load_praktijkvoorbeelden

    return load_praktijkvoorbeelden()


def _flows(log) -> int:
    from arrangementen.models import Arrangement, Gegevensstroom, Grondslag, Partij

    grounds = {g.code: g for g in Grondslag.objects.filter(code__in={s[2] for s in _STROMEN})}
    signed = list(Arrangement.objects.filter(status="ondertekend").values_list("pk", flat=True).order_by("pk"))
    parties = defaultdict(dict)  # arrangement pk -> organisation soort -> organisation pk (the first of each)
    for arrangement_id, organisatie_id, soort in (Partij.objects.filter(arrangement_id__in=signed)
                                                  .order_by("arrangement_id", "volgorde")
                                                  .values_list("arrangement_id", "organisatie_id",
                                                               "organisatie__soort")):
        parties[arrangement_id].setdefault(soort, organisatie_id)
    flows, receivers = [], []
    for pk in signed:
        for van, naar, code, categorieen, doel in _STROMEN:
            if van not in parties[pk] or naar not in parties[pk]:
                continue
            grond = grounds[code]
            flows.append(Gegevensstroom(
                arrangement_id=pk, verstrekker_id=parties[pk][van], categorieen=categorieen, doel=doel,
                grondslag=grond, kanaal="Beveiligde e-mail", frequentie="Wekelijks", bewaartermijn="Een jaar",
                zwaarwegend_algemeen_belang="Veiligheid in de openbare ruimte" if grond.vereist_artikel20_elementen
                else "", voorwaarden="Alleen voor de aanpak in dit arrangement" if grond.vereist_artikel20_elementen
                else "", beveiligingsafspraken="Versleuteld verzonden, toegang op naam"))
            receivers.append(parties[pk][naar])
    flows = _bulk(Gegevensstroom, flows)
    through = Gegevensstroom.ontvangers.through
    through.objects.bulk_create([through(gegevensstroom_id=flow.pk, organisatie_id=organisatie_id)
                                 for flow, organisatie_id in zip(flows, receivers, strict=True)], batch_size=BATCH)
    log(f"gegevensstromen ({len(flows)})")
    return len(flows)


def _signed_detail(bench_driehoeken, members, log) -> int:
    """One signed arrangement in force of the measured user's first driehoek (or the next with one): its document
    certified and signed by every party, each party's approval recorded for that party (by the driehoek's
    reviewers, signed by its ondertekenaars, as goedkeuring.py and signing would record them). Returns its pk."""
    from arrangementen.models import (
        Arrangement,
        Beoordeling,
        Document,
        Documentgebeurtenis,
        Documentversie,
        Handtekening,
    )

    # The first driehoek's; the small data set (`make bench-quick`) may have none in force there, so the next one's.
    arrangement = driehoek = None
    for driehoek in bench_driehoeken:
        arrangement = (Arrangement.objects.in_force_on(timezone.localdate()).filter(driehoek=driehoek)
                       .order_by("-versie", "pk").first())
        if arrangement:
            break
    if arrangement is None:
        raise SystemExit("De gegenereerde gegevens hebben geen arrangement in werking in de driehoeken van de "
                         "gemeten gebruiker.")
    partijen = list(arrangement.partijen.select_related("organisatie").order_by("volgorde"))
    reviewers, signers = members[driehoek.pk]["reviewer"], members[driehoek.pk]["ondertekenaar"]
    signed_at = arrangement.ondertekend_op or timezone.now()
    # The approvals lead up to the step to goedgekeurd, which the last party's approval makes.
    approved = arrangement.overgangen.filter(naar="goedgekeurd").order_by("-op").values_list("op", flat=True).first()
    approved = approved or signed_at - datetime.timedelta(days=20)
    _bulk(Beoordeling, [
        Beoordeling(arrangement=arrangement, beoordelaar=reviewers[i % len(reviewers)], besluit="goedgekeurd",
                    toelichting=f"Akkoord namens {partij.organisatie.naam}.", organisatie=partij.organisatie,
                    op=approved - datetime.timedelta(hours=len(partijen) - 1 - i))
        for i, partij in enumerate(partijen)])
    document = _bulk(Document, [Document(
        arrangement=arrangement, referentie=f"BENCH-{arrangement.pk}-V{arrangement.versie}",
        status=Document.Status.GEREED, aangevraagd_door=signers[0],
        aangevraagd_op=signed_at - datetime.timedelta(days=10))])[0]
    versies = []
    for i in range(len(partijen) + 1):
        content = f"%PDF-1.7 bench {arrangement.pk} versie {i + 1}\n".encode()
        versie = Documentversie(
            document=document, volgnummer=i + 1, sha256=hashlib.sha256(content).hexdigest(),
            omschrijving=f"Getekend namens {partijen[i - 1].organisatie.naam}" if i else "Gecertificeerd",
            aangemaakt_op=signed_at - datetime.timedelta(days=len(partijen) - i))
        versie.bestand.save(f"bench-{arrangement.pk}-{i + 1}.pdf", ContentFile(content), save=False)
        versies.append(versie)
    versies = _bulk(Documentversie, versies)
    _bulk(Handtekening, [Handtekening(document=document, partij=partij, veldnaam=f"Handtekening{i + 1}",
                                      ondertekenaar=signers[i % len(signers)], getekend_op=versie.aangemaakt_op,
                                      documentversie=versie)
                         for i, (partij, versie) in enumerate(zip(partijen, versies[1:], strict=True))])
    _bulk(Documentgebeurtenis, [Documentgebeurtenis(
        document=document, soort="ondertekening" if i else "generatie", door=signers[max(i - 1, 0) % len(signers)],
        op=versie.aangemaakt_op, documentversie=versie, sha256=versie.sha256) for i, versie in enumerate(versies)])
    log(f"ondertekend arrangement {arrangement.pk} met PDF en een beoordeling per partij")
    return arrangement.pk


def generate_extra(*, bench_driehoeken, members, log) -> dict:
    return {"gegevensstromen": _flows(log), "ondertekend_detail": _signed_detail(bench_driehoeken, members, log)}


def extra_pages(user, driehoeken) -> list[dict]:
    """The pages issue 19 added to the measurement, each with the content that proves it is the real page: the
    kennisbank searched, the data-sharing register of the user's first driehoek, and the signed arrangement."""
    from arrangementen import gegevensregister, kennisbank
    from arrangementen.models import Arrangement

    gevonden = kennisbank.search(tekst="jeugd").first()
    # The first driehoek's register; in the small data set (`make bench-quick`) the next one with a flow.
    register_van, stroom = driehoeken[0], None
    for register_van in driehoeken:
        if stroom := gegevensregister.register(user, driehoek=register_van).first():
            break
    getekend = (Arrangement.objects.filter(driehoek__in=driehoeken, document__status="gereed")
                .select_related("document").order_by("pk").first())
    if not (gevonden and stroom and getekend):
        raise SystemExit("De gegenereerde gegevens missen de kennisbank, de gegevensstromen of het ondertekende "
                         "arrangement.")
    laatste = getekend.partijen.select_related("organisatie").order_by("-volgorde").first()
    return [
        {"naam": "kennisbank: gezocht", "lijst": True, "pad": "/kennisbank/?tekst=jeugd", "bevat": gevonden.titel},
        {"naam": "gegevensdeling: register", "lijst": True, "pad": f"/gegevensdeling/driehoek/{register_van.pk}/",
         "bevat": stroom.arrangement.titel, "bevat_ook": [stroom.categorieen]},
        {"naam": "arrangement (ondertekend)", "pad": f"/arrangementen/{getekend.pk}/", "bevat": getekend.titel,
         "bevat_ook": [getekend.document.referentie, f"Akkoord namens {laatste.organisatie.naam}."]},
    ]
