"""Opzeggen as a service (arrangementen.opzeggen): who may give notice, from which date, once, and what is stored."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from arrangementen import opzeggen, signaleringen
from arrangementen.models import Mandaat, Opzegging, Signalering, Status
from samenwerking.models import Organisatie, Rol

from .helpers import zet_status
from .opzegwereld import burgemeester_of, partij, signed, signer_for, vandaag

pytestmark = pytest.mark.django_db
GEMEENTE, POLITIE = Organisatie.Soort.GEMEENTE, Organisatie.Soort.POLITIE


@pytest.fixture
def ondertekend(wereld):
    return signed(wereld)


@pytest.fixture
def burgemeester(wereld, ondertekend):
    return burgemeester_of(wereld, ondertekend)


def zeg_op(arrangement, user, soort=GEMEENTE, **kwargs):
    return opzeggen.opzeggen(arrangement=arrangement, user=user, partij=partij(arrangement, soort),
                             **{"reden": "De samenwerking gaat op in het regionale convenant.", **kwargs})


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
    (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
    (datetime.date(2026, 11, 29), 3, datetime.date(2027, 2, 28)),
    (datetime.date(2026, 5, 15), 12, datetime.date(2027, 5, 15)),
    (datetime.date(2026, 5, 15), 0, datetime.date(2026, 5, 15)),
])
def test_the_opzegtermijn_counts_in_calendar_months(day, months, expected):
    assert opzeggen.add_months(day, months) == expected


def test_ondertekenaar_gives_notice_effective_after_the_opzegtermijn(ondertekend, burgemeester):
    opzegging = zeg_op(ondertekend, burgemeester)
    stored = Opzegging.objects.get(arrangement=ondertekend)
    assert stored == opzegging
    assert (stored.partij, stored.door) == (partij(ondertekend, GEMEENTE), burgemeester)
    assert stored.ingangsdatum == opzeggen.add_months(vandaag(), 3)
    assert stored.reden == "De samenwerking gaat op in het regionale convenant."
    assert stored.history.get().history_user == burgemeester
    ondertekend.refresh_from_db()
    assert ondertekend.status == Status.ONDERTEKEND  # the notice sits beside the signed arrangement


def test_a_later_date_may_be_chosen(ondertekend, burgemeester):
    later = vandaag() + datetime.timedelta(days=400)
    assert zeg_op(ondertekend, burgemeester, ingangsdatum=later).ingangsdatum == later


def test_without_opzegtermijn_the_notice_takes_effect_today(wereld):
    arrangement = signed(wereld, opzegtermijn=None)
    user = signer_for(arrangement, GEMEENTE)
    assert zeg_op(arrangement, user).ingangsdatum == vandaag()


def test_a_date_before_the_end_of_the_opzegtermijn_is_refused_naming_the_earliest_date(ondertekend, burgemeester):
    earliest = opzeggen.add_months(vandaag(), 3)
    with pytest.raises(ValidationError) as excinfo:
        zeg_op(ondertekend, burgemeester, ingangsdatum=earliest - datetime.timedelta(days=1))
    assert excinfo.value.message_dict["ingangsdatum"] == [
        f"Met een opzegtermijn van 3 maanden gaat de opzegging op zijn vroegst in op {opzeggen.long_date(earliest)}."]
    assert not Opzegging.objects.filter(arrangement=ondertekend).exists()


def test_a_date_after_the_end_of_the_validity_is_refused(wereld):
    arrangement = signed(wereld, geldig_tot=vandaag() + datetime.timedelta(days=200))
    user = signer_for(arrangement, GEMEENTE)
    with pytest.raises(ValidationError) as excinfo:
        zeg_op(arrangement, user, ingangsdatum=vandaag() + datetime.timedelta(days=201))
    assert "Het arrangement eindigt al op" in excinfo.value.message_dict["ingangsdatum"][0]


@pytest.mark.parametrize("status", [Status.CONCEPT, Status.TER_REVIEW, Status.GOEDGEKEURD, Status.VASTGESTELD,
                                    Status.INGETROKKEN])
def test_notice_before_ondertekend_is_refused(ondertekend, burgemeester, status):
    zet_status(ondertekend, status)
    with pytest.raises(ValidationError) as excinfo:
        zeg_op(ondertekend, burgemeester)
    assert messages_of(excinfo).startswith("Opzeggen kan alleen als het arrangement door alle partijen is ondertekend")
    assert not Opzegging.objects.exists()


def test_notice_twice_is_refused_naming_who_and_from_when(ondertekend, burgemeester):
    first = zeg_op(ondertekend, burgemeester)
    teamchef = signer_for(ondertekend, POLITIE)
    with pytest.raises(ValidationError) as excinfo:
        zeg_op(ondertekend, teamchef, POLITIE, reden="Wij ook.")
    naam = burgemeester.get_full_name()
    assert messages_of(excinfo) == (
        f"Dit arrangement is al opgezegd door {naam} namens {first.partij.organisatie} per "
        f"{opzeggen.long_date(first.ingangsdatum)}.")
    assert Opzegging.objects.get(arrangement=ondertekend).door == burgemeester


def test_someone_who_does_not_sign_for_the_party_is_refused(ondertekend, burgemeester):
    with pytest.raises(PermissionDenied, match="U kunt niet opzeggen namens .*: u tekent niet voor deze partij"):
        zeg_op(ondertekend, burgemeester, POLITIE)
    assert not Opzegging.objects.exists()


@pytest.mark.parametrize("rol", [Rol.COORDINATOR, Rol.SECRETARIS, Rol.REVIEWER, Rol.LEZER])
def test_a_member_who_is_no_ondertekenaar_is_refused_even_of_the_partys_organisation(wereld, ondertekend, rol):
    user = wereld.leden[rol]
    user.organisatie = partij(ondertekend, GEMEENTE).organisatie
    user.save(update_fields=["organisatie"])
    with pytest.raises(PermissionDenied, match="Alleen een ondertekenaar van deze driehoek"):
        zeg_op(ondertekend, user)
    assert not Opzegging.objects.exists()


def test_a_mandate_holder_gives_notice_for_the_partij_of_the_principal(wereld, ondertekend, burgemeester):
    gemachtigde = signer_for(ondertekend, POLITIE)
    Mandaat.objects.create(volmachtgever=burgemeester, gemachtigde=gemachtigde,
                           geldig_van=vandaag() - datetime.timedelta(days=1),
                           geldig_tot=vandaag() + datetime.timedelta(days=30))
    assert zeg_op(ondertekend, gemachtigde).door == gemachtigde


def test_another_driehoeks_arrangement_is_not_found(wereld, burgemeester):
    vreemd = signed(wereld, scope="andere")
    with pytest.raises(Http404):
        zeg_op(vreemd, burgemeester)
    assert not Opzegging.objects.exists()


@pytest.mark.parametrize("reden", ["", "   "])
def test_a_reason_is_required(ondertekend, burgemeester, reden):
    with pytest.raises(ValidationError) as excinfo:
        zeg_op(ondertekend, burgemeester, reden=reden)
    assert excinfo.value.message_dict["reden"] == ["Geef de reden van de opzegging."]


def test_a_replaced_arrangement_cannot_be_given_notice_of(wereld):
    arrangement = signed(wereld, vervangen_per=vandaag())
    user = signer_for(arrangement, GEMEENTE)
    with pytest.raises(ValidationError, match="vervangen door een nieuwe versie; opzeggen kan niet meer"):
        zeg_op(arrangement, user)


def test_an_arrangement_replaced_later_can_still_be_given_notice_of(wereld):
    arrangement = signed(wereld, vervangen_per=vandaag() + datetime.timedelta(days=30), opzegtermijn=0)
    assert zeg_op(arrangement, signer_for(arrangement, GEMEENTE)).ingangsdatum == vandaag()


def test_an_expired_arrangement_cannot_be_given_notice_of(wereld):
    arrangement = signed(wereld, geldig_van=vandaag() - datetime.timedelta(days=400),
                         geldig_tot=vandaag() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="Dit arrangement is verlopen"):
        zeg_op(arrangement, signer_for(arrangement, GEMEENTE))


# --- the mail ------------------------------------------------------------------------------------------------

def test_every_partys_signers_and_the_secretaris_get_one_mail(wereld, ondertekend, burgemeester,
                                                              django_capture_on_commit_callbacks):
    teamchef = signer_for(ondertekend, POLITIE)
    secretaris = wereld.leden[Rol.SECRETARIS]
    zonder_partij = signer_for(ondertekend, GEMEENTE)
    zonder_partij.organisatie = None  # an ondertekenaar of the driehoek who signs for none of its partijen
    zonder_partij.save(update_fields=["organisatie"])
    with django_capture_on_commit_callbacks(execute=True):
        opzegging = zeg_op(ondertekend, burgemeester)
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == sorted([burgemeester.email, teamchef.email, secretaris.email])
    message = next(m for m in mail.outbox if m.to == [teamchef.email])
    assert f"'{ondertekend.titel}' is opgezegd per {opzeggen.long_date(opzegging.ingangsdatum)}" in message.subject
    assert f"namens {opzegging.partij.organisatie}" in message.body
    assert "De samenwerking gaat op in het regionale convenant." in message.body
    rows = Signalering.objects.filter(arrangement=ondertekend, soort=Signalering.Soort.OPGEZEGD)
    assert rows.count() == 3
    assert set(rows.values_list("status", flat=True)) == {Signalering.Verzending.VERZONDEN}


def test_the_mail_goes_out_once_however_often_it_is_claimed_or_sent(wereld, ondertekend, burgemeester,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        opzegging = zeg_op(ondertekend, burgemeester)
    sent = len(mail.outbox)
    assert sent == 2  # the burgemeester and the secretaris
    assert opzeggen._claim(opzegging) == []  # a second claim (a retried task) finds every row taken
    for row in Signalering.objects.filter(soort=Signalering.Soort.OPGEZEGD):
        assert signaleringen.send_signal(signalering_id=row.pk) == "al_afgehandeld"
    assert len(mail.outbox) == sent
