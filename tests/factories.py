import datetime

import factory
from django.utils import timezone

from arrangementen import goedkeuring, workflow
from samenwerking import services
from samenwerking.models import (
    Basisteam,
    Driehoek,
    Eenheid,
    Gebruiker,
    Gemeente,
    Lidmaatschap,
    Organisatie,
    Rol,
    Veiligheidsregio,
)

TEST_PASSWORD = "test-wachtwoord-1234"


class EenheidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Eenheid
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"RE{n % 90 + 10:02d}")
    naam = factory.Sequence(lambda n: f"Eenheid {n}")
    volledige_naam = factory.LazyAttribute(lambda o: f"Eenheid {o.naam}")
    soort = Eenheid.Soort.REGIONAAL


class VeiligheidsregioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Veiligheidsregio
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"VR{n % 90 + 10:02d}")
    naam = factory.Sequence(lambda n: f"Regio {n}")
    eenheid = factory.SubFactory(EenheidFactory)


class GemeenteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gemeente

    cbs_code = factory.Sequence(lambda n: f"GM{n + 5000:04d}")
    officiele_naam = factory.Sequence(lambda n: f"Gemeente {n}")
    weergavenaam = factory.LazyAttribute(lambda o: o.officiele_naam)
    provincie_code = "PV26"
    provincie_naam = "Utrecht"
    veiligheidsregio = factory.SubFactory(VeiligheidsregioFactory)
    eenheid = factory.LazyAttribute(lambda o: o.veiligheidsregio.eenheid)


class BasisteamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Basisteam

    naam = factory.Sequence(lambda n: f"Basisteam {n}")
    eenheid = factory.SubFactory(EenheidFactory)


class OrganisatieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisatie

    naam = factory.Sequence(lambda n: f"Organisatie {n}")
    soort = Organisatie.Soort.GEMEENTE


class DriehoekFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Driehoek
        skip_postgeneration_save = True

    naam = factory.Sequence(lambda n: f"Driehoek {n}")
    soort = Driehoek.Soort.BASISTEAM
    basisteam = factory.SubFactory(BasisteamFactory)
    eenheid = factory.LazyAttribute(lambda o: o.basisteam.eenheid)

    @factory.post_generation
    def gemeenten(self, create, extracted, **kwargs):
        if not create:
            return
        self.gemeenten.set(extracted if extracted is not None else [GemeenteFactory()])


class WerkgroepFactory(DriehoekFactory):
    """A werkgroep (issue 18): a Driehoek without eenheid, basisteam or gemeenten."""

    naam = factory.Sequence(lambda n: f"Werkgroep {n}")
    soort = Driehoek.Soort.WERKGROEP
    basisteam = None
    eenheid = None
    omschrijving = "Samenwerking tussen boa's en politie"

    @factory.post_generation
    def gemeenten(self, create, extracted, **kwargs):
        return


class GebruikerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gebruiker
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


def lid(gebruiker, driehoek, rol, **kwargs) -> Lidmaatschap:
    """A membership made the way the product makes it: through the service, with guardian rows."""
    return services.grant_membership(gebruiker=gebruiker, driehoek=driehoek, rol=rol, **kwargs)


def approve_for_all(arrangement, *, behalve=None, **kwargs):
    """Every required party that has not approved yet approves (review per party), each by a new reviewer of its
    organisation, except the party of organisation `behalve`; where no party is required, one reviewer approves.
    Returns the arrangement as saved."""
    arrangement.refresh_from_db()
    done = goedkeuring.approved_organisaties(arrangement)
    required = [p.organisatie for p in goedkeuring.required_partijen(arrangement)]
    waiting = [o for o in required if o.pk not in done and o != behalve]
    for organisatie in waiting if required else [None]:
        reviewer = GebruikerFactory(organisatie=organisatie)
        lid(reviewer, arrangement.driehoek, Rol.REVIEWER)
        workflow.perform(arrangement=arrangement, action="goedkeuren", user=reviewer, bevestigd=True, **kwargs)
    arrangement.refresh_from_db()
    return arrangement


def vandaag():
    return timezone.localdate()


# --- arrangementen ---------------------------------------------------------------------------------
# Models by label: importing arrangementen here would have to sit above the samenwerking factories.


class OnderwerpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "arrangementen.Onderwerp"
        django_get_or_create = ["niveau", "naam"]

    niveau = "operationeel"
    naam = factory.Sequence(lambda n: f"Onderwerp {n}")


class ArrangementFactory(factory.django.DjangoModelFactory):
    """A bare concept: no partijen, inzet or afspraken (services.create_arrangement adds those)."""

    class Meta:
        model = "arrangementen.Arrangement"

    driehoek = factory.SubFactory(DriehoekFactory)
    titel = factory.Sequence(lambda n: f"Arrangement {n}")
    aangemaakt_door = factory.SubFactory(GebruikerFactory)


class AfspraakFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "arrangementen.Afspraak"

    arrangement = factory.SubFactory(ArrangementFactory)
    onderwerp = factory.SubFactory(OnderwerpFactory)
    titel = factory.Sequence(lambda n: f"Afspraak {n}")
    tekst = "Partijen stemmen hun inzet af in het wekelijkse overleg."
    verantwoordelijke = "gezamenlijk"
    volgorde = factory.Sequence(lambda n: n)


class BoaInzetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "arrangementen.BoaInzet"

    arrangement = factory.SubFactory(ArrangementFactory)
    domein = "I"
    aantal_boas = 4
    fte = 3


class OpmerkingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "arrangementen.Opmerking"

    arrangement = factory.SubFactory(ArrangementFactory)
    auteur = factory.SubFactory(GebruikerFactory)
    tekst = factory.Sequence(lambda n: f"Opmerking {n}")


# --- actiepunten -----------------------------------------------------------------------------------


class OverlegFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actiepunten.Overleg"

    driehoek = factory.SubFactory(DriehoekFactory)
    soort = "tactisch"
    titel = factory.Sequence(lambda n: f"Overleg {n}")
    datum = factory.LazyFunction(vandaag)


class ActiepuntFactory(factory.django.DjangoModelFactory):
    """An actiepunt with an external owner unless `eigenaar` is given; numbered per overleg by sequence."""

    class Meta:
        model = "actiepunten.Actiepunt"

    overleg = factory.SubFactory(OverlegFactory)
    driehoek = factory.LazyAttribute(lambda o: o.overleg.driehoek if o.overleg else DriehoekFactory())
    nummer = factory.Sequence(lambda n: n + 1)
    onderwerp = factory.Sequence(lambda n: f"Actiepunt {n}")
    extern_naam = factory.LazyAttribute(lambda o: "" if o.eigenaar else "Externe Eigenaar")
    extern_email = factory.LazyAttribute(lambda o: "" if o.eigenaar else "extern@example.invalid")
    eigenaar = None
    datum_gereed = factory.LazyFunction(lambda: vandaag() + datetime.timedelta(days=30))
