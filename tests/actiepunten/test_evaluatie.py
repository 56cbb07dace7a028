"""Evaluatie as a record (issue 14 item 4): recording it, what is refused, actiepunten and the herziening."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actiepunten.evaluaties import services
from actiepunten.evaluaties.models import Afspraakoordeel, Evaluatie
from actiepunten.models import Overleg
from arrangementen import services as arrangement_services
from arrangementen.evaluatiebesluit import one_year_on
from arrangementen.models import Arrangement, Opzegging, Status
from samenwerking.models import Rol

from ..factories import GebruikerFactory, lid, vandaag
from .evaluatiewereld import evaluatie_overleg, ondertekend_arrangement, oordelen_voor

DAG = datetime.timedelta(days=1)


@pytest.fixture
def arrangement(driehoek, coordinator):
    return ondertekend_arrangement(driehoek, coordinator)


@pytest.fixture
def evaluatieoverleg(driehoek, secretaris):
    return evaluatie_overleg(driehoek, secretaris)


def _record(arrangement, overleg, user, **kwargs):
    kwargs.setdefault("oordelen", oordelen_voor(arrangement))
    kwargs.setdefault("conclusie", "voortzetten")
    return services.record_evaluatie(arrangement=arrangement, overleg=overleg, user=user, **kwargs)


def test_secretaris_records_an_assessment_per_afspraak_and_the_next_evaluation_a_year_on(
        arrangement, evaluatieoverleg, secretaris):
    evaluatie = _record(arrangement, evaluatieoverleg, secretaris, conclusie="herzien", toelichting="Goed, bijstellen",
                        oordelen=oordelen_voor(arrangement, **{"Informatie delen": ("bijstellen", "Sneller delen")}))
    assert evaluatie.datum == evaluatieoverleg.datum
    assert evaluatie.volgende_evaluatie == one_year_on(evaluatieoverleg.datum)
    assert dict(evaluatie.oordelen.values_list("afspraak__titel", "oordeel")) == {
        "Prioriteiten vaststellen": "werkt", "Informatie delen": "bijstellen", "Maandelijks inzetoverleg": "werkt",
        "Meldingen doorzetten": "werkt", "Gezamenlijke surveillance": "werkt"}
    arrangement.refresh_from_db()
    assert arrangement.volgende_evaluatie == evaluatie.volgende_evaluatie
    assert arrangement.history.first().history_user == secretaris
    assert Evaluatie.history.get(id=evaluatie.pk).history_user == secretaris


def test_a_chosen_next_date_is_kept_and_must_lie_after_the_overleg(arrangement, evaluatieoverleg, secretaris):
    with pytest.raises(ValidationError) as error:
        _record(arrangement, evaluatieoverleg, secretaris, volgende_evaluatie=evaluatieoverleg.datum)
    assert "volgende_evaluatie" in error.value.message_dict
    chosen = vandaag() + datetime.timedelta(days=180)
    assert _record(arrangement, evaluatieoverleg, secretaris, volgende_evaluatie=chosen).volgende_evaluatie == chosen


@pytest.mark.parametrize("situatie", ["concept", "nog_niet_in_werking", "verlopen", "opgezegd", "vervangen"])
def test_an_arrangement_that_is_not_in_force_is_refused(arrangement, evaluatieoverleg, secretaris, situatie):
    velden = {"concept": {"status": Status.CONCEPT}, "nog_niet_in_werking": {"geldig_van": vandaag() + DAG},
              "verlopen": {"geldig_van": vandaag() - 400 * DAG, "geldig_tot": vandaag() - DAG},
              "vervangen": {"vervangen_per": vandaag()}}.get(situatie, {})
    Arrangement.objects.filter(pk=arrangement.pk).update(**velden)
    if situatie == "opgezegd":
        Opzegging.objects.create(arrangement=arrangement, partij=arrangement.partijen.first(), door=secretaris,
                                 reden="Andere aanpak", ingangsdatum=vandaag())
    arrangement.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        _record(arrangement, evaluatieoverleg, secretaris)
    assert error.value.code == "niet_in_werking"
    assert not Evaluatie.objects.exists()


def test_an_opzegging_that_takes_effect_later_does_not_stop_the_evaluation(arrangement, evaluatieoverleg,
                                                                           secretaris):
    Opzegging.objects.create(arrangement=arrangement, partij=arrangement.partijen.first(), door=secretaris,
                             reden="Andere aanpak", ingangsdatum=vandaag() + 90 * DAG)
    assert _record(arrangement, evaluatieoverleg, secretaris).pk


def test_the_overleg_must_be_an_evaluatie_overleg_of_the_same_driehoek(arrangement, overleg, secretaris,
                                                                       andere_driehoek):
    with pytest.raises(ValidationError) as error:
        _record(arrangement, overleg, secretaris)
    assert "soort" in " ".join(error.value.message_dict["overleg"])
    vreemd = Overleg.objects.create(driehoek=andere_driehoek, soort=Overleg.Soort.EVALUATIE, datum=vandaag())
    with pytest.raises(ValidationError) as error:
        _record(arrangement, vreemd, secretaris)
    assert "andere driehoek" in " ".join(error.value.message_dict["overleg"])


def test_the_same_arrangement_is_evaluated_once_per_overleg(arrangement, evaluatieoverleg, secretaris):
    _record(arrangement, evaluatieoverleg, secretaris)
    with pytest.raises(ValidationError):
        _record(arrangement, evaluatieoverleg, secretaris)
    assert Evaluatie.objects.count() == 1


def test_every_afspraak_needs_an_oordeel_and_bijstellen_a_toelichting(arrangement, evaluatieoverleg, secretaris):
    regels = oordelen_voor(arrangement, **{"Informatie delen": ("bijstellen", "  ")})
    with pytest.raises(ValidationError) as error:
        _record(arrangement, evaluatieoverleg, secretaris, oordelen=regels[1:])
    ontbrekend, zonder_toelichting = regels[0].afspraak_id, regels[1].afspraak_id
    assert set(error.value.message_dict) == {f"oordeel_{ontbrekend}", f"toelichting_{zonder_toelichting}"}
    assert not Afspraakoordeel.objects.exists()


def test_an_afspraak_of_another_arrangement_is_refused(arrangement, evaluatieoverleg, secretaris, driehoek,
                                                       coordinator):
    ander = ondertekend_arrangement(driehoek, coordinator, titel="Ander")
    regels = oordelen_voor(arrangement)
    regels[0] = services.OordeelRegel(afspraak_id=ander.afspraken.first().pk, oordeel="werkt")
    with pytest.raises(ValidationError):
        _record(arrangement, evaluatieoverleg, secretaris, oordelen=regels)


@pytest.mark.parametrize("rol", [Rol.COORDINATOR, Rol.REVIEWER, Rol.ONDERTEKENAAR, Rol.LEZER])
def test_only_who_manages_overleggen_records_an_evaluation(arrangement, evaluatieoverleg, driehoek, rol):
    user = GebruikerFactory()
    lid(user, driehoek, rol)
    with pytest.raises(PermissionDenied):
        _record(arrangement, evaluatieoverleg, user)


def test_an_actiepunt_from_the_evaluation_is_in_its_overleg_about_its_arrangement(arrangement, evaluatieoverleg,
                                                                                    secretaris):
    evaluatie = _record(arrangement, evaluatieoverleg, secretaris)
    afspraak = arrangement.afspraken.get(titel="Informatie delen")
    actiepunt = services.add_actiepunt(evaluatie=evaluatie, user=secretaris, data={
        "onderwerp": "Convenant informatiedeling opstellen", "eigenaar": secretaris,
        "datum_gereed": vandaag() + 60 * DAG, "afspraak": afspraak})
    assert (actiepunt.evaluatie, actiepunt.overleg, actiepunt.arrangement, actiepunt.afspraak) == (
        evaluatie, evaluatieoverleg, arrangement, afspraak)
    assert list(evaluatie.actiepunten.all()) == [actiepunt]


def test_herziening_leaves_out_vervalt_and_flags_bijstellen_with_the_next_evaluation(arrangement, evaluatieoverleg,
                                                                                      secretaris):
    evaluatie = _record(arrangement, evaluatieoverleg, secretaris, conclusie="herzien", oordelen=oordelen_voor(
        arrangement, **{"Informatie delen": ("bijstellen", "Binnen een week delen"),
                        "Maandelijks inzetoverleg": ("bijstellen", "Eens per kwartaal"),
                        "Gezamenlijke surveillance": ("vervalt", "Gebeurt niet meer")}))
    copy = services.start_herziening(evaluatie=evaluatie, user=secretaris)
    assert (copy.versie, copy.vorige_versie, copy.status) == (2, arrangement, Status.CONCEPT)
    assert copy.evaluatiedatum == evaluatie.volgende_evaluatie
    flags = dict(copy.afspraken.values_list("titel", "bijstellen_toelichting"))
    assert flags == {"Prioriteiten vaststellen": "", "Informatie delen": "Binnen een week delen",
                     "Maandelijks inzetoverleg": "Eens per kwartaal", "Meldingen doorzetten": ""}
    assert arrangement.afspraken.count() == 5  # the evaluated version is untouched


def test_editing_a_flagged_afspraak_clears_the_flag(arrangement, evaluatieoverleg, secretaris, coordinator):
    evaluatie = _record(arrangement, evaluatieoverleg, secretaris, conclusie="herzien", oordelen=oordelen_voor(
        arrangement, **{"Informatie delen": ("bijstellen", "Binnen een week delen")}))
    copy = services.start_herziening(evaluatie=evaluatie, user=secretaris)
    afspraak = copy.afspraken.get(titel="Informatie delen")
    arrangement_services.update_afspraak(afspraak=afspraak, user=coordinator, expected_version=copy.lock_version,
                                         onderwerp=afspraak.onderwerp, titel=afspraak.titel,
                                         tekst="Partijen delen binnen een week.", verantwoordelijke="gezamenlijk")
    afspraak.refresh_from_db()
    assert afspraak.bijstellen_toelichting == ""


def test_conclusie_beeindigen_starts_no_herziening(arrangement, evaluatieoverleg, secretaris):
    evaluatie = _record(arrangement, evaluatieoverleg, secretaris, conclusie="beeindigen")
    with pytest.raises(ValidationError) as error:
        services.start_herziening(evaluatie=evaluatie, user=secretaris)
    assert "opzeggen" in error.value.messages[0] or "zeg" in error.value.messages[0]
    assert not Arrangement.objects.filter(vorige_versie=arrangement).exists()


def test_a_second_herziening_from_the_same_evaluation_is_refused(arrangement, evaluatieoverleg, secretaris):
    evaluatie = _record(arrangement, evaluatieoverleg, secretaris, conclusie="herzien")
    services.start_herziening(evaluatie=evaluatie, user=secretaris)
    with pytest.raises(ValidationError):
        services.start_herziening(evaluatie=evaluatie, user=secretaris)
    assert Arrangement.objects.filter(vorige_versie=arrangement).count() == 1
