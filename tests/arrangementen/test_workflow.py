"""The arrangement workflow: who may move an arrangement from which status to which, and what that records."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from arrangementen import goedkeuring, selectors, services, tasks, workflow
from arrangementen.models import Arrangement, Beoordeling, Gegevensstroom, Grondslag, Status, Statusovergang
from arrangementen.workflow import TRANSITIONS, TransitionRefused, perform
from samenwerking import rollen
from samenwerking.models import Rol

from ..factories import GebruikerFactory, OrganisatieFactory, approve_for_all, lid
from .helpers import GELDIGE_TOELICHTING, REFERENTIE

S = Status
R = Rol
BEFORE_VASTGESTELD = (S.CONCEPT, S.TER_REVIEW, S.WIJZIGINGEN_GEVRAAGD, S.GOEDGEKEURD)

# Who may do what, written down from the domain (DOMAIN.md, "The life of an arrangement"), not derived from
# the product's tables: (action, from status) → the roles that may. Signing is completed by the product.
MAY = {
    ("indienen", S.CONCEPT): {R.COORDINATOR},
    # The privacy adviser approves an arrangement that shares data (tests/arrangementen/test_privacyadviseur.py).
    ("goedkeuren", S.TER_REVIEW): {R.REVIEWER, R.PRIVACYADVISEUR},
    ("wijzigingen_vragen", S.TER_REVIEW): {R.REVIEWER, R.PRIVACYADVISEUR},
    **{("terug_naar_concept", s): {R.COORDINATOR} for s in (S.TER_REVIEW, S.WIJZIGINGEN_GEVRAAGD, S.GOEDGEKEURD)},
    ("vaststellen", S.GOEDGEKEURD): {R.SECRETARIS},
    ("ondertekening_voltooien", S.VASTGESTELD): set(),
    **{("intrekken", s): {R.COORDINATOR, R.SECRETARIS} for s in BEFORE_VASTGESTELD},
    ("intrekken", S.VASTGESTELD): {R.SECRETARIS},
}

# The arguments every guard accepts, so that in the matrix only role and driehoek decide.
ALL_GUARDS_MET = {"toelichting": GELDIGE_TOELICHTING, "besluit_referentie": REFERENTIE}


def vandaag():
    return timezone.localdate()


def perform_with_guards_met(arrangement, action, user, **kwargs):
    return perform(arrangement=arrangement, action=action, user=user, vastgesteld_op=vandaag(),
                   **ALL_GUARDS_MET, **kwargs)


def rows_with_sources():
    for transition in TRANSITIONS:
        for source in sorted(transition.sources):
            yield transition, source


def matrix_cases():
    for transition, source in rows_with_sources():
        for rol in Rol:
            for scope in ("eigen", "andere"):
                yield pytest.param(transition, source, rol.value, scope,
                                   id=f"{transition.action}-van-{source}-{rol.value}-{scope}")


def assert_untouched(arrangement, status):
    fresh = Arrangement.objects.get(pk=arrangement.pk)
    assert fresh.status == status
    assert fresh.lock_version == arrangement.lock_version
    assert not Statusovergang.objects.filter(arrangement=arrangement).exists()
    assert not Beoordeling.objects.filter(arrangement=arrangement).exists()


# --- the table of who may --------------------------------------------------------------------------

def test_every_transition_row_is_in_the_expected_table():
    assert {(t.action, s) for t, s in rows_with_sources()} == set(MAY)


def test_the_expected_table_is_the_role_permission_rule():
    """Allowed ⇔ the role grants one of the transition's permissions, and a user may perform it at all."""
    for transition, source in rows_with_sources():
        by_rule = {rol for rol in Rol
                   if rollen.ROLE_PERMISSIONS[rol] & transition.permissions and not transition.system}
        assert by_rule == MAY[(transition.action, source)], (transition.action, source)


def shares_data(arrangement):
    """Setup only: one data flow, as the register would hold it."""
    Gegevensstroom.objects.create(arrangement=arrangement, verstrekker=OrganisatieFactory(), categorieen="Meldingen",
                                  doel="Inzet", grondslag=Grondslag.objects.get(code="wpg-16"))


@pytest.mark.parametrize(("transition", "source", "rol", "scope"), list(matrix_cases()))
def test_transition_by_role_and_driehoek(db, wereld, transition, source, rol, scope):
    user = wereld.leden[rol]
    arrangement = wereld.per_status[scope][source]

    if scope == "andere":
        # A member of another driehoek does not even see the arrangement.
        with pytest.raises(Http404):
            selectors.get_arrangement(user, arrangement.pk)

    if scope == "eigen" and rol in MAY[(transition.action, source)]:
        if transition.until_all and rol == R.PRIVACYADVISEUR:
            shares_data(arrangement)  # only then is the privacy adviser's approval asked for
            approve_for_all(arrangement)  # every party approved already
        elif transition.until_all:
            approve_for_all(arrangement, behalve=user.organisatie)  # the other parties approved already
        perform_with_guards_met(arrangement, transition.action, user)
        assert Arrangement.objects.get(pk=arrangement.pk).status == transition.target
        assert Statusovergang.objects.filter(arrangement=arrangement, van=source, naar=transition.target,
                                             door=user).count() == 1
        return

    refusal = TransitionRefused if transition.system else PermissionDenied
    with pytest.raises(refusal):
        perform_with_guards_met(arrangement, transition.action, user)
    assert_untouched(arrangement, source)


# --- refused from the wrong status ------------------------------------------------------------------

def not_from_cases():
    for action in workflow.ACTIONS:
        sources = set().union(*(t.sources for t in TRANSITIONS if t.action == action))
        for status in Status:
            if status not in sources:
                yield pytest.param(action, status.value, id=f"{action}-niet-van-{status.value}")


@pytest.fixture
def alleskunner(wereld):
    """A member with every role in the own driehoek: permissions are never the reason for a refusal."""
    user = GebruikerFactory()
    for rol in Rol:
        lid(user, wereld.eigen, rol)
    return user


@pytest.mark.parametrize(("action", "status"), list(not_from_cases()))
def test_action_from_a_status_outside_its_sources_is_refused_naming_the_status(
        db, wereld, alleskunner, action, status):
    arrangement = wereld.per_status["eigen"][status]
    with pytest.raises(TransitionRefused) as refused:
        perform_with_guards_met(arrangement, action, alleskunner)
    message = " ".join(refused.value.messages)
    assert "kan niet: het arrangement heeft de status" in message
    assert f"'{Status(status).label}'" in message
    assert_untouched(arrangement, status)


def test_unknown_action_is_refused_in_dutch(db, wereld, alleskunner):
    arrangement = wereld.per_status["eigen"][S.CONCEPT]
    with pytest.raises(TransitionRefused, match="Onbekende handeling 'publiceren'"):
        perform_with_guards_met(arrangement, "publiceren", alleskunner)
    assert_untouched(arrangement, S.CONCEPT)


# --- signing is completed by the product ----------------------------------------------------------

def test_ondertekenaar_cannot_complete_signing_by_hand(db, wereld):
    arrangement = wereld.per_status["eigen"][S.VASTGESTELD]
    with pytest.raises(TransitionRefused, match="'Ondertekening voltooien'"):
        perform(arrangement=arrangement, action="ondertekening_voltooien", user=wereld.leden[R.ONDERTEKENAAR])
    assert_untouched(arrangement, S.VASTGESTELD)


def test_signing_is_not_offered_to_anyone(db, wereld, alleskunner):
    arrangement = wereld.per_status["eigen"][S.VASTGESTELD]
    offered = {t.action for t in workflow.available_transitions(alleskunner, arrangement)}
    assert offered == {"intrekken"}


def test_product_completes_signing_as_system(db, wereld):
    arrangement = wereld.per_status["eigen"][S.VASTGESTELD]
    ondertekenaar = wereld.leden[R.ONDERTEKENAAR]
    perform(arrangement=arrangement, action="ondertekening_voltooien", user=ondertekenaar, as_system=True)
    assert Arrangement.objects.get(pk=arrangement.pk).status == S.ONDERTEKEND
    assert Statusovergang.objects.get(arrangement=arrangement).naar == S.ONDERTEKEND


# --- guards ---------------------------------------------------------------------------------------

def test_indienen_is_refused_while_a_verplichte_afspraak_is_missing_and_names_it(db, wereld):
    leeg = services.create_arrangement(driehoek=wereld.eigen, user=wereld.coordinator, titel="Leeg", start="leeg")
    with pytest.raises(ValidationError) as refused:
        perform(arrangement=leeg, action="indienen", user=wereld.coordinator)
    message = " ".join(refused.value.messages)
    assert message.startswith("Het arrangement kan nog niet ter beoordeling")
    assert len(wereld.verplichte()) >= 5  # the shipped library marks clauses verplicht
    for verplicht in wereld.verplichte():
        assert f"{verplicht.titel} ({verplicht.onderwerp})" in message
    assert_untouched(leeg, S.CONCEPT)


def test_indienen_names_only_the_verplichte_afspraak_that_was_removed(db, wereld):
    arrangement = services.create_arrangement(driehoek=wereld.eigen, user=wereld.coordinator, titel="Model")
    removed = arrangement.afspraken.get(modelafspraak__titel="Escalatieladder")
    services.delete_afspraak(afspraak=removed, user=wereld.coordinator, expected_version=1)
    arrangement.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        perform(arrangement=arrangement, action="indienen", user=wereld.coordinator)
    message = " ".join(refused.value.messages)
    assert "Escalatieladder" in message
    assert "Grondslag van informatiedeling" not in message
    assert Arrangement.objects.get(pk=arrangement.pk).status == S.CONCEPT


def test_indienen_succeeds_once_every_verplichte_afspraak_is_added(db, wereld):
    leeg = services.create_arrangement(driehoek=wereld.eigen, user=wereld.coordinator, titel="Leeg", start="leeg")
    for version, model in enumerate(wereld.verplichte(), start=1):
        services.add_afspraak(arrangement=leeg, user=wereld.coordinator, expected_version=version,
                              onderwerp=model.onderwerp, titel=model.titel, tekst=model.tekst,
                              verantwoordelijke=model.verantwoordelijke, modelafspraak=model)
    perform(arrangement=leeg, action="indienen", user=wereld.coordinator)
    assert Arrangement.objects.get(pk=leeg.pk).status == S.TER_REVIEW


@pytest.mark.parametrize("toelichting", ["", "   \n "])
@pytest.mark.parametrize(("action", "status", "rol"), [
    ("wijzigingen_vragen", S.TER_REVIEW, R.REVIEWER),
    ("intrekken", S.CONCEPT, R.COORDINATOR),
    ("intrekken", S.VASTGESTELD, R.SECRETARIS),
])
def test_transition_needing_a_reason_is_refused_without_one(db, wereld, action, status, rol, toelichting):
    arrangement = wereld.per_status["eigen"][status]
    with pytest.raises(ValidationError) as refused:
        perform(arrangement=arrangement, action=action, user=wereld.leden[rol], toelichting=toelichting)
    assert refused.value.message_dict == {"toelichting": ["Geef een toelichting: de andere partijen lezen waarom."]}
    assert_untouched(arrangement, status)


def test_wijzigingen_vragen_records_the_reason_with_the_beoordeling(db, wereld):
    arrangement = wereld.per_status["eigen"][S.TER_REVIEW]
    reviewer = wereld.leden[R.REVIEWER]
    perform(arrangement=arrangement, action="wijzigingen_vragen", user=reviewer, toelichting="  Escalatie ontbreekt. ")
    beoordeling = Beoordeling.objects.get(arrangement=arrangement)
    assert (beoordeling.besluit, beoordeling.beoordelaar, beoordeling.vervallen) == (
        Beoordeling.Besluit.WIJZIGINGEN_GEVRAAGD, reviewer, False)
    assert Statusovergang.objects.get(arrangement=arrangement).toelichting == "Escalatie ontbreekt."


@pytest.mark.parametrize(("vastgesteld_op", "besluit_referentie", "errors"), [
    pytest.param(None, REFERENTIE, {"vastgesteld_op": ["Vul de datum van het besluit van de driehoek in."]},
                 id="zonder-datum"),
    pytest.param(datetime.timedelta(days=1), REFERENTIE,
                 {"vastgesteld_op": ["De datum van het besluit kan niet in de toekomst liggen."]}, id="morgen"),
    pytest.param(datetime.timedelta(0), "  ", {"besluit_referentie": [
        "Vul de referentie van het besluit in (bijvoorbeeld het agendapunt of verslagnummer)."]},
        id="zonder-referentie"),
])
def test_vaststellen_needs_a_past_date_and_a_reference(db, wereld, vastgesteld_op, besluit_referentie,
                                                         errors):
    arrangement = wereld.per_status["eigen"][S.GOEDGEKEURD]
    datum = vandaag() + vastgesteld_op if vastgesteld_op is not None else None
    with pytest.raises(ValidationError) as refused:
        perform(arrangement=arrangement, action="vaststellen", user=wereld.leden[R.SECRETARIS],
                vastgesteld_op=datum, besluit_referentie=besluit_referentie)
    assert refused.value.message_dict == errors
    assert_untouched(arrangement, S.GOEDGEKEURD)
    assert Arrangement.objects.get(pk=arrangement.pk).vastgesteld_op is None


def test_vaststellen_records_date_and_reference(db, wereld):
    arrangement = wereld.per_status["eigen"][S.GOEDGEKEURD]
    besloten = vandaag() - datetime.timedelta(days=3)
    perform(arrangement=arrangement, action="vaststellen", user=wereld.leden[R.SECRETARIS],
            vastgesteld_op=besloten, besluit_referentie=f"  {REFERENTIE} ")
    fresh = Arrangement.objects.get(pk=arrangement.pk)
    assert (fresh.status, fresh.vastgesteld_op, fresh.besluit_referentie) == (S.VASTGESTELD, besloten, REFERENTIE)


# --- approvals lapse when the content may change again -----------------------------------------------

@pytest.mark.parametrize("oordeel", ["goedkeuren", "wijzigingen_vragen"])
def test_back_to_concept_marks_earlier_beoordelingen_vervallen(db, wereld, oordeel):
    arrangement = wereld.per_status["eigen"][S.TER_REVIEW]
    perform(arrangement=arrangement, action=oordeel, user=wereld.leden[R.REVIEWER],
            toelichting=GELDIGE_TOELICHTING)
    perform(arrangement=arrangement, action="terug_naar_concept", user=wereld.coordinator)
    assert list(Beoordeling.objects.filter(arrangement=arrangement).values_list("vervallen", flat=True)) == [True]


def test_resubmitted_arrangement_is_back_in_the_reviewers_queue(db, wereld):
    arrangement = wereld.per_status["eigen"][S.TER_REVIEW]
    reviewer = wereld.leden[R.REVIEWER]
    perform(arrangement=arrangement, action="goedkeuren", user=reviewer)
    assert arrangement not in selectors.review_queue(reviewer)
    perform(arrangement=arrangement, action="terug_naar_concept", user=wereld.coordinator)
    perform(arrangement=arrangement, action="indienen", user=wereld.coordinator)
    assert arrangement in selectors.review_queue(reviewer)


def test_a_transition_that_does_not_return_to_concept_keeps_beoordelingen(db, wereld):
    arrangement = wereld.per_status["eigen"][S.TER_REVIEW]
    approve_for_all(arrangement)
    perform_with_guards_met(arrangement, "vaststellen", wereld.leden[R.SECRETARIS])
    parties = len(goedkeuring.required_partijen(arrangement))
    assert parties == 3  # gemeente, politie, OM
    assert list(Beoordeling.objects.filter(arrangement=arrangement).values_list("vervallen", flat=True)) == [
        False] * parties


# --- every transition is recorded ----------------------------------------------------------------

def actor_cases():
    for transition, source in rows_with_sources():
        allowed = MAY[(transition.action, source)]
        # A review decision by the reviewer: the privacy adviser's needs data flows (test_privacyadviseur.py).
        rol = (R.REVIEWER if R.REVIEWER in allowed else sorted(allowed)[0]) if allowed else R.ONDERTEKENAAR
        yield pytest.param(transition, source, rol, id=f"{transition.action}-van-{source}")


@pytest.mark.parametrize(("transition", "source", "rol"), list(actor_cases()))
def test_every_transition_records_who_from_to_and_why_with_history(db, wereld, transition, source, rol):
    arrangement = wereld.per_status["eigen"][source]
    user = wereld.leden[rol]
    if transition.until_all:
        approve_for_all(arrangement, behalve=user.organisatie)  # the other parties approved already
    perform_with_guards_met(arrangement, transition.action, user, as_system=transition.system)

    overgang = Statusovergang.objects.get(arrangement=arrangement)
    assert (overgang.van, overgang.naar, overgang.door, overgang.toelichting) == (
        source, transition.target, user, GELDIGE_TOELICHTING)
    record = Arrangement.history.filter(id=arrangement.pk).order_by("-history_date", "-history_id").first()
    assert (record.status, record.history_user, record.history_change_reason) == (
        transition.target, user, str(transition.label))
    assert overgang.history.get().history_user == user


def test_every_transition_bumps_the_edit_version_so_open_edit_forms_go_stale(db, wereld):
    arrangement = wereld.per_status["eigen"][S.TER_REVIEW]
    perform(arrangement=arrangement, action="terug_naar_concept", user=wereld.coordinator)
    with pytest.raises(services.StaleEdit):
        services.update_arrangement(arrangement=arrangement, user=wereld.coordinator,
                                    expected_version=arrangement.lock_version, data={"doel": "Oud formulier"})
    assert Arrangement.objects.get(pk=arrangement.pk).doel == ""


# --- notifications -----------------------------------------------------------------------------

# (action, from status, performed by) → the roles that hear of it. The one who acted never gets a mail.
NOTIFY_CASES = [
    ("indienen", S.CONCEPT, R.COORDINATOR, {R.REVIEWER}),
    ("goedkeuren", S.TER_REVIEW, R.REVIEWER, {R.COORDINATOR, R.SECRETARIS}),
    ("wijzigingen_vragen", S.TER_REVIEW, R.REVIEWER, {R.COORDINATOR}),
    ("vaststellen", S.GOEDGEKEURD, R.SECRETARIS, {R.COORDINATOR, R.ONDERTEKENAAR}),
    ("intrekken", S.GOEDGEKEURD, R.COORDINATOR, {R.SECRETARIS}),
    ("intrekken", S.VASTGESTELD, R.SECRETARIS, {R.COORDINATOR}),
]


@pytest.fixture
def ex_reviewer(wereld):
    """A reviewer whose membership has lapsed: no longer told anything."""
    user = GebruikerFactory()
    lid(user, wereld.eigen, R.REVIEWER, actief_van=vandaag() - datetime.timedelta(days=30),
        actief_tot=vandaag())
    return user


@pytest.mark.parametrize(("action", "source", "door", "ontvangers"), [
    pytest.param(*case, id=f"{case[0]}-van-{case[1]}") for case in NOTIFY_CASES])
def test_transition_mails_the_right_people_once_in_dutch(
        db, wereld, ex_reviewer, django_capture_on_commit_callbacks, action, source, door, ontvangers):
    arrangement = wereld.per_status["eigen"][source]
    user = wereld.leden[door]
    if action == "goedkeuren":
        approve_for_all(arrangement, behalve=user.organisatie)  # only the last approval changes the status
    with django_capture_on_commit_callbacks(execute=True):
        perform_with_guards_met(arrangement, action, user)

    assert len(mail.outbox) == 1
    bericht = mail.outbox[0]
    assert sorted(bericht.to) == sorted(wereld.leden[rol].email for rol in ontvangers)
    status_label = Status(Arrangement.objects.get(pk=arrangement.pk).status).label
    assert bericht.subject == f"{arrangement.titel}: {status_label}"
    assert f"{user} heeft het arrangement '{arrangement.titel}' (versie 1)" in bericht.body
    assert f"op '{status_label}' gezet" in bericht.body
    assert f"Toelichting: {GELDIGE_TOELICHTING}" in bericht.body
    assert bericht.body.rstrip().endswith(f"/arrangementen/{arrangement.pk}/")

    overgang = Statusovergang.objects.get(arrangement=arrangement)
    assert overgang.melding_verstuurd_op is not None
    assert tasks.notify_transition.delay(overgang.pk).get() == 0
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(("action", "source", "rol", "as_system"), [
    ("terug_naar_concept", S.TER_REVIEW, R.COORDINATOR, False),
    ("ondertekening_voltooien", S.VASTGESTELD, R.ONDERTEKENAAR, True),
])
def test_transition_nobody_needs_to_hear_of_sends_no_mail(db, wereld, django_capture_on_commit_callbacks,
                                                         action, source, rol, as_system):
    arrangement = wereld.per_status["eigen"][source]
    with django_capture_on_commit_callbacks(execute=True):
        perform(arrangement=arrangement, action=action, user=wereld.leden[rol], as_system=as_system)
    assert mail.outbox == []
    assert Statusovergang.objects.get(arrangement=arrangement).melding_verstuurd_op is not None


def test_refused_transition_sends_no_mail(db, wereld, django_capture_on_commit_callbacks):
    arrangement = wereld.per_status["eigen"][S.CONCEPT]
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(PermissionDenied):
        perform(arrangement=arrangement, action="indienen", user=wereld.leden[R.LEZER])
    assert callbacks == []
    assert mail.outbox == []


def test_notification_for_a_vanished_overgang_does_nothing(db):
    assert tasks.notify_transition(987654) == 0
    assert mail.outbox == []

