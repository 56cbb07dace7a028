"""A driehoek ready to sign: three organisations with TEST keys, a member per role, one ondertekenaar per
partij and a vastgesteld arrangement with afspraken on every niveau, made through the product's services
and the real workflow. Shared by tests/documenten and tests/integration/test_pdf_pipeline.py.
"""

import datetime
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.text import slugify

from arrangementen import documenten, services, workflow
from arrangementen.models import Arrangement, Document, Ondertekeningssleutel, Partij
from arrangementen.pki import create_test_pki
from samenwerking.models import Driehoek, Gebruiker, Organisatie, Rol

from ..factories import (
    TEST_PASSWORD,
    DriehoekFactory,
    GebruikerFactory,
    OnderwerpFactory,
    OrganisatieFactory,
    approve_for_all,
    lid,
)
from ..mfa import app_code

# The afspraak titles in the order the document must show them: strategisch → tactisch → operationeel, by
# onderwerp volgorde, then by volgorde within an onderwerp. They are added in a different order on purpose.
TITELS_IN_VOLGORDE = [
    "Gezamenlijke prioriteiten",
    "Jaarlijkse evaluatie",
    "Gedeelde visie op handhaving",
    "Wekelijkse briefing",
    "Surveillance in de wijk",
]
ONDERTEKENAARS = [("Anna", "Aalders"), ("Bram", "Bakker"), ("Carla", "Claassen")]


@dataclass
class Ondertekenwereld:
    driehoek: Driehoek
    andere: Driehoek
    leden: dict[str, Gebruiker]  # role → member of `driehoek` (the ondertekenaar is the burgemeester)
    ondertekenaars: list[Gebruiker]  # one per partij, in partij order, each of that partij's organisation
    buitenstaander: Gebruiker  # secretaris of `andere`
    arrangement: Arrangement

    @property
    def partijen(self) -> list[Partij]:
        return list(self.arrangement.partijen.select_related("organisatie").order_by("volgorde", "pk"))

    @property
    def secretaris(self) -> Gebruiker:
        return self.leden[Rol.SECRETARIS]


def signing_settings(pki) -> override_settings:
    """The settings `signing_setup` sets, as a context manager for fixtures wider than one test."""
    return override_settings(
        PLATFORM_SIGNING_PKCS12=str(pki.p12("platform")),
        PLATFORM_SIGNING_PASSPHRASE=f"bestand:{pki.passphrase_file}",
        SIGNING_TRUST_ROOTS=[str(pki.ca_pem)],
        SIGNING_TEST_PKI=True,
        SIGNING_TSA_URL="",
    )


@contextmanager
def rolled_back(django_db_blocker):
    """A module's shared world: built once in a transaction that is rolled back at the end of the module;
    every test runs in its own savepoint on top of it (rendering a PDF takes seconds)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def give_key(pki, organisatie: Organisatie) -> Ondertekeningssleutel:
    """A TEST signing key for the organisation, stored the way the beheerder's form stores it."""
    slug = slugify(organisatie.naam)
    create_test_pki(pki.directory, {slug: organisatie.naam})
    data = pki.p12(slug).read_bytes()
    key = Ondertekeningssleutel(organisatie=organisatie, is_test=True,
                                wachtwoord_bron=f"bestand:{pki.passphrase_file}")
    key.pkcs12.save(f"{slug}.p12", ContentFile(data), save=False)
    return documenten.save_signing_key(key=key, pkcs12=data, user=None)


def _add_afspraken(arrangement: Arrangement, user) -> None:
    strategisch_1 = OnderwerpFactory(niveau="strategisch", naam="Prioriteiten van de driehoek", volgorde=1)
    strategisch_2 = OnderwerpFactory(niveau="strategisch", naam="Visie", volgorde=2)
    tactisch = OnderwerpFactory(niveau="tactisch", naam="Informatie delen", volgorde=1)
    operationeel = OnderwerpFactory(niveau="operationeel", naam="Inzet in de wijk", volgorde=1)
    tekst = "Partijen stemmen hun inzet af in het overleg."
    added = {}
    for onderwerp, titel in [(operationeel, "Surveillance in de wijk"), (tactisch, "Wekelijkse briefing"),
                             (strategisch_2, "Gedeelde visie op handhaving"),
                             (strategisch_1, "Jaarlijkse evaluatie"), (strategisch_1, "Gezamenlijke prioriteiten")]:
        arrangement.refresh_from_db()
        added[titel] = services.add_afspraak(arrangement=arrangement, user=user,
                                             expected_version=arrangement.lock_version, onderwerp=onderwerp,
                                             titel=titel, tekst=tekst, verantwoordelijke="gezamenlijk")
    arrangement.refresh_from_db()
    services.move_afspraak(afspraak=added["Gezamenlijke prioriteiten"], user=user,
                           expected_version=arrangement.lock_version, richting="omhoog")


def build_world(pki) -> Ondertekenwereld:
    """Three partijen (gemeente, politie, OM) in that order, each with a key and an ondertekenaar."""
    driehoek, andere = DriehoekFactory(), DriehoekFactory()
    gemeente = OrganisatieFactory(naam=f"Gemeente {driehoek.gemeenten.first().weergavenaam}",
                                  soort=Organisatie.Soort.GEMEENTE, gemeente=driehoek.gemeenten.first())
    politie = OrganisatieFactory(naam=f"Politie {driehoek.basisteam.naam}", soort=Organisatie.Soort.POLITIE,
                                 basisteam=driehoek.basisteam)
    om = OrganisatieFactory(naam=f"Parket {driehoek.naam}", soort=Organisatie.Soort.OM)
    organisaties = [gemeente, politie, om]
    for organisatie in organisaties:
        give_key(pki, organisatie)

    leden = {}
    for rol in (Rol.COORDINATOR, Rol.REVIEWER, Rol.SECRETARIS, Rol.LEZER):
        leden[rol.value] = GebruikerFactory()
        lid(leden[rol.value], driehoek, rol)
    ondertekenaars = []
    for organisatie, (first, last) in zip(organisaties, ONDERTEKENAARS, strict=True):
        user = GebruikerFactory(first_name=first, last_name=last, organisatie=organisatie)
        lid(user, driehoek, Rol.ONDERTEKENAAR)
        ondertekenaars.append(user)
    leden[Rol.ONDERTEKENAAR.value] = ondertekenaars[0]
    buitenstaander = GebruikerFactory()
    lid(buitenstaander, andere, Rol.SECRETARIS)

    coordinator = leden[Rol.COORDINATOR]
    arrangement = services.create_arrangement(driehoek=driehoek, user=coordinator,
                                              titel="Handhavingsarrangement ter ondertekening", start="leeg")
    # The default partijen take the first OM by name, which in a shared world may be another world's.
    for partij in arrangement.partijen.exclude(organisatie__in=organisaties):
        arrangement.refresh_from_db()
        services.remove_partij(partij=partij, user=coordinator, expected_version=arrangement.lock_version)
    for organisatie in organisaties:
        if not arrangement.partijen.filter(organisatie=organisatie).exists():
            arrangement.refresh_from_db()
            services.add_partij(arrangement=arrangement, user=coordinator, expected_version=arrangement.lock_version,
                                organisatie=organisatie, ondertekenaar_functie="officier van justitie")
    _add_afspraken(arrangement, coordinator)
    workflow.perform(arrangement=arrangement, action="indienen", user=coordinator)
    approve_for_all(arrangement)
    workflow.perform(arrangement=arrangement, action="vaststellen", user=leden[Rol.SECRETARIS],
                     vastgesteld_op=timezone.localdate() - datetime.timedelta(days=1),
                     besluit_referentie="Verslag driehoek, agendapunt 4")
    arrangement.refresh_from_db()
    world = Ondertekenwereld(driehoek=driehoek, andere=andere, leden=leden, ondertekenaars=ondertekenaars,
                             buitenstaander=buitenstaander, arrangement=arrangement)
    assert [p.organisatie for p in world.partijen] == organisaties, "setup: unexpected partijen"
    return world


def render_now(world: Ondertekenwereld) -> Document:
    """Request the PDF and run the render task's work here (unit tests; no commit, so no dispatch)."""
    document = documenten.request_document(arrangement=world.arrangement, user=world.secretaris)
    assert documenten.render_and_certify(document.pk), "setup: the PDF was not produced"
    document.refresh_from_db()
    return document


def sign_all(world: Ondertekenwereld, document: Document) -> None:
    for partij, user in zip(world.partijen, world.ondertekenaars, strict=True):
        documenten.sign_document(document=document, partij=partij, user=user, password=TEST_PASSWORD,
                                 code=app_code(user))


def latest_bytes(document: Document) -> bytes:
    with documenten.latest_version(document).bestand.open("rb") as handle:
        return handle.read()


def pdf_reader(data: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(data), strict=False)


def offset_inside_first_revision(data: bytes) -> int:
    """An offset in the middle of the largest stream of the rendered PDF (its first revision), so inside the
    signed ranges of every signature, in data no parser needs to read to find the signatures."""
    first_revision = data[:data.index(b"%%EOF")]
    streams = list(re.finditer(rb"/Length (\d+)[^>]*>>\s*stream\r?\n", first_revision))
    largest = max(streams, key=lambda m: int(m.group(1)))
    return largest.end() + int(largest.group(1)) // 2


def flip_byte(data: bytes, offset: int) -> bytes:
    changed = bytearray(data)
    changed[offset] ^= 0xFF
    return bytes(changed)
