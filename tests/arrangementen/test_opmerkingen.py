"""Comments on an arrangement and its afspraken, and reading which arrangements are in force."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from arrangementen import selectors, services
from arrangementen.models import (
    Arrangement,
    Opmerking,
    Status,
)
from samenwerking.models import Rol

from ..factories import vandaag
from .helpers import zet_status
from .test_services import LEEG, fresh

# --- comments ---------------------------------------------------------------------------------------

def test_reply_to_a_reply_joins_the_thread_of_the_first_comment(db, wereld):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    afspraak = arrangement.afspraken.first()
    reviewer = wereld.leden[Rol.REVIEWER]
    vraag = services.add_opmerking(arrangement=arrangement, user=reviewer, tekst="Wie belt wie?", afspraak=afspraak)
    antwoord = services.add_opmerking(arrangement=arrangement, user=wereld.coordinator, tekst="De OE.",
                                      antwoord_op=vraag)
    reactie = services.add_opmerking(arrangement=arrangement, user=reviewer, tekst="Dank.", antwoord_op=antwoord)
    assert (reactie.antwoord_op, reactie.afspraak) == (vraag, afspraak)
    threads = selectors.opmerkingen_threads(list(arrangement.opmerkingen.order_by("geplaatst_op", "pk")))
    assert [(t["opmerking"], t["antwoorden"]) for t in threads] == [(vraag, [antwoord, reactie])]


def test_resolving_and_reopening_a_comment(db, wereld):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    opmerking = services.add_opmerking(arrangement=arrangement, user=wereld.leden[Rol.REVIEWER], tekst="Vraag")
    services.set_opmerking_opgelost(opmerking=opmerking, user=wereld.coordinator)
    opmerking.refresh_from_db()
    assert (opmerking.opgelost, opmerking.opgelost_door) == (True, wereld.coordinator)
    assert opmerking.opgelost_op is not None
    services.set_opmerking_opgelost(opmerking=opmerking, user=wereld.coordinator, opgelost=False)
    opmerking.refresh_from_db()
    assert (opmerking.opgelost, opmerking.opgelost_door, opmerking.opgelost_op) == (False, None, None)


def test_lezer_can_neither_comment_nor_resolve(db, wereld):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    opmerking = services.add_opmerking(arrangement=arrangement, user=wereld.leden[Rol.REVIEWER], tekst="Vraag")
    with pytest.raises(PermissionDenied):
        services.add_opmerking(arrangement=arrangement, user=wereld.leden[Rol.LEZER], tekst="Mag ik?")
    with pytest.raises(PermissionDenied):
        services.set_opmerking_opgelost(opmerking=opmerking, user=wereld.leden[Rol.LEZER])
    assert list(arrangement.opmerkingen.values_list("tekst", "opgelost")) == [("Vraag", False)]


def test_comment_on_a_clause_of_another_arrangement_is_refused(db, wereld):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    elders = wereld.per_status["eigen"][Status.CONCEPT].afspraken.first()
    with pytest.raises(ValidationError) as refused:
        services.add_opmerking(arrangement=arrangement, user=wereld.coordinator, tekst="Hier?", afspraak=elders)
    assert refused.value.message_dict == {"afspraak": ["Deze afspraak hoort niet bij dit arrangement."]}
    assert not Opmerking.objects.exists()


def test_reply_to_a_comment_of_another_arrangement_is_refused(db, wereld):
    elders = services.add_opmerking(arrangement=wereld.per_status["eigen"][Status.CONCEPT], user=wereld.coordinator,
                                    tekst="Elders")
    with pytest.raises(ValidationError) as refused:
        services.add_opmerking(arrangement=wereld.per_status["eigen"][Status.TER_REVIEW], user=wereld.coordinator,
                               tekst="Reactie", antwoord_op=elders)
    assert list(refused.value.message_dict) == ["antwoord_op"]
    assert Opmerking.objects.count() == 1


def test_empty_comment_is_refused(db, wereld):
    arrangement = wereld.per_status["eigen"][Status.TER_REVIEW]
    with pytest.raises(ValidationError) as refused:
        services.add_opmerking(arrangement=arrangement, user=wereld.coordinator, tekst="  \n")
    assert refused.value.message_dict == {"tekst": [LEEG]}
    assert not Opmerking.objects.exists()


def test_deleting_a_clause_keeps_its_comments_on_the_arrangement(db, wereld):
    arrangement = wereld.nieuw()
    afspraak = arrangement.afspraken.get(titel="Vaste koppels")
    services.add_opmerking(arrangement=arrangement, user=wereld.coordinator, tekst="Nog nodig?", afspraak=afspraak)
    services.delete_afspraak(afspraak=afspraak, user=wereld.coordinator, expected_version=1)
    assert list(arrangement.opmerkingen.values_list("tekst", "afspraak")) == [("Nog nodig?", None)]


# --- reading ---------------------------------------------------------------------------------------

def test_in_force_on_a_day_only_signed_arrangements_within_their_period(db, wereld, vastgesteld):
    zet_status(vastgesteld, Status.ONDERTEKEND)
    binnen = datetime.date(2025, 6, 1)
    assert list(Arrangement.objects.in_force_on(binnen).filter(driehoek=wereld.eigen)) == [vastgesteld]
    assert not Arrangement.objects.in_force_on(datetime.date(2027, 1, 1)).filter(pk=vastgesteld.pk).exists()
    zet_status(vastgesteld, Status.VASTGESTELD)
    assert not Arrangement.objects.in_force_on(binnen).filter(pk=vastgesteld.pk).exists()


def test_signed_arrangement_past_its_end_date_reads_as_verlopen(db, wereld, vastgesteld):
    zet_status(vastgesteld, Status.ONDERTEKEND, geldig_tot=vandaag() - datetime.timedelta(days=1))
    assert fresh(vastgesteld).is_verlopen
    zet_status(vastgesteld, Status.ONDERTEKEND, geldig_tot=vandaag())
    assert not fresh(vastgesteld).is_verlopen
