"""The daily beat (tasks.daily_lifecycle) walks an arrangement through its life with a frozen clock: the fase on
each date, each reminder exactly once per recipient also when the task runs twice a day, and every change of fase
in the history with the system as actor."""

import datetime
import inspect

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from arrangementen import levensloop, signaleringen, tasks, workflow
from arrangementen.models import Arrangement, Levensfase, Opzegging, Partij, Signalering, Status
from samenwerking.models import Rol

from ..factories import ArrangementFactory, GebruikerFactory, OrganisatieFactory, lid

DAY = datetime.timedelta(days=1)
F = Levensfase
S = Signalering.Soort


@pytest.fixture
def ontvangers(driehoek):
    users = [GebruikerFactory(username="secretaris"), GebruikerFactory(username="coordinator")]
    lid(users[0], driehoek, Rol.SECRETARIS)
    lid(users[1], driehoek, Rol.COORDINATOR)
    lid(GebruikerFactory(username="lezer"), driehoek, Rol.LEZER)  # reads, is not reminded
    return users


def test_the_daily_beat_task_is_scheduled_and_its_arguments_fit():
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["arrangementen-levensloop"]
    app.loader.import_default_modules()
    task = app.tasks[entry["task"]]
    assert task.name == tasks.daily_lifecycle.name == "arrangementen.tasks.daily_lifecycle"
    inspect.signature(task.run).bind(*entry.get("args", ()), **entry.get("kwargs", {}))
    assert task.acks_late and task.reject_on_worker_lost and task.time_limit


def _sign(arrangement: Arrangement) -> None:
    workflow.perform(arrangement=arrangement, action="ondertekening_voltooien", user=arrangement.aangemaakt_door,
                     as_system=True)


def _opzeg(arrangement: Arrangement, ingangsdatum: datetime.date) -> None:
    partij = Partij.objects.create(arrangement=arrangement, organisatie=OrganisatieFactory(),
                                   ondertekenaar_functie="burgemeester")
    Opzegging.objects.create(arrangement=arrangement, partij=partij, door=arrangement.aangemaakt_door,
                             reden="De gemeente stopt met BOA's.", ingangsdatum=ingangsdatum)


def _run_twice(capture) -> None:
    for _ in range(2):
        with capture(execute=True):
            tasks.daily_lifecycle()


def _fasen_in_history(arrangement: Arrangement) -> list[str]:
    records = arrangement.history.filter(history_change_reason__startswith="Levensfase:").order_by("history_date",
                                                                                                   "history_id")
    assert all(r.history_user is None for r in records)  # the system is the actor
    return [r.history_change_reason.removeprefix("Levensfase: ") for r in records]


@pytest.mark.parametrize("einde", ["opzegging", "herziening"])
def test_one_arrangement_across_its_dates(driehoek, ontvangers, frozen, django_capture_on_commit_callbacks, einde):
    t0 = timezone.localdate()
    at = {n: t0 + n * DAY for n in range(0, 420)}
    v1 = ArrangementFactory(driehoek=driehoek, status=Status.VASTGESTELD, geldig_van=at[10], evaluatiedatum=at[120],
                            geldig_tot=at[400])
    _sign(v1)
    v2 = None
    expected_fase = {0: F.NOG_NIET_IN_WERKING, 9: F.NOG_NIET_IN_WERKING, 10: F.IN_WERKING, 120: F.IN_WERKING,
                     121: F.EVALUATIE_ACHTERSTALLIG, 130: F.IN_WERKING}
    if einde == "opzegging":
        expected_fase |= {200: F.OPGEZEGD, 394: F.OPGEZEGD, 395: F.BEEINDIGD}
    else:
        expected_fase |= {309: F.IN_WERKING, 310: F.VERLOOPT_BINNENKORT, 379: F.VERLOOPT_BINNENKORT,
                          380: F.VERVANGEN}
    for n in range(0, 401):
        frozen(days=n)
        if n == 130:  # the driehoek evaluated: the next evaluation is two years on
            Arrangement.objects.filter(pk=v1.pk).update(volgende_evaluatie=at[130] + 730 * DAY)
        if n == 200 and einde == "opzegging":
            _opzeg(v1, at[395])
        if n == 300 and einde == "herziening":
            v2 = ArrangementFactory(driehoek=driehoek, titel=v1.titel, versie=2, vorige_versie=v1,
                                    status=Status.VASTGESTELD, geldig_van=at[380])
            _sign(v2)
        _run_twice(django_capture_on_commit_callbacks)
        if n in expected_fase:
            assert levensloop.fase_on(v1, at[n]) == expected_fase[n], n

    einde_mails = [("einde", f"{at[400]}-90d"), ("einde", f"{at[400]}-30d")]
    if einde == "opzegging":
        einde_mails += [("einde", f"{at[400]}-7d"), ("opzegging_ingegaan", f"{at[395]}")]
    else:
        einde_mails += [("vervangen", f"{at[380]}")]
    expected = [("in_werking", f"{at[10]}"), ("evaluatie", f"{at[120]}-90d"), ("evaluatie", f"{at[120]}-30d"),
                ("evaluatie", f"{at[120]}-7d"), ("evaluatie_achterstallig", f"{at[120]}"), *einde_mails]
    for user in ontvangers:
        sent = Signalering.objects.filter(arrangement=v1, ontvanger=user, status="verzonden").order_by("pk")
        assert [(s.soort, s.periode) for s in sent] == expected
    assert len([m for m in mail.outbox if "Arrangement" in m.subject or v1.titel in m.subject]) == len(mail.outbox)
    assert len(mail.outbox) == len(expected) * 2 + (2 if v2 else 0)  # v2's own "in werking", once per recipient
    assert sorted({m.to[0] for m in mail.outbox}) == sorted(u.email for u in ontvangers)

    history = _fasen_in_history(v1)
    if einde == "opzegging":
        assert history == ["nog niet in werking", "in werking", "evaluatie achterstallig", "in werking",
                           "opgezegd, nog in werking", "beëindigd door opzegging"]
    else:
        assert history == ["nog niet in werking", "in werking", "evaluatie achterstallig", "in werking",
                           "verloopt binnenkort", "vervangen door een nieuwe versie"]
        assert _fasen_in_history(v2) == ["nog niet in werking", "in werking"]


def test_a_run_killed_after_claiming_sends_each_claimed_mail_once_on_the_next_run(
        driehoek, ontvangers, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    arrangement = ArrangementFactory(driehoek=driehoek, status=Status.VASTGESTELD, geldig_van=today,
                                     evaluatiedatum=today + 7 * DAY)
    _sign(arrangement)
    claimed = signaleringen.claim_signals(today=today)  # the worker died before any send task ran
    assert len(claimed) == 4 and mail.outbox == []
    _run_twice(django_capture_on_commit_callbacks)
    assert sorted((m.to[0], m.subject.split("'")[0]) for m in mail.outbox) == sorted(
        (u.email, prefix) for u in ontvangers for prefix in ("Evaluatie van ", ""))
    assert Signalering.objects.filter(status="verzonden").count() == 4


def test_a_replaced_or_ended_arrangement_gets_no_more_reminders(driehoek, ontvangers):
    today = timezone.localdate()
    ArrangementFactory(driehoek=driehoek, status=Status.ONDERTEKEND, geldig_van=today - 100 * DAY,
                       vervangen_per=today - 30 * DAY, evaluatiedatum=today + 7 * DAY, geldig_tot=today + 30 * DAY)
    assert signaleringen.claim_signals(today=today) == []
