"""One adopted demo arrangement in the first demo driehoek, walked through the real workflow."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenwerking import toegang
from samenwerking.models import Driehoek, Gebruiker, Organisatie

from . import documenten, gegevensstromen, geweldsmiddelen, goedkeuring, services, workflow
from .bibliotheek import load_grondslagen
from .models import Arrangement, Document, Grondslag, Ondertekeningssleutel
from .pki import create_test_pki

DEMO_TITEL = "Handhavingsarrangement basisteam BES"


@transaction.atomic
def create_demo_arrangement() -> Arrangement:
    driehoek = Driehoek.objects.get(naam="Basisteamdriehoek BES")
    existing = Arrangement.objects.filter(driehoek=driehoek, titel=DEMO_TITEL).first()
    if existing:
        return existing
    users = {u.username: u for u in Gebruiker.objects.filter(
        username__in=["coordinator", "teamchef", "secretaris"])}
    today = timezone.localdate()
    arrangement = services.create_arrangement(driehoek=driehoek, user=users["coordinator"], titel=DEMO_TITEL)
    services.update_arrangement(
        arrangement=arrangement, user=users["coordinator"], expected_version=arrangement.lock_version,
        data={
            "titel": DEMO_TITEL,
            "doel": "Politie en de gemeenten Baarn, Bunschoten, De Bilt, Eemnes en Soest leggen vast hoe "
                    "BOA's en het basisteam samenwerken in toezicht en handhaving.",
            "aanleiding": "De driehoek wil de samenwerking structureel en voor alle vijf gemeenten gelijk regelen.",
            "werkgebied": "De gemeenten Baarn, Bunschoten, De Bilt, Eemnes en Soest.",
            "toezichthouders": "",
            "geldig_van": today.replace(month=1, day=1),
            "geldig_tot": today.replace(month=12, day=31) + datetime.timedelta(days=365),
            "evaluatiedatum": today + datetime.timedelta(days=45),
            "opzegtermijn_maanden": 3,
        },
        inzet=[services.InzetRegel("I", 12, Decimal("9.5")), services.InzetRegel("II", 2, Decimal("1.5"))],
    )
    _add_demo_flows(arrangement, users["coordinator"])
    _add_demo_geweldsmiddelen(arrangement, users["coordinator"])
    workflow.perform(arrangement=arrangement, action="indienen", user=users["coordinator"])
    _approve_for_every_party(arrangement)
    workflow.perform(arrangement=arrangement, action="vaststellen", user=users["secretaris"],
                     vastgesteld_op=today, besluit_referentie="Driehoeksoverleg BES, agendapunt 4")
    arrangement.refresh_from_db()
    return arrangement


def _add_demo_geweldsmiddelen(arrangement: Arrangement, coordinator: Gebruiker) -> None:
    """The boa's of the first gemeente carry handboeien and a korte wapenstok in domein I (issue 20)."""
    werkgever = arrangement.partijen.filter(organisatie__soort=Organisatie.Soort.GEMEENTE).order_by("volgorde")[0]
    for middel in ("handboeien", "wapenstok"):
        arrangement.refresh_from_db()
        geweldsmiddelen.add_toekenning(
            arrangement=arrangement, user=coordinator, expected_version=arrangement.lock_version,
            gegevens=geweldsmiddelen.Toekenninggegevens(organisatie=werkgever.organisatie, domein="I",
                                                        geweldsmiddel=middel))
    arrangement.refresh_from_db()


def _add_demo_flows(arrangement: Arrangement, coordinator: Gebruiker) -> None:
    """Two data flows, so the register, the annex and the evaluation's questions per flow have something to show:
    police signals to the gemeenten (Wpg art. 16) and a structural exchange in the casusoverleg (Wpg art. 20)."""
    load_grondslagen()
    partijen = [p.organisatie for p in arrangement.partijen.select_related("organisatie").order_by("volgorde")]
    politie = next(o for o in partijen if o.soort == Organisatie.Soort.POLITIE)
    gemeenten = [o for o in partijen if o.soort == Organisatie.Soort.GEMEENTE]
    for gegevens in (
        gegevensstromen.Stroomgegevens(
            verstrekker=politie, ontvangers=gemeenten, grondslag=Grondslag.objects.get(code="wpg-16"),
            categorieen="Meldingen en signalen van overlast in de openbare ruimte (plaats, tijd, aard)",
            doel="Gerichte inzet van BOA's op de hotspots uit het veiligheidsbeeld", kanaal="Beveiligde e-mail",
            frequentie="Wekelijks", bewaartermijn="Zes maanden",
            beveiligingsafspraken="Alleen naar de BOA-coördinator"),
        gegevensstromen.Stroomgegevens(
            verstrekker=politie, ontvangers=gemeenten[:1], grondslag=Grondslag.objects.get(code="wpg-20"),
            categorieen="Persoonsgegevens van bewoners in het casusoverleg woonoverlast",
            doel="Een gezamenlijke aanpak per casus in het casusoverleg woonoverlast",
            zwaarwegend_algemeen_belang="Het voorkomen van escalatie van ernstige woonoverlast",
            voorwaarden="Alleen voor casussen die in het casusoverleg zijn ingebracht; geen verdere verstrekking",
            overige_ontvangers="Woningcorporatie (deelnemer casusoverleg)",
            toelichting_overige_ontvangers="Deelnemer aan het casusoverleg woonoverlast onder het convenant",
            kanaal="Casusoverleg", frequentie="Maandelijks", bewaartermijn="Tot een jaar na afsluiten van de casus"),
    ):
        arrangement.refresh_from_db()
        gegevensstromen.add_gegevensstroom(arrangement=arrangement, user=coordinator,
                                           expected_version=arrangement.lock_version, gegevens=gegevens)


def _approve_for_every_party(arrangement: Arrangement) -> None:
    """Each party that must approve does, through a demo reviewer of the driehoek who speaks for it; and the
    demo privacy adviser, when the arrangement shares data."""
    arrangement.refresh_from_db()
    members = list(toegang.active_members(arrangement.driehoek, permission=toegang.REVIEW)
                   .select_related("organisatie__basisteam").order_by("username"))
    reviewers = _in_capacity(members, arrangement, goedkeuring.PARTIJ)
    for partij in goedkeuring.required_partijen(arrangement):
        reviewer = next(u for u in reviewers if goedkeuring.party_of(u, [partij]) is not None)
        workflow.perform(arrangement=arrangement, action="goedkeuren", user=reviewer, bevestigd=True,
                         namens=goedkeuring.PARTIJ,
                         toelichting=_("Akkoord namens %(partij)s.") % {"partij": partij.organisatie})
        arrangement.refresh_from_db()
    if goedkeuring.privacy_required(arrangement):
        adviseur = _in_capacity(members, arrangement, goedkeuring.PRIVACY)[0]
        workflow.perform(arrangement=arrangement, action="goedkeuren", user=adviseur, bevestigd=True,
                         namens=goedkeuring.PRIVACY, toelichting=_("Akkoord als privacyadviseur."))
        arrangement.refresh_from_db()


def _in_capacity(members: list[Gebruiker], arrangement: Arrangement, hoedanigheid: str) -> list[Gebruiker]:
    return [u for u in members if hoedanigheid in goedkeuring.capacities_of(u, arrangement)]


def ensure_test_keys() -> None:
    """A TEST PKI under var/pki and a TEST signing key for every organisation someone signs for (embedded
    default only): one with people, or the eenheid of a basisteam with people (its teamchef signs for it)."""
    if not settings.SIGNING_TEST_PKI:
        return
    met_mensen = Organisatie.objects.filter(medewerkers__isnull=False)
    organisaties = list(Organisatie.objects.filter(
        Q(pk__in=met_mensen.values("pk"))
        | Q(soort=Organisatie.Soort.POLITIE, basisteam=None, eenheid__in=met_mensen.values("eenheid"))
    ).order_by("naam"))
    pki = create_test_pki(settings.VAR_DIR / "pki", {slugify(o.naam): o.naam for o in organisaties})
    for organisatie in organisaties:
        if Ondertekeningssleutel.objects.filter(organisatie=organisatie).exists():
            continue
        key = Ondertekeningssleutel(organisatie=organisatie, is_test=True,
                                    wachtwoord_bron=f"bestand:{pki.passphrase_file}")
        data = pki.p12(slugify(organisatie.naam)).read_bytes()
        key.pkcs12.save(f"test-{slugify(organisatie.naam)}.p12", ContentFile(data), save=False)
        documenten.save_signing_key(key=key, pkcs12=data, user=None)


# In the parties' order (signing is sequential): the gemeenten by name, then politie and OM.
DEMO_SIGNERS = ["burgemeester_baarn", "burgemeester_bunschoten", "burgemeester_debilt", "burgemeester_eemnes",
                "burgemeester", "teamchef", "officier"]


def _demo_code(user) -> str:
    """The code the demo user's authenticator app shows now (the demo's known key), for a step not yet used."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        return ""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = device.t0 + (max(totp.t(), device.last_t + 1) - device.drift) * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_demo_arrangement(arrangement: Arrangement, password: str) -> Arrangement:
    """Render, certify and have every party sign, so a newcomer sees the end result at once."""
    users = {u.username: u for u in Gebruiker.objects.filter(username__in=[*DEMO_SIGNERS, "secretaris"])}
    if arrangement.status != "vastgesteld":
        return arrangement
    document = documenten.request_document(arrangement=arrangement, user=users["secretaris"])
    documenten.render_and_certify(document.pk)
    document.refresh_from_db()
    if document.status != Document.Status.GEREED:
        return arrangement
    for username in DEMO_SIGNERS:
        user = users[username]
        for option in documenten.signing_options(user, document):
            documenten.sign_document(document=document, partij=option.partij, user=user, password=password,
                                     code=_demo_code(user), location="Soest")
    arrangement.refresh_from_db()
    return arrangement
